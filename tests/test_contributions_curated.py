"""Issue 11 on the curated graph: the contributions `explorer show ID --json` gives multiply
out and combine to p, and nothing scores before it was introduced."""

from __future__ import annotations

import math

import pytest

from explorer.domain.relevance import concept_relevances
from explorer.settings import PROJECT_ROOT
from explorer.usecases import Explorer, open_explorer

# The GPU-era tooling the 1985 test names (ids in graph_data/concepts/).
GPU_ERA = ("kernel-fusion", "graph-compilation", "cuda", "cudnn", "tensor-cores", "bfloat16",
           "tf32", "flash-attention", "adam", "adamw", "transformer", "batch-normalization",
           "layer-normalization", "mixed-precision-training")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    tmp = tmp_path_factory.mktemp("curated")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPLORER_EMBEDDINGS", str(tmp / "embeddings"))
        explorer = open_explorer(db_path=tmp / "graph.duckdb",
                                 data_dir=PROJECT_ROOT / "graph_data",
                                 progress_path=tmp / "progress.sqlite")
    yield explorer
    explorer.progress.close()


@pytest.mark.parametrize("year", [2026, 2000])
def test_every_contribution_multiplies_out_and_they_combine_to_p(app: Explorer, year) -> None:
    goals = [g.id for g in app.graph.goals]
    checked = 0
    for cid in app.graph.concepts:
        data = app.concept_json(cid, year)  # what `explorer show ID --json` prints
        backward = concept_relevances(app.graph, cid, goals, year, top_reasons=None)
        for goal, rel in data["relevance"].items():
            q = 1.0
            for c in rel["contributions"]:
                factors = [hop["factor"] for hop in c["chain"]]
                assert c["chain"][0]["relation"] == "informs"
                for hop in c["chain"]:
                    assert hop["factor"] == pytest.approx(hop["weight"] * hop["leak"])
                assert c["reach"] == pytest.approx(math.prod(factors), rel=1e-9)
                assert c["contribution"] == pytest.approx(c["frequency"] * math.prod(factors),
                                                          rel=1e-9)
                assert c["contribution"] > 0
                q *= 1.0 - c["contribution"]
            assert abs((1.0 - q) - rel["p"]) < 0.001, (cid, goal, year)
            # The upward search, which finds every decision above the concept on its own,
            # finds the same decisions: none is missing from the list.
            assert {c["decision"] for c in rel["contributions"]} == {
                r.decision_id for r in backward[goal].reasons}, (cid, goal)
            checked += len(rel["contributions"])
    assert checked > 1000


@pytest.mark.parametrize("year", [1980, 1985, 1995, 2005, 2012, 2016, 2019])
def test_no_concept_scores_or_carries_a_chain_before_its_year(app: Explorer, year) -> None:
    concepts = app.graph.concepts
    for goal in (g.id for g in app.graph.goals):
        scores = app.scores(goal, year)
        for cid, concept in concepts.items():
            rel = scores[cid]
            if concept.introduced is not None and year < concept.introduced:
                assert rel.p == 0 and rel.reasons == (), (cid, goal, year)
            for reason in rel.reasons:
                late = [s.concept_id for s in reason.chain
                        if (concepts[s.concept_id].introduced or 0) > year]
                assert late == [], (cid, reason.decision_id, year)


def test_none_of_the_gpu_era_tooling_scores_in_1985(app: Explorer) -> None:
    missing = [cid for cid in GPU_ERA if cid not in app.graph.concepts]
    assert missing == [], f"graph_data lacks {missing}"
    for cid in GPU_ERA:
        for goal in (g.id for g in app.graph.goals):
            assert app.concept_json(cid, 1985)["relevance"][goal]["p"] == 0, (cid, goal)
        assert app.card(cid, "build", 1985).not_yet.startswith("introduced in ")
    assert any(app.concept_json(cid, 2026)["relevance"]["build"]["p"] > 0 for cid in GPU_ERA)


def test_adams_card_in_2000_says_when_it_was_introduced(app: Explorer) -> None:
    card = app.card("adam", "build", 2000)
    assert card.relevance.p == 0 and card.explained == []
    assert card.not_yet == "introduced in 2014: no decision in 2000 turned on it"
    assert (2014, "introduced") in card.era_marks
    assert app.card("adam", "build", 2026).not_yet is None


def test_adams_card_shows_the_top_three_and_what_the_rest_add(app: Explorer) -> None:
    card = app.card("adam", "build", 2026)
    top = card.explained[0]
    assert top.formula.startswith("faced ") and " × strength " in top.formula
    assert " × leak " in top.formula and top.formula.endswith(f"= {top.formula.split('= ')[-1]}")
    n, extra = card.relevance.rest(card.shown)
    assert n == len(card.explained) - 3 > 0
    shown = 1.0 - math.prod(1 - e.contribution for e in card.explained[:3])
    assert shown + extra == pytest.approx(card.relevance.p)
    assert card.more().startswith(f"{n} more decision")


def test_linear_algebra_decisions_fall_most_between_2000_and_now(app: Explorer) -> None:
    shifts = app.decision_shifts("build", 2000, 2026)
    falls = [s.fall for s in shifts]
    assert falls == sorted(falls, reverse=True)
    top = {s.decision_id for s in shifts[:len(shifts) // 3]}
    assert {"least-squares-solver", "inverse-or-solve"} & top, [s.decision_id for s in shifts[:8]]
