"""Progress survives crashes and a damaged write-ahead log (issue 14, item 5), on real files.

- SIGKILL at random points: of `explorer progress mark` processes, and of a process writing
  marks in a tight loop; every mark whose call returned is present afterwards.
- A process killed inside a write transaction leaves that write absent and the store opening.
- Each kind of damage to the log (cut mid-frame, cut at the commit frame, zeroed, random bytes,
  a log from another progress database, a log from a database that is not progress) is moved
  aside with a message naming the files, and no committed mark of the intact main file is lost;
  a damaged main file is moved aside with its log and the store starts empty.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explorer.settings import PROJECT_ROOT
from explorer.storage.progress import SQLiteProgress
from explorer.storage.sqlite_guard import inspect_wal
from tests.conftest import TINY

EXPLORER = Path(sys.executable).with_name("explorer")
COMMITTED = 45

# A child that writes marks without the per-write checkpoint, then dies without closing: its
# last transactions live only in the log, as after a crash between commit and checkpoint.
UNCHECKPOINTED = """
import os, sys
from explorer.storage.progress import SQLiteProgress
SQLiteProgress._checkpoint = lambda self, con: None
store = SQLiteProgress(sys.argv[1])
for cid in sys.argv[2:]:
    store.mark_known("me", cid)
os._exit(0)
"""
# A child that marks concepts in a loop and reports each mark after the call returned.
WRITER = """
import sys
from explorer.storage.progress import SQLiteProgress
store = SQLiteProgress(sys.argv[1])
for i in range(10_000):
    store.mark_known(sys.argv[2], f"c{i}")
    print(i, flush=True)
"""
# A child that stops inside a write transaction (after its INSERT, before COMMIT).
STUCK = """
import sys, time
from explorer.storage.progress import SQLiteProgress
store = SQLiteProgress(sys.argv[1])
def statements():
    yield ("INSERT INTO known VALUES (?, ?, ?)", ("me", "half-written", "2026-01-01"))
    print("inside", flush=True)
    time.sleep(120)
store.write(statements())
"""


def child(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, text=True, **kwargs)


def committed_store(path: Path) -> None:
    with SQLiteProgress(path) as store:
        for i in range(COMMITTED):
            store.mark_known("me", f"c{i}")


def with_log(path: Path, *late: str) -> Path:
    """`path` with COMMITTED checkpointed marks, then `late` marks that live only in its log."""
    committed_store(path)
    assert child(UNCHECKPOINTED, path, *late).wait(timeout=60) == 0
    wal = Path(f"{path}-wal")
    report = inspect_wal(wal, 4096)
    assert report.problem is None and report.commits == len(late), report
    return wal


def aside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".corrupt-" in p.name)


def test_a_healthy_log_is_replayed_without_a_message(tmp_path):
    path = tmp_path / "progress.sqlite"
    with_log(path, "late")
    with SQLiteProgress(path) as store:
        assert store.notices == []
        assert store.known("me") == {f"c{i}" for i in range(COMMITTED)} | {"late"}
    assert aside(path) == []


def _cut_mid_frame(wal: Path) -> None:
    data = wal.read_bytes()
    wal.write_bytes(data[:32 + 24 + 2000])


def _cut_commit_frame(wal: Path) -> None:
    wal.write_bytes(wal.read_bytes()[:-100])


def _zeroed(wal: Path) -> None:
    wal.write_bytes(bytes(wal.stat().st_size))


def _random(wal: Path) -> None:
    wal.write_bytes(random.Random(7).randbytes(wal.stat().st_size))


DAMAGE = {"cut mid-frame": _cut_mid_frame, "cut in the commit frame": _cut_commit_frame,
          "zeroed": _zeroed, "random bytes": _random}


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_log_is_moved_aside_and_no_checkpointed_mark_is_lost(tmp_path, kind):
    path = tmp_path / "progress.sqlite"
    wal = with_log(path, "late")
    DAMAGE[kind](wal)
    with SQLiteProgress(path) as store:
        [notice] = store.notices
        assert f"The progress log {wal} was damaged" in notice and ".corrupt-" in notice
        assert {f"c{i}" for i in range(COMMITTED)} <= store.known("me")
        store.mark_known("me", "after")  # and it writes again
    assert sorted(n.split(".corrupt-")[0] for n in aside(path)) == [
        "progress.sqlite-shm", "progress.sqlite-wal"]
    with SQLiteProgress(path) as store:
        assert store.notices == [] and "after" in store.known("me")


def test_the_readable_committed_prefix_of_a_cut_log_is_recovered(tmp_path):
    path = tmp_path / "progress.sqlite"
    wal = with_log(path, "late-1", "late-2")
    _cut_commit_frame(wal)  # the second late transaction's commit frame is cut
    with SQLiteProgress(path) as store:
        [notice] = store.notices
        assert "1 committed write(s) recovered" in notice
        known = store.known("me")
    assert "late-1" in known and "late-2" not in known
    assert {f"c{i}" for i in range(COMMITTED)} <= known


def test_a_log_from_another_progress_database_is_not_replayed(tmp_path):
    ours, theirs = tmp_path / "ours" / "progress.sqlite", tmp_path / "theirs" / "progress.sqlite"
    ours.parent.mkdir()
    theirs.parent.mkdir()
    committed_store(ours)
    with SQLiteProgress(theirs) as other:
        other.mark_known("them", "x")
    # Their log: a committed transaction of theirs that was never checkpointed.
    assert child(UNCHECKPOINTED, theirs, "their-late").wait(timeout=60) == 0
    shutil.copyfile(f"{theirs}-wal", f"{ours}-wal")
    with SQLiteProgress(ours) as store:
        [notice] = store.notices
        assert "belongs to another database" in notice and str(ours) in notice
        assert store.known("me") == {f"c{i}" for i in range(COMMITTED)}
        assert store.known("them") == set()


def test_a_log_from_a_database_that_is_not_progress_is_not_replayed(tmp_path):
    path = tmp_path / "progress.sqlite"
    committed_store(path)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE notes (body TEXT)")
    con.executemany("INSERT INTO notes VALUES (?)", [("x" * 500,)] * 40)
    shutil.copyfile(f"{other}-wal", f"{path}-wal")
    con.close()
    with SQLiteProgress(path) as store:
        [notice] = store.notices
        assert f"{path}-wal was damaged" in notice
        assert store.known("me") == {f"c{i}" for i in range(COMMITTED)}


def _garbage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096:] = random.Random(3).randbytes(len(data) - 4096)
    path.write_bytes(bytes(data))


def _cut_main(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:4096 + 100])


@pytest.mark.parametrize("damage", [_garbage_pages, _cut_main], ids=["garbage", "cut"])
def test_a_damaged_main_file_is_moved_aside_and_the_store_starts(tmp_path, damage):
    path = tmp_path / "progress.sqlite"
    committed_store(path)
    before = path.read_bytes()
    damage(path)
    damaged = path.read_bytes()
    with SQLiteProgress(path) as store:
        [notice] = store.notices
        assert f"The progress file {path} was damaged" in notice and "nothing was deleted" in notice
        assert store.known("me") == set()
        store.mark_known("me", "fresh")
    [moved] = [p for p in tmp_path.iterdir() if p.name.startswith("progress.sqlite.corrupt-")
               and not p.name.endswith(("-wal", "-shm"))]
    assert moved.read_bytes() == damaged != before  # kept as it was, for whoever wants it


def test_a_write_killed_inside_its_transaction_is_absent_and_the_store_opens(tmp_path):
    path = tmp_path / "progress.sqlite"
    committed_store(path)
    proc = child(STUCK, path)
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with SQLiteProgress(path) as store:
        known = store.known("me")
        store.mark_known("me", "next")  # the dead writer's lock is gone
    assert "half-written" not in known and known == {f"c{i}" for i in range(COMMITTED)}


def test_marks_survive_sigkill_at_random_points_of_a_writing_loop(tmp_path):
    """A process marking in a tight loop, killed at random times, 12 rounds: every mark it
    reported (printed after `mark_known` returned) is present when the store is reopened."""
    path = tmp_path / "progress.sqlite"
    committed_store(path)
    rng = random.Random(14)
    confirmed: dict[str, set[str]] = {}
    for round_ in range(12):
        profile = f"r{round_}"
        proc = child(WRITER, path, profile)
        first = proc.stdout.readline()  # the store is open and one mark is done
        assert first.strip() == "0", first
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        done = [first] + proc.stdout.read().split()
        confirmed[profile] = {f"c{i.strip()}" for i in done if i.strip()}
    with SQLiteProgress(path) as store:
        for profile, marks in confirmed.items():
            assert marks <= store.known(profile), profile
        assert store.known("me") == {f"c{i}" for i in range(COMMITTED)}
    assert sum(map(len, confirmed.values())) > 12
    print(f"writing loop: 12 kills, {sum(map(len, confirmed.values()))} confirmed marks, 0 lost")


def test_explorer_progress_mark_survives_sigkill_at_random_points(tmp_path):
    """`explorer progress mark` run and killed at a random moment of its run, 12 times: every
    command that returned left its mark, and `explorer progress list` works after each kill."""
    env = {**os.environ, "EXPLORER_DATA": str(TINY), "EXPLORER_NO_MODEL": "1",
           "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
           "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite")}
    run = [str(EXPLORER), "progress", "mark", "adam", "--profile", "warmup"]
    assert subprocess.run(run, env=env, capture_output=True, timeout=120).returncode == 0
    start = time.monotonic()  # timed on the second run: the first one also built the graph
    assert subprocess.run(run, env=env, capture_output=True, timeout=120).returncode == 0
    span = time.monotonic() - start
    rng = random.Random(5)
    returned, killed = [], []
    for i in range(12):
        profile = f"k{i}"
        proc = subprocess.Popen([*run[:-1], profile], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        # Even rounds mostly die part-way through; odd ones mostly finish first.
        time.sleep(rng.uniform(0.1, 0.9) * span if i % 2 == 0 else rng.uniform(0.8, 1.6) * span)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        # Sorted by how it ended, not by whether kill() was called: a process can finish between
        # poll() and kill(), and then it returned (its mark must be there) rather than died.
        if proc.returncode == 0:
            returned.append(profile)
        elif proc.returncode == -signal.SIGKILL:
            killed.append(profile)
    listing = subprocess.run([str(EXPLORER), "progress", "list", "--profile", "warmup"],
                             env=env, capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0 and "Traceback" not in listing.stderr
    with SQLiteProgress(tmp_path / "progress.sqlite") as store:
        for profile in [*returned, "warmup"]:
            assert store.known(profile) == {"adam"}, profile
    assert returned and killed and len(returned) + len(killed) == 12
    print(f"explorer progress mark: {len(killed)} killed, {len(returned)} returned, 0 lost")
