"""`explorer relevance` and the relevance in `explorer show --json`, on the tiny graph."""

from __future__ import annotations

import json
import time

import pytest

from explorer.cli import main
from tests.conftest import TINY


@pytest.fixture(autouse=True)
def tiny_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")


def run_json(capsys: pytest.CaptureFixture, *argv: str):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_relevance_json_sorted_with_reasons(capsys) -> None:
    rows = run_json(capsys, "relevance", "--year", "2026", "--json")
    assert len(rows) == 8
    assert set(rows[0]) == {"id", "name", "layer", "p", "contributions", "why"}
    assert [r["id"] for r in rows[:2]] == ["gradient-descent", "adam"]
    assert rows[0]["p"] == pytest.approx(0.7 * 0.8 * 0.5)
    assert rows[0]["layer"] == "optimization" and rows[0]["name"] == "Gradient descent"
    assert [r["p"] for r in rows] == sorted((r["p"] for r in rows), reverse=True)
    momentum = next(r for r in rows if r["id"] == "momentum")
    assert momentum["why"] == ["Training loss diverges: lower the learning rate or change the "
                               "optimiser? (faced 70% of the time; reach 0.10 via adam)"]
    # Every factor: Adam informs the decision (strength 0.7, leak 0.5), then a prerequisite hop
    # to momentum (0.6, leak 0.5): reach 0.105, contribution 0.7 × 0.105.
    (c,) = momentum["contributions"]
    assert c["decision"] == "training-diverges" and c["frequency"] == 0.7
    assert [(h["id"], h["relation"]) for h in c["chain"]] == [("adam", "informs"),
                                                               ("momentum", "requires")]
    assert [h["factor"] for h in c["chain"]] == [pytest.approx(0.35), pytest.approx(0.3)]
    assert (c["reach"], c["contribution"]) == (pytest.approx(0.105), pytest.approx(0.0735))
    assert momentum["p"] == pytest.approx(0.0735)


def test_relevance_goal_year_and_top(capsys) -> None:
    rows = run_json(capsys, "relevance", "--goal", "interview", "--year", "2000", "--top", "2",
                    "--json")
    assert [r["id"] for r in rows] == ["gradient-descent", "adam"]
    assert rows[0]["why"][0].startswith("Explain gradient descent in an interview (faced 80%")


def test_relevance_defaults_to_build_this_year(capsys) -> None:
    default = run_json(capsys, "relevance", "--json")
    explicit = run_json(capsys, "relevance", "--goal", "build",
                        "--year", str(time.gmtime().tm_year), "--json")
    assert default == explicit


def test_relevance_text(capsys) -> None:
    assert main(["relevance", "--year", "2026", "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == " 28.0%  gradient-descent  Gradient descent [optimization]"
    assert lines[1].startswith("        because: Training loss diverges")
    assert len(lines) == 6


@pytest.mark.parametrize("argv, message", [
    (["relevance", "--goal", "cooking"], "unknown goal 'cooking'"),
    (["relevance", "--top", "0"], "--top must be at least 1"),
])
def test_relevance_user_errors(capsys, argv, message) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and "Traceback" not in err


def test_show_json_has_relevance_for_every_goal(capsys) -> None:
    data = run_json(capsys, "show", "momentum", "--json")
    assert set(data["relevance"]) == {"build", "architect", "interview", "research"}
    now = run_json(capsys, "relevance", "--goal", "research", "--json")
    expected = next(r for r in now if r["id"] == "momentum")
    assert data["relevance"]["research"] == {"p": pytest.approx(expected["p"]),
                                             "contributions": expected["contributions"],
                                             "why": expected["why"]}
    assert data["relevance"]["interview"]["why"][0].endswith("via adam)")


def test_show_text_mentions_relevance(capsys) -> None:
    assert main(["show", "adam"]) == 0
    assert f"Decision relevance in {time.gmtime().tm_year}: build " in capsys.readouterr().out
