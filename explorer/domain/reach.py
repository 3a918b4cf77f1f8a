"""Reach: the best chain from each decision down to the concepts it depends on.

The machinery behind `relevance.py`: an integer adjacency of the graph built once per graph
object, per-year caches of leaks and reach tables, and the two searches that fill them (forward
from a decision's informing concepts, upward from one concept). The formulas are in the
docstring of `relevance.py` and in docs/relevance.md.
"""

from __future__ import annotations

import heapq
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from explorer.domain import relations
from explorer.domain.model import GOALS, Graph, gc_paused, interpolate

# Understanding u needs its prerequisite c less often than u itself: each `requires` hop keeps 60%.
# A guess, written down once; docs/relevance.md explains it.
PREREQ_DECAY = 0.6
# Chains worth less than this are dropped: they change a score by under 1e-6 per decision, and
# without a floor a 100k-concept graph would walk every chain down to the transistors.
MIN_REACH = 1e-6
# Years whose reaches stay cached per graph (the era slider moves between a few).
CACHED_YEARS = 4

INFORMS, BUILT_ON, REQUIRES = "informs", relations.LAYER, relations.PREREQUISITE


@dataclass(frozen=True)
class Step:
    """One link of a chain: `concept_id`, how the chain got there, and the factor it costs.

    The first step is the concept that informs the decision (relation "informs"); each further
    step goes down one `built_on` or `requires` edge. `factor` = `weight` × `leak`, where the
    weight is the strength of the informing link, PREREQ_DECAY for a `requires` hop or 1 for a
    `built_on` hop, and the leak is 1 − maturity of this step's concept in the year (1 for a
    decision that is not maturity-sensitive). A chain's reach is the product of its factors.
    """

    concept_id: str
    relation: str
    factor: float
    weight: float = 1.0
    leak: float = 1.0

    def to_dict(self) -> dict:
        return {"id": self.concept_id, "relation": self.relation, "factor": self.factor,
                "weight": self.weight, "leak": self.leak}


@dataclass(frozen=True)
class Reason:
    """One decision behind a score: frequency × reach = contribution, and the chain of reach."""

    decision_id: str
    decision_text: str
    frequency: float
    reach: float
    contribution: float
    chain: tuple[Step, ...]
    sensitive: bool = True  # False: mature tools do not hide this decision, every leak is 1

    def route(self) -> str:
        """'directly' or 'via adam → momentum' (the chain above the concept itself)."""
        above = [s.concept_id for s in self.chain[:-1]]
        return "via " + " → ".join(above) if above else "directly"

    def describe(self, max_text: int = 90) -> str:
        text = self.decision_text
        if len(text) > max_text:
            text = text[: max_text - 1].rstrip() + "…"
        return (f"{text} (faced {self.frequency:.0%} of the time; "
                f"reach {_num(self.reach)} {self.route()})")

    def formula(self, names: dict[str, str] | None = None) -> str:
        """Every factor, multiplied out: 'faced 60% of the time × strength 0.85 × leak 0.50
        = 0.26'. In a chain of several steps each names its concept (`names`: id → name)."""
        parts = [f"faced {percent(self.frequency)} of the time"]
        named = len(self.chain) > 1  # one step: the card's own concept, no need to name it
        for step in self.chain:
            name = (names or {}).get(step.concept_id, step.concept_id)
            where = f" ({name})" if named else ""
            if step.relation == INFORMS:
                parts.append(f"strength {_num(step.weight)}")
            elif step.relation == REQUIRES:
                parts.append(f"prerequisite {_num(step.weight)}")
            if self.sensitive:
                parts.append(f"leak {_num(step.leak)}{where}")
            elif step.relation != BUILT_ON:
                parts[-1] += where
        tail = "" if self.sensitive else " (mature tools do not remove this decision: no leaks)"
        return " × ".join(parts) + f" = {_num(self.contribution)}{tail}"

    def to_dict(self) -> dict:
        return {"decision": self.decision_id, "frequency": self.frequency, "reach": self.reach,
                "contribution": self.contribution,
                "chain": [step.to_dict() for step in self.chain]}


@dataclass(frozen=True)
class _Decision:
    id: str
    text: str
    sensitive: bool
    frequency: dict[str, float]
    sources: dict[int, float]  # concept index -> strength (the max, if a concept is listed twice)


# A reach table: ({concept index: reach}, {concept index: previous index × 2 + 1 if the hop was
# `requires`}), the previous index being -1 for a concept that informs the decision.
Table = tuple[dict[int, float], dict[int, int]]


class Index:
    """Integer adjacency of one graph, and per-year caches of leaks and reach tables.

    Graphs are treated as immutable: build a new Graph (and so a new index) to change one.
    """

    def __init__(self, graph: Graph):
        self.ids = list(graph.concepts)
        self.pos = {cid: i for i, cid in enumerate(self.ids)}
        self.goals = {g.id for g in graph.goals} or set(GOALS)
        concepts = list(graph.concepts.values())
        self.maturity = [c.maturity for c in concepts]
        self.introduced = [c.introduced for c in concepts]
        n = len(concepts)
        # Down (toward the prerequisite / the hidden layer) and up, one list per relation.
        self.down = {BUILT_ON: [[] for _ in range(n)], REQUIRES: [[] for _ in range(n)]}
        self.up = {BUILT_ON: [[] for _ in range(n)], REQUIRES: [[] for _ in range(n)]}
        # Every kind the registry lets relevance cross joins the list of its hop (a kind with
        # relevance "requires" decays like a prerequisite; "built_on" leaks like a layer).
        hops = [(r.name, r.relevance) for r in relations.all_relations() if r.relevance]
        for i, c in enumerate(concepts):
            for kind, relation in hops:
                for link in c.links(kind):
                    j = self.pos.get(link.id)
                    if j is not None and j != i:
                        self.down[relation][i].append(j)
                        self.up[relation][j].append(i)
        self.decisions: list[_Decision] = []
        self.informs: dict[int, list[int]] = {}  # concept index -> decisions it informs
        for d in graph.decisions.values():
            sources: dict[int, float] = {}
            for inf in d.informed_by:
                j = self.pos.get(inf.id)
                if j is not None:
                    sources[j] = max(sources.get(j, 0.0), clamp(inf.strength))
            for j in sources:
                self.informs.setdefault(j, []).append(len(self.decisions))
            self.decisions.append(
                _Decision(d.id, d.text, d.maturity_sensitive, dict(d.frequency), sources))
        self._lock = threading.Lock()
        self._below: dict[bool, bytearray] = {}
        self._leaks: OrderedDict[float, list[float]] = OrderedDict()
        self._tables: OrderedDict[float, dict[int, Table]] = OrderedDict()

    def target(self, concept_id: str, goals: list[str]) -> int:
        for goal in goals:
            self.check_goal(goal)
        if concept_id not in self.pos:
            raise KeyError(concept_id)
        return self.pos[concept_id]

    def check_goal(self, goal: str) -> None:
        if goal not in self.goals:
            raise ValueError(f"unknown goal '{goal}'; expected one of "
                             f"{', '.join(sorted(self.goals))}")

    def exists(self, i: int, year: float) -> bool:
        """A concept introduced after `year` cannot inform a decision or be scored then."""
        y = self.introduced[i]
        return y is None or year >= y

    def forget_years(self) -> None:
        with self._lock:
            self._leaks.clear()
            self._tables.clear()

    def leaks(self, year: float) -> list[float]:
        with self._lock:
            if year in self._leaks:
                self._leaks.move_to_end(year)
                return self._leaks[year]
        leak = [1.0 - clamp(interpolate(m, year)) if m else 1.0 for m in self.maturity]
        with self._lock:
            self._leaks[year] = leak
            while len(self._leaks) > CACHED_YEARS:
                self._leaks.popitem(last=False)
        return leak

    def reaches(self, year: float) -> dict[int, Table]:
        """The reach tables of `year` by decision index (filled lazily by the caller)."""
        with self._lock:
            if year not in self._tables:
                self._tables[year] = {}
                while len(self._tables) > CACHED_YEARS:
                    self._tables.popitem(last=False)
            self._tables.move_to_end(year)
            return self._tables[year]

    def propagate(self, dec: _Decision, year: float) -> Table:
        """The best chain from `dec` down to every concept it reaches.

        Dijkstra on products: every factor is ≤ 1, so the first time a concept is popped its
        value is final; chains that fall under MIN_REACH are never extended, and none passes
        through a concept not yet introduced in `year`.
        """
        floor, decay, exists = MIN_REACH, PREREQ_DECAY, self.exists
        leak = self.leaks(year) if dec.sensitive else None
        val: dict[int, float] = {}
        prev: dict[int, int] = {}
        for u, s in dec.sources.items():
            v = s * leak[u] if leak is not None else s
            if v >= floor and self.exists(u, year):
                val[u], prev[u] = v, -1
        heap = [(-v, u) for u, v in val.items()]
        heapq.heapify(heap)
        pop, push = heapq.heappop, heapq.heappush
        built_on, requires = self.down[BUILT_ON], self.down[REQUIRES]
        while heap:
            neg, i = pop(heap)
            v = -neg
            if v < val[i]:
                continue
            if leak is not None:
                for j in built_on[i]:
                    w = v * leak[j]
                    if w >= floor and w > val.get(j, 0.0) and exists(j, year):
                        val[j], prev[j] = w, i << 1
                        push(heap, (-w, j))
                vr = v * decay
                for j in requires[i]:
                    w = vr * leak[j]
                    if w >= floor and w > val.get(j, 0.0) and exists(j, year):
                        val[j], prev[j] = w, i << 1 | 1
                        push(heap, (-w, j))
            else:
                w = v * decay
                if w < floor:
                    continue
                for j in requires[i]:
                    if w > val.get(j, 0.0) and exists(j, year):
                        val[j], prev[j] = w, i << 1 | 1
                        push(heap, (-w, j))
        return val, prev

    def reason_forward(self, target: int, k: int, f: float, table: Table,
                       year: float) -> Reason:
        """The chain of decision `k` down to `target` in a forward table, `f` its frequency."""
        dec = self.decisions[k]
        leak = self.leaks(year) if dec.sensitive else None
        _, prev = table
        path = []  # (concept index, relation) from the target up to the informing concept
        i = target
        while True:
            p = prev[i]
            if p == -1:
                path.append((i, INFORMS))
                break
            path.append((i, REQUIRES if p & 1 else BUILT_ON))
            i = p >> 1
        path.reverse()
        return self._reason(dec, f, path, leak.__getitem__ if leak is not None else None)

    def reach_to(self, target: int, year: float, plain: Table) -> tuple[
            dict[int, tuple[float, int]], dict[bool, Table]]:
        """{decision index: (reach, informing concept)} for one concept, searching upward, and
        the two upward tables (for maturity-sensitive decisions or not) that hold the chains.

        g(x) is the best product of hop factors from x down to the target; a decision informed
        by u with strength s then reaches the target with s × leak(u) × g(u) (or s × g(u), over
        `requires` hops only, for a decision that is not maturity-sensitive). `plain` is
        `search_up(target, None, year)`, the search for those decisions.
        """
        leak = self._leak_fn(year)
        tables = {True: self.search_up(target, leak, year), False: plain}
        out: dict[int, tuple[float, int]] = {}
        if not self.exists(target, year):
            return out, tables
        for sensitive, (g, _) in tables.items():
            for u, gu in g.items():
                if not self.exists(u, year):
                    continue
                for k in self.informs.get(u, ()):
                    dec = self.decisions[k]
                    if dec.sensitive != sensitive:
                        continue
                    r = dec.sources[u] * (leak(u) if sensitive else 1.0) * gu
                    if r >= MIN_REACH and r > out.get(k, (0.0,))[0]:
                        out[k] = (r, u)
        return out, tables

    def _leak_fn(self, year: float):
        """leak(i) for `year`, from the cached list if there is one, else computed on demand."""
        with self._lock:
            cached = self._leaks.get(year)
        if cached is not None:
            return cached.__getitem__
        memo: dict[int, float] = {}

        def leak(i: int) -> float:
            if i not in memo:
                m = self.maturity[i]
                memo[i] = 1.0 - clamp(interpolate(m, year)) if m else 1.0
            return memo[i]
        return leak

    def search_up(self, target: int, leak, year: float | None = None) -> Table:
        """({x: g(x)}, {x: next concept toward the target × 2 + 1 if that hop is `requires`});
        `leak` None for the maturity-insensitive search (`requires` hops only, no leaks).

        Only concepts with a decision somewhere above them are visited: on a large graph most
        of what lies above a foundation informs nothing. With a `year`, no chain passes through
        a concept not yet introduced then.
        """
        below = self.below_informers(leak is not None)
        g: dict[int, float] = {target: 1.0}
        nxt: dict[int, int] = {target: -1}
        if not below[target]:
            return g, nxt
        heap = [(-1.0, target)]
        while heap:
            neg, j = heapq.heappop(heap)
            v = -neg
            if v < g[j]:
                continue
            hops = [(REQUIRES, v * PREREQ_DECAY * (leak(j) if leak else 1.0))]
            if leak is not None:
                hops.append((BUILT_ON, v * leak(j)))
            for relation, w in hops:
                if w < MIN_REACH:
                    continue
                for i in self.up[relation][j]:
                    if below[i] and w > g.get(i, 0.0) and (year is None or self.exists(i, year)):
                        g[i], nxt[i] = w, j << 1 | (relation == REQUIRES)
                        heapq.heappush(heap, (-w, i))
        return g, nxt

    def below_informers(self, sensitive: bool) -> bytearray:
        """1 for each concept that a decision (maturity-sensitive or not) can reach: an informing
        concept or anything under one along the hops that kind of decision takes."""
        with self._lock:
            cached = self._below.get(sensitive)
        if cached is not None:
            return cached
        relations = (BUILT_ON, REQUIRES) if sensitive else (REQUIRES,)
        below = bytearray(len(self.ids))
        stack = [u for u, ks in self.informs.items()
                 if any(self.decisions[k].sensitive == sensitive for k in ks)]
        for u in stack:
            below[u] = 1
        while stack:
            i = stack.pop()
            for relation in relations:
                for j in self.down[relation][i]:
                    if not below[j]:
                        below[j] = 1
                        stack.append(j)
        with self._lock:
            self._below[sensitive] = below
        return below

    def reason_backward(self, k: int, u: int, f: float, year: float,
                        tables: dict[bool, Table]) -> Reason:
        """The chain of decision `k`, informed by `u`, down to the target of upward `tables`."""
        dec = self.decisions[k]
        _, nxt = tables[dec.sensitive]
        path = [(u, INFORMS)]
        i = u
        while nxt[i] != -1:
            j = nxt[i] >> 1
            path.append((j, REQUIRES if nxt[i] & 1 else BUILT_ON))
            i = j
        return self._reason(dec, f, path, self._leak_fn(year) if dec.sensitive else None)

    def _reason(self, dec: _Decision, f: float, path: list[tuple[int, str]],
                leak) -> Reason:
        """A Reason whose every factor is weight × leak and whose reach is their product, so
        the numbers shown multiply out exactly."""
        steps = []
        reach = 1.0
        for i, relation in path:
            weight = (dec.sources[i] if relation == INFORMS
                      else PREREQ_DECAY if relation == REQUIRES else 1.0)
            lk = leak(i) if leak is not None else 1.0
            steps.append(Step(self.ids[i], relation, weight * lk, weight, lk))
            reach *= weight * lk
        return Reason(dec.id, dec.text, f, reach, f * reach, tuple(steps), dec.sensitive)

    def frequency(self, k: int, goal: str, own: dict[str, float] | None) -> float:
        """How often decision k is faced: the profile's own frequency if it set one, else the
        goal's."""
        dec = self.decisions[k]
        if own and dec.id in own:
            return own[dec.id]
        return dec.frequency.get(goal, 0.0)


_INDEXES: dict[int, tuple[weakref.ref, Index]] = {}


def index_of(graph: Graph) -> Index:
    """The index of `graph`, built on first use and kept while the graph lives."""
    key = id(graph)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0]() is graph:
        return hit[1]
    with gc_paused():
        index = Index(graph)
    _INDEXES[key] = (weakref.ref(graph, lambda _ref: _INDEXES.pop(key, None)), index)
    return index


def forget_index(graph: Graph) -> None:
    """Drop the cached index of `graph` (the benchmark times building it)."""
    _INDEXES.pop(id(graph), None)


def clamp(x: float) -> float:
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def percent(x: float) -> str:
    """A share as a percentage with two significant digits below 10%: 26%, 4.5%, 0.29%."""
    v = x * 100
    if v >= 9.95 or v == 0:
        return f"{v:.0f}%"
    return f"{v:.1f}%" if v >= 0.995 else f"{_num(v)}%"


def _num(x: float) -> str:
    """Two significant digits: 0.53, 0.0042, 2.0e-05."""
    if x >= 0.995 or x == 0:
        return f"{x:.2f}"
    if x < 0.001:
        return f"{x:.1e}"
    return f"{x:.{max(2, 1 - math.floor(math.log10(x)))}f}"
