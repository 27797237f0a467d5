/* Offline reading in the web edition: registers the service worker (sw.js at the site
   root), keeps the first page a reader opens, brings the "Save for offline" control of
   module pages to life and offers a reload when a new version has taken over.
   Loaded by partials/hw-app-head.html; never under file:// (the offline edition). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !window.isSecureContext ||
      !/^https?:$/.test(location.protocol)) return;

  var root = new URL("../../", script.src); // this file is <root>assets/javascripts/
  var sw = navigator.serviceWorker;
  var firstLoadUncontrolled = !sw.controller;
  var hadController = !!sw.controller;
  var WAIT_MS = 20000;

  // URL folders of the languages other than the default ("zh/"), from the page's template
  var folders = JSON.parse(script.dataset.folders || "[]");

  function folderOf(rest) {
    return folders.filter(function (folder) { return rest.indexOf(folder) === 0; })[0] || "";
  }

  function languageRoot() {
    return new URL(folderOf(location.pathname.slice(root.pathname.length)), root).href;
  }

  function pageAddress() {
    var url = new URL(location.href);
    url.hash = "";
    url.search = "";
    return url.href;
  }

  function imageAddresses() {
    var urls = [];
    document.querySelectorAll(".md-content img[src], .md-content object[data]").forEach(function (node) {
      urls.push(node.currentSrc || node.src || node.data);
    });
    return urls;
  }

  /* Send one message to the active worker; onProgress gets interim replies. Gives up
     when the worker is silent for WAIT_MS (none installed, or the network stalled). */
  function ask(message, onProgress) {
    return new Promise(function (resolve, reject) {
      var timer = null;
      function wait() {
        clearTimeout(timer);
        timer = setTimeout(function () { reject(new Error("no answer from the service worker")); }, WAIT_MS);
      }
      wait();
      sw.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          var data = event.data || {};
          if (data.type === "progress") {
            wait();
            if (onProgress) onProgress(data);
            return;
          }
          clearTimeout(timer);
          resolve(data);
        };
        registration.active.postMessage(message, [channel.port2]);
      }, reject);
    });
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function setUpSaveControl() {
    var box = document.querySelector("[data-hw-save]");
    if (!box || box.hwReady) return;
    box.hwReady = true;
    var button = box.querySelector("button");
    var status = box.querySelector(".hw-save__status");
    var urls = function () {
      return [pageAddress()].concat(imageAddresses(), [languageRoot() + "search/search_index.json", languageRoot() + "sitemap.xml"]);
    };
    box.hidden = false;
    ask({ type: "status", urls: urls() }).then(function (reply) {
      if (reply.saved && !box.hwBusy) status.textContent = box.dataset.saved;
    }, function () {});
    button.addEventListener("click", function () {
      var list = urls();
      box.hwBusy = true;
      button.disabled = true;
      box.setAttribute("data-hw-state", "saving");
      status.textContent = fill(box.dataset.saving, { done: 0, total: list.length });
      ask({ type: "save", urls: list }, function (progress) {
        status.textContent = fill(box.dataset.saving, progress);
      }).then(function (reply) {
        var ok = reply.type === "done" && !reply.failed;
        status.textContent = ok ? box.dataset.saved : box.dataset.failed;
        box.setAttribute("data-hw-state", ok ? "saved" : "failed");
      }, function () {
        status.textContent = box.dataset.failed;
        box.setAttribute("data-hw-state", "failed");
      }).then(function () {
        box.hwBusy = false;
        button.disabled = false;
      });
    });
  }

  function showUpdateNotice() {
    if (document.querySelector(".hw-update")) return;
    var notice = document.createElement("div");
    notice.className = "hw-update";
    notice.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = script.dataset.update;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = script.dataset.reload;
    button.addEventListener("click", function () { location.reload(); });
    notice.appendChild(text);
    notice.appendChild(button);
    document.body.appendChild(notice);
  }

  /* The offline page's "Try again" */
  function setUpRetry() {
    var retry = document.querySelector("[data-hw-retry]");
    if (retry && !retry.hwReady) {
      retry.hwReady = true;
      retry.addEventListener("click", function () { location.reload(); });
    }
  }

  /* The offline page shown at another page's address: the language switcher leads to
     that page's twin (saved or not), not to the other language's offline page. */
  function pointSwitcherAtTwin() {
    if (!document.querySelector("[data-hw-offline-page]")) return;
    var rest = location.pathname.slice(root.pathname.length), own = rest.slice(folderOf(rest).length);
    if (own === "offline/") return;
    // each link leads to its language's offline page, <language root>offline/: to the twin instead
    document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
      link.href = new URL(own, new URL("../", link.href)).href;
    });
  }

  function onPage() {
    setUpSaveControl();
    setUpRetry();
    pointSwitcherAtTwin();
  }

  sw.addEventListener("controllerchange", function () {
    // The first worker taking over a fresh visit is no news; a later one is a new deploy
    // whose files may differ from the ones this page runs with.
    if (hadController) showUpdateNotice();
    hadController = true;
  });

  function register() {
    sw.register(new URL("sw.js", root).href, { scope: root.href, updateViaCache: "none" }).catch(function () {});
    if (firstLoadUncontrolled) {
      // this page came from the network before the worker ran: keep it like the next ones
      ask({ type: "keep", urls: [pageAddress()].concat(imageAddresses()) }).then(function () {
        document.documentElement.setAttribute("data-hw-kept", "");
      }, function () {});
    }
  }

  /* After load, when the page is idle: registering (and the worker's first precaching)
     then never lengthens the tasks that make the page ready to use. */
  function registerWhenIdle() {
    if (window.requestIdleCallback) window.requestIdleCallback(register, { timeout: 3000 });
    else setTimeout(register, 200);
  }
  if (document.readyState === "complete") registerWhenIdle();
  else window.addEventListener("load", registerWhenIdle);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
