// The "Cite · 引用" controls: opening one (or changing its style or language) fetches the citation from
// /cite into its read-only text box, and "Copy" puts it on the clipboard. Without a script the form
// still opens /cite as plain text. Listeners sit on the document: compare.js moves panels in later.
(function () {
  "use strict";

  function cited(details) {
    var form = details.querySelector("form.cite-form");
    var out = details.querySelector(".cite-out");
    var text = details.querySelector("textarea.cite-text");
    if (!form || !out || !text || !window.fetch) return;
    var url = form.getAttribute("action") + "?" + new URLSearchParams(new FormData(form)).toString();
    out.hidden = false;
    details.querySelector(".cite-actions").hidden = false;
    text.value = "…";
    details.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "text/plain, application/json" } })
      .then(function (response) { return response.text(); })
      .then(function (body) { text.value = body.replace(/\n$/, ""); })
      .catch(function () { text.value = "The citation could not be fetched. 无法获取引文。"; })
      .then(function () { details.removeAttribute("aria-busy"); details.dispatchEvent(new Event("kg-cited")); });
  }

  function copy(details) {
    var text = details.querySelector("textarea.cite-text");
    var status = details.querySelector(".cite-status");
    function done(ok) { status.textContent = ok ? "Copied 已复制" : "Select the text and copy it 请选中文本复制"; }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text.value).then(function () { done(true); }, function () {
        text.select();
        done(document.execCommand("copy"));
      });
    } else {
      text.select();
      done(document.execCommand("copy"));
    }
  }

  // Each style has its own language unless the reader picks one: Chinese for GB/T 7714, else English.
  function styleLanguage(form) {
    var style = form.elements.style.value;
    form.elements.lang.value = style.indexOf("gb7714") === 0 ? "zh" : "en";
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details.cite") && details.open) cited(details);
  }, true);
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.cite-form");
    if (!form) return;
    if (event.target.name === "style") styleLanguage(form);
    cited(form.closest("details.cite"));
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.cite-copy");
    if (button) copy(button.closest("details.cite"));
  });
})();
