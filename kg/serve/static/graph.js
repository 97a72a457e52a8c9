// The graph page: the explorer in the frame keeps its own state (ticked provinces, language, selection) in its
// URL hash; mirror it into this page's URL so a link or a reload keeps the view, and hand it back on load.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var frame = document.getElementById("graph-frame");
    if (!frame) return;
    var base = frame.getAttribute("src");
    if (location.hash.length > 1) frame.setAttribute("src", base + location.hash);
    frame.addEventListener("load", function () {
      var inner;
      try { inner = frame.contentWindow; inner.addEventListener("hashchange", mirror); } catch (e) { return; }
      function mirror() {
        history.replaceState(null, "", location.pathname + location.search + inner.location.hash);
      }
      if (inner.location.hash) mirror();
    });
  });
})();
