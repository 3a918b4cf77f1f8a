"""Progress per profile (known concepts, bookmarks, visits) in its own DuckDB file.

The file is separate from the graph database, so rebuilding the graph never touches it; rows are
keyed by (profile, concept id) and are kept when a concept disappears from the graph (`summary`
lists them as orphaned instead of dropping them).

Concurrency: one connection per `Progress`, a fresh cursor per call (so threads never share one),
and every write in an explicit transaction behind one lock per process. Marks and bookmarks are
idempotent (INSERT … ON CONFLICT DO NOTHING / DELETE). DuckDB lets only one process open a file
for writing; a second one gets `ProgressLocked` naming the file and, when known, the holder.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from explorer.domain.model import Graph
from explorer.storage import graph_store as store

# Each migration is (version, name, SQL). Never edit one that has shipped; append a new one.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "m001_progress",
        """
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR,
                                        applied_at TIMESTAMP DEFAULT current_timestamp);
        CREATE TABLE known (profile VARCHAR, concept_id VARCHAR, added_at TIMESTAMP,
                            PRIMARY KEY (profile, concept_id));
        CREATE TABLE bookmarks (profile VARCHAR, concept_id VARCHAR, added_at TIMESTAMP,
                                PRIMARY KEY (profile, concept_id));
        CREATE TABLE visits (profile VARCHAR, concept_id VARCHAR, times INTEGER,
                             first_at TIMESTAMP, last_at TIMESTAMP,
                             PRIMARY KEY (profile, concept_id));
    """,
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
DEFAULT_PROFILE = "default"
MAX_PROFILE = 64
MAX_ID = 200

# One lock per process for every write to any progress file.
WRITE_LOCK = threading.Lock()


class ProgressLocked(RuntimeError):
    """Another process holds the progress file open for writing."""

    def __init__(self, path: Path, holder: str = ""):
        self.path = path
        who = f" by {holder}" if holder else " by another process"
        super().__init__(
            f"the progress file {path} is in use{who} (DuckDB allows one writer process); "
            "close the other app or command, or point EXPLORER_PROGRESS at another file"
        )


@dataclass(frozen=True)
class Visit:
    concept_id: str
    times: int
    last_at: datetime


@dataclass(frozen=True)
class LayerShare:
    known: int
    total: int

    @property
    def share(self) -> float:
        return self.known / self.total if self.total else 0.0


@dataclass(frozen=True)
class Summary:
    profile: str
    known: int  # known concepts that are in the graph
    bookmarks: int
    visited: int
    by_layer: dict[str, LayerShare] = field(default_factory=dict)  # in layer order
    orphaned: list[str] = field(default_factory=list)  # ids with progress, missing from the graph

    def to_dict(self) -> dict:
        data = asdict(self)
        data["by_layer"] = {k: {**asdict(v), "share": round(v.share, 4)}
                            for k, v in self.by_layer.items()}
        return data


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    store.migrate(con, MIGRATIONS)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _check(profile: str, concept_ids: Iterable[str] = ()) -> None:
    if not profile or len(profile) > MAX_PROFILE:
        raise ValueError(f"a profile name has 1 to {MAX_PROFILE} characters, not {len(profile)}")
    for cid in concept_ids:
        if not cid or len(cid) > MAX_ID:
            raise ValueError(f"a concept id has 1 to {MAX_ID} characters: {cid[:40]!r}")


class Progress:
    """Progress over a DuckDB file, or in memory when `path` is None.

    `clock` returns the time stamped on writes, naive UTC (passed in so tests can fix it).
    """

    def __init__(self, path: str | Path | None = None, *,
                 clock: Callable[[], datetime] | None = None):
        self.path = Path(path) if path else None
        self.clock = clock or utc_now
        self._cursor_lock = threading.Lock()
        if self.path is None:
            self._con = duckdb.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._con = duckdb.connect(str(self.path))
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                raise ProgressLocked(self.path, f"process {holder[1]}" if holder else "") from exc
        with WRITE_LOCK:
            migrate(self._con)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        # Creating a cursor touches the shared connection, so it is serialised; using it is not.
        with self._cursor_lock:
            return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, statements: list[tuple[str, list]]) -> None:
        """Run statements in one transaction behind the process-wide write lock."""
        with WRITE_LOCK:
            cur = self.cursor()
            try:
                cur.execute("BEGIN")
                for sql, params in statements:
                    cur.execute(sql, params)
                cur.execute("COMMIT")
            except BaseException:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # the transaction never began; the original error says why
                raise
            finally:
                cur.close()

    def _read(self, sql: str, params: list) -> list[tuple]:
        cur = self.cursor()
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    def _add(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None:
        _check(profile, concept_ids)
        now = self.clock()
        self._write([(f"INSERT INTO {table} VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                      [profile, cid, now]) for cid in concept_ids])

    def _remove(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None:
        _check(profile, concept_ids)
        self._write([(f"DELETE FROM {table} WHERE profile = ? AND concept_id = ?", [profile, cid])
                     for cid in concept_ids])

    def mark_known(self, profile: str, *concept_ids: str) -> None:
        self._add("known", profile, concept_ids)

    def unmark_known(self, profile: str, *concept_ids: str) -> None:
        self._remove("known", profile, concept_ids)

    def bookmark(self, profile: str, *concept_ids: str) -> None:
        self._add("bookmarks", profile, concept_ids)

    def unbookmark(self, profile: str, *concept_ids: str) -> None:
        self._remove("bookmarks", profile, concept_ids)

    def visit(self, profile: str, concept_id: str) -> None:
        _check(profile, [concept_id])
        now = self.clock()
        self._write([(
            "INSERT INTO visits VALUES (?, ?, 1, ?, ?) ON CONFLICT DO UPDATE SET "
            "times = visits.times + 1, last_at = excluded.last_at",
            [profile, concept_id, now, now])])

    def known(self, profile: str) -> set[str]:
        return {r[0] for r in self._read(
            "SELECT concept_id FROM known WHERE profile = ?", [profile])}

    def bookmarks(self, profile: str) -> list[str]:
        """Bookmarked ids, oldest first."""
        return [r[0] for r in self._read(
            "SELECT concept_id FROM bookmarks WHERE profile = ? ORDER BY added_at, concept_id",
            [profile])]

    def visits(self, profile: str) -> list[Visit]:
        """Visited concepts, most recent first."""
        return [Visit(*r) for r in self._read(
            "SELECT concept_id, times, last_at FROM visits WHERE profile = ? "
            "ORDER BY last_at DESC, concept_id", [profile])]

    def profiles(self) -> list[str]:
        return [r[0] for r in self._read(
            "SELECT profile FROM known UNION SELECT profile FROM bookmarks "
            "UNION SELECT profile FROM visits ORDER BY profile", [])]

    def summary(self, profile: str, graph: Graph) -> Summary:
        """Counts, the share of each layer known, and progress on ids the graph no longer has."""
        known = self.known(profile)
        marks = set(self.bookmarks(profile))
        visited = {v.concept_id for v in self.visits(profile)}
        by_layer = {layer.id: [0, 0] for layer in graph.layers}
        for c in graph.concepts.values():
            counts = by_layer.setdefault(c.layer, [0, 0])
            counts[0] += c.id in known
            counts[1] += 1
        orphaned = sorted((known | marks | visited) - set(graph.concepts))
        inside = set(graph.concepts)
        return Summary(profile, len(known & inside), len(marks & inside), len(visited & inside),
                       {k: LayerShare(*v) for k, v in by_layer.items()}, orphaned)
