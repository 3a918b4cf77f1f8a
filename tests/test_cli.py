"""The foundation commands: validate, build, show, neighbors, stats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from explorer.cli import main
from tests.conftest import TINY


@pytest.fixture
def tiny_env(monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(capsys):
    code, out, _ = run(capsys, "validate", str(TINY))
    assert code == 0 and "8 concepts" in out


def test_validate_reports_duplicate_dangling_and_cycle(capsys, tiny_dir):
    opt = tiny_dir / "concepts/optimization.yaml"
    opt.write_text(opt.read_text().replace(
        "built_on: [{id: autodiff, why: \"Frameworks compute the gradient by autodiff.\"}]",
        "requires: [{id: adam, why: circular}, {id: hessian, why: curvature}]")
        + "- {id: momentum, name: Momentum again, layer: optimization, summary: dup}\n")
    code, out, err = run(capsys, "validate", str(tiny_dir))
    assert code == 1 and out == ""
    for part in ("duplicate id", "unknown concept 'hessian'", "cycle in requires"):
        assert part in err
    assert err.count("concepts/optimization.yaml:") >= 3
    assert "Traceback" not in err


def test_build_then_noop(capsys, tiny_env):
    code, out, _ = run(capsys, "build", "--no-model")
    assert code == 0 and out.startswith("built:")
    code, out, _ = run(capsys, "build", "--no-model")
    assert code == 0 and out.startswith("up to date:")


def test_show_json_has_every_field_and_leads_to(capsys, tiny_env):
    code, out, _ = run(capsys, "show", "momentum", "--json")
    data = json.loads(out)
    assert code == 0
    for key in ("id", "name", "aliases", "layer", "summary", "details", "hook", "symptoms",
                "maturity", "effort_hours", "requires", "built_on", "related", "references"):
        assert key in data
    assert data["requires"] == [{"id": "gradient-descent",
                                 "why": "Momentum modifies the gradient step."}]
    assert [d["id"] for d in data["leads_to"]] == ["adam"]


def test_show_text_and_unknown_id(capsys, tiny_env):
    code, out, _ = run(capsys, "show", "adam")
    assert code == 0 and out.startswith("Adam optimizer [optimization]")
    code, out, err = run(capsys, "show", "adamm")
    assert code == 1 and "no concept with id 'adamm'" in err and "adam" in err


def test_neighbors(capsys, tiny_env):
    _, out, _ = run(capsys, "neighbors", "momentum", "--json")
    assert {r["id"] for r in json.loads(out)} == {"adam", "gradient-descent"}
    _, out, _ = run(capsys, "neighbors", "momentum", "--depth", "2", "--json")
    assert {"autodiff", "float16", "floating-point"} <= {r["id"] for r in json.loads(out)}


def test_stats_json(capsys, tiny_env):
    _, out, _ = run(capsys, "stats", "--json")
    data = json.loads(out)
    assert data["concepts"] == 8 and data["decisions"] == 2 and data["edges"] == 8
    assert data["layers"]["optimization"] == 3


def test_console_script_reports_errors_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "explorer.cli", "validate", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "layers.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr
