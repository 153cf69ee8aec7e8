// shequ: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  var csrf = document.body ? document.body.getAttribute("data-csrf") : "";
  // htmx requests carry the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (e) {
    if (csrf) { e.detail.headers["X-CSRF-Token"] = csrf; }
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("[data-back]") : null;
    if (a && window.history.length > 1) { e.preventDefault(); window.history.back(); }
  });
  // A confirm prompt for dangerous buttons: data-confirm="question".
  document.addEventListener("submit", function (e) {
    var b = e.submitter;
    var q = (b && b.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) { e.preventDefault(); }
  });
})();
