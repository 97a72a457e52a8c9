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
      labels: "标签",
      density: { 1: "省份与机制大类", 2: "另加机关与机制", 3: "全部节点" },
      evidenceEn: "引文",
      attribution: "归属机关依据",
      headingRole: "所在标题（上下文）",
      clauseRole: "所在语境（问题或背景）",
      emptyProvinces: "没有勾选任何省份，所以图中没有节点。请在左侧“省份”中勾选，或点“重置”。",
      emptyKinds: "没有勾选任何类别，所以图中没有节点。请在左侧“类别”中勾选，或点“重置”。",
      emptyBoth: "所勾选的类别与省份没有共同的节点。请多勾选一些，或点“重置”。",
      neighbourhood: "邻域",
      showAll: "显示全部",
      applied: "本文件的筛选条件",
      appliedServed: "本视图的筛选条件",
      emptyServed: "没有节点符合本视图的筛选条件。请放宽筛选条件。",
      truncatedServed: "节点过多：符合条件的 {selected} 个节点中只显示 {shown} 个（上限 {max}）。未显示：{parts}。请选择省份或机制大类，或搜索一个节点后点“只看邻域”。",
      help: "点击节点查看详情并突出其相邻节点；悬停查看摘要及其关系；拖动画布平移，滚轮缩放。按 / 键搜索，Esc 取消选择。",
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
      page: "本节点的页面",
      inSource: "原文定位",
      inCompare: "比较中",
      cite: "引用",
      citeStyle: "格式",
      citeLang: "语言",
      citeText: "引文",
      citeOpen: "以文本打开",
      copy: "复制",
      copied: "已复制",
      citeFailed: "无法获取引文",
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
      edgeLabels: "Relation names",
      labels: "Labels",
      density: { 1: "provinces and categories", 2: "also organs and mechanisms", 3: "every node" },
      evidenceEn: "Evidence (quoted in the original Chinese)",
      attribution: "Organ attribution",
      headingRole: "section heading (context)",
      clauseRole: "context clause (problem or background)",
      emptyProvinces: "No province is ticked, so no node is shown. Tick one under Provinces, or press Reset.",
      emptyKinds: "No class is ticked, so no node is shown. Tick one under Classes, or press Reset.",
      emptyBoth: "The classes and provinces ticked have no node in common. Tick more, or press Reset.",
      neighbourhood: "Neighbourhood",
      showAll: "Show all",
      applied: "Filters of this file",
      appliedServed: "Filters of this view",
      emptyServed: "No node matches the filters of this view. Widen them.",
      truncatedServed: "Too many nodes: showing {shown} of the {selected} that match (limit {max}). Left out: {parts}. Choose provinces or a category, or search for a node and show only its neighbourhood.",
      help: "Click a node for its details and to highlight its neighbours; hover for a summary and its relations; drag to pan, scroll to zoom. Press / to search, Esc to clear.",
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
      page: "Page of this node",
      inSource: "show in the source",
      inCompare: "In Compare",
      cite: "Cite",
      citeStyle: "Style",
      citeLang: "Language",
      citeText: "Citation",
      citeOpen: "Open as text",
      copy: "Copy",
      copied: "Copied",
      citeFailed: "The citation could not be fetched",
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
    density: 2, // which kinds keep a readable label when zoomed out (DENSITY)
    visible: new Set(byId.keys()),
    ready: false,
    laying: false,
  };

  // ---------------------------------------------------------------- text helpers

  function t(key, values) {
    // A page served by kg serve is not a file and has no kg viz options to suggest.
    var text = META.served && UI[lang][key + "Served"] ? UI[lang][key + "Served"] : UI[lang][key];
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

  // Labels keep a readable size on screen whatever the zoom: a labelled node's font is
  // its kind's size in canvas units, or more when the view is zoomed out (LABEL_PX on screen).
  // The density control chooses which kinds are labelled so; the rest show their label
  // only once zoomed in far enough for it to be legible (drawThreshold).
  var DENSITY = {
    1: { province: true, category: true },
    2: { province: true, category: true, organ: true, mechanism: true, speech: true, event: true },
    3: null, // every kind
  };
  var LABEL_PX = { province: 15, category: 14 };
  var MIN_LABEL_PX = 12;
  var EDGE_LABEL_PX = 12;
  function labelled(n) {
    var kinds = DENSITY[state.density];
    return kinds === null || !!kinds[n.kind];
  }
  // Labels that would overlap a more important one are not drawn at this zoom (tiny font, under
  // drawThreshold); provinces and categories always are. Zooming in makes room for more.
  var hiddenLabels = new Set();
  function fontSize(n, scale) {
    var kind = kinds[n.kind];
    if (hiddenLabels.has(n.id)) return 1;
    if (!labelled(n)) return kind.font;
    return Math.max(kind.font, (LABEL_PX[n.kind] || MIN_LABEL_PX) / scale);
  }
  var RANK = { province: 0, category: 1, organ: 2, mechanism: 3, speech: 4, event: 5, person: 6 };
  function declutter(scale) {
    hiddenLabels = new Set();
    var boxes = [];
    var candidates = [];
    state.visible.forEach(function (id) {
      var n = byId.get(id);
      var px = fontSize(n, scale) * scale;
      if (px >= 8) candidates.push({ n: n, px: px });
    });
    candidates.sort(function (a, b) {
      var ra = labelled(a.n) ? (RANK[a.n.kind] !== undefined ? RANK[a.n.kind] : 7) : 8;
      var rb = labelled(b.n) ? (RANK[b.n.kind] !== undefined ? RANK[b.n.kind] : 7) : 8;
      return ra - rb || b.n.degree - a.n.degree;
    });
    var positions = network.getPositions(candidates.map(function (c) { return c.n.id; }));
    candidates.forEach(function (c) {
      var text = shortLabel(name(c.n.label), c.n.kind);
      var width = textWidth(text, c.px);
      var height = c.px * 1.25;
      var at = network.canvasToDOM(positions[c.n.id]);
      var inside = LABEL_INSIDE[kinds[c.n.kind].shape];
      var cy = inside ? at.y : at.y + (c.n.size || kinds[c.n.kind].size) * scale + height / 2;
      var box = [at.x - width / 2 - 2, cy - height / 2, at.x + width / 2 + 2, cy + height / 2];
      var always = c.n.kind === "province" || c.n.kind === "category";
      var clash = !always && boxes.some(function (b) {
        return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3];
      });
      if (clash) hiddenLabels.add(c.n.id);
      else boxes.push(box);
    });
  }
  function currentScale() {
    return network ? network.getScale() : 1;
  }

  function nodeStyle(n, dim) {
    var kind = kinds[n.kind];
    var inside = LABEL_INSIDE[kind.shape];
    var color = dim ? DIM : kind.color;
    return {
      id: n.id,
      label: shortLabel(name(n.label), n.kind),
      shape: kind.shape,
      size: n.size || kind.size,
      color: {
        background: color,
        border: dim ? DIM : "#333333",
        highlight: { background: kind.color, border: "#000000" },
        hover: { background: kind.color, border: "#000000" },
      },
      borderWidth: 1,
      font: {
        face: FONT,
        size: fontSize(n, currentScale()),
        color: dim ? "rgba(120,120,120,0.35)" : inside ? "#ffffff" : "#222222",
        strokeWidth: inside ? 0 : 3,
        strokeColor: "#ffffff",
      },
      margin: inside ? 6 : undefined,
    };
  }

  // Relation names are drawn only for the hovered or selected node's edges ("lit"):
  // on every edge at once they pile up on the hubs.
  function textWidth(text, px) {
    var width = 0;
    for (var i = 0; i < text.length; i++) width += text.charCodeAt(i) > 0x2e80 ? 1 : 0.56;
    return width * px;
  }
  // A relation's name is drawn only where the edge is long enough on screen to hold it
  // (a hub's short edges would pile their names up); zooming in makes room.
  function roomFor(e, text) {
    if (!network) return false;
    var a = network.body.nodes[e.from];
    var b = network.body.nodes[e.to];
    if (!a || !b) return false;
    var scale = network.getScale();
    var length = Math.sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)) * scale;
    var ends = ((a.shape && a.shape.radius) || 10) * scale + ((b.shape && b.shape.radius) || 10) * scale;
    return length - ends >= textWidth(text, EDGE_LABEL_PX) + 8;
  }
  function edgeStyle(e, index, mode) {
    var rel = DATA.relations[e.rel];
    // An edge keeps its label text; hiding it is done with a transparent font
    // (vis-network keeps the old text when a label is updated to "").
    var showLabel = state.edgeLabels && (mode === "lit" || mode === "hover") && roomFor(e, name(rel.label));
    var strong = mode === "lit" || mode === "hover";
    return {
      id: index,
      from: e.from,
      to: e.to,
      label: name(rel.label),
      color: {
        color: mode === "dim" ? "rgba(200,200,200,0.25)" : strong ? "#444444" : "#b4b4b4",
        highlight: "#222222",
        hover: "#555555",
      },
      width: strong ? 2 : 1,
      font: {
        color: showLabel ? "#222222" : "rgba(0,0,0,0)",
        size: showLabel ? Math.max(10, EDGE_LABEL_PX / currentScale()) : 10,
        face: FONT,
        strokeWidth: showLabel ? 4 : 0,
        strokeColor: "#ffffff",
        align: "horizontal",
      },
    };
  }

  var network = null;
  var api = null;
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
  // The positions come with the data (laid out before the page was written): physics is off
  // at open, so the graph is drawn at once. It runs only for "Re-run layout" and when a
  // neighbourhood is shown on its own, and stops again once settled.
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: {
      enabled: false,
      solver: "forceAtlas2Based",
      forceAtlas2Based: {
        gravitationalConstant: -70,
        centralGravity: 0.008,
        springLength: 110,
        springConstant: 0.06,
        damping: 0.6,
        avoidOverlap: 0.6,
      },
      maxVelocity: 60,
      minVelocity: 1,
      timestep: 0.45,
      stabilization: { enabled: false, iterations: iterations, updateInterval: 20, fit: true },
    },
    interaction: {
      hover: true,
      tooltipDelay: 3600000, // our own tooltip replaces vis-network's
      hideEdgesOnDrag: count > 800,
      hideEdgesOnZoom: count > 1500,
      multiselect: false,
      keyboard: false,
    },
    nodes: { borderWidth: 1, chosen: true, scaling: { label: { drawThreshold: 9, maxVisible: 40 } } },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      smooth: count > 800 ? false : { enabled: true, type: "continuous", roundness: 0.3 },
      selectionWidth: 1.5,
      hoverWidth: 1,
      chosen: true,
      scaling: { label: { drawThreshold: 6, maxVisible: 30 } },
    },
  };

  var container = document.getElementById("graph");
  timings.data = performance.now();
  network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  timings.network = performance.now();

  // ---------------------------------------------------------------- labels that keep their size on screen

  var litEdges = new Set();
  var rescaleQueued = false;
  function rescaleLabels() {
    rescaleQueued = false;
    var scale = currentScale();
    declutter(scale);
    nodes.update(DATA.nodes.map(function (n) { return { id: n.id, font: { size: fontSize(n, scale) } }; }));
    if (litEdges.size) {
      edges.update(Array.from(litEdges).map(function (i) {
        return edgeStyle(DATA.edges[i], i, hoverLit.indexOf(i) >= 0 ? "hover" : "lit");
      }));
    }
  }
  function queueRescale() {
    if (rescaleQueued) return;
    rescaleQueued = true;
    window.requestAnimationFrame(rescaleLabels);
  }
  // Any change of scale (wheel, fit, focus, their animations) resizes the labels once it is drawn.
  var labelScale = 0;
  network.on("afterDrawing", function () {
    var scale = currentScale();
    if (Math.abs(scale - labelScale) > labelScale * 0.02) {
      labelScale = scale;
      queueRescale();
    }
  });

  // The labels of the current scale, on screen, for tests and the curious: [{id, kind, px}].
  function labelSizes() {
    var scale = currentScale();
    return nodeView.get().map(function (item) {
      var px = item.font.size * scale;
      return { id: item.id, kind: byId.get(item.id).kind, px: px, drawn: px >= 8, label: item.label };
    });
  }

  function setDensity(level) {
    state.density = DENSITY.hasOwnProperty(level) ? Number(level) : 2;
    document.getElementById("label-density").value = String(state.density);
    rescaleLabels();
  }

  // ---------------------------------------------------------------- layout: drawn at once; re-run on demand

  var statusLayout = "";
  network.on("stabilizationProgress", function (params) {
    statusLayout = t("laying", { p: Math.round((100 * params.iterations) / params.total) });
    renderStatus();
  });
  function settled(quiet) {
    network.setOptions({ physics: { enabled: false } });
    statusLayout = quiet ? "" : t("settled");
    state.ready = true;
    state.laying = false;
    document.body.setAttribute("data-ready", "true");
    renderStatus();
  }
  network.on("dragEnd", function () { queueRescale(); });
  network.on("stabilizationIterationsDone", function () {
    settled();
    network.fit({ nodes: nodeView.getIds(), animation: false });
    timings.relaid = performance.now();
  });

  function relayout() {
    if (!state.visible.size) return;
    state.ready = false;
    state.laying = true;
    document.body.removeAttribute("data-ready");
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(state.visible.size > 400 ? iterations : 250);
  }

  // Positions survive filtering: store them before nodes leave the view.
  function keepPositions() {
    // (getPositions would round them to whole units)
    var drawn = network.body.nodes;
    var updates = nodeView.getIds().filter(function (id) { return drawn[id]; }).map(function (id) {
      return { id: id, x: drawn[id].x, y: drawn[id].y };
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
    renderEmpty();
    writeHash();
    queueRescale();
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
  // A neighbourhood shown on its own is laid out again (it settles and stops), then fitted.
  function setFocus(id, depth) {
    state.focus = id && byId.has(id) ? { id: id, depth: depth || 1 } : null;
    applyFilters();
    if (state.focus) relayout();
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
    litEdges = new Set();
    edges.update(DATA.edges.map(function (e, i) {
      var lit = e.from === id || e.to === id;
      if (lit) litEdges.add(i);
      return edgeStyle(e, i, lit ? "lit" : "dim");
    }));
    highlighted = true;
  }
  function clearHighlight() {
    litEdges = new Set();
    if (!highlighted) return;
    nodes.update(DATA.nodes.map(function (n) { return nodeStyle(n, false); }));
    edges.update(DATA.edges.map(function (e, i) { return edgeStyle(e, i, "normal"); }));
    highlighted = false;
  }
  function restyleEdges() {
    if (highlighted && state.selected) highlight(state.selected);
    else edges.update(DATA.edges.map(function (e, i) { return edgeStyle(e, i, "normal"); }));
  }
  // Hovering a node names its relations, unless a selection already lights its own.
  var hoverLit = [];
  function hoverEdges(id) {
    if (highlighted) return;
    hoverLit = [];
    DATA.edges.forEach(function (e, i) { if (e.from === id || e.to === id) hoverLit.push(i); });
    hoverLit.forEach(function (i) { litEdges.add(i); });
    edges.update(hoverLit.map(function (i) { return edgeStyle(DATA.edges[i], i, "hover"); }));
  }
  function unhoverEdges() {
    if (highlighted || !hoverLit.length) return;
    edges.update(hoverLit.map(function (i) { return edgeStyle(DATA.edges[i], i, "normal"); }));
    hoverLit.forEach(function (i) { litEdges.delete(i); });
    hoverLit = [];
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
    var fresh = state.selected !== id;
    state.selected = id;
    hoverLit = [];
    network.selectNodes([id]);
    highlight(id);
    renderDetails(id, note);
    // A new node's details start at their top (its name), not where the last one was scrolled to.
    if (fresh) document.getElementById("details").scrollTop = 0;
    writeHash();
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
    writeHash();
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

  // A link out of the explorer to a page of the site that serves it (never in the offline file).
  function siteLink(href, text, className) {
    var a = el("a", className || null, [text]);
    a.href = href;
    a.target = "_top";
    return a;
  }

  function quoteBlock(ev, compact) {
    var context = ev.role === "heading" || ev.role === "clause";
    var block = el("div", context ? "quote heading" : "quote", [
      context ? el("span", "role", [t(ev.role === "clause" ? "clauseRole" : "headingRole")]) : null,
      ev.prefix ? el("span", "ctx", ["…" + ev.prefix]) : null,
      el("span", "exact", [ev.quote || ""]),
      ev.suffix ? el("span", "ctx", [ev.suffix + "…"]) : null,
    ]);
    var where = [];
    if (ev.start !== undefined && ev.end !== undefined) where.push(t("offsets", { s: ev.start, e: ev.end }));
    if (ev.source) where.push(t("source") + ": " + name(ev.source));
    if (ev.id) where.push(ev.id);
    var whereLine = el("span", "where", [where.join(" · ")]);
    if (!compact && ev.href) whereLine.append(" · ", siteLink(ev.href, t("inSource"), "source-link"));
    block.appendChild(whereLine);
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
    if (info.attribution) {
      // How the organ is known: stated in the text, or inferred from the context (and from what).
      var basis = name(info.attribution.basis);
      if (info.attribution.note) basis += t("sep") + name(info.attribution.note);
      row(t("attribution"), basis);
    }
    root.appendChild(dl);
    var evidence = info.evidence || [];
    if (evidence.length) {
      root.appendChild(el("div", "section", [lang === "en" ? t("evidenceEn") : t("evidence")]));
      (compact ? evidence.slice(0, 1) : evidence).forEach(function (ev) { root.appendChild(quoteBlock(ev, compact)); });
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

  // Served by kg serve: the node's page, a measure's compare cells, and its citation.
  function siteLinks(n) {
    var wrap = el("div", "site-links", []);
    if (n.href) wrap.appendChild(el("p", null, [siteLink(n.href, t("page"), "entity-link")]));
    if (n.compare && n.compare.length) {
      var cells = el("p", null, [t("inCompare") + ": "]);
      n.compare.forEach(function (cell, i) {
        if (i) cells.append(" · ");
        cells.appendChild(siteLink(cell[2], name(cell[0]) + " × " + name(cell[1]), "compare-link"));
      });
      wrap.appendChild(cells);
    }
    wrap.appendChild(citeControl(n));
    return wrap;
  }

  function citeControl(n) {
    var links = META.links;
    var details = el("details", "cite", [el("summary", null, [t("cite")])]);
    var style = el("select", null, []);
    style.name = "style";
    Object.keys(links.styles).forEach(function (key) {
      var option = el("option", null, [links.styles[key]]);
      option.value = key;
      style.appendChild(option);
    });
    var language = el("select", null, []);
    language.name = "lang";
    [["zh", "中文"], ["en", "English"]].forEach(function (pair) {
      var option = el("option", null, [pair[1]]);
      option.value = pair[0];
      language.appendChild(option);
    });
    language.value = "zh";
    var text = el("textarea", "cite-text", []);
    text.readOnly = true;
    text.rows = 7;
    var open = siteLink("", t("citeOpen"), "cite-open");
    var status = el("span", "cite-status", []);
    status.setAttribute("role", "status");
    var copy = el("button", "cite-copy", [t("copy")]);
    copy.type = "button";
    function url() {
      return links.cite + "?" + new URLSearchParams({ iri: n.id, style: style.value, lang: language.value }).toString();
    }
    function load() {
      open.href = url();
      text.value = "…";
      status.textContent = "";
      fetch(url()).then(function (response) { return response.text(); })
        .then(function (body) { text.value = body.replace(/\n$/, ""); })
        .catch(function () { text.value = t("citeFailed"); });
    }
    details.addEventListener("toggle", function () { if (details.open) load(); });
    style.addEventListener("change", function () {
      language.value = style.value.indexOf("gb7714") === 0 ? "zh" : "en";
      load();
    });
    language.addEventListener("change", load);
    copy.addEventListener("click", function () {
      function done(ok) { status.textContent = ok ? t("copied") : ""; }
      text.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text.value).then(function () { done(true); }, function () { done(document.execCommand("copy")); });
      } else {
        done(document.execCommand("copy"));
      }
    });
    open.href = url();
    details.appendChild(el("div", "cite-form", [
      el("label", null, [t("citeStyle") + " ", style]),
      el("label", null, [t("citeLang") + " ", language]),
      open,
    ]));
    details.appendChild(el("label", "cite-out", [t("citeText"), text]));
    details.appendChild(el("p", null, [copy, " ", status]));
    return details;
  }

  var detailsNote = null;
  function renderDetails(id, note) {
    detailsNote = note === undefined ? detailsNote : note;
    var n = byId.get(id);
    var body = document.getElementById("details-body");
    body.textContent = "";
    if (detailsNote) body.appendChild(el("p", "other", [detailsNote]));
    body.appendChild(card(n, false));
    if (META.links) body.appendChild(siteLinks(n));
    var actions = el("div", "actions", []);
    var depth = document.createElement("select");
    depth.setAttribute("aria-label", t("depth"));
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
  network.on("hoverNode", function (params) {
    showTooltip(card(byId.get(params.node), true), params.pointer.DOM);
    hoverEdges(params.node);
  });
  network.on("blurNode", function () {
    hideTooltip();
    unhoverEdges();
  });
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
  container.addEventListener("mouseleave", function () {
    hideTooltip();
    unhoverEdges();
  });
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
    return found.slice(0, 12).map(function (f) { return f.id; });
  }

  function closeSuggestions() {
    suggestions.hidden = true;
    searchInput.setAttribute("aria-expanded", "false");
    searchInput.removeAttribute("aria-activedescendant");
  }
  function renderSuggestions() {
    suggestions.textContent = "";
    if (!searchInput.value.trim()) {
      closeSuggestions();
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
      item.id = "suggestion-" + i;
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(id);
      });
      suggestions.appendChild(item);
    });
    suggestions.hidden = false;
    searchInput.setAttribute("aria-expanded", "true");
    if (active >= 0) searchInput.setAttribute("aria-activedescendant", "suggestion-" + active);
  }
  function choose(id) {
    closeSuggestions();
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
      closeSuggestions();
      searchInput.value = "";
      current = [];
      unselect();
      event.preventDefault();
    }
  });
  searchInput.addEventListener("blur", function () { closeSuggestions(); });
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

  // An empty canvas says why it is empty and how to fill it.
  function renderEmpty() {
    var box = document.getElementById("empty");
    var reason = null;
    if (!DATA.nodes.length) reason = t("empty");
    else if (!state.visible.size) {
      var noKinds = state.kinds.size === 0;
      var noProvinces = state.provinces !== null && state.provinces.size === 0;
      reason = noKinds ? t("emptyKinds") : noProvinces ? t("emptyProvinces") : t("emptyBoth");
    }
    box.textContent = reason || "";
    box.hidden = !reason;
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
    searchInput.setAttribute("aria-label", t("search"));
    suggestions.setAttribute("aria-label", t("search"));
    var density = document.getElementById("label-density");
    Array.prototype.forEach.call(density.options, function (option) { option.textContent = UI[lang].density[option.value]; });
    document.title = headingText();
    document.getElementById("heading").textContent = headingText();
    var selected = state.selected;
    nodes.update(DATA.nodes.map(function (n) { return { id: n.id, label: shortLabel(name(n.label), n.kind) }; }));
    restyleEdges();
    queueRescale();
    renderLegend();
    renderProvinces();
    renderFocus();
    renderApplied();
    renderNotice();
    renderEmpty();
    writeHash();
    if (state.ready && statusLayout) statusLayout = t("settled");
    renderStatus();
    if (selected && !document.getElementById("details").hidden) renderDetails(selected);
    if (!suggestions.hidden) renderSuggestions();
  }
  document.querySelectorAll("#lang-switch button").forEach(function (button) {
    button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang")); });
  });

  document.getElementById("edge-labels").addEventListener("change", function (event) {
    state.edgeLabels = event.target.checked;
    restyleEdges();
  });
  document.getElementById("label-density").addEventListener("change", function (event) {
    setDensity(event.target.value);
  });
  document.getElementById("relayout").addEventListener("click", relayout);
  document.getElementById("reset").addEventListener("click", resetAll);

  // ---------------------------------------------------------------- the state in the URL's hash

  // #lang=en&province=province-hunan,province-jiangsu&focus=measure-…&depth=2&select=…
  // Node names are IRIs, shortened when they lie under the project's base.
  function token(id) {
    return META.idBase && id.indexOf(META.idBase) === 0 ? id.slice(META.idBase.length) : id;
  }
  function fromToken(text) {
    if (byId.has(text)) return text;
    var full = (META.idBase || "") + text;
    return byId.has(full) ? full : null;
  }
  function stateHash() {
    var params = [];
    if (lang !== META.lang) params.push("lang=" + lang);
    if (state.provinces !== null) {
      params.push("province=" + Array.from(state.provinces).map(token).map(encodeURIComponent).join(","));
    }
    if (state.focus) {
      params.push("focus=" + encodeURIComponent(token(state.focus.id)));
      params.push("depth=" + state.focus.depth);
    }
    if (state.selected) params.push("select=" + encodeURIComponent(token(state.selected)));
    return params.length ? "#" + params.join("&") : "";
  }
  var reading = false;
  var started = false; // the address is read first, then kept in step
  function writeHash() {
    if (reading || !started) return;
    var hash = stateHash();
    if (hash === (location.hash === "#" ? "" : location.hash)) return;
    try {
      history.replaceState(null, "", hash || location.pathname + location.search);
    } catch (err) {
      // a sandboxed frame (a notebook's srcdoc) may refuse: the state then stays in the page
    }
    // A page embedded by kg serve tells its host, which keeps its own address in step.
    if (META.served && window.parent !== window) window.parent.postMessage({ kgGraphState: hash }, "*");
  }
  function readHash(hash) {
    var params = {};
    (hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) params[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1).replace(/\+/g, " "));
    });
    reading = true;
    try {
      if (params.lang === "zh" || params.lang === "en") setLanguage(params.lang);
      var provinces = params.province === undefined ? null : params.province.split(",").map(fromToken).filter(Boolean);
      state.provinces = provinces && provinces.length === provinceIds.length ? null : provinces && new Set(provinces);
      var focus = params.focus ? fromToken(params.focus) : null;
      var depth = Math.min(Math.max(parseInt(params.depth, 10) || 1, 0), 5);
      state.focus = focus ? { id: focus, depth: depth } : null;
      applyFilters();
      var chosen = params.select ? fromToken(params.select) : null;
      if (chosen) select(chosen, { move: false });
      else if (state.selected) unselect();
    } finally {
      reading = false;
    }
    return !!state.focus;
  }
  window.addEventListener("hashchange", function () {
    if (location.hash !== stateHash()) {
      if (readHash(location.hash)) relayout();
    }
  });

  // For notebooks, tests and the curious: the live objects behind the page.
  api = {
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
    setDensity: setDensity,
    labelSizes: labelSizes,
    stateHash: stateHash,
    readHash: readHash,
  };

  setLanguage(lang);
  var focused = readHash(location.hash);
  window.kgExplorer = api;
  started = true;
  writeHash();
  // Drawn at once from the positions in the data; a focus given in the address is laid out anew.
  network.fit({ animation: false });
  rescaleLabels();
  network.once("afterDrawing", function () {
    timings.drawn = performance.now();
    if (!focused) settled(true);
    else relayout();
  });
  network.redraw();
  if (!DATA.nodes.length) settled(true);
})();
