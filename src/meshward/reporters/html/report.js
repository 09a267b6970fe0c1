/* meshward HTML report: draws the graph, the scorecard and the findings from the embedded data.
   Everything taken from the data goes into the page as text (never as markup). */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("meshward-data").textContent);
  var SEVS = ["critical", "high", "medium", "low", "info"];
  var SEV_COLOR = { critical: "#8e24aa", high: "#d32f2f", medium: "#ef8a00", low: "#2b8fb3", info: "#8a96a3", "": "#a0aab4" };
  var ENC_COLOR = { mtls: "#2e9b57", tls: "#2b8fb3", plaintext: "#d32f2f", unknown: "#9aa4ae" };
  var ENC_TEXT = { mtls: "mTLS", tls: "TLS", plaintext: "plaintext", unknown: "not shown" };
  var SEG_TEXT = { blocked: "blocked by NetworkPolicy", allowed: "allowed by NetworkPolicy", open: "no NetworkPolicy", "n/a": "policies n/a" };
  var LARGE = 250;
  var PAGE = 200;

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] === undefined || attrs[k] === null) continue;
        if (k === "text") el.textContent = attrs[k];
        else if (k === "cls") el.className = attrs[k];
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), attrs[k]);
        else el.setAttribute(k, attrs[k]);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) el.appendChild(typeof x === "string" ? document.createTextNode(x) : x); });
      else el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }
  function $(id) { return document.getElementById(id); }
  function where(f) { return f.location.path + (f.location.line ? ":" + f.location.line : ""); }
  function resourceText(r) { return r ? r.kind + "/" + (r.namespace ? r.namespace + "/" : "") + r.name : ""; }
  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }

  var findings = D.findings;
  var active = findings.filter(function (f) { return !f.suppressed; });
  var suppressed = findings.filter(function (f) { return f.suppressed; });

  /* ---- header and tiles ---------------------------------------------------------- */
  var m = D.meta;
  $("run-meta").textContent = m.root + "  ·  " + m.generated_at + "  ·  " + plural(m.files_read, "file") +
    ", " + plural(m.services, "service") + (m.embedded.length ? "  ·  with " + m.embedded.join(", ") : "");
  $("foot").textContent = "meshward " + m.version + " · one self-contained file: nothing is fetched when you open it · graph drawn with Cytoscape.js (MIT)";

  function tile(value, key, cls, extra) {
    return h("div", { cls: "tile " + (cls || "") }, h("div", { cls: "v", text: String(value) }), h("div", { cls: "k", text: key }), extra || null);
  }
  var bySev = {};
  SEVS.forEach(function (s) { bySev[s] = 0; });
  active.forEach(function (f) { bySev[f.severity]++; });
  var bar = h("div", { cls: "bar" });
  SEVS.forEach(function (s) {
    if (bySev[s]) bar.appendChild(h("span", { style: "width:" + (100 * bySev[s] / Math.max(1, active.length)) + "%;background:" + SEV_COLOR[s], title: bySev[s] + " " + s }));
  });
  var tiles = $("tiles");
  tiles.appendChild(tile(active.length, "findings", "", bar));
  ["critical", "high", "medium", "low"].forEach(function (s) { tiles.appendChild(tile(bySev[s], s, "sev-" + s)); });
  var g = D.guide;
  var practicesTotal = D.practices.length;
  tiles.appendChild(tile(g.met + " / " + practicesTotal, "practices met", ""));
  tiles.appendChild(tile(g.gaps, "practices with gaps", ""));
  if (D.history) tiles.appendChild(tile("+" + D.history.new.length + " / −" + D.history.fixed.length, "new / fixed since last run", ""));

  /* ---- history -------------------------------------------------------------------- */
  var newSet = {};
  if (D.history) {
    D.history.new.forEach(function (fp) { newSet[fp] = true; });
    $("history-section").hidden = false;
    $("f-new-wrap").hidden = false;
    var H = D.history;
    var intro = h("p", { cls: "sub", text: "Compared with run " + H.previous_run + " recorded " + H.previous_at +
      " (" + plural(H.runs, "run") + " in " + H.file + ")." });
    function col(cls, title, items, render) {
      var ul = h("ul");
      items.slice(0, 200).forEach(function (x) { ul.appendChild(render(x)); });
      if (items.length > 200) ul.appendChild(h("li", { text: "… and " + (items.length - 200) + " more" }));
      return h("div", { cls: "col " + cls }, h("h3", { text: title + " (" + items.length + ")" }), items.length ? ul : h("p", { cls: "sub", text: "none" }));
    }
    var byFp = {};
    active.forEach(function (f) { byFp[f.fingerprint] = f; });
    var newItems = H.new.map(function (fp) { return byFp[fp]; }).filter(Boolean);
    $("history").appendChild(intro);
    $("history").appendChild(h("div", { cls: "hist" },
      col("new", "New", newItems, function (f) {
        return h("li", null, h("span", { cls: "badge " + f.severity, text: f.severity }), " ", h("b", { text: f.rule_id }), " ", f.message);
      }),
      col("fixed", "Fixed", H.fixed, function (t) {
        return h("li", null, h("span", { cls: "badge " + t.severity, text: t.severity }), " ", h("b", { text: t.rule_id }), " ", t.message);
      }),
      col("open", "Still open", H.still_open_sample, function (t) {
        return h("li", null, h("b", { text: t.rule_id }), " ", t.message);
      })));
    if (H.still_open > H.still_open_sample.length) {
      $("history").lastChild.lastChild.querySelector("h3").textContent = "Still open (" + H.still_open + ")";
    }
  }

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
  legend.appendChild(h("span", null, h("span", { cls: "dot", style: "border-color:#1f4fbf;border-width:3px;background:#fff" }), "public entry"));
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
        { selector: "node.nodeport", style: { "border-color": "#7a4cc2", "border-width": 3 } },
        { selector: "node.env", style: { "shape": "round-rectangle", "background-color": "#eef2f7", "background-opacity": 0.75,
          "border-width": 1, "border-color": "#b9c4d0", "label": "data(label)", "font-size": 12, "font-weight": 600, "color": "#3b4653",
          "text-valign": "top", "text-halign": "center", "text-margin-y": -4, "padding": 18, "text-wrap": "ellipsis", "text-max-width": "data(lw)",
          "min-zoomed-font-size": 5 } },
        { selector: "node.external", style: { "shape": "diamond", "width": 34, "height": 34, "background-color": "#1f4fbf",
          "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "color": "#1f4fbf", "font-weight": 700 } },
        { selector: "edge", style: { "width": 1.8, "line-color": "data(color)", "target-arrow-color": "data(color)",
          "target-arrow-shape": "triangle", "arrow-scale": 0.9, "curve-style": large ? "haystack" : "bezier", "opacity": 0.85 } },
        { selector: "edge.seg-allowed", style: { "width": 2.6 } },
        { selector: "edge.seg-blocked", style: { "line-style": "dashed", "target-arrow-shape": "tee", "line-color": "#555", "target-arrow-color": "#555" } },
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
    var depList = h("ul", { cls: "deps" }, n.deployments.slice(0, 5).map(function (d) {
      return h("li", null, h("b", { text: d.kind + " " + d.name }), " in " + d.where,
        h("span", { cls: "loc", text: d.file + (d.line ? ":" + d.line : "") }),
        d.why.length ? h("span", { cls: "why", text: d.why.join("; ") }) : null);
    }));
    if (n.deployments.length > 5) depList.appendChild(h("li", { cls: "sub", text: "… " + (n.deployments.length - 5) + " more places" }));
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
        onclick: function () { setFilter({ service: n.id }); } })) : h("span", { cls: "sub", text: "none" }))
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

  /* ---- scorecard ------------------------------------------------------------------ */
  $("guide-line").textContent = "Guide: " + g.met + " met, " + g.gaps + " with gaps, " + g.waived + " waived, " +
    g["not checked"] + " not checked, of " + plural(practicesTotal, "practice") +
    ". A practice is served four ways: audit (files), verify (probes), fix (generated configuration), watch (runtime).";
  function spark(values) {
    if (!values || values.length < 2) return h("span", { cls: "sub", text: values && values.length ? String(values[0]) : "" });
    var w = 90, ht = 22, max = Math.max.apply(null, values.concat([1]));
    var pts = values.map(function (v, i) { return (i * w / (values.length - 1)).toFixed(1) + "," + (ht - 2 - v * (ht - 4) / max).toFixed(1); });
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", w); svg.setAttribute("height", ht); svg.setAttribute("class", "spark");
    var pl = document.createElementNS(ns, "polyline");
    var last = values[values.length - 1], prev = values[values.length - 2];
    pl.setAttribute("points", pts.join(" ")); pl.setAttribute("fill", "none");
    pl.setAttribute("stroke", last > prev ? "#d32f2f" : last < prev ? "#2e9b57" : "#7b8794"); pl.setAttribute("stroke-width", "1.8");
    svg.appendChild(pl);
    var t = document.createElementNS(ns, "title"); t.textContent = values.join(" → "); svg.appendChild(t);
    return h("span", null, svg, " " + last);
  }
  if (!D.history) $("scorecard").classList.add("no-trend");
  var tbody = document.querySelector("#scorecard tbody");
  var family = "";
  D.practices.forEach(function (p) {
    if (p.family !== family) {
      family = p.family;
      tbody.appendChild(h("tr", { cls: "family" }, h("td", { colspan: "10", text: p.family + " · " + p.family_title })));
    }
    var cells = [h("td", null, h("div", { cls: "pcode", text: p.code }), h("div", { cls: "ptitle", text: p.title })),
      h("td", null, h("span", { cls: "status " + p.status.replace(" ", "-"), text: p.status }))];
    SEVS.forEach(function (s) {
      var v = p.counts[s];
      cells.push(h("td", { cls: "n" + (v ? " hot" : " zero"), style: v ? "color:" + SEV_COLOR[s] : null, text: String(v) }));
    });
    cells.push(h("td", { cls: "n" + (p.suppressed ? "" : " zero"), text: String(p.suppressed) }));
    cells.push(h("td", null, ["audit", "verify", "fix", "watch"].map(function (w) {
      var list = p.ways[w];
      var title = list.length ? w + ": " + list.join(", ") + (p.ran[w] ? " (ran in this report)" : "") : w + ": not served yet";
      return h("span", { cls: "way" + (list.length ? " on" : "") + (p.ran[w] ? " ran" : ""), title: title, text: w });
    })));
    cells.push(h("td", { cls: "trend" }, spark(p.trend)));
    tbody.appendChild(h("tr", { cls: "row", "data-practice": p.code, title: "show this practice's findings",
      onclick: function () { setFilter({ practice: p.code }); $("findings-section").scrollIntoView(); } }, cells));
  });

  /* ---- findings table ------------------------------------------------------------- */
  function fill(id, values) {
    var sel = $(id);
    values.forEach(function (v) { sel.appendChild(h("option", { value: v, text: v })); });
  }
  function uniq(list) { var s = {}; list.forEach(function (x) { if (x) s[x] = true; }); return Object.keys(s).sort(); }
  fill("f-practice", D.practices.map(function (p) { return p.code; }));
  fill("f-severity", SEVS);
  fill("f-service", uniq(active.map(function (f) { return f.service; })));
  fill("f-rule", uniq(active.map(function (f) { return f.rule_id; })));
  fill("f-source", uniq(findings.map(function (f) { return f.source; })));
  var shown = PAGE;
  var ids = ["practice", "severity", "service", "rule", "source"];

  function current() {
    var c = { text: $("f-text").value.toLowerCase(), onlyNew: $("f-new").checked };
    ids.forEach(function (k) { c[k] = $("f-" + k).value; });
    return c;
  }
  function matches(f, c) {
    if (c.practice && f.practices.indexOf(c.practice) < 0) return false;
    if (c.severity && f.severity !== c.severity) return false;
    if (c.service && f.service !== c.service) return false;
    if (c.rule && f.rule_id !== c.rule) return false;
    if (c.source && f.source !== c.source) return false;
    if (c.onlyNew && !newSet[f.fingerprint]) return false;
    if (c.text) {
      var hay = (f.message + " " + where(f) + " " + resourceText(f.resource) + " " + f.rule_id + " " + (f.service || "") + " " + f.evidence).toLowerCase();
      if (hay.indexOf(c.text) < 0) return false;
    }
    return true;
  }
  function detailRow(f, cols, extraLabel, extraText) {
    var parts = [];
    function part(label, content, pre) { parts.push(h("div", { cls: "lbl", text: label })); parts.push(pre ? h("pre", { text: content }) : h("p", { text: content })); }
    part("message", f.message, false);
    if (f.evidence) part("evidence", f.evidence, true);
    if (f.remediation) part("fix", f.remediation, false);
    part("where", where(f) + (f.resource ? "  ·  " + resourceText(f.resource) : ""), true);
    part("practices", f.practices.join(", ") + "  ·  " + f.mode + "  ·  confidence " + f.confidence + "  ·  from " + f.source, false);
    if (extraLabel) part(extraLabel, extraText, false);
    part("fingerprint", f.fingerprint, true);
    return h("tr", { cls: "detail" }, h("td", { colspan: String(cols) }, parts));
  }
  function findingRow(f, last) {
    var tr = h("tr", { cls: "f", "data-rule": f.rule_id, "data-service": f.service || "" },
      h("td", null, h("span", { cls: "badge " + f.severity, text: f.severity }), newSet[f.fingerprint] ? h("span", null, " ", h("span", { cls: "badge new", text: "new" })) : null),
      h("td", { title: f.title }, h("b", { text: f.rule_id })),
      h("td", { text: f.service || "" }),
      h("td", { cls: "where", text: where(f) }),
      h("td", { cls: "msg" }, h("span", { text: f.message }), f.resource ? h("span", { cls: "obj", text: resourceText(f.resource) }) : null)
    );
    tr.addEventListener("click", function () {
      var next = tr.nextSibling;
      if (next && next.className === "detail") { next.parentNode.removeChild(next); tr.classList.remove("open"); return; }
      tr.classList.add("open");
      tr.parentNode.insertBefore(last ? detailRow(f, 5, "suppressed by", f.suppressed_by) : detailRow(f, 5), tr.nextSibling);
    });
    return tr;
  }
  function renderFindings() {
    var c = current();
    var list = active.filter(function (f) { return matches(f, c); });
    var body = document.querySelector("#findings tbody");
    body.textContent = "";
    var frag = document.createDocumentFragment();
    list.slice(0, shown).forEach(function (f) { frag.appendChild(findingRow(f, false)); });
    body.appendChild(frag);
    $("findings-count").textContent = list.length === active.length ? plural(active.length, "finding") + ", most severe first; click a row for evidence and fix."
      : list.length + " of " + plural(active.length, "finding") + " match.";
    var more = $("more");
    more.hidden = list.length <= shown;
    more.textContent = "Show " + Math.min(PAGE, list.length - shown) + " more (" + (list.length - shown) + " not shown)";
  }
  function setFilter(values) {
    ids.forEach(function (k) { $("f-" + k).value = values[k] || ""; });
    $("f-text").value = ""; $("f-new").checked = false;
    shown = PAGE; renderFindings();
  }
  ids.forEach(function (k) { $("f-" + k).addEventListener("change", function () { shown = PAGE; renderFindings(); }); });
  $("f-text").addEventListener("input", function () { shown = PAGE; renderFindings(); });
  $("f-new").addEventListener("change", function () { shown = PAGE; renderFindings(); });
  $("f-reset").addEventListener("click", function () { setFilter({}); });
  $("more").addEventListener("click", function () { shown += PAGE; renderFindings(); });
  renderFindings();

  if (suppressed.length) {
    $("suppressed-section").hidden = false;
    $("suppressed-summary").textContent = plural(suppressed.length, "suppressed finding") + " (kept apart; click to show)";
    var sb = document.querySelector("#suppressed tbody");
    suppressed.forEach(function (f) {
      var tr = findingRow(f, true);
      tr.lastChild.textContent = f.suppressed_by;
      sb.appendChild(tr);
    });
  }

  /* ---- inputs: embedded reports, errors, notices ----------------------------------- */
  var inputs = $("inputs");
  if (D.embedded.length || D.errors.length || D.notices.length) {
    $("inputs-section").hidden = false;
    if (D.embedded.length) {
      inputs.appendChild(h("h3", { text: "Embedded reports" }));
      inputs.appendChild(h("ul", { cls: "inputs-list" }, D.embedded.map(function (e) {
        return h("li", { text: "meshward " + e.command + " of " + e.root + " (" + e.path + "): " + plural(e.findings, "finding") + (e.errors ? ", " + plural(e.errors, "input error") : "") });
      })));
    }
    if (D.errors.length) {
      inputs.appendChild(h("h3", { text: "Input errors (" + D.errors.length + ")" }));
      inputs.appendChild(h("ul", { cls: "inputs-list" }, D.errors.map(function (e) {
        return h("li", { text: e.path + (e.line ? ":" + e.line : "") + ": " + e.message + (e.hint ? " (" + e.hint + ")" : "") });
      })));
    }
    if (D.notices.length) {
      inputs.appendChild(h("h3", { text: "Notices (" + D.notices.length + ")" }));
      inputs.appendChild(h("ul", { cls: "inputs-list" }, D.notices.map(function (n) { return h("li", { text: n }); })));
    }
  }

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
})();
