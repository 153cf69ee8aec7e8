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
  // A confirm step for buttons and forms with data-confirm="question":
  // a dialog in the page (data-confirm-yes and data-confirm-no label its
  // buttons), or the browser's own prompt where there is no <dialog>.
  // Confirming submits the form again with the same button.
  var confirmed = null;
  function ask(form, submitter, q) {
    var src = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    var yes = src.getAttribute("data-confirm-yes"), no = src.getAttribute("data-confirm-no");
    var dlg = document.getElementById("confirm-dialog");
    if (!yes || !no || !window.HTMLDialogElement) { return window.confirm(q); }
    if (!dlg) {
      dlg = document.createElement("dialog");
      dlg.id = "confirm-dialog";
      dlg.className = "confirm";
      dlg.setAttribute("aria-labelledby", "confirm-question");
      var p = document.createElement("p");
      p.id = "confirm-question";
      var actions = document.createElement("p");
      actions.className = "actions";
      var ok = document.createElement("button");
      ok.type = "button";
      ok.id = "confirm-yes";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.id = "confirm-no";
      cancel.className = "secondary";
      actions.appendChild(ok);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(cancel);
      dlg.appendChild(p);
      dlg.appendChild(actions);
      document.body.appendChild(dlg);
      cancel.addEventListener("click", function () { dlg.close(); });
      ok.addEventListener("click", function () {
        var f = dlg.pending;
        dlg.close();
        if (!f) { return; }
        confirmed = f.form;
        if (f.form.requestSubmit) { f.form.requestSubmit(f.submitter || undefined); } else { f.form.submit(); }
      });
    }
    dlg.pending = { form: form, submitter: submitter };
    document.getElementById("confirm-question").textContent = q;
    document.getElementById("confirm-yes").textContent = yes;
    document.getElementById("confirm-no").textContent = no;
    dlg.showModal();
    return false;
  }
  document.addEventListener("submit", function (e) {
    var b = e.submitter;
    var q = (b && b.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (!q) { return; }
    if (confirmed === e.target) { confirmed = null; return; }
    if (!ask(e.target, b, q)) { e.preventDefault(); }
  });
})();
