// Tell the server the browser's time zone (an IANA name such as "America/New_York"):
// fills every hidden field marked data-browser-time-zone, and preselects it in a
// time-zone choice marked data-default-time-zone that has no value chosen yet.
"use strict";
(function () {
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    input.value = zone;
  });
  document.querySelectorAll("select[data-default-time-zone]").forEach(function (select) {
    if (!select.value && select.querySelector("option[value='" + zone + "']")) {
      select.value = zone;
    }
  });
})();
