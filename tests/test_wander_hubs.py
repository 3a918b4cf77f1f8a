"""Issue 11: wander over every concept of the curated graph suggests no hub: no concept is the
"most useful next" step or the "surprising bridge" for more than 5% of concepts."""

from __future__ import annotations

import networkx as nx
import pytest

from explorer.domain import wander
from explorer.domain.model import Concept, Graph, Layer, Link
from explorer.domain.wander import hub_shares
from explorer.settings import PROJECT_ROOT
from explorer.usecases import open_explorer

LIMIT = 0.05


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("curated")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPLORER_EMBEDDINGS", str(tmp / "embeddings"))
        explorer = open_explorer(db_path=tmp / "graph.duckdb",
                                 data_dir=PROJECT_ROOT / "graph_data",
                                 progress_path=tmp / "progress.sqlite")
    yield explorer
    explorer.progress.close()


@pytest.mark.parametrize(("goal", "curiosity"), [("build", 0.5), ("build", 0.0),
                                                 ("interview", 1.0)])
def test_no_concept_is_the_useful_step_or_the_bridge_for_over_5_percent(app, goal,
                                                                        curiosity) -> None:
    shares = app.hub_shares(goal=goal, year=2026, curiosity=curiosity)
    for kind in ("useful", "bridge"):
        top = shares[kind][0]
        assert top.share <= LIMIT, f"{top.id} is the {kind} step from {top.count} concepts"
        assert sum(s.count for s in shares[kind]) > 0.9 * len(app.graph.concepts)


def star(n: int) -> Graph:
    """A hub joined to n leaves, each leaf also joined to its own pendant."""
    layer = (Layer("l", "L", 0),)
    concepts = {"hub": Concept("hub", "Hub", "l", "The hub.")}
    for i in range(n):
        concepts[f"leaf{i}"] = Concept(f"leaf{i}", f"Leaf {i}", "l", "A leaf.",
                                       requires=(Link("hub"), Link(f"end{i}")))
        concepts[f"end{i}"] = Concept(f"end{i}", f"End {i}", "l", "An end.")
    return Graph(layer, (), concepts, {})


def test_the_penalty_keeps_a_hub_from_being_everyones_useful_step(monkeypatch) -> None:
    graph = star(12)
    g = nx.DiGraph((s, d, {"kind": k, "why": w}) for s, d, k, w in graph.edges())
    scores = {cid: 0.5 for cid in graph.concepts} | {"hub": 0.9}  # the hub looks most useful

    def useful() -> dict[str, int]:
        return {s.id: s.count for s in hub_shares(graph, g, scores=scores)["useful"]}

    # Each leaf has two neighbours, the hub (degree 12) and its own end (degree 1).
    monkeypatch.setattr(wander, "HUB_PENALTY", 0.0)
    assert useful()["hub"] == 12  # without the penalty the hub is every leaf's useful step
    monkeypatch.undo()
    found = useful()
    assert "hub" not in found and all(found[f"end{i}"] == 1 for i in range(12))
