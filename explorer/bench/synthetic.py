"""Synthetic concept graphs of any size, for benchmarks and property tests.

`synthetic_graph(100_000, 2_000, seed=1)` looks like the curated graph grown large: topics of a
few hundred concepts over the eleven layers of graph_data/layers.yaml, from physics up, sharing
one topic of common foundations; `requires` links to earlier concepts of the same layer or of the
layers just below (preferring a few "hub" foundations, as real prerequisites do);
`built_on` links down to the layers whose machinery hides a concept; maturity curves that come
earlier and rise higher the lower the layer; and decisions informed mostly by the upper layers.
Every concept has a name, aliases, summary, hook and symptoms drawn from small vocabularies, so
search and UI benchmarks can use the same graph. The same arguments always give the same graph,
and the union of `requires` and `built_on` is acyclic (every link points to an earlier concept
in (layer, position) order).
"""

from __future__ import annotations

import random

from explorer.domain.model import GOALS, Concept, Decision, Goal, Graph, Influence, Layer, Link

LAYERS = ("physics", "hardware", "software", "numerics", "linear-algebra", "calculus",
          "probability-statistics", "optimization", "ml-foundations", "deep-learning",
          "architectures")
# Where the tooling of each layer stands: (year it starts maturing, its maturity by 2030).
# Lower layers matured earlier and hide their concepts better.
_ERA = {"physics": (1965, 0.99), "hardware": (1975, 0.97), "software": (1995, 0.9),
        "numerics": (1980, 0.92), "linear-algebra": (1985, 0.85), "calculus": (1995, 0.7),
        "probability-statistics": (1995, 0.6), "optimization": (2005, 0.6),
        "ml-foundations": (2008, 0.55), "deep-learning": (2014, 0.5),
        "architectures": (2017, 0.45)}
ADJ = ("Adaptive", "Applied", "Bayesian", "Causal", "Conjugate", "Continuous", "Discrete",
       "Distributed", "Dynamic", "Fused", "Generative", "Geometric", "Hierarchical", "Latent",
       "Linear", "Low-rank", "Mixed", "Nonlinear", "Orthogonal", "Parallel", "Probabilistic",
       "Quantised", "Random", "Recurrent", "Residual", "Robust", "Scaled", "Sparse", "Spectral",
       "Stochastic", "Structured", "Symmetric", "Tiled", "Variational", "Weighted", "Blocked")
NOUN = ("Attention", "Batching", "Cache", "Convolution", "Decomposition", "Descent",
        "Embedding", "Entropy", "Estimator", "Factorisation", "Gradient", "Kernel",
        "Likelihood", "Matrix", "Momentum", "Norm", "Normalisation", "Pooling", "Precision",
        "Projection", "Quadrature", "Regulariser", "Rounding", "Sampler", "Scheduler", "Solver",
        "Tensor", "Transform", "Update", "Variance", "Warmup", "Layer", "Buffer", "Pipeline")
SYMPTOMS = ("loss becomes NaN", "loss plateaus early", "training is slower than expected",
            "GPU memory runs out", "accuracy drops on new data", "results differ between runs",
            "gradients vanish in early layers", "loss spikes late in training",
            "the solver returns garbage for large inputs", "throughput is far below peak",
            "validation loss rises while training loss falls", "outputs saturate")
VERBS = ("Choose", "Tune", "Debug", "Replace", "Explain", "Size", "Diagnose", "Compare")
KINDS = ("debug", "design", "choose-tool", "interview", "research")


def synthetic_graph(n_concepts: int, n_decisions: int | None = None, seed: int = 0, *,
                    topic_size: int = 300, shared: float = 0.15) -> Graph:
    """A layered graph of `n_concepts` concepts and `n_decisions` decisions (default: one per
    50 concepts, at least 2), deterministic in `seed`.

    Large graphs are split into topics of about `topic_size` concepts, each spanning every
    layer, as a big map of knowledge is: a link stays inside its topic except for a `shared`
    fraction that goes to topic 0, the common foundations (floating point, the GPU, …). A
    decision is informed by the concepts of one topic (and sometimes one shared concept).
    """
    rng = random.Random(seed)
    n_decisions = max(2, n_concepts // 50) if n_decisions is None else n_decisions
    layers = tuple(Layer(lid, lid.replace("-", " ").capitalize(), i)
                   for i, lid in enumerate(LAYERS))
    goals = tuple(Goal(g, g.capitalize()) for g in GOALS)
    n_topics = max(1, round(n_concepts / topic_size))
    sizes = [_split(size, len(LAYERS)) for size in _split(n_concepts, n_topics)]
    # by_topic[t][layer]: ids in creation order. Links only go to concepts created earlier (a
    # lower layer, or earlier in the same layer), so requires ∪ built_on is acyclic.
    by_topic: list[list[list[str]]] = [[[] for _ in LAYERS] for _ in range(n_topics)]
    concepts: dict[str, Concept] = {}
    n = 0
    for li, lid in enumerate(LAYERS):
        start, top = _ERA[lid]
        for t in range(n_topics):
            for _ in range(sizes[t][li]):
                def home(layer: int, t: int = t) -> list[str]:
                    other = 0 if t and rng.random() < shared else t
                    return by_topic[other][layer]
                name = f"{rng.choice(ADJ)} {rng.choice(NOUN)} {n}"
                cid = name.lower().replace(" ", "-")
                requires = _pick(rng, home(li), rng.choice((0, 1, 1, 2)))
                if li:
                    requires += _pick(rng, home(li - 1), rng.choice((0, 1, 1, 2)))
                if li >= 2 and rng.random() < 0.3:
                    requires += _pick(rng, home(li - 2), 1)
                built_on = _pick(rng, home(li - 1), 1) if li and rng.random() < 0.5 else []
                mid = start + rng.uniform(-5, 10)
                high = min(1.0, max(0.0, top + rng.uniform(-0.1, 0.05)))
                maturity = ((round(mid - 10), round(high * 0.2, 2)),
                            (round(mid), round(high * 0.6, 2)),
                            (round(mid + 15), round(high, 2)))
                first = concepts[requires[0]].name if requires else None
                concepts[cid] = Concept(
                    id=cid, name=name, layer=lid,
                    summary=f"{name} is a {lid.replace('-', ' ')} concept"
                            + (f" that builds on {first}." if first else "."),
                    hook=f"Why does {name.lower()} matter for {rng.choice(NOUN).lower()}?",
                    aliases=(f"{''.join(w[0] for w in name.split()[:2])}{n}",),
                    symptoms=tuple(rng.sample(SYMPTOMS, rng.choice((0, 1, 2)))),
                    maturity=maturity,
                    effort_hours=round(rng.uniform(0.5, 8), 1),
                    requires=tuple(Link(r, "needed to follow it")
                                   for r in dict.fromkeys(requires)),
                    built_on=tuple(Link(b, "its tools hide this layer") for b in built_on),
                    related=tuple(Link(r) for r in
                                  _pick(rng, by_topic[t][li], int(rng.random() < 0.1))),
                )
                by_topic[t][li].append(cid)
                n += 1
    # Decisions are informed mostly by the upper layers, where tooling is still young.
    weights = (1, 1, 2, 3, 3, 3, 3, 6, 8, 10, 10)
    decisions: dict[str, Decision] = {}
    for k in range(n_decisions):
        t = rng.randrange(n_topics)
        pools = [(ids, w) for ids, w in zip(by_topic[t], weights, strict=True) if ids]
        if not pools:
            continue
        chosen: dict[str, float] = {}
        for _ in range(rng.randint(1, 5)):
            ids = rng.choices([ids for ids, _ in pools], weights=[w for _, w in pools])[0]
            chosen.setdefault(_pick(rng, ids, 1)[0], round(rng.uniform(0.2, 0.9), 2))
        if t and rng.random() < 0.1:
            core = [c for layer in by_topic[0] for c in layer]
            chosen.setdefault(rng.choice(core), round(rng.uniform(0.2, 0.6), 2))
        frequency = tuple((g, round(rng.random() ** 2 * 0.8, 2)) for g in GOALS
                          if rng.random() < 0.6)
        kind = rng.choice(KINDS)
        did = f"d{k:05d}"
        decisions[did] = Decision(
            id=did, text=f"{rng.choice(VERBS)} the {concepts[next(iter(chosen))].name.lower()}?",
            kind=kind, maturity_sensitive=kind != "interview" and rng.random() < 0.9,
            frequency=frequency,
            informed_by=tuple(Influence(cid, s, "it changes the choice")
                              for cid, s in chosen.items()),
            symptoms=tuple(rng.sample(SYMPTOMS, 2)),
        )
    return Graph(layers, goals, concepts, decisions)


def _split(n: int, parts: int) -> list[int]:
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def _pick(rng: random.Random, ids: list[str], k: int) -> list[str]:
    """k ids, skewed toward the first ones: early concepts become hubs, as foundations do."""
    if not ids or k <= 0:
        return []
    return list(dict.fromkeys(ids[int(len(ids) * rng.random() ** 2)] for _ in range(k)))
