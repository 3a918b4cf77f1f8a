"""Properties of decision relevance on random graphs (docs/relevance.md): bounded, monotone in the
right directions, and equal to a brute-force search over every chain."""

from __future__ import annotations

import dataclasses
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.bench.synthetic import synthetic_graph
from explorer.domain.model import GOALS, Concept, Decision, Goal, Graph, Influence, Layer, Link
from explorer.domain.relevance import (
    MIN_REACH,
    PREREQ_DECAY,
    concept_relevances,
    decision_relevance,
)

TOL = 1e-9
PROPS = settings(max_examples=80, deadline=None)
unit = st.floats(0, 1, allow_nan=False)
years = st.sampled_from([1975, 1990, 2000, 2012.5, 2026, 2040])


@st.composite
def graphs(draw) -> Graph:
    """Up to 7 concepts; `requires`/`built_on` edges between any two (so the union may have
    cycles), random maturity curves, and up to 4 decisions with random frequencies."""
    n = draw(st.integers(1, 7))
    ids = [f"c{i}" for i in range(n)]
    pairs = [(a, b) for a in ids for b in ids if a != b]
    concepts = {}
    for cid in ids:
        curve_years = sorted(draw(st.sets(st.integers(1970, 2040), max_size=3)))
        maturity = tuple((y, draw(unit)) for y in curve_years)
        out = [b for a, b in pairs if a == cid]
        requires = draw(st.lists(st.sampled_from(out), unique=True, max_size=3)) if out else []
        built_on = draw(st.lists(st.sampled_from(out), unique=True, max_size=2)) if out else []
        concepts[cid] = Concept(cid, cid, "x", "s", maturity=maturity,
                                requires=tuple(map(Link, requires)),
                                built_on=tuple(map(Link, built_on)))
    decisions = {}
    for k in range(draw(st.integers(0, 4))):
        links = draw(st.lists(st.tuples(st.sampled_from(ids), unit), max_size=3))
        frequency = tuple((g, draw(unit)) for g in GOALS if draw(st.booleans()))
        decisions[f"d{k}"] = Decision(f"d{k}", f"decision {k}", "debug", draw(st.booleans()),
                                      frequency, tuple(Influence(c, s) for c, s in links))
    return Graph((Layer("x", "X", 0),), tuple(Goal(g, g) for g in GOALS), concepts, decisions)


def scores(graph: Graph, goal: str, year: float) -> dict[str, float]:
    return decision_relevance(graph, goal, year).probabilities()


def no_lower(before: dict[str, float], after: dict[str, float]) -> bool:
    return all(after[c] >= before[c] - TOL for c in before)


@PROPS
@given(graphs(), st.sampled_from(GOALS), years)
def test_scores_are_probabilities(graph: Graph, goal: str, year: float) -> None:
    assert all(0.0 <= p <= 1.0 for p in scores(graph, goal, year).values())


@PROPS
@given(graphs(), st.sampled_from(GOALS), years)
def test_matches_brute_force_over_every_chain(graph: Graph, goal: str, year: float) -> None:
    fast = decision_relevance(graph, goal, year)
    for cid, expected in brute_force(graph, goal, year).items():
        assert math.isclose(fast[cid].p, expected, rel_tol=1e-9, abs_tol=1e-12), cid


@PROPS
@given(graphs(), years)
def test_one_concept_agrees_with_the_whole_graph(graph: Graph, year: float) -> None:
    for cid in graph.concepts:
        one = concept_relevances(graph, cid, GOALS, year)
        for goal in GOALS:
            whole = decision_relevance(graph, goal, year)[cid]
            assert math.isclose(one[goal].p, whole.p, rel_tol=1e-9, abs_tol=1e-12)


@PROPS
@given(graphs(), st.sampled_from(GOALS), years)
def test_reasons_explain_the_score(graph: Graph, goal: str, year: float) -> None:
    edges = {(a, b, kind) for a, b, kind, _ in graph.edges(("requires", "built_on"))}
    for cid, rel in decision_relevance(graph, goal, year, top_reasons=10).items():
        q = 1.0
        for reason in rel.reasons:
            q *= 1 - reason.contribution
            assert math.isclose(math.prod(s.factor for s in reason.chain), reason.reach,
                                rel_tol=1e-9)
            assert reason.chain[0].relation == "informs" and reason.chain[-1].concept_id == cid
            for a, b in zip(reason.chain, reason.chain[1:], strict=False):
                assert (a.concept_id, b.concept_id, b.relation) in edges
        # Up to 4 decisions, so the top 10 reasons are all of them.
        assert math.isclose(1 - q, rel.p, abs_tol=1e-12)
        contributions = [r.contribution for r in rel.reasons]
        assert contributions == sorted(contributions, reverse=True)


@PROPS
@given(graphs(), st.sampled_from(GOALS), years, st.data())
def test_raising_a_frequency_never_lowers_a_score(graph, goal, year, data) -> None:
    if not graph.decisions:
        return
    did = data.draw(st.sampled_from(sorted(graph.decisions)))
    d = graph.decisions[did]
    f = d.frequency_for(goal)
    higher = data.draw(st.floats(f, 1))
    raised = dataclasses.replace(
        d, frequency=(*((g, v) for g, v in d.frequency if g != goal), (goal, higher)))
    after = dataclasses.replace(graph, decisions={**graph.decisions, did: raised})
    assert no_lower(scores(graph, goal, year), scores(after, goal, year))


@PROPS
@given(graphs(), st.sampled_from(GOALS), years, st.data())
def test_raising_a_maturity_never_raises_a_score(graph, goal, year, data) -> None:
    cid = data.draw(st.sampled_from(sorted(graph.concepts)))
    c = graph.concepts[cid]
    if c.maturity:
        k = data.draw(st.integers(0, len(c.maturity) - 1))
        y, v = c.maturity[k]
        maturity = (*c.maturity[:k], (y, data.draw(st.floats(v, 1))), *c.maturity[k + 1:])
    else:  # no curve means maturity 0 everywhere: any curve raises it
        maturity = ((data.draw(st.integers(1970, 2040)), data.draw(unit)),)
    after = dataclasses.replace(
        graph, concepts={**graph.concepts, cid: dataclasses.replace(c, maturity=maturity)})
    assert no_lower(scores(after, goal, year), scores(graph, goal, year))


@PROPS
@given(graphs(), st.sampled_from(GOALS), years, st.data())
def test_adding_an_informed_by_link_never_lowers_a_score(graph, goal, year, data) -> None:
    if not graph.decisions:
        return
    did = data.draw(st.sampled_from(sorted(graph.decisions)))
    link = Influence(data.draw(st.sampled_from(sorted(graph.concepts))), data.draw(unit))
    d = graph.decisions[did]
    after = dataclasses.replace(graph, decisions={
        **graph.decisions, did: dataclasses.replace(d, informed_by=(*d.informed_by, link))})
    assert no_lower(scores(graph, goal, year), scores(after, goal, year))


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(GOALS), years)
def test_synthetic_graphs_match_one_concept_searches(seed: int, goal: str, year: float) -> None:
    graph = synthetic_graph(300, 20, seed=seed)
    whole = decision_relevance(graph, goal, year)
    for cid in list(graph.concepts)[::37]:
        one = concept_relevances(graph, cid, [goal], year)[goal]
        assert math.isclose(one.p, whole.p(cid), rel_tol=1e-9, abs_tol=1e-12)


def brute_force(graph: Graph, goal: str, year: float) -> dict[str, float]:
    """The model of docs/relevance.md read literally: every simple chain from every informing
    concept, the best one per decision (cycles never help, as every factor is at most 1)."""
    leak = {cid: 1 - c.maturity_at(year) for cid, c in graph.concepts.items()}

    def walk(node: str, value: float, seen: frozenset, sensitive: bool, best: dict) -> None:
        if value < MIN_REACH:
            return
        best[node] = max(best.get(node, 0.0), value)
        c = graph.concepts[node]
        for link in c.requires:
            if link.id not in seen:
                w = value * PREREQ_DECAY * (leak[link.id] if sensitive else 1.0)
                walk(link.id, w, seen | {link.id}, sensitive, best)
        if sensitive:
            for link in c.built_on:
                if link.id not in seen:
                    walk(link.id, value * leak[link.id], seen | {link.id}, sensitive, best)

    q = dict.fromkeys(graph.concepts, 1.0)
    for d in graph.decisions.values():
        reach: dict[str, float] = {}
        for inf in d.informed_by:
            start = inf.strength * (leak[inf.id] if d.maturity_sensitive else 1.0)
            walk(inf.id, start, frozenset([inf.id]), d.maturity_sensitive, reach)
        for cid, r in reach.items():
            q[cid] *= 1 - d.frequency_for(goal) * r
    return {cid: 1 - v for cid, v in q.items()}
