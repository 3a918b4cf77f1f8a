"""One migration runner for every store this project writes: the DuckDB graph, SQLite progress
and PostgreSQL progress.

Each migration is (version, name, sql) where `sql` is a script string (DuckDB runs several
statements in one `execute`) or a tuple of single statements (SQLite's `execute` runs one). A
migration and the row recording it commit together, and the pending list is re-read inside the
transaction, so two processes opening a new file at once apply each migration exactly once.
PostgreSQL takes parameters as `%s` (the `placeholder`) and its caller holds an advisory lock
around the whole run, so concurrent servers also agree on creating `schema_migrations`.
Never edit a migration that has shipped; append a new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Migration = tuple[int, str, "str | tuple[str, ...]"]

CREATE = ("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)")

# The row that records a migration, per driver parameter style.
RECORD = {"?": "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
          "%s": "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)"}


def applied(con: Any) -> set[int]:
    return {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}


def migrate(con: Any, migrations: Sequence[Migration], *, begin: str = "BEGIN",
            placeholder: str = "?") -> None:
    """Apply the migrations not yet recorded in `schema_migrations`, each in a transaction
    opened with `begin` (SQLite: "BEGIN IMMEDIATE", which takes the write lock at once).
    `placeholder` is the driver's parameter mark ("?" for DuckDB and sqlite3, "%s" for psycopg)."""
    record = RECORD[placeholder]
    con.execute(CREATE)
    if {m[0] for m in migrations} <= applied(con):
        return
    for version, name, sql in migrations:
        con.execute(begin)
        try:
            if version not in applied(con):
                for statement in (sql,) if isinstance(sql, str) else sql:
                    con.execute(statement)
                con.execute(record, [version, name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
