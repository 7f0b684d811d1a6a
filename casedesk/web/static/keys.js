// Lists and keys of the console (docs/web.md, "Bulk work" and "Keys"):
// ticking rows for bulk work (shift-click ticks a range), and single keys to move
// through a list (j/k, Enter, x), answer a case (r, n), take it (a) and see them (?).
// Keys do nothing while typing in a field.
"use strict";
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-case-row]"));
  var boxes = rows.map(function (row) { return row.querySelector("input[type=checkbox]"); });
  var form = document.getElementById("bulk-form");
  var count = document.getElementById("bulk-count");
  var last = -1;

  function showCount() {
    if (!count) { return; }
    var n = boxes.filter(function (box) { return box && box.checked; }).length;
    count.textContent = n ? n + (n === 1 ? " case ticked" : " cases ticked") : "";
  }

  boxes.forEach(function (box, index) {
    if (!box) { return; }
    box.addEventListener("click", function (event) {
      if (event.shiftKey && last >= 0 && last !== index) {
        var from = Math.min(last, index), to = Math.max(last, index);
        for (var i = from; i <= to; i++) {
          if (boxes[i]) { boxes[i].checked = box.checked; }
        }
      }
      last = index;
      showCount();
    });
  });
  var all = document.querySelector("[data-bulk-all]");
  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { if (box) { box.checked = all.checked; } });
      showCount();
    });
  }

  // --- keys ---
  var current = -1;
  function move(step) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("current"); rows[current].removeAttribute("aria-current"); }
    current = Math.max(0, Math.min(rows.length - 1, current + step));
    var row = rows[current];
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a");
    if (link) { link.focus(); }
  }

  function csrf() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function assignToMe(caseId) {
    var post = document.createElement("form");
    post.method = "post";
    post.action = "/console/bulk";
    var fields = { csrf_token: csrf(), case_id: caseId, assignee_id: "me", back: location.pathname + location.search };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      post.appendChild(input);
    });
    document.body.appendChild(post);
    post.submit();
  }

  function composerTab(id) {
    var tab = document.getElementById(id);
    if (!tab) { return; }
    tab.click();
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    var area = panel && panel.querySelector("textarea");
    if (area) { area.focus(); }
  }

  var dialog = document.getElementById("keys-dialog");
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
      return;
    }
    if (dialog && dialog.open) { return; }
    var composer = document.getElementById("composer");
    var key = event.key;
    if (key === "?") {
      if (dialog) { event.preventDefault(); dialog.showModal(); }
    } else if (key === "j" || key === "k") {
      if (rows.length) { event.preventDefault(); move(key === "j" ? 1 : -1); }
    } else if (key === "Enter" && current >= 0 && target === document.body) {
      var link = rows[current].querySelector("a");
      if (link) { event.preventDefault(); link.click(); }
    } else if (key === "x" && current >= 0 && boxes[current]) {
      event.preventDefault();
      boxes[current].click();
    } else if (key === "r" && composer) {
      event.preventDefault();
      composerTab("tab-reply");
    } else if (key === "n" && composer) {
      event.preventDefault();
      composerTab("tab-note");
    } else if (key === "a") {
      var caseId = composer ? composer.getAttribute("data-case-id")
        : current >= 0 && boxes[current] ? boxes[current].value : null;
      if (caseId) { event.preventDefault(); assignToMe(caseId); }
    }
  });
})();
