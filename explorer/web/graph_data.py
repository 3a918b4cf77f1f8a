"""Turn a neighbourhood of the concept graph into vis-network nodes, edges and options.

Pure data (no Streamlit): pyvis builds the node and edge records, the component draws them.
Labels and tooltips are plain text; the component never parses them as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from pyvis.network import Network

from explorer.domain import relations
from explorer.domain.model import Graph
from explorer.domain.network import neighborhood

# Score buckets for colour, low to high: (lower bound, fill colour, legend label).
SCORE_BUCKETS = (
    (0.0, "#e5e7eb", "under 5%"),
    (0.05, "#fde68a", "5–20%"),
    (0.20, "#fbbf24", "20–40%"),
    (0.40, "#f97316", "40–60%"),
    (0.60, "#dc2626", "60% and up"),
)
UNSCORED = "#bfdbfe"
OPTIONS = {
    "nodes": {"shape": "dot", "size": 14, "font": {"size": 14, "face": "sans-serif"},
              "borderWidth": 1},
    "edges": {"smooth": {"enabled": True, "type": "continuous"}, "width": 1.2, "arrows": "to"},
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
              max_nodes: int = 40) -> VisGraph:
    """The focus and its neighbours within `depth` hops, coloured by score.

    `highlight` (a path, say) is always included and drawn with thick edges between its steps.
    Arrows point from a prerequisite (or lower layer) up to what it leads to.
    """
    ids = neighborhood(g, focus, depth=depth, max_nodes=max_nodes, rank=scores)
    ids += [h for h in highlight if h in g and h not in ids]
    chosen = set(ids)
    on_path = set(zip(highlight, highlight[1:], strict=False))
    on_path |= {(b, a) for a, b in on_path}
    net = Network(directed=True)
    layer_names = {la.id: la.name for la in graph.layers}
    for cid in ids:
        c = graph.concepts[cid]
        p = scores.get(cid) if scores else None
        score = f" · {p:.0%}" if p is not None else ""
        extra = {"size": 26} if cid == focus else {}
        if cid == focus or cid in highlight:
            extra["borderWidth"] = 3
        net.add_node(cid, label=c.name, title=f"{c.name} · {layer_names.get(c.layer, c.layer)}"
                     f"{score}", color=score_colour(p), **extra)
    for src, dst, data in ((u, v, d) for u in ids for _, v, d in g.out_edges(u, data=True)):
        if dst in chosen:
            # The registry's style for the kind. No edge tooltips: the style says the relation,
            # the card says why, and every byte of a new edge travels on the click that brings it.
            edge = dict(relations.get(data["kind"]).style)
            if (src, dst) in on_path:
                edge["width"] = 4
            net.add_edge(dst, src, **edge)
    # Per-node defaults live in OPTIONS: every byte here is resent when a node changes.
    nodes = [{k: v for k, v in n.items() if k != "shape"} for n in net.nodes]
    edges = [{k: v for k, v in e.items() if not (k == "arrows" and v == "to")}
             for e in net.edges]
    return VisGraph(nodes, edges, OPTIONS)


def legend() -> str:
    """One line saying what colours and edge styles mean (from the relation registry)."""
    kinds = " · ".join(f"{r.label}: {r.look}" for r in relations.all_relations())
    return ("Colour = decision relevance: " + " · ".join(label for _, _, label in SCORE_BUCKETS)
            + " (pale to red). Arrows run from a prerequisite to what it leads to. Edges: "
            + kinds + ".")
