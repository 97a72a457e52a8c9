// The comparison: clicking a number opens its measures in the panel beside the matrix, without leaving the
// page (the link still works without a script: it loads the page with that cell open). The panel's markup
// comes from this server's own page for the cell, parsed and moved in as nodes (never as a string).
(function () {
  "use strict";

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("cell-panel");
    var panel = document.getElementById("cell-panel");
    if (!fresh || !panel) return false;
    panel.replaceChildren.apply(panel, Array.prototype.map.call(fresh.childNodes, function (n) {
      return document.importNode(n, true);
    }));
    panel.scrollTop = 0;
    document.getElementById("compare-layout").classList.add("with-cell");
    return true;
  }

  function select(link) {
    document.querySelectorAll("#matrix td.selected").forEach(function (td) { td.classList.remove("selected"); });
    if (link) link.closest("td").classList.add("selected");
  }

  function open(href, link, push) {
    fetch(href, { headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (!swap(html)) { location.href = href; return; }
        select(link);
        if (push) history.pushState({ cell: href }, "", href.split("#")[0]);
        var heading = document.querySelector("#cell-panel h2 a");
        if (heading) heading.focus({ preventScroll: true });
      })
      .catch(function () { location.href = href; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var matrix = document.getElementById("matrix");
    if (!matrix || !window.fetch || !window.DOMParser) return;
    matrix.addEventListener("click", function (event) {
      var link = event.target.closest("a.cell-link");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      open(link.href, link, true);
    });
    window.addEventListener("popstate", function () { location.reload(); });
  });
})();
