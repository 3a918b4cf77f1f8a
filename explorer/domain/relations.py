"""The one registry of relation kinds: what an edge between two concepts can mean.

Everything that reads edges asks this registry instead of spelling kinds out: the loader (which
YAML keys hold edges, which must be acyclic), the store (which kinds to read back), the networkx
view (which kind wins when two join the same pair), paths (cost and wording), wander and the card
(what counts as "below" a concept), plans (what must be learnt first), relevance (how a chain
from a decision walks down), and the graph drawing and its legend (edge style).

Adding a kind is one `Relation(...)` here (or `register()` for a graph that brings its own); no
other module changes. Edges point from the concept that declares them to the one they name:
`adam requires momentum`, `adam built_on optimizer-implementations`.

>>> [r.name for r in all_relations() if r.structural]
['requires', 'built_on']
>>> get("requires").reads(forward=False)
'required by'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# How a chain of decision relevance crosses an edge (see relevance.py): a "prerequisite" hop
# multiplies by the prerequisite decay and the leak of the concept below; a "layer" hop by the
# leak alone, and only for decisions that mature tools can hide.
PREREQUISITE, LAYER = "requires", "built_on"


@dataclass(frozen=True)
class Relation:
    """One kind of edge.

    `structural` kinds point down at what the source stands on: the card lists them as "builds
    on" / "leads to", wander descends them for a foundation, and a path prefers them.
    `plan`: a learning plan must teach the target first. `relevance`: PREREQUISITE, LAYER or
    None (decision relevance does not flow across it). `acyclic`: the loader rejects cycles.
    `style`: vis-network edge options (colour, dashes, arrows) for drawing; `look` says the
    same in words, for the legend. `heading` titles the card's list of what a concept's edges
    of this kind point at, `heading_up` the list of what points at it: a `built_on` edge says
    the concept's *tools* stand on a layer (a framework, a library), not that you must learn it
    first, so it is listed apart from prerequisites.
    """

    name: str
    label: str
    forward: str  # "A <forward> B" for an edge A → B
    backward: str  # "B <backward> A"
    structural: bool = False
    plan: bool = False
    relevance: str | None = None
    acyclic: bool = False
    path_cost: float = 1.0
    style: dict = field(default_factory=dict, compare=False)
    look: str = "a line"
    heading: str = ""  # default: the label, capitalised
    heading_up: str = ""  # default: the backward reading, capitalised

    def heading_for(self, forward: bool) -> str:
        """The card's title for a list of these edges seen from their source (`forward`) or
        from their target."""
        if forward:
            return self.heading or self.label.capitalize()
        return self.heading_up or self.backward.capitalize()

    def reads(self, forward: bool) -> str:
        return self.forward if forward else self.backward


BUILTIN = (
    Relation("requires", "requires", "requires", "required by", structural=True, plan=True,
             relevance=PREREQUISITE, acyclic=True, path_cost=1.0,
             style={"color": "#6b7280"}, look="grey arrow",
             heading="Builds on", heading_up="Leads to"),
    Relation("built_on", "built on", "built on", "underlies", structural=True,
             relevance=LAYER, acyclic=True, path_cost=1.0,
             style={"color": "#2563eb", "dashes": True}, look="dashed blue arrow",
             heading="Its tools are built on", heading_up="Tools built on it"),
    Relation("related", "related", "related to", "related to", path_cost=2.0,
             style={"color": "#9ca3af", "dashes": [2, 6], "arrows": {"to": {"enabled": False}}},
             look="dotted light grey line", heading="Related", heading_up="Related"),
)

# Ordered strongest first: when two kinds join the same pair, the earlier one is kept.
_REGISTRY: dict[str, Relation] = {r.name: r for r in BUILTIN}


def all_relations() -> tuple[Relation, ...]:
    return tuple(_REGISTRY.values())


def names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get(name: str) -> Relation:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown relation kind {name!r}; known: {', '.join(_REGISTRY)}") from None


def is_structural(name: str) -> bool:
    rel = _REGISTRY.get(name)
    return rel is not None and rel.structural


def register(relation: Relation) -> None:
    """Add a kind (weaker than every kind already there). Its name must be a new YAML key."""
    if relation.name in _REGISTRY:
        raise ValueError(f"relation kind {relation.name!r} is already registered")
    if relation.relevance not in (None, PREREQUISITE, LAYER):
        raise ValueError(f"relevance must be None, {PREREQUISITE!r} or {LAYER!r}")
    _REGISTRY[relation.name] = relation


def unregister(name: str) -> None:
    if name in {r.name for r in BUILTIN}:
        raise ValueError(f"{name!r} is a built-in relation kind")
    _REGISTRY.pop(name, None)


@contextmanager
def registered(relation: Relation) -> Iterator[Relation]:
    """`register` for the length of a block (tests, a one-off import)."""
    register(relation)
    try:
        yield relation
    finally:
        unregister(relation.name)
