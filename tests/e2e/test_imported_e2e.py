"""An imported example explored in a real Chromium: built with `explorer build`, served with
EXPLORER_DATA and EXPLORER_DB pointing at it, a node clicked, the view downloaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.settings import PROJECT_ROOT
from tests.e2e.browser import READY, click_node, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"


@pytest.fixture
def imported_app(streamlit_server, tmp_path) -> str:
    env = {"EXPLORER_DATA": str(tmp_path / "vault-graph"),
           "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
           "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
           "EXPLORER_EMBEDDINGS": str(tmp_path / "embeddings"),
           "EXPLORER_GRAPHS": str(tmp_path / "graphs"), "EXPLORER_NO_MODEL": "1"}
    explorer = [sys.executable, "-m", "explorer.cli"]
    for argv in (["import", str(PROJECT_ROOT / "examples" / "obsidian-vault"), "--format",
                  "obsidian", "--out", env["EXPLORER_DATA"]], ["build", "--no-model"]):
        done = subprocess.run([*explorer, *argv], env={**os.environ, **env}, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert Path(env["EXPLORER_DB"]).exists()
    return streamlit_server(APP, env=env)


@pytest.mark.e2e
def test_an_imported_vault_is_explored_by_clicking(browser_page, imported_app, artifacts,
                                                   tmp_path):
    page = browser_page
    page.goto(f"{imported_app}/?concept=backpropagation")
    page.wait_for_selector(READY, timeout=60_000)
    page.locator("h3", has_text="Backpropagation").first.wait_for(timeout=20_000)
    page.get_by_text("no decisions defined in this graph").first.wait_for()
    click_node(page, "chain-rule")
    page.locator("h3", has_text="Chain rule").first.wait_for(timeout=20_000)
    wait_focus(page, "chain-rule")
    page.wait_for_function("() => location.search.includes('concept=chain-rule')")
    assert page.get_by_text("Your goal").count() == 0
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download this view").click()
    saved = tmp_path / "view.html"
    download.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert "Chain rule" in html and "vis.Network" in html
    page.screenshot(path=artifacts / "imported-vault.png", full_page=True)
    assert not page.errors


@pytest.mark.e2e
def test_upload_shows_the_report_then_explores_the_graph(browser_page, streamlit_server,
                                                         tmp_path, artifacts):
    url = streamlit_server(APP, env={
        "EXPLORER_DATA": str(PROJECT_ROOT / "tests" / "fixtures" / "tiny"),
        "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
        "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
        "EXPLORER_EMBEDDINGS": str(tmp_path / "embeddings"),
        "EXPLORER_GRAPHS": str(tmp_path / "graphs"), "EXPLORER_NO_MODEL": "1"})
    page = browser_page
    page.goto(f"{url}/?concept=adam")
    page.wait_for_selector(READY, timeout=60_000)
    page.get_by_text("Graph", exact=True).click()
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,kind\na,b,inspires\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("bad.csv:2 column 'kind': unknown relation 'inspires'").first.wait_for(
        timeout=20_000)
    assert not (tmp_path / "graphs" / "bad").exists()
    page.locator("input[type=file]").set_input_files(
        str(PROJECT_ROOT / "examples" / "gephi.graphml"))
    page.get_by_text("Valid: 4 concepts, 4 edges").first.wait_for(timeout=20_000)
    page.screenshot(path=artifacts / "upload-report.png", full_page=True)
    page.get_by_role("button", name="Import and explore").click()
    page.get_by_text("no decisions defined in this graph").first.wait_for(timeout=60_000)
    page.wait_for_selector(READY, timeout=60_000)
    assert (tmp_path / "graphs" / "gephi" / "layers.yaml").exists()
    assert not page.errors
