"""The whole page in a real Chromium on the curated graph: click, search, mark, reload, back."""

from __future__ import annotations

import re

import pytest

from explorer.settings import PROJECT_ROOT
from tests.e2e.browser import READY, WireLog, click_node, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"
CARD = "h3"


@pytest.fixture
def app_url(streamlit_server, tmp_path) -> str:
    """The app on the curated graph, with its own database and progress files."""
    return streamlit_server(APP, env={
        "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
        "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
        "EXPLORER_EMBEDDINGS": str(PROJECT_ROOT / "embeddings"),
        "EXPLORER_NO_MODEL": "1",  # keyword search is enough here; the model is tested apart
    })


def card_title(page) -> str:
    return page.locator(CARD).first.inner_text().strip()


def wait_card(page, name: str, concept_id: str | None = None) -> None:
    """Wait for the card to show `name` (and, given its id, the graph to focus it)."""
    page.locator(CARD, has_text=re.compile(f"^{re.escape(name)}$")).first.wait_for(
        timeout=20_000)
    if concept_id:
        wait_focus(page, concept_id)


@pytest.mark.e2e
def test_clicking_a_node_focuses_it(browser_page, app_url, artifacts):
    page = browser_page
    wire = WireLog(page)
    page.goto(f"{app_url}/?concept=adam")
    page.wait_for_selector(READY, timeout=60_000)
    wait_card(page, "Adam optimizer", "adam")
    click_node(page, "momentum")
    wait_card(page, "Momentum", "momentum")
    page.wait_for_function("() => location.search.includes('concept=momentum')")
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "app-click-node.png", full_page=True)
    assert page.evaluate("() => window.__explorerGraph.getSelectedNodes()") == ["momentum"]
    vis = [u for u in wire.requests if u.endswith("/vis-network.min.js")]
    assert len(vis) == 1
    assert not page.errors


@pytest.mark.e2e
def test_search_walk_mark_reload_and_back(browser_page, app_url, artifacts):
    page = browser_page
    page.goto(f"{app_url}/?concept=transistor")
    page.wait_for_selector(READY, timeout=60_000)
    wait_card(page, "Transistor", "transistor")

    box = page.get_by_role("combobox", name="Search concepts")
    box.fill("gradient descent")
    page.get_by_role("option", name=re.compile("^Gradient descent")).first.click()
    wait_card(page, "Gradient descent", "gradient-descent")

    # Click through three concepts: two graph nodes and a prerequisite on the card.
    click_node(page, "momentum")
    wait_card(page, "Momentum", "momentum")
    click_node(page, "adam")
    wait_card(page, "Adam optimizer", "adam")
    page.locator("[data-testid='stButtonGroup'] button",
                 has_text=re.compile("^RMSProp$")).first.click()
    wait_card(page, "RMSProp", "rmsprop")

    page.get_by_role("button", name="I know this").click()
    page.get_by_role("button", name=re.compile("Known")).wait_for()
    page.reload()
    wait_card(page, "RMSProp", "rmsprop")
    page.get_by_role("button", name=re.compile("Known")).wait_for(timeout=20_000)
    page.screenshot(path=artifacts / "app-known-after-reload.png", full_page=True)

    page.go_back()
    wait_card(page, "Adam optimizer", "adam")
    assert "concept=adam" in page.url
    assert not page.errors


@pytest.mark.e2e
def test_hostile_labels_do_not_run(browser_page, streamlit_server, tmp_path, artifacts):
    data = tmp_path / "graph"
    (data / "concepts").mkdir(parents=True)
    (data / "layers.yaml").write_text("- {id: math, name: Math}\n")
    (data / "goals.yaml").write_text("- {id: build, name: Build}\n")
    evil = "<img src=x onerror=window.__pwned=1>"
    (data / "concepts" / "math.yaml").write_text(
        f"- id: evil\n  name: '{evil}'\n  layer: math\n"
        f"  summary: '<script>window.__pwned=2</script> [click](javascript:window.__pwned=3)'\n"
        f"  hook: '![x](http://127.0.0.1:9/beacon.png)'\n"
        "  references: [{title: '<b>bold</b>'}]\n"
        "- id: adam\n  name: Adam\n  layer: math\n  summary: An optimiser.\n"
        "  requires: [{id: evil, why: '<svg onload=window.__pwned=5>'}]\n")
    url = streamlit_server(APP, env={"EXPLORER_DATA": str(data),
                                     "EXPLORER_DB": str(tmp_path / "g.duckdb"),
                                     "EXPLORER_PROGRESS": str(tmp_path / "p.duckdb"),
                                     "EXPLORER_NO_MODEL": "1"})
    page = browser_page
    page.goto(f"{url}/?concept=evil")
    page.wait_for_selector(READY, timeout=60_000)
    wait_card(page, evil)
    click_node(page, "adam")
    wait_card(page, "Adam")
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "app-hostile.png", full_page=True)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0


@pytest.mark.e2e
def test_every_view_switch_works_the_first_time(browser_page, app_url, artifacts):
    """Each click on the View switcher lands on that view, in any order (it once ignored every
    other click, because the radio's default changed between runs)."""
    page = browser_page
    page.goto(f"{app_url}/?concept=adam")
    page.wait_for_selector(READY, timeout=60_000)
    for view in ("path", "plan", "decisions", "progress", "explore", "decisions", "path"):
        page.locator("[data-testid='stSidebar']").get_by_text(
            view.capitalize(), exact=True).click()
        page.wait_for_function(f"() => location.search.includes('view={view}')",
                               timeout=20_000)
    page.screenshot(path=artifacts / "app-view-switch.png")
    assert not page.errors
