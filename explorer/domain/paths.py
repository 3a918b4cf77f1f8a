"""How does A connect to B? The chain of real edges between two concepts, each with its reason.

Edges are walked in either direction. A `related` edge costs as much as two structural hops
(`requires`/`built_on`), so a chain of prerequisites wins over a loose association of the same
length or one hop shorter; among equal costs the chain with fewer `related` edges wins, then the
one whose ids sort first, so the answer is deterministic.
"""

from __future__ import annotations

import difflib
import heapq
from dataclasses import asdict, dataclass
from itertools import pairwise

import networkx as nx

from explorer.domain.model import Graph
from explorer.storage.workspace import UnknownConcept

COST = {"requires": 1.0, "built_on": 1.0, "related": 2.0}

# How step i reads against step i-1, by (edge kind, whether the edge points from step i to i-1):
# "Momentum — requires — Gradient descent", "Transistor — underlies — GPU".
RELATION = {
    ("requires", True): "requires",
    ("requires", False): "required by",
    ("built_on", True): "built on",
    ("built_on", False): "underlies",
    ("related", True): "related to",
    ("related", False): "related to",
}

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
        close = difflib.get_close_matches(concept_id, list(graph.concepts), n=3)
        raise UnknownConcept(concept_id, close)


def edge_between(g: nx.DiGraph, here: str, there: str) -> tuple[float, str, bool, str]:
    """The cheapest edge joining two adjacent nodes: (cost, kind, points here→there, why).

    `RELATION[kind, forward]` reads "here <relation> there"."""
    options = []
    for u, v, forward in ((here, there, True), (there, here, False)):
        if g.has_edge(u, v):
            data = g.edges[u, v]
            kind = data.get("kind", "related")
            options.append((COST.get(kind, COST["related"]), kind, forward, data.get("why", "")))
    return min(options, key=lambda o: (o[0], o[1] == "related", not o[2]))


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
            entry = (cost + step_cost, loose + (kind == "related"))
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
        steps.append(PathStep(node, graph.concepts[node].name, RELATION[kind, forward], why))
    return steps


def road(graph: Graph, g: nx.DiGraph, start: str = ROAD[0], end: str = ROAD[1]) -> list[PathStep]:
    """The landing view's long road, transistor → Adam; [] when a graph lacks either end or
    does not join them (a custom graph need not contain transistors)."""
    try:
        return connect(g, graph, start, end)
    except (UnknownConcept, NoPath):
        return []
