/* meshward HTML report, part 3 of 3: the service graph (Cytoscape.js) and the cards. */
(function (M) {
  "use strict";
  var D = M.D, SEV_COLOR = M.SEV_COLOR, h = M.h, $ = M.$, plural = M.plural;
  var findings = M.findings;
  var ENC_COLOR = { mtls: "#2e9b57", tls: "#2b8fb3", plaintext: "#d32f2f", unknown: "#9aa4ae" };
  var ENC_TEXT = { mtls: "mTLS", tls: "TLS", plaintext: "plaintext", unknown: "not shown" };
  var SEG_TEXT = { blocked: "blocked by NetworkPolicy", allowed: "allowed by NetworkPolicy", open: "no NetworkPolicy", "n/a": "policies n/a" };
  var LARGE = 250;

  /* ---- graph ---------------------------------------------------------------------- */
  var G = D.graph;
  var nodeById = {};
  G.nodes.forEach(function (n) { nodeById[n.id] = n; });
  var legend = $("legend");
  Object.keys(ENC_COLOR).forEach(function (k) {
    legend.appendChild(h("span", null, h("span", { cls: "sw", style: "border-color:" + ENC_COLOR[k] }), ENC_TEXT[k]));
  });
  legend.appendChild(h("span", null, h("span", { cls: "sw", style: "border-top-style:dashed;border-color:#555" }), "blocked by policy"));
  legend.appendChild(h("span", null, h("span", { cls: "sw", style: "border-color:#1f4fbf" }), "from the internet"));
  legend.appendChild(h("span", { id: "legend-public" }, h("span", { cls: "dot", style: "border-color:#1f4fbf;border-width:3px;background:#fff;border-radius:50%" }), "public entry"));
  legend.appendChild(h("span", { id: "legend-nodeport" }, h("span", { cls: "dot", style: "border-color:#1f4fbf;border-width:2px;border-style:dashed;background:#fff" }), "node port"));
  ["critical", "high", "medium", "low"].forEach(function (s) {
    legend.appendChild(h("span", null, h("span", { cls: "dot", style: "background:" + SEV_COLOR[s] + ";border-color:" + SEV_COLOR[s] }), s));
  });

  var large = G.nodes.length > LARGE;
  var elements = [];
  var grid = groupBlocks();
  G.groups.forEach(function (gr) {
    var b = grid.blocks[gr.id];
    elements.push({ group: "nodes", data: { id: gr.id, label: gr.label, lw: Math.max(110, b.w + 40) }, classes: "env" });
  });
  if (G.external) elements.push({ group: "nodes", data: { id: G.external, label: "internet" }, classes: "external" });
  G.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: { id: n.id, label: n.id, parent: n.group, color: SEV_COLOR[n.worst || ""] },
      classes: "svc" + (n.public ? " public" : "") + (n.exposure === "node" ? " nodeport" : "") });
  });
  G.edges.forEach(function (e, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, color: ENC_COLOR[e.enc] || ENC_COLOR.unknown, idx: i },
      classes: "seg-" + e.seg.replace("/", "") + (e.source === G.external ? " from-outside" : "") });
  });

  function groupBlocks() {
    /* One block per environment, biggest first, packed in rows; each block holds its services
       in a square. Returns the block of every group and a grid position for every service. */
    var members = {};
    G.groups.forEach(function (gr) { members[gr.id] = []; });
    G.nodes.forEach(function (n) { members[n.group].push(n.id); });
    var order = G.groups.slice().sort(function (a, b) { return members[b.id].length - members[a.id].length; });
    var step = large ? 70 : 110, gap = large ? 120 : 150, x0 = 0, y0 = 0, rowH = 0;
    var area = 0;
    order.forEach(function (gr) { var c = Math.ceil(Math.sqrt(members[gr.id].length)); area += (c * step + gap) * (c * step + gap); });
    var rowW = Math.max(large ? 1800 : 900, Math.sqrt(area) * 1.5);
    var pos = {}, blocks = {};
    order.forEach(function (gr) {
      var ids = members[gr.id];
      var cols = Math.max(1, Math.ceil(Math.sqrt(ids.length)));
      var w = cols * step, hgt = Math.ceil(ids.length / cols) * step;
      if (x0 > 0 && x0 + w > rowW) { x0 = 0; y0 += rowH + gap; rowH = 0; }
      blocks[gr.id] = { ids: ids, x1: x0, y1: y0, w: Math.max(w, step), h: Math.max(hgt, step) };
      ids.forEach(function (id, i) { pos[id] = { x: x0 + (i % cols) * step, y: y0 + Math.floor(i / cols) * step }; });
      x0 += w + gap; rowH = Math.max(rowH, hgt);
    });
    if (G.external) pos[G.external] = { x: -gap * 1.5, y: Math.min(y0 + rowH, 600) / 2 };
    return { pos: pos, blocks: blocks };
  }

  function refineGroups(blocks) {
    /* Small fleets: arrange each environment's services by their calls (cose), inside its block. */
    Object.keys(blocks).forEach(function (gid) {
      var b = blocks[gid];
      if (b.ids.length < 3) return;
      var nodes = cy.collection();
      b.ids.forEach(function (id) { nodes = nodes.union(cy.getElementById(id)); });
      var inner = nodes.edgesWith(nodes);
      if (inner.length < b.ids.length - 1) return; /* loosely connected: the square grid reads better */
      var eles = nodes.union(cy.getElementById(gid)).union(inner);
      eles.layout({ name: "cose", animate: false, randomize: false, fit: false, padding: 0,
        boundingBox: { x1: b.x1, y1: b.y1, w: b.w * 1.15, h: b.h * 1.15 },
        nodeRepulsion: function () { return 12000; }, idealEdgeLength: function () { return 80; },
        gravity: 1.2, numIter: 600, nodeDimensionsIncludeLabels: true }).run();
      /* cose may spread past the block: bring the group back into it, keeping its shape. */
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      nodes.forEach(function (n) { var p = n.position(); minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y); });
      var sc = Math.min(1, b.w / Math.max(1, maxX - minX), b.h / Math.max(1, maxY - minY));
      nodes.positions(function (n) { var p = n.position(); return { x: b.x1 + (p.x - minX) * sc, y: b.y1 + (p.y - minY) * sc }; });
    });
  }

  var cy = null;
  function drawGraph() {
    cy = cytoscape({
      container: $("graph"),
      elements: elements,
      wheelSensitivity: 0.3,
      minZoom: 0.02,
      maxZoom: 4,
      hideEdgesOnViewport: large,
      textureOnViewport: large,
      pixelRatio: large ? 1 : "auto",
      style: [
        { selector: "node.svc", style: { "shape": "round-rectangle", "width": 30, "height": 30, "background-color": "data(color)",
          "border-width": 2, "border-color": "#ffffff", "label": "data(label)", "font-size": 11, "color": "#1d232b",
          "text-valign": "bottom", "text-margin-y": 4, "text-outline-color": "#fbfcfd", "text-outline-width": 2,
          "min-zoomed-font-size": 7 } },
        { selector: "node.public", style: { "border-color": "#1f4fbf", "border-width": 4, "shape": "ellipse", "width": 36, "height": 36 } },
        { selector: "node.nodeport", style: { "border-color": "#1f4fbf", "border-width": 3, "border-style": "dashed" } },
        { selector: "node.env", style: { "shape": "round-rectangle", "background-color": "#eef2f7", "background-opacity": 0.75,
          "border-width": 1, "border-color": "#b9c4d0", "label": "data(label)", "font-size": 12, "font-weight": 600, "color": "#3b4653",
          "text-valign": "top", "text-halign": "center", "text-margin-y": -4, "padding": 18, "text-wrap": "ellipsis", "text-max-width": "data(lw)",
          "min-zoomed-font-size": 5 } },
        { selector: "node.external", style: { "shape": "diamond", "width": 34, "height": 34, "background-color": "#1f4fbf",
          "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "color": "#1f4fbf", "font-weight": 700 } },
        { selector: "edge", style: { "width": 1.8, "line-color": "data(color)", "target-arrow-color": "data(color)",
          "target-arrow-shape": "triangle", "arrow-scale": 0.9, "curve-style": large ? "haystack" : "bezier", "opacity": 0.85 } },
        { selector: "edge.seg-allowed", style: { "width": 2.6 } },
        { selector: "edge.seg-blocked", style: { "line-style": "dashed", "line-dash-pattern": [7, 4], "target-arrow-shape": "tee" } },
        { selector: "edge.seg-na", style: { "opacity": 0.7 } },
        { selector: "edge.from-outside", style: { "line-color": "#1f4fbf", "target-arrow-color": "#1f4fbf", "width": 2.2 } },
        { selector: ".faded", style: { "opacity": 0.15 } },
        { selector: "node.svc:selected", style: { "overlay-color": "#2f5bd3", "overlay-opacity": 0.18, "overlay-padding": 8, "border-color": "#2f5bd3", "border-width": 4 } },
        { selector: "edge.hl", style: { "width": 3.2, "opacity": 1, "z-index": 9 } }
      ],
      layout: { name: "preset", positions: grid.pos, fit: false }
    });
    if (!large) refineGroups(grid.blocks);
    cy.fit(undefined, 24);
    cy.on("tap", "node.svc", function (ev) { select(ev.target.id(), false); });
    cy.on("tap", function (ev) { if (ev.target === cy) clearSelection(); });
    cy.on("tap", "edge", function (ev) { showEdge(G.edges[ev.target.data("idx")]); });
    window.meshwardGraph = cy;
    document.body.setAttribute("data-graph-ready", "true");
  }

  function clearSelection() {
    if (!cy) return;
    cy.elements().removeClass("faded hl");
    cy.$(":selected").unselect();
  }

  function select(id, center) {
    var n = nodeById[id];
    if (!n) return;
    if (cy) {
      var ele = cy.getElementById(id);
      cy.elements().removeClass("hl");
      cy.$(":selected").unselect();
      ele.select();
      var hood = ele.closedNeighborhood();
      if (!large) { cy.elements().addClass("faded"); hood.removeClass("faded"); hood.parents().removeClass("faded"); }
      ele.connectedEdges().addClass("hl");
      if (center) cy.animate({ center: { eles: ele }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
    }
    showCard(n);
  }

  function linkList(ids) {
    if (!ids.length) return h("span", { cls: "sub", text: "none" });
    return h("span", { cls: "links" }, ids.map(function (id) {
      if (!nodeById[id]) return h("span", { text: id === G.external ? "internet" : id });
      return h("a", { href: "#", text: id, onclick: function (ev) { ev.preventDefault(); select(id, true); } });
    }));
  }

  function row(label, value) { return [h("dt", { text: label }), h("dd", null, value)]; }
  function textList(items) {
    if (!items.length) return h("span", { cls: "sub", text: "none" });
    return h("ul", null, items.map(function (t) { return h("li", { text: t }); }));
  }

  function showCard(n) {
    var card = $("card");
    card.textContent = "";
    card.setAttribute("data-service", n.id);
    var mine = n.findings.map(function (i) { return findings[i]; }).filter(function (f) { return !f.suppressed; });
    var flist = h("ul", { cls: "flist" }, mine.slice(0, 12).map(function (f) {
      return h("li", null, h("span", { cls: "badge " + f.severity, text: f.severity }), " ", h("b", { text: f.rule_id }), " ", f.title);
    }));
    if (mine.length > 12) flist.appendChild(h("li", { cls: "sub", text: "… " + (mine.length - 12) + " more" }));
    var secrets = n.secrets.map(function (s) { return s.kind + ": " + s.detail + " (" + s.file + (s.line ? ":" + s.line : "") + ")"; });
    var depList = h("ul", { cls: "deps" }, n.deployments.map(function (d) {
      return h("li", null, h("b", { text: d.kind + " " + d.name }), " in " + d.where,
        h("span", { cls: "loc", text: d.file + (d.line ? ":" + d.line : "") }),
        d.why.length ? h("span", { cls: "why", text: d.why.join("; ") }) : null);
    }));
    card.appendChild(h("h3", { id: "card-title", text: n.id }));
    card.appendChild(h("div", null, h("span", { cls: "badge " + n.exposure, text: n.exposure }),
      n.worst ? h("span", null, " ", h("span", { cls: "badge " + n.worst, text: "worst: " + n.worst })) : null));
    card.appendChild(h("dl", null,
      row("runs in", n.deployments.length ? depList : h("span", { cls: "sub", text: "not deployed" })),
      row("images", textList(n.images)),
      row("ports", h("span", { text: n.ports.length ? n.ports.join(", ") : "none declared" })),
      row("identity", textList(n.identities)),
      row("owner", textList(n.owners)),
      row("secrets", textList(secrets)),
      row("callers", linkList(n.callers)),
      row("callees", linkList(n.callees)),
      row("findings", mine.length ? h("div", null, flist, h("a", { href: "#findings-section", text: "show " + plural(mine.length, "finding") + " in the table",
        onclick: function () { M.setFilter({ service: n.id }); } })) : h("span", { cls: "sub", text: "none" }))
    ));
  }

  function showEdge(e) {
    var card = $("card");
    card.textContent = "";
    card.removeAttribute("data-service");
    card.appendChild(h("h3", { text: (e.source === G.external ? "internet" : e.source) + " → " + e.target }));
    card.appendChild(h("dl", null,
      row("encryption", h("span", null, h("b", { text: ENC_TEXT[e.enc] }), ": " + e.enc_why)),
      row("policy", h("span", null, h("b", { text: SEG_TEXT[e.seg] }), ": " + e.seg_why)),
      row("ports", h("span", { text: e.ports.length ? e.ports.join(", ") : "not shown" })),
      row("confidence", h("span", { text: e.confidence })),
      row("evidence", textList(e.evidence.map(function (v) { return v.file + (v.line ? ":" + v.line : "") + "  " + v.detail; })))
    ));
  }

  var svcList = $("services");
  $("services-summary").textContent = "All " + plural(G.nodes.length, "service") + " as a list";
  G.nodes.forEach(function (n) {
    svcList.appendChild(h("li", { "data-service": n.id, tabindex: "0", role: "button", text: n.id + (n.public ? " (public)" : ""),
      onclick: function () { select(n.id, true); },
      onkeydown: function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(n.id, true); } } }));
  });


  /* Draw the graph last: the tables are usable at once even on a very large fleet. */
  if (typeof cytoscape === "function") {
    try { drawGraph(); } catch (err) {
      $("graph").textContent = "The graph could not be drawn: " + err;
      document.body.setAttribute("data-graph-ready", "error");
    }
  } else {
    $("graph").textContent = "The graph library is missing from this file.";
  }
  document.body.setAttribute("data-ready", "true");
})(MW);
