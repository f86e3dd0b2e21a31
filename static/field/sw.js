/* FieldApp service worker: the app opens and captures with no network.
 * - app shell and its scripts: served from cache at once, refreshed in the background;
 * - map tiles already seen: cache-first, at most MAX_TILES kept;
 * - the API is never cached here (the app keeps its data in IndexedDB);
 * - Background Sync sends the outbox even when the app is closed. */
"use strict";
importScripts("/static/field/db.js", "/static/field/sync.js");

const SHELL_CACHE = "fa-shell-v1";
const TILE_CACHE = "fa-tiles-v1";
const MAX_TILES = 2000;
const SHELL = [
  "/app", "/manifest.webmanifest", "/static/css/app.css", "/static/field/field.css",
  "/static/field/db.js", "/static/field/exif.js", "/static/field/photos.js",
  "/static/field/sync.js", "/static/field/ui.js", "/static/field/visit.js",
  "/static/field/finding.js", "/static/field/close.js", "/static/field/app.js",
  "/icons/icon-192.png", "/icons/icon-512.png",
  "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // One by one: a missing optional file must not stop the app from installing.
    await Promise.all(SHELL.map((url) => cache.add(new Request(url, { credentials: "same-origin" }))
      .catch(() => null)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (![SHELL_CACHE, TILE_CACHE].includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isTile(url) {
  return /\/\d+\/\d+\/\d+(@2x)?\.(png|jpg|jpeg|webp)$/.test(url.pathname) &&
    url.origin !== self.location.origin;
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request);
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  }).catch(() => null);
  return cached || (await network) || Response.error();
}

/* The shell names the signed-in user: fresh from the network when there is one. */
async function networkFirst(request, cacheKey) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(cacheKey, response.clone());
    return response;
  } catch (error) {
    return (await cache.match(cacheKey)) || Response.error();
  }
}

async function tileFirst(request) {
  const cache = await caches.open(TILE_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    for (const key of keys.slice(0, Math.max(0, keys.length - MAX_TILES))) await cache.delete(key);
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (isTile(url)) {
    event.respondWith(tileFirst(request));
    return;
  }
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate" && url.pathname === "/app") {
    event.respondWith(networkFirst(request, "/app"));
    return;
  }
  if (SHELL.includes(url.pathname) || url.pathname.startsWith("/vendor/")) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "fa-outbox") event.waitUntil(FA.sync.run());
});

self.addEventListener("message", (event) => {
  if (event.data === "sync") event.waitUntil(FA.sync.run());
});
