/* meshward HTML report, part 1 of 3: the data and the helpers the other parts share.
   Everything taken from the data goes into the page as text (never as markup). */
var MW = (function () {
  "use strict";
  var D = JSON.parse(document.getElementById("meshward-data").textContent);
  var SEVS = ["critical", "high", "medium", "low", "info"];
  var SEV_COLOR = { critical: "#8e24aa", high: "#d32f2f", medium: "#ef8a00", low: "#2b8fb3", info: "#8a96a3", "": "#a0aab4" };
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

  return { D: D, SEVS: SEVS, SEV_COLOR: SEV_COLOR, PAGE: PAGE, h: h, $: $, where: where,
    resourceText: resourceText, plural: plural, findings: findings, active: active,
    suppressed: suppressed, setFilter: function () {} };
})();
