/* kg viz: draws the network in #kg-data with vis-network.
 * Every text from the graph is put into the page with textContent (never innerHTML),
 * tooltips are DOM elements built here, and links are only ever http(s) or file URLs. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = {};
  var hiddenKinds = {};
  var details = document.getElementById("kg-details");
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function safeUrl(u) {
    return (typeof u === "string" && /^(https?|file):\/\//i.test(u)) ? u : null;
  }
  function kindOf(k) { return DATA.kinds[k] || {name: k, color: "#999", border: "#666", shape: "dot", glyph: "\u25cf"}; }

  function nodeTip(n) {
    var d = el("div", "kg-tip");
    d.appendChild(el("strong", null, n.full));
    d.appendChild(el("div", "kg-tip-kind", kindOf(n.kind).name));
    n.info.forEach(function (kv) { d.appendChild(el("div", null, kv[0] + ": " + kv[1])); });
    if (safeUrl(n.url)) { d.appendChild(el("div", "kg-tip-more", "Page: " + n.url + " (click for a link, double-click to open)")); }
    return d;
  }
  function edgeTip(e) {
    var d = el("div", "kg-tip");
    var a = byId[e.from], b = byId[e.to];
    d.appendChild(el("strong", null, (a ? a.full : e.from) + " \u2014 " + (b ? b.full : e.to)));
    if (e.label) { d.appendChild(el("div", "kg-tip-kind", e.label)); }
    e.info.forEach(function (kv) { d.appendChild(el("div", null, kv[0] + ": " + kv[1])); });
    return d;
  }

  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var k = kindOf(n.kind);
    var v = {
      id: n.id, title: nodeTip(n), shape: k.shape, value: n.value, kind: n.kind,
      color: {background: k.color, border: k.border,
              highlight: {background: k.color, border: "#111"}, hover: {background: k.color, border: "#111"}}
    };
    if (typeof n.x === "number") { v.x = n.x; v.y = n.y; }
    if (n.center) { v.borderWidth = 4; v.color.border = "#111"; }
    return v;
  }));
  var edges = new vis.DataSet(DATA.edges.map(function (e, i) {
    var k = DATA.edgeKinds[e.kind] || {color: "#bbb", width: 1, dashes: false};
    var v = {id: i, from: e.from, to: e.to, title: edgeTip(e), kind: e.kind, width: k.width, dashes: k.dashes,
             color: {color: k.color, highlight: "#333", hover: "#555"}};
    if (e.arrow) { v.arrows = {to: {enabled: true, scaleFactor: 0.6}}; }
    return v;
  }));

  var big = DATA.layout.big;
  var physics = DATA.layout.physics;
  var options = {
    autoResize: true,
    nodes: {
      borderWidth: 1,
      scaling: {min: DATA.layout.sizeMin, max: DATA.layout.sizeMax}
    },
    edges: {smooth: false, selectionWidth: 2, hoverWidth: 0.5},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
    layout: {randomSeed: 7, improvedLayout: !big && DATA.nodes.length <= 120},
    physics: physics ? {
      solver: DATA.layout.solver,
      forceAtlas2Based: DATA.layout.forces,
      barnesHut: DATA.layout.forces,
      maxVelocity: 80, minVelocity: 1, timestep: 0.45,
      stabilization: {enabled: true, iterations: DATA.layout.iterations, updateInterval: 25, fit: true}
    } : {enabled: false}
  };

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  window.network = network;
  window.kgNetwork = {nodes: nodes, edges: edges, data: DATA};

  // Labels: vis-network draws none; kg draws them on top at a constant screen size, best
  // linked first, skipping any label that would overlap one already placed, so labels
  // never overlap at rest and more appear as you zoom in.
  var LABEL_PX = 12.5, LABEL_FACE = "system-ui, -apple-system, Segoe UI, Roboto, DejaVu Sans, sans-serif";
  var MAX_LABELS = 250, FIT_LABELS = DATA.layout.fitLabels, fitScale = null;
  var rank = DATA.nodes.slice().sort(function (a, b) {
    return (b.center ? 1 : 0) - (a.center ? 1 : 0) || b.rank - a.rank || a.full.localeCompare(b.full);
  }).map(function (n) { return n.id; });
  var placed = [];
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = LABEL_PX + "px " + LABEL_FACE;
  var widths = {};
  function textWidth(id) {
    if (widths[id] === undefined) { widths[id] = measure.measureText(byId[id].label).width; }
    return widths[id];
  }
  function isHidden(id) { return !!hiddenKinds[byId[id].kind]; }
  function placeLabels() {
    var W = container.clientWidth, H = container.clientHeight;
    var boxes = [], out = [], outBoxes = [], seen = {};
    spotOf = {};
    var frame = container.getBoundingClientRect();
    [document.getElementById("kg-legend"), details].forEach(function (panel) {
      if (!panel || panel.hidden) { return; }
      var r = panel.getBoundingClientRect();
      boxes.push({x1: r.left - frame.left - 4, x2: r.right - frame.left + 4,
                  y1: r.top - frame.top - 4, y2: r.bottom - frame.top + 4});
    });
    var order = network.getSelectedNodes().concat(rank);
    var forced = network.getSelectedNodes().length;
    var zoom = fitScale ? network.getScale() / fitScale : 1;
    var budget = Math.min(MAX_LABELS, Math.round(FIT_LABELS * Math.max(1, zoom * zoom)));
    for (var i = 0; i < order.length && out.length < budget + forced; i++) {
      var id = order[i];
      if (seen[id] || isHidden(id)) { continue; }
      seen[id] = true;
      var bb = network.getBoundingBox(id);
      if (!bb) { continue; }
      var lt = network.canvasToDOM({x: bb.left, y: bb.top}), rb = network.canvasToDOM({x: bb.right, y: bb.bottom});
      var cx = (lt.x + rb.x) / 2, cy = (lt.y + rb.y) / 2;
      var w = textWidth(id) + 10, h = LABEL_PX + 6;
      // below the node if there is room, else above, right or left of it
      var spots = [["below", {x1: cx - w / 2, x2: cx + w / 2, y1: rb.y, y2: rb.y + h}],
                   ["above", {x1: cx - w / 2, x2: cx + w / 2, y1: lt.y - h, y2: lt.y}],
                   ["right", {x1: rb.x + 1, x2: rb.x + 1 + w, y1: cy - h / 2, y2: cy + h / 2}],
                   ["left", {x1: lt.x - 1 - w, x2: lt.x - 1, y1: cy - h / 2, y2: cy + h / 2}]];
      var chosen = null;
      for (var k = 0; k < spots.length && !chosen; k++) {
        var box = spots[k][1];
        if (box.x1 < 0 || box.x2 > W || box.y1 < 0 || box.y2 > H) { continue; }
        var clash = false;
        if (i >= forced) {
          for (var j = 0; j < boxes.length; j++) {
            var o = boxes[j];
            if (box.x1 < o.x2 && box.x2 > o.x1 && box.y1 < o.y2 && box.y2 > o.y1) { clash = true; break; }
          }
        }
        if (!clash) { chosen = spots[k]; }
      }
      if (!chosen) { continue; }
      boxes.push(chosen[1]);
      out.push(id);
      outBoxes.push(chosen[1]);
      spotOf[id] = chosen[0];
    }
    placed = out;
    placedBoxes = outBoxes;
    network.redraw();
  }
  var placedBoxes = [], spotOf = {};
  window.kgNetwork.labels = function () {
    return placed.map(function (id, i) { return {id: id, text: byId[id].label, box: placedBoxes[i]}; });
  };
  var placing = null;
  function placeSoon() { clearTimeout(placing); placing = setTimeout(placeLabels, 120); }
  network.on("afterDrawing", function (ctx) {
    if (!placed.length) { return; }
    var scale = network.getScale();
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[id] = true; });
    ctx.save();
    ctx.lineJoin = "round";
    ctx.lineWidth = 4 / scale; ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.fillStyle = "#1b1b1b";
    var plain = LABEL_PX / scale + "px " + LABEL_FACE, bold = "bold " + plain;
    placed.forEach(function (id) {
      var bb = network.getBoundingBox(id);
      if (!bb || isHidden(id)) { return; }
      ctx.font = selected[id] ? bold : plain;
      ctx.fillStyle = kindOf(byId[id].kind).text || "#1b1b1b";
      var x = (bb.left + bb.right) / 2, y = bb.bottom + 1 / scale, spot = spotOf[id] || "below";
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      if (spot === "above") { y = bb.top - 1 / scale; ctx.textBaseline = "bottom"; }
      if (spot === "right" || spot === "left") {
        y = (bb.top + bb.bottom) / 2; ctx.textBaseline = "middle";
        ctx.textAlign = spot === "right" ? "left" : "right";
        x = spot === "right" ? bb.right + 6 / scale : bb.left - 6 / scale;
      }
      ctx.strokeText(byId[id].label, x, y);
      ctx.fillText(byId[id].label, x, y);
    });
    ctx.restore();
  });
  ["zoom", "dragEnd", "animationFinished", "resize", "select", "deselectNode"].forEach(function (ev) {
    network.on(ev, placeSoon);
  });

  var status = document.getElementById("kg-status");
  function ready() {
    fitScale = network.getScale();
    var centre = DATA.nodes.filter(function (n) { return n.center; })[0];
    if (centre) { network.selectNodes([centre.id]); showDetails(centre.id); }
    placeLabels();
    if (DATA.nodes.length) { status.classList.add("kg-done"); } else { status.textContent = "Nothing to draw: the graph has nothing for this view."; }
    document.body.setAttribute("data-ready", "1");
  }
  if (physics) {
    network.on("stabilizationProgress", function (p) {
      status.textContent = "Laying out the network\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});  // settle, then stop: nothing moves at rest
      network.fit();
      ready();
    });
  } else {
    network.once("afterDrawing", function () { network.fit(); ready(); });
  }

  // Legend and filter by kind.
  var counts = {};
  DATA.nodes.forEach(function (n) { counts[n.kind] = (counts[n.kind] || 0) + 1; });
  var list = document.getElementById("kg-kinds");
  Object.keys(DATA.kinds).forEach(function (kind) {
    if (!counts[kind]) { return; }
    var k = DATA.kinds[kind];
    var li = el("li"), lab = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-kind", kind);
    var glyph = el("span", "kg-glyph", k.glyph); glyph.style.color = k.color;
    lab.appendChild(box); lab.appendChild(glyph); lab.appendChild(el("span", null, k.plural));
    lab.appendChild(el("span", "kg-count", counts[kind]));
    li.appendChild(lab); list.appendChild(li);
    box.addEventListener("change", function () {
      hiddenKinds[kind] = !box.checked;
      nodes.update(DATA.nodes.filter(function (n) { return n.kind === kind; })
        .map(function (n) { return {id: n.id, hidden: !box.checked}; }));
      placeSoon();
    });
  });
  var edgeCounts = {};
  DATA.edges.forEach(function (e) { edgeCounts[e.kind] = (edgeCounts[e.kind] || 0) + 1; });
  var edgeLegend = document.getElementById("kg-edge-legend");
  Object.keys(DATA.edgeKinds).forEach(function (kind) {
    if (!edgeCounts[kind]) { return; }
    var k = DATA.edgeKinds[kind];
    var row = el("div"), line = el("span", "kg-line");
    line.style.borderTopColor = k.color;
    line.style.borderTopStyle = k.dashes ? "dashed" : "solid";
    row.appendChild(line); row.appendChild(el("span", null, k.name + (k.arrow ? " \u2192" : "")));
    edgeLegend.appendChild(row);
  });

  // Details panel: pinned on click, with a real link to the page.
  var lastFocus = {id: null, at: 0};
  function focusNode(id) {
    if (!byId[id]) { return; }
    // vis-network loses its way if a second focus animation starts as the first begins
    // (Enter fires both keydown and change): one focus per node per moment.
    var now = Date.now();
    if (lastFocus.id === id && now - lastFocus.at < 800) { return; }
    lastFocus = {id: id, at: now};
    if (hiddenKinds[byId[id].kind]) {
      var box = list.querySelector('input[data-kind="' + byId[id].kind + '"]');
      if (box) { box.checked = true; box.dispatchEvent(new Event("change")); }
    }
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 1.1), animation: {duration: 400}});
    showDetails(id);
  }
  function showDetails(id) {
    var n = byId[id];
    if (!n) { details.hidden = true; return; }
    details.replaceChildren();
    var close = el("button", "kg-close", "\u00d7");
    close.type = "button"; close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { details.hidden = true; network.unselectAll(); placeSoon(); });
    details.appendChild(close);
    details.appendChild(el("h2", null, n.full));
    var kind = el("div", null, kindOf(n.kind).name); kind.style.color = "#666"; details.appendChild(kind);
    var dl = el("dl");
    n.info.forEach(function (kv) { dl.appendChild(el("dt", null, kv[0])); dl.appendChild(el("dd", null, kv[1])); });
    details.appendChild(dl);
    var url = safeUrl(n.url);
    if (url) {
      var a = el("a", null, "Open the page \u2197");
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      var p = el("p"); p.appendChild(a); details.appendChild(p);
    }
    var home = safeUrl(n.homepage);
    if (home) {
      var h = el("a", null, home);
      h.href = home; h.target = "_blank"; h.rel = "noopener noreferrer";
      var p2 = el("p"); p2.appendChild(el("span", null, "Link: ")); p2.appendChild(h); details.appendChild(p2);
    }
    var near = network.getConnectedNodes(id).map(function (x) { return byId[x]; }).filter(Boolean);
    near.sort(function (x, y) { return (x.kind + x.full).localeCompare(y.kind + y.full); });
    if (near.length) {
      details.appendChild(el("div", null, "Linked to " + near.length + ":"));
      var ul = el("ul");
      near.slice(0, 60).forEach(function (m) {
        var li = el("li"), b = el("button", null, m.full + " (" + kindOf(m.kind).name.toLowerCase() + ")");
        b.type = "button";
        b.addEventListener("click", function () { focusNode(m.id); });
        li.appendChild(b); ul.appendChild(li);
      });
      if (near.length > 60) { ul.appendChild(el("li", null, "\u2026 and " + (near.length - 60) + " more")); }
      details.appendChild(ul);
    }
    details.hidden = false;
  }
  network.on("click", function (p) {
    if (p.nodes.length) { showDetails(p.nodes[0]); } else { details.hidden = true; }
    placeSoon();
  });
  network.on("doubleClick", function (p) {
    var n = p.nodes.length ? byId[p.nodes[0]] : null;
    var url = n ? safeUrl(n.url) : null;
    if (url) { window.open(url, "_blank", "noopener"); }
  });

  // Search box: every name and title, made unique with kind and date where they repeat.
  var names = {}, seen = {};
  DATA.nodes.forEach(function (n) { seen[n.full] = (seen[n.full] || 0) + 1; });
  var datalist = document.getElementById("kg-names");
  DATA.nodes.slice().sort(function (a, b) { return a.full.localeCompare(b.full); }).forEach(function (n) {
    var text = n.full;
    if (seen[n.full] > 1) { text += " (" + kindOf(n.kind).name.toLowerCase() + (n.date ? ", " + n.date : "") + ")"; }
    if (names[text]) { text += " \u2013 " + n.id; }
    names[text] = n.id;
    var o = el("option"); o.value = text; datalist.appendChild(o);
  });
  var search = document.getElementById("kg-search");
  function find(text) {
    var t = text.trim();
    if (!t) { return null; }
    if (names[t]) { return names[t]; }
    var low = t.toLowerCase(), keys = Object.keys(names), i;
    for (i = 0; i < keys.length; i++) { if (keys[i].toLowerCase() === low) { return names[keys[i]]; } }
    for (i = 0; i < keys.length; i++) { if (keys[i].toLowerCase().indexOf(low) >= 0) { return names[keys[i]]; } }
    return null;
  }
  function go() { var id = find(search.value); if (id) { focusNode(id); } }
  search.addEventListener("change", go);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({animation: {duration: 400}}); });
}());
