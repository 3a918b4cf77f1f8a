"""Builds that would lose data are refused; a broken source keeps the last good graph serving."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from explorer.cli import main
from explorer.domain.loader import GraphError
from explorer.storage.graph_store import BuildRefused, build, read_meta
from explorer.usecases import open_explorer

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_concepts(data_dir: Path, n: int) -> None:
    (data_dir / "concepts/extra.yaml").write_text("".join(
        f"- {{id: extra-{i}, name: Extra {i}, layer: physics, summary: s}}\n" for i in range(n)))


def break_sources(data_dir: Path) -> str:
    """A duplicate key (it used to be accepted, last one winning); returns the problem's place."""
    path = data_dir / "concepts/physics.yaml"
    path.write_text(path.read_text().replace("  name: Transistor\n",
                                             "  name: Transistor\n  name: Valve\n", 1))
    return "concepts/physics.yaml:3: duplicate key 'name'"


def test_a_build_that_loses_more_than_half_is_refused_unless_forced(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    add_concepts(tiny_dir, 10)
    assert build(tiny_dir, db).counts["concepts"] == 18
    before = digest(db)
    (tiny_dir / "concepts/extra.yaml").unlink()  # 8 concepts left of 18
    with pytest.raises(BuildRefused, match="has 8 concepts; the database it would replace"):
        build(tiny_dir, db)
    assert digest(db) == before
    assert build(tiny_dir, db, force=True).counts["concepts"] == 8


def test_emptied_or_duplicated_sources_never_replace_the_database(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    before = digest(db)
    break_sources(tiny_dir)
    with pytest.raises(GraphError):
        build(tiny_dir, db, force=True)
    for path in (tiny_dir / "concepts").glob("*.yaml"):
        path.write_text("")
    (tiny_dir / "decisions.yaml").write_text("")
    with pytest.raises(GraphError, match="no concepts"):
        build(tiny_dir, db, force=True)
    assert digest(db) == before


KILLED_BUILD = """
import sys, time
from pathlib import Path
from explorer.storage.graph_store import build

def vectors(graph):
    Path(sys.argv[3]).write_text("writing")
    time.sleep(120)

build(sys.argv[1], sys.argv[2], vectors=vectors, force=True)
"""


def test_a_killed_build_leaves_the_database_and_its_temporary_is_removed(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    before = digest(db)
    marker = tmp_path / "writing"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(tiny_dir), str(db),
                             str(marker)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), "the build never reached its vectors"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    left = sorted(p.name for p in tmp_path.glob("g.duckdb.tmp-*"))
    assert left and left[0].startswith(f"g.duckdb.tmp-{proc.pid}-")  # its finally never ran
    assert digest(db) == before
    break_sources(tiny_dir)
    with pytest.raises(GraphError):  # a failed build still sweeps the dead one's files
        build(tiny_dir, db)
    assert not list(tmp_path.glob("g.duckdb.tmp-*"))
    assert digest(db) == before


def test_temporaries_of_live_builds_are_left_alone(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    live = tmp_path / f"g.duckdb.tmp-{os.getppid()}-1"  # the parent process is alive
    live.write_text("in progress")
    build(tiny_dir, db)
    assert live.exists()


@pytest.mark.parametrize("kind", ["text", "duckdb"])
def test_a_file_this_project_did_not_build_is_never_overwritten(tiny_dir, tmp_path, kind):
    db = tmp_path / "notes.duckdb"
    if kind == "text":
        db.write_text("my notes, not a database\n")
    else:
        with duckdb.connect(str(db)) as con:
            con.execute("CREATE TABLE accounts (id INTEGER, name VARCHAR)")
            con.execute("INSERT INTO accounts VALUES (1, 'ada')")
    before = digest(db)
    with pytest.raises(BuildRefused, match="refusing to overwrite it"):
        build(tiny_dir, db)
    with pytest.raises(BuildRefused):
        open_explorer(db_path=db, data_dir=tiny_dir)
    assert digest(db) == before


def test_the_cli_refuses_a_foreign_database(tiny_dir, tmp_path, monkeypatch, capsys):
    db = tmp_path / "notes.txt"
    db.write_text("precious\n")
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    monkeypatch.setenv("EXPLORER_DB", str(db))
    assert main(["build", "--no-model"]) == 1
    err = capsys.readouterr().err
    assert "it is not a DuckDB file: refusing to overwrite it" in err and "Traceback" not in err
    assert db.read_text() == "precious\n"


def test_a_database_built_before_the_marker_is_still_ours(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM meta WHERE key = 'built_by'")
    assert "built_by" not in read_meta(db)
    assert build(tiny_dir, db, force=True).built
    assert read_meta(db)["built_by"] == "curiosity-explorer"


def test_broken_sources_keep_the_last_good_graph_serving(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    built_at = read_meta(db)["built_at"]
    where = break_sources(tiny_dir)
    app = open_explorer(db_path=db, data_dir=tiny_dir, progress_path=tmp_path / "p.sqlite")
    assert len(app.graph.concepts) == 8 and app.concept("transistor").name == "Transistor"
    assert any(p.startswith(where) for p in app.source_problems), app.source_problems
    assert app.built_at == built_at
    notice = app.stale_notice()
    assert notice.startswith(f"Showing the graph built {built_at}") and where in notice


def test_without_a_database_broken_sources_still_fail(tiny_dir, tmp_path):
    break_sources(tiny_dir)
    with pytest.raises(GraphError):
        open_explorer(db_path=tmp_path / "g.duckdb", data_dir=tiny_dir,
                      progress_path=tmp_path / "p.sqlite")


def test_a_refused_shrink_keeps_serving_with_the_reason(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    add_concepts(tiny_dir, 10)
    build(tiny_dir, db)
    (tiny_dir / "concepts/extra.yaml").unlink()
    app = open_explorer(db_path=db, data_dir=tiny_dir, progress_path=tmp_path / "p.sqlite")
    assert len(app.graph.concepts) == 18
    assert "loses more than half" in app.source_problems[0]
    assert open_explorer(db_path=db, data_dir=tiny_dir,
                         progress_path=tmp_path / "p.sqlite").stale_notice()


def test_the_cli_serves_the_last_good_graph_with_a_note(tiny_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    assert main(["build", "--no-model"]) == 0
    where = break_sources(tiny_dir)
    capsys.readouterr()
    assert main(["stats", "--json"]) == 0
    out, err = capsys.readouterr()
    assert '"concepts": 8' in out
    assert "\nnote: Showing the graph built " in err and where in err
    assert main(["build", "--no-model"]) == 1  # an explicit build still says what is wrong
    assert where in capsys.readouterr().err


def test_the_page_shows_the_notice(tiny_dir, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    assert main(["build", "--no-model"]) == 0
    break_sources(tiny_dir)
    st.cache_resource.clear()
    page = AppTest.from_file(APP, default_timeout=30).run()
    assert not page.exception
    warnings = [w.value for w in page.warning]
    assert any("Showing the graph built" in w and "duplicate key" in w for w in warnings), \
        warnings
