/* newstrace workbench: progressive enhancement for the server-rendered pages.
 *
 * Plain JavaScript, no build step and no CDN: the server's Content-Security-Policy allows
 * scripts from this origin only (script-src 'self'), and a graph library from a CDN (or an
 * inline bootstrap) would need that policy loosened. Page content is hostile, so text is
 * only ever written with textContent / createTextNode, never innerHTML; data comes from
 * data-* attributes and the JSON endpoint /stories/{id}/graph.json.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); }); }
    return e;
  }

  function truncate(s, n) {
    s = String(s || "");
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  // -- forms: confirm deletes, show progress on slow submits ------------------------------------
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
    });
  });
  // GET forms (search, filters) leave out empty fields: an empty date field would otherwise
  // be sent as since=&until=, which the server refuses as an invalid date
  document.querySelectorAll("form[method=get], form:not([method])").forEach(function (form) {
    form.addEventListener("formdata", function (ev) {
      var empty = [];
      ev.formData.forEach(function (v, k) { if (v === "") { empty.push(k); } });
      empty.forEach(function (k) { if (ev.formData.getAll(k).every(function (v) { return v === ""; })) { ev.formData.delete(k); } });
    });
  });
  document.querySelectorAll("form.busy-on-submit").forEach(function (form) {
    form.addEventListener("submit", function () {
      var b = form.querySelector("button[type=submit]");
      if (b) {
        window.setTimeout(function () { b.disabled = true; b.textContent = "Working…"; }, 0);
      }
      form.setAttribute("aria-busy", "true");
    });
  });

  // -- the reader: a highlighted claim and its entry in the claim list point at each other ----
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.claim[data-claims]"));
  function claimIds(node) { return (node.getAttribute("data-claims") || "").split(" ").filter(Boolean); }
  function selectClaim(id, scrollText) {
    marks.forEach(function (m) { m.classList.toggle("active", claimIds(m).indexOf(id) >= 0); });
    document.querySelectorAll(".claim-item.active").forEach(function (li) { li.classList.remove("active"); });
    var item = document.getElementById("claim-" + id);
    if (item) { item.classList.add("active"); }
    if (scrollText) {
      var first = marks.filter(function (m) { return claimIds(m).indexOf(id) >= 0; })[0];
      if (first) { first.scrollIntoView({ block: "center" }); first.focus({ preventScroll: true }); }
    } else if (item) {
      item.scrollIntoView({ block: "nearest" });
    }
  }
  marks.forEach(function (m) {
    function pick() { var ids = claimIds(m); if (ids.length) { selectClaim(ids[0], false); } }
    m.addEventListener("click", pick);
    m.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(); } });
  });
  document.querySelectorAll(".reader .claim-item[data-claim-id]").forEach(function (li) {
    li.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      selectClaim(li.getAttribute("data-claim-id"), true);
    });
  });
  if (marks.length && /^#claim-\d+$/.test(window.location.hash)) {
    selectClaim(window.location.hash.slice(7), true);
  }

  // -- the story page: the provenance graph -----------------------------------------------------
  var box = document.getElementById("graph");
  if (box && box.getAttribute("data-graph-url")) {
    fetch(box.getAttribute("data-graph-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (data) { drawGraph(box, data); })
      .catch(function (err) {
        box.textContent = "";
        box.appendChild(el("p", { "class": "error", role: "alert" }, "Could not load the graph: " + err.message));
      });
  }

  /* A layered layout, written by hand: columns left to right are outlets, articles (by date),
   * then sources by how far down a citation chain they sit (an article's immediate source,
   * the source that one cites, ...). Within a column nodes are ordered by the mean position
   * of their neighbours in the previous column (one barycentre sweep), which untangles most
   * crossings; no physics, so the picture is the same on every load and costs nothing. */
  function layout(data) {
    var byId = {}, col = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    data.nodes.forEach(function (n) { col[n.id] = n.kind === "outlet" ? 0 : n.kind === "article" ? 1 : 2; });
    // sources: depth along "cites" edges (bounded: a cycle cannot push a node out forever)
    for (var pass = 0; pass < 6; pass++) {
      var changed = false;
      data.edges.forEach(function (e) {
        if (e.kind === "cites" && byId[e.source] && byId[e.target] && col[e.target] < Math.min(col[e.source] + 1, 7)) {
          col[e.target] = col[e.source] + 1; changed = true;
        }
      });
      if (!changed) { break; }
    }
    var cols = [];
    data.nodes.forEach(function (n) { (cols[col[n.id]] = cols[col[n.id]] || []).push(n); });
    cols = cols.filter(Boolean);
    var preds = {};
    data.edges.forEach(function (e) { (preds[e.target] = preds[e.target] || []).push(e.source); });
    var succs = {};
    data.edges.forEach(function (e) { (succs[e.source] = succs[e.source] || []).push(e.target); });
    var rank = {};
    // articles by date, then outlets by their articles, then sources by who reports them
    var articleCol = cols.filter(function (c) { return c[0].kind === "article"; })[0] || [];
    articleCol.sort(function (a, b) { return String(a.date || "~").localeCompare(String(b.date || "~")) || a.id.localeCompare(b.id); });
    articleCol.forEach(function (n, i) { rank[n.id] = i; });
    function mean(ids) {
      var xs = (ids || []).filter(function (i) { return rank[i] !== undefined; }).map(function (i) { return rank[i]; });
      return xs.length ? xs.reduce(function (a, b) { return a + b; }, 0) / xs.length : 1e9;
    }
    cols.forEach(function (c) {
      if (c[0].kind === "outlet") {
        c.sort(function (a, b) { return mean(succs[a.id]) - mean(succs[b.id]); });
        c.forEach(function (n, i) { rank[n.id] = i * (articleCol.length / Math.max(1, c.length)); });
      }
    });
    cols.forEach(function (c) {
      if (c[0].kind === "source") {
        c.sort(function (a, b) { return mean(preds[a.id]) - mean(preds[b.id]) || a.id.localeCompare(b.id); });
        c.forEach(function (n, i) { rank[n.id] = i * (articleCol.length / Math.max(1, c.length)); });
      }
    });
    var rowH = 22, colW = 250, padX = 14, padY = 18;
    var tallest = Math.max.apply(null, cols.map(function (c) { return c.length; }));
    var pos = {};
    cols.forEach(function (c, ci) {
      var offset = (tallest - c.length) * rowH / 2;
      c.forEach(function (n, i) { pos[n.id] = { x: padX + ci * colW, y: padY + offset + i * rowH }; });
    });
    return { pos: pos, width: padX * 2 + (cols.length - 1) * colW + 190, height: padY * 2 + tallest * rowH };
  }

  function drawGraph(box, data) {
    box.textContent = "";
    if (!data.nodes.length) { box.appendChild(el("p", { "class": "muted" }, "This story has no graph.")); return; }
    var L = layout(data);
    var root = svg("svg", { id: "graph-svg", "data-testid": "graph-svg", width: L.width, height: L.height,
                            viewBox: "0 0 " + L.width + " " + L.height, role: "group",
                            "aria-label": "Provenance graph: " + data.nodes.length + " nodes" });
    var edgesG = svg("g", { "class": "edges" }), nodesG = svg("g", { "class": "nodes" });
    root.appendChild(edgesG); root.appendChild(nodesG);
    var edgeEls = [];
    data.edges.forEach(function (e) {
      var a = L.pos[e.source], b = L.pos[e.target];
      if (!a || !b) { return; }
      var mx = (a.x + b.x) / 2;
      var d = a.x === b.x
        ? "M" + a.x + "," + a.y + " C" + (a.x + 60) + "," + a.y + " " + (b.x + 60) + "," + b.y + " " + b.x + "," + b.y
        : "M" + a.x + "," + a.y + " C" + mx + "," + a.y + " " + mx + "," + b.y + " " + b.x + "," + b.y;
      var p = svg("path", { d: d, "class": "edge " + e.kind, "data-source": e.source, "data-target": e.target });
      edgesG.appendChild(p);
      edgeEls.push({ el: p, e: e });
    });
    var nodeEls = {};
    data.nodes.forEach(function (n) {
      var p = L.pos[n.id];
      var claims = (data.node_claims[n.id] || []).length;
      var g = svg("g", { "class": "node " + n.kind, "data-node-id": n.id, "data-kind": n.kind, tabindex: 0,
                         role: "button", transform: "translate(" + p.x + "," + p.y + ")",
                         "aria-label": n.kind + ": " + (n.label || n.id) + " (" + claims + " claims)" });
      var t = svg("title"); t.textContent = n.kind + ": " + (n.label || n.id) + (n.date ? " (" + n.date + ")" : "");
      g.appendChild(t);
      g.appendChild(svg("circle", { r: n.kind === "article" ? 6 : 5 }));
      var label = svg("text", { x: 9, y: 4 }); label.textContent = truncate(n.label || n.id, 34);
      g.appendChild(label);
      g.addEventListener("click", function () { select(n.id); });
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(n.id); } });
      nodesG.appendChild(g);
      nodeEls[n.id] = g;
    });
    box.appendChild(root);

    var panel = document.getElementById("node-panel");
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });

    function select(id) {
      var near = {}; near[id] = true;
      edgeEls.forEach(function (x) {
        var lit = x.e.source === id || x.e.target === id;
        x.el.classList.toggle("lit", lit);
        if (lit) { near[x.e.source] = true; near[x.e.target] = true; }
      });
      Object.keys(nodeEls).forEach(function (k) {
        nodeEls[k].classList.toggle("selected", k === id);
        nodeEls[k].classList.toggle("dim", !near[k]);
        nodeEls[k].setAttribute("aria-pressed", k === id ? "true" : "false");
      });
      showClaims(byId[id]);
    }

    function showClaims(n) {
      if (!panel) { return; }
      panel.textContent = "";
      var ids = data.node_claims[n.id] || [];
      panel.appendChild(el("h3", { id: "node-panel-title" }, n.label || n.id));
      panel.appendChild(el("p", { "class": "muted" }, n.kind + (n.date ? " · " + n.date : "") + " · " + ids.length + " claim" + (ids.length === 1 ? "" : "s")));
      if (n.kind === "article") {
        var aid = n.id.split(":")[1];
        var p = el("p"); p.appendChild(el("a", { href: "/articles/" + encodeURIComponent(aid) }, "Read the article"));
        panel.appendChild(p);
      } else if (n.kind === "source") {
        var q = el("p"); q.appendChild(el("a", { href: "/sources/" + encodeURIComponent(n.label || "") }, "Everything this source said"));
        panel.appendChild(q);
      }
      var ol = el("ol", { id: "node-claims", "data-testid": "node-claims" });
      ids.forEach(function (cid) {
        var c = data.claims[String(cid)];
        if (!c) { return; }
        var li = el("li", { "data-claim-id": String(cid) });
        if (c.denies || c.stance === "denied") { li.appendChild(el("span", { "class": "badge denied" }, "denial")); li.appendChild(document.createTextNode(" ")); }
        li.appendChild(el("strong", null, c.source || "unattributed"));
        li.appendChild(document.createTextNode(" " + (c.cue || "") + ": " + (c.content || "") + " "));
        var meta = el("span", { "class": "muted" });
        meta.appendChild(document.createTextNode("(" + (c.outlet || "?") + ", " + (c.date || "undated")));
        if (c.chain && c.chain.length > 1) { meta.appendChild(document.createTextNode(", via " + c.chain.join(" ← "))); }
        meta.appendChild(document.createTextNode(") "));
        li.appendChild(meta);
        li.appendChild(el("a", { href: "/articles/" + encodeURIComponent(c.article_id) + "#claim-" + cid }, "in context"));
        if (c.group_id) {
          li.appendChild(document.createTextNode(" · "));
          li.appendChild(el("a", { href: "#group-" + c.group_id }, "group " + c.group_id));
        }
        ol.appendChild(li);
      });
      if (!ids.length) { ol.appendChild(el("li", { "class": "muted" }, "No claims.")); }
      panel.appendChild(ol);
    }
  }
})();
