"""What only the PostgreSQL progress store has: servers migrating at once, schemas per graph,
clear messages for a bad URL, and the setting that chooses it (tests/postgres.py starts it)."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import psycopg.sql
import pytest

from explorer.storage import postgres_progress
from explorer.storage.postgres_progress import MIGRATIONS, PostgresProgress, redact, schema_for
from explorer.storage.progress import ProgressError, SQLiteProgress, open_progress
from explorer.usecases import open_explorer
from tests.conftest import TINY

OPENER = """
import sys
from explorer.storage.postgres_progress import PostgresProgress
store = PostgresProgress(sys.argv[1], schema=sys.argv[2])
store.mark_known("p" + sys.argv[3], "adam")
store.close()
"""


def test_servers_opening_a_new_schema_at_once_migrate_it_exactly_once(pg_url, pg_schema):
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, pg_url, pg_schema, str(n)],
                              stderr=subprocess.PIPE, text=True) for n in range(6)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, errs
    with psycopg.connect(pg_url) as con:
        rows = con.execute(f'SELECT version, name FROM "{pg_schema}".schema_migrations '
                           "ORDER BY version").fetchall()
    assert rows == [(v, name) for v, name, _ in MIGRATIONS]
    with PostgresProgress(pg_url, schema=pg_schema) as store:
        assert store.profiles() == [f"p{n}" for n in range(6)]


def test_each_graph_keeps_its_progress_apart(pg_url, pg_schema):
    assert schema_for(None) == "explorer"
    assert schema_for("My graph") != schema_for("my_graph")  # the hash keeps them apart
    with open_progress(None, pg_url, graph="fixture") as one, \
            open_progress(None, pg_url, graph="other graph") as two:
        assert isinstance(one, PostgresProgress) and one.schema != two.schema
        one.mark_known("me", "adam")
        assert two.known("me") == set() and one.known("me") == {"adam"}
        one.unmark_known("me", "adam")


def test_the_setting_chooses_postgresql_for_the_explorer(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_PROGRESS_URL", pg_url)
    app = open_explorer(db_path=tmp_path / "graph.duckdb", data_dir=TINY,
                        progress_path=tmp_path / "progress.sqlite")
    try:
        assert isinstance(app.progress, PostgresProgress)
        app.set_known("adam", profile="setting-test")
        assert app.progress_list("setting-test").known == ["adam"]
    finally:
        app.set_known("adam", False, profile="setting-test")
        app.progress.close()
    assert not (tmp_path / "progress.sqlite").exists()  # nothing went to the local file
    monkeypatch.setenv("EXPLORER_PROGRESS_URL", "")
    with open_progress(tmp_path / "progress.sqlite") as local:
        assert isinstance(local, SQLiteProgress)


def test_a_bad_url_or_schema_gets_a_clear_message_without_the_password(postgres_server):
    with pytest.raises(ProgressError, match="must start with postgresql://"):
        open_progress(None, "mysql://user:secret@localhost/db")
    dead = "postgresql://explorer:s3cret@127.0.0.1:1/explorer"
    with pytest.raises(ProgressError) as err:
        PostgresProgress(dead)
    assert "cannot connect to the progress database" in str(err.value)
    assert "EXPLORER_PROGRESS_URL" in str(err.value) and "s3cret" not in str(err.value)
    assert redact(dead) == "postgresql://explorer:***@127.0.0.1:1/explorer"
    with pytest.raises(ValueError, match="progress schema"):
        PostgresProgress(postgres_server, schema='x"; DROP SCHEMA explorer; --')


def test_a_nul_in_a_name_is_refused_on_writes_and_matches_nothing_on_reads(pg_url, pg_schema):
    with PostgresProgress(pg_url, schema=pg_schema) as store:
        with pytest.raises(ValueError, match="NUL character"):
            store.mark_known("me\x00x", "adam")
        with pytest.raises(ValueError, match="NUL character"):
            store.visit("me", "ad\x00am")
        assert store.known("me\x00x") == set() and store.visits("me\x00x") == []
        assert store.profiles() == []


def test_writes_are_all_or_nothing(pg_url, pg_schema):
    with PostgresProgress(pg_url, schema=pg_schema) as store:
        with pytest.raises(ProgressError, match="cannot write progress"):
            store.write([("INSERT INTO known VALUES (%s, %s, %s)", ("me", "adam", None)),
                         ("INSERT INTO no_such_table VALUES (%s)", ("x",))])
        assert store.known("me") == set()


def test_a_dropped_connection_is_replaced(pg_url, pg_schema):
    """A server restart or a proxy's idle timeout ends connections: the pool checks each one
    before handing it out, so the next call gets a fresh one instead of an error."""
    with PostgresProgress(pg_url, schema=pg_schema, pool_max=1) as store:
        store.mark_known("me", "adam")
        with psycopg.connect(pg_url, autocommit=True) as admin:
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                (f"{postgres_progress.APPLICATION}/{pg_schema}",)).fetchall()
        assert ended
        assert store.known("me") == {"adam"}


def _tables(url: str, schema: str) -> dict[str, list]:
    with psycopg.connect(url) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name", (schema,)).fetchall()]
        return {n: sorted(map(repr, con.execute(
            psycopg.sql.SQL("SELECT * FROM {}.{}").format(
                psycopg.sql.Identifier(schema), psycopg.sql.Identifier(n))).fetchall()))
            for n in names}


def test_hostile_names_are_stored_as_text_and_touch_no_other_row(pg_url, pg_schema):
    """The SQL-injection strings of tests/test_sql_injection.py as profiles and ids, here."""
    from tests.test_sql_injection import HOSTILE  # noqa: PLC0415

    with PostgresProgress(pg_url, schema=pg_schema) as store:
        store.mark_known("me", "adam")
        store.visit("me", "adam")
        store.set_decision_frequency("me", "d1", 0.4)
        before = _tables(pg_url, pg_schema)
        names = [s for s in HOSTILE if 0 < len(s) <= 64 and "\x00" not in s]
        for s in names:
            store.mark_known(s, "adam", s)
            store.bookmark(s, s)
            store.set_decision_frequency(s, s, 0.1)
            assert store.known(s) == {"adam", s} and store.bookmarks(s) == [s], s
            assert store.decision_frequencies(s) == {s: 0.1}
        assert set(store.profiles()) == {"me", *names}
        for s in names:
            store.unmark_known(s, "adam", s)
            store.unbookmark(s, s)
            store.reset_decision_frequency(s, s)
        assert _tables(pg_url, pg_schema) == before
