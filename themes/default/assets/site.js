// Re-evaluates review status when the page is viewed, so a site not rebuilt
// for a year still warns. Without JavaScript the build-time status shows.
(function () {
  "use strict";
  var now = new Date();
  var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  var counts = { "overdue": 0, "due-soon": 0, "current": 0 };
  var all = document.querySelectorAll("[data-review]");
  for (var i = 0; i < all.length; i++) {
    var el = all[i], p = el.getAttribute("data-review").split("-");
    var left = Math.round((Date.UTC(+p[0], p[1] - 1, +p[2]) - today) / 864e5);
    var s = left < 0 ? "overdue" : left <= +el.getAttribute("data-warn") ? "due-soon" : "current";
    var text = el.getAttribute("data-text-" + s) || "";
    el.classList.remove("overdue", "due-soon", "current");
    el.classList.add(s);
    el.textContent = text;
    el.hidden = !text;
    if (el.classList.contains("badge")) counts[s]++;
  }
  // A version announced ahead: once its day comes, the notice says it is
  // in force (data-after), or goes when it has nothing to say then.
  var ahead = document.querySelectorAll("[data-from]");
  for (var a = 0; a < ahead.length; a++) {
    var n = ahead[a], f = n.getAttribute("data-from").split("-");
    if (Date.UTC(+f[0], f[1] - 1, +f[2]) > today) continue;
    var before = n.querySelector("[data-before]"), after = n.querySelector("[data-after]");
    if (before) before.hidden = true;
    if (after) after.hidden = false;
    else n.hidden = true;
  }
  var sum = document.querySelector("[data-summary]");
  if (sum) {
    var n = counts.overdue + counts["due-soon"] + counts.current;
    var parts = [n + (n === 1 ? " policy" : " policies")];
    if (counts.overdue) parts.push(counts.overdue + " overdue");
    if (counts["due-soon"]) parts.push(counts["due-soon"] + " due soon");
    sum.textContent = parts.join(" · ");
  }
  filter(document.querySelector("[data-filter]"));
  var printed = document.querySelector(".printed");
  if (printed) {
    window.addEventListener("beforeprint", function () {
      printed.textContent = "printed " + now.toLocaleDateString(document.documentElement.lang || "en-GB", { day: "numeric", month: "long", year: "numeric" });
    });
  }

  // The index's filter: the words typed, all found in a policy's title,
  // summary or category, and a review status. Without JavaScript the form
  // stays hidden and every policy shows.
  function filter(f) {
    if (!f) return;
    var q = f.querySelector("input[type=search]"), said = f.querySelector("[data-filter-count]");
    var items = document.querySelectorAll(".policy"), sections = document.querySelectorAll("section.category");
    var text = [];
    for (var i = 0; i < items.length; i++) {
      var li = items[i], sec = li.parentNode.parentNode, p = li.querySelector("p");
      text.push([li.querySelector("h3").textContent, p ? p.textContent : "", sec.querySelector("h2").textContent].join(" ").toLowerCase());
    }
    function apply() {
      var words = q.value.toLowerCase().split(/\s+/), st = f.querySelector("input:checked").value, shown = 0;
      for (var i = 0; i < items.length; i++) {
        var b = items[i].querySelector(".badge"), ok = !st || !!b && b.classList.contains(st);
        for (var w = 0; ok && w < words.length; w++) ok = text[i].indexOf(words[w]) >= 0;
        items[i].hidden = !ok;
        if (ok) shown++;
      }
      for (var s = 0; s < sections.length; s++) sections[s].hidden = !sections[s].querySelector(".policy:not([hidden])");
      said.textContent = shown === items.length ? "" : shown ? shown + " of " + items.length + " policies shown" : "No policy matches.";
    }
    f.addEventListener("input", apply);
    f.addEventListener("change", apply);
    f.addEventListener("submit", function (e) { e.preventDefault(); });
    f.hidden = false;
    apply();
  }
})();
