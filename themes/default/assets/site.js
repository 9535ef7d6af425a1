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
  var sum = document.querySelector("[data-summary]");
  if (sum) {
    var n = counts.overdue + counts["due-soon"] + counts.current;
    var parts = [n + (n === 1 ? " policy" : " policies")];
    if (counts.overdue) parts.push(counts.overdue + " overdue");
    if (counts["due-soon"]) parts.push(counts["due-soon"] + " due soon");
    sum.textContent = parts.join(" · ");
  }
  var printed = document.querySelector(".printed");
  if (printed) {
    window.addEventListener("beforeprint", function () {
      printed.textContent = "printed " + now.toLocaleDateString(document.documentElement.lang || "en-GB", { day: "numeric", month: "long", year: "numeric" });
    });
  }
})();
