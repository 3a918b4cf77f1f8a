"""paths.connect: real edges, either direction, cheapest chain, clear errors."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.domain import relations
from explorer.domain.errors import UnknownConcept
from explorer.domain.model import Concept, Graph, Layer, Link
from explorer.domain.network import to_networkx
from explorer.domain.paths import NoPath, PathStep, connect, edge_between, road


def assert_real_edges(g: nx.DiGraph, steps: list[PathStep]) -> None:
    assert steps[0].relation == "" and steps[0].why == ""
    for prev, step in zip(steps, steps[1:], strict=False):
        here, there = step.id, prev.id
        edges = [(relations.get(g.edges[u, v]["kind"]).reads(forward), g.edges[u, v]["why"])
                 for u, v, forward in ((here, there, True), (there, here, False))
                 if g.has_edge(u, v)]
        assert edges, f"{prev.id} and {step.id} are not joined by an edge"
        assert (step.relation, step.why) in edges


def test_road_is_transistor_to_adam_on_real_edges(tiny_graph: Graph) -> None:
    g = to_networkx(tiny_graph)
    steps = road(tiny_graph, g)
    assert [s.id for s in steps] == [
        "transistor", "gpu", "autodiff", "gradient-descent", "momentum", "adam"]
    assert [s.relation for s in steps] == [
        "", "built on", "built on", "built on", "requires", "requires"]
    assert steps[1].why == "GPUs are made of transistors."
    assert steps[1].name == "Graphics processing unit"
    assert_real_edges(g, steps)


def test_reverse_direction_reads_the_other_way(tiny_graph: Graph) -> None:
    g = to_networkx(tiny_graph)
    steps = connect(g, tiny_graph, "adam", "transistor")
    assert [s.id for s in steps] == [
        "adam", "momentum", "gradient-descent", "autodiff", "gpu", "transistor"]
    assert [s.relation for s in steps[1:]] == [
        "required by", "required by", "underlies", "underlies", "underlies"]
    assert_real_edges(g, steps)


def test_prefers_prerequisites_over_a_related_shortcut(tiny_graph: Graph) -> None:
    # adam –related→ floating-point costs as much as adam → float16 → floating-point.
    g = to_networkx(tiny_graph)
    steps = connect(g, tiny_graph, "adam", "floating-point")
    assert [s.id for s in steps] == ["adam", "float16", "floating-point"]
    assert_real_edges(g, steps)


def _graph(edges: list[tuple[str, str, str]], extra: tuple[str, ...] = ()) -> Graph:
    ids = sorted({x for e in edges for x in e[:2]} | set(extra))
    concepts = {
        cid: Concept(
            cid, cid.upper(), "l", "",
            **{kind: tuple(Link(v, f"{cid}-{kind}-{v}") for u, v, k in edges
                           if u == cid and k == kind)
               for kind in ("requires", "built_on", "related")})
        for cid in ids
    }
    return Graph((Layer("l", "L", 0),), (), concepts, {})


def test_uses_related_edges_when_they_are_the_only_way() -> None:
    graph = _graph([("a", "b", "requires"), ("c", "b", "related"), ("c", "d", "built_on")])
    g = to_networkx(graph)
    steps = connect(g, graph, "a", "d")
    assert [s.id for s in steps] == ["a", "b", "c", "d"]
    assert [s.relation for s in steps] == ["", "required by", "related to", "underlies"]
    assert steps[2].why == "c-related-b"


def test_related_costs_two_hops() -> None:
    # a–related–e versus a→b→c→e: the three-hop structural chain costs more than one related edge.
    graph = _graph([("a", "e", "related"), ("a", "b", "requires"), ("b", "c", "requires"),
                    ("c", "e", "requires")])
    assert [s.id for s in connect(to_networkx(graph), graph, "a", "e")] == ["a", "e"]


def test_same_concept_is_a_one_step_path(tiny_graph: Graph) -> None:
    steps = connect(to_networkx(tiny_graph), tiny_graph, "adam", "adam")
    assert steps == [PathStep("adam", "Adam optimizer")]


def test_unknown_ids_and_missing_paths_are_clear_errors(tiny_graph: Graph) -> None:
    g = to_networkx(tiny_graph)
    with pytest.raises(UnknownConcept, match="did you mean adam"):
        connect(g, tiny_graph, "adma", "transistor")
    with pytest.raises(UnknownConcept, match="'nope'"):
        connect(g, tiny_graph, "adam", "nope")
    graph = _graph([("a", "b", "requires")], extra=("z",))
    with pytest.raises(NoPath, match="no path between 'a' and 'z'"):
        connect(to_networkx(graph), graph, "a", "z")


def test_road_is_empty_on_a_graph_without_its_ends() -> None:
    graph = _graph([("a", "b", "requires")])
    assert road(graph, to_networkx(graph)) == []


@st.composite
def random_graphs(draw) -> Graph:
    n = draw(st.integers(2, 9))
    ids = [f"c{i}" for i in range(n)]
    edges = draw(st.lists(
        st.tuples(st.sampled_from(ids), st.sampled_from(ids),
                  st.sampled_from(("requires", "built_on", "related"))),
        max_size=18))
    seen, kept = set(), []
    for u, v, k in edges:
        if u != v and (u, v, k) not in seen:
            seen.add((u, v, k))
            kept.append((u, v, k))
    return _graph(kept, extra=tuple(ids))


def _cost(g: nx.DiGraph, steps: list[PathStep]) -> float:
    return sum(edge_between(g, b.id, a.id)[0] for a, b in zip(steps, steps[1:], strict=False))


@settings(max_examples=150, deadline=None)
@given(random_graphs(), st.data())
def test_paths_are_real_edges_and_cheapest(graph: Graph, data) -> None:
    g = to_networkx(graph)
    a = data.draw(st.sampled_from(sorted(graph.concepts)))
    b = data.draw(st.sampled_from(sorted(graph.concepts)))
    undirected = nx.Graph()
    undirected.add_nodes_from(g)
    for u, v, kind in g.edges(data="kind"):
        w = relations.get(kind).path_cost
        if not undirected.has_edge(u, v) or undirected.edges[u, v]["w"] > w:
            undirected.add_edge(u, v, w=w)
    if not nx.has_path(undirected, a, b):
        with pytest.raises(NoPath):
            connect(g, graph, a, b)
        return
    steps = connect(g, graph, a, b)
    assert steps[0].id == a and steps[-1].id == b
    assert len({s.id for s in steps}) == len(steps)
    assert_real_edges(g, steps)
    assert _cost(g, steps) == pytest.approx(nx.dijkstra_path_length(undirected, a, b, "w"))
    assert connect(g, graph, a, b) == steps  # deterministic
