"""Progress per profile (known concepts, bookmarks, visits, decision frequencies) behind one
interface.

`ProgressStore` is what the use-case layer talks to; `SQLiteProgress` is the local default. It
uses the standard library's sqlite3 in WAL mode with a busy timeout, so the app, the CLI and
several app processes on one machine read and write one file at once: readers never block,
writers queue for a moment. Every write is one explicit transaction (`BEGIN IMMEDIATE`), marks
and bookmarks are idempotent upserts, and each call borrows a connection from a small pool of
idle ones: one thread uses a connection at a time, and threads that end (Streamlit runs every
rerun in a new one) leave nothing open behind them. `postgres_progress.PostgresProgress`
implements the same abstract methods for several servers.

The file is separate from the graph database, so rebuilding the graph never touches it. A
progress file from before (DuckDB, `progress.duckdb` beside the new file) is imported once, on
first open, in the same transaction that records the import; the old file is left in place.
"""

from __future__ import annotations

import abc
import logging
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from explorer.domain.model import Graph
from explorer.domain.progress import Summary, Visit, check, check_frequency, summarize
from explorer.storage import migrations, sqlite_guard

log = logging.getLogger("explorer.progress")

BUSY_TIMEOUT_S = 10.0

# The three tables every progress store has, in SQL that SQLite and PostgreSQL both take.
PROGRESS_TABLES = (
    "CREATE TABLE known (profile TEXT NOT NULL, concept_id TEXT NOT NULL, "
    "added_at TIMESTAMP, PRIMARY KEY (profile, concept_id))",
    "CREATE TABLE bookmarks (profile TEXT NOT NULL, concept_id TEXT NOT NULL, "
    "added_at TIMESTAMP, PRIMARY KEY (profile, concept_id))",
    "CREATE TABLE visits (profile TEXT NOT NULL, concept_id TEXT NOT NULL, "
    "times INTEGER NOT NULL, first_at TIMESTAMP, last_at TIMESTAMP, "
    "PRIMARY KEY (profile, concept_id))",
)

MIGRATIONS: tuple[migrations.Migration, ...] = (
    (1, "m001_progress", (
        *PROGRESS_TABLES,
        "CREATE TABLE imports (source TEXT PRIMARY KEY, rows INTEGER, "
        "imported_at TIMESTAMP DEFAULT current_timestamp)",
    )),
    # A random id per store, and a counter every write transaction bumps: so every transaction
    # in the write-ahead log carries the id, and a log from another database is recognised.
    (2, "m002_store_identity", (
        "CREATE TABLE store_identity (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "db_id TEXT NOT NULL, writes INTEGER NOT NULL)",
        "INSERT INTO store_identity VALUES (1, lower(hex(randomblob(16))), 0)",
    )),
    # How often a profile says it faces a decision (0..1), in place of its goal's frequency.
    # Keyed by decision id and never checked against the graph: a rebuild that drops the
    # decision leaves the row, listed as orphaned.
    (3, "m003_decision_frequencies", (
        "CREATE TABLE decision_frequencies (profile TEXT NOT NULL, decision_id TEXT NOT NULL, "
        "frequency REAL NOT NULL CHECK (frequency >= 0 AND frequency <= 1), "
        "set_at TIMESTAMP, PRIMARY KEY (profile, decision_id))",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
TABLES = ("known", "bookmarks", "visits")


class ProgressError(RuntimeError):
    """The progress store cannot be opened or written; the message names the file and why."""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class ProgressStore(abc.ABC):
    """Known concepts, bookmarks, visits and decision frequencies per profile. Implementations
    must make every write atomic and idempotent (marking twice is marking once) and be safe to
    share across threads."""

    @abc.abstractmethod
    def _add(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None: ...

    @abc.abstractmethod
    def _remove(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None: ...

    @abc.abstractmethod
    def visit(self, profile: str, concept_id: str) -> None: ...

    @abc.abstractmethod
    def known(self, profile: str) -> set[str]: ...

    @abc.abstractmethod
    def bookmarks(self, profile: str) -> list[str]:
        """Bookmarked ids, oldest first."""

    @abc.abstractmethod
    def visits(self, profile: str) -> list[Visit]:
        """Visited concepts, most recent first."""

    @abc.abstractmethod
    def decision_frequencies(self, profile: str) -> dict[str, float]:
        """The frequencies this profile has set, by decision id (ids no longer in the graph
        included); decisions it has not set are absent."""

    @abc.abstractmethod
    def set_decision_frequency(self, profile: str, decision_id: str, value: float) -> None:
        """Set (or replace) how often `profile` faces `decision_id`: a number from 0 to 1,
        checked with `domain.progress.check_frequency` before anything is written."""

    @abc.abstractmethod
    def reset_decision_frequency(self, profile: str, decision_id: str) -> None:
        """Forget the profile's frequency for `decision_id` (the goal's applies again);
        resetting one never set does nothing."""

    @abc.abstractmethod
    def profiles(self) -> list[str]:
        """Every profile with any progress: known, bookmarks, visits or decision frequencies."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def mark_known(self, profile: str, *concept_ids: str) -> None:
        self._add("known", profile, concept_ids)

    def unmark_known(self, profile: str, *concept_ids: str) -> None:
        self._remove("known", profile, concept_ids)

    def bookmark(self, profile: str, *concept_ids: str) -> None:
        self._add("bookmarks", profile, concept_ids)

    def unbookmark(self, profile: str, *concept_ids: str) -> None:
        self._remove("bookmarks", profile, concept_ids)

    def summary(self, profile: str, graph: Graph) -> Summary:
        return summarize(profile, graph, self.known(profile), self.bookmarks(profile),
                         self.visits(profile))

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SQLiteProgress(ProgressStore):
    """Progress in a SQLite file, or in memory (shared by this object's threads) when `path` is
    None. `clock` stamps writes with naive UTC (passed in so tests can fix it)."""

    def __init__(self, path: str | Path | None = None, *,
                 clock: Callable[[], datetime] | None = None):
        self.path = Path(path) if path else None
        self.clock = clock or utc_now
        self._all: list[sqlite3.Connection] = []
        self._idle: list[sqlite3.Connection] = []  # open and not in use by any thread
        self._all_lock = threading.Lock()
        self._writer = threading.Lock()
        self.notices: list[str] = []  # what the open check moved aside, one message each
        self._lock: sqlite_guard.FileLock | None = None
        if self.path is None:
            self._uri = f"file:progress-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.notices, self._lock = sqlite_guard.prepare(self.path)
            for notice in self.notices:
                log.warning(notice)
            self._uri = f"{self.path.resolve().as_uri()}?mode=rwc"
        try:
            # An in-memory database lives while one connection is open: the pool keeps this one.
            with self._con() as con:
                migrations.migrate(con, MIGRATIONS, begin="BEGIN IMMEDIATE")
                self._checkpoint(con)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise ProgressError(f"the progress file {self.path} cannot be opened as SQLite "
                                f"({exc}); move it aside to start afresh") from exc
        if self._lock is not None:
            self._lock.share()
        if self.path is not None:
            legacy = self.path.with_suffix(".duckdb")
            if legacy.exists() and legacy != self.path:
                import_duckdb(self, legacy)

    @contextmanager
    def _con(self) -> Iterator[sqlite3.Connection]:
        """A connection for this thread alone until the block ends (an idle one, or a new one;
        a connection opened once per thread instead leaked one per Streamlit rerun)."""
        with self._all_lock:
            con = self._idle.pop() if self._idle else None
        if con is None:
            con = self._connect()
        try:
            yield con
        finally:
            if con.in_transaction:  # never hand on a connection inside a transaction
                con.execute("ROLLBACK")
            with self._all_lock:
                if con in self._all:  # not closed meanwhile
                    self._idle.append(con)

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self._uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                  isolation_level=None, check_same_thread=False)
            if self.path is not None:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("PRAGMA synchronous=FULL")  # a committed mark survives a crash
            con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        except sqlite3.DatabaseError as exc:
            raise ProgressError(f"the progress file {self.path} cannot be opened as SQLite "
                                f"({exc}); move it aside to start afresh") from exc
        with self._all_lock:
            self._all.append(con)
        return con

    def close(self) -> None:
        with self._all_lock:
            for con in self._all:
                con.close()
            self._all.clear()
            self._idle.clear()
        if self._lock is not None:
            self._lock.release()

    def write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        """Run statements in one transaction; the write lock is taken at BEGIN. Once committed,
        the transaction is checkpointed into the main file (see `_checkpoint`)."""
        # This process's threads queue here, in turn: left to SQLite's busy handler, which
        # backs off for longer and longer, an unlucky thread can wait out the whole timeout.
        with self._con() as con, self._writer:
            _begin(con)
            try:
                for sql, params in statements:
                    con.execute(sql, params)
                con.execute("UPDATE store_identity SET writes = writes + 1 WHERE id = 1")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            self._checkpoint(con)

    def _checkpoint(self, con: sqlite3.Connection) -> None:
        """Copy committed transactions into the main file and empty the log, so a damaged log
        can lose nothing already committed (SQLite drops a log's frames from the first bad one
        on, silently). When readers keep the log busy it stays for the next write."""
        if self.path is None:
            return
        # Without waiting: under load, a checkpoint that waits for readers holds the write
        # lock and starves every other writer. A busy one copies what it can and the log is
        # emptied by a later write; the open check then tells old frames from new ones.
        con.execute("PRAGMA busy_timeout=0")
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:
            pass  # another connection is checkpointing or writing: the next write retries
        finally:
            con.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._con() as con:
            return con.execute(sql, params).fetchall()

    def _add(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None:
        _table(table)
        check(profile, concept_ids)
        now = self.clock()
        self.write((f"INSERT INTO {table} VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (profile, cid, now)) for cid in concept_ids)

    def _remove(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None:
        _table(table)
        check(profile, concept_ids)
        self.write((f"DELETE FROM {table} WHERE profile = ? AND concept_id = ?", (profile, cid))
                   for cid in concept_ids)

    def visit(self, profile: str, concept_id: str) -> None:
        check(profile, [concept_id])
        now = self.clock()
        self.write([(
            "INSERT INTO visits VALUES (?, ?, 1, ?, ?) ON CONFLICT DO UPDATE SET "
            "times = visits.times + 1, last_at = excluded.last_at",
            (profile, concept_id, now, now))])

    def known(self, profile: str) -> set[str]:
        return {r[0] for r in self._read("SELECT concept_id FROM known WHERE profile = ?",
                                         (profile,))}

    def bookmarks(self, profile: str) -> list[str]:
        return [r[0] for r in self._read(
            "SELECT concept_id FROM bookmarks WHERE profile = ? ORDER BY added_at, concept_id",
            (profile,))]

    def visits(self, profile: str) -> list[Visit]:
        return [Visit(cid, times, _stamp(last)) for cid, times, last in self._read(
            "SELECT concept_id, times, last_at FROM visits WHERE profile = ? "
            "ORDER BY last_at DESC, concept_id", (profile,))]

    def decision_frequencies(self, profile: str) -> dict[str, float]:
        return {d: float(f) for d, f in self._read(
            "SELECT decision_id, frequency FROM decision_frequencies WHERE profile = ? "
            "ORDER BY decision_id", (profile,))}

    def set_decision_frequency(self, profile: str, decision_id: str, value: float) -> None:
        check(profile, [decision_id], "decision")
        number = check_frequency(decision_id, value)
        self.write([(
            "INSERT INTO decision_frequencies VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "frequency = excluded.frequency, set_at = excluded.set_at",
            (profile, decision_id, number, self.clock()))])

    def reset_decision_frequency(self, profile: str, decision_id: str) -> None:
        check(profile, [decision_id], "decision")
        self.write([("DELETE FROM decision_frequencies WHERE profile = ? AND decision_id = ?",
                     (profile, decision_id))])

    def profiles(self) -> list[str]:
        return [r[0] for r in self._read(
            "SELECT profile FROM known UNION SELECT profile FROM bookmarks "
            "UNION SELECT profile FROM visits UNION SELECT profile FROM decision_frequencies "
            "ORDER BY profile")]

    def imports(self) -> list[tuple[str, int]]:
        return self._read("SELECT source, rows FROM imports ORDER BY source")


def _table(name: str) -> None:
    """The table names that SQL text is built from are this module's own, never data."""
    if name not in ("known", "bookmarks"):
        raise ValueError(f"unknown progress table {name[:40]!r}")


def _begin(con: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried for up to the busy timeout: while another connection truncates
    the log after its write, SQLite answers "database is locked" at once, without waiting."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            con.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.002, 0.02))


def _stamp(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def import_duckdb(store: SQLiteProgress, legacy: Path) -> int:
    """Copy every row of a DuckDB progress file into `store` once; return the rows copied (0 if
    it was imported before). The copy and its record commit together, so a crash part-way
    leaves nothing half-imported and the next open tries again."""
    source = str(legacy.resolve())
    if any(s == source for s, _ in store.imports()):
        return 0
    import duckdb  # noqa: PLC0415  (only when there is an old file to read)

    try:
        with duckdb.connect(str(legacy), read_only=True) as con:
            rows = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    except duckdb.Error as exc:
        raise ProgressError(f"cannot import the old progress file {legacy}: {exc}; stop the "
                            "process that holds it, or move it aside") from exc
    with store._con() as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            if con.execute("SELECT 1 FROM imports WHERE source = ?", (source,)).fetchall():
                con.execute("ROLLBACK")
                return 0
            for table, values in rows.items():
                marks = "?, ?, ?, ?, ?" if table == "visits" else "?, ?, ?"
                con.executemany(f"INSERT INTO {table} VALUES ({marks}) ON CONFLICT DO NOTHING",
                                values)
            total = sum(len(v) for v in rows.values())
            con.execute("INSERT INTO imports (source, rows) VALUES (?, ?)", (source, total))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return total


def open_progress(path: str | Path | None, url: str | None = None, *,
                  graph: str | None = None) -> ProgressStore:
    """The progress store: PostgreSQL when `url` is given (shared by several servers; `graph`
    names an imported graph, whose progress gets a schema of its own), else the local SQLite
    file at `path` (a `.duckdb` path from older settings means the SQLite file beside it,
    which imports the old one)."""
    if url:
        from explorer.storage import postgres_progress  # noqa: PLC0415

        if not url.startswith(("postgresql://", "postgres://")):
            raise ProgressError(f"EXPLORER_PROGRESS_URL must start with postgresql:// (got "
                                f"{postgres_progress.redact(url)[:80]!r})")
        return postgres_progress.PostgresProgress(
            url, schema=postgres_progress.schema_for(graph))
    if path is not None and Path(path).suffix == ".duckdb":
        path = Path(path).with_suffix(".sqlite")
    return SQLiteProgress(path)
