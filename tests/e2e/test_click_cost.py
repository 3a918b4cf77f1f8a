"""What a click on a graph node costs the wire, in a real Chromium on the curated graph.

A click reruns only the explore fragment (no delta outside the main area, each one tagged with
a fragment id: the sidebar and the search box are neither rerun nor resent), fetches nothing
over HTTP (the vis-network library, the component's assets and the favicon stay loaded), never
resends the library over the websocket, and the graph component's own message stays small
because only changed nodes and edges travel. Bytes are counted, times are not.
"""

from __future__ import annotations

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.bench.click_bytes import describe
from explorer.settings import PROJECT_ROOT
from explorer.web.component import COMPONENT_NAME
from tests.e2e.browser import NODE_POINT_JS, READY, click_node, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"
# Websocket bytes received per click (docs/PERFORMANCE.md). A guard against regressions, not the
# issue's 10 KB target, which is not met: since the card's 'why' texts became tap-to-open
# popovers (their text travels with every card, about 3 KB) a click on the curated graph sends
# 15-16.5 KB (python -m explorer.bench.click_bytes).
CLICK_BUDGET_BYTES = 17_000
GRAPH_BUDGET_BYTES = 5_000  # the graph component's message within it
MAIN = 0  # delta_path[0]: the main area; 1 is the sidebar


@pytest.fixture
def app_url(streamlit_server, tmp_path) -> str:
    return streamlit_server(APP, env={
        "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
        "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
        "EXPLORER_EMBEDDINGS": str(PROJECT_ROOT / "embeddings"),
        "EXPLORER_NO_MODEL": "1",
    })


@pytest.mark.e2e
def component_of(frame: bytes) -> str | None:
    """The name of the component a websocket frame draws, if it draws one."""
    msg = ForwardMsg.FromString(frame)
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    return element.bidi_component.component_name if element.HasField("bidi_component") else None


def test_a_click_reruns_the_fragment_only_and_sends_no_library(browser_page, app_url):
    page = browser_page
    frames: list[bytes] = []
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())))
    page.goto(f"{app_url}/?concept=adam")
    page.wait_for_selector(READY, timeout=60_000)
    wait_focus(page, "adam")
    page.wait_for_timeout(1_000)
    assert any(u.endswith("/vis-network.min.js") for u in requests)

    focus = "adam"
    for _ in range(3):
        drawn = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
        target = next(n for n in sorted(drawn) if n not in (focus, "+more")
                      and (page.evaluate(NODE_POINT_JS, n) or {}).get("hit"))
        frames.clear()
        asked = len(requests)
        click_node(page, target)
        wait_focus(page, target)
        page.wait_for_timeout(800)  # the run's last messages
        assert requests[asked:] == [], requests[asked:]  # nothing over HTTP
        assert not any(b"vis-network" in f or b"vis.js" in f for f in frames)
        deltas = [ForwardMsg.FromString(f) for f in frames]
        deltas = [m for m in deltas if m.WhichOneof("type") == "delta"]
        assert deltas, "the click sent nothing"
        # Only the fragment reran: every delta lands in the main area and belongs to it.
        assert {m.metadata.delta_path[0] for m in deltas} == {MAIN}
        assert all(m.delta.fragment_id for m in deltas)
        kinds = [describe(f)[0] for f in frames]
        components = [component_of(f) for f in frames]
        # The graph is sent once (the card's scroll anchor is a small component of its own).
        assert "new_session" in kinds and components.count(COMPONENT_NAME) == 1, components
        graph = sum(len(f) for f, c in zip(frames, components, strict=True)
                    if c == COMPONENT_NAME)
        assert graph <= GRAPH_BUDGET_BYTES, graph
        total = sum(len(f) for f in frames)
        assert total <= CLICK_BUDGET_BYTES, total
        focus = target
    assert not page.errors
