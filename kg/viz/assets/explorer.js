/* zhengfa-kg graph explorer (kg viz).
 *
 * Every text that comes from the graph is put into the page with textContent
 * or as a plain vis-network label: never as HTML. The page makes no request;
 * its Content-Security-Policy forbids any.
 */
(function () {
  "use strict";

  var timings = { start: performance.now() };
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var META = DATA.meta;
  // Edges name their ends by position in DATA.nodes; use the node ids from here on.
  DATA.edges.forEach(function (e) {
    e.from = DATA.nodes[e.from].id;
    e.to = DATA.nodes[e.to].id;
  });

  var UI = {
    zh: {
      title: "执法司法制约监督体系知识图谱",
      search: "搜索节点（中文或英文）",
      classes: "类别",
      provinces: "省份",
      all: "全部",
      none: "清除",
      relayout: "重新布局",
      reset: "重置",
      edgeLabels: "关系名称",
      neighbourhood: "邻域",
      showAll: "显示全部",
      applied: "本文件的筛选条件",
      help: "点击节点查看详情并突出其相邻节点；悬停查看摘要；拖动画布平移，滚轮缩放。按 / 键搜索，Esc 取消选择。",
      close: "关闭",
      status: "显示 {n} 个节点、{m} 条关系",
      ofTotal: "（图谱共 {n} 个节点、{m} 条关系）",
      laying: "正在布局… {p}%",
      settled: "布局完成",
      noMatch: "无匹配",
      empty: "没有节点符合本文件的筛选条件。请放宽 kg viz 的筛选条件后重新生成。",
      hidden: "已被筛选隐藏",
      revealed: "该节点原被筛选隐藏，已显示全部节点。",
      type: "类型",
      province: "省份",
      organ: "机关",
      categories: "机制大类",
      mechanisms: "机制",
      figures: "数据",
      definition: "说明",
      evidence: "引文",
      offsets: "位置 {s}–{e}",
      source: "来源",
      other: "其他属性",
      links: "关联（→ 本节点指向，← 指向本节点）",
      more: "另有 {n} 项",
      isolate: "只看邻域",
      depth: "层数",
      focusText: "“{label}”周围 {d} 层以内",
      truncated: "节点过多：符合条件的 {selected} 个节点中只显示 {shown} 个（上限 {max}）。未显示：{parts}。请用 kg viz 的 --province、--category、--class 或 --focus 节点 --depth N 聚焦，或提高 --max-nodes。",
      filterNames: { province: "省份", category: "机制大类", class: "类别", focus: "聚焦" },
      depthNote: "（{d} 层）",
      listSep: "、",
      sep: "；",
    },
    en: {
      title: "zhengfa-kg graph explorer",
      search: "Search nodes (Chinese or English)",
      classes: "Classes",
      provinces: "Provinces",
      all: "all",
      none: "none",
      relayout: "Re-run layout",
      reset: "Reset",
      edgeLabels: "Edge labels",
      neighbourhood: "Neighbourhood",
      showAll: "Show all",
      applied: "Filters of this file",
      help: "Click a node for its details and to highlight its neighbours; hover for a summary; drag to pan, scroll to zoom. Press / to search, Esc to clear.",
      close: "Close",
      status: "{n} nodes, {m} edges shown",
      ofTotal: " (the graph has {n} nodes, {m} edges)",
      laying: "Laying out… {p}%",
      settled: "Layout settled",
      noMatch: "No match",
      empty: "No node matches the filters this file was written with. Widen kg viz's filters and write it again.",
      hidden: "hidden by filters",
      revealed: "The node was hidden by the filters; all nodes are shown again.",
      type: "Type",
      province: "Province",
      organ: "Organ",
      categories: "Mechanism categories",
      mechanisms: "Mechanisms",
      figures: "Figures",
      definition: "About",
      evidence: "Evidence",
      offsets: "offsets {s}–{e}",
      source: "source",
      other: "Other properties",
      links: "Links (→ from this node, ← to this node)",
      more: "{n} more",
      isolate: "Show only its neighbourhood",
      depth: "depth",
      focusText: "Within {d} link(s) of “{label}”",
      truncated: "Too many nodes: showing {shown} of the {selected} that match (limit {max}). Left out: {parts}. Focus with kg viz --province, --category, --class or --focus NODE --depth N, or raise --max-nodes.",
      filterNames: { province: "province", category: "category", class: "class", focus: "focus" },
      depthNote: " (depth {d})",
      listSep: ", ",
      sep: "; ",
    },
  };

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Noto Sans", Arial, sans-serif';
  var LABEL_INSIDE = { box: true, ellipse: true, database: true, circle: true, text: true };
  var DIM = "rgba(200,200,200,0.35)";

  var lang = META.lang === "en" ? "en" : "zh";
  var kinds = {};
  DATA.kinds.forEach(function (k) { kinds[k.key] = k; });
  var byId = new Map();
  DATA.nodes.forEach(function (n) { byId.set(n.id, n); });
  var provinceIds = DATA.provinces.map(function (p) { return p.id; });
  var provinceById = new Map();
  DATA.provinces.forEach(function (p) { provinceById.set(p.id, p); });

  // Adjacency over every edge of the file, and the broader chain for the province rule.
  var neighbours = new Map();
  var up = new Map();
  DATA.nodes.forEach(function (n) { neighbours.set(n.id, new Set()); });
  var broaderIndex = DATA.relations.findIndex(function (r) { return r.id === "skos:broader"; });
  DATA.edges.forEach(function (e) {
    neighbours.get(e.from).add(e.to);
    neighbours.get(e.to).add(e.from);
    if (e.rel === broaderIndex) {
      if (!up.has(e.from)) up.set(e.from, []);
      up.get(e.from).push(e.to);
    }
  });

  var state = {
    kinds: new Set(DATA.kinds.map(function (k) { return k.key; })),
    provinces: null, // null: no province filter
    focus: null, // {id, depth}
    selected: null,
    edgeLabels: true,
    visible: new Set(byId.keys()),
    ready: false,
  };

  // ---------------------------------------------------------------- text helpers

  function t(key, values) {
    var text = UI[lang][key];
    if (values) {
      Object.keys(values).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    }
    return text;
  }
  // A name is {zh, en}, or a number: its place in DATA.names ([zh, en]).
  function pairOf(x) {
    if (typeof x === "number") {
      var entry = DATA.names[x];
      return { zh: entry[0], en: entry[1] };
    }
    return x;
  }
  function name(x) {
    var pair = pairOf(x);
    return pair ? (pair[lang] || pair.zh || pair.en || "") : "";
  }
  function otherName(x) {
    var pair = pairOf(x);
    return pair ? (pair[lang === "zh" ? "en" : "zh"] || "") : "";
  }
  // Long names are cut on the canvas (the full name is in the tooltip and details);
  // shapes that hold their label inside get shorter ones.
  function shortLabel(text, kind) {
    var inside = kind && LABEL_INSIDE[kinds[kind].shape] && kind !== "province";
    var limit = /[\u3400-\u9fff]/.test(text) ? (inside ? 10 : 16) : inside ? 24 : 38;
    return text.length > limit ? text.slice(0, limit - 1) + "…" : text;
  }
  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function number(n) { return n.toLocaleString(lang === "zh" ? "zh-CN" : "en-US"); }

  // ---------------------------------------------------------------- shapes for the legend

  var SVG = "http://www.w3.org/2000/svg";
  function swatch(kind) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("class", "swatch");
    var shape;
    var points = {
      diamond: "8,1 15,8 8,15 1,8",
      triangle: "8,1.5 15,14 1,14",
      triangleDown: "1,2 15,2 8,14.5",
      hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,0.8 10,6 15.5,6 11,9.4 12.8,15 8,11.6 3.2,15 5,9.4 0.5,6 6,6",
    }[kind.shape];
    if (points) {
      shape = document.createElementNS(SVG, "polygon");
      shape.setAttribute("points", points);
    } else if (kind.shape === "square" || kind.shape === "box" || kind.shape === "database") {
      shape = document.createElementNS(SVG, "rect");
      shape.setAttribute("x", "2");
      shape.setAttribute("y", kind.shape === "square" ? "2" : "4");
      shape.setAttribute("width", "12");
      shape.setAttribute("height", kind.shape === "square" ? "12" : "9");
      shape.setAttribute("rx", kind.shape === "square" ? "0" : "2.5");
    } else if (kind.shape === "ellipse") {
      shape = document.createElementNS(SVG, "ellipse");
      shape.setAttribute("cx", "8");
      shape.setAttribute("cy", "8");
      shape.setAttribute("rx", "7.5");
      shape.setAttribute("ry", "5");
    } else {
      shape = document.createElementNS(SVG, "circle");
      shape.setAttribute("cx", "8");
      shape.setAttribute("cy", "8");
      shape.setAttribute("r", kind.key === "figure" ? "4.5" : "6.5");
    }
    shape.setAttribute("fill", kind.color);
    shape.setAttribute("stroke", "#333");
    shape.setAttribute("stroke-width", "0.6");
    svg.appendChild(shape);
    return svg;
  }

  // ---------------------------------------------------------------- vis data

  function nodeStyle(n, dim) {
    var kind = kinds[n.kind];
    var inside = LABEL_INSIDE[kind.shape];
    var color = dim ? DIM : kind.color;
    return {
      id: n.id,
      label: shortLabel(name(n.label), n.kind),
      shape: kind.shape,
      size: kind.size,
      color: {
        background: color,
        border: dim ? DIM : "#333333",
        highlight: { background: kind.color, border: "#000000" },
        hover: { background: kind.color, border: "#000000" },
      },
      borderWidth: 1,
      font: {
        face: FONT,
        size: kind.font,
        color: dim ? "rgba(120,120,120,0.35)" : inside ? "#ffffff" : "#222222",
        strokeWidth: inside ? 0 : 3,
        strokeColor: "#ffffff",
      },
      margin: inside ? 6 : undefined,
    };
  }

  function edgeStyle(e, index, mode) {
    var rel = DATA.relations[e.rel];
    // An edge keeps its label text; hiding it is done with a transparent font
    // (vis-network keeps the old text when a label is updated to "").
    var hideLabel = !state.edgeLabels || mode === "dim";
    return {
      id: index,
      from: e.from,
      to: e.to,
      label: name(rel.label),
      color: {
        color: mode === "dim" ? "rgba(200,200,200,0.25)" : mode === "lit" ? "#444444" : "#a8a8a8",
        highlight: "#222222",
        hover: "#555555",
      },
      width: mode === "lit" ? 2 : 1,
      font: {
        color: hideLabel ? "rgba(0,0,0,0)" : mode === "lit" ? "#222222" : "#666666",
        size: 10,
        face: FONT,
        strokeWidth: hideLabel ? 0 : 3,
        strokeColor: "#ffffff",
        align: "horizontal",
      },
    };
  }

  var initial = DATA.nodes.map(function (n) {
    var style = nodeStyle(n, false);
    style.x = n.x;
    style.y = n.y;
    return style;
  });
  var nodes = new vis.DataSet(initial);
  var edges = new vis.DataSet(DATA.edges.map(function (e, i) { return edgeStyle(e, i, "normal"); }));
  var nodeView = new vis.DataView(nodes, { filter: function (item) { return state.visible.has(item.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (item) { return state.visible.has(item.from) && state.visible.has(item.to); },
  });

  var count = DATA.nodes.length;
  var iterations = count > 3000 ? 100 : count > 1200 ? 160 : count > 400 ? 300 : 500;
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: {
        gravitationalConstant: -70,
        centralGravity: 0.008,
        springLength: 95,
        springConstant: 0.07,
        damping: 0.6,
        avoidOverlap: 0.6,
      },
      maxVelocity: 60,
      minVelocity: 1,
      timestep: 0.45,
      stabilization: { enabled: true, iterations: iterations, updateInterval: 20, fit: true },
    },
    interaction: {
      hover: true,
      tooltipDelay: 3600000, // our own tooltip replaces vis-network's
      hideEdgesOnDrag: count > 800,
      hideEdgesOnZoom: count > 1500,
      multiselect: false,
      keyboard: false,
    },
    nodes: { borderWidth: 1, chosen: true },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      smooth: count > 800 ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      selectionWidth: 1.5,
      hoverWidth: 1,
      chosen: true,
    },
  };

  var container = document.getElementById("graph");
  timings.data = performance.now();
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  timings.network = performance.now();

  // ---------------------------------------------------------------- layout: settle, then stop

  var statusLayout = "";
  network.on("stabilizationProgress", function (params) {
    statusLayout = t("laying", { p: Math.round((100 * params.iterations) / params.total) });
    renderStatus();
  });
  function settled() {
    network.setOptions({ physics: { enabled: false } });
    timings.settled = performance.now();
    statusLayout = t("settled");
    state.ready = true;
    document.body.setAttribute("data-ready", "true");
    renderStatus();
  }
  network.on("stabilizationIterationsDone", settled);

  function relayout() {
    state.ready = false;
    document.body.removeAttribute("data-ready");
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(iterations);
  }

  // Positions survive filtering: store them before nodes leave the view.
  function keepPositions() {
    var positions = network.getPositions();
    var updates = Object.keys(positions).map(function (id) {
      return { id: id, x: positions[id].x, y: positions[id].y };
    });
    nodes.update(updates);
  }

  // ---------------------------------------------------------------- filters

  function provinceSelection(selected) {
    var kept = new Set();
    DATA.nodes.forEach(function (n) {
      if (n.provinces.some(function (p) { return selected.has(p); })) kept.add(n.id);
    });
    var shared = new Set();
    kept.forEach(function (id) {
      neighbours.get(id).forEach(function (other) {
        if (byId.get(other).provinces.length === 0) shared.add(other);
      });
    });
    shared.forEach(function (id) { kept.add(id); });
    var todo = Array.from(shared);
    while (todo.length) {
      (up.get(todo.pop()) || []).forEach(function (parent) {
        if (!kept.has(parent) && byId.get(parent).provinces.length === 0) {
          kept.add(parent);
          todo.push(parent);
        }
      });
    }
    return kept;
  }

  function focusSelection(centre, depth) {
    var kept = new Set([centre]);
    var frontier = [centre];
    for (var i = 0; i < depth; i++) {
      var next = [];
      frontier.forEach(function (id) {
        neighbours.get(id).forEach(function (other) {
          if (!kept.has(other)) {
            kept.add(other);
            next.push(other);
          }
        });
      });
      frontier = next;
    }
    return kept;
  }

  function computeVisible() {
    var byProvince = state.provinces ? provinceSelection(state.provinces) : null;
    var byFocus = state.focus ? focusSelection(state.focus.id, state.focus.depth) : null;
    var visible = new Set();
    DATA.nodes.forEach(function (n) {
      if (!state.kinds.has(n.kind)) return;
      if (byProvince && !byProvince.has(n.id)) return;
      if (byFocus && !byFocus.has(n.id)) return;
      visible.add(n.id);
    });
    return visible;
  }

  function applyFilters() {
    keepPositions();
    clearHighlight();
    state.visible = computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    if (state.selected && !state.visible.has(state.selected)) closeDetails();
    renderLegend();
    renderProvinces();
    renderFocus();
    renderStatus();
  }

  function setKinds(keys) {
    state.kinds = new Set(keys);
    applyFilters();
  }
  function setProvinces(ids) {
    state.provinces = ids === null ? null : new Set(ids);
    if (state.provinces && state.provinces.size === provinceIds.length) state.provinces = null;
    applyFilters();
  }
  function setFocus(id, depth) {
    state.focus = id ? { id: id, depth: depth } : null;
    applyFilters();
    if (id) network.fit({ nodes: Array.from(state.visible), animation: { duration: 300 } });
  }
  function resetAll() {
    state.kinds = new Set(DATA.kinds.map(function (k) { return k.key; }));
    state.provinces = null;
    state.focus = null;
    unselect();
    applyFilters();
    network.fit({ animation: { duration: 300 } });
  }

  // ---------------------------------------------------------------- highlight a neighbourhood

  var highlighted = false;
  function highlight(id) {
    var near = new Set([id]);
    neighbours.get(id).forEach(function (other) { if (state.visible.has(other)) near.add(other); });
    nodes.update(DATA.nodes.map(function (n) { return nodeStyle(n, !near.has(n.id)); }));
    edges.update(DATA.edges.map(function (e, i) {
      return edgeStyle(e, i, e.from === id || e.to === id ? "lit" : "dim");
    }));
    highlighted = true;
  }
  function clearHighlight() {
    if (!highlighted) return;
    nodes.update(DATA.nodes.map(function (n) { return nodeStyle(n, false); }));
    edges.update(DATA.edges.map(function (e, i) { return edgeStyle(e, i, "normal"); }));
    highlighted = false;
  }

  function select(id, options) {
    if (!byId.has(id)) return false;
    var note = null;
    if (!state.visible.has(id)) {
      state.kinds = new Set(DATA.kinds.map(function (k) { return k.key; }));
      state.provinces = null;
      state.focus = null;
      applyFilters();
      note = t("revealed");
    }
    state.selected = id;
    network.selectNodes([id]);
    highlight(id);
    renderDetails(id, note);
    if (!options || options.move !== false) {
      network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 350 } });
    }
    return true;
  }
  function unselect() {
    state.selected = null;
    network.unselectAll();
    clearHighlight();
    closeDetails();
  }

  network.on("click", function (params) {
    hideTooltip();
    if (params.nodes.length) select(params.nodes[0], { move: false });
    else if (!params.edges.length) unselect();
  });

  // ---------------------------------------------------------------- details (panel and tooltip)

  function joinNames(list) {
    return list.map(name).join(t("listSep"));
  }

  function quoteBlock(ev) {
    var block = el("div", "quote", [
      ev.prefix ? el("span", "ctx", ["…" + ev.prefix]) : null,
      el("span", "exact", [ev.quote || ""]),
      ev.suffix ? el("span", "ctx", [ev.suffix + "…"]) : null,
    ]);
    var where = [];
    if (ev.start !== undefined && ev.end !== undefined) where.push(t("offsets", { s: ev.start, e: ev.end }));
    if (ev.source) where.push(t("source") + ": " + name(ev.source));
    if (ev.id) where.push(ev.id);
    block.appendChild(el("span", "where", [where.join(" · ")]));
    return block;
  }

  function card(n, compact) {
    var info = n.info || {};
    var kind = kinds[n.kind];
    var root = el("div", "card", []);
    var title = el("h3", null, [swatch(kind), " ", name(n.label)]);
    root.appendChild(title);
    var other = otherName(n.label);
    if (other && other !== name(n.label)) root.appendChild(el("p", "other", [other]));
    var dl = el("dl", null, []);
    function row(label, value) {
      if (!value) return;
      dl.appendChild(el("dt", null, [label]));
      dl.appendChild(el("dd", null, [value]));
    }
    var types = (info.types || []).map(name).filter(function (x) { return x; });
    row(t("type"), types.length ? types.join(t("listSep")) : name(kind.label));
    var provinces = n.provinces.map(function (p) { return provinceById.get(p); }).filter(Boolean);
    if (n.kind !== "province") row(t("province"), provinces.map(function (p) { return name(p.short); }).join(t("listSep")));
    if (info.organs) row(t("organ"), joinNames(info.organs));
    if (info.categories) row(t("categories"), joinNames(info.categories));
    if (info.mechanisms) row(t("mechanisms"), joinNames(info.mechanisms));
    if (info.figures) {
      var shown = compact ? info.figures.slice(0, 3) : info.figures;
      var text = shown.map(name).join(t("sep"));
      if (shown.length < info.figures.length) text += t("sep") + t("more", { n: info.figures.length - shown.length });
      row(t("figures"), text);
    }
    if (!compact && info.definition) row(t("definition"), name(info.definition));
    root.appendChild(dl);
    var evidence = info.evidence || [];
    if (evidence.length) {
      root.appendChild(el("div", "section", [t("evidence")]));
      (compact ? evidence.slice(0, 1) : evidence).forEach(function (ev) { root.appendChild(quoteBlock(ev)); });
      if (compact && evidence.length > 1) root.appendChild(el("div", "other", [t("more", { n: evidence.length - 1 })]));
    }
    if (!compact && info.props && info.props.length) {
      root.appendChild(el("div", "section", [t("other")]));
      var props = el("dl", null, []);
      info.props.forEach(function (prop) {
        props.appendChild(el("dt", null, [name(prop[0])]));
        props.appendChild(el("dd", null, [prop[1].map(name).join(t("sep"))]));
      });
      root.appendChild(props);
    }
    return root;
  }

  function linksList(id) {
    var groups = new Map();
    DATA.edges.forEach(function (e) {
      var other = e.from === id ? e.to : e.to === id ? e.from : null;
      if (other === null || !state.visible.has(other)) return;
      var key = (e.from === id ? "→ " : "← ") + name(DATA.relations[e.rel].label);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ id: other, note: e.note });
    });
    var wrap = el("div", null, []);
    if (!groups.size) return wrap;
    wrap.appendChild(el("div", "section", [t("links")]));
    Array.from(groups.keys()).sort().forEach(function (key) {
      wrap.appendChild(el("div", "rel", [key]));
      var list = el("ul", "links-list", []);
      groups.get(key).forEach(function (item) {
        var button = el("button", "nav", [name(byId.get(item.id).label)]);
        button.type = "button";
        button.addEventListener("click", function () { select(item.id); });
        list.appendChild(el("li", null, [swatch(kinds[byId.get(item.id).kind]), " ", button, item.note ? " (" + name(item.note) + ")" : null]));
      });
      wrap.appendChild(list);
    });
    return wrap;
  }

  var detailsNote = null;
  function renderDetails(id, note) {
    detailsNote = note === undefined ? detailsNote : note;
    var n = byId.get(id);
    var body = document.getElementById("details-body");
    body.textContent = "";
    if (detailsNote) body.appendChild(el("p", "other", [detailsNote]));
    body.appendChild(card(n, false));
    var actions = el("div", "actions", []);
    var depth = document.createElement("select");
    [1, 2, 3].forEach(function (d) {
      var option = el("option", null, [t("depth") + " " + d]);
      option.value = String(d);
      depth.appendChild(option);
    });
    var isolate = el("button", null, [t("isolate")]);
    isolate.type = "button";
    isolate.addEventListener("click", function () { setFocus(id, Number(depth.value)); });
    actions.appendChild(isolate);
    actions.appendChild(depth);
    body.appendChild(actions);
    body.appendChild(linksList(id));
    body.appendChild(el("p", "iri", [n.id]));
    document.getElementById("details").hidden = false;
  }
  function closeDetails() {
    detailsNote = null;
    document.getElementById("details").hidden = true;
    document.getElementById("details-body").textContent = "";
  }
  document.getElementById("details-close").addEventListener("click", unselect);

  var tooltip = document.getElementById("tooltip");
  function showTooltip(content, pointer) {
    tooltip.textContent = "";
    tooltip.appendChild(content);
    tooltip.hidden = false;
    var box = container.getBoundingClientRect();
    var x = box.left + pointer.x + 14;
    var y = box.top + pointer.y + 14;
    var width = tooltip.offsetWidth;
    var height = tooltip.offsetHeight;
    if (x + width > window.innerWidth - 8) x = Math.max(8, box.left + pointer.x - width - 14);
    if (y + height > window.innerHeight - 8) y = Math.max(8, window.innerHeight - height - 8);
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
  }
  function hideTooltip() { tooltip.hidden = true; }
  network.on("hoverNode", function (params) { showTooltip(card(byId.get(params.node), true), params.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("hoverEdge", function (params) {
    var e = DATA.edges[params.edge];
    if (!e) return;
    var lines = [
      el("strong", null, [name(DATA.relations[e.rel].label)]),
      el("div", null, [name(byId.get(e.from).label) + " → " + name(byId.get(e.to).label)]),
    ];
    if (e.note) lines.push(el("div", "other", [name(e.note)]));
    showTooltip(el("div", "card", lines), params.pointer.DOM);
  });
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // ---------------------------------------------------------------- search

  var searchInput = document.getElementById("search");
  var suggestions = document.getElementById("suggestions");
  var searchIndex = DATA.nodes.map(function (n) {
    var keys = [n.label.zh, n.label.en].concat(n.alt || []);
    return { id: n.id, keys: keys.map(function (k) { return String(k).toLowerCase(); }) };
  });
  var current = [];
  var active = -1;

  // Exact name, then a name that starts with the query, then one containing it,
  // then one containing all of its words in any order ("jiangsu courts").
  function search(query) {
    var q = query.trim().toLowerCase().replace(/\s+/g, " ");
    if (!q) return [];
    var words = q.split(" ");
    var found = [];
    searchIndex.forEach(function (entry) {
      var best = 9;
      entry.keys.forEach(function (key) {
        var at = key.indexOf(q);
        var score = at < 0 ? 9 : key === q ? 0 : at === 0 ? 1 : 2;
        if (score === 9 && words.length > 1 && words.every(function (w) { return key.indexOf(w) >= 0; })) score = 3;
        if (score < best) best = score;
      });
      if (best < 9) found.push({ id: entry.id, score: best + (state.visible.has(entry.id) ? 0 : 4) });
    });
    found.sort(function (a, b) {
      return a.score - b.score || name(byId.get(a.id).label).length - name(byId.get(b.id).label).length;
    });
    return found.slice(0, 30).map(function (f) { return f.id; });
  }

  function renderSuggestions() {
    suggestions.textContent = "";
    if (!searchInput.value.trim()) {
      suggestions.hidden = true;
      return;
    }
    if (!current.length) {
      suggestions.appendChild(el("li", "empty", [t("noMatch")]));
    }
    current.forEach(function (id, i) {
      var n = byId.get(id);
      var item = el("li", null, [
        swatch(kinds[n.kind]),
        el("span", null, [name(n.label)]),
        el("span", "other", [otherName(n.label)]),
        state.visible.has(id) ? null : el("span", "hidden-note", [t("hidden")]),
      ]);
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(id);
      });
      suggestions.appendChild(item);
    });
    suggestions.hidden = false;
  }
  function choose(id) {
    suggestions.hidden = true;
    searchInput.value = name(byId.get(id).label);
    select(id);
  }
  searchInput.addEventListener("input", function () {
    current = search(searchInput.value);
    active = current.length ? 0 : -1;
    renderSuggestions();
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!current.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
      renderSuggestions();
      event.preventDefault();
    } else if (event.key === "Enter") {
      if (active >= 0 && current[active]) choose(current[active]);
      event.preventDefault();
    } else if (event.key === "Escape") {
      suggestions.hidden = true;
    }
  });
  searchInput.addEventListener("blur", function () { suggestions.hidden = true; });
  document.addEventListener("keydown", function (event) {
    if (event.target === searchInput) return;
    if (event.key === "/") {
      searchInput.focus();
      event.preventDefault();
    } else if (event.key === "Escape") {
      unselect();
    }
  });

  // ---------------------------------------------------------------- side panel, header, status

  function checkItem(labelChildren, checked, onChange, countText) {
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    var label = el("label", null, [box].concat(labelChildren, [countText ? el("span", "count", [countText]) : null]));
    return el("li", null, [label]);
  }

  function renderLegend() {
    var list = document.getElementById("legend");
    list.textContent = "";
    var shownByKind = {};
    state.visible.forEach(function (id) {
      var k = byId.get(id).kind;
      shownByKind[k] = (shownByKind[k] || 0) + 1;
    });
    DATA.kinds.forEach(function (kind) {
      var shown = shownByKind[kind.key] || 0;
      list.appendChild(checkItem([swatch(kind), el("span", null, [name(kind.label)])], state.kinds.has(kind.key), function (on) {
        var next = new Set(state.kinds);
        if (on) next.add(kind.key);
        else next.delete(kind.key);
        setKinds(Array.from(next));
      }, shown === kind.count ? number(kind.count) : number(shown) + "/" + number(kind.count)));
    });
  }

  function renderProvinces() {
    var section = document.getElementById("province-section");
    section.hidden = DATA.provinces.length === 0;
    var list = document.getElementById("province-list");
    list.textContent = "";
    DATA.provinces.forEach(function (p) {
      var checked = state.provinces === null || state.provinces.has(p.id);
      list.appendChild(checkItem([el("span", null, [name(p.short)])], checked, function (on) {
        var next = new Set(state.provinces === null ? provinceIds : state.provinces);
        if (on) next.add(p.id);
        else next.delete(p.id);
        setProvinces(Array.from(next));
      }));
    });
  }
  document.getElementById("provinces-all").addEventListener("click", function () { setProvinces(null); });
  document.getElementById("provinces-none").addEventListener("click", function () { setProvinces([]); });

  function renderFocus() {
    var section = document.getElementById("focus-section");
    section.hidden = !state.focus;
    if (state.focus) {
      document.getElementById("focus-text").textContent = t("focusText", {
        d: state.focus.depth,
        label: name(byId.get(state.focus.id).label),
      });
    }
  }
  document.getElementById("focus-clear").addEventListener("click", function () { setFocus(null); });

  function renderApplied() {
    var section = document.getElementById("applied-section");
    var list = document.getElementById("applied");
    list.textContent = "";
    (META.filters || []).forEach(function (f) {
      var text = UI[lang].filterNames[f.key] + ": " + f.values.map(name).join(t("listSep"));
      if (f.key === "focus") text += t("depthNote", { d: f.depth });
      list.appendChild(el("li", null, [text]));
    });
    section.hidden = !(META.filters && META.filters.length);
  }

  function renderNotice() {
    var notice = document.getElementById("notice");
    if (!DATA.nodes.length) {
      notice.textContent = t("empty");
      notice.hidden = false;
      return;
    }
    if (!META.leftOut || !META.leftOut.length) {
      notice.hidden = true;
      return;
    }
    var parts = META.leftOut.map(function (item) {
      var kind = kinds[item.kind];
      var label = kind ? name(kind.label) : item.kind;
      return lang === "zh" ? label + " " + number(item.count) + " 个" : number(item.count) + " " + label;
    });
    notice.textContent = t("truncated", {
      shown: number(DATA.nodes.length),
      selected: number(META.selected),
      max: number(META.maxNodes),
      parts: parts.join(t("listSep")),
    });
    notice.hidden = false;
  }

  function renderStatus() {
    var footer = document.getElementById("status");
    footer.textContent = "";
    var shownEdges = edgeView.length;
    footer.appendChild(el("span", null, [
      t("status", { n: number(state.visible.size), m: number(shownEdges) }) +
        t("ofTotal", { n: number(META.graphNodes), m: number(META.graphEdges) }),
    ]));
    if (statusLayout) footer.appendChild(el("span", null, [statusLayout]));
  }

  function headingText() {
    if (META.title) return META.title;
    var pieces = [];
    (META.filters || []).forEach(function (f) { pieces = pieces.concat(f.values.map(name)); });
    return t("title") + (pieces.length ? " · " + pieces.join(t("listSep")) : "");
  }

  function setLanguage(next) {
    lang = next === "en" ? "en" : "zh";
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
    document.querySelectorAll("[data-ui]").forEach(function (node) { node.textContent = t(node.getAttribute("data-ui")); });
    document.querySelectorAll("[data-ui-title]").forEach(function (node) { node.title = t(node.getAttribute("data-ui-title")); });
    document.querySelectorAll("#lang-switch button").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === lang ? "true" : "false");
    });
    searchInput.placeholder = t("search");
    document.title = headingText();
    document.getElementById("heading").textContent = headingText();
    var selected = state.selected;
    nodes.update(DATA.nodes.map(function (n) { return { id: n.id, label: shortLabel(name(n.label), n.kind) }; }));
    if (highlighted && selected) highlight(selected);
    else edges.update(DATA.edges.map(function (e, i) { return edgeStyle(e, i, "normal"); }));
    renderLegend();
    renderProvinces();
    renderFocus();
    renderApplied();
    renderNotice();
    if (state.ready) statusLayout = t("settled");
    renderStatus();
    if (selected && !document.getElementById("details").hidden) renderDetails(selected);
    if (!suggestions.hidden) renderSuggestions();
  }
  document.querySelectorAll("#lang-switch button").forEach(function (button) {
    button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang")); });
  });

  document.getElementById("edge-labels").addEventListener("change", function (event) {
    state.edgeLabels = event.target.checked;
    if (highlighted && state.selected) highlight(state.selected);
    else edges.update(DATA.edges.map(function (e, i) { return edgeStyle(e, i, "normal"); }));
  });
  document.getElementById("relayout").addEventListener("click", relayout);
  document.getElementById("reset").addEventListener("click", resetAll);

  // For notebooks, tests and the curious: the live objects behind the page.
  var api = {
    network: network,
    nodes: nodes,
    edges: edges,
    nodeView: nodeView,
    edgeView: edgeView,
    data: DATA,
    timings: timings, // milliseconds since the page started: data parsed, network built, layout settled
    get ready() { return state.ready; },
    language: function () { return lang; },
    setLanguage: setLanguage,
    setKinds: setKinds,
    setProvinces: setProvinces,
    setFocus: setFocus,
    select: select,
    search: search,
    reset: resetAll,
    relayout: relayout,
  };
  window.kgExplorer = api;

  setLanguage(lang);
  // An empty view has nothing to lay out, and vis-network then reports nothing.
  if (!DATA.nodes.length) settled();
})();
