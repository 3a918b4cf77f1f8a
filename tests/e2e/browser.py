"""Helpers for driving the graph in a real browser: where a node is, and what a click costs."""

from __future__ import annotations

READY = ".explorer-graph[data-ready='1'][data-settled='1']"

# Where a node is on the page: vis canvas coordinates -> canvas DOM offset -> page coordinates.
NODE_POINT_JS = """(id) => {
  const net = window.__explorerGraph;
  const pos = net.getPositions([id])[id];
  if (!pos) return null;
  const dom = net.canvasToDOM(pos);
  const box = net.body.container.querySelector("canvas").getBoundingClientRect();
  return { x: box.left + dom.x, y: box.top + dom.y };
}"""


def click_node(page, node_id: str) -> None:
    page.wait_for_selector(READY)
    point = page.evaluate(NODE_POINT_JS, node_id)
    assert point is not None, f"node {node_id!r} is not drawn"
    page.mouse.click(point["x"], point["y"])


class WireLog:
    """Websocket payload bytes and HTTP requests seen by a page."""

    def __init__(self, page) -> None:
        self.ws_in = 0
        self.ws_out = 0
        self.requests: list[str] = []
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._count("in", payload))
        ws.on("framesent", lambda payload: self._count("out", payload))

    def _count(self, direction: str, payload: str | bytes) -> None:
        size = len(payload.encode() if isinstance(payload, str) else payload)
        if direction == "in":
            self.ws_in += size
        else:
            self.ws_out += size

    def mark(self) -> tuple[int, int, int]:
        return self.ws_in, self.ws_out, len(self.requests)


def wait_focus(page, node_id: str, timeout: float = 20_000) -> None:
    """Wait until the graph has been redrawn around `node_id` and has stopped moving."""
    page.wait_for_selector(
        f".explorer-graph[data-focus='{node_id}'][data-ready='1'][data-settled='1']",
        timeout=timeout)
