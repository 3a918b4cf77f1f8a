"""The graph component: clicks reach Python, text stays text, layout stays put, only changes travel.

The browser tests run in a real Chromium. They also measure what a click costs: websocket payload
bytes and HTTP requests (the vis-network bundle must be fetched once per page, never again on a
click). The numbers are printed and written to test-artifacts/component-metrics.json. The first
tests need no browser: they run the demo app with Streamlit's AppTest.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.web.component import graph
from tests.e2e.browser import NODE_POINT_JS, READY, WireLog, click_node

APP = Path(__file__).with_name("component_demo_app.py")
CLICK_BUDGET_BYTES = 15_000  # docs/ARCHITECTURE.md, budgets: data sent per click, curated graph


def open_demo(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("canvas", timeout=30_000)
    page.wait_for_selector(READY, timeout=30_000)


def positions(page) -> dict[str, dict[str, float]]:
    return page.evaluate("() => window.__explorerGraph.getPositions()")


def sent_message(at: AppTest) -> dict:
    """The data the demo's graph got in the last run (kept by explorer.web.component per key)."""
    return at.session_state["_explorer_graph_sent::demo"].message


def test_first_run_sends_everything_then_only_changes() -> None:
    at = AppTest.from_file(str(APP)).run()
    assert not at.exception
    first = sent_message(at)
    assert first["base"] is None and first["v"] == 1
    assert len(first["nodes"]["put"]) == 6 and len(first["edges"]["put"]) == 5
    assert all("id" in e for e in first["edges"]["put"])  # edges get ids for diffing

    at.run()  # nothing changed: the very same message again, so Streamlit sends nothing new
    assert sent_message(at) is first or sent_message(at) == first

    at.toggle(key="grow").set_value(True).run()
    patch = sent_message(at)
    assert patch["base"] == 1 and patch["v"] == 2
    assert [n["id"] for n in patch["nodes"]["put"]] == ["adam"]
    assert [e["id"] for e in patch["edges"]["put"]] == ["momentum\u2192adam"]
    assert patch["nodes"]["del"] == [] and "options" not in patch

    at.toggle(key="grow").set_value(False).run()
    shrink = sent_message(at)
    assert shrink["base"] == 2 and shrink["nodes"] == {"put": [], "del": ["adam"]}
    assert shrink["edges"] == {"put": [], "del": ["momentum\u2192adam"]}


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        ([{"label": "no id"}], [], "node #0 needs an 'id'"),
        ([{"id": "a"}, {"id": "a"}], [], "node #1 repeats the id 'a'"),
        (
            [{"id": "a"}],
            [{"from": "a", "to": "b"}],
            "edge #0 ('a', 'b') points at unknown node 'b'",
        ),
        ([{"id": True}], [], "node #0 needs an 'id'"),
    ],
)
def test_bad_input_gets_a_clear_error(nodes, edges, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        graph(nodes, edges)


@pytest.mark.e2e
def test_click_reaches_python_and_text_stays_text(
    browser_page, streamlit_server, artifacts
) -> None:
    page = browser_page
    wire = WireLog(page)
    open_demo(page, streamlit_server(APP))
    page.get_by_text("Selected: None").wait_for()

    clicks = []
    for node_id in ("sgd", "float"):
        before = wire.mark()
        started = time.perf_counter()
        click_node(page, node_id)
        page.get_by_text(f"Selected: {node_id}").wait_for(timeout=10_000)
        page.get_by_text(f"Clicked this run: {node_id}").wait_for()
        elapsed_ms = (time.perf_counter() - started) * 1000
        page.wait_for_timeout(300)  # let the run's last messages arrive
        after = wire.mark()
        clicks.append(
            {
                "node": node_id,
                "ws_in_bytes": after[0] - before[0],
                "ws_out_bytes": after[1] - before[1],
                "http_requests": wire.requests[before[2] : after[2]],
                "click_to_text_ms": round(elapsed_ms),
            }
        )
        # The focused node is the one vis has selected.
        assert page.evaluate("() => window.__explorerGraph.getSelectedNodes()") == [node_id]

    vis_fetches = [u for u in wire.requests if u.endswith("/vis-network.min.js")]
    assert len(vis_fetches) == 1, vis_fetches
    for click in clicks:
        assert click["http_requests"] == [], click
        assert click["ws_in_bytes"] + click["ws_out_bytes"] <= CLICK_BUDGET_BYTES, click

    # Hostile label and title: drawn as text, nothing runs, no element is created from them.
    hover = page.evaluate(NODE_POINT_JS, "hostile")
    page.mouse.move(hover["x"], hover["y"])
    tooltip = page.locator(".vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "<script>window.__pwned=2</script>" in tooltip.inner_text()
    assert page.locator(".vis-tooltip img, .vis-tooltip script").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert page.errors == []  # type: ignore[attr-defined]

    page.screenshot(path=str(artifacts / "component-demo.png"))
    metrics = {
        "clicks": clicks,
        "vis_network_fetches": len(vis_fetches),
        "component_assets": sorted({u for u in wire.requests if "/bidi-components/" in u}),
    }
    (artifacts / "component-metrics.json").write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2))


@pytest.mark.e2e
def test_layout_stays_put_when_data_changes(browser_page, streamlit_server, artifacts) -> None:
    page = browser_page
    open_demo(page, streamlit_server(APP))
    click_node(page, "gradient")
    page.get_by_text("Selected: gradient").wait_for(timeout=10_000)
    page.wait_for_selector(READY)
    page.evaluate("() => { window.__firstNetwork = window.__explorerGraph; }")
    before = positions(page)
    assert len(before) == 6

    page.get_by_text("Grow").click()  # adds "adam" next to "momentum"
    page.wait_for_selector(".explorer-graph[data-nodes='7']", timeout=10_000)
    page.wait_for_selector(READY, timeout=10_000)
    page.get_by_text("Clicked this run: None").wait_for()  # a click is a one-run trigger
    after = positions(page)

    assert page.evaluate("() => window.__firstNetwork === window.__explorerGraph")
    for node_id, pos in before.items():
        assert after[node_id] == pytest.approx(pos, abs=0.5), node_id
    assert "adam" in after
    near = after["momentum"]
    distance = (
        (after["adam"]["x"] - near["x"]) ** 2 + (after["adam"]["y"] - near["y"]) ** 2
    ) ** 0.5
    assert distance < 400, "the new node is placed next to its neighbour"
    assert page.evaluate("() => window.__explorerGraph.getSelectedNodes()") == ["gradient"]
    page.screenshot(path=str(artifacts / "component-demo-grown.png"))
    assert page.errors == []  # type: ignore[attr-defined]


@pytest.mark.e2e
def test_remounted_graph_asks_for_the_whole_graph(browser_page, streamlit_server) -> None:
    page = browser_page
    open_demo(page, streamlit_server(APP))
    click_node(page, "sgd")  # focus moves: Python now sends patches on top of version 1
    page.wait_for_selector(".explorer-graph[data-version='2']", timeout=10_000)

    page.get_by_text("Hide graph").click()
    page.wait_for_selector(".explorer-graph", state="detached", timeout=10_000)
    page.get_by_text("Hide graph").click()
    # The fresh browser-side graph gets patch 2, holds nothing, asks to resync, gets version 3.
    page.wait_for_selector(".explorer-graph[data-version='3']", timeout=15_000)
    page.wait_for_selector(READY, timeout=15_000)
    assert page.locator(".explorer-graph[data-nodes='6']").count() == 1
    assert page.evaluate("() => window.__explorerGraph.getSelectedNodes()") == ["sgd"]
    page.get_by_text("Selected: sgd").wait_for()
    assert page.errors == []  # type: ignore[attr-defined]
