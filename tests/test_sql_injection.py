"""No SQL injection: every query takes parameters (docs/ARCHITECTURE.md, "Security rules
the code keeps").

Static: in `explorer/storage/` and `explorer/search/`, no SQL text is built from a value. An
f-string, `.format` or `%` whose text starts like a SQL statement may interpolate only the
identifiers whitelisted below (each a table name from a constant tuple, or a run of `?` marks),
and every `execute` takes a string constant, a module constant or one of those.

At run time: hostile strings as search queries, concept ids, goals, profile names and deep-link
parameters return normally (results, or the documented refusal: an unknown id, a bad profile),
and every table of the graph database (DuckDB) and of the progress store (SQLite) holds the
same rows afterwards, compared by a hash of each table's sorted rows.
"""

from __future__ import annotations

import ast
import hashlib
import re
import sqlite3
from pathlib import Path

import duckdb
import pytest

from explorer.domain.progress import MAX_PROFILE
from explorer.settings import PROJECT_ROOT
from explorer.usecases import NoPath, UnknownConcept, open_explorer
from explorer.web.state import Nav
from tests.conftest import TINY

SCANNED = sorted((PROJECT_ROOT / "explorer" / "storage").glob("*.py")) + sorted(
    (PROJECT_ROOT / "explorer" / "search").glob("*.py"))
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|"
                       r"BEGIN|ATTACH|COPY|REPLACE|UPSERT)\b", re.I)
# Interpolations allowed in SQL text, and why each cannot carry data.
WHITELIST = {
    "table": "a table name: callers pass literals; progress checks it against TABLES",
    "t": "a table name from progress.TABLES",
    "marks": "a run of '?' placeholders built from a count",
    "int(BUSY_TIMEOUT_S * 1000)": "a module constant",
}

HOSTILE = [
    "' OR 1=1 --", "'; DROP TABLE known; --", "adam'); DELETE FROM concepts; --",
    '" OR ""="', "') UNION SELECT key, value FROM meta --", "'||(SELECT sqlite_version())||'",
    "ATTACH DATABASE '/tmp/pwned.db' AS p; --", "COPY concepts TO '/tmp/leak.csv'; --",
    "%", "_", "%' --", "\\", "\\'; --", "?", "?1", "$1", ":name", "NULL", "*", "adam*",
    '"adam" OR *', "adam\x00'; DROP TABLE visits; --", "\u202e' OR 1=1 --", "😀'--",
    "x" * 2_000, "' OR '1'='1' /*", "1; PRAGMA writable_schema=1; --",
]


def _sql_strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL_START.match(text):
                yield node, [ast.unparse(v.value) for v in node.values
                             if isinstance(v, ast.FormattedValue)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "format" and isinstance(node.func.value, ast.Constant)
              and SQL_START.match(str(node.func.value.value))):
            yield node, ["<str.format>"]
        elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
              and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
              and SQL_START.match(node.left.value)):
            yield node, ["<% formatting>"]


def sql_built_from_values(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"{path.name}:{node.lineno} interpolates {expr}"
             for node, exprs in _sql_strings(tree) for expr in exprs if expr not in WHITELIST]
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany") and node.args):
            arg = node.args[0]
            ok = (isinstance(arg, ast.Constant) or isinstance(arg, ast.JoinedStr)
                  or (isinstance(arg, ast.Name) and (arg.id.isupper() or arg.id.startswith("_")
                                                     or arg.id in ("sql", "statement", "begin",
                                                                   "record"))))
            if not ok:
                found.append(f"{path.name}:{node.lineno} executes {ast.unparse(arg)[:60]}")
    return found


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_no_sql_is_built_from_a_value(path):
    assert sql_built_from_values(path) == []


def test_the_static_check_catches_string_built_sql(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(con, q, t):\n"
                   "    con.execute(f\"SELECT * FROM concepts WHERE name = '{q}'\")\n"
                   "    con.execute(\"SELECT * FROM {} WHERE x = 1\".format(t))\n"
                   "    con.execute(\"DELETE FROM known WHERE profile = '%s'\" % q)\n"
                   "    con.execute(q + ' LIMIT 1')\n")
    found = sql_built_from_values(bad)
    assert [f.split(" ", 1)[1] for f in found] == [
        "interpolates q", "interpolates <str.format>", "interpolates <% formatting>",
        "executes 'SELECT * FROM {} WHERE x = 1'.format(t)",
        "executes \"DELETE FROM known WHERE profile = '%s'\" % q", "executes q + ' LIMIT 1'"]


def test_variable_sql_names_come_from_parameterised_constants():
    """Where `execute(sql)` runs a variable, that variable holds constant SQL with `?` marks:
    the progress store's write path is fed only by its own methods, checked here by table."""
    from explorer.storage import progress  # noqa: PLC0415

    store = progress.SQLiteProgress()
    with pytest.raises(ValueError, match="unknown progress table"):
        store._add("known; DROP TABLE visits", "me", ("adam",))
    with pytest.raises(ValueError, match="unknown progress table"):
        store._remove("visits WHERE 1=1 --", "me", ("adam",))
    store.close()


def duck_tables(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        return {n: _digest(con.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names}


def sqlite_tables(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: _digest(con.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names}
    finally:
        con.close()


def _digest(rows: list[tuple]) -> str:
    return f"{len(rows)}:" + hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


@pytest.fixture
def stores(tmp_path):
    db, progress = tmp_path / "graph.duckdb", tmp_path / "progress.sqlite"
    app = open_explorer(db_path=db, data_dir=TINY, progress_path=progress)
    app.set_known("adam", profile="me")
    app.set_bookmark("momentum", profile="me")
    app.visit("adam", profile="me")
    app.progress.close()
    app = None
    return db, progress


def attack(app, s: str) -> None:
    """Every entry point that takes a string from a user or a link, fed `s`."""
    result = app.search(s, limit=5)
    assert isinstance(result.hits, list)
    for call in (lambda: app.card(s), lambda: app.path(s, "adam"), lambda: app.path("adam", s),
                 lambda: app.plan(s), lambda: app.wander(s), lambda: app.neighbours(s),
                 lambda: app.concept_json(s)):
        try:
            call()
        except (UnknownConcept, NoPath):
            pass
    for call in (lambda: app.decisions(s), lambda: app.probabilities(s, 2026)):
        with pytest.raises((UnknownConcept, ValueError, KeyError)):
            call()
    # One within the limit reads nothing; a longer one is refused by writes (and by the reads
    # that check it) with a message naming the limit.
    if len(s) > MAX_PROFILE:
        with pytest.raises(ValueError, match="profile"):
            app.set_known("adam", profile=s)
        try:
            app.card("adam", profile=s)
        except ValueError as err:
            assert "profile" in str(err)
    else:
        listing = app.progress_list(s)
        assert listing.known == [] and listing.bookmarks == []
        app.card("adam", profile=s)
    nav = Nav.parse({k: s for k in ("view", "concept", "goal", "era", "depth", "from", "to",
                                    "target", "profile")}, app)
    assert nav.concept in app.graph.concepts and nav.goal in {g.id for g in app.graph.goals}


def test_hostile_strings_return_normally_and_change_no_row(stores):
    db, progress = stores
    before = duck_tables(db), sqlite_tables(progress)
    assert set(before[1]) >= {"known", "bookmarks", "visits", "schema_migrations"}
    app = open_explorer(db_path=db, data_dir=TINY, progress_path=progress)
    try:
        for s in HOSTILE:
            attack(app, s)
    finally:
        app.progress.close()
    assert (duck_tables(db), sqlite_tables(progress)) == before


def test_a_hostile_profile_is_stored_as_text_and_touches_no_other_row(stores):
    db, progress = stores
    before = sqlite_tables(progress)
    app = open_explorer(db_path=db, data_dir=TINY, progress_path=progress)
    profiles = [s for s in HOSTILE if 0 < len(s) <= MAX_PROFILE]
    try:
        for p in profiles:
            app.set_known("adam", profile=p)
            app.set_bookmark("gpu", profile=p)
            assert app.progress_list(p).known == ["adam"], p
        assert app.progress_list("me").known == ["adam"]
        assert set(app.progress.profiles()) == {"me", *profiles}
        for p in profiles:
            app.set_known("adam", False, profile=p)
            app.set_bookmark("gpu", False, profile=p)
    finally:
        app.progress.close()
    after = sqlite_tables(progress)
    assert {t: d for t, d in after.items() if t != "store_identity"} == {
        t: d for t, d in before.items() if t != "store_identity"}  # its counter counts writes
