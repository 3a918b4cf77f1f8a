"""Content lints on the curated graph in graph_data/: completeness, bounds, edges, coverage."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from explorer.domain.loader import load_graph
from explorer.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "graph_data"
DEV_QUERIES = PROJECT_ROOT.parent / "shared" / "eval" / "dev_queries.json"
SYMPTOMS_REQUIRED = {"numerics", "optimization", "deep-learning", "architectures"}
REQUIRED_IDS = ("transistor", "adam", "momentum", "gradient-descent", "learning-rate",
                "backpropagation", "floating-point", "rounding-error", "condition-number",
                "lu-decomposition", "receptive-field")


def norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


@pytest.fixture(scope="module")
def graph():
    return load_graph(DATA)


def test_sizes(graph):
    assert len(graph.concepts) >= 250
    assert len(graph.decisions) >= 60
    assert len(graph.edges()) >= 600


def test_required_ids_exist(graph):
    assert [i for i in REQUIRED_IDS if i not in graph.concepts] == []


def test_every_layer_has_at_least_ten_concepts(graph):
    counts = Counter(c.layer for c in graph.concepts.values())
    assert {la.id: counts[la.id] for la in graph.layers if counts[la.id] < 10} == {}


def test_every_concept_is_complete(graph):
    problems = []
    for c in graph.concepts.values():
        if not 40 <= len(c.summary) <= 700:
            problems.append(f"{c.id}: summary has {len(c.summary)} characters")
        if not 20 <= len(c.hook) <= 450:
            problems.append(f"{c.id}: hook has {len(c.hook)} characters")
        if c.layer in SYMPTOMS_REQUIRED and not c.symptoms:
            problems.append(f"{c.id}: no symptoms")
        if len(c.maturity) < 2:
            problems.append(f"{c.id}: maturity needs at least two years")
        if not c.references or any(not r.title.strip() for r in c.references):
            problems.append(f"{c.id}: references missing or untitled")
        if any(not link.why.strip() for link in c.requires):
            problems.append(f"{c.id}: a requires edge has no why")
    assert problems == []


def test_no_concept_without_edges(graph):
    touched = {n for src, dst, *_ in graph.edges() for n in (src, dst)}
    assert sorted(set(graph.concepts) - touched) == []


def test_names_and_aliases_are_unique(graph):
    owners: dict[str, set[str]] = {}
    for c in graph.concepts.values():
        for label in (c.name, *c.aliases):
            owners.setdefault(norm(label), set()).add(c.id)
    clashes = {k: sorted(v) for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_decisions_cover_every_goal_and_kind(graph):
    kinds = Counter(d.kind for d in graph.decisions.values())
    assert set(kinds) == {"debug", "design", "choose-tool", "interview", "research"}
    for goal in ("build", "architect", "interview", "research"):
        assert any(d.frequency_for(goal) >= 0.3 for d in graph.decisions.values()), goal
    assert all(inf.why.strip() for d in graph.decisions.values() for inf in d.informed_by)


def test_transistor_reaches_adam(graph):
    down = nx.DiGraph((s, d) for s, d, kind, _ in graph.edges(("requires", "built_on")))
    assert nx.has_path(down, "adam", "transistor")


def test_dev_query_coverage():
    """The share of expert-named concepts found as a name or alias (aim: at least 90%)."""
    if not DEV_QUERIES.exists():
        pytest.skip(f"{DEV_QUERIES} is not beside this checkout")
    graph = load_graph(DATA)
    labels = {norm(x) for c in graph.concepts.values() for x in (c.name, *c.aliases)}
    expected = [e for q in json.loads(DEV_QUERIES.read_text()) for e in q["expected"]]
    found = [e for e in expected if norm(e) in labels]
    assert len(found) / len(expected) >= 0.9, sorted(set(expected) - set(found))


def test_layer_files_match_layers():
    for path in sorted((DATA / "concepts").glob("*.yaml")):
        assert path.stem in {la.id for la in load_graph(DATA).layers}, path
        text = Path(path).read_text()
        assert f"layer: {path.stem}" in text


def test_decisions_are_backed_by_real_threads(graph):
    """At least 90% of decisions cite a public thread, and 60% cite two or more."""
    counts = [len(d.evidence) for d in graph.decisions.values()]
    assert sum(c >= 1 for c in counts) >= 0.9 * len(counts)
    assert sum(c >= 2 for c in counts) >= 0.6 * len(counts)
    urls = [e.url for d in graph.decisions.values() for e in d.evidence]
    assert all(re.match(r"^https?://[^\s/]+\.[^\s]+$", u) for u in urls)


def test_no_symptom_repeats_a_dev_question(graph):
    if not DEV_QUERIES.exists():
        pytest.skip(f"{DEV_QUERIES} is not beside this checkout")
    questions = {norm(q["query"]) for q in json.loads(DEV_QUERIES.read_text())}
    symptoms = [s for c in graph.concepts.values() for s in c.symptoms] + [
        s for d in graph.decisions.values() for s in d.symptoms]
    assert sorted(s for s in symptoms if norm(s) in questions) == []


GPU_ERA = ("kernel-fusion", "graph-compilation", "cuda", "cudnn", "tensor-cores", "bfloat16",
           "tf32", "flash-attention", "adam", "adamw", "transformer", "batch-normalization",
           "layer-normalization", "mixed-precision-training")


def test_gpu_era_tooling_carries_its_year(graph):
    """Issue 11: these must not score in 1985, so each needs an `introduced` after it."""
    assert {i: graph.concepts[i].introduced for i in GPU_ERA
            if (graph.concepts[i].introduced or 0) <= 1985} == {}


def test_no_maturity_before_a_concept_exists(graph):
    """A maturity point dated before `introduced` describes tooling for something not yet there."""
    early = {c.id: (c.introduced, c.maturity[0][0]) for c in graph.concepts.values()
             if c.introduced and c.maturity and c.maturity[0][0] < c.introduced}
    assert early == {}
