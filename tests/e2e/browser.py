"""Browser helpers for the e2e tests; they live in explorer.bench.browser, shared with the bench."""

from __future__ import annotations

from explorer.bench.browser import NODE_POINT_JS, READY, WireLog, click_node

__all__ = ["NODE_POINT_JS", "READY", "WireLog", "click_node", "wait_focus"]


def wait_focus(page, node_id: str, timeout: float = 20_000) -> None:
    """Wait until the graph has been redrawn around `node_id` and has stopped moving."""
    page.wait_for_selector(
        f".explorer-graph[data-focus='{node_id}'][data-ready='1'][data-settled='1']",
        timeout=timeout)
