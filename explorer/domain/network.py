"""The concept graph as networkx, and the neighbourhood queries the page and CLI share."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from explorer.domain import relations
from explorer.domain.model import Graph, gc_paused


def to_networkx(graph: Graph) -> nx.DiGraph:
    """Concepts as nodes; an edge u → v of kind `requires`/`built_on`/`related` with its `why`.

    `requires` and `built_on` point down, at the prerequisite or the hidden lower layer.
    """
    g = nx.DiGraph()
    with gc_paused():
        return _fill(g, graph)


def _fill(g: nx.DiGraph, graph: Graph) -> nx.DiGraph:
    g.add_nodes_from((c.id, {"name": c.name, "layer": c.layer}) for c in graph.concepts.values())
    # A pair joined by two kinds keeps the stronger meaning (the registry's order): edges come
    # strongest first, so adding them in reverse lets the strongest write last.
    g.add_edges_from((src, dst, {"kind": kind, "why": why})
                     for src, dst, kind, why in reversed(graph.edges()))
    return g


def leads_to(g: nx.DiGraph, concept_id: str) -> list[str]:
    """Concepts that stand on `concept_id` through a structural edge (requires, built on, …)."""
    return [u for u, _, k in g.in_edges(concept_id, data="kind") if relations.is_structural(k)]


def prerequisites(g: nx.DiGraph, concept_id: str) -> list[str]:
    """What `concept_id` stands on through a structural edge."""
    return [v for _, v, k in g.out_edges(concept_id, data="kind") if relations.is_structural(k)]


def neighborhood(g: nx.DiGraph, concept_id: str, depth: int = 1, max_nodes: int = 150,
                 rank: Mapping[str, float] | None = None) -> list[str]:
    """Concepts within `depth` hops in either direction, nearest first, capped at `max_nodes`.

    Within a hop, concepts with a higher `rank` come first, so a cap keeps the most relevant.
    """
    if concept_id not in g:
        raise KeyError(concept_id)
    seen = {concept_id: 0}
    frontier = [concept_id]
    for d in range(1, depth + 1):
        nxt = []
        for node in frontier:
            around = set(g.successors(node)) | set(g.predecessors(node))
            for other in sorted(around, key=lambda c: (-(rank or {}).get(c, 0.0), c)):
                if other not in seen:
                    seen[other] = d
                    nxt.append(other)
                    if len(seen) >= max_nodes:
                        return list(seen)
        frontier = nxt
    return list(seen)
