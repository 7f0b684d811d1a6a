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
