"""The use-case layer: everything a front end shows, as plain dataclasses, from one object.

The page (`explorer.web`) and the command line (`explorer.cli`) call only `Explorer`; neither
assembles services itself, so both give the same answer to the same question with the same
defaults. `open_explorer()` is the one place that reads the environment (`explorer.settings`).

An `Explorer` is safe to share between threads (Streamlit sessions): the graph is immutable, the
store and progress take a connection or cursor per thread, scores are kept in a bounded
`functools.lru_cache` keyed by (goal, year, the profile's own decision frequencies), and the
search model loads once in the background.
"""

from __future__ import annotations

import difflib
import functools
import numbers
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np

from explorer import settings
from explorer.domain import atlas as _atlas
from explorer.domain import relations as _relations
from explorer.domain import resolve as _resolve
from explorer.domain.errors import BadInput, UnknownConcept
from explorer.domain.limits import MAX_QUERY_CHARS, MAX_UPLOAD_BYTES
from explorer.domain.loader import YEAR_RANGE, GraphError, load_graph
from explorer.domain.model import Concept, Decision, Evidence, Graph
from explorer.domain.network import leads_to, neighborhood, prerequisites
from explorer.domain.paths import NoPath, PathStep, connect, road
from explorer.domain.plan import Plan, learning_plan, plan_markdown
from explorer.domain.progress import (
    DEFAULT_PROFILE,
    FREQUENCY_WORDS,
    Summary,
    frequency_word,
    nearest_frequency_word,
    parse_frequency,
)
from explorer.domain.progress import check as check_progress
from explorer.domain.reach import percent
from explorer.domain.relevance import Relevance, Scores, decision_relevance, relevance_over_years
from explorer.domain.wander import HubShare, Suggestion, hub_shares, suggest, surprise_me
from explorer.interchange.problems import ImportFailed
from explorer.storage.graph_store import BuildRefused
from explorer.storage.progress import ProgressError, ProgressStore, open_progress
from explorer.storage.workspace import Workspace

__all__ = ["DEFAULT_GOAL", "DEFAULT_PROFILE", "ERA_RANGE", "MAX_QUERY_CHARS", "BadInput",
           "BuildRefused", "Card", "Explorer", "GraphError", "ImportFailed", "Link", "LinkNotice",
           "NoPath", "ProgressError", "UnknownConcept", "build", "default_year", "open_explorer",
           "relations", "validate"]

DEFAULT_GOAL = "build"
DEFAULT_CURIOSITY = 0.5
ERA_RANGE = (1980, 2030)
ERA_TICKS = tuple(range(ERA_RANGE[0], ERA_RANGE[1] + 1, 10))
DEFAULT_CONCEPT = "adam"
MAX_PROFILE_CHARS = 40
# The concept-valued fields of a link, with the name a notice gives each.
LINK_CONCEPTS = {"concept": "concept", "from": "path start", "to": "path end",
                 "target": "plan target"}
CARD_LIST_LIMIT = 12  # neighbours listed per relation on a card, the most relevant first
CARD_TOP_REASONS = 3  # contributions a card shows before "N more decisions add X%"
ONBOARDING_DECISIONS = 10  # "which of these do you face?": the goal's most frequent decisions


def default_year() -> int:
    """This year, within the era range: the era every front end starts in."""
    return min(max(time.gmtime().tm_year, ERA_RANGE[0]), ERA_RANGE[1])


@dataclass(frozen=True)
class Neighbour:
    id: str
    name: str
    relation: str  # the registry kind of the edge
    why: str
    p: float


@dataclass(frozen=True)
class Informs:
    decision_id: str
    text: str
    strength: float
    why: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Explained:
    """One contribution as the card shows it, every factor multiplied out."""

    decision_id: str
    text: str
    contribution: float
    formula: str  # "faced 60% of the time × strength 0.85 × leak 0.50 = 0.26"
    through: list[str]  # concepts on the chain above this one, nearest the decision first


@dataclass(frozen=True)
class Card:
    """Everything the concept card shows."""

    concept: Concept
    layer_name: str
    goal: str
    goal_name: str
    year: int
    relevance: Relevance
    below: list[Neighbour]  # what it builds on (structural edges out), most relevant first
    above: list[Neighbour]  # what it leads to (structural edges in)
    informs: list[Informs]  # strongest first
    eras: dict[str, list[tuple[float, float]]]  # goal -> [(year, p)] across ERA_TICKS
    known: bool
    bookmarked: bool
    explained: list[Explained] = field(default_factory=list)  # every contribution, biggest first
    shown: int = CARD_TOP_REASONS  # how many of `explained` the card shows before "more"
    not_yet: str | None = None  # "introduced in 2014: no decision in 2000 turned on it"
    era_marks: list[tuple[int, str]] = field(default_factory=list)  # (year, what) on the chart

    def sections(self) -> list[tuple[str, str, list[Neighbour]]]:
        """What it stands on and what stands on it, one list per relation heading (registry
        order: "Builds on", "Its tools are built on", then "Leads to", "Tools built on it"), as
        (heading, a stable key, neighbours)."""
        out = []
        for forward, items in ((True, self.below), (False, self.above)):
            side = "pre" if forward else "up"
            for rel in _relations.all_relations():
                found = [n for n in items if n.relation == rel.name]
                if found:
                    key = side if rel.name == _relations.PREREQUISITE else f"{side}-{rel.name}"
                    out.append((rel.heading_for(forward), key, found))
        return out

    def more(self) -> str | None:
        """'4 more decisions add 3.1%', or None when the card shows every contribution."""
        n, extra = self.relevance.rest(self.shown)
        if not n:
            return None
        return f"{n} more decision{'s' * (n != 1)} add{'s' * (n == 1)} {percent(extra)}"


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    frequency: float  # what the scores use: the profile's own if it set one, else the goal's
    informed_by: list[tuple[str, str, float, str]]  # (id, name, strength, why), strongest first
    goal_frequency: float = 0.0  # the goal's, from the data
    own: float | None = None  # the profile's, when it set one

    def to_dict(self) -> dict:
        return {"id": self.decision.id, "text": self.decision.text, "kind": self.decision.kind,
                "frequency": self.frequency, "goal_frequency": self.goal_frequency,
                "own": self.own,
                "informed_by": [{"id": i, "name": n, "strength": s}
                                for i, n, s, _ in self.informed_by]}


@dataclass(frozen=True)
class DecisionList:
    """A profile's view of the decisions: every one for the goal (or all), and what it set for
    decisions the graph no longer has (kept, never dropped)."""

    profile: str
    goal: str | None
    rows: list[DecisionRow]
    orphaned: dict[str, float]

    def to_dict(self) -> dict:
        return {"profile": self.profile, "goal": self.goal,
                "decisions": [r.to_dict() for r in self.rows], "orphaned": self.orphaned}


@dataclass(frozen=True)
class DecisionShift:
    """How much the scores of a decision's concepts fell from one era to another."""

    decision_id: str
    text: str
    fall: float  # mean over its informing concepts of p(then) − p(now); negative: they rose
    concepts: list[tuple[str, str, float, float]]  # (id, name, p then, p now), biggest fall first
    then: float = 2000
    now: float = 2026

    def describe(self) -> str:
        """'Its concepts' scores fell 12 points on average from 2000 to 2026; most: LU
        decomposition 40% → 8%'."""
        points = abs(self.fall) * 100
        way = "fell" if self.fall >= 0 else "rose"
        _, name, before, after = self.concepts[0]
        return (f"Its concepts' scores {way} {points:.0f} points on average from "
                f"{self.then:g} to {self.now:g}; most: {name} {before:.0%} → {after:.0%}")


@dataclass(frozen=True)
class ProgressList:
    profile: str
    summary: Summary
    known: list[str]
    bookmarks: list[str]
    visited: list[str]  # most recent first

    def to_dict(self) -> dict:
        return {"profile": self.profile, "known": self.known, "bookmarks": self.bookmarks,
                "visited": self.visited, "summary": self.summary.to_dict()}


@dataclass(frozen=True)
class LinkNotice:
    """Why a value of a link was not used as written: `field` (a query parameter), what was
    `asked`, the sentence to show, and for a concept that names nothing the `closest` concepts
    as (id, name), best first."""

    field: str
    asked: str
    text: str
    closest: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Link:
    """A link's query resolved against the graph: the `values` to use (view, concept, goal,
    era, depth, from, to, target, profile) and a notice for each value that was changed."""

    values: dict[str, str | int]
    notices: tuple[LinkNotice, ...] = ()


@dataclass(frozen=True)
class Ranked:
    id: str
    name: str
    layer: str
    p: float
    why: list[str]
    relevance: Relevance | None = None

    def to_dict(self) -> dict:
        rel = self.relevance or Relevance(self.p)
        return {"id": self.id, "name": self.name, "layer": self.layer, **rel.to_dict(),
                "why": self.why}


class _Vectors(Mapping):
    """Concept id → unit vector, read from the stored matrix without copying it per concept."""

    def __init__(self, ids: list[str], matrix: np.ndarray):
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._m = matrix / np.where(norms == 0, 1, norms)
        self._pos = {cid: i for i, cid in enumerate(ids)}

    def __getitem__(self, cid: str) -> np.ndarray:
        return self._m[self._pos[cid]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pos)

    def __len__(self) -> int:
        return len(self._pos)


@dataclass
class Explorer:
    workspace: Workspace
    progress: ProgressStore
    use_model: bool = True  # False: search answers on keywords only
    model_path: str | None = None  # None: the packaged all-MiniLM-L6-v2
    score_cache_size: int = 8
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _searcher: object = field(default=None, init=False, repr=False)
    _warming: bool = field(default=False, init=False, repr=False)
    _link_names: tuple | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # One bounded cache per explorer, keyed by everything a score depends on besides the
        # (immutable) graph: goal, year and the profile's own frequencies. lru_cache is
        # thread-safe; two sessions missing the same key at once both compute it, harmlessly.
        self._score_cache = functools.lru_cache(maxsize=self.score_cache_size)(self._compute)

    # --- the graph -------------------------------------------------------------------------

    @property
    def graph(self) -> Graph:
        return self.workspace.graph

    @property
    def nx(self) -> nx.DiGraph:
        return self.workspace.nx

    def concept(self, concept_id: str) -> Concept:
        """The concept, or `UnknownConcept` naming close ids."""
        return self.workspace.concept(concept_id)

    @property
    def source_problems(self) -> tuple[str, ...]:
        """Why the graph served is not built from the current sources (located problems, or
        why the build was refused); empty when it is. The last good graph keeps serving."""
        return self.workspace.problems

    @property
    def built_at(self) -> str | None:
        """When the served graph was built (UTC, ISO 8601)."""
        return self.workspace.store.meta().get("built_at")

    def stale_notice(self) -> str | None:
        """One line for a front end when the sources are broken, else None."""
        problems = self.source_problems
        if not problems:
            return None
        where = self.workspace.data_dir or "the graph folder"
        return (f"Showing the graph built {self.built_at or 'earlier'}: the sources in {where} "
                f"cannot be built ({len(problems)} problem(s); the first: {problems[0]}). "
                "`explorer validate` lists them all.")

    # --- links ------------------------------------------------------------------------------

    def _names(self) -> _resolve.Names:
        graph = self.graph
        with self._lock:
            cached = self._link_names
            if cached is None or cached[0] is not graph:
                cached = self._link_names = (graph, _resolve.Names(
                    {c.id: (c.name, c.aliases) for c in graph.concepts.values()}))
        return cached[1]

    def resolve_concept(self, asked: str) -> _resolve.Named:
        """What `asked` names among the concepts: an id, or an id, name or alias written with
        other case or punctuation; else nothing, with the closest concepts."""
        return self._names().resolve(str(asked))

    def resolve_link(self, params: Mapping[str, str], *, views: tuple[str, ...] = ("explore",),
                     depths: tuple[int, int] = (1, 3)) -> Link:
        """Read a link's query generously and say what was changed, never failing.

        Concepts (`concept`, `from`, `to`, `target`) resolve case, punctuation, names and
        aliases (`Momentum`, `Adam optimizer`); one that names nothing falls back to the
        default and its notice lists the closest concepts. `era` and `depth` out of range are
        clamped, unknown `view` and `goal` fall back, a long `profile` is cut; each says so.
        """
        graph = self.graph
        concepts = graph.concepts
        goals = {g.id: g.name for g in graph.goals}
        default_concept = DEFAULT_CONCEPT if DEFAULT_CONCEPT in concepts else next(
            iter(concepts), DEFAULT_CONCEPT)
        default_goal = DEFAULT_GOAL if DEFAULT_GOAL in goals or not goals else next(iter(goals))
        notices: list[LinkNotice] = []
        values: dict[str, str | int] = {}

        view, unknown = _resolve.choice(params.get("view"), views, views[0])
        if unknown:
            notices.append(LinkNotice("view", params["view"], (
                f"There is no view '{_resolve.shown(params['view'])}'; showing "
                f"{views[0].capitalize()}. Views: {', '.join(v.capitalize() for v in views)}.")))
        values["view"] = view

        defaults = {"concept": default_concept, "from": "transistor", "to": default_concept,
                    "target": default_concept}
        for param, what in LINK_CONCEPTS.items():
            default = defaults[param] if defaults[param] in concepts else default_concept
            asked = params.get(param)
            if asked is None or asked == "":
                values[param] = default
                continue
            named = self.resolve_concept(asked)
            values[param] = named.id or default
            if named.id is None:
                fallback = concepts[default].name if default in concepts else default
                closest = tuple((cid, concepts[cid].name) for cid in named.closest)
                notices.append(LinkNotice(param, asked, (
                    f"No concept '{_resolve.shown(asked)}' (the {what} asked for) is in this "
                    f"graph; showing {fallback} instead."
                    + (" The closest names are below." if closest else "")), closest))

        goal, unknown = _resolve.choice(params.get("goal"), goals, default_goal)
        if unknown:
            notices.append(LinkNotice("goal", params["goal"], (
                f"There is no goal '{_resolve.shown(params['goal'])}'; scores are for "
                f"'{goals.get(goal, goal)}'. Goals: {', '.join(goals.values())}.")))
        values["goal"] = goal

        for param, default, (lo, hi), what in (
                ("era", default_year(), ERA_RANGE, "Era"),
                ("depth", depths[0], depths, "Depth")):
            clamped = _resolve.clamp(params.get(param), default, lo, hi, what)
            values[param] = clamped.value
            if clamped.note:
                notices.append(LinkNotice(param, str(params.get(param)), clamped.note))

        profile = str(params.get("profile") or "").strip() or DEFAULT_PROFILE
        if len(profile) > MAX_PROFILE_CHARS:
            notices.append(LinkNotice("profile", profile, (
                f"Profile names are at most {MAX_PROFILE_CHARS} characters; using "
                f"'{profile[:MAX_PROFILE_CHARS]}'.")))
            profile = profile[:MAX_PROFILE_CHARS]
        values["profile"] = profile
        return Link(values, tuple(notices))

    def goal_name(self, goal: str) -> str:
        self.check_goal(goal)
        return next(g.name for g in self.graph.goals if g.id == goal)

    def check_goal(self, goal: str) -> None:
        goals = [g.id for g in self.graph.goals]
        if goal not in goals:
            raise BadInput(f"unknown goal '{goal}'; this graph has {', '.join(goals)}")

    @staticmethod
    def check_year(year: float) -> None:
        """An era the relevance model can be asked about (NaN and 1e308 are not years)."""
        if not (isinstance(year, numbers.Real) and YEAR_RANGE[0] <= year <= YEAR_RANGE[1]):
            raise BadInput(f"the era must be a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}, "
                           f"not {year!r}")

    def layer_name(self, layer_id: str) -> str:
        return next((la.name for la in self.graph.layers if la.id == layer_id), layer_id)

    def stats(self) -> dict:
        g = self.graph
        per_layer = {layer.id: 0 for layer in g.layers}
        for c in g.concepts.values():
            per_layer[c.layer] = per_layer.get(c.layer, 0) + 1
        return {"concepts": len(g.concepts), "edges": len(g.edges()),
                "decisions": len(g.decisions),
                "decision_links": sum(len(d.informed_by) for d in g.decisions.values()),
                "evidence": sum(len(d.evidence) for d in g.decisions.values()),
                "layers": per_layer, "built_at": self.workspace.store.meta().get("built_at")}

    def positions(self) -> dict[str, tuple[float, float]]:
        """Concept id → (x, y) on the atlas, computed once per build and stored with the graph,
        so a concept is in the same place in every view and session. Canvas units: x to the
        right, y *down* (physics has the largest y), one unit a CSS pixel at zoom 1 (see
        `explorer.domain.atlas`). Shared: callers must not change the dict."""
        return self._atlas[0]

    def bands(self) -> list[_atlas.Band]:
        """The layers' horizontal bands on the atlas, lowest (physics) first."""
        return self._atlas[1]

    @cached_property
    def _atlas(self) -> tuple[dict[str, tuple[float, float]], list[_atlas.Band]]:
        positions = self.workspace.store.positions()
        if set(positions) != set(self.graph.concepts):  # a file built before the atlas existed
            positions = _atlas.layout(self.graph)
        return positions, _atlas.bands(self.graph, positions)

    def neighbours(self, concept_id: str, depth: int = 1) -> list[str]:
        self.concept(concept_id)
        return [c for c in neighborhood(self.nx, concept_id, depth=depth, max_nodes=10_000)
                if c != concept_id]

    # --- relevance -------------------------------------------------------------------------

    def own_frequencies(self, profile: str | None) -> dict[str, float]:
        """The decision frequencies `profile` set (None: nobody's, the goal's apply)."""
        if profile is None:
            return {}
        check_progress(profile)
        return self.progress.decision_frequencies(profile)

    def _compute(self, goal: str, year: float, own: tuple[tuple[str, float], ...]
                 ) -> tuple[Scores, dict[str, float]]:
        scores = decision_relevance(self.graph, goal, year, top_reasons=None,
                                    frequencies=dict(own))
        return scores, scores.probabilities()

    def _scored(self, goal: str, year: float | None, profile: str | None
                ) -> tuple[Scores, dict[str, float]]:
        """(scores, probabilities) for a (goal, year, profile's frequencies), the last few
        kept: moving the era slider back, or another session on the same era, costs nothing;
        setting a frequency changes the key, so nothing stale is served."""
        year = default_year() if year is None else year
        self.check_goal(goal)
        self.check_year(year)
        own = tuple(sorted(self.own_frequencies(profile).items()))
        return self._score_cache(goal, float(year), own)

    def scores(self, goal: str = DEFAULT_GOAL, year: float | None = None,
               profile: str | None = None) -> Scores:
        """Relevance of every concept (every contribution, built on lookup), with `profile`'s
        own decision frequencies in place of the goal's."""
        return self._scored(goal, year, profile)[0]

    def probabilities(self, goal: str = DEFAULT_GOAL, year: float | None = None,
                      profile: str | None = None) -> dict[str, float]:
        """Just the probabilities (shared: callers must not change the dict)."""
        return self._scored(goal, year, profile)[1]

    def ranking(self, goal: str = DEFAULT_GOAL, year: float | None = None,
                top: int | None = None, profile: str | None = None) -> list[Ranked]:
        scores = self.scores(goal, year, profile)
        names = self.graph.concepts
        order = sorted(scores, key=lambda cid: (-scores.p(cid), names[cid].name, cid))
        return [Ranked(cid, names[cid].name, names[cid].layer, scores[cid].p,
                       scores[cid].why[:3], scores[cid])
                for cid in order[:top]]

    def not_yet(self, concept: Concept, year: float) -> str | None:
        """Why a concept scores nothing in an era before it existed, else None."""
        if concept.introduced is not None and year < concept.introduced:
            return (f"introduced in {concept.introduced}: no decision in {year:g} "
                    "turned on it")
        return None

    # --- the card --------------------------------------------------------------------------

    def card(self, concept_id: str, goal: str = DEFAULT_GOAL, year: int | None = None,
             profile: str = DEFAULT_PROFILE) -> Card:
        year = default_year() if year is None else year
        concept = self.concept(concept_id)
        p = self.probabilities(goal, year, profile)
        g = self.nx
        names = {cid: c.name for cid, c in self.graph.concepts.items()}

        def neighbour(other: str, edge: dict) -> Neighbour:
            return Neighbour(other, self.graph.concepts[other].name, edge["kind"], edge["why"],
                             p.get(other, 0.0))

        def ranked(items: list[Neighbour]) -> list[Neighbour]:
            return sorted(items, key=lambda n: (-n.p, n.id))

        below = [neighbour(v, g.edges[concept.id, v]) for v in prerequisites(g, concept.id)]
        above = [neighbour(u, g.edges[u, concept.id]) for u in leads_to(g, concept.id)]
        informs = sorted(
            (Informs(d.id, d.text, inf.strength, inf.why, d.evidence)
             for d in self.graph.decisions.values() for inf in d.informed_by
             if inf.id == concept.id), key=lambda i: (-i.strength, i.decision_id))
        relevance = self.scores(goal, year, profile)[concept.id]
        explained = [Explained(r.decision_id, r.decision_text, r.contribution,
                               r.formula(names),
                               [s.concept_id for s in r.chain if s.concept_id != concept.id])
                     for r in relevance.reasons]
        return Card(concept, self.layer_name(concept.layer), goal, self.goal_name(goal), year,
                    relevance, ranked(below), ranked(above), informs,
                    relevance_over_years(self.graph, concept.id,
                                         [gl.id for gl in self.graph.goals],
                                         era_years(concept),
                                         frequencies=self.own_frequencies(profile)),
                    concept.id in self.progress.known(profile),
                    concept.id in self.progress.bookmarks(profile),
                    explained, CARD_TOP_REASONS, self.not_yet(concept, year),
                    era_marks(concept))

    def concept_json(self, concept_id: str, year: int | None = None,
                     profile: str | None = None) -> dict:
        """`explorer show --json`: every field, what it leads to, relevance per goal (`p` and
        every contribution with its chain), with `profile`'s own frequencies if given."""
        year = default_year() if year is None else year
        concept = self.concept(concept_id)
        data = concept.to_dict()
        g = self.nx
        data["leads_to"] = [
            {"id": u, "name": self.graph.concepts[u].name,
             "relation": g.edges[u, concept.id]["kind"], "why": g.edges[u, concept.id]["why"]}
            for u in leads_to(g, concept.id)]
        rel = {gl.id: self.scores(gl.id, year, profile)[concept.id] for gl in self.graph.goals}
        data["relevance"] = {goal: r.to_dict() for goal, r in rel.items()}
        if note := self.not_yet(concept, year):
            data["not_yet"] = note
        return data

    # --- wander, path, plan ----------------------------------------------------------------

    @cached_property
    def vectors(self) -> Mapping[str, np.ndarray]:
        ids, matrix, _ = self.workspace.store.vectors()
        return _Vectors(ids, matrix)

    def wander(self, concept_id: str, *, goal: str = DEFAULT_GOAL, year: int | None = None,
               profile: str = DEFAULT_PROFILE, visited: tuple[str, ...] = (),
               curiosity: float = DEFAULT_CURIOSITY, seed: int = 0) -> list[Suggestion]:
        """Three next steps; bridges are judged by meaning (concept vectors) everywhere."""
        self.concept(concept_id)
        if not 0 <= curiosity <= 1:  # also refuses NaN
            raise BadInput(f"curiosity runs from 0 (useful) to 1 (surprising), not {curiosity}")
        return suggest(self.graph, self.nx, concept_id, visited=set(visited),
                       known=self.progress.known(profile),
                       scores=self.probabilities(goal, year, profile), vectors=self.vectors,
                       curiosity=curiosity, seed=seed)

    def hub_shares(self, *, goal: str = DEFAULT_GOAL, year: int | None = None,
                   curiosity: float = DEFAULT_CURIOSITY, seed: int = 0
                   ) -> dict[str, list[HubShare]]:
        """Wander from every concept with no progress: per kind of suggestion, how often each
        concept is the one suggested, most frequent first (`python -m explorer.bench.hubs`)."""
        return hub_shares(self.graph, self.nx, scores=self.probabilities(goal, year),
                          vectors=self.vectors, curiosity=curiosity, seed=seed)

    def surprise(self, *, goal: str = DEFAULT_GOAL, year: int | None = None,
                 profile: str = DEFAULT_PROFILE, visited: tuple[str, ...] = (),
                 seed: int = 0) -> Suggestion:
        return surprise_me(self.graph, list(visited), seed=seed,
                           known=self.progress.known(profile),
                           scores=self.probabilities(goal, year, profile))

    def path(self, a: str, b: str) -> list[PathStep]:
        return connect(self.nx, self.graph, a, b)

    def road(self) -> list[PathStep]:
        return road(self.graph, self.nx)

    def plan(self, target: str, *, goal: str = DEFAULT_GOAL, year: int | None = None,
             profile: str = DEFAULT_PROFILE, also_known: tuple[str, ...] = ()) -> Plan:
        self.concept(target)
        known = self.progress.known(profile) | {self.concept(c).id for c in also_known}
        return learning_plan(self.graph, target, known,
                             self.probabilities(goal, year, profile))

    def plan_markdown(self, plan: Plan) -> str:
        return plan_markdown(plan, self.graph)

    # --- decisions -------------------------------------------------------------------------

    def decisions(self, goal: str | None = DEFAULT_GOAL,
                  profile: str | None = None) -> list[DecisionRow]:
        """Decisions someone with `goal` faces, most frequent first, with `profile`'s own
        frequencies where it set them (a decision the profile faces and the goal does not is
        listed too). `goal` None: every decision, at the highest frequency any goal gives it."""
        if goal is not None:
            self.check_goal(goal)
        own = self.own_frequencies(profile)
        names = self.graph.concepts
        rows = []
        for d in self.graph.decisions.values():
            base = (d.frequency_for(goal) if goal is not None
                    else max((f for _, f in d.frequency), default=0.0))
            mine = own.get(d.id)
            if goal is not None and base <= 0 and mine is None:
                continue
            rows.append(DecisionRow(d, base if mine is None else mine, [
                (i.id, names[i.id].name, i.strength, i.why)
                for i in sorted(d.informed_by, key=lambda i: (-i.strength, i.id))
                if i.id in names], base, mine))
        return sorted(rows, key=lambda r: (-r.frequency, r.decision.text))

    def decision_list(self, goal: str | None = None,
                      profile: str = DEFAULT_PROFILE) -> DecisionList:
        """`explorer decisions list`: the decisions (the goal's, or all) as `profile` faces
        them, and the frequencies it set for decisions the graph no longer has."""
        own = self.own_frequencies(profile)
        orphaned = {d: f for d, f in own.items() if d not in self.graph.decisions}
        return DecisionList(profile, goal, self.decisions(goal, profile), orphaned)

    def decision(self, decision_id: str) -> Decision:
        """The decision, or `BadInput` naming close ids."""
        found = self.graph.decisions.get(decision_id)
        if found is None:
            close = difflib.get_close_matches(decision_id, list(self.graph.decisions), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise BadInput(f"no decision '{decision_id[:80]}' in this graph{hint}")
        return found

    def set_decision_frequency(self, decision_id: str, frequency: str | float,
                               profile: str = DEFAULT_PROFILE) -> float:
        """Say how often `profile` faces a decision: one of FREQUENCY_WORDS (never, rarely,
        sometimes, often) or a number from 0 to 1. Returns the number stored; every score,
        card, ranking and plan for the profile uses it from now on."""
        self.decision(decision_id)
        value = parse_frequency(decision_id, str(frequency))
        self.progress.set_decision_frequency(profile, decision_id, value)
        return value

    def reset_decision_frequency(self, decision_id: str,
                                 profile: str = DEFAULT_PROFILE) -> None:
        """Back to the goal's frequency. Accepts ids the graph no longer has (orphans)."""
        self.progress.reset_decision_frequency(profile, decision_id)

    @staticmethod
    def frequency_words() -> dict[str, float]:
        return dict(FREQUENCY_WORDS)

    def typical_decisions(self, goal: str = DEFAULT_GOAL,
                          n: int = ONBOARDING_DECISIONS) -> list[tuple[DecisionRow, str]]:
        """The onboarding's "which of these do you face?": the goal's `n` most frequent
        decisions (by the data, not by any profile), each with the frequency word nearest the
        goal's, to start from."""
        return [(row, nearest_frequency_word(row.goal_frequency))
                for row in self.decisions(goal)[:n]]

    def answer_onboarding(self, answers: Mapping[str, str],
                          profile: str = DEFAULT_PROFILE) -> int:
        """Store the onboarding's answers (decision id → a frequency word or number): every
        one checked before any is written. Returns how many were stored."""
        values = {}
        for decision_id, answer in answers.items():
            self.decision(decision_id)
            values[decision_id] = parse_frequency(decision_id, str(answer))
        for decision_id, value in values.items():
            self.progress.set_decision_frequency(profile, decision_id, value)
        return len(values)

    @staticmethod
    def frequency_choice(row: DecisionRow) -> str | None:
        """How the Decisions view names a row's own frequency: a word, the number itself when
        it is none of the words, or None when the profile set none (the goal's applies)."""
        if row.own is None:
            return None
        return frequency_word(row.own) or f"{row.own:g}"

    def decision_shifts(self, goal: str = DEFAULT_GOAL, then: float = 2000,
                        now: float | None = None,
                        profile: str | None = None) -> list[DecisionShift]:
        """The goal's decisions by how much the scores of the concepts that inform them fell
        from `then` to `now` (the biggest fall first): where tools matured."""
        now = default_year() if now is None else now
        before = self.probabilities(goal, then, profile)
        after = self.probabilities(goal, now, profile)
        out = []
        for row in self.decisions(goal, profile):
            concepts = sorted(((cid, name, before.get(cid, 0.0), after.get(cid, 0.0))
                               for cid, name, _, _ in row.informed_by),
                              key=lambda c: (-(c[2] - c[3]), c[0]))
            if concepts:
                fall = statistics.fmean(b - a for _, _, b, a in concepts)
                out.append(DecisionShift(row.decision.id, row.decision.text, fall, concepts,
                                         then, now))
        return sorted(out, key=lambda s: (-s.fall, s.decision_id))

    # --- progress --------------------------------------------------------------------------

    def progress_notices(self) -> list[str]:
        """What opening the progress store repaired (a damaged log or file moved aside)."""
        return list(getattr(self.progress, "notices", ()))

    def progress_list(self, profile: str = DEFAULT_PROFILE) -> ProgressList:
        check_progress(profile)  # a name no write would accept is refused on reading too
        store = self.progress
        return ProgressList(profile, store.summary(profile, self.graph),
                            sorted(store.known(profile)), store.bookmarks(profile),
                            [v.concept_id for v in store.visits(profile)])

    def set_known(self, concept_id: str, known: bool = True,
                  profile: str = DEFAULT_PROFILE) -> None:
        """Mark (or unmark) a concept known. Unmarking accepts ids the graph no longer has."""
        if known:
            self.concept(concept_id)
            self.progress.mark_known(profile, concept_id)
        else:
            self.progress.unmark_known(profile, concept_id)

    def set_bookmark(self, concept_id: str, on: bool = True,
                     profile: str = DEFAULT_PROFILE) -> None:
        if on:
            self.concept(concept_id)
            self.progress.bookmark(profile, concept_id)
        else:
            self.progress.unbookmark(profile, concept_id)

    def marks(self, profile: str = DEFAULT_PROFILE) -> tuple[set[str], set[str]]:
        """(known, bookmarked) concept ids of a profile, for drawing them marked."""
        return set(self.progress.known(profile)), set(self.progress.bookmarks(profile))

    def visit(self, concept_id: str, profile: str = DEFAULT_PROFILE) -> None:
        self.progress.visit(profile, concept_id)

    # --- search ----------------------------------------------------------------------------

    def searcher(self):
        """The hybrid searcher, created on first use (which starts loading the model in the
        background: importing torch holds the GIL for seconds, so it never runs at start-up)."""
        with self._lock:
            if self._searcher is None:
                from explorer.search.engine import Searcher, default_embedder  # noqa: PLC0415

                path = self.model_path
                self._searcher = Searcher(self.workspace.store, lambda: default_embedder(path),
                                          use_model=self.use_model)
            return self._searcher

    def warm_search(self, after_s: float = 0.0) -> None:
        """Create the searcher `after_s` seconds from now, on a timer thread, once per explorer
        (the searcher then loads the embedding model on a thread of its own). The page calls it
        at the end of its first run: the model never delays the first paint, and is ready
        before someone has finished typing a first query."""
        with self._lock:
            if self._warming or self._searcher is not None:
                return
            self._warming = True
        def warm() -> None:
            try:
                self.searcher()
            except Exception:  # noqa: BLE001  (the next search reports it, where it is seen)
                return

        timer = threading.Timer(after_s, warm)
        timer.daemon, timer.name = True, "explorer-warm-search"
        timer.start()

    def search(self, query: str, limit: int = 10, *, wait: bool = False):
        """Hits for a concept name or a problem in words. `wait` waits for the model (the CLI);
        the page does not, and answers on keywords until it is ready."""
        searcher = self.searcher()
        if wait:
            searcher.wait()
        return searcher.search(query, limit=limit)

    def model_loaded(self) -> bool:
        """Whether the embedding model is loaded (never starts loading it)."""
        searcher = self._searcher
        return searcher is not None and searcher.ready

    def search_status(self) -> str:
        return self.searcher().status

    def evaluate(self, queries):
        from explorer.search.evaluate import evaluate  # noqa: PLC0415

        searcher = self.searcher()
        searcher.wait()
        return evaluate(searcher, queries)


def era_years(concept: Concept) -> list[int]:
    """The years the era chart samples: every tick, every mark, and the year before the
    concept was introduced (so the line rises at its year, not a decade before)."""
    years = set(ERA_TICKS) | {y for y, _ in era_marks(concept)}
    if concept.introduced is not None and ERA_RANGE[0] < concept.introduced <= ERA_RANGE[1]:
        years.add(int(concept.introduced) - 1)
    return sorted(years)


def era_marks(concept: Concept) -> list[tuple[int, str]]:
    """What the era chart marks: the year a concept was introduced and the years its maturity
    curve has points, within the chart's range."""
    marks = []
    if concept.introduced is not None and ERA_RANGE[0] <= concept.introduced <= ERA_RANGE[1]:
        marks.append((int(concept.introduced), "introduced"))
    for year, m in concept.maturity:
        if ERA_RANGE[0] <= year <= ERA_RANGE[1]:
            marks.append((int(year), f"maturity {m:.2f}"))
    return marks


def open_explorer(on_build: Callable[[], None] | None = None, *,
                  db_path: Path | None = None, data_dir: Path | None = None,
                  progress_path: Path | None = None, graph: str | None = None) -> Explorer:
    """The explorer for the current settings: the graph database (rebuilt first when missing or
    older than its sources) and the progress store. The only function that reads settings."""
    ws = Workspace.open(db_path or settings.path("EXPLORER_DB"),
                        data_dir or settings.path("EXPLORER_DATA"), on_build=on_build,
                        autobuild=settings.get("EXPLORER_AUTOBUILD") != "0",
                        embeddings=settings.path("EXPLORER_EMBEDDINGS"),
                        seed=settings.path("EXPLORER_EMBEDDINGS_SEED"))
    use_model, model_path = model_settings()
    progress = open_progress(progress_path or settings.path("EXPLORER_PROGRESS"),
                             settings.get("EXPLORER_PROGRESS_URL") or None, graph=graph)
    return Explorer(ws, progress, use_model=use_model, model_path=model_path)


def model_settings() -> tuple[bool, str | None]:
    """(whether to load the embedding model, its path or None for the packaged one)."""
    return (settings.get("EXPLORER_NO_MODEL") in ("", "0"),
            settings.get("EXPLORER_MODEL") or None)


def relations() -> tuple[_relations.Relation, ...]:
    """Every registered relation kind, strongest first (for legends and listings)."""
    return _relations.all_relations()


def validate(data_dir: Path | None = None) -> Graph:
    """Load and check a graph folder (default: the configured one); `GraphError` lists every
    problem with its file and line."""
    return load_graph(data_dir or settings.path("EXPLORER_DATA"))


def build(*, force: bool = False, use_model: bool = True,
          progress: Callable[[int, int], None] | None = None):
    """Build the configured database from the configured sources (a no-op when unchanged;
    `force` rebuilds anyway and allows a graph less than half the size of the last)."""
    from explorer.search.embeddings import (  # noqa: PLC0415  (torch only when building)
        SentenceTransformerEmbedder,
        cached_vector_source,
    )
    from explorer.storage.graph_store import build as build_database  # noqa: PLC0415

    embedder = SentenceTransformerEmbedder(model_settings()[1]) if use_model else None
    data_dir = settings.path("EXPLORER_DATA")
    vectors = cached_vector_source(embedder, settings.path("EXPLORER_EMBEDDINGS"), progress,
                                   seed_dir=settings.path("EXPLORER_EMBEDDINGS_SEED"),
                                   graph_key=str(data_dir.resolve()))
    return build_database(data_dir, settings.path("EXPLORER_DB"), vectors=vectors, force=force)


def load_queries(path: str | None):
    from explorer.search.evaluate import load_queries as load  # noqa: PLC0415

    return load(path)


def format_report(report) -> str:
    from explorer.search.evaluate import format_report as fmt  # noqa: PLC0415

    return fmt(report)


# --- bring your own graph: import and export (explorer.interchange) ------------------------

IMPORT_FORMATS = ("csv", "json", "yaml", "graphml", "gexf", "obsidian")
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "md", "html")


def import_graph(sources: list[Path], fmt: str, out: Path | None = None, *,
                 skip_bad: bool = False, dry_run: bool = False,
                 default_kind: str | None = None):
    """Import foreign files into a graph folder (default: EXPLORER_GRAPHS/<name>); an
    `ImportReport`, or `ImportFailed` listing every problem (and nothing written)."""
    from explorer.interchange.importer import import_graph as run  # noqa: PLC0415
    from explorer.interchange.mapping import Options, slug  # noqa: PLC0415

    if out is None:
        out = settings.path("EXPLORER_GRAPHS") / (slug(Path(sources[0]).stem) or "imported")
    options = Options(default_kind=default_kind) if default_kind else Options()
    return run([Path(s) for s in sources], fmt, Path(out), skip_bad=skip_bad, dry_run=dry_run,
               options=options)


def positions(app: Explorer) -> dict[str, tuple[float, float]]:
    """The atlas positions every view and export draws at."""
    return app.positions()


def export_graph(app: Explorer, fmt: str, *, focus: str | None = None, depth: int = 1,
                 goal: str = DEFAULT_GOAL, year: int | None = None,
                 max_nodes: int = 1_000_000) -> dict[str, str]:
    """The graph (or the neighbourhood of `focus`, its `max_nodes` most relevant) in `fmt`, as
    {file name: text}: one file, except `csv` (nodes.csv, edges.csv) and `md` (a note each)."""
    from explorer.interchange import export, html  # noqa: PLC0415

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")
    graph = app.graph
    scores = app.probabilities(goal, year) if graph.decisions else None
    if focus is not None:
        graph = export.subgraph(graph, app.concept(focus).id, depth, max_nodes, scores)
    pos = positions(app)
    if fmt == "csv":
        return export.to_csv(graph)
    if fmt == "md":
        return export.to_markdown_vault(graph)
    if fmt == "html":
        title = (f"{app.concept(focus).name} and its neighbours" if focus
                 else "Curiosity Explorer")
        return {"graph.html": html.to_html(graph, title=title, focus=focus, positions=pos,
                                           scores=scores)}
    text = {"json": export.to_json, "graphml": lambda g: export.to_graphml(g, pos),
            "gexf": lambda g: export.to_gexf(g, pos)}[fmt](graph)
    return {f"graph.{fmt}": text}


def graph_folders() -> dict[str, Path]:
    """Imported graphs the page can explore: folders of EXPLORER_GRAPHS holding a graph."""
    root = settings.path("EXPLORER_GRAPHS")
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / "layers.yaml").exists()}


def open_graph(name: str | None = None, on_build: Callable[[], None] | None = None) -> Explorer:
    """The explorer of an imported graph by folder name (None: the configured one). Its
    database and progress live beside the folders (EXPLORER_GRAPHS/.explorer/), so importing
    the folder again never loses them."""
    if not name:
        return open_explorer(on_build)
    folders = graph_folders()
    if name not in folders:
        raise ValueError(f"no imported graph named '{name}'")
    state = settings.path("EXPLORER_GRAPHS") / ".explorer"
    return open_explorer(on_build, db_path=state / f"{name}.duckdb", data_dir=folders[name],
                         progress_path=state / f"{name}.progress.sqlite", graph=name)


UPLOAD_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".yaml": "yaml",
                  ".yml": "yaml", ".graphml": "graphml", ".xml": "graphml", ".gexf": "gexf"}


def import_upload(file_name: str, data: bytes, *, write: bool = False):
    """Check (and with `write`, import) one uploaded file: an `ImportReport`, or
    `ImportFailed` with every located problem. The graph's folder is named after the file."""
    import tempfile  # noqa: PLC0415

    from explorer.interchange.mapping import slug  # noqa: PLC0415
    from explorer.interchange.problems import ImportProblem, Where  # noqa: PLC0415

    suffix = Path(file_name).suffix.casefold()
    stem = slug(Path(file_name).stem) or "upload"
    if suffix not in UPLOAD_FORMATS:
        raise ImportFailed([ImportProblem(Where(file_name), "unknown kind of file; upload "
                                          + ", ".join(sorted(UPLOAD_FORMATS)))])
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFailed([ImportProblem(Where(file_name), f"{len(data):,} bytes; uploads "
                                          f"are limited to {MAX_UPLOAD_BYTES:,}")])
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{stem}{suffix}"  # our own name: the upload's never reaches a path
        source.write_bytes(data)
        return import_graph([source], UPLOAD_FORMATS[suffix],
                            settings.path("EXPLORER_GRAPHS") / stem, dry_run=not write)
