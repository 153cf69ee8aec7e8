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
  // A table wider than the screen scrolls inside its .table-wrap: while it
  // does, the wrapper is a labelled region the keyboard can reach and scroll
  // (WCAG 2.1.1). Its name is the table's caption or the heading before it.
  // Two regions of one name get a number after it (better: name the
  // tables with aria-label).
  function regionName(w) {
    var t = w.querySelector("table");
    var name = t && ((t.caption && t.caption.textContent) || t.getAttribute("aria-label"));
    for (var el = w; !name && el && el !== document.body; el = el.previousElementSibling || el.parentElement) {
      if (/^H[1-3]$/.test(el.tagName)) { name = el.textContent; }
    }
    name = (name || document.title).trim();
    var taken = {}, rs = document.querySelectorAll(".table-wrap[role=region]");
    for (var i = 0; i < rs.length; i++) { if (rs[i] !== w) { taken[rs[i].getAttribute("aria-label")] = true; } }
    for (var n = 2, base = name; taken[name]; n++) { name = base + " (" + n + ")"; }
    return name;
  }
  function markScroller(w) {
    if (w.scrollWidth > w.clientWidth + 1) {
      w.setAttribute("tabindex", "0");
      w.setAttribute("role", "region");
      if (!w.hasAttribute("aria-label")) { w.setAttribute("aria-label", regionName(w)); }
    } else if (w.getAttribute("role") === "region") {
      w.removeAttribute("tabindex");
      w.removeAttribute("role");
      w.removeAttribute("aria-label");
    }
  }
  var watch = window.ResizeObserver ? new ResizeObserver(function (es) {
    for (var i = 0; i < es.length; i++) { markScroller(es[i].target.closest(".table-wrap")); }
  }) : null;
  function markScrollers() {
    var ws = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < ws.length; i++) {
      markScroller(ws[i]);
      // The wrapper's size and its table's: either may change alone.
      if (watch) {
        watch.observe(ws[i]);
        if (ws[i].firstElementChild) { watch.observe(ws[i].firstElementChild); }
      }
    }
  }
  // Below 600 px a list is a stack of cards (app.css): each cell says
  // what it is by its column's heading, given here as data-label to the
  // cells a template has not labelled itself.
  function labelCells() {
    var ts = document.querySelectorAll("table.list");
    for (var i = 0; i < ts.length; i++) {
      var hs = ts[i].querySelectorAll("thead th");
      if (!hs.length) { continue; }
      var rows = ts[i].querySelectorAll("tbody tr");
      for (var r = 0; r < rows.length; r++) {
        for (var c = 0, col = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c], h = hs[col];
          col += cell.colSpan || 1;
          if (!h || cell.hasAttribute("data-label")) { continue; }
          var text = h.textContent.trim();
          if (text) { cell.setAttribute("data-label", text); }
        }
      }
    }
  }
  function enhance() { labelCells(); markScrollers(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
  document.addEventListener("htmx:afterSettle", enhance);
})();
