"""Decision relevance: how likely knowing a concept is to change a decision you face.

The model is explained, with a worked example, in docs/relevance.md.

For a goal g and a year t, every concept c gets

    P(c | g, t) = 1 − Π_d (1 − frequency(d, g) × reach(c, d))

where reach(c, d) is the best chain from a concept that informs decision d down to c:

- the first link, d informed by u with strength s, is worth s × leak(u, t), with
  leak(x, t) = 1 − maturity(x, t): the chance that x's tooling does not hide it;
- a `built_on` hop down to x multiplies by leak(x, t) (every layer on the chain must leak);
- a `requires` hop down to x multiplies by PREREQ_DECAY × leak(x, t).

A decision that is not maturity-sensitive (an interview question) ignores leaks and does not go
through `built_on` at all: mature tools do not remove the need to explain u, but they do not make
the layers beneath u part of the answer either.

Every factor is at most 1, so the best chain can be found by a best-first search (Dijkstra on
products) from the concepts that inform each decision. Reaches depend on the year but not on the
goal, so they are cached per year: switching goals re-uses them.

>>> from explorer.domain.model import Concept, Decision, Goal, Graph, Influence, Layer, Link
>>> graph = Graph(
...     layers=(Layer("math", "Math", 0),), goals=(Goal("build", "Build"),),
...     concepts={
...         "adam": Concept("adam", "Adam", "math", "An optimiser.", maturity=((2026, 0.5),),
...                         requires=(Link("momentum"),)),
...         "momentum": Concept("momentum", "Momentum", "math", "A running average."),
...     },
...     decisions={"diverges": Decision(
...         "diverges", "Training diverges", "debug", frequency=(("build", 0.5),),
...         informed_by=(Influence("adam", 0.8),))},
... )
>>> scores = decision_relevance(graph, "build", 2026)
>>> round(scores["adam"].p, 4), round(scores["momentum"].p, 4)  # 0.5×0.8×0.5, then × 0.6×1
(0.2, 0.12)
>>> scores["momentum"].reasons[0].describe()
'Training diverges (faced 50% of the time; reach 0.24 via adam)'
"""
from __future__ import annotations

import heapq
import statistics
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from explorer.domain.model import Graph
from explorer.domain.reach import (
    BUILT_ON,
    MIN_REACH,
    PREREQ_DECAY,
    REQUIRES,
    Index,
    Reason,
    Step,
    Table,
    clamp,
    forget_index,
    gc_paused,
    index_of,
)


@dataclass(frozen=True)
class Relevance:
    """The probability that knowing a concept changes a decision you face, and why: `reasons`
    are the contributions, biggest first (all of them unless a caller asked for fewer), and
    1 − Π(1 − contribution) over all of them is `p`."""

    p: float
    reasons: tuple[Reason, ...] = ()

    @property
    def why(self) -> list[str]:
        return [r.describe() for r in self.reasons]

    def rest(self, shown: int) -> tuple[int, float]:
        """(how many contributions lie beyond the first `shown`, how much they add to p): the
        card's "N more decisions add X%"."""
        q = 1.0
        for r in self.reasons[:shown]:
            q *= 1.0 - r.contribution
        return max(0, len(self.reasons) - shown), max(0.0, self.p - (1.0 - q))

    def to_dict(self) -> dict:
        """{"p", "contributions": [{decision, frequency, reach, contribution, chain}], "why"}."""
        return {"p": self.p, "contributions": [r.to_dict() for r in self.reasons],
                "why": self.why[:3]}


NONE = Relevance(0.0)


class Scores(Mapping[str, Relevance]):
    """Every concept's relevance for one goal and year, as a read-only mapping id → Relevance.

    The probabilities are computed up front; a concept's reasons (and their chains) only when
    it is looked up, so colouring 100k nodes does not pay for 100k explanations.
    """

    def __init__(self, index: Index, p: list[float], active: list[tuple[int, float, Table]],
                 top_reasons: int | None, year: float):
        self._index, self._p, self._year = index, p, year
        self._active, self._top = active, top_reasons
        self._made: dict[str, Relevance] = {}

    def __getitem__(self, concept_id: str) -> Relevance:
        made = self._made.get(concept_id)
        if made is None:
            made = self._made[concept_id] = self._make(self._index.pos[concept_id])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.ids)

    def __len__(self) -> int:
        return len(self._p)

    def p(self, concept_id: str) -> float:
        """The probability alone, without building the explanation."""
        return self._p[self._index.pos[concept_id]]

    def probabilities(self) -> dict[str, float]:
        return dict(zip(self._index.ids, self._p, strict=True))

    def _make(self, i: int) -> Relevance:
        p = self._p[i]
        if p <= 0.0:
            return NONE
        if self._top == 0:
            return Relevance(p)
        # (contribution, -decision index) is unique, so the tables themselves never compare.
        found = [(f * table[0][i], -k, f, table) for k, f, table in self._active
                 if i in table[0]]
        # Biggest first; ties: the earlier decision.
        best = heapq.nlargest(self._top, found) if self._top else sorted(found, reverse=True)
        return Relevance(p, tuple(self._index.reason_forward(i, -k, f, table, self._year)
                                  for _, k, f, table in best))


def decision_relevance(graph: Graph, goal: str, year: float, *,
                       top_reasons: int | None = 3,
                       frequencies: Mapping[str, float] | None = None) -> Scores:
    """P(c | goal, year) for every concept, each with its `top_reasons` biggest contributions
    (None: every one). `frequencies` (decision id → 0..1, a profile's own) replace the goal's
    for the decisions they name.

    Costs one best-first search per decision the goal faces (cached per year), so about
    O(decisions × edges) for a new year and O(decision-concept pairs) for a new goal. The
    result is a read-only mapping concept id → Relevance whose reasons are built on lookup.
    """
    index = index_of(graph)
    index.check_goal(goal)
    tables = index.reaches(year)
    q = [1.0] * len(index.ids)
    active: list[tuple[int, float, Table]] = []
    own = dict(frequencies or {})
    with gc_paused():
        for k, dec in enumerate(index.decisions):
            f = index.frequency(k, goal, own)
            if f <= 0.0:
                continue
            table = tables.get(k)
            if table is None:
                table = tables[k] = index.propagate(dec, year)
            active.append((k, f, table))
            for i, r in table[0].items():
                q[i] *= 1.0 - f * r
    p = [clamp(1.0 - x) if index.exists(i, year) else 0.0 for i, x in enumerate(q)]
    return Scores(index, p, active, top_reasons, year)


def rank(graph: Graph, goal: str, year: float, *, limit: int | None = None,
         top_reasons: int | None = 3,
         frequencies: Mapping[str, float] | None = None) -> list[tuple[str, Relevance]]:
    """Concepts by relevance, highest first (ties by name, so the order is stable); the first
    `limit` of them if given."""
    scores = decision_relevance(graph, goal, year, top_reasons=top_reasons,
                                frequencies=frequencies)
    names = graph.concepts
    order = sorted(scores, key=lambda cid: (-scores.p(cid), names[cid].name, cid))
    return [(cid, scores[cid]) for cid in order[:limit]]


def concept_relevance(graph: Graph, concept_id: str, goal: str, year: float, *,
                      top_reasons: int | None = 3,
                      frequencies: Mapping[str, float] | None = None) -> Relevance:
    """The relevance of one concept, searching only what lies above it (for a concept card).

    Gives the same numbers as `decision_relevance` without scoring the whole graph.
    """
    return concept_relevances(graph, concept_id, (goal,), year, top_reasons=top_reasons,
                              frequencies=frequencies)[goal]


def concept_relevances(graph: Graph, concept_id: str, goals: Iterable[str], year: float, *,
                       top_reasons: int | None = 3,
                       frequencies: Mapping[str, float] | None = None) -> dict[str, Relevance]:
    """`concept_relevance` for several goals at once (one search serves them all)."""
    index = index_of(graph)
    goals = list(goals)
    target = index.target(concept_id, goals)
    return _relevances(index, target, goals, year, top_reasons, dict(frequencies or {}))


def _plain(index: Index, target: int, year: float, unfiltered: Table | None) -> Table:
    """The upward search for decisions that are not maturity-sensitive in `year`: the search
    that ignores years when every concept it reached exists then (it is the same table), else
    one that skips the concepts not yet introduced."""
    if unfiltered is not None and all(index.exists(i, year) for i in unfiltered[0]):
        return unfiltered
    return index.search_up(target, None, year)


def _relevances(index: Index, target: int, goals: list[str], year: float,
                top_reasons: int | None, own: dict[str, float],
                unfiltered: Table | None = None) -> dict[str, Relevance]:
    reaches, up_tables = index.reach_to(target, year, _plain(index, target, year, unfiltered))
    out = {}
    for goal in goals:
        q = 1.0
        contributions = []
        for k, (r, u) in reaches.items():
            f = index.frequency(k, goal, own)
            if f > 0.0:
                q *= 1.0 - f * r
                contributions.append((f * r, k, u, f))
        reasons: tuple = ()
        if top_reasons != 0:  # the era chart needs only p
            contributions.sort(key=lambda cku: (-cku[0], cku[1]))
            reasons = tuple(index.reason_backward(k, u, f, year, up_tables)
                            for _, k, u, f in contributions[:top_reasons])
        out[goal] = Relevance(clamp(1.0 - q), reasons) if q < 1.0 else NONE
    return out


def relevance_over_years(graph: Graph, concept_id: str, goals: Iterable[str],
                         years: Iterable[float], *,
                         frequencies: Mapping[str, float] | None = None
                         ) -> dict[str, list[tuple[float, float]]]:
    """{goal: [(year, p), …]} for one concept: the data of the "score across eras" chart.

    Costs one upward search per year, and one more for decisions that are not
    maturity-sensitive (again for a year when a concept on their chains did not exist yet).
    """
    index = index_of(graph)
    goals, years = list(goals), list(years)
    target = index.target(concept_id, goals)
    own = dict(frequencies or {})
    unfiltered = index.search_up(target, None)
    out: dict[str, list[tuple[float, float]]] = {g: [] for g in goals}
    for year in years:
        for goal, rel in _relevances(index, target, goals, year, 0, own, unfiltered).items():
            out[goal].append((year, rel.p))
    return out


def bench_relevance(graph: Graph, goal: str = "build", year: float = 2026, *,
                    runs: int = 5) -> dict[str, float]:
    """Timings in milliseconds (medians over `runs`) for the benchmark command:

    - `index_ms`: the adjacency built once per graph;
    - `new_year_ms`: every concept's p for a year not seen yet (the cached reaches dropped);
    - `new_goal_ms`: every concept's p for another goal, at a year already computed;
    - `explain_ms`: the reasons of the 150 top concepts (what a page of nodes shows);
    - `card_ms`: one concept's relevance for every goal, searched upward (a concept card).
    """
    forget_index(graph)
    start = time.perf_counter()
    index = index_of(graph)
    index_ms = (time.perf_counter() - start) * 1000
    goals = sorted(index.goals)
    other = next((g for g in goals if g != goal), goal)
    new_year, new_goal, explain, card = [], [], [], []
    for _ in range(runs):
        index.forget_years()
        start = time.perf_counter()
        scores = decision_relevance(graph, goal, year)
        new_year.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        decision_relevance(graph, other, year)
        new_goal.append((time.perf_counter() - start) * 1000)
        top = heapq.nlargest(150, scores, key=scores.p)
        start = time.perf_counter()
        for cid in top:
            scores[cid].why  # noqa: B018  (building the explanation is what is timed)
        explain.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        if top:
            concept_relevances(graph, top[-1], goals, year)
        card.append((time.perf_counter() - start) * 1000)
    med = statistics.median
    return {"concepts": len(graph.concepts), "decisions": len(graph.decisions),
            "index_ms": index_ms, "new_year_ms": med(new_year), "new_goal_ms": med(new_goal),
            "explain_ms": med(explain), "card_ms": med(card)}


# --- the index: adjacency and decisions as integers, built once per graph -----------------------

def descendants_count(graph: Graph) -> dict[str, int]:
    """How many concepts transitively require or are built on each concept ("foundational")."""
    index = index_of(graph)
    counts = {}
    up_b, up_r = index.up[BUILT_ON], index.up[REQUIRES]
    for i, cid in enumerate(index.ids):
        seen, stack = {i}, [i]
        while stack:
            j = stack.pop()
            for x in (*up_b[j], *up_r[j]):
                if x not in seen:
                    seen.add(x)
                    stack.append(x)
        counts[cid] = len(seen) - 1
    return counts


__all__ = [
    "PREREQ_DECAY", "MIN_REACH", "Step", "Reason", "Relevance", "decision_relevance", "rank",
    "concept_relevance", "concept_relevances", "relevance_over_years", "bench_relevance",
    "descendants_count", "Scores",
]
