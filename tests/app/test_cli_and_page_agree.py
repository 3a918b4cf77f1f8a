"""The page and the command line give the same answers for the same state: both call the one
use-case layer with the same defaults (profile, goal, year, curiosity, seed)."""

from __future__ import annotations

import json

from explorer.cli import main
from tests.conftest import TINY

KIND_LABEL = {"useful": "Most useful next", "bridge": "Surprising bridge",
              "foundation": "Deeper foundation"}


def cli_json(capsys, *argv: str):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def labels(at, prefix: str) -> list[tuple[str, str]]:
    return [(b.key, b.label.replace("\\", "")) for b in at.button
            if b.key and b.key.startswith(prefix)]


def test_wander_plan_and_progress_agree(app, capsys, monkeypatch) -> None:
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    cli_json(capsys, "progress", "mark", "gpu", "--json")  # known, so skipped by both

    app.query_params["concept"] = "adam"
    app.run()
    assert not app.exception
    page_wander = labels(app, "wander-")
    cli_wander = cli_json(capsys, "wander", "adam", "--json")
    assert page_wander == [(f"wander-{s['kind']}", f"{KIND_LABEL[s['kind']]}: {s['name']}")
                           for s in cli_wander]
    assert len(page_wander) == 3

    app.button(key="know").click().run()  # "I know this" on the page…
    listing = cli_json(capsys, "progress", "list", "--json")
    assert listing["known"] == ["adam", "gpu"]  # …is what the CLI lists, same default profile

    app.query_params.clear()
    app.query_params.update({"view": "plan", "target": "adam"})
    app.run()
    page_plan = [key.removeprefix("plan-") for key, _ in labels(app, "plan-")]
    cli_plan = [s["id"] for s in cli_json(capsys, "plan", "adam", "--format", "json")["steps"]]
    assert page_plan == cli_plan == []  # adam is known: nothing left to learn

    cli_json(capsys, "progress", "unmark", "adam", "--json")
    app.run()
    page_plan = [key.removeprefix("plan-") for key, _ in labels(app, "plan-")]
    cli_plan = [s["id"] for s in cli_json(capsys, "plan", "adam", "--format", "json")["steps"]]
    assert page_plan == cli_plan and page_plan[-1] == "adam" and "gpu" not in page_plan

    app.query_params.clear()
    app.query_params.update({"view": "progress"})
    app.run()
    page_known = [key.removeprefix("prog-Known-") for key, _ in labels(app, "prog-Known-")]
    assert page_known == cli_json(capsys, "progress", "list", "--json")["known"] == ["gpu"]
