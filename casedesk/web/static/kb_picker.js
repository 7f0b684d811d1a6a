// The composer's help-article picker: inserts an article's link or text at the cursor
// of the reply or note being written, then tells the composer its text changed (so the
// draft is kept as if typed).
(function () {
  "use strict";
  if (window.casedeskKbPicker) return;
  window.casedeskKbPicker = true;

  function insert(target, text) {
    var area = document.getElementById(target);
    if (!area) return;
    var start = area.selectionStart || area.value.length;
    var end = area.selectionEnd || start;
    var before = area.value.slice(0, start);
    var gap = before && !/\s$/.test(before) ? " " : "";
    area.value = before + gap + text + area.value.slice(end);
    var caret = (before + gap + text).length;
    area.focus();
    area.setSelectionRange(caret, caret);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-target]");
    if (!button) return;
    var target = button.getAttribute("data-kb-target");
    var link = button.getAttribute("data-kb-insert");
    if (link) {
      insert(target, link);
      return;
    }
    fetch(button.getAttribute("data-kb-text"), { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : ""; })
      .then(function (text) { if (text) insert(target, text); });
  });
})();
