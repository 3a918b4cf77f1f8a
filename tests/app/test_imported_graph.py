"""The page on imported graphs (AppTest): choose one, explore it without decisions, check an
upload's report before anything is written, and download the view."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer import usecases
from explorer.usecases import ImportFailed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gephi() -> str:
    usecases.import_graph([ROOT / "examples" / "gephi.graphml"], "graphml")
    return "gephi"


def texts(at) -> list[str]:
    return [line for m in at.markdown for line in m.value.split("\n")] + [
        c.value for c in at.caption]


def test_an_imported_graph_without_decisions_is_explored(app, gephi):
    app.query_params["graph"] = gephi
    app.query_params["concept"] = "loss-scaling"
    app.run()
    assert not app.exception
    assert "### Loss scaling" in texts(app)
    assert "Decision relevance: no decisions defined in this graph." in texts(app)
    assert not any("%** likely" in t for t in texts(app))
    assert "Your goal" not in [s.label for s in app.selectbox]
    assert "Era" not in [s.label for s in app.slider]
    assert "Decisions" not in app.radio[0].options
    assert app.selectbox(key="graph-choice").value == "gephi"


def test_choosing_the_curated_graph_back(app, gephi):
    app.query_params["graph"] = gephi
    app.run()
    app.selectbox(key="graph-choice").select("").run()
    assert not app.exception
    assert "### Adam optimizer" in texts(app)  # the tiny graph's landing concept
    assert "Your goal" in [s.label for s in app.selectbox]


def test_a_graph_with_decisions_keeps_its_scores(app):
    app.query_params["concept"] = "adam"
    app.run()
    assert any("likely to change a decision" in (p.proto.text or "")
               for p in app.get("progress"))
    assert "Decisions" in app.radio[0].options


def test_upload_is_checked_then_imported(tmp_path):
    data = (ROOT / "examples" / "spreadsheet-edges.csv").read_bytes()
    checked = usecases.import_upload("My sheet.csv", data)
    graphs = Path(os.environ["EXPLORER_GRAPHS"])
    assert not checked.written and not (graphs / "my-sheet").exists()
    assert "8 concepts" in checked.summary()
    written = usecases.import_upload("My sheet.csv", data, write=True)
    assert written.out == graphs / "my-sheet" and "my-sheet" in usecases.graph_folders()
    explorer = usecases.open_graph("my-sheet")
    assert explorer.concept("gradient-descent").layer == "optimization"


def test_uploads_are_limited_and_located(monkeypatch):
    with pytest.raises(ImportFailed, match="unknown kind of file"):
        usecases.import_upload("notes.exe", b"MZ")
    monkeypatch.setattr(usecases, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ImportFailed, match="uploads are limited to 10"):
        usecases.import_upload("g.csv", b"source,target\na,b\n")
    monkeypatch.undo()
    with pytest.raises(ImportFailed, match=r"bad\.csv:2 column 'kind': unknown relation"):
        usecases.import_upload("bad.csv", b"source,target,kind\na,b,inspires\n")


def test_download_this_view_is_one_html_file(app):
    app.query_params["concept"] = "adam"
    app.run()
    assert not app.exception
    button = next(e for e in app.get("download_button"))
    assert button.proto.label == "Download this view"
    html = usecases.export_graph(usecases.open_explorer(), "html", focus="adam")["graph.html"]
    assert html.startswith("<!doctype html>") and "Adam optimizer" in html


def test_the_downloaded_view_holds_what_the_view_draws():
    import json

    app = usecases.open_explorer()
    page = usecases.export_graph(app, "html", focus="adam", depth=3, max_nodes=3)["graph.html"]
    data = json.loads(page.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["nodes"]) == 3 and data["focus"] == "adam"
    assert all(n["score"].endswith("likely to change a decision you face") for n in data["nodes"])
