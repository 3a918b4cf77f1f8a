"""The concept graph as plain, immutable dataclasses.

Everything downstream (store, relevance, search, wander, the views) works on these types; the
loader builds them from YAML and the store rebuilds them from DuckDB.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from explorer.domain import relations

GOALS = ("build", "architect", "interview", "research")
DECISION_KINDS = ("debug", "design", "choose-tool", "interview", "research")


@dataclass(frozen=True)
class Source:
    """Where something was written: used in every error message."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


# The relation kinds that have a field of their own on `Concept` (see relations.BUILTIN).
BUILTIN_FIELDS = ("requires", "built_on", "related")


@dataclass(frozen=True)
class Layer:
    id: str
    name: str
    position: int


@dataclass(frozen=True)
class Goal:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Link:
    """A typed edge out of a concept: `requires`, `built_on` or `related`, with its reason."""

    id: str
    why: str = ""


@dataclass(frozen=True)
class Reference:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Concept:
    id: str
    name: str
    layer: str
    summary: str
    hook: str = ""
    aliases: tuple[str, ...] = ()
    details: str = ""
    symptoms: tuple[str, ...] = ()
    # (year, maturity) pairs sorted by year; maturity is how turnkey the tooling that hides this
    # concept is in that year (0 = you must understand it, 1 = fully hidden).
    maturity: tuple[tuple[int, float], ...] = ()
    effort_hours: float = 1.0
    # The year it was introduced (published, released), when that is after the 1970s: before
    # it, the concept cannot change a decision. None for older ideas.
    introduced: int | None = None
    requires: tuple[Link, ...] = ()
    built_on: tuple[Link, ...] = ()
    related: tuple[Link, ...] = ()
    references: tuple[Reference, ...] = ()
    source: Source | None = field(default=None, compare=False)
    # Edges of kinds registered beyond the three built-in fields, as (kind, links) pairs.
    extra_links: tuple[tuple[str, tuple[Link, ...]], ...] = ()
    # Attributes a foreign graph brought that have no field here (a GraphML column, a note's
    # tags), as sorted (key, text) pairs: kept so an export gives them back.
    extra: tuple[tuple[str, str], ...] = ()

    def maturity_at(self, year: float) -> float:
        """Maturity in `year`, interpolated linearly and flat beyond the ends (0 if unknown)."""
        return interpolate(self.maturity, year)

    def links(self, kind: str) -> tuple[Link, ...]:
        """This concept's edges of one kind (any registered kind; () when it has none)."""
        if kind in BUILTIN_FIELDS:
            return getattr(self, kind)
        return dict(self.extra_links).get(kind, ())

    @staticmethod
    def link_fields(by_kind: dict[str, tuple[Link, ...]]) -> dict:
        """Constructor keywords for edges given per kind: built-in kinds go to their fields,
        others to `extra_links`."""
        out: dict = {k: v for k, v in by_kind.items() if k in BUILTIN_FIELDS}
        extra = tuple((k, v) for k, v in by_kind.items() if k not in BUILTIN_FIELDS and v)
        if extra:
            out["extra_links"] = extra
        return out

    def to_dict(self) -> dict:
        """The concept in the shape of its YAML source (what `explorer show --json` prints)."""
        return {
            "id": self.id, "name": self.name, "aliases": list(self.aliases), "layer": self.layer,
            "summary": self.summary, "details": self.details, "hook": self.hook,
            "symptoms": list(self.symptoms), "maturity": {y: v for y, v in self.maturity},
            "effort_hours": self.effort_hours, "introduced": self.introduced,
            **{kind: [{"id": link.id, "why": link.why} for link in self.links(kind)]
               for kind in relations.names()},
            "references": [{"title": r.title, "url": r.url} for r in self.references],
            **({"extra": dict(self.extra)} if self.extra else {}),
        }


@dataclass(frozen=True)
class Influence:
    """Knowing concept `id` changes the decision with probability `strength`."""

    id: str
    strength: float
    why: str = ""


@dataclass(frozen=True)
class Evidence:
    """A public thread where a practitioner faced a decision, and what they decided."""

    url: str
    title: str
    summary: str


@dataclass(frozen=True)
class Decision:
    id: str
    text: str
    kind: str
    maturity_sensitive: bool = True
    frequency: tuple[tuple[str, float], ...] = ()  # (goal, how often someone with it faces this)
    informed_by: tuple[Influence, ...] = ()
    symptoms: tuple[str, ...] = ()
    source: Source | None = field(default=None, compare=False)
    evidence: tuple[Evidence, ...] = ()

    def frequency_for(self, goal: str) -> float:
        return dict(self.frequency).get(goal, 0.0)


@dataclass(frozen=True)
class Graph:
    """A whole validated graph: layers bottom-up, goals, concepts and decisions by id."""

    layers: tuple[Layer, ...]
    goals: tuple[Goal, ...]
    concepts: dict[str, Concept]
    decisions: dict[str, Decision]

    def layer_position(self, layer_id: str) -> int:
        return next((layer.position for layer in self.layers if layer.id == layer_id), -1)

    def edges(self, kinds: tuple[str, ...] | None = None) -> list[tuple[str, str, str, str]]:
        """Every edge as (from, to, kind, why), strongest kind first; `requires` points at the
        prerequisite. `kinds` defaults to every registered kind."""
        kinds = relations.names() if kinds is None else kinds
        return [
            (c.id, link.id, kind, link.why)
            for c in self.concepts.values()
            for kind in kinds
            for link in c.links(kind)
        ]


def interpolate(points: tuple[tuple[int, float], ...], year: float) -> float:
    """Piecewise-linear interpolation over sorted (year, value) points, flat beyond the ends.

    >>> interpolate(((2000, 0.2), (2020, 0.6)), 2010)
    0.4
    >>> interpolate(((2000, 0.2), (2020, 0.6)), 1990), interpolate(((2000, 0.2),), 2050)
    (0.2, 0.2)
    """
    if not points:
        return 0.0
    years = [y for y, _ in points]
    if year <= years[0]:
        return points[0][1]
    if year >= years[-1]:
        return points[-1][1]
    i = bisect.bisect_right(years, year)
    (y0, v0), (y1, v1) = points[i - 1], points[i]
    return round(v0 + (v1 - v0) * (year - y0) / (y1 - y0), 12)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while building many small objects (100k concepts, their links,
    their reach tables): CPython rescans every few hundred allocations, which doubles the build
    time, and these objects form no cycles worth collecting. Cycles made meanwhile are collected
    after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
