// Live updates for the console (routes/console_live.py): one EventSource per page on
// /console/events. A "case" event refreshes, through htmx, every element marked
// data-live-refresh (for data-live-case, only when it is that case); an element holding
// the focus of a field being edited is refreshed once the focus leaves it. On a case
// page the script also sends presence heartbeats (viewing, typing) and refreshes the
// "also here" line on "presence" events. A "notification" event (the agent has a new
// one) makes the bell ask for its count again.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (!window.EventSource || !window.htmx) {
    return;
  }
  var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  var pending = {};

  function editing(el) {
    var active = document.activeElement;
    return active && el.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  // One GET of the page per burst of events; each marked element is swapped for its
  // fresh copy, except one being edited, which waits for the focus to leave it.
  function refresh(ids) {
    fetch(window.location.pathname + window.location.search, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ids.forEach(function (id) {
          var el = document.getElementById(id);
          var next = fresh.getElementById(id);
          if (!el || !next) {
            return;
          }
          if (editing(el)) {
            pending[id] = true;
            return;
          }
          delete pending[id];
          el.replaceWith(next);
          htmx.process(next);
        });
      });
  }

  var due = {};
  var timer = null;
  function soon(id) {
    due[id] = true;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var ids = Object.keys(due);
      due = {};
      refresh(ids);
    }, 80);
  }

  document.addEventListener("focusout", function () {
    setTimeout(function () {
      var ids = Object.keys(pending).filter(function (id) {
        var el = document.getElementById(id);
        return el && !editing(el);
      });
      if (ids.length) {
        refresh(ids);
      }
    }, 0);
  });

  var presence = document.getElementById("presence");
  var caseId = presence ? presence.getAttribute("data-case-id") : null;
  var source = new EventSource("/console/events");
  source.addEventListener("case", function (event) {
    var data = JSON.parse(event.data);
    document.querySelectorAll("[data-live-refresh]").forEach(function (el) {
      var only = el.getAttribute("data-live-case");
      if (el.id && (!only || only === String(data.case_id))) {
        soon(el.id);
      }
    });
  });
  source.addEventListener("notification", function () {
    var bell = document.getElementById("notification-bell");
    if (bell) {
      htmx.trigger(bell, "live");
    }
  });
  source.addEventListener("ready", function () {
    document.body.setAttribute("data-live", "connected");
  });
  if (!caseId) {
    return;
  }

  function showPresence() {
    htmx.ajax("GET", "/console/cases/" + caseId + "/presence", {target: "#presence", swap: "outerHTML"});
  }
  source.addEventListener("presence", function (event) {
    if (String(JSON.parse(event.data).case_id) === caseId) {
      showPresence();
    }
  });

  var lastTyped = 0;
  var state = "";
  function beat(next, keepalive) {
    state = next;
    var body = new URLSearchParams({state: next});
    fetch("/console/cases/" + caseId + "/presence", {
      method: "POST", body: body, headers: headers, credentials: "same-origin", keepalive: !!keepalive
    });
  }
  var reply = document.getElementById("reply-body");
  if (reply) {
    reply.addEventListener("input", function () {
      lastTyped = Date.now();
      if (state !== "typing") {
        beat("typing");
      }
    });
  }
  beat("viewing");
  showPresence();
  setInterval(function () {
    beat(Date.now() - lastTyped < 5000 ? "typing" : "viewing");
  }, 5000);
  window.addEventListener("pagehide", function () { beat("gone", true); });
});
