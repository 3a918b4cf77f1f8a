"""Page errors: a friendly message on the page, the traceback only in the log; a graph without
a `build` goal opens on its own first goal, with a notice."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from explorer.usecases import Explorer
from tests.app.test_explore_page import heading
from tests.conftest import TINY


def errors(at) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]  # shown escaped: drop the backslashes


def test_an_error_in_the_card_is_a_message_and_the_traceback_is_logged(
        app, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("internal detail: /secret/path line 7")

    monkeypatch.setattr(Explorer, "card", broken)
    app.query_params["concept"] = "momentum"
    with caplog.at_level(logging.ERROR, logger="explorer.web"):
        app.run()
    assert not app.exception  # nothing uncaught, so Streamlit shows no traceback
    [shown] = errors(app)
    assert "Something went wrong while showing the graph and the card" in shown
    assert "Reload the page" in shown
    assert "secret" not in shown and "Traceback" not in shown
    ref = shown.rsplit("reference ", 1)[1].rstrip(".")
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info and "internal detail" in str(logged[0].exc_info[1])
    assert app.sidebar.button  # the rest of the page still drew


def test_an_error_in_a_view_is_a_message(app, monkeypatch):
    monkeypatch.setattr(Explorer, "decisions", lambda *a, **k: 1 / 0)
    app.query_params.update({"view": "decisions"})
    app.run()
    assert not app.exception
    assert [e for e in errors(app) if "Something went wrong while showing this page" in e]


def test_broken_sources_name_the_problem(app, tmp_path, monkeypatch):
    data = shutil.copytree(TINY, tmp_path / "broken")
    (data / "concepts" / "optimization.yaml").write_text("- id: adam\n  name: [unclosed\n")
    monkeypatch.setenv("EXPLORER_DATA", str(data))
    app.run()
    assert not app.exception
    [shown] = errors(app)
    assert "The graph sources have problems" in shown and "optimization.yaml" in shown
    assert "explorer validate" in shown


@pytest.fixture
def no_build_goal(tmp_path, monkeypatch):
    data = shutil.copytree(TINY, tmp_path / "graph")
    for name in ("goals.yaml", "decisions.yaml"):
        path = data / name
        path.write_text(path.read_text().replace("id: build, name: Build and debug models",
                                                 "id: make, name: Make things")
                        .replace("build:", "make:"))
    assert "build" not in (data / "goals.yaml").read_text()
    monkeypatch.setenv("EXPLORER_DATA", str(data))


@pytest.mark.parametrize("view", ["explore", "path", "plan", "decisions", "progress"])
def test_a_graph_without_a_build_goal_opens_on_its_first_goal(app, no_build_goal, view):
    app.query_params.update({"view": view, "concept": "adam"})
    app.run()
    assert not app.exception and not errors(app)
    notes = [i.value.replace("\\", "") for i in app.info]
    assert [n for n in notes if "no 'build' goal" in n and "Make things" in n], notes
    assert app.query_params["goal"] in (["make"], "make")
    if view == "explore":
        assert heading(app) == "### Adam optimizer"


def test_a_damaged_progress_log_is_reported_on_the_page_once(app, tmp_path, monkeypatch):
    path = tmp_path / "p" / "progress.sqlite"
    monkeypatch.setenv("EXPLORER_PROGRESS", str(path))
    from explorer.storage.progress import SQLiteProgress  # noqa: PLC0415

    with SQLiteProgress(path) as store:
        store.mark_known("me", "adam")
    Path(f"{path}-wal").write_bytes(b"\x00" * 5000)
    app.run()
    assert not app.exception
    shown = [w.value.replace("\\", "") for w in app.warning]
    assert [w for w in shown if f"The progress log {path}-wal was damaged" in w], shown
    app.run()
    assert not [w for w in app.warning if "damaged" in w.value]
    assert "I know this" not in [b.label for b in app.button]  # adam's mark survived
