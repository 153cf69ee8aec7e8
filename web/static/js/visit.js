// shequ visits: the visit form works without a connection. A visit saved
// here goes into IndexedDB on the phone first, with its own idempotency key,
// and is sent when the connection returns; the server stores each key once,
// so a visit sent twice (an answer lost on the way back) is still one visit.
// Each send asks /visits/session for the current CSRF token: a cached page's
// token may belong to a session that has since ended. If the worker is
// signed out, the visits stay queued until they sign in again.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form || !window.indexedDB || !window.fetch || !window.FormData) { return; }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/visits/sw.js", { scope: "/visits/" }).catch(function () {});
  }

  var box = document.getElementById("visit-queue");
  var statusEl = document.getElementById("visit-queue-status");
  var listEl = document.getElementById("visit-queue-list");
  var sendBtn = document.getElementById("visit-queue-send");
  var msg = function (k) { return box.getAttribute("data-msg-" + k) || ""; };
  var DB = "shequ-visits", STORE = "queue";
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var out = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function all() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.savedAt < b.savedAt ? -1 : 1; });
    });
  }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function remove(key) { return tx("readwrite", function (s) { s["delete"](key); }); }

  function say(text) { statusEl.textContent = text; }

  function render() {
    return all().then(function (items) {
      listEl.textContent = "";
      items.forEach(function (it) {
        var li = document.createElement("li");
        li.className = "queued";
        li.setAttribute("data-key", it.key);
        li.textContent = it.label + " · " + new Date(it.savedAt).toLocaleString() + (it.error ? " · " + msg("failed") + it.error : "");
        if (it.error) {
          var b = document.createElement("button");
          b.type = "button";
          b.textContent = msg("remove");
          b.addEventListener("click", function () { remove(it.key).then(render); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(b);
        }
        listEl.appendChild(li);
      });
      box.hidden = items.length === 0 && !statusEl.textContent;
      box.setAttribute("data-count", String(items.length));
      return items;
    });
  }

  // The form as a queue item: its fields and its photo files (IndexedDB
  // keeps File objects).
  function capture() {
    var fd = new FormData(form);
    var fields = {}, photos = [];
    fd.forEach(function (v, k) {
      if (k === "csrf" || k === "share_location") { return; }
      if (k === "photo") { if (v && v.size) { photos.push(v); } return; }
      fields[k] = v;
    });
    // The time of the visit is when it was saved, not when it is sent.
    if (fields.visited_at) {
      fields.visited_at = new Date(fields.visited_at).toISOString();
    } else {
      fields.visited_at = new Date().toISOString();
    }
    var sel = form.querySelector("#f-task_id");
    var label = sel && sel.selectedIndex > 0 ? sel.options[sel.selectedIndex].text : "";
    return { key: fields.idempotency_key, fields: fields, photos: photos, label: label, savedAt: Date.now() };
  }

  function locate() {
    var box = document.getElementById("f-share_location");
    if (!box || !box.checked || !navigator.geolocation) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById("f-latitude").value = String(p.coords.latitude);
        document.getElementById("f-longitude").value = String(p.coords.longitude);
        document.getElementById("f-accuracy").value = String(Math.round(p.coords.accuracy));
        resolve();
      }, function () { resolve(); }, { timeout: 10000, maximumAge: 60000 });
    });
  }

  function resetForm() {
    form.reset();
    ["f-latitude", "f-longitude", "f-accuracy"].forEach(function (id) { document.getElementById(id).value = ""; });
    document.getElementById("f-idempotency_key").value = newKey();
  }

  // check names the required fields left empty, at each field and in one
  // message above the button; an incomplete visit is not queued (the
  // server would refuse it later, when the worker has left the home).
  var problem = document.getElementById("visit-form-error");
  function check() {
    var missing = [];
    Array.prototype.forEach.call(form.querySelectorAll(".field-error.js"), function (p) { p.parentNode.removeChild(p); });
    Array.prototype.forEach.call(form.querySelectorAll("[required]"), function (el) {
      var field = el.closest(".field");
      if (String(el.value || "").trim() !== "") {
        if (field && !field.querySelector(".field-error")) { field.classList.remove("invalid"); }
        return;
      }
      var label = form.querySelector('label[for="' + el.id + '"]');
      missing.push(label ? label.textContent.trim() : el.name);
      if (field) {
        field.classList.add("invalid");
        var p = document.createElement("p");
        p.className = "field-error js";
        p.textContent = problem.getAttribute("data-msg-required");
        field.appendChild(p);
      }
      el.setAttribute("aria-invalid", "true");
    });
    if (!missing.length) {
      problem.hidden = true;
      problem.textContent = "";
      return true;
    }
    problem.textContent = problem.getAttribute("data-msg-incomplete").replace("%s", missing.join(problem.getAttribute("data-sep")));
    problem.hidden = false;
    var first = form.querySelector('[aria-invalid="true"]');
    if (first && first.focus) { first.focus(); }
    return false;
  }
  form.addEventListener("change", function (e) {
    if (e.target && e.target.hasAttribute("required") && String(e.target.value).trim() !== "") { e.target.removeAttribute("aria-invalid"); }
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!check()) { return; }
    locate().then(function () {
      var item = capture();
      if (!item.key) { item.key = newKey(); item.fields.idempotency_key = item.key; }
      return put(item);
    }).then(function () {
      resetForm();
      say(msg("saved"));
      return render();
    }).then(sync);
  });

  function session() {
    return fetch("/visits/session", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (j) { j.status = r.status; return j; });
      });
  }

  function showSignIn(login) {
    say(msg("signin") + " ");
    var a = document.createElement("a");
    a.href = login || "/login?next=/visits/record";
    a.id = "visit-sign-in";
    a.textContent = msg("signin-link");
    statusEl.appendChild(a);
    box.hidden = false;
  }

  function sendOne(item, csrf) {
    var fd = new FormData();
    Object.keys(item.fields).forEach(function (k) { fd.append(k, item.fields[k]); });
    (item.photos || []).forEach(function (p) { fd.append("photo", p, p.name || "photo.jpg"); });
    return fetch("/visits/record", {
      method: "POST", body: fd, credentials: "same-origin", cache: "no-store", redirect: "manual",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
    });
  }

  // sync sends the queue in order. It stops at the first network failure
  // (still offline) or when the session is gone; an item the server
  // refuses stays with the reason until the worker removes it.
  function sync() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return all().then(function (items) {
      var pending = items.filter(function (it) { return !it.error; });
      if (!pending.length) {
        if (items.length === 0 && statusEl.textContent === msg("sending")) { say(msg("sent")); }
        return;
      }
      if (!navigator.onLine) { say(msg("offline")); return; }
      say(msg("sending"));
      return session().then(function (s) {
        if (!s.signed_in) { showSignIn(s.login); return; }
        var chain = Promise.resolve(true);
        pending.forEach(function (it) {
          chain = chain.then(function (go) {
            if (!go) { return false; }
            return sendOne(it, s.csrf).then(function (res) {
              var body = res.body || {};
              if ((res.status === 200 || res.status === 201) && body.ok) {
                return remove(it.key).then(function () { return true; });
              }
              // Our handler always answers JSON with a message; anything
              // else (a redirect to the sign-in page, a CSRF refusal) means
              // the session is gone: keep the visit and ask to sign in.
              if (res.status >= 400 && res.status < 500 && body.message) {
                it.error = body.message;
                return put(it).then(function () { return true; });
              }
              if (res.status === 0 || res.status === 401 || res.status === 403 || res.status < 400) {
                showSignIn();
                return false;
              }
              return false; // a server error: try again later
            });
          });
        });
        return chain.then(function (done) {
          return all().then(function (left) {
            if (done && !left.some(function (x) { return !x.error; })) { say(msg("sent")); }
          });
        });
      });
    }).catch(function () {
      say(msg("offline"));
    }).then(function () {
      sending = false;
      return render();
    });
  }

  // Signing out from this page drops the cached form (it lists the people
  // to visit) unless visits still wait to be sent with it.
  // The service worker does it, since this page is leaving.
  var logout = document.querySelector('form[action="/logout"]');
  if (logout && "serviceWorker" in navigator) {
    logout.addEventListener("submit", function () {
      var c = navigator.serviceWorker.controller;
      if (c && box.getAttribute("data-count") === "0") { c.postMessage("signed-out"); }
    });
  }

  sendBtn.addEventListener("click", sync);
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () { say(msg("offline")); render(); });
  setInterval(function () { if (navigator.onLine) { sync(); } }, 20000);
  // A fresh key for every load: offline, the page comes from the worker's
  // cache with the same key each time, and two visits under one key would
  // be kept as one.
  document.getElementById("f-idempotency_key").value = newKey();
  render().then(sync);
})();
