"""A learning plan: what to learn, in which order, to understand a target concept.

The plan follows the relation kinds marked `plan` in the registry (`requires`). `built_on` is left
out on purpose: it names the lower layers
whose machinery a concept's tools hide (Adam is built on autodiff, on GPUs, on transistors), which
is exactly what you do not need to learn first; the relevance scores already say when such a layer
leaks into your decisions, and the wander view offers it as a "deeper foundation".

Known concepts are skipped, and so is everything reached only through them: if you know gradient
descent, the plan does not descend into what gradient descent requires.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import networkx as nx

from explorer.domain import relations
from explorer.domain.model import Graph
from explorer.domain.paths import check_concept


@dataclass(frozen=True)
class PlanStep:
    id: str
    name: str
    layer: str
    hours: float
    score: float | None  # decision relevance when scores were given
    why: str  # why it is on the plan: which later step needs it, and the reason on that edge


@dataclass(frozen=True)
class Plan:
    target: str
    steps: list[PlanStep]
    total_hours: float
    skipped: list[str] = field(default_factory=list)  # known prerequisites the plan stopped at

    def to_dict(self) -> dict:
        return asdict(self)


def learning_plan(graph: Graph, target: str, known: set[str] | frozenset[str] = frozenset(),
                  scores: dict[str, float] | None = None) -> Plan:
    """Every unknown transitive prerequisite of `target` (and `target` itself, unless known),
    each after everything it requires; ties go to the lower layer, then the name.

    >>> from explorer.domain.model import Concept, Graph, Layer, Link
    >>> c = lambda i, *req: Concept(i, i.title(), "l", "", requires=tuple(Link(r) for r in req))
    >>> g = Graph((Layer("l", "L", 0),), (), {x.id: x for x in
    ...           [c("a"), c("b", "a"), c("c", "b"), c("d", "c", "a")]}, {})
    >>> [s.id for s in learning_plan(g, "d").steps]
    ['a', 'b', 'c', 'd']
    >>> [s.id for s in learning_plan(g, "d", known={"b"}).steps]  # `a` is still needed by `d`
    ['a', 'c', 'd']
    """
    check_concept(graph, target)
    scores = scores or {}
    concepts = graph.concepts
    if target in known:
        return Plan(target, [], 0.0, [target])

    # Breadth-first from the target along the kinds a plan follows, stopping at known
    # concepts: `why` comes from the nearest step that needs each concept.
    kinds = tuple(r.name for r in relations.all_relations() if r.plan)
    needs = nx.DiGraph((c.id, link.id, {"why": link.why}) for c in concepts.values()
                       for kind in kinds for link in c.links(kind) if link.id in concepts)
    needs.add_node(target)
    unknown = nx.subgraph_view(needs, filter_node=lambda n: n not in known)
    why = {target: "your target"}
    for cid, parent in nx.bfs_predecessors(unknown, target, sort_neighbors=sorted):
        reason = needs.edges[parent, cid]["why"]
        why[cid] = f"needed for {concepts[parent].name}" + (f": {reason}" if reason else "")
    skipped = {p for cid in why for p in needs.successors(cid) if p in known}

    # Prerequisites first; ties break by (layer position, name, id).
    def key(cid: str) -> tuple[int, str, str]:
        return graph.layer_position(concepts[cid].layer), concepts[cid].name.lower(), cid

    try:
        order = list(nx.lexicographical_topological_sort(
            needs.subgraph(why).reverse(copy=False), key=key))
    except nx.NetworkXUnfeasible:  # the loader rejects cycles; this guards hand-made graphs
        raise ValueError(f"the plan's prerequisites of {target!r} form a cycle") from None

    steps = [
        PlanStep(cid, concepts[cid].name, concepts[cid].layer, concepts[cid].effort_hours,
                 scores.get(cid), why[cid])
        for cid in order
    ]
    return Plan(target, steps, round(sum(s.hours for s in steps), 2), sorted(skipped))


def plan_markdown(plan: Plan, graph: Graph | None = None) -> str:
    """The plan as a Markdown checklist, for download."""
    title = graph.concepts[plan.target].name if graph and plan.target in graph.concepts \
        else plan.target
    lines = [f"# Learning plan: {title}", ""]
    if not plan.steps:
        lines.append("Nothing to learn: you already know this target.")
    else:
        lines.append(f"{len(plan.steps)} concepts, about {_hours(plan.total_hours)} in all, "
                     "each after what it requires.")
        lines.append("")
        for i, s in enumerate(plan.steps, 1):
            score = f", {s.score:.0%} decision relevance" if s.score is not None else ""
            lines.append(f"{i}. [ ] **{s.name}** (`{s.id}`, {s.layer}, {_hours(s.hours)}{score})"
                         f" — {s.why}")
    if plan.skipped:
        lines += ["", "Skipped because you know them: " + ", ".join(f"`{k}`" for k in plan.skipped)
                  + "."]
    return "\n".join(lines) + "\n"


def _hours(h: float) -> str:
    return f"{h:g} h"
