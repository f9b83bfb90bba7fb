// Keeps the countdowns on a page current without a reload: every element
// with data-deadline (RFC 3339) gets "2 h 15 min left" or "overdue 12 min"
// every 30 seconds. Time is measured from the server's clock at render
// (main[data-now]) plus the time since the page loaded, so a browser's
// wrong clock does not matter. Without this script the page still says
// what was true when it was drawn.
(function () {
  "use strict";
  var main = document.querySelector("main[data-now]");
  if (!main) return;
  var serverNow = Date.parse(main.getAttribute("data-now"));
  if (isNaN(serverNow)) return;
  var loaded = Date.now();
  function words(ms) {
    var min = Math.round(ms / 60000);
    if (min < 1) return "";
    var d = Math.floor(min / 1440), h = Math.floor((min % 1440) / 60), m = min % 60;
    if (d > 0) return d + " d" + (h ? " " + h + " h" : "");
    if (h > 0) return h + " h" + (m ? " " + m + " min" : "");
    return m + " min";
  }
  function tick() {
    var now = serverNow + (Date.now() - loaded);
    var els = document.querySelectorAll("[data-deadline]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], at = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(at)) continue;
      var diff = at - now, w = words(Math.abs(diff)), text;
      var prefix = el.getAttribute("data-prefix");
      if (prefix !== null && diff <= 0) text = "started";
      else if (!w) text = "due now";
      else if (diff > 0) text = prefix !== null ? prefix + w : w + " left";
      else text = "overdue " + w;
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("overdue", diff < 0 && prefix === null);
    }
  }
  setInterval(tick, 30000);
})();
