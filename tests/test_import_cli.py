"""`explorer import` and `explorer export`: each example imports, validates, builds into a real
DuckDB file and answers commands; a failed import prints every located problem and exits 1."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from explorer.cli import main
from tests.conftest import TINY

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [("spreadsheet-edges.csv", "csv", "gradient-descent"),
            ("gephi.graphml", "graphml", "loss-scaling"),
            ("gephi.gexf", "gexf", "adam"),
            ("obsidian-vault", "obsidian", "backpropagation")]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("source", "fmt", "concept"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_each_example_imports_validates_builds_and_answers(capsys, tmp_path, monkeypatch,
                                                          source, fmt, concept):
    out = tmp_path / "graph"
    code, text, err = run(capsys, "import", str(ROOT / "examples" / source), "--format", fmt,
                          "--out", str(out))
    assert code == 0, err
    assert text.startswith("imported: ") and f"→ {out}" in text
    code, text, _ = run(capsys, "validate", str(out))
    assert code == 0 and text.startswith("ok: ")
    monkeypatch.setenv("EXPLORER_DATA", str(out))
    code, text, err = run(capsys, "build", "--no-model")
    assert code == 0 and text.startswith("built: "), err
    assert Path(text.split(": ", 1)[1].split(" (")[0]).stat().st_size > 0  # the DuckDB file
    code, text, _ = run(capsys, "show", concept, "--json")
    assert code == 0 and json.loads(text)["id"] == concept
    code, text, _ = run(capsys, "plan", concept)
    assert code == 0 and concept in text


def test_import_defaults_to_the_graphs_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_GRAPHS", str(tmp_path / "graphs"))
    code, text, _ = run(capsys, "import", str(ROOT / "examples" / "gephi.graphml"),
                        "--format", "graphml")
    assert code == 0 and (tmp_path / "graphs" / "gephi" / "layers.yaml").exists()


def test_a_failed_import_lists_every_problem_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "e.csv"
    bad.write_text("source,target,kind\na,b,inspires\n,c,requires\n")
    code, out, err = run(capsys, "import", str(bad), "--format", "csv", "--out",
                         str(tmp_path / "g"))
    assert code == 1 and out == ""
    assert "e.csv:2 column 'kind': unknown relation 'inspires'" in err
    assert "e.csv:3 column 'source': empty" in err
    assert not (tmp_path / "g").exists()


@pytest.fixture
def tiny_env(monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")


def test_export_each_format(capsys, tmp_path, tiny_env):
    for fmt in ("graphml", "gexf", "json", "html"):
        code, _, err = run(capsys, "export", "--format", fmt, "--out", str(tmp_path / f"g.{fmt}"))
        assert code == 0, err
    assert set(nx.read_graphml(tmp_path / "g.graphml").nodes) == set(
        json.loads((tmp_path / "g.json").read_text())["concepts"][i]["id"] for i in range(8))
    code, _, _ = run(capsys, "export", "--format", "csv", "--out", str(tmp_path / "csv"))
    assert code == 0 and {p.name for p in (tmp_path / "csv").iterdir()} == {"nodes.csv",
                                                                           "edges.csv"}
    code, _, _ = run(capsys, "export", "--format", "md", "--out", str(tmp_path / "vault"))
    assert code == 0 and len(list((tmp_path / "vault").glob("*.md"))) == 8
    code, _, err = run(capsys, "export", "--format", "csv")
    assert code == 2 and "give --out DIR" in err  # a usage error


def test_export_a_neighbourhood_and_a_plan(capsys, tiny_env):
    code, text, _ = run(capsys, "export", "--format", "json", "--focus", "adam", "--depth", "1")
    ids = {c["id"] for c in json.loads(text)["concepts"]}
    assert code == 0 and "adam" in ids and "transistor" not in ids
    code, text, _ = run(capsys, "export", "--format", "md", "--plan", "adam")
    assert code == 0 and text.startswith("#") and "adam" in text.casefold()
    code, _, err = run(capsys, "export", "--format", "html", "--focus", "adma")
    assert code == 1 and "did you mean adam" in err


def test_importing_again_replaces_the_graph_folder(capsys, tmp_path):
    out = tmp_path / "g"
    for source, fmt in (("spreadsheet-edges.csv", "csv"), ("gephi.graphml", "graphml")):
        code, _, err = run(capsys, "import", str(ROOT / "examples" / source), "--format", fmt,
                           "--out", str(out))
        assert code == 0, err
    code, text, _ = run(capsys, "validate", str(out))
    assert text.startswith("ok: 4 concepts")  # the GraphML's, none of the CSV's left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g"]  # no staging or old folder


def test_skip_bad_prints_what_was_left_out(capsys, tmp_path):
    bad = tmp_path / "e.csv"
    bad.write_text("source,target,kind\na,b,requires\nb,c,inspires\n")
    code, out, _ = run(capsys, "import", str(bad), "--format", "csv", "--out",
                       str(tmp_path / "g"), "--skip-bad")
    assert code == 0 and "1 entries with problems left out" in out
    assert "e.csv:3 column 'kind'" in (tmp_path / "g" / "import-report.txt").read_text()
