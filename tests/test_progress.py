"""The progress store: idempotent marks per profile, thread-safe writes, progress outliving builds.

Every test taking `progress_place` runs twice: on SQLite and on a real PostgreSQL
(tests/postgres.py); the rest are about the SQLite file itself.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from explorer.domain.loader import load_graph
from explorer.domain.model import Graph
from explorer.storage.graph_store import Store, build
from explorer.storage.progress import (
    MIGRATIONS,
    SCHEMA_VERSION,
    ProgressError,
    SQLiteProgress,
    open_progress,
)
from tests.conftest import ProgressPlace


class Clock:
    """A fixed clock that ticks one second per call."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def test_marks_are_idempotent_and_per_profile(progress_place: ProgressPlace) -> None:
    with progress_place.open() as p:
        p.mark_known("ann", "adam", "momentum")
        p.mark_known("ann", "adam")
        p.mark_known("bob", "gpu")
        assert p.known("ann") == {"adam", "momentum"}
        p.unmark_known("ann", "adam")
        p.unmark_known("ann", "adam")
        p.unmark_known("ann", "never-marked")
        assert p.known("ann") == {"momentum"}
        assert p.known("bob") == {"gpu"}
        assert p.known("nobody") == set()
        assert p.profiles() == ["ann", "bob"]


def test_bookmarks_keep_their_order_and_visits_count(progress_place: ProgressPlace) -> None:
    with progress_place.open(clock=Clock()) as p:
        p.bookmark("ann", "momentum")
        p.bookmark("ann", "adam")
        p.bookmark("ann", "momentum")  # already there: keeps its first place
        assert p.bookmarks("ann") == ["momentum", "adam"]
        p.unbookmark("ann", "momentum")
        assert p.bookmarks("ann") == ["adam"]
        for cid in ("gpu", "adam", "gpu"):
            p.visit("ann", cid)
        visits = p.visits("ann")
        assert [(v.concept_id, v.times) for v in visits] == [("gpu", 2), ("adam", 1)]
        assert visits[0].last_at == datetime(2026, 1, 1, 0, 0, 6)


def test_bad_input_is_refused(progress_place: ProgressPlace) -> None:
    with progress_place.open() as p:
        with pytest.raises(ValueError, match="profile name"):
            p.mark_known("", "adam")
        with pytest.raises(ValueError, match="profile name"):
            p.bookmark("x" * 65, "adam")
        with pytest.raises(ValueError, match="concept id"):
            p.mark_known("ann", "")
        assert p.known("ann") == set()


def test_decision_frequencies_per_profile_set_replace_and_reset(
        progress_place: ProgressPlace) -> None:
    with progress_place.open(clock=Clock()) as p:
        assert p.decision_frequencies("ann") == {}
        p.set_decision_frequency("ann", "training-loss-diverges", 0.0)
        p.set_decision_frequency("ann", "pick-a-precision", 0.4)
        p.set_decision_frequency("ann", "pick-a-precision", 0.8)  # replaces, one row
        p.set_decision_frequency("bob", "pick-a-precision", 1)
        assert p.decision_frequencies("ann") == {"pick-a-precision": 0.8,
                                                 "training-loss-diverges": 0.0}
        assert p.decision_frequencies("bob") == {"pick-a-precision": 1.0}
        p.reset_decision_frequency("ann", "pick-a-precision")
        p.reset_decision_frequency("ann", "pick-a-precision")  # twice is once
        p.reset_decision_frequency("ann", "never-set")
        assert p.decision_frequencies("ann") == {"training-loss-diverges": 0.0}
        assert p.profiles() == ["ann", "bob"]  # a profile with only frequencies is listed


@pytest.mark.parametrize(("value", "message"), [
    (1.5, "number from 0 to 1, not '1.5'"), (-0.1, "number from 0 to 1"),
    (float("nan"), "number from 0 to 1, not 'nan'"), ("often", "number from 0 to 1, not 'often'"),
])
def test_a_bad_decision_frequency_is_refused_and_nothing_written(
        value, message, progress_place: ProgressPlace) -> None:
    with progress_place.open() as p:
        p.set_decision_frequency("ann", "d1", 0.3)
        with pytest.raises(ValueError, match=f"decision 'd1' is a {message}"):
            p.set_decision_frequency("ann", "d1", value)
        with pytest.raises(ValueError, match="decision id has 1 to"):
            p.set_decision_frequency("ann", "", 0.5)
        with pytest.raises(ValueError, match="profile name"):
            p.reset_decision_frequency("", "d1")
        assert p.decision_frequencies("ann") == {"d1": 0.3}


def test_decision_frequencies_outlive_the_store_being_reopened(
        progress_place: ProgressPlace) -> None:
    with progress_place.open() as p:
        p.set_decision_frequency("ann", "gone-decision", 0.1)
    with progress_place.open() as p:
        assert p.decision_frequencies("ann") == {"gone-decision": 0.1}


def test_summary_by_layer_and_orphans(tiny_graph: Graph, progress_place: ProgressPlace) -> None:
    with progress_place.open() as p:
        p.mark_known("ann", "momentum", "adam", "floating-point", "gone-concept")
        p.bookmark("ann", "old-bookmark")
        p.visit("ann", "gpu")
        s = p.summary("ann", tiny_graph)
    assert (s.known, s.bookmarks, s.visited) == (3, 0, 1)
    assert list(s.by_layer) == ["physics", "hardware", "software", "numerics", "optimization"]
    assert (s.by_layer["optimization"].known, s.by_layer["optimization"].total) == (2, 3)
    assert s.by_layer["numerics"].share == 0.5
    assert s.by_layer["physics"].share == 0.0
    assert s.orphaned == ["gone-concept", "old-bookmark"]
    assert s.to_dict()["by_layer"]["numerics"] == {"known": 1, "total": 2, "share": 0.5}


def test_progress_is_kept_between_opens(progress_place: ProgressPlace) -> None:
    with progress_place.open() as p:
        p.mark_known("ann", "adam")
        p.bookmark("ann", "gpu")
        p.visit("ann", "gpu")
    with progress_place.open() as p:
        assert p.known("ann") == {"adam"}
        assert p.bookmarks("ann") == ["gpu"]
        assert [(v.concept_id, v.times) for v in p.visits("ann")] == [("gpu", 1)]


def test_a_file_keeps_progress_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "progress.sqlite"
    with SQLiteProgress(path) as p:
        p.mark_known("ann", "adam")
        p.bookmark("ann", "gpu")
    with SQLiteProgress(path) as p:
        assert p.known("ann") == {"adam"}
        assert p.bookmarks("ann") == ["gpu"]
    con = sqlite3.connect(path)
    rows = con.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    con.close()
    assert rows == [(v, name) for v, name, _ in MIGRATIONS] and rows[-1][0] == SCHEMA_VERSION


def test_twenty_threads_end_equal_to_a_serial_replay(progress_place: ProgressPlace) -> None:
    concepts = [f"c{i}" for i in range(12)]
    plans = []
    for t in range(20):
        rng = random.Random(t)
        plans.append([(rng.choice(("mark", "unmark", "bookmark", "unbookmark", "visit")),
                       rng.choice(concepts)) for _ in range(25)])
    shared = progress_place.open()
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def run(t: int) -> None:
        try:
            start.wait()
            profile = f"p{t % 10}" if t < 10 else f"q{t}"
            ops = {"mark": shared.mark_known, "unmark": shared.unmark_known,
                   "bookmark": shared.bookmark, "unbookmark": shared.unbookmark}
            for op, cid in plans[t]:
                if op == "visit":
                    shared.visit("everyone", cid)  # counts from all threads add up
                else:
                    ops[op](profile, cid)
                shared.known(profile)  # reads interleave with the other threads' writes
        except BaseException as exc:  # noqa: BLE001  (re-raised in the main thread below)
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors

    with SQLiteProgress() as serial:
        for t, plan in enumerate(plans):
            profile = f"p{t % 10}" if t < 10 else f"q{t}"
            for op, cid in plan:
                {"mark": serial.mark_known, "unmark": serial.unmark_known,
                 "bookmark": serial.bookmark, "unbookmark": serial.unbookmark,
                 "visit": lambda _p, c: serial.visit("everyone", c)}[op](profile, cid)
        for profile in serial.profiles():
            assert shared.known(profile) == serial.known(profile), profile
            assert set(shared.bookmarks(profile)) == set(serial.bookmarks(profile)), profile
        assert {(v.concept_id, v.times) for v in shared.visits("everyone")} == {
            (v.concept_id, v.times) for v in serial.visits("everyone")}
        assert shared.profiles() == serial.profiles()
    shared.close()


def test_threads_that_end_leave_no_connection_open(tmp_path: Path) -> None:
    """Streamlit runs every rerun in a new thread: a connection per thread, kept until the
    store closed, leaked one connection (two file descriptors) per rerun."""
    fds = Path("/proc/self/fd")
    with SQLiteProgress(tmp_path / "progress.sqlite") as store:
        before = len(list(fds.iterdir()))
        for i in range(200):
            thread = threading.Thread(target=lambda i=i: (store.visit("me", f"c{i % 7}"),
                                                           store.known("me")))
            thread.start()
            thread.join()
        assert len(list(fds.iterdir())) - before <= 4
        assert sum(v.times for v in store.visits("me")) == 200


def test_progress_survives_a_graph_rebuild(tiny_dir: Path, tmp_path: Path,
                                          progress_place: ProgressPlace) -> None:
    db = tmp_path / "graph.duckdb"
    build(tiny_dir, db)
    with progress_place.open() as p:
        p.mark_known("ann", "transistor", "adam")
        p.bookmark("ann", "transistor")
        p.set_decision_frequency("ann", "training-diverges", 0.1)

    # The transistor leaves the graph: its file empties and the GPU no longer builds on it.
    (tiny_dir / "concepts" / "physics.yaml").write_text("[]\n")
    hardware = tiny_dir / "concepts" / "hardware.yaml"
    hardware.write_text(hardware.read_text().replace(
        '  built_on: [{id: transistor, why: "GPUs are made of transistors."}]\n', ""))
    assert "transistor" not in load_graph(tiny_dir).concepts
    assert build(tiny_dir, db).built

    store = Store(db)
    graph = store.load_graph()
    store.close()
    with progress_place.open() as p:
        assert p.known("ann") == {"transistor", "adam"}
        assert p.decision_frequencies("ann") == {"training-diverges": 0.1}
        summary = p.summary("ann", graph)
    assert summary.orphaned == ["transistor"]
    assert summary.known == 1 and summary.bookmarks == 0
    assert summary.by_layer["physics"].total == 0


WRITER = """
import sys
for i in range(int(sys.argv[2])):
    store.mark_known(sys.argv[1], f"c{i}")
    store.visit("shared", "adam")
print(len(store.known(sys.argv[1])))
"""


def test_several_processes_write_one_store_at_once(progress_place: ProgressPlace) -> None:
    """The app, the CLI and other app processes (or servers) share the store: nobody is locked
    out, and the visit counts of all of them add up."""
    with progress_place.open() as held:  # held open, as a running app holds it
        held.mark_known("app", "adam")
        code = progress_place.source() + WRITER
        procs = [subprocess.Popen([sys.executable, "-c", code, f"p{n}", "40"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for n in range(4)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, [e for _, e in outs]
        assert [o.strip() for o, _ in outs] == ["40"] * 4
        assert held.known("p3") == {f"c{i}" for i in range(40)}
        assert [(v.concept_id, v.times) for v in held.visits("shared")] == [("adam", 160)]
        assert held.known("app") == {"adam"}


def _legacy_duckdb(path: Path) -> None:
    """A progress file as the DuckDB store of earlier versions wrote it."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute("""
            CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR,
                                            applied_at TIMESTAMP DEFAULT current_timestamp);
            INSERT INTO schema_migrations (version, name) VALUES (1, 'm001_progress');
            CREATE TABLE known (profile VARCHAR, concept_id VARCHAR, added_at TIMESTAMP,
                                PRIMARY KEY (profile, concept_id));
            CREATE TABLE bookmarks (profile VARCHAR, concept_id VARCHAR, added_at TIMESTAMP,
                                    PRIMARY KEY (profile, concept_id));
            CREATE TABLE visits (profile VARCHAR, concept_id VARCHAR, times INTEGER,
                                 first_at TIMESTAMP, last_at TIMESTAMP,
                                 PRIMARY KEY (profile, concept_id));
            INSERT INTO known VALUES ('me', 'adam', '2026-01-02 03:04:05'),
                                     ('me', 'gone-concept', '2026-01-02 03:04:06'),
                                     ('ann', 'momentum', '2026-01-03 00:00:00');
            INSERT INTO bookmarks VALUES ('me', 'momentum', '2026-01-04 00:00:00');
            INSERT INTO visits VALUES ('me', 'adam', 7, '2026-01-01 00:00:00',
                                       '2026-01-05 00:00:00');
        """)


def test_an_old_duckdb_progress_file_is_imported_once_and_left_in_place(tmp_path: Path) -> None:
    legacy = tmp_path / "progress.duckdb"
    _legacy_duckdb(legacy)
    before = legacy.read_bytes()
    with open_progress(legacy) as p:  # old settings name the .duckdb file
        assert p.path == tmp_path / "progress.sqlite"
        assert p.known("me") == {"adam", "gone-concept"} and p.known("ann") == {"momentum"}
        assert p.bookmarks("me") == ["momentum"]
        assert [(v.concept_id, v.times) for v in p.visits("me")] == [("adam", 7)]
        p.visit("me", "adam")
    with open_progress(tmp_path / "progress.sqlite") as p:  # reopening does not import again
        assert [(v.concept_id, v.times) for v in p.visits("me")] == [("adam", 8)]
        assert p.imports() == [(str(legacy.resolve()), 5)]
    assert legacy.read_bytes() == before


def test_a_file_that_is_not_sqlite_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite"
    path.write_text("these are someone's notes, not a database\n" * 100)
    with pytest.raises(ProgressError, match="progress.sqlite cannot be opened as SQLite"):
        SQLiteProgress(path)
    assert path.read_text().startswith("these are someone's notes")
