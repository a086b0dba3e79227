// Gatehouse console: small progressive enhancements only; every page works without this file.
// Loaded as a file (the CSP allows no inline script). Features look for data-* attributes.
(function () {
  "use strict";
  function antiforgery() {
    var m = document.querySelector('meta[name="gatehouse-antiforgery"]');
    return m ? m.getAttribute("content") : "";
  }
  window.gatehouse = { antiforgery: antiforgery };
  // Buttons with data-confirm ask first (e.g. reject, quarantine).
  document.addEventListener("submit", function (e) {
    var b = e.submitter;
    if (b && b.hasAttribute("data-confirm") && !window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
  });
})();
