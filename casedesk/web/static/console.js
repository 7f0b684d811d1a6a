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
