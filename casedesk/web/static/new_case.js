// Keyboard help for the new-case form: ↓ from the caller search goes to the results,
// ↑/↓ move between them, and once a contact is picked the title is next.
"use strict";
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (!target || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) {
    return;
  }
  var picks = Array.prototype.slice.call(document.querySelectorAll("#contact-results button.pick"));
  if (!picks.length) {
    return;
  }
  var at = picks.indexOf(target);
  if (target.id === "contact-q" && event.key === "ArrowDown") {
    event.preventDefault();
    picks[0].focus();
  } else if (at >= 0) {
    event.preventDefault();
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) {
      document.getElementById("contact-q").focus();
    } else if (next < picks.length) {
      picks[next].focus();
    }
  }
});

document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.target || event.target.id !== "contact-picked") {
    return;
  }
  var picked = event.target.querySelector("input[name=contact_id]");
  var results = document.getElementById("contact-results");
  if (picked) {
    if (results) {
      results.textContent = "";
    }
    document.getElementById("case-title").focus();
  } else {
    document.getElementById("contact-q").focus();
  }
});

// What was typed into the search before htmx wired the page up (it listens only from
// then on) is searched for at once. htmx announces the page itself with htmx:load on
// the body once it is wired.
document.addEventListener("htmx:load", function (event) {
  var q = document.getElementById("contact-q");
  if (event.target === document.body && q && q.value) {
    window.htmx.trigger(q, "search");
  }
});
