// Cookie notice and consent. Loaded in <head> (not deferred) only on sites
// that declare cookies, so a returning visitor's banner is hidden before the
// first paint. Optional scripts sit in the page as inert
// <script type="text/plain" data-category="..."> and run only once their
// category is consented to. The choice is kept first-party, with the
// declaration's revision and the date: a new revision, or six months, asks
// again. Without JavaScript none of this runs and the notice simply informs.
(function () {
  "use strict";
  var d = document, h = d.documentElement, cfg = d.currentScript.dataset;
  var name = cfg.cookie, rev = cfg.revision, path = cfg.path || "/", choice = null;
  h.classList.add("js");
  try {
    var m = name && d.cookie.match("(?:^|; )" + name + "=([^;]*)");
    var c = m && JSON.parse(decodeURIComponent(m[1]));
    if (c && c.r === rev && Date.now() - Date.parse(c.t) < 183 * 864e5) choice = c;
  } catch (e) { choice = null; }
  if (choice) h.classList.add("consented");

  function allowed(cat) {
    return cat === "necessary" || !!choice && choice.c.indexOf(cat) >= 0;
  }
  // forget deletes a category's cookies, on this host and the domains above it.
  function forget(names) {
    var host = location.hostname.split("."), have = d.cookie.split("; ");
    names.split(" ").forEach(function (n) {
      have.forEach(function (kv) {
        var k = kv.split("=")[0];
        if (k && (k === n || n.slice(-1) === "*" && k.indexOf(n.slice(0, -1)) === 0)) {
          for (var i = 0; i < host.length; i++) {
            [path, "/"].forEach(function (p) {
              var gone = k + "=;max-age=0;path=" + p;
              d.cookie = gone;
              d.cookie = gone + ";domain=" + host.slice(i).join(".");
            });
          }
        }
      });
    });
  }

  d.addEventListener("DOMContentLoaded", function () {
    var box = d.getElementById("consent"), said = d.getElementById("consent-said");
    if (!box) return;
    var panel = d.getElementById("consent-choose"), toggle = box.querySelector("[aria-controls]");
    var boxes = box.querySelectorAll("input[value]");

    function run() {
      var all = d.querySelectorAll("script[data-category]");
      for (var i = 0; i < all.length; i++) {
        var el = all[i], s = d.createElement("script");
        if (el.dataset.done || !allowed(el.dataset.category)) continue;
        el.dataset.done = 1;
        for (var j = 0; j < el.attributes.length; j++) {
          var a = el.attributes[j];
          if (a.name.indexOf("data-x-") === 0) s.setAttribute("data-" + a.name.slice(7), a.value);
        }
        if (el.dataset.id) s.id = el.dataset.id;
        if (el.dataset.integrity) { s.integrity = el.dataset.integrity; s.crossOrigin = "anonymous"; }
        s.async = "async" in el.dataset;
        s.src = el.dataset.src;
        d.head.appendChild(s);
      }
    }
    function sync() {
      for (var i = 0; i < boxes.length; i++) {
        boxes[i].checked = allowed(boxes[i].value);
        if (!boxes[i].checked) forget(boxes[i].getAttribute("data-cookies"));
      }
    }
    function save(cats) {
      var was = choice;
      choice = { r: rev, t: new Date().toISOString().slice(0, 10), c: cats };
      if (name) {
        d.cookie = name + "=" + encodeURIComponent(JSON.stringify(choice)) + ";path=" + path +
          ";max-age=15811200;samesite=lax" + (location.protocol === "https:" ? ";secure" : "");
      }
      var less = was && was.c.some(function (c) { return cats.indexOf(c) < 0; });
      var inside = box.contains(d.activeElement);
      sync();
      h.classList.add("consented");
      if (inside) said.focus(); // the banner is gone: keep the keyboard's place
      said.textContent = less ? "Saved. Optional scripts already running stop when you next open a page." : "Your cookie choice is saved.";
      run();
    }
    box.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) return;
      var what = b.getAttribute("data-consent"), cats = [];
      if (b === toggle) {
        panel.hidden = !panel.hidden;
        toggle.setAttribute("aria-expanded", !panel.hidden);
        return;
      }
      for (var i = 0; i < boxes.length; i++) {
        if (what === "all" || what === "choose" && boxes[i].checked) cats.push(boxes[i].value);
      }
      if (what) save(cats);
    });
    d.addEventListener("click", function (e) {
      var a = e.target.closest("a.cookie-settings");
      if (!a) return;
      e.preventDefault();
      sync();
      said.textContent = "";
      h.classList.remove("consented");
      box.focus();
      box.scrollIntoView();
    });
    sync();
    run();
  });
})();
