// The query editor. YASGUI's editor (Yasqe, vendored under vendor/yasgui) replaces the plain text area
// when it loads: SPARQL highlighting and syntax checking, completion of THIS graph's prefixes (Ctrl+Space,
// and typing "zf:" declares it), Ctrl/Cmd+Enter runs. Its network features stay off: no prefix.cc, no LOV
// lookups, no share links, nothing kept in localStorage. The text area stays the form field, so the page
// works without the script too. Picking a shipped query fills the editor in place; text goes into the page
// only through textContent and value, never as markup.
(function () {
  "use strict";
  var LONG_QUERY = 2000;

  function json(id, fallback) {
    var data = document.getElementById(id);
    try { return data ? JSON.parse(data.textContent) : fallback; } catch (e) { return fallback; }
  }

  function element(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function describe(query, compareUrl) {
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
    var paragraphs = (query.description || "").split("\n\n").filter(Boolean);
    if (paragraphs.length) box.appendChild(element("p", paragraphs[0], { "class": "about" }));
    if (paragraphs.length > 1) {
      var more = box.appendChild(element("details", "", { "class": "about" }));
      more.appendChild(element("summary", "How the query works 查询说明"));
      paragraphs.slice(1).forEach(function (p) { more.appendChild(element("p", p)); });
    }
    if (query.compare) {
      var link = element("a", "See this answer as a table in Compare 在“比较”中以表格查看",
        { href: compareUrl + query.compare, id: "compare-link" });
      box.appendChild(element("p", "", { "class": "about" })).appendChild(link);
    }
    var file = element("p", "", { "class": "hint" });
    file.appendChild(element("code", query.name + ".rq"));
    box.appendChild(file);
  }

  function paramFields(query) {
    var box = document.getElementById("params");
    box.replaceChildren();
    // params is a list of [name, help] pairs: the order the query's header gives.
    ((query && query.params) || []).forEach(function (pair) {
      var label = element("label", "?" + pair[0] + " ", { "class": "param" });
      label.appendChild(element("input", "", { name: "param." + pair[0], placeholder: pair[1], title: pair[1] }));
      box.appendChild(label);
    });
  }

  // Yasqe over the text area; returns an object with getValue/setValue/focus whichever editor is in use.
  function makeEditor(textarea, form, run) {
    var Yasqe = window.Yasgui && window.Yasgui.Yasqe;
    var host = document.getElementById("editor");
    var plain = {
      getValue: function () { return textarea.value; },
      setValue: function (v) { textarea.value = v; },
      focus: function () { textarea.focus(); },
      sync: function () {}
    };
    if (!Yasqe || !host) return plain;
    var prefixes = json("prefixes", {});
    var declarations = Object.keys(prefixes).sort().map(function (p) { return p + ": <" + prefixes[p] + ">"; });
    // Only our own prefixes: a copy of Yasqe's prefix completer with a fixed list and no storage.
    Yasqe.forkAutocompleter("prefixes", { name: "kgPrefixes", persistenceId: null, bulk: true, get: declarations }, false);
    Yasqe.defaults.autocompleters = ["kgPrefixes", "variables"];
    var keys = {
      "Ctrl-Enter": function () { run(); },
      "Cmd-Enter": function () { run(); },
      "Tab": function (cm) { cm.replaceSelection("  "); }
    };
    var yasqe = new Yasqe(host, {
      value: "",
      persistenceId: null,
      consumeShareLink: null,
      createShareableLink: null,
      createShortLink: null,
      showQueryButton: false,
      resizeable: true,
      editorHeight: "16rem",
      prefixCcApi: null,
      extraKeys: keys,
      requestConfig: { endpoint: form.dataset.endpoint || "" }
    });
    // The server predeclares our prefixes: the syntax check should know them too, or it marks every zf: as
    // undeclared. Each parse of the text starts from the mode's start state; seed it with them.
    var mode = yasqe.getMode();
    var startState = mode.startState;
    mode.startState = function () {
      var state = startState.apply(mode, arguments);
      Object.keys(prefixes).forEach(function (p) { state.prefixes[p] = prefixes[p]; });
      return state;
    };
    yasqe.setValue(textarea.value);
    yasqe.clearHistory();
    var input = yasqe.getInputField();
    input.setAttribute("aria-labelledby", "query-label");
    textarea.hidden = true;
    textarea.setAttribute("aria-hidden", "true");
    textarea.tabIndex = -1;
    host.classList.add("ready");
    // The scrolling part of the editor can take the focus, so a keyboard can scroll a long query.
    var scroller = yasqe.getScrollerElement();
    scroller.tabIndex = 0;
    scroller.setAttribute("aria-label", "the query (scrolls)");
    yasqe.on("change", function () { textarea.value = yasqe.getValue(); });
    window.kgEditor = yasqe; // for the tests and the console
    return {
      getValue: function () { return yasqe.getValue(); },
      setValue: function (v) { yasqe.setValue(v); textarea.value = v; },
      focus: function () { yasqe.focus(); },
      sync: function () { textarea.value = yasqe.getValue(); }
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queries = json("shipped-queries", []);
    var list = document.getElementById("shipped");
    var textarea = document.getElementById("query");
    var form = document.getElementById("query-form");
    var name = document.getElementById("query-name");
    if (!textarea || !form) return;
    var compareUrl = form.getAttribute("action").replace(/\/query$/, "/compare");
    var editor = makeEditor(textarea, form, function () { form.requestSubmit(); });

    function pick(link) {
      var chosen = queries.find(function (q) { return q.name === link.dataset.name; });
      if (!chosen) return false;
      editor.setValue(chosen.text);
      name.value = chosen.name;
      describe(chosen, compareUrl);
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

    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
      }
    });

    form.addEventListener("submit", function () {
      editor.sync();
      // A URL carries a short query well (and can be shared); a long one goes in the body.
      form.method = textarea.value.length > LONG_QUERY ? "post" : "get";
    });
  });
})();
