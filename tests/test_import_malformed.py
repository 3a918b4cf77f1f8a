"""Each defect in its own fixture gets an error naming the file and the line (and the column
where there is one), and the destination folder, already holding a graph, stays byte for byte
as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from explorer.interchange.importer import import_graph
from explorer.interchange.problems import ImportFailed

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TINY = Path(__file__).parent / "fixtures" / "tiny"

# (sources, format, what the message must contain: file:line, then words of the message)
CASES = [
    (["bad-kind.csv"], "csv", "bad-kind.csv:3 column 'kind'", "unknown relation 'inspires'"),
    (["no-known-columns.csv"], "csv", "no-known-columns.csv:1", "cannot tell nodes from edges"),
    (["bad-number.csv"], "csv", "bad-number.csv:3 column 'effort_hours'", "expected a number"),
    (["name-too-long.csv"], "csv", "name-too-long.csv:3 column 'name'", "the limit is 120"),
    (["dangling-edge/nodes.csv", "dangling-edge/edges.csv"], "csv",
     "edges.csv:3 column 'target'", "'zzz' is not a node"),
    (["requires-cycle.csv"], "csv", "requires-cycle.csv:2", "cycle in requires"),
    (["unclosed-tag.graphml"], "graphml", "unclosed-tag.graphml:6", "XML syntax error"),
    (["entity-bomb.graphml"], "graphml", "entity-bomb.graphml:", "refused"),
    (["external-entity.gexf"], "gexf", "external-entity.gexf:", "refused"),
    (["duplicate-node.gexf"], "gexf", "duplicate-node.gexf:7", "duplicate node 'adam'"),
    (["trailing-comma.json"], "json", "trailing-comma.json:3", "JSON syntax error"),
    (["unknown-layer.json"], "json", "unknown-layer.json:6", "unknown layer 'physics'"),
    (["bad-front-matter-vault"], "obsidian", "Broken.md:", "front matter YAML error"),
]


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize(("sources", "fmt", "where", "words"), CASES,
                         ids=[c[0][0] for c in CASES])
def test_a_defect_is_located_and_nothing_is_written(tmp_path, sources, fmt, where, words):
    out = Path(shutil.copytree(TINY, tmp_path / "existing"))
    before = tree_hash(tmp_path)
    with pytest.raises(ImportFailed) as failed:
        import_graph([FIXTURES / s for s in sources], fmt, out)
    message = str(failed.value)
    assert where in message and words in message, message
    assert tree_hash(tmp_path) == before  # the graph there, and no staging folder left


def test_every_fixture_is_covered():
    used = {s.split("/")[0] for c in CASES for s in c[0]}
    assert used == {p.name for p in FIXTURES.iterdir()}


def test_skip_bad_keeps_the_valid_part_and_writes_a_report(tmp_path):
    out = tmp_path / "kept"
    report = import_graph([FIXTURES / "bad-kind.csv"], "csv", out, skip_bad=True)
    assert report.written and report.skipped == 1
    assert set(report.graph.concepts) == {"adam", "momentum"}
    text = (out / "import-report.txt").read_text()
    assert "bad-kind.csv:3 column 'kind': unknown relation 'inspires'" in text


def test_skip_bad_drops_a_concept_the_loader_rejects(tmp_path):
    report = import_graph([FIXTURES / "unknown-layer.json"], "json", tmp_path / "g",
                          skip_bad=True)
    assert set(report.graph.concepts) == {"limit"}
    assert report.skipped == 1


def test_a_folder_that_is_not_a_graph_is_never_replaced(tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    with pytest.raises(ImportFailed, match="not a graph folder"):
        import_graph([Path("examples/gephi.graphml")], "graphml", out)
    assert (out / "mine.txt").read_text() == "keep me"
