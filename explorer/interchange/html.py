"""One self-contained HTML file of a neighbourhood: it opens offline, from disk, in any browser.

vis-network (the copy the page's component serves) and its stylesheet are inlined, so the file
makes no request. Everything from the graph is data, never markup: it travels as JSON in a
`<script type="application/json">` block (with `<`, `>`, `&`, U+2028 and U+2029 escaped, so no
text can close the block or break the script), labels are drawn on the canvas, and tooltips and
the side panel are DOM nodes whose `textContent` is set.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path

import networkx as nx

from explorer.domain import relations
from explorer.domain.model import Graph
from explorer.domain.network import to_networkx

VENDOR = (Path(__file__).resolve().parent.parent / "web" / "component" / "assets" / "vendor"
          / "vis-network-9.1.2")
SPREAD = 1000.0  # the drawing's width in vis-network units
SPRING_LIMIT = 150  # concepts up to which the fallback layout is a spring layout
PALETTE = ("#93c5fd", "#fcd34d", "#86efac", "#f9a8d4", "#c4b5fd", "#fdba74", "#5eead4",
           "#d9f99d", "#fca5a5", "#a5b4fc", "#e5e7eb")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                 "\u2029": "\\u2029"}


def script_json(data: object) -> str:
    """JSON that is safe inside a <script> element: nothing in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)


def layout(graph: Graph) -> dict[str, tuple[float, float]]:
    """A deterministic drawing when no atlas positions are given, in the atlas' convention
    (canvas units, y pointing down, so the lowest layer has the largest y): layers bottom-up on
    the vertical axis. A neighbourhood spreads each layer sideways with a seeded spring layout;
    a large graph (where a spring layout takes seconds) puts each layer on a row, in id order."""
    position = {la.id: la.position for la in graph.layers}
    if len(graph.concepts) > SPRING_LIMIT:
        rows: dict[int, list[str]] = {}
        for cid in sorted(graph.concepts):
            rows.setdefault(position.get(graph.concepts[cid].layer, 0), []).append(cid)
        return {cid: ((i - (len(ids) - 1) / 2) / max(len(ids), 1), -float(row))
                for row, ids in rows.items() for i, cid in enumerate(ids)}
    g = to_networkx(graph).to_undirected()
    spring = nx.spring_layout(g, seed=7) if len(g) else {}
    return {cid: (float(spring[cid][0]), -(float(position.get(c.layer, 0))
                                            + 0.35 * float(spring[cid][1])))
            for cid, c in graph.concepts.items()}


def _scaled(pos: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    if not pos:
        return {}
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {k: (round((x - cx) / span * SPREAD, 2), round((y - cy) / span * SPREAD, 2))
            for k, (x, y) in pos.items()}


def graph_data(graph: Graph, *, focus: str | None = None,
               positions: Mapping[str, tuple[float, float]] | None = None,
               scores: Mapping[str, float] | None = None) -> dict:
    """The nodes, edges and texts the page draws (plain data, tested on its own)."""
    pos = {cid: positions[cid] for cid in graph.concepts if positions and cid in positions}
    if len(pos) < len(graph.concepts):
        pos = layout(graph)
    pos = _scaled(pos)
    layer_names = {la.id: la.name for la in graph.layers}
    colours = {la.id: PALETTE[i % len(PALETTE)] for i, la in enumerate(graph.layers)}
    nodes = []
    for cid, c in graph.concepts.items():
        p = scores.get(cid) if scores else None
        score = f"{p:.0%} likely to change a decision you face" if p is not None else ""
        x, y = pos.get(cid, (0.0, 0.0))
        nodes.append({"id": cid, "label": c.name, "x": x, "y": y,
                      "color": colours.get(c.layer, PALETTE[-1]), "focus": cid == focus,
                      "layer": layer_names.get(c.layer, c.layer), "summary": c.summary,
                      "score": score})
    edges = [{"from": dst, "to": src, "kind": relations.get(kind).label, "why": why,
              **{k: v for k, v in relations.get(kind).style.items()}}
             for src, dst, kind, why in graph.edges()
             if src in graph.concepts and dst in graph.concepts]
    return {"nodes": nodes, "edges": edges, "focus": focus}


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{vis_css}</style>
<style>
body {{ margin: 0; font: 14px sans-serif; display: flex; height: 100vh; }}
#graph {{ flex: 3; border-right: 1px solid #ddd; }}
#panel {{ flex: 1; padding: 1em; overflow: auto; max-width: 28em; }}
#panel .layer, #panel .score {{ color: #555; }}
</style></head>
<body><div id="graph"></div>
<div id="panel"><h2>{title}</h2><p>Click a concept to read about it. Arrows run from a
prerequisite to what it leads to.</p></div>
<script type="application/json" id="graph-data">{data}</script>
<script>{vis_js}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  function text(tag, value, cls) {{
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }}
  var byId = {{}};
  var nodes = data.nodes.map(function (n) {{
    byId[n.id] = n;
    var tip = document.createElement("div");
    tip.appendChild(text("div", n.label + " · " + n.layer));
    if (n.score) tip.appendChild(text("div", n.score));
    return {{ id: n.id, label: n.label, x: n.x, y: n.y, title: tip, color: n.color,
              size: n.focus ? 24 : 14, borderWidth: n.focus ? 3 : 1 }};
  }});
  var edges = data.edges.map(function (e, i) {{
    var edge = Object.assign({{}}, e, {{ id: i }});
    var tip = document.createElement("div");
    tip.appendChild(text("div", e.kind + (e.why ? ": " + e.why : "")));
    edge.title = tip;
    delete edge.kind; delete edge.why;
    return edge;
  }});
  var network = new vis.Network(document.getElementById("graph"),
    {{ nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }},
    {{ physics: false, nodes: {{ shape: "dot", font: {{ multi: false }} }},
       edges: {{ arrows: "to", smooth: {{ type: "continuous" }}, font: {{ multi: false }} }},
       interaction: {{ hover: true, tooltipDelay: 120 }} }});
  function show(id) {{
    var n = byId[id], panel = document.getElementById("panel");
    if (!n) return;
    panel.replaceChildren(text("h2", n.label), text("div", n.layer, "layer"),
                          text("p", n.score, "score"), text("p", n.summary));
  }}
  network.on("click", function (params) {{ if (params.nodes.length) show(params.nodes[0]); }});
  network.once("afterDrawing", function () {{ window.graphDrawn = nodes.length; }});
  if (data.focus) show(data.focus);
  window.graphNetwork = network;
}})();
</script></body></html>
"""


def _vendor(name: str) -> str:
    text = (VENDOR / name).read_text(encoding="utf-8")
    # The map is not shipped; a reference to it would be the one request the file makes.
    return "\n".join(line for line in text.split("\n") if "sourceMappingURL" not in line)


def to_html(graph: Graph, *, title: str = "Curiosity Explorer", focus: str | None = None,
            positions: Mapping[str, tuple[float, float]] | None = None,
            scores: Mapping[str, float] | None = None) -> str:
    js = _vendor("vis-network.min.js")
    if "</script" in js.casefold():  # never true for 9.1.2; a later copy must be checked
        raise ValueError("the vendored vis-network contains '</script'")
    return PAGE.format(title=html.escape(title), vis_css=_vendor("vis-network.css"),
                       vis_js=js, data=script_json(graph_data(
                           graph, focus=focus, positions=positions, scores=scores)))
