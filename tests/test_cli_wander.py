"""`explorer path|plan|wander|progress` on the tiny graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.cli import main
from explorer.storage.graph_store import build
from explorer.storage.progress import SQLiteProgress

TINY = Path(__file__).parent / "fixtures" / "tiny"
ROAD = ["transistor", "gpu", "autodiff", "gradient-descent", "momentum", "adam"]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny graph built once for the module (the commands only read it)."""
    db = tmp_path_factory.mktemp("db") / "graph.duckdb"
    build(TINY, db)
    return db


@pytest.fixture(autouse=True)
def _tiny(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_DB", str(tiny_db))


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture, *argv: str):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


def test_path_json_is_the_road(capsys) -> None:
    rows = run_json(capsys, "path", "transistor", "adam", "--json")
    assert [r["id"] for r in rows] == ROAD
    assert all(set(r) == {"id", "name", "relation", "why"} for r in rows)
    assert rows[1] == {"id": "gpu", "name": "Graphics processing unit", "relation": "built on",
                       "why": "GPUs are made of transistors."}


def test_path_text(capsys) -> None:
    code, out, _ = run(capsys, "path", "adam", "floating-point")
    assert code == 0
    assert out.splitlines() == [
        "Adam optimizer (adam)",
        "  → Half precision (float16) (float16), required by Adam optimizer: "
        "Its epsilon matters in low precision.",
        "  → Floating point (floating-point), required by Half precision (float16): "
        "float16 is one floating-point format.",
    ]


def test_path_errors(capsys, tiny_dir: Path, tmp_path: Path, monkeypatch) -> None:
    code, _, err = run(capsys, "path", "adma", "gpu")
    assert code == 1 and "no concept with id 'adma'; did you mean adam" in err
    physics = tiny_dir / "concepts" / "physics.yaml"
    physics.write_text(physics.read_text() + "- {id: island, name: Island, layer: physics, "
                       "summary: Joined to nothing.}\n")
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    monkeypatch.setenv("EXPLORER_DB", str(tmp_path / "island.duckdb"))
    code, _, err = run(capsys, "path", "adam", "island")
    assert code == 1 and "error: no path between 'adam' and 'island'" in err


def test_plan_markdown_and_json(capsys) -> None:
    code, out, _ = run(capsys, "plan", "adam", "--known", "momentum")
    assert code == 0
    assert out.startswith("# Learning plan: Adam optimizer\n")
    assert "Skipped because you know them: `momentum`." in out
    assert "gradient-descent" not in out
    data = run_json(capsys, "plan", "adam", "--format", "json")
    assert [s["id"] for s in data["steps"]] == [
        "floating-point", "float16", "gradient-descent", "momentum", "adam"]
    assert data["total_hours"] == 11
    code, _, err = run(capsys, "plan", "adam", "--known", "momentum,moment")
    assert code == 1 and "no concept with id 'moment'" in err


def test_plan_uses_the_profiles_known_concepts(capsys) -> None:
    assert run(capsys, "progress", "mark", "float16", "--profile", "ann")[0] == 0
    ann = run_json(capsys, "plan", "adam", "--profile", "ann", "--format", "json")
    assert [s["id"] for s in ann["steps"]] == ["gradient-descent", "momentum", "adam"]
    other = run_json(capsys, "plan", "adam", "--format", "json")
    assert "float16" in [s["id"] for s in other["steps"]]


def test_wander_json_is_deterministic(capsys) -> None:
    first = run_json(capsys, "wander", "adam", "--seed", "4", "--json")
    assert first == run_json(capsys, "wander", "adam", "--seed", "4", "--json")
    assert [s["kind"] for s in first] == ["useful", "bridge", "foundation"]
    assert all(s["id"] != "adam" and s["reason"] for s in first)
    code, out, _ = run(capsys, "wander", "adam", "--seed", "4")
    assert code == 0 and out.splitlines()[0].startswith("useful     ")


def test_wander_skips_known_concepts(capsys) -> None:
    for cid in ("momentum", "float16", "gradient-descent"):
        run(capsys, "progress", "mark", cid)
    found = run_json(capsys, "wander", "adam", "--json", "--curiosity", "0")
    assert not {s["id"] for s in found} & {"momentum", "float16", "gradient-descent"}
    assert [s["id"] for s in found if s["kind"] == "useful"] == ["floating-point"]


def test_progress_commands(capsys) -> None:
    data = run_json(capsys, "progress", "list", "--json")
    assert (data["known"], data["bookmarks"]) == ([], [])
    data = run_json(capsys, "progress", "mark", "adam", "--json")
    assert data["known"] == ["adam"]
    assert data["summary"]["by_layer"]["optimization"] == {"known": 1, "total": 3,
                                                          "share": pytest.approx(0.3333)}
    run(capsys, "progress", "bookmark", "gpu", "--profile", "bob")
    code, out, _ = run(capsys, "progress", "list", "--profile", "bob")
    assert code == 0 and "bookmarks: gpu" in out and "known: -" in out
    data = run_json(capsys, "progress", "unmark", "adam", "--json")
    assert data["known"] == []
    code, _, err = run(capsys, "progress", "mark", "adma")
    assert code == 1 and "did you mean adam" in err
    code, _, err = run(capsys, "progress", "bookmark")
    assert code == 2 and "needs a concept id" in err


def test_progress_lists_orphans(capsys) -> None:
    with SQLiteProgress(os.environ["EXPLORER_PROGRESS"]) as p:
        p.mark_known("me", "removed-concept", "adam")
    code, out, _ = run(capsys, "progress", "list")
    assert code == 0 and "not in the graph any more: removed-concept" in out
    data = run_json(capsys, "progress", "unmark", "removed-concept", "--json")
    assert data["summary"]["orphaned"] == []


def test_the_cli_reads_and_writes_progress_while_another_process_holds_it(tmp_path: Path) -> None:
    """As with `make run` serving: the app holds the file open and keeps writing to it."""
    path = Path(os.environ["EXPLORER_PROGRESS"])
    with SQLiteProgress(path) as app:
        app.mark_known("me", "gpu")
        for args in (["progress", "mark", "momentum"], ["wander", "adam", "--json"]):
            result = subprocess.run([sys.executable, "-m", "explorer.cli", *args],
                                    capture_output=True, text=True, timeout=120,
                                    env=dict(os.environ))
            assert result.returncode == 0, result.stderr
        assert app.known("me") == {"gpu", "momentum"}  # the app sees the CLI's mark at once
        app.mark_known("me", "adam")
    result = subprocess.run([sys.executable, "-m", "explorer.cli", "progress", "list", "--json"],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert json.loads(result.stdout)["known"] == ["adam", "gpu", "momentum"]
