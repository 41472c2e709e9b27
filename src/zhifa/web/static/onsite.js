// On-site mode: tell the officer when a step could not reach the server (what was done
// before is saved; tapping again or reloading resumes), and hide it once one goes through.
(function () {
  "use strict";
  function banner(show) {
    var box = document.getElementById("onsite-offline");
    if (box) {
      box.hidden = !show;
    }
  }
  document.addEventListener("htmx:sendError", function () { banner(true); });
  document.addEventListener("htmx:timeout", function () { banner(true); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) {
      banner(false);
    }
  });
})();
