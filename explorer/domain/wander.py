"""Wander: three next steps from the focused concept, and "surprise me".

From a focus the three suggestions are
- useful: the neighbour (either direction, any edge) most worth a visit,
- bridge: the most surprising edge near the focus, one joining concepts far apart in meaning
  (low cosine between their vectors when given, else far apart in layers),
- foundation: a transitive target of structural edges (`requires`, `built_on`), the deeper
  layers under the focus.

The curiosity dial c (0..1) blends usefulness (the decision-relevance score) with surprise in each
ranking, `(1 - w) * useful + w * surprise`, with the weight w of surprise set per slot so each keeps
its character: c/2 for the useful neighbour (usefulness always counts at least half), 1/2 + c/2 for
the bridge (surprise always counts at least half), and c for the foundation, where "surprise" is
depth (a curious learner is sent further down). A small seeded jitter breaks near-ties, so the same
seed gives the same suggestions and another seed may vary them. Nothing is gated by score: a low
one is shown, not hidden.

The useful neighbour and the bridge are also weighed by degree^-HUB_PENALTY (degree: how many
concepts a candidate is joined to). Without it a hub such as an array library, joined to a
hundred concepts, is the "most useful next" step or the "bridge" from a large share of the
graph; with it no concept is either for more than 5% of the curated graph's concepts
(`python -m explorer.bench.hubs` prints the shares; tests/test_wander_hubs.py holds the bound).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass

import networkx as nx
import numpy as np

from explorer.domain import relations
from explorer.domain.model import Graph
from explorer.domain.paths import check_concept, edge_between

JITTER = 0.02  # the largest seeded nudge to a ranking value; only near-ties change order
NEUTRAL = 0.5  # usefulness assumed for every concept when no scores are given
# How strongly a well-connected concept is held back as the useful step or the bridge: its
# value is multiplied by degree ** -HUB_PENALTY. At 0.6 the largest share on the curated
# graph falls under 5% for both; it only reorders candidates of similar value otherwise.
HUB_PENALTY = 0.6


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "useful" | "bridge" | "foundation" | "surprise"
    id: str
    name: str
    layer: str
    reason: str  # one line, shown as text
    score: float | None = None  # decision relevance, when scores were given
    via: str | None = None  # the concept the edge starts from (the focus, or a bridge's near end)

    def to_dict(self) -> dict:
        return asdict(self)


def _jitter(seed: int, cid: str) -> float:
    # Seeded per (seed, id), so the value does not depend on the order candidates are visited.
    return JITTER * random.Random(f"{seed}:{cid}").random()


def _neighbours(g: nx.DiGraph, cid: str) -> list[str]:
    return sorted(set(g.successors(cid)) | set(g.predecessors(cid)))


class _Ranker:
    """Usefulness and surprise for one call of `suggest`."""

    def __init__(self, graph: Graph, g: nx.DiGraph, scores: Mapping[str, float] | None,
                 vectors: Mapping[str, np.ndarray] | None, seed: int):
        self.graph, self.scores, self.vectors, self.seed = graph, scores, vectors or {}, seed
        self.g = g
        self.span = max(1, len(graph.layers) - 1)

    def hub_weight(self, cid: str) -> float:
        """degree ** -HUB_PENALTY: 1 for a concept with one neighbour, 0.25 at ten."""
        return max(1, len(_neighbours(self.g, cid))) ** -HUB_PENALTY

    def useful(self, cid: str) -> float:
        return self.scores.get(cid, 0.0) if self.scores is not None else NEUTRAL

    def cosine(self, a: str, b: str) -> float | None:
        if a in self.vectors and b in self.vectors:
            return float(np.dot(self.vectors[a], self.vectors[b]))
        return None

    def layer_gap(self, a: str, b: str) -> int:
        pos = self.graph.layer_position
        return abs(pos(self.graph.concepts[a].layer) - pos(self.graph.concepts[b].layer))

    def surprise(self, a: str, b: str) -> float:
        """0 (same meaning) .. 1 (unrelated): 1 − cosine when both have vectors, else the gap in
        layers over the span of layers."""
        cos = self.cosine(a, b)
        if cos is not None:
            return min(1.0, max(0.0, 1.0 - cos))
        return self.layer_gap(a, b) / self.span

    def value(self, cid: str, surprise: float, curiosity: float, weight: float = 1.0) -> float:
        """The blend of usefulness and surprise, times `weight` (the hub penalty), plus the
        seeded jitter."""
        blend = (1 - curiosity) * self.useful(cid) + curiosity * surprise
        return blend * weight + _jitter(self.seed, cid)

    def score_text(self, cid: str) -> str:
        if self.scores is None:
            return ""
        return f" ({self.scores.get(cid, 0.0):.0%} likely to change a decision you face)"


def suggest(graph: Graph, g: nx.DiGraph, focus: str, *, visited: Collection[str] = (),
            known: Collection[str] = (), scores: Mapping[str, float] | None = None,
            vectors: Mapping[str, np.ndarray] | None = None, curiosity: float = 0.5,
            seed: int = 0) -> list[Suggestion]:
    """Up to three suggestions (useful, bridge, foundation), each a different concept; a slot with
    no candidate is left out. Visited and known concepts are never suggested as the useful
    neighbour or the bridge; the foundation skips known ones and prefers unvisited ones."""
    check_concept(graph, focus)
    c = min(1.0, max(0.0, curiosity))
    rank = _Ranker(graph, g, scores, vectors, seed)
    concepts = graph.concepts
    skip = set(visited) | set(known) | {focus}
    out: list[Suggestion] = []

    def make(kind: str, cid: str, reason: str, via: str | None) -> Suggestion:
        score = scores.get(cid, 0.0) if scores is not None else None
        return Suggestion(kind, cid, concepts[cid].name, concepts[cid].layer, reason, score, via)

    def relation(here: str, there: str) -> tuple[str, str]:
        _, kind, forward, why = edge_between(g, here, there)
        return relations.get(kind).reads(forward), why

    # 1. The most useful unvisited neighbour.
    near = _neighbours(g, focus)
    ranked = sorted((-rank.value(x, rank.surprise(focus, x), c / 2, rank.hub_weight(x)), x)
                    for x in near if x not in skip)
    if ranked:
        x = ranked[0][1]
        rel, why = relation(x, focus)
        out.append(make("useful", x, f"{concepts[x].name} ({rel} {concepts[focus].name})"
                        f"{': ' + why if why else ''}{rank.score_text(x)}", focus))

    # 2. The most surprising bridge: an edge from the focus or one of its neighbours to a concept
    # not yet suggested, joining concepts that differ at all (surprise > 0: another layer, or
    # vectors not identical); edges at the focus win ties. Both ends are held back by degree:
    # a hub's far end is otherwise the bridge from every concept that touches the hub.
    taken = skip | {s.id for s in out}
    cb = 0.5 + c / 2
    edges = []
    for u in [focus, *near]:
        near_end = 1.0 if u == focus else rank.hub_weight(u)
        for v in _neighbours(g, u):
            surprise = rank.surprise(u, v)
            if v not in taken and surprise > 0:
                weight = near_end * rank.hub_weight(v)
                edges.append((-rank.value(v, surprise, cb, weight), u != focus, u, v))
    if edges:
        _, _, u, v = min(edges)
        rel, why = relation(v, u)
        cos = rank.cosine(u, v)
        gap = rank.layer_gap(u, v)
        far = (f"between distant ideas (similarity {cos:.2f})" if cos is not None
               else f"across {gap} layer{'s' * (gap != 1)}" if gap
               else f"within {concepts[v].layer}")
        out.append(make("bridge", v, f"A bridge {far}: {concepts[v].name} {rel} "
                        f"{concepts[u].name}{': ' + why if why else ''}{rank.score_text(v)}", u))

    # 3. A deeper foundation: any transitive prerequisite or built-on layer not marked known.
    taken = set(known) | {focus} | {s.id for s in out}
    parent = _descend(g, focus)
    depth = {cid: _depth(parent, cid) for cid in parent}
    deepest = max(depth.values(), default=1)
    seen = set(visited)
    found = sorted((x in seen, -rank.value(x, depth[x] / deepest, c), x)
                   for x in parent if x not in taken)
    if found:
        x = found[0][2]
        chain = [x]
        while chain[-1] != focus:
            chain.append(parent[chain[-1]])
        names = [concepts[cid].name for cid in reversed(chain)]
        shown = " → ".join(names if len(names) <= 4 else [names[0], "…", *names[-2:]])
        hook = f" {concepts[x].hook}" if concepts[x].hook else ""
        steps = len(chain) - 1
        out.append(make("foundation", x, f"{steps} step{'s' * (steps != 1)} beneath "
                        f"{concepts[focus].name}: {shown}.{hook}{rank.score_text(x)}", focus))
    return out


def _descend(g: nx.DiGraph, focus: str) -> dict[str, str]:
    """Breadth-first down structural edges (`requires`, `built_on`, …): each reachable concept →
    its parent on a shortest chain from the focus."""
    down = nx.subgraph_view(g, filter_edge=lambda u, v: relations.is_structural(g[u][v]["kind"]))
    return dict(nx.bfs_predecessors(down, focus, sort_neighbors=sorted))


def _depth(parent: dict[str, str], cid: str) -> int:
    hops = 1
    while parent[cid] in parent:
        cid, hops = parent[cid], hops + 1
    return hops


def hook_appeal(hook: str) -> float:
    """How inviting a hook looks: a question or a concrete number beats a plain statement."""
    if not hook:
        return 0.0
    return 1.0 + 0.5 * ("?" in hook) + 0.5 * any(ch.isdigit() for ch in hook)


def surprise_me(graph: Graph, visited: Collection[str] = (), seed: int = 0,
                scores: Mapping[str, float] | None = None, *,
                known: Collection[str] = ()) -> Suggestion:
    """A seeded jump to an unvisited, unknown concept with a hook, drawn with weight
    hook appeal × (1 + score). Falls back to unvisited concepts without a hook, then to any."""
    if not graph.concepts:
        raise ValueError("the graph has no concepts")
    skip = set(visited) | set(known)
    fresh = sorted(cid for cid in graph.concepts if cid not in skip)
    pool = [cid for cid in fresh if graph.concepts[cid].hook] or fresh or sorted(graph.concepts)
    weights = [max(hook_appeal(graph.concepts[cid].hook), 1.0)
               * (1.0 + (scores or {}).get(cid, 0.0)) for cid in pool]
    cid = random.Random(seed).choices(pool, weights)[0]
    c = graph.concepts[cid]
    score = scores.get(cid, 0.0) if scores is not None else None
    reason = c.hook or c.summary
    return Suggestion("surprise", cid, c.name, c.layer, reason, score)


@dataclass(frozen=True)
class HubShare:
    """How often one concept is a given kind of suggestion, wandering from every concept."""

    kind: str  # "useful" | "bridge" | "foundation"
    id: str
    count: int
    share: float  # count / concepts wandered from

    def to_dict(self) -> dict:
        return asdict(self)


def hub_shares(graph: Graph, g: nx.DiGraph, *, scores: Mapping[str, float] | None = None,
               vectors: Mapping[str, np.ndarray] | None = None, curiosity: float = 0.5,
               seed: int = 0) -> dict[str, list[HubShare]]:
    """Wander from every concept (nothing visited or known) and count, per kind of suggestion,
    how often each concept is suggested: {kind: shares, most frequent first}. A hub that every
    neighbourhood touches shows up here as one concept with a large share."""
    counts: dict[str, dict[str, int]] = {"useful": {}, "bridge": {}, "foundation": {}}
    for focus in graph.concepts:
        for s in suggest(graph, g, focus, scores=scores, vectors=vectors, curiosity=curiosity,
                         seed=seed):
            counts[s.kind][s.id] = counts[s.kind].get(s.id, 0) + 1
    n = max(1, len(graph.concepts))
    return {kind: [HubShare(kind, cid, k, k / n)
                   for cid, k in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))]
            for kind, found in counts.items()}
