"""Decision relevance on the tiny graph, with the numbers worked out by hand (docs/relevance.md).

Tiny graph in 2026, goal `build`: one decision faces it, "training diverges" (frequency 0.7,
maturity-sensitive), informed by adam (strength 0.7, maturity 0.5) and gradient-descent
(strength 0.8, maturity 0.5). Maturities in 2026: autodiff 0.9, gpu 0.9, transistor 0.995,
momentum 0.5, float16 0.6, floating-point 0.8.
"""

from __future__ import annotations

import dataclasses

import pytest

from explorer.domain.model import Concept, Decision, Goal, Graph, Influence, Layer, Link
from explorer.domain.relevance import (
    MIN_REACH,
    PREREQ_DECAY,
    Reason,
    Relevance,
    Step,
    concept_relevance,
    decision_relevance,
    descendants_count,
    rank,
    relevance_over_years,
)


def approx(x: float) -> pytest.approx:
    return pytest.approx(x, rel=1e-9, abs=1e-12)


def test_direct_link(tiny_graph: Graph) -> None:
    # reach = strength × leak = 0.8 × (1 − 0.5); P = frequency × reach
    rel = decision_relevance(tiny_graph, "build", 2026)["gradient-descent"]
    assert rel.p == approx(0.7 * 0.8 * 0.5)
    (reason,) = rel.reasons
    assert reason.decision_id == "training-diverges"
    assert (reason.frequency, reason.reach, reason.contribution) == (
        approx(0.7), approx(0.4), approx(0.28))
    assert reason.chain == (Step("gradient-descent", "informs", approx(0.4), 0.8, 0.5),)


def test_abstraction_chain_multiplies_every_leak(tiny_graph: Graph) -> None:
    # gradient-descent built_on autodiff built_on gpu built_on transistor
    scores = decision_relevance(tiny_graph, "build", 2026)
    assert scores["autodiff"].p == approx(0.7 * (0.4 * 0.1))
    assert scores["gpu"].p == approx(0.7 * (0.4 * 0.1 * 0.1))
    assert scores["transistor"].p == approx(0.7 * (0.4 * 0.1 * 0.1 * 0.005))
    chain = scores["gpu"].reasons[0].chain
    assert [(s.concept_id, s.relation) for s in chain] == [
        ("gradient-descent", "informs"), ("autodiff", "built_on"), ("gpu", "built_on")]
    assert [s.factor for s in chain] == [approx(0.4), approx(0.1), approx(0.1)]


def test_prerequisite_chain_decays_and_leaks(tiny_graph: Graph) -> None:
    # adam (0.7 × 0.5) requires momentum (× 0.6 × 0.5) and float16 (× 0.6 × 0.4);
    # float16 requires floating-point (× 0.6 × 0.2)
    scores = decision_relevance(tiny_graph, "build", 2026)
    assert scores["adam"].p == approx(0.7 * 0.35)
    assert scores["momentum"].p == approx(0.7 * 0.35 * PREREQ_DECAY * 0.5)
    assert scores["float16"].p == approx(0.7 * 0.35 * PREREQ_DECAY * 0.4)
    assert scores["floating-point"].p == approx(0.7 * 0.35 * 0.6 * 0.4 * 0.6 * 0.2)
    assert scores["floating-point"].reasons[0].route() == "via adam → float16"


def test_decision_that_is_not_maturity_sensitive(tiny_graph: Graph) -> None:
    # Goal interview: "explain gradient descent" (0.8, strength 0.9, no leak) and
    # "training diverges" (0.2 × 0.4): P = 1 − (1 − 0.72)(1 − 0.08)
    for year in (1990, 2026, 2060):
        rel = decision_relevance(tiny_graph, "interview", year)["gradient-descent"]
        explain = next(r for r in rel.reasons if r.decision_id == "explain-descent")
        assert explain.reach == approx(0.9)
    rel = decision_relevance(tiny_graph, "interview", 2026)["gradient-descent"]
    assert rel.p == approx(1 - (1 - 0.72) * (1 - 0.08))
    assert [r.decision_id for r in rel.reasons] == ["explain-descent", "training-diverges"]
    # It does not reach through built_on: autodiff only hears from "training diverges".
    autodiff = decision_relevance(tiny_graph, "interview", 2026)["autodiff"]
    assert [r.decision_id for r in autodiff.reasons] == ["training-diverges"]
    assert autodiff.p == approx(0.2 * 0.04)


def test_earlier_era_leaks_more(tiny_graph: Graph) -> None:
    # In 2000 gradient descent's maturity is 0.3, adam's 0.2 (flat before 2015).
    scores = decision_relevance(tiny_graph, "build", 2000)
    assert scores["gradient-descent"].p == approx(0.7 * 0.8 * 0.7)
    assert scores["adam"].p == approx(0.7 * 0.7 * 0.8)


def test_goal_without_decisions_scores_zero(tiny_graph: Graph) -> None:
    scores = decision_relevance(tiny_graph, "research", 2026)
    assert scores["adam"].p == approx(0.5 * 0.35)
    assert decision_relevance(tiny_graph, "architect", 2026)["transistor"].p < 1e-5


def test_unknown_goal_is_an_error(tiny_graph: Graph) -> None:
    with pytest.raises(ValueError, match="unknown goal 'cooking'"):
        decision_relevance(tiny_graph, "cooking", 2026)
    with pytest.raises(ValueError, match="unknown goal"):
        relevance_over_years(tiny_graph, "adam", ["cooking"], [2026])


def test_scores_mapping(tiny_graph: Graph) -> None:
    scores = decision_relevance(tiny_graph, "build", 2026)
    assert list(scores) == list(tiny_graph.concepts)
    assert len(scores) == 8
    assert scores.p("adam") == scores["adam"].p
    assert scores.probabilities()["adam"] == scores["adam"].p
    assert dict(scores)["momentum"] == scores["momentum"]
    with pytest.raises(KeyError):
        scores["nope"]


def test_top_reasons(tiny_graph: Graph) -> None:
    assert decision_relevance(tiny_graph, "interview", 2026, top_reasons=1)[
        "gradient-descent"].reasons[0].decision_id == "explain-descent"
    rel = decision_relevance(tiny_graph, "build", 2026, top_reasons=0)["adam"]
    assert rel.reasons == () and rel.p > 0


def test_why_is_a_short_sentence(tiny_graph: Graph) -> None:
    why = decision_relevance(tiny_graph, "build", 2026)["floating-point"].why
    assert why == ["Training loss diverges: lower the learning rate or change the optimiser? "
                   "(faced 70% of the time; reach 0.010 via adam → float16)"]
    direct = decision_relevance(tiny_graph, "build", 2026)["adam"].why[0]
    assert direct.endswith("(faced 70% of the time; reach 0.35 directly)")
    long = Reason("d", "x" * 200, 0.5, 2e-5, 1e-5, (Step("a", "informs", 2e-5),))
    assert long.describe() == "x" * 89 + "… (faced 50% of the time; reach 2.0e-05 directly)"


def test_rank_orders_by_p_then_name(tiny_graph: Graph) -> None:
    ranked = rank(tiny_graph, "build", 2026)
    assert [cid for cid, _ in ranked][:4] == ["gradient-descent", "adam", "momentum", "float16"]
    ps = [rel.p for _, rel in ranked]
    assert ps == sorted(ps, reverse=True)
    assert [cid for cid, _ in rank(tiny_graph, "build", 2026, limit=2)] == [
        "gradient-descent", "adam"]
    # Equal scores: alphabetical by name.
    tied = _graph({"b": {}, "a": {}}, [("d", True, 0.5, {"a": 0.5, "b": 0.5})])
    assert [cid for cid, _ in rank(tied, "build", 2026)] == ["a", "b"]


def test_concept_relevance_agrees_with_the_whole_graph(tiny_graph: Graph) -> None:
    for goal in ("build", "interview", "research"):
        for year in (1980, 2000, 2017.5, 2026, 2050):
            scores = decision_relevance(tiny_graph, goal, year)
            for cid in tiny_graph.concepts:
                one = concept_relevance(tiny_graph, cid, goal, year)
                assert one.p == approx(scores[cid].p), (goal, year, cid)
                assert [r.decision_id for r in one.reasons] == [
                    r.decision_id for r in scores[cid].reasons]
                assert [r.reach for r in one.reasons] == [
                    approx(r.reach) for r in scores[cid].reasons]
    with pytest.raises(KeyError):
        concept_relevance(tiny_graph, "nope", "build", 2026)


def test_relevance_over_years(tiny_graph: Graph) -> None:
    years = list(range(1980, 2031, 5))
    series = relevance_over_years(tiny_graph, "gradient-descent", ["build", "interview"], years)
    assert set(series) == {"build", "interview"}
    assert [y for y, _ in series["build"]] == years
    for goal, points in series.items():
        for year, p in points:
            assert p == approx(decision_relevance(tiny_graph, goal, year)["gradient-descent"].p)
    # gradient descent's tooling matures over time, so it matters less for building
    build = [p for _, p in series["build"]]
    assert build == sorted(build, reverse=True) and build[0] > build[-1]


def test_cached_years_do_not_mix(tiny_graph: Graph) -> None:
    first = decision_relevance(tiny_graph, "build", 2026).probabilities()
    for year in (1990, 2000, 2010, 2020, 2030):
        decision_relevance(tiny_graph, "build", year)
    assert decision_relevance(tiny_graph, "build", 2026).probabilities() == first
    assert decision_relevance(tiny_graph, "build", 2000).probabilities() != first


def test_duplicate_and_unknown_links_are_harmless() -> None:
    g = _graph({"a": {"maturity": ((2000, 0.5),)}},
               [("d", True, 1.0, {"a": 0.4, "ghost": 0.9})])
    doubled = dataclasses.replace(g.decisions["d"], informed_by=(
        *g.decisions["d"].informed_by, Influence("a", 0.8)))
    g2 = dataclasses.replace(g, decisions={"d": doubled})
    assert decision_relevance(g, "build", 2026)["a"].p == approx(0.4 * 0.5)
    assert decision_relevance(g2, "build", 2026)["a"].p == approx(0.8 * 0.5)


def test_cycles_across_kinds_terminate() -> None:
    # requires and built_on are each acyclic after loading, but their union need not be.
    g = _graph({"a": {"requires": ("b",)}, "b": {"built_on": ("a",)}},
               [("d", True, 1.0, {"a": 1.0})])
    scores = decision_relevance(g, "build", 2026)
    assert scores["a"].p == approx(1.0)
    assert scores["b"].p == approx(PREREQ_DECAY)
    assert concept_relevance(g, "b", "build", 2026).p == approx(PREREQ_DECAY)


def test_tiny_chains_are_dropped() -> None:
    # Ten prerequisite hops of 0.6 leave 0.006; twenty-eight leave under MIN_REACH.
    n = 30
    concepts = {f"c{i}": {"requires": (f"c{i + 1}",)} for i in range(n - 1)}
    concepts[f"c{n - 1}"] = {}
    g = _graph(concepts, [("d", True, 1.0, {"c0": 1.0})])
    scores = decision_relevance(g, "build", 2026)
    assert scores["c10"].p == approx(PREREQ_DECAY ** 10)
    assert scores["c27"].p >= MIN_REACH > scores["c28"].p == 0.0


def test_descendants_count(tiny_graph: Graph) -> None:
    counts = descendants_count(tiny_graph)
    # transistor ← gpu ← autodiff ← gradient-descent ← momentum ← adam
    assert counts["transistor"] == 5
    assert counts["floating-point"] == 2
    assert counts["adam"] == 0


def test_result_types(tiny_graph: Graph) -> None:
    rel = decision_relevance(tiny_graph, "build", 2026)["gpu"]
    assert isinstance(rel, Relevance) and isinstance(rel.reasons[0], Reason)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rel.p = 1.0  # type: ignore[misc]


def _graph(concepts: dict[str, dict], decisions: list[tuple[str, bool, float, dict]]) -> Graph:
    """A graph from {id: {requires, built_on, maturity}} and (id, sensitive, build frequency,
    {concept: strength}) decisions."""
    return Graph(
        layers=(Layer("x", "X", 0),),
        goals=(Goal("build", "Build"),),
        concepts={
            cid: Concept(cid, cid.upper(), "x", "s", maturity=spec.get("maturity", ()),
                         requires=tuple(Link(r) for r in spec.get("requires", ())),
                         built_on=tuple(Link(b) for b in spec.get("built_on", ())))
            for cid, spec in concepts.items()},
        decisions={
            did: Decision(did, did, "debug", sensitive, (("build", f),),
                          tuple(Influence(c, s) for c, s in links.items()))
            for did, sensitive, f, links in decisions},
    )


def test_a_concept_scores_nothing_before_it_was_introduced(tiny_graph):
    """Adam (introduced 2014 here) neither scores nor passes reach to momentum before then."""
    from dataclasses import replace

    from explorer.domain.model import Graph
    from explorer.domain.relevance import concept_relevance, decision_relevance

    concepts = dict(tiny_graph.concepts)
    concepts["adam"] = replace(concepts["adam"], introduced=2014)
    graph = Graph(tiny_graph.layers, tiny_graph.goals, concepts, tiny_graph.decisions)
    before, after = (decision_relevance(graph, "build", y) for y in (2010, 2020))
    assert before["adam"].p == 0.0 and after["adam"].p > 0.0
    # momentum is reached only through adam's decision link: nothing before 2014
    assert all("adam" not in r.route() for r in before["momentum"].reasons)
    for year in (2010, 2020):
        for cid in ("adam", "momentum", "gradient-descent"):
            whole = decision_relevance(graph, "build", year)[cid].p
            assert concept_relevance(graph, cid, "build", year).p == pytest.approx(whole)
