"""Check a SQLite progress file and its write-ahead log before opening; move damage aside.

SQLite in WAL mode appends committed transactions to `<file>-wal` and copies them into the main
file at a checkpoint. When the log is damaged it silently ignores everything from the first bad
frame on, so committed writes that only lived in the log vanish without a word, and a log from
another database is replayed into this one. Two things keep progress safe:

- `SQLiteProgress` checkpoints (`wal_checkpoint(TRUNCATE)`) after every write transaction, so a
  committed mark lives in the main file and the log is empty between writes; damage to the log
  can then cost at most a transaction whose process died between its commit and its checkpoint.
- `prepare(path)`, run at open by the first process to open the file (an exclusive `flock` on
  `<file>.lock` tells; later processes take a shared one and skip the check), inspects both:

  * the log's structure (header magic, version, page size against the main file's, header
    checksum, then every frame's salts and cumulative checksum, as SQLite's file format defines
    them), counting the committed transactions in its valid prefix;
  * the main file alone and the main file with the log, each on a copy in a temporary folder
    (opening the real files would let SQLite replay a bad log into them): `PRAGMA quick_check`,
    the progress tables present, and the store's random id (`store_identity`, a row every write
    transaction touches, so every log transaction carries it) the same with and without the log:
    a log from another database carries that database's id.

  A damaged log is moved aside (`<file>-wal.corrupt-<time>`, with its `-shm`); committed
  transactions in its valid prefix are first recovered into the main file (through the checked
  copy, swapped in atomically). A damaged main file is moved aside with its log and index
  (`<file>.corrupt-<time>`, `-wal`, `-shm`) and the store starts empty. Nothing is deleted, and
  every move is reported in a message naming the files. A file that is not SQLite at all is
  left alone (the caller refuses it: it may be someone's document).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import struct
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on Windows: there the check runs on every open
    fcntl = None  # type: ignore[assignment]

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = (0x377F0682, 0x377F0683)  # the low bit: checksums in big-endian words
WAL_HEADER, FRAME_HEADER = 32, 24
REQUIRED_TABLES = ("known", "bookmarks", "visits")


@dataclass(frozen=True)
class WalReport:
    frames: int  # valid frames, in order from the start
    commits: int  # committed transactions among them
    problem: str | None  # why the log is damaged, or None when every byte is accounted for


def _checksum(data: bytes, s0: int, s1: int, big: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def main_page_size(path: Path) -> int | None:
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return None
    size = struct.unpack(">H", head[16:18])[0]
    return 65536 if size == 1 else size


def inspect_wal(wal: Path, page_size: int | None) -> WalReport:
    """Walk the log as SQLite's recovery does, but say what is wrong instead of ignoring it."""
    data = wal.read_bytes()
    if not data:
        return WalReport(0, 0, None)
    if len(data) < WAL_HEADER:
        return WalReport(0, 0, f"the log is {len(data)} bytes, shorter than its header")
    magic, version, psize, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:WAL_HEADER])
    if magic not in WAL_MAGIC:
        return WalReport(0, 0, "the log does not start with a write-ahead-log header "
                               "(zeroed or overwritten)")
    big = magic & 1 == 1
    s = _checksum(data[:24], 0, 0, big)
    if version != 3007000 or s != (c1, c2):
        return WalReport(0, 0, "the log's header checksum does not match")
    if page_size is not None and psize != page_size:
        return WalReport(0, 0, f"the log's page size {psize} is not the database's {page_size} "
                               "(a log from another database)")
    frame = FRAME_HEADER + psize
    frames = commits = pending = 0
    offset = WAL_HEADER
    while offset + frame <= len(data):
        head = data[offset:offset + FRAME_HEADER]
        _page, size_after, f1, f2, k1, k2 = struct.unpack(">6I", head)
        if (f1, f2) != (salt1, salt2):
            break
        s = _checksum(data[offset + FRAME_HEADER:offset + frame], *_checksum(head[:8], *s, big),
                      big)
        if s != (k1, k2):
            break
        frames += 1
        pending += 1
        if size_after:
            commits += 1
            pending = 0
        offset += frame
    rest = len(data) - offset
    if rest == 0:
        return WalReport(frames, commits, None)
    if rest < frame:
        return WalReport(frames, commits, f"the log ends in a partial frame ({rest} bytes): "
                                          "truncated or cut off by a crash")
    return WalReport(frames, commits, f"frame {frames + 1} of the log fails its checksum "
                                      f"({(rest + frame - 1) // frame} frame(s) unreadable)")


def check_copy(db: Path) -> tuple[str | None, tuple[str, int] | None]:
    """(problem or None, the store's (id, write count) or None) for a file that may be damaged."""
    try:
        con = sqlite3.connect(f"{db.as_uri()}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        return f"it cannot be opened ({exc})", None
    try:
        result = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        if result != ["ok"]:
            return f"quick_check: {'; '.join(map(str, result[:3]))}", None
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not set(REQUIRED_TABLES) <= tables:
            return "it is not a progress database (tables missing)", None
        ident = None
        if "store_identity" in tables:
            row = con.execute("SELECT db_id, writes FROM store_identity WHERE id = 1"
                              ).fetchone()
            ident = (row[0], row[1]) if row else None
        return None, ident
    except sqlite3.DatabaseError as exc:
        return f"reading it fails ({exc})", None
    finally:
        con.close()


def _aside(path: Path, stamp: str) -> Path:
    dest = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while dest.exists():
        n += 1
        dest = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    os.replace(path, dest)
    return dest


def _checkpoint(db: Path) -> None:
    con = sqlite3.connect(str(db), isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def recover(path: Path) -> list[str]:
    """Check `path` and its log; move damage aside; return what was done, one message each."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if not path.exists() or path.stat().st_size == 0:
        return []
    page_size = main_page_size(path)
    if page_size is None:
        return []  # not SQLite at all: the caller refuses it and leaves it in place
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    has_log = wal.exists() and wal.stat().st_size > 0
    report = inspect_wal(wal, page_size) if has_log else WalReport(0, 0, None)
    with tempfile.TemporaryDirectory(prefix="progress-check-") as tmp:
        alone = Path(tmp, "alone", path.name)
        alone.parent.mkdir()
        shutil.copyfile(path, alone)
        main_problem, main_id = check_copy(alone)
        with_log_problem, with_log_id, merged = None, main_id, None
        if has_log:
            merged = Path(tmp, "merged", path.name)
            merged.parent.mkdir()
            shutil.copyfile(path, merged)
            shutil.copyfile(wal, Path(f"{merged}-wal"))
            with_log_problem, with_log_id = check_copy(merged)
            if (with_log_problem is None and main_id is not None
                    and (with_log_id or ("", 0))[0] != main_id[0]):
                with_log_problem = "it belongs to another database (its store id differs)"
        if main_problem is not None and (not has_log or with_log_problem or report.problem):
            moved = _aside(path, stamp)
            extra = [str(_aside(p, stamp)) for p in (wal, shm) if p.exists()]
            return [f"The progress file {path} was damaged ({main_problem}); moved it to "
                    f"{moved}{' with ' + ', '.join(extra) if extra else ''}. Progress starts "
                    "empty; nothing was deleted."]
        if not has_log or (report.problem is None and with_log_problem is None):
            return []
        problem = report.problem or with_log_problem
        # The log's readable prefix helps only if it ends after what the main file holds: a
        # checkpoint may already have copied newer frames in, and replaying older ones over
        # them would mix two states. Every write bumps the counter, so it tells which is newer.
        salvage = (with_log_problem is None and merged is not None and main_id is not None
                   and with_log_id is not None and with_log_id[1] > main_id[1])
        if salvage:
            _checkpoint(merged)  # the valid committed prefix, checked, into the copy's file
        moved = _aside(wal, stamp)
        if shm.exists():
            _aside(shm, stamp)
        if salvage:
            staged = path.with_name(f".{path.name}.recovered-{stamp}")
            shutil.copyfile(merged, staged)
            os.replace(staged, path)
        kept = (f"{with_log_id[1] - main_id[1]} committed write(s) recovered from it into "
                f"{path}" if salvage else f"{path} keeps every write checkpointed into it")
        return [f"The progress log {wal} was damaged ({problem}); moved it to {moved}; {kept}."]


class FileLock:
    """A `flock` held for the store's life on `<file>.lock` beside it: shared, or exclusive while
    the first opener checks (then nobody else has the store open, so moving files is safe).

    A separate file, because SQLite's own locks on the database are POSIX locks, which a process
    loses on *every* descriptor of that file when it closes any one of them.
    """

    def __init__(self, path: Path):
        self.path = path.with_name(f"{path.name}.lock")
        self.fd: int | None = None

    def first(self) -> bool:
        """Take the lock; True when no other process holds the store (exclusive, to check)."""
        if fcntl is None:
            return True
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            fcntl.flock(self.fd, fcntl.LOCK_SH)  # waits while a first opener is checking
            return False

    def share(self) -> None:
        """The check is done: hold a shared lock from now on, and let others in."""
        if fcntl is not None and self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def prepare(path: Path) -> tuple[list[str], FileLock]:
    """Before the store connects: check (when first) and return the messages and the lock."""
    lock = FileLock(path)
    notices = recover(path) if lock.first() else []
    return notices, lock
