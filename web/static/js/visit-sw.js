// shequ visits service worker (served at /visits/sw.js, scope /visits/):
// keeps the visit form page and its assets so the form opens without a
// connection. The page is fetched from the network when there is one (its
// task list stays fresh) and from the cache when there is none. Visits
// themselves are queued by visit.js in IndexedDB, not here.
"use strict";
var CACHE = "shequ-visits-v1";
var ASSETS = ["/static/css/app.css", "/static/js/app.js", "/static/js/visit.js", "/static/vendor/htmx/htmx.min.js"];
var PAGES = ["/visits/record"];

// keepPage stores a real form page only, never a sign-in redirect or an
// error page.
function keepPage(c, path, res) {
  if (res.ok && !res.redirected && res.type === "basic") { return c.put(path, res); }
  return Promise.resolve();
}

// Installing keeps the assets and the form page at once: the first online
// visit to the form is enough for it to open offline, without waiting for
// a second visit to go through the fetch handler below. The page is asked
// for with the worker's session (its cookie); a signed-out install keeps
// only the assets.
self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(ASSETS).then(function () {
      return Promise.all(PAGES.map(function (p) {
        return fetch(p, { credentials: "same-origin", cache: "no-store" })
          .then(function (res) { return keepPage(c, p, res); })
          .catch(function () {});
      }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The form page said its worker is signing out with nothing left to send:
// forget the cached form, which lists the people to visit.
self.addEventListener("message", function (e) {
  if (e.data === "signed-out" && e.origin === self.location.origin) {
    e.waitUntil(caches.open(CACHE).then(function (c) { return Promise.all(PAGES.map(function (p) { return c.delete(p); })); }));
  }
});

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (PAGES.indexOf(url.pathname) >= 0 && req.mode === "navigate") {
    e.respondWith(fetch(req).then(function (res) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return keepPage(c, url.pathname, copy); });
      return res;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    e.respondWith(fetch(req).then(function (res) {
      if (res.ok) { var copy = res.clone(); caches.open(CACHE).then(function (c) { c.put(url.pathname, copy); }); }
      return res;
    }).catch(function () { return caches.match(url.pathname); }));
  }
});
