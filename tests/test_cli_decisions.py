"""`explorer decisions list|set|reset` and `--profile` on relevance, show and plan, on the curated
graph with a temporary database and progress file (the settings' environment variables)."""

from __future__ import annotations

import json

import pytest

from explorer.cli import main
from explorer.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def curated_db(tmp_path_factory: pytest.TempPathFactory):
    """The curated graph built once for the module, from the shipped vectors only."""
    db = tmp_path_factory.mktemp("curated") / "graph.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPLORER_DB", str(db))
        mp.setenv("EXPLORER_DATA", str(PROJECT_ROOT / "graph_data"))
        mp.setenv("EXPLORER_EMBEDDINGS", str(db.parent / "embeddings"))
        assert main(["stats"]) == 0
    return db


@pytest.fixture(autouse=True)
def _curated(curated_db, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_DB", str(curated_db))
    monkeypatch.setenv("EXPLORER_DATA", str(PROJECT_ROOT / "graph_data"))
    monkeypatch.setenv("EXPLORER_PROGRESS", str(tmp_path / "progress.sqlite"))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def adam(capsys, profile: str) -> float:
    """Adam's build score for `profile`, read from `explorer relevance --json`."""
    code, out, err = run(capsys, "relevance", "--json", "--profile", profile, "--year", "2026")
    assert code == 0, err
    return next(r["p"] for r in json.loads(out) if r["id"] == "adam")


def test_never_facing_a_decision_lowers_adam_for_that_profile_alone(capsys) -> None:
    before = {p: adam(capsys, p) for p in ("ann", "bob")}
    assert before["ann"] == before["bob"] > 0
    code, _, err = run(capsys, "decisions", "set", "training-loss-diverges", "never",
                       "--profile", "ann")
    assert code == 0 and "frequency 0" in err
    assert adam(capsys, "ann") < before["ann"]
    assert adam(capsys, "bob") == before["bob"]
    code, out, _ = run(capsys, "show", "adam", "--json", "--profile", "ann", "--year", "2026")
    build = json.loads(out)["relevance"]["build"]
    assert code == 0 and "training-loss-diverges" not in {c["decision"]
                                                          for c in build["contributions"]}
    assert run(capsys, "decisions", "reset", "training-loss-diverges", "--profile", "ann")[0] == 0
    assert adam(capsys, "ann") == before["ann"]  # exactly: the goal's frequency again


def test_list_marks_own_frequencies_and_keeps_orphans(capsys, tmp_path) -> None:
    from explorer.storage.progress import SQLiteProgress

    with SQLiteProgress(tmp_path / "progress.sqlite") as store:  # a decision since removed
        store.set_decision_frequency("ann", "a-decision-no-longer-there", 0.3)
    assert run(capsys, "decisions", "set", "training-loss-diverges", "0.25",
               "--profile", "ann")[0] == 0
    code, out, _ = run(capsys, "decisions", "list", "--goal", "build", "--profile", "ann",
                       "--json")
    data = json.loads(out)
    row = next(r for r in data["decisions"] if r["id"] == "training-loss-diverges")
    assert code == 0 and (row["frequency"], row["own"]) == (0.25, 0.25)
    assert row["goal_frequency"] > 0.25
    assert data["orphaned"] == {"a-decision-no-longer-there": 0.3}
    code, out, _ = run(capsys, "decisions", "list", "--profile", "ann")
    assert code == 0 and " 25%* training-loss-diverges " in out
    assert "orphaned (not in the graph any more): a-decision-no-longer-there 0.3" in out
    assert run(capsys, "decisions", "reset", "a-decision-no-longer-there",
               "--profile", "ann")[0] == 0
    assert json.loads(run(capsys, "decisions", "list", "--profile", "ann",
                          "--json")[1])["orphaned"] == {}


def test_plan_scores_with_the_profile(capsys) -> None:
    def plan(profile: str) -> dict:
        code, out, err = run(capsys, "plan", "adam", "--format", "json", "--profile", profile)
        assert code == 0, err
        return {s["id"]: s["score"] for s in json.loads(out)["steps"]}

    before = plan("ann")
    for decision in ("training-loss-diverges", "choose-optimiser"):
        main(["decisions", "set", decision, "never", "--profile", "ann"])
    capsys.readouterr()
    after = plan("ann")
    assert after["adam"] < before["adam"] and plan("bob") == before
