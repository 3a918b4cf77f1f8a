"""Turn the concept graph into what the graph component draws: nodes at their atlas positions,
edges, options and the view (layer bands, legend).

Pure data (no Streamlit). Labels and tooltips are plain text; the component never parses them as
HTML. Nodes travel in a compact form: `p` (the score, whose fill colour the component takes from
the legend's buckets), `layer` (ring colour and the tooltip's layer name, from the legend),
`known`/`bookmarked` (marks), and edges a `kind` (style from the legend) and nothing that depends
on the focus, so a click sends about 50 bytes per new node and 35 per new edge.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from explorer.domain import atlas, relations
from explorer.domain.atlas import COLUMN, ROW, Band
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
# Layer rings, physics (slate) up to architectures (magenta): cool hues, apart from the warm
# score fills, in the order of the layers.
LAYER_RINGS = ("#475569", "#1e3a8a", "#1d4ed8", "#0369a1", "#0891b2", "#0d9488", "#047857",
               "#4d7c0f", "#6d28d9", "#9333ea", "#c026d3")
MORE_ID = "+more"  # the "+N more" node; concept ids are kebab-case, so it never clashes
MORE_FILL = "#f3f4f6"
# How many concepts the focus view draws at each depth before a "+N more" node; a click on it
# adds MORE_STEP.
CAP = {1: 40, 2: 80, 3: 120}
MORE_STEP = 60
MAP_MAX = 3_000  # the whole map of a very large graph: the highest scores (and the road)
KNOWN_SHAPE = "diamond"
BOOKMARK_SHAPE = "star"
OPTIONS = {
    "nodes": {"shape": "dot", "size": 11, "font": {"size": 13, "face": "sans-serif"},
              "borderWidth": 3},
    "edges": {"smooth": False, "width": 1.2, "arrows": "to"},
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120},
}


@dataclass(frozen=True)
class VisGraph:
    nodes: list[dict]
    edges: list[dict]
    options: dict
    view: dict = field(default_factory=dict)
    left_out: int = 0  # concepts within the depth that the cap left out ("+N more")


def score_colour(p: float | None) -> str:
    if p is None:
        return UNSCORED
    colour = SCORE_BUCKETS[0][1]
    for lower, fill, _ in SCORE_BUCKETS:
        if p >= lower:
            colour = fill
    return colour


def layer_rings(graph: Graph) -> dict[str, str]:
    ordered = sorted(graph.layers, key=lambda la: la.position)
    return {la.id: LAYER_RINGS[i % len(LAYER_RINGS)] for i, la in enumerate(ordered)}


def view_data(graph: Graph, bands: Sequence[Band], *, mode: str = "focus") -> dict:
    """What the component needs besides nodes and edges: the layer bands drawn under the
    graph, and the legend (score fills, layer rings, edge kinds, marks), from the registries.
    It changes only with the graph, so it travels once per session."""
    rings = layer_rings(graph)
    note = ("Labels that would overlap are hidden: hover a concept or zoom in (click the graph "
            "first, or hold Ctrl, then scroll). Arrows run from a prerequisite to what it "
            "leads to.")
    if mode == "map":
        note = ("Every concept at its place on the atlas, physics at the bottom; the thick line "
                "is the road from transistors to Adam. Click a region to zoom in, click a "
                "concept again (or double-click it) to open it.")
    return {
        "atlas": True,
        "mode": mode,
        "bands": [{"layer": b.layer, "name": b.name, "index": b.index, "top": b.top,
                   "bottom": b.bottom, "colour": rings.get(b.layer, LAYER_RINGS[0])}
                  for b in bands],
        "legend": {
            "scores": [{"colour": fill, "label": label, "from": lower}
                       for lower, fill, label in SCORE_BUCKETS],
            "unscored": UNSCORED,
            "layers": [{"id": la.id, "name": la.name, "colour": rings[la.id]}
                       for la in sorted(graph.layers, key=lambda la: -la.position)],
            "edges": [{"kind": r.name, "label": r.label, "colour": r.style.get("color", "#888"),
                       "dashes": bool(r.style.get("dashes")), "style": r.style}
                      for r in relations.all_relations()],
            "marks": [{"shape": KNOWN_SHAPE, "label": "known", "colour": "#9ca3af"},
                      {"shape": BOOKMARK_SHAPE, "label": "bookmarked", "colour": "#9ca3af"},
                      {"shape": "more", "label": "+N more: click to draw more"}],
            "note": note,
        },
    }


def _node(cid: str, c, xy: tuple[float, float], p: float | None, *, rank: float,
          known: bool, bookmarked: bool) -> dict:
    """One drawn concept, compact: the component builds its fill (from `p` and the legend's
    score buckets), its ring (from `layer`), its tooltip and its marks (✓ known, ★ bookmarked)."""
    node = {"id": cid, "label": c.name, "x": xy[0], "y": xy[1], "layer": c.layer,
            "rank": round(rank, 2)}
    if p is not None:
        node["p"] = round(p, 3)
    if known:
        node["known"] = True
    if bookmarked:
        node["bookmarked"] = True
    return node


def _nodes(graph: Graph, ids: Sequence[str], positions: Mapping[str, tuple],
           scores: Mapping[str, float], known: Collection[str], bookmarks: Collection[str],
           rank: Callable[[str, float | None], float]) -> list[dict]:
    """The drawn nodes of `ids` at their atlas places; `rank(id, score)` orders their labels
    (lower shows first), which is all the focus view and the whole map do differently."""
    known, bookmarks = set(known), set(bookmarks)
    return [_node(cid, graph.concepts[cid], positions[cid], scores.get(cid),
                  rank=rank(cid, scores.get(cid)), known=cid in known,
                  bookmarked=cid in bookmarks) for cid in ids]


def vis_graph(graph: Graph, g: nx.DiGraph, focus: str, *,
              positions: Mapping[str, tuple] | None = None,
              depth: int = 1, scores: dict[str, float] | None = None,
              highlight: tuple[str, ...] = (), known: Collection[str] = (),
              bookmarks: Collection[str] = (), extra: int = 0) -> VisGraph:
    """The focus and its neighbours within `depth` hops, at their atlas `positions`.

    At most `CAP[depth] + extra` concepts are drawn, nearest and most relevant first; the rest
    are counted in a "+N more" node (id `MORE_ID`) whose click asks for more. `highlight` (a
    path, say) is always included and drawn with thick edges between its steps. Arrows point
    from a prerequisite (or lower layer) up to what it leads to.
    """
    scores = scores or {}
    positions = positions if positions is not None else atlas.layout(graph)
    cap = CAP.get(depth, max(CAP.values())) + max(extra, 0)
    everything = neighborhood(g, focus, depth=depth, max_nodes=len(g) + 1, rank=scores)
    ids = everything[:cap]
    ids += [h for h in highlight if h in g and h not in ids]
    left_out = len(set(everything) - set(ids))
    near = set(g.successors(focus)) | set(g.predecessors(focus))
    on_path = set(highlight)
    nodes = _nodes(graph, ids, positions, scores, known, bookmarks, lambda cid, p: (
        0.0 if cid == focus else 1.0 if cid in on_path
        else 2.0 + (1 - (p or 0)) if cid in near else 4.0 + (1 - (p or 0))))
    for node in nodes:
        if node["id"] == focus:
            node["focus"] = True
    chosen = set(ids)
    steps = set(zip(highlight, highlight[1:], strict=False))
    steps |= {(b, a) for a, b in steps}
    edges = []
    for src in ids:
        for _, dst, kind in g.out_edges(src, data="kind"):
            if dst in chosen:
                # Drawn from the prerequisite up to what stands on it. No edge tooltips: the
                # style says the relation and the card says why.
                # The component fades the edges that do not touch the focus, so an edge
                # looks the same whatever the focus and travels once.
                edge = {"from": dst, "to": src, "kind": kind}
                if (src, dst) in steps:
                    edge["width"] = 4
                edges.append(edge)
    if left_out:
        fx = [positions[c][0] for c in ids]
        fy = [positions[c][1] for c in ids]
        nodes.append({"id": MORE_ID, "label": f"+{left_out} more", "more": True, "rank": 1.5,
                      "x": max(fx) + COLUMN, "y": min(fy) - ROW, "fill": MORE_FILL,
                      "title": f"{left_out} more concepts within {depth} "
                               f"step{'s' * (depth > 1)}: click to draw {MORE_STEP} more"})
    return VisGraph(nodes, edges, OPTIONS, left_out=left_out)


def vis_map(graph: Graph, g: nx.DiGraph, *, positions: Mapping[str, tuple],
            scores: dict[str, float] | None = None, road: Sequence[str] = (),
            focus: str | None = None, known: Collection[str] = (),
            bookmarks: Collection[str] = ()) -> VisGraph:
    """The whole atlas: every concept (the `MAP_MAX` most relevant of a very large graph, and
    the road), no edges but the road's, drawn thick, so the map stays legible."""
    scores = scores or {}
    ids = list(graph.concepts)
    if len(ids) > MAP_MAX:
        ids = sorted(ids, key=lambda c: (-scores.get(c, 0.0), c))[:MAP_MAX]
    ids += [r for r in road if r in graph.concepts and r not in ids]
    left_out = len(graph.concepts) - len(ids)
    on_road = set(road)
    nodes = _nodes(graph, ids, positions, scores, known, bookmarks, lambda cid, p: (
        0.0 if cid == focus else 1.0 if cid in on_road else 3.0 + (1 - (p or 0))))
    edges = []
    for a, b in zip(road, road[1:], strict=False):
        # Each step of the road drawn from the lower concept up, in the registry's style.
        lower, upper = (b, a) if g.has_edge(a, b) else (a, b)
        kind = g.edges[upper, lower]["kind"] if g.has_edge(upper, lower) else "related"
        edges.append({"from": lower, "to": upper, "kind": kind, "width": 5, "road": True})
    return VisGraph(nodes, edges, OPTIONS, left_out=left_out)


def legend() -> str:
    """One line saying what colours and edge styles mean (from the relation registry)."""
    kinds = " · ".join(f"{r.label}: {r.look}" for r in relations.all_relations())
    return ("Colour = decision relevance: " + " · ".join(label for _, _, label in SCORE_BUCKETS)
            + " (pale to red). Arrows run from a prerequisite to what it leads to. Edges: "
            + kinds + ".")
