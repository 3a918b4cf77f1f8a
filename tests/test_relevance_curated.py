"""The product's argument (docs/ARCHITECTURE.md, "The idea") as checks on the curated graph.

These test the data as much as the model: if the curated graph fails one, fix the data (a
frequency, a strength, a maturity curve, with its reason), not the formula.
"""

from __future__ import annotations

import pytest

from explorer.domain.loader import GraphError, load_graph
from explorer.domain.model import Graph
from explorer.domain.relevance import decision_relevance, descendants_count, rank
from explorer.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "graph_data"
NEEDED = ("transistor", "gradient-descent", "momentum", "adam", "rounding-error",
          "condition-number", "lu-decomposition")
NOW, THEN = 2026, 2000


@pytest.fixture(scope="module")
def curated() -> Graph:
    """The curated graph; broken or incomplete data fails these tests, it never skips them."""
    try:
        graph = load_graph(DATA)
    except GraphError as exc:
        pytest.fail(f"graph_data does not load ({len(exc.problems)} problems):\n{exc}")
    missing = [cid for cid in NEEDED if cid not in graph.concepts]
    assert not missing, f"graph_data lacks {', '.join(missing)}"
    assert graph.decisions, "graph_data has no decisions"
    return graph


def test_transistor_physics_almost_never_changes_a_build_decision(curated: Graph) -> None:
    assert decision_relevance(curated, "build", NOW)["transistor"].p < 0.02


@pytest.mark.parametrize("concept", ["gradient-descent", "momentum", "adam"])
def test_optimisers_still_change_build_decisions(curated: Graph, concept: str) -> None:
    assert decision_relevance(curated, "build", NOW)[concept].p >= 0.5


@pytest.mark.parametrize("concept", ["rounding-error", "condition-number", "lu-decomposition"])
def test_numerical_linear_algebra_mattered_more_before_its_libraries_matured(
        curated: Graph, concept: str) -> None:
    then = decision_relevance(curated, "build", THEN)[concept].p
    now = decision_relevance(curated, "build", NOW)[concept].p
    assert then >= 2 * now > 0 or (then > 0 and now == 0)


def test_the_most_foundational_concept_is_not_automatically_the_most_relevant(
        curated: Graph) -> None:
    counts = descendants_count(curated)
    most = max(counts, key=lambda cid: (counts[cid], cid))
    top, _ = rank(curated, "build", NOW, limit=1)[0]
    assert top != most, f"{most} has {counts[most]} descendants and ranks first"
