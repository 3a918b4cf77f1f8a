"""How does A connect to B? The chain of real edges between two concepts, each with its reason.

Edges are walked in either direction, each costing its kind's `path_cost` from the relation
registry: a `related` edge costs as much as two structural hops (`requires`/`built_on`), so a chain
of prerequisites wins over a loose association of the same length or one hop shorter; among equal
costs the chain with fewer non-structural edges wins, then the one whose ids sort first, so the
answer is deterministic.
"""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass
from itertools import pairwise

import networkx as nx

from explorer.domain import relations
from explorer.domain.errors import UnknownConcept
from explorer.domain.model import Graph

ROAD = ("transistor", "adam")


class NoPath(ValueError):
    """The two concepts are in different components of the graph."""


@dataclass(frozen=True)
class PathStep:
    """One concept on a path. `relation` says how it stands to the previous step ("built on",
    "requires", "required by", "underlies", "related to"; empty for the first step) and `why` is
    the reason written on that edge."""

    id: str
    name: str
    relation: str = ""
    why: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def check_concept(graph: Graph, concept_id: str) -> None:
    """Raise `UnknownConcept` (with close ids) unless `concept_id` is in the graph."""
    if concept_id not in graph.concepts:
        raise UnknownConcept.near(concept_id, graph.concepts)


def edge_between(g: nx.DiGraph, here: str, there: str) -> tuple[float, str, bool, str]:
    """The cheapest edge joining two adjacent nodes: (cost, kind, points here→there, why).

    `relations.get(kind).reads(forward)` reads "here <relation> there"."""
    options = []
    for u, v, forward in ((here, there, True), (there, here, False)):
        if g.has_edge(u, v):
            data = g.edges[u, v]
            kind = data["kind"]
            options.append((relations.get(kind).path_cost, kind, forward, data.get("why", "")))
    return min(options, key=lambda o: (o[0], not relations.is_structural(o[1]), not o[2]))


def connect(g: nx.DiGraph, graph: Graph, a: str, b: str) -> list[PathStep]:
    """The cheapest chain of edges from `a` to `b` (either direction), as steps from `a` to `b`.

    Raises `UnknownConcept` for an id not in the graph and `NoPath` when nothing joins them.
    """
    check_concept(graph, a)
    check_concept(graph, b)
    # Dijkstra over the undirected view; entries sort by (cost, related edges, node id).
    best: dict[str, tuple[float, int]] = {a: (0.0, 0)}
    parent: dict[str, str] = {}
    heap: list[tuple[float, int, str]] = [(0.0, 0, a)]
    done: set[str] = set()
    while heap:
        cost, loose, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == b:
            break
        for other in sorted(set(g.successors(node)) | set(g.predecessors(node))):
            if other in done:
                continue
            step_cost, kind, _, _ = edge_between(g, node, other)
            entry = (cost + step_cost, loose + (not relations.is_structural(kind)))
            if other not in best or entry < best[other]:
                best[other] = entry
                parent[other] = node
                heapq.heappush(heap, (*entry, other))
    if b not in done:
        raise NoPath(
            f"no path between '{a}' and '{b}': they are not connected by any edge chain"
        )
    chain = [b]
    while chain[-1] != a:
        chain.append(parent[chain[-1]])
    chain.reverse()
    steps = [PathStep(a, graph.concepts[a].name)]
    for prev, node in pairwise(chain):
        _, kind, forward, why = edge_between(g, node, prev)
        steps.append(PathStep(node, graph.concepts[node].name,
                              relations.get(kind).reads(forward), why))
    return steps


def road(graph: Graph, g: nx.DiGraph, start: str = ROAD[0], end: str = ROAD[1]) -> list[PathStep]:
    """The landing view's long road, transistor → Adam; [] when a graph lacks either end or
    does not join them (a custom graph need not contain transistors)."""
    try:
        return connect(g, graph, start, end)
    except (UnknownConcept, NoPath):
        return []
