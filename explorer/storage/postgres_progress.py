"""Progress in PostgreSQL, for several app servers sharing one store (DESIGN §9).

Chosen by `EXPLORER_PROGRESS_URL=postgresql://…`; same interface and semantics as
`SQLiteProgress`. A `psycopg_pool.ConnectionPool` hands each call a connection (connections are
checked before use, so a restarted server costs one failed check, not an error); every write is
one transaction, marks and bookmarks are idempotent upserts, and a visit is one atomic
`ON CONFLICT … DO UPDATE`, so concurrent servers add their counts up.

The tables live in a schema of their own (`explorer` unless told otherwise; imported graphs get
one each), set as the connections' `search_path`. Opening creates the schema and runs the
migrations under a session advisory lock, so replicas starting at once migrate exactly once.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime

from explorer.domain.errors import BadInput
from explorer.domain.progress import Visit, check_frequency
from explorer.domain.progress import check as check_bounds
from explorer.storage import migrations
from explorer.storage.progress import (
    PROGRESS_TABLES,
    ProgressError,
    ProgressStore,
    _stamp,
    _table,
    utc_now,
)

log = logging.getLogger("explorer.progress")

DEFAULT_SCHEMA = "explorer"
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# pg_advisory_lock key held while a server creates the schema and migrates it ("explorer").
MIGRATION_LOCK = 0x6578706C6F726572
POOL_MAX = 8
CONNECT_TIMEOUT_S = 10.0
APPLICATION = "curiosity-explorer"  # how its connections show in pg_stat_activity

MIGRATIONS: tuple[migrations.Migration, ...] = (
    (1, "m001_progress", PROGRESS_TABLES),
    # How often a profile says it faces a decision (0..1); as SQLite's m003.
    (2, "m002_decision_frequencies", (
        "CREATE TABLE decision_frequencies (profile TEXT NOT NULL, decision_id TEXT NOT NULL, "
        "frequency DOUBLE PRECISION NOT NULL CHECK (frequency >= 0 AND frequency <= 1), "
        "set_at TIMESTAMP, PRIMARY KEY (profile, decision_id))",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def check(profile: str, ids=(), what: str = "concept") -> None:
    """The domain's bounds, and no NUL character: PostgreSQL text cannot hold one."""
    check_bounds(profile, ids, what)
    if "\x00" in profile or any("\x00" in i for i in ids):
        raise BadInput(f"a profile name or {what} id cannot contain a NUL character "
                       "(PostgreSQL text cannot store one)")


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def schema_for(graph: str | None) -> str:
    """The schema of a graph's progress: DEFAULT_SCHEMA for the configured graph, one per
    imported graph (its folder name made an identifier, with a hash so names never collide)."""
    if not graph:
        return DEFAULT_SCHEMA
    stem = re.sub(r"[^a-z0-9_]", "_", graph.casefold())[:40]
    return f"{DEFAULT_SCHEMA}_{stem}_{hashlib.sha1(graph.encode()).hexdigest()[:8]}"


class PostgresProgress(ProgressStore):
    """Progress in the PostgreSQL database at `url`, in `schema`. `clock` stamps writes with
    naive UTC (passed in so tests can fix it)."""

    def __init__(self, url: str, *, schema: str = DEFAULT_SCHEMA, pool_max: int = POOL_MAX,
                 clock: Callable[[], datetime] | None = None):
        import psycopg  # noqa: PLC0415  (only when PostgreSQL is configured)
        from psycopg_pool import ConnectionPool, PoolTimeout  # noqa: PLC0415

        if not SCHEMA_NAME.fullmatch(schema):
            raise ValueError(f"progress schema {schema[:70]!r}: use lower-case letters, digits "
                             "and _ (at most 63, not starting with a digit)")
        self.url, self.schema = url, schema
        self.clock = clock or utc_now
        self.notices: list[str] = []
        self._errors = (psycopg.Error, PoolTimeout)
        where = f"the progress database {redact(url)}"
        try:
            self._pool = ConnectionPool(
                url, min_size=1, max_size=pool_max, open=False, name="explorer-progress",
                check=ConnectionPool.check_connection, timeout=CONNECT_TIMEOUT_S,
                kwargs={"autocommit": True, "options": f"-c search_path={schema}",
                        "connect_timeout": int(CONNECT_TIMEOUT_S),
                        "application_name": f"{APPLICATION}/{schema}"})
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except (psycopg.Error, PoolTimeout) as exc:
            raise ProgressError(f"cannot connect to {where}: {_reason(exc)}; check "
                                "EXPLORER_PROGRESS_URL and that the server is running") from exc
        try:
            self._migrate()
        except psycopg.Error as exc:
            self.close()
            raise ProgressError(f"cannot prepare {where} (schema {schema}): {_reason(exc)}; "
                                "the user needs CREATE rights on the database") from exc

    def _migrate(self) -> None:
        from psycopg import sql  # noqa: PLC0415

        with self._pool.connection() as con:
            con.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                statement = sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(self.schema))
                con.execute(statement)
                migrations.migrate(con, MIGRATIONS, placeholder="%s")
            finally:
                con.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    def close(self) -> None:
        self._pool.close()

    def write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        """Run statements in one transaction (all or nothing)."""
        try:
            with self._pool.connection() as con, con.transaction():
                for sql, params in statements:
                    con.execute(sql, params)
        except self._errors as exc:
            raise ProgressError(f"cannot write progress to {redact(self.url)}: "
                                f"{_reason(exc)}") from exc

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            with self._pool.connection() as con:
                return con.execute(sql, params).fetchall()
        except self._errors as exc:
            raise ProgressError(f"cannot read progress from {redact(self.url)}: "
                                f"{_reason(exc)}") from exc

    def _add(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None:
        _table(table)
        check(profile, concept_ids)
        now = self.clock()
        # In one order, so two transactions marking the same concepts never deadlock.
        self.write((f"INSERT INTO {table} VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (profile, cid, now)) for cid in sorted(set(concept_ids)))

    def _remove(self, table: str, profile: str, concept_ids: tuple[str, ...]) -> None:
        _table(table)
        check(profile, concept_ids)
        self.write((f"DELETE FROM {table} WHERE profile = %s AND concept_id = %s",
                    (profile, cid)) for cid in sorted(set(concept_ids)))

    def visit(self, profile: str, concept_id: str) -> None:
        check(profile, [concept_id])
        now = self.clock()
        self.write([(
            "INSERT INTO visits VALUES (%s, %s, 1, %s, %s) ON CONFLICT (profile, concept_id) "
            "DO UPDATE SET times = visits.times + 1, last_at = excluded.last_at",
            (profile, concept_id, now, now))])

    def _read_profile(self, sql: str, profile: str) -> list[tuple]:
        """Rows of one profile; none for a name no write could have stored (a NUL in it)."""
        return [] if "\x00" in profile else self._read(sql, (profile,))

    def known(self, profile: str) -> set[str]:
        return {r[0] for r in self._read_profile(
            "SELECT concept_id FROM known WHERE profile = %s", profile)}

    # Text sorts byte-wise (COLLATE "C"), as in SQLite, whatever the database's locale.
    def bookmarks(self, profile: str) -> list[str]:
        return [r[0] for r in self._read_profile(
            "SELECT concept_id FROM bookmarks WHERE profile = %s "
            'ORDER BY added_at, concept_id COLLATE "C"', profile)]

    def visits(self, profile: str) -> list[Visit]:
        return [Visit(cid, times, _stamp(last)) for cid, times, last in self._read_profile(
            "SELECT concept_id, times, last_at FROM visits WHERE profile = %s "
            'ORDER BY last_at DESC, concept_id COLLATE "C"', profile)]

    def decision_frequencies(self, profile: str) -> dict[str, float]:
        return {d: float(f) for d, f in self._read_profile(
            "SELECT decision_id, frequency FROM decision_frequencies WHERE profile = %s "
            'ORDER BY decision_id COLLATE "C"', profile)}

    def set_decision_frequency(self, profile: str, decision_id: str, value: float) -> None:
        check(profile, [decision_id], "decision")
        number = check_frequency(decision_id, value)
        self.write([(
            "INSERT INTO decision_frequencies VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (profile, decision_id) DO UPDATE SET "
            "frequency = excluded.frequency, set_at = excluded.set_at",
            (profile, decision_id, number, self.clock()))])

    def reset_decision_frequency(self, profile: str, decision_id: str) -> None:
        check(profile, [decision_id], "decision")
        self.write([("DELETE FROM decision_frequencies WHERE profile = %s "
                     "AND decision_id = %s", (profile, decision_id))])

    def profiles(self) -> list[str]:
        return [r[0] for r in self._read(
            "SELECT profile FROM (SELECT profile FROM known UNION SELECT profile FROM bookmarks "
            "UNION SELECT profile FROM visits UNION SELECT profile FROM decision_frequencies) "
            'AS p ORDER BY profile COLLATE "C"')]


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
