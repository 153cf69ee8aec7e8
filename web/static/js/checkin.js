// shequ check-in code: the lead's phone shows a code that changes every
// 30 seconds. This fetches the new code (text and QR image) shortly after
// each window ends, so the screen never shows a code the server refuses.
(function () {
  "use strict";
  var box = document.getElementById("checkin-code-box");
  if (!box || !window.fetch) { return; }
  var img = document.getElementById("checkin-qr");
  var text = document.getElementById("checkin-code");
  var src = box.getAttribute("data-src");
  var expires = parseInt(box.getAttribute("data-expires"), 10) * 1000;

  function schedule() {
    var wait = Math.max(500, expires - Date.now() + 300);
    window.setTimeout(refresh, Math.min(wait, 30000));
  }
  function refresh() {
    fetch(src, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (d) {
      text.textContent = d.code;
      img.src = d.qr;
      expires = Date.parse(d.expires_at);
      schedule();
    }).catch(function () {
      expires = Date.now() + 5000;
      schedule();
    });
  }
  schedule();
})();
