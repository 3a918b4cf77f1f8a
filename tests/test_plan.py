"""plan.learning_plan: unknown prerequisites in a valid order, stopping at known concepts."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import explorer.domain.plan
from explorer.domain.errors import UnknownConcept
from explorer.domain.model import Concept, Graph, Layer, Link
from explorer.domain.plan import Plan, learning_plan, plan_markdown


def test_doctests() -> None:
    assert doctest.testmod(explorer.domain.plan).failed == 0


def test_adam_plan_on_the_tiny_graph(tiny_graph: Graph) -> None:
    plan = learning_plan(tiny_graph, "adam", set(), scores={"adam": 0.6, "momentum": 0.4})
    # Ties go to the lower layer: numerics before optimization.
    assert [s.id for s in plan.steps] == [
        "floating-point", "float16", "gradient-descent", "momentum", "adam"]
    assert plan.total_hours == 2 + 1 + 3 + 2 + 3
    adam, momentum = plan.steps[-1], plan.steps[-2]
    assert (adam.score, momentum.score, plan.steps[0].score) == (0.6, 0.4, None)
    assert adam.why == "your target"
    assert momentum.why == "needed for Adam optimizer: Adam's first moment is a momentum average."
    assert (momentum.name, momentum.layer, momentum.hours) == ("Momentum", "optimization", 2)


def test_built_on_is_not_a_prerequisite(tiny_graph: Graph) -> None:
    # Gradient descent is built on autodiff (on GPUs, on transistors), but requires nothing.
    assert [s.id for s in learning_plan(tiny_graph, "gradient-descent", set()).steps] == [
        "gradient-descent"]


def test_known_concepts_and_what_only_they_lead_to_are_skipped(tiny_graph: Graph) -> None:
    plan = learning_plan(tiny_graph, "adam", {"momentum"})
    assert [s.id for s in plan.steps] == ["floating-point", "float16", "adam"]
    assert plan.skipped == ["momentum"]
    plan = learning_plan(tiny_graph, "adam", {"momentum", "float16", "transistor"})
    assert [s.id for s in plan.steps] == ["adam"]
    assert plan.skipped == ["float16", "momentum"]


def test_a_known_target_needs_nothing(tiny_graph: Graph) -> None:
    plan = learning_plan(tiny_graph, "adam", {"adam"})
    assert plan.steps == [] and plan.total_hours == 0
    assert "Nothing to learn" in plan_markdown(plan, tiny_graph)


def test_unknown_target(tiny_graph: Graph) -> None:
    with pytest.raises(UnknownConcept, match="did you mean adam"):
        learning_plan(tiny_graph, "adma", set())


def test_markdown(tiny_graph: Graph) -> None:
    plan = learning_plan(tiny_graph, "adam", {"momentum"}, scores={"float16": 0.25})
    md = plan_markdown(plan, tiny_graph)
    lines = md.splitlines()
    assert lines[0] == "# Learning plan: Adam optimizer"
    assert "3 concepts, about 6 h" in md
    assert lines[4].startswith("1. [ ] **Floating point** (`floating-point`, numerics, 2 h)")
    assert "**Half precision (float16)** (`float16`, numerics, 1 h, 25% decision relevance)" in md
    assert "Skipped because you know them: `momentum`." in md
    assert md.endswith("\n")


def test_to_dict_is_json_ready(tiny_graph: Graph) -> None:
    data = learning_plan(tiny_graph, "momentum", set()).to_dict()
    assert data["target"] == "momentum"
    assert [s["id"] for s in data["steps"]] == ["gradient-descent", "momentum"]
    assert set(data["steps"][0]) == {"id", "name", "layer", "hours", "score", "why"}


@st.composite
def random_dags(draw) -> tuple[Graph, str, set[str]]:
    n = draw(st.integers(1, 14))
    layers = tuple(Layer(f"l{i}", f"L{i}", i) for i in range(3))
    concepts = {}
    for i in range(n):
        # Requires point at lower indices only, so `requires` is acyclic.
        reqs = draw(st.sets(st.integers(0, i - 1), max_size=4)) if i else set()
        built = draw(st.sets(st.integers(0, i - 1), max_size=2)) if i else set()
        cid = f"c{i}"
        concepts[cid] = Concept(
            cid, draw(st.sampled_from(["alpha", "beta", "gamma"])) + str(i),
            draw(st.sampled_from(layers)).id, "", effort_hours=draw(st.integers(1, 5)),
            requires=tuple(Link(f"c{j}", "w") for j in sorted(reqs)),
            built_on=tuple(Link(f"c{j}") for j in sorted(built)))
    graph = Graph(layers, (), concepts, {})
    target = draw(st.sampled_from(sorted(concepts)))
    known = draw(st.sets(st.sampled_from(sorted(concepts)), max_size=n // 2))
    return graph, target, known


def _reachable_avoiding(graph: Graph, target: str, known: set[str]) -> set[str]:
    if target in known:
        return set()
    seen, stack = {target}, [target]
    while stack:
        for link in graph.concepts[stack.pop()].requires:
            if link.id not in seen and link.id not in known:
                seen.add(link.id)
                stack.append(link.id)
    return seen


@settings(max_examples=200, deadline=None)
@given(random_dags())
def test_every_plan_is_ordered_complete_and_skips_known(case) -> None:
    graph, target, known = case
    plan: Plan = learning_plan(graph, target, known)
    ids = [s.id for s in plan.steps]
    position = {cid: i for i, cid in enumerate(ids)}
    assert len(position) == len(ids)
    # Exactly the concepts reachable through `requires` without passing a known one.
    assert set(ids) == _reachable_avoiding(graph, target, known)
    assert not set(ids) & known
    # Each step after everything it requires that is on the plan.
    for cid in ids:
        for link in graph.concepts[cid].requires:
            if link.id in position:
                assert position[link.id] < position[cid]
    if ids:
        assert ids[-1] == target
    assert plan.total_hours == pytest.approx(sum(graph.concepts[c].effort_hours for c in ids))
    assert learning_plan(graph, target, known) == plan
