"""A new relation kind, declared only in the registry, is validated, stored, drawn and walked.

Nothing outside `explorer.domain.relations` is touched: the fixture graph uses the new YAML key,
and every consumer (loader, store, networkx view, paths, wander, plans, relevance, drawing)
picks the kind up from the registry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.domain import relations
from explorer.domain.loader import GraphError, load_graph
from explorer.domain.network import leads_to, to_networkx
from explorer.domain.paths import connect
from explorer.domain.plan import learning_plan
from explorer.domain.relations import Relation
from explorer.domain.relevance import decision_relevance
from explorer.domain.wander import suggest
from explorer.storage.graph_store import Store, build
from explorer.web.graph_data import legend, view_data, vis_graph

CITES = Relation("cites", "cites", "cites", "cited by", path_cost=1.5,
                 style={"color": "#16a34a", "dashes": [6, 3]})
NEEDS = Relation("needs", "needs", "needs", "needed by", structural=True, plan=True,
                 relevance=relations.PREREQUISITE, acyclic=True,
                 style={"color": "#7c3aed"})


def add_edges(tiny_dir: Path, text: str) -> None:
    """Append edges to the fixture's `float16` concept (the last entry of numerics.yaml)."""
    path = tiny_dir / "concepts" / "numerics.yaml"
    path.write_text(path.read_text().rstrip("\n") + "\n" + text)


@pytest.fixture
def kinds():
    with relations.registered(CITES), relations.registered(NEEDS):
        yield


def test_a_new_kind_is_validated_stored_drawn_and_walked(kinds, tiny_dir: Path,
                                                        tmp_path: Path) -> None:
    add_edges(tiny_dir, '  cites: [{id: transistor, why: "Half precision cites the '
                        'transistor budget."}]\n'
                        '  needs: [{id: gpu, why: "Half precision needs a GPU that has it."}]\n')
    graph = load_graph(tiny_dir)
    assert [link.id for link in graph.concepts["float16"].links("cites")] == ["transistor"]
    assert graph.concepts["float16"].to_dict()["needs"][0]["id"] == "gpu"

    db = tmp_path / "graph.duckdb"
    build(tiny_dir, db)
    stored = Store(db).load_graph()
    assert stored.concepts["float16"].links("cites") == graph.concepts["float16"].links("cites")

    g = to_networkx(stored)
    assert g.edges["float16", "transistor"]["kind"] == "cites"
    assert "float16" in leads_to(g, "gpu")  # structural: the card lists it
    assert "float16" not in leads_to(g, "transistor")  # not structural

    steps = connect(g, stored, "float16", "transistor")
    assert [s.relation for s in steps[1:]] == ["cited by"]  # "Transistor cited by Float16"

    plan = learning_plan(stored, "adam")
    assert [s.id for s in plan.steps].index("gpu") < [s.id for s in plan.steps].index("float16")

    scores = decision_relevance(stored, "build", 2026).probabilities()
    assert set(scores) == set(stored.concepts)
    assert suggest(stored, g, "float16", scores=scores)

    vis = vis_graph(stored, g, "float16", scores=scores)
    drawn = {(e["from"], e["to"]): e for e in vis.edges}
    assert drawn["transistor", "float16"]["kind"] == "cites"  # styled from the legend:
    styles = {e["kind"]: e["style"] for e in view_data(stored, [])["legend"]["edges"]}
    assert styles["cites"]["color"] == "#16a34a" and styles["cites"]["dashes"] == [6, 3]
    assert "cites" in legend() and "needs" in legend()


def test_a_new_kind_is_checked_like_the_others(kinds, tiny_dir: Path) -> None:
    add_edges(tiny_dir, '  cites: [{id: nowhere, why: "x"}]\n'
                        '  needs: [{id: loop, why: "one half of a cycle"}]\n'
                        '- id: loop\n  name: Loop\n  layer: numerics\n'
                        '  summary: A concept that closes a cycle of needs.\n'
                        '  needs: [{id: float16, why: "the other half"}]\n')
    with pytest.raises(GraphError) as exc:
        load_graph(tiny_dir)
    messages = [p.message for p in exc.value.problems]
    assert "cites unknown concept 'nowhere'" in messages
    assert "cycle in needs: float16 → loop → float16" in messages


def test_kinds_can_be_unregistered_but_not_the_builtins() -> None:
    with pytest.raises(ValueError, match="already registered"):
        relations.register(relations.get("requires"))
    with pytest.raises(ValueError, match="built-in"):
        relations.unregister("related")
    with pytest.raises(KeyError, match="unknown relation kind 'cites'"):
        relations.get("cites")
