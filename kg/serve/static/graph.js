// The graph page: the explorer in the frame keeps its own state (language, ticked provinces, focus,
// selection) in its URL hash and, served here, posts it to this page ({kgGraphState: "#…"}); mirror it
// into this page's URL so a link or a reload keeps the view, and hand it back to the frame on load.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var frame = document.getElementById("graph-frame");
    if (!frame) return;
    if (location.hash.length > 1) frame.setAttribute("src", frame.getAttribute("src") + location.hash);

    var selected = document.getElementById("graph-selected");

    // The selected node (select=… in the state) gets a link to its own page beside the focus field.
    function showSelected(hash) {
      if (!selected) return;
      var match = /(?:^#|&)select=([^&]*)/.exec(hash);
      var token = match ? decodeURIComponent(match[1]) : "";
      selected.hidden = !token;
      if (!token) return;
      selected.href = /^[a-z][a-z0-9+.-]*:/i.test(token)
        ? selected.dataset.resourceBase + encodeURIComponent(token)
        : selected.dataset.entityBase + token.split("/").map(encodeURIComponent).join("/");
    }

    function mirror(hash) {
      if (typeof hash !== "string" || (hash && hash.charAt(0) !== "#")) return;
      history.replaceState(null, "", location.pathname + location.search + hash);
      showSelected(hash);
    }
    showSelected(location.hash);
    window.addEventListener("message", function (event) {
      if (event.source !== frame.contentWindow || event.origin !== location.origin) return;
      if (event.data && Object.prototype.hasOwnProperty.call(event.data, "kgGraphState")) mirror(event.data.kgGraphState);
    });
    frame.addEventListener("load", function () {
      try {
        var inner = frame.contentWindow;
        inner.addEventListener("hashchange", function () { mirror(inner.location.hash); });
      } catch (e) { /* another origin: the message above is the only way */ }
    });
  });
})();
