/* Service worker of the HealthWISE OSH site (both languages; scope: the site root).
 *
 * the hwsite plugin (scripts/hwsite/plugin/plugin.py) fills in BUILD_ID (a hash of the built site) and
 * PRECACHE (the site shell) and writes this file to the site root; it is registered by
 * assets/javascripts/hw-offline.js, never under file:// nor in the offline edition.
 *
 * - One cache per build, "hw-osh-<build id>". Install stores the whole shell or
 *   nothing (cache.addAll), then fetches again, from the network, the pages, images and
 *   search indexes an older version had kept, so a reader's saved pages survive a new
 *   deploy without mixing old and new files. Activate deletes every older cache.
 * - Pages: network first (a slow network falls back to the saved copy after a few
 *   seconds), else the saved copy, else the offline page of the page's language.
 * - Files with a content hash in their name: cache first. Everything else: network
 *   first, saved copy when offline.
 * - Requests to other hosts are not touched: this worker never fetches from them.
 * - Messages from pages: "keep" (store these URLs if missing), "save" (store these
 *   URLs afresh, reporting progress) and "status" (are these URLs all stored?).
 */
"use strict";

const BUILD_ID = "__HW_BUILD_ID__";
const PRECACHE = [/* __HW_PRECACHE__ */];

const PREFIX = "hw-osh-";
const CACHE = PREFIX + BUILD_ID;
const ROOT = new URL("./", self.location.href);
const LANGUAGE_FOLDERS = ["zh/"];
const HASHED = /\.[0-9a-f]{8}\.min\.(?:js|css)$/;
const PAGE_TIMEOUT_MS = 4000;
const CARRY_OVER_LIMIT = 400;

const precached = new Set(PRECACHE.map((rel) => new URL(rel, ROOT).href));

function isPage(url) {
  return url.pathname.endsWith("/") || url.pathname.endsWith(".html");
}

/* Pages are stored under their address without query (search highlight ?h=...) or fragment. */
function cacheKey(url) {
  const key = new URL(url.href);
  key.hash = "";
  if (isPage(key)) key.search = "";
  return key.href;
}

function offlinePage(url) {
  const rest = url.pathname.slice(ROOT.pathname.length);
  const folder = LANGUAGE_FOLDERS.find((lang) => rest.startsWith(lang)) || "";
  return new URL(folder + "offline/", ROOT).href;
}

function ownUrl(href) {
  try {
    const url = new URL(href, ROOT);
    return url.origin === ROOT.origin && url.pathname.startsWith(ROOT.pathname) ? url : null;
  } catch (error) {
    return null;
  }
}

function storable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

/* Fetch from the network, revalidating anything the HTTP cache holds. */
async function fetchFresh(href) {
  return fetch(new Request(href, { cache: "no-cache", credentials: "same-origin" }));
}

async function carryOver(cache) {
  const names = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
  const wanted = new Set();
  for (const name of names) {
    const old = await caches.open(name);
    for (const request of await old.keys()) {
      const url = ownUrl(request.url);
      if (url && !precached.has(url.href) && !HASHED.test(url.pathname)) wanted.add(cacheKey(url));
    }
  }
  const queue = [...wanted].slice(0, CARRY_OVER_LIMIT);
  const worker = async () => {
    for (let href = queue.shift(); href; href = queue.shift()) {
      try {
        const response = await fetchFresh(href);
        if (storable(response)) await cache.put(href, response);
      } catch (error) {
        /* not reachable now: dropped rather than kept from the old version */
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map((rel) => new Request(new URL(rel, ROOT).href,
      { cache: HASHED.test(rel) ? "default" : "no-cache", credentials: "same-origin" })));
    await carryOver(cache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function cacheFirst(event, url) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(url.href, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (storable(response)) event.waitUntil(cache.put(url.href, response.clone()));
  return response;
}

async function networkFirst(event, url) {
  const cache = await caches.open(CACHE);
  const key = cacheKey(url);
  try {
    const response = await fetch(event.request);
    if (storable(response)) event.waitUntil(cache.put(key, response.clone()));
    else if (response.status >= 500) return (await cache.match(key, { ignoreVary: true })) || response;
    return response;
  } catch (error) {
    return (await cache.match(key, { ignoreVary: true })) || Response.error();
  }
}

async function page(event, url) {
  const cache = await caches.open(CACHE);
  const key = cacheKey(url);
  const cached = await cache.match(key, { ignoreVary: true });
  const network = fetch(event.request).then((response) => {
    if (storable(response)) event.waitUntil(cache.put(key, response.clone()));
    return response;
  });
  event.waitUntil(network.catch(() => null));
  let response = null;
  try {
    response = cached
      ? await Promise.race([network, new Promise((resolve) => setTimeout(resolve, PAGE_TIMEOUT_MS, null))])
      : await network;
  } catch (error) {
    response = null;
  }
  if (response && !(response.status >= 500 && cached)) return response;
  if (cached) return cached;
  return (await cache.match(offlinePage(url), { ignoreVary: true })) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || request.headers.has("range")) return;
  const url = ownUrl(request.url);
  if (!url) return; // another host, or outside the site: the browser handles it as usual
  if (url.pathname === new URL("sw.js", ROOT).pathname) return;
  if (HASHED.test(url.pathname)) event.respondWith(cacheFirst(event, url));
  else if (isPage(url)) event.respondWith(page(event, url));
  else event.respondWith(networkFirst(event, url));
});

/* ---- messages from pages (assets/javascripts/hw-offline.js) ---- */

async function store(hrefs, report, onlyMissing) {
  const cache = await caches.open(CACHE);
  let done = 0;
  let failed = 0;
  for (const href of hrefs) {
    try {
      if (!(onlyMissing && await cache.match(href, { ignoreVary: true }))) {
        const response = await fetchFresh(href);
        if (!storable(response)) throw new Error(String(response.status));
        await cache.put(href, response);
      }
    } catch (error) {
      failed += 1;
    }
    done += 1;
    report({ type: "progress", done, total: hrefs.length });
  }
  return { type: "done", done, failed, total: hrefs.length };
}

async function status(hrefs) {
  const cache = await caches.open(CACHE);
  const found = await Promise.all(hrefs.map((href) => cache.match(href, { ignoreVary: true })));
  return { type: "status", saved: hrefs.length > 0 && found.every(Boolean) };
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  const reply = (message) => { if (port) port.postMessage(message); };
  const hrefs = [...new Set((Array.isArray(data.urls) ? data.urls : [])
    .map((href) => ownUrl(href)).filter(Boolean).map(cacheKey))];
  let job = null;
  if (data.type === "save") job = store(hrefs, reply, false);
  else if (data.type === "keep") job = store(hrefs, () => {}, true);
  else if (data.type === "status") job = status(hrefs);
  if (job) {
    event.waitUntil(job.then(reply, () => reply({ type: "done", failed: hrefs.length, total: hrefs.length })));
  }
});
