/* meshward HTML report, part 2 of 3: summary tiles, history, scorecard, findings, inputs. */
(function (M) {
  "use strict";
  var D = M.D, SEVS = M.SEVS, SEV_COLOR = M.SEV_COLOR, PAGE = M.PAGE, h = M.h, $ = M.$;
  var where = M.where, resourceText = M.resourceText, plural = M.plural;
  var findings = M.findings, active = M.active, suppressed = M.suppressed;

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

  M.setFilter = setFilter;
})(MW);
