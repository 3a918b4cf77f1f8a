"""No traceback reaches a user of `explorer`: each bad argument gets one line and exit status 2.

The cases first found by random runs are pinned here; hypothesis then fuzzes the arguments of
every command in-process through `main(argv)` (the console script's entry point).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.cli import main
from tests.conftest import TINY


@pytest.fixture
def tiny_env(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    (tmp_path / "folder").mkdir()
    (tmp_path / "queries.json").write_text('[{"query": "adam", "expected": ["Adam optimizer"]}]')
    return tmp_path


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("argv", "message"), [
    (["relevance", "--year", "nan"], "invalid finite number value: 'nan'"),
    (["relevance", "--year", "1e308"], "the era must be a year from 1900 to 2100"),
    (["plan", "adam", "--goal", "nope"], "unknown goal 'nope'; this graph has build"),
    (["wander", "adam", "--goal", "nope"], "unknown goal 'nope'"),
    (["wander", "adam", "--curiosity", "2"], "curiosity runs from 0 (useful) to 1"),
    (["eval", "--queries", "{tmp}/folder"], "cannot read the queries from"),
    (["eval", "--queries", "{tmp}/latin1.txt"], "not UTF-8 text"),
    (["search", "--batch", "{tmp}/latin1.txt"], "latin1.txt:1: not UTF-8 text (byte 0xe9)"),
    (["search", "--batch", "{tmp}/folder"], "cannot read"),
    (["search", "--batch", "{tmp}/missing.txt"], "No such file or directory"),
    (["progress", "mark", "adam", "--profile", "x" * 65], "a profile name has 1 to 64"),
    (["progress", "list", "--profile", "x" * 65], "a profile name has 1 to 64"),
    (["loadtest", "--sessions", "0"], "--sessions, --seconds and --timeout must be positive"),
    (["loadtest", "--think", "4,2"], "--think takes MIN,MAX seconds like 2,4, not '4,2'"),
    (["decisions", "set", "training-diverges", "often-ish"],
     "the frequency of decision 'training-diverges' is one of never, rarely, sometimes, often"),
    (["decisions", "set", "training-diverges", "1.5"], "a number from 0 to 1, not '1.5'"),
    (["decisions", "set", "training-divergs", "often"],
     "no decision 'training-divergs' in this graph; did you mean training-diverges?"),
    (["decisions", "set", "training-diverges"], "needs a FREQUENCY: never, rarely"),
    (["decisions", "reset"], "needs a decision id"),
    (["decisions", "list", "--goal", "nope"], "unknown goal 'nope'"),
    (["relevance", "--profile", "x" * 65], "a profile name has 1 to 64"),
])
def test_bad_arguments_get_one_line_and_status_2(tiny_env, argv, message):
    code, out, err = run([a.replace("{tmp}", str(tiny_env)) for a in argv])
    assert code == 2 and out == "", (code, out, err)
    assert message in err and "Traceback" not in err, err


def test_not_found_is_status_1(tiny_env):
    assert run(["show", "adamm"])[0] == 1
    assert run(["path", "adam", "nope"])[0] == 1


def test_a_bug_is_reported_in_one_line(tiny_env, monkeypatch):
    from explorer import cli

    def broken(args):
        raise KeyError("oops")

    monkeypatch.setitem(cli.COMMANDS, "stats", broken)
    code, _, err = run(["stats"])
    assert code == 1 and err.startswith("internal error (please report it): KeyError: 'oops' at")
    assert "Traceback" not in err


def test_console_script_bad_year_without_traceback(tiny_env):
    proc = subprocess.run([sys.executable, "-m", "explorer.cli", "plan", "adam", "--goal",
                           "nope"], capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown goal 'nope'" in proc.stderr
    assert "Traceback" not in proc.stderr


COMMAND_ARGS = {
    "validate": [], "show": ["adam"], "neighbors": ["adam"], "stats": [], "path": ["adam", "gpu"],
    "plan": ["adam"], "wander": ["adam"], "progress": ["list"], "search": ["adam"],
    "relevance": [], "eval": ["--queries", "{tmp}/queries.json"], "build": ["--no-model"],
    "decisions": ["list"],
}
OPTIONS = ["--year", "--goal", "--json", "--top", "--limit", "--profile", "--known", "--format",
           "--depth", "--seed", "--curiosity", "--batch", "--queries", "--force", "--no-model"]
WORDS = ["adam", "gpu", "transistor", "build", "research", "nan", "inf", "-inf", "-1", "0", "1",
         "2.5", "1e308", "99999999999999999999", "", " ", "md", "json", "mark", "unmark",
         "bookmark", "list", "-", "x" * 65, "x" * 5_000, "ü" * 70, "\u202e", "\udcff",
         "{tmp}/latin1.txt", "{tmp}/folder", "{tmp}/missing", "{tmp}/queries.json",
         "/dev/null", str(TINY), "'; DROP TABLE concepts; --"]
tokens = st.sampled_from(OPTIONS + WORDS) | st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)


@settings(max_examples=100, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(COMMAND_ARGS)), st.booleans(), st.lists(tokens, max_size=5))
def test_fuzzed_arguments_never_end_in_a_traceback(tiny_env, command, base, extra):
    argv = [command, *(COMMAND_ARGS[command] if base else []), *extra]
    argv = [a.replace("{tmp}", str(tiny_env)) for a in argv]
    with contextlib.redirect_stdout(io.StringIO()):  # `-` reads stdin: give it nothing
        sys.stdin = io.TextIOWrapper(io.BytesIO(b"adam\n"))
        try:
            code, _, err = run(argv)
        finally:
            sys.stdin = sys.__stdin__
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
