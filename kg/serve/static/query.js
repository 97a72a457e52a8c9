// The query editor: picking a shipped query fills the editor (no page load), Ctrl/Cmd+Enter runs,
// Tab indents, and a long query is sent by POST. Text goes into the page only through
// textContent and value, never as markup.
(function () {
  "use strict";
  var LONG_QUERY = 2000;

  function shipped() {
    var data = document.getElementById("shipped-queries");
    try { return data ? JSON.parse(data.textContent) : []; } catch (e) { return []; }
  }

  function element(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function describe(query) {
    var box = document.getElementById("description");
    box.replaceChildren();
    if (!query) return;
    if (query.question) {
      var question = element("p", "", { "class": "question" });
      if (query.competency) question.appendChild(element("span", "CQ" + query.competency, { "class": "cq" }));
      question.appendChild(document.createTextNode((query.competency ? " " : "") + query.question));
      box.appendChild(question);
    }
    if (query.question_zh) box.appendChild(element("p", query.question_zh, { "class": "question", lang: "zh" }));
    var file = element("p");
    file.appendChild(element("code", query.name + ".rq"));
    box.appendChild(file);
  }

  function paramFields(query) {
    var box = document.getElementById("params");
    box.replaceChildren();
    Object.keys((query && query.params) || {}).forEach(function (name) {
      var label = element("label", "?" + name + " ", { "class": "param" });
      label.appendChild(element("input", "", { name: "param." + name, placeholder: query.params[name], title: query.params[name] }));
      box.appendChild(label);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queries = shipped();
    var list = document.getElementById("shipped");
    var editor = document.getElementById("query");
    var form = document.getElementById("query-form");
    var name = document.getElementById("query-name");
    if (!editor || !form) return;

    function pick(link) {
      var chosen = queries.find(function (q) { return q.name === link.dataset.name; });
      if (!chosen) return false;
      editor.value = chosen.text;
      name.value = chosen.name;
      describe(chosen);
      paramFields(chosen);
      list.querySelectorAll("a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
      link.setAttribute("aria-current", "true");
      history.replaceState(null, "", "?name=" + encodeURIComponent(chosen.name));
      editor.focus();
      return true;
    }

    if (list) {
      // Picking a shipped query fills the editor in place (without a script, the link loads it).
      list.addEventListener("click", function (event) {
        var link = event.target.closest("a[data-name]");
        if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && pick(link)) event.preventDefault();
      });
    }

    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
      }
    });

    form.addEventListener("submit", function () {
      // A URL carries a short query well (and can be shared); a long one goes in the body.
      form.method = editor.value.length > LONG_QUERY ? "post" : "get";
    });
  });
})();
