// Keyboard help for the console: "/" jumps to the search box (unless typing).
"use strict";
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  var target = event.target;
  var tag = target && target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
    return;
  }
  var search = document.getElementById("global-search");
  if (search) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});

// After the case's fields panel is swapped in place, focus would fall back to the page
// body; put it on the panel's heading so keyboard users continue where they were.
document.addEventListener("htmx:afterSettle", function (event) {
  var active = document.activeElement;
  if (!event.target || event.target.id !== "case-fields" || (active && active !== document.body)) {
    return;
  }
  var heading = document.getElementById("fields-heading");
  if (heading) {
    heading.focus();
  }
});

// The composer (console/case_composer.html): tabs, suggestion lists for "::" (canned
// responses) and "@" (agents to mention), and dropping files on the file field.
(function () {
  var composer = document.getElementById("composer");
  if (!composer) {
    return;
  }
  var caseId = composer.getAttribute("data-case-id");

  // Tabs: without this script both panels show; with it, one at a time.
  var tabs = Array.prototype.slice.call(composer.querySelectorAll("[role=tab]"));
  function select(tab, focus) {
    tabs.forEach(function (other) {
      var chosen = other === tab;
      other.setAttribute("aria-selected", chosen ? "true" : "false");
      other.tabIndex = chosen ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
    });
    if (focus) {
      tab.focus();
    }
  }
  if (tabs.length) {
    composer.querySelector("[role=tablist]").hidden = false;
    composer.classList.add("tabbed");
    select(tabs[0], false);
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, true); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (step) {
          event.preventDefault();
          select(tabs[(index + step + tabs.length) % tabs.length], true);
        }
      });
    });
  }

  // What is being typed at the caret: "::name" or, in a note, "@name".
  function token(area) {
    var before = area.value.slice(0, area.selectionStart);
    var canned = /(^|\s)::([\w.-]*)$/.exec(before);
    if (canned) {
      return { kind: "canned", text: canned[2], start: before.length - canned[2].length - 2 };
    }
    var mention = /(^|\s)@([\w.+-]*)$/.exec(before);
    if (mention && area.getAttribute("data-kind") === "note") {
      return { kind: "mentions", text: mention[2], start: before.length - mention[2].length - 1 };
    }
    return null;
  }

  function replaceToken(area, text) {
    var found = area.composerToken;
    if (!found) {
      return;
    }
    var end = area.selectionStart;
    area.value = area.value.slice(0, found.start) + text + area.value.slice(end);
    var caret = found.start + text.length;
    area.setSelectionRange(caret, caret);
    area.composerToken = null;
    document.getElementById(area.getAttribute("aria-controls")).innerHTML = "";
    area.focus();
    area.dispatchEvent(new Event("change", { bubbles: true }));
  }

  composer.querySelectorAll("textarea.composer-body").forEach(function (area) {
    var list = document.getElementById(area.getAttribute("aria-controls"));
    area.addEventListener("input", function () {
      var found = token(area);
      area.composerToken = found;
      if (!found) {
        list.innerHTML = "";
        return;
      }
      var url = "/console/cases/" + caseId + "/" + found.kind + "?q=" + encodeURIComponent(found.text);
      htmx.ajax("GET", url, { target: list, swap: "innerHTML" });
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && list.innerHTML) {
        list.innerHTML = "";
        area.composerToken = null;
      } else if (event.key === "ArrowDown" && list.querySelector("button")) {
        event.preventDefault();
        list.querySelector("button").focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = at + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) {
          area.focus();
        } else if (next < buttons.length) {
          buttons[next].focus();
        }
      } else if (event.key === "Escape") {
        list.innerHTML = "";
        area.focus();
      }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button.suggestion");
      if (!button) {
        return;
      }
      if (button.hasAttribute("data-insert")) {
        replaceToken(area, button.getAttribute("data-insert"));
        return;
      }
      fetch(button.getAttribute("data-canned-url"), {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      }).then(function (answer) {
        return answer.text().then(function (text) {
          if (answer.ok) {
            replaceToken(area, text);
          } else {
            document.getElementById("notice").innerHTML = text;
          }
        });
      });
    });
  });

  // Files dropped on the drop zone join those chosen in its file field.
  composer.querySelectorAll(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) { all.items.add(f); });
      input.files = all.files;
    });
  });
})();
