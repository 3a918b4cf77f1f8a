"""Turn a neighbourhood of the concept graph into vis-network nodes, edges and options.

Pure data (no Streamlit): pyvis builds the node and edge records, the component draws them.
Labels and tooltips are plain text; the component never parses them as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from pyvis.network import Network

from ..graph import neighborhood
from ..model import Graph

# Score buckets for colour, low to high: (lower bound, fill colour, legend label).
SCORE_BUCKETS = (
    (0.0, "#e5e7eb", "under 5%"),
    (0.05, "#fde68a", "5–20%"),
    (0.20, "#fbbf24", "20–40%"),
    (0.40, "#f97316", "40–60%"),
    (0.60, "#dc2626", "60% and up"),
)
UNSCORED = "#bfdbfe"
EDGE_STYLE = {"requires": {"color": "#6b7280", "dashes": False},
              "built_on": {"color": "#2563eb", "dashes": True},
              "related": {"color": "#d1d5db", "dashes": [2, 6]}}
OPTIONS = {
    "nodes": {"shape": "dot", "font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
    "edges": {"smooth": {"enabled": True, "type": "continuous"}, "width": 1.2},
    "physics": {"solver": "forceAtlas2Based",
                "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
                "stabilization": {"enabled": True, "iterations": 300, "fit": True}},
    "interaction": {"hover": True, "tooltipDelay": 120},
}


@dataclass(frozen=True)
class VisGraph:
    nodes: list[dict]
    edges: list[dict]
    options: dict


def score_colour(p: float | None) -> str:
    if p is None:
        return UNSCORED
    colour = SCORE_BUCKETS[0][1]
    for lower, fill, _ in SCORE_BUCKETS:
        if p >= lower:
            colour = fill
    return colour


def vis_graph(graph: Graph, g: nx.DiGraph, focus: str, *, depth: int = 1,
              scores: dict[str, float] | None = None, highlight: tuple[str, ...] = (),
              max_nodes: int = 80) -> VisGraph:
    """The focus and its neighbours within `depth` hops, coloured by score.

    `highlight` (a path, say) is always included and drawn with thick edges between its steps.
    Arrows point from a prerequisite (or lower layer) up to what it leads to.
    """
    ids = neighborhood(g, focus, depth=depth, max_nodes=max_nodes)
    ids += [h for h in highlight if h in g and h not in ids]
    chosen = set(ids)
    on_path = set(zip(highlight, highlight[1:], strict=False))
    on_path |= {(b, a) for a, b in on_path}
    net = Network(directed=True)
    layer_names = {la.id: la.name for la in graph.layers}
    for cid in ids:
        c = graph.concepts[cid]
        p = scores.get(cid) if scores else None
        score = f" · {p:.0%} likely to change a decision" if p is not None else ""
        net.add_node(cid, label=c.name, title=f"{c.name} ({layer_names.get(c.layer, c.layer)})"
                     f"{score}", color=score_colour(p), size=26 if cid == focus else 14,
                     borderWidth=3 if cid == focus or cid in highlight else 1)
    for src, dst, data in g.edges(data=True):
        if src in chosen and dst in chosen:
            style = EDGE_STYLE[data["kind"]]
            bold = (src, dst) in on_path
            relation = {"requires": "requires", "built_on": "is built on",
                        "related": "is related to"}[data["kind"]]
            why = f": {data['why']}" if data["why"] else ""
            net.add_edge(dst, src, title=f"{graph.concepts[src].name} {relation} "
                         f"{graph.concepts[dst].name}{why}", color=style["color"],
                         dashes=style["dashes"], width=4 if bold else 1.2,
                         arrows="to" if data["kind"] != "related" else "")
    return VisGraph(net.nodes, net.edges, OPTIONS)
