"""The synthetic graph generator: deterministic, valid like a loaded graph, sized as asked."""

from __future__ import annotations

import networkx as nx
import pytest

from explorer.bench.synthetic import LAYERS, synthetic_graph
from explorer.domain.loader import ID_RE
from explorer.domain.model import DECISION_KINDS, GOALS
from explorer.storage.graph_store import Store


@pytest.mark.parametrize("n, decisions", [(1, 2), (12, None), (700, 30)])
def test_sizes_and_validity(n: int, decisions: int | None) -> None:
    g = synthetic_graph(n, decisions, seed=3)
    assert len(g.concepts) == n
    assert len(g.decisions) == (decisions if decisions is not None else 2)
    assert [layer.id for layer in g.layers] == list(LAYERS)
    assert [goal.id for goal in g.goals] == list(GOALS)
    for c in g.concepts.values():
        assert ID_RE.match(c.id) and c.name and c.summary and c.layer in LAYERS
        years = [y for y, _ in c.maturity]
        assert years == sorted(set(years)) and all(0 <= v <= 1 for _, v in c.maturity)
        for kind in ("requires", "built_on", "related"):
            assert all(link.id in g.concepts and link.id != c.id for link in c.links(kind))
    for d in g.decisions.values():
        assert d.kind in DECISION_KINDS and d.informed_by
        assert all(inf.id in g.concepts and 0 <= inf.strength <= 1 for inf in d.informed_by)
        assert all(goal in GOALS and 0 <= f <= 1 for goal, f in d.frequency)


def test_requires_and_built_on_together_are_acyclic() -> None:
    g = synthetic_graph(2_000, seed=5, topic_size=200)
    dag = nx.DiGraph((a, b) for a, b, _, _ in g.edges(("requires", "built_on")))
    assert nx.is_directed_acyclic_graph(dag)


def test_same_seed_same_graph() -> None:
    assert synthetic_graph(400, 10, seed=7) == synthetic_graph(400, 10, seed=7)
    assert synthetic_graph(400, 10, seed=7) != synthetic_graph(400, 10, seed=8)


def test_round_trips_through_the_store() -> None:
    g = synthetic_graph(150, 8, seed=1)
    store = Store.from_graph(g)
    try:
        assert store.load_graph() == g
    finally:
        store.close()
