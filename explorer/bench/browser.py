"""What a user waits for, measured in a real Chromium: first paint, click → card, bytes per click.

Used by `explorer bench --browser` and by the end-to-end tests (node positions, wire counts).
Timestamps are taken inside the page (`performance.now()`), from the `pointerdown` of the click
to the first animation frame in which the card shows the new concept, so Playwright's round
trips are not counted.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path(os.environ.get("EXPLORER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = ".explorer-graph[data-ready='1'][data-settled='1']"

# Where a node is on the page: vis canvas coordinates → canvas DOM offset → page coordinates,
# and whether a click there would hit that node (no other node on top, inside the canvas).
NODE_POINT_JS = """(id) => {
  const net = window.__explorerGraph;
  const pos = net.getPositions([id])[id];
  if (!pos) return null;
  const dom = net.canvasToDOM(pos);
  const box = net.body.container.querySelector("canvas").getBoundingClientRect();
  const hit = net.getNodeAt(dom);
  const x = box.left + dom.x, y = box.top + dom.y;
  // Inside the canvas and inside the window: a point scrolled out of sight cannot be clicked.
  const inView = dom.x > 10 && dom.y > 10 && dom.x < box.width - 10 && dom.y < box.height - 10
    && x > 0 && y > 0 && x < window.innerWidth && y < window.innerHeight;
  return { x, y, hit: hit === id && inView };
}"""
WAIT_CARD_JS = """([name]) => new Promise((resolve) => {
  const check = () => {
    if (((document.querySelector('h3') || {}).textContent || '').trim() === name) {
      resolve(performance.now());
    } else { requestAnimationFrame(check); }
  };
  check();
})"""
# Both moments in one frame loop: the card showing `name` and the graph focused on `id`.
WAIT_CLICK_JS = """([name, id]) => new Promise((resolve) => {
  const seen = {};
  const check = () => {
    const now = performance.now();
    const card = ((document.querySelector('h3') || {}).textContent || '').trim();
    // The component lives in a shadow root: reach its container through the network.
    const net = window.__explorerGraph;
    const el = net && net.body.container.closest(".explorer-graph");
    if (seen.card === undefined && card === name) seen.card = now;
    if (seen.graph === undefined && el && el.dataset.focus === id && el.dataset.ready === "1")
      seen.graph = now;
    if (seen.card !== undefined && seen.graph !== undefined) resolve(seen);
    else requestAnimationFrame(check);
  };
  check();
})"""
PRESS_CLOCK_JS = """() => { window.__pressedAt = null;
  addEventListener('pointerdown', () => { window.__pressedAt = performance.now(); },
                   { once: true, capture: true }); }"""


def click_node(page, node_id: str) -> None:
    """Click `node_id` where it is drawn on the canvas (after the graph has settled)."""
    page.wait_for_selector(READY)
    # The view animates to a new focus: click only once the node stands still (two readings
    # 150 ms apart agree), or a slow machine clicks where the node was.
    point = page.evaluate(NODE_POINT_JS, node_id)
    for _ in range(40):
        page.wait_for_timeout(150)
        again = page.evaluate(NODE_POINT_JS, node_id)
        if point and again and abs(again["x"] - point["x"]) + abs(again["y"] - point["y"]) < 1:
            break
        point = again
    assert point is not None, f"node {node_id!r} is not drawn"
    page.mouse.click(point["x"], point["y"])


class WireLog:
    """Websocket payload bytes and HTTP requests seen by a page."""

    def __init__(self, page) -> None:
        self.ws_in = 0
        self.ws_out = 0
        self.ws_deflated = 0  # what the frames weigh with permessage-deflate, per frame
        self.last_frame = time.monotonic()
        self.requests: list[str] = []
        self.http_bytes = 0  # bytes that really crossed the network (cache hits count 0)
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("websocket", self._watch)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._http)

    def _http(self, event: dict) -> None:
        self.http_bytes += int(event.get("encodedDataLength") or 0)

    def _watch(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._count("in", payload))
        ws.on("framesent", lambda payload: self._count("out", payload))

    def _count(self, direction: str, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        size = len(data)
        # Playwright reports payloads decompressed; zlib per frame (no shared window) is an
        # upper bound on what permessage-deflate puts on the wire.
        self.ws_deflated += len(zlib.compress(data, 6)) - 6
        self.last_frame = time.monotonic()
        if direction == "in":
            self.ws_in += size
        else:
            self.ws_out += size

    def mark(self) -> tuple[int, int, int, int, int]:
        return self.ws_in, self.ws_out, len(self.requests), self.ws_deflated, self.http_bytes

    def wait_quiet(self, page, quiet_s: float = 0.5, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() - self.last_frame < quiet_s and time.monotonic() < deadline:
            page.wait_for_timeout(50)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(app: Path, env: dict[str, str], log: Path, args: tuple[str, ...] = (),
           cwd: Path | None = None) -> Iterator[tuple[str, float, int]]:
    """`streamlit run app` on a free loopback port: yields (base URL, seconds until healthy, its
    process id). `args` are more options for `streamlit run`; `cwd` is where it reads
    `.streamlit/config.toml` (default: the app's folder)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true",
           "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *args]
    started = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, cwd=cwd or app.parent,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() - started > 120:
                        raise RuntimeError(f"streamlit did not start; see {log}") from None
                    time.sleep(0.05)
            yield url, time.monotonic() - started, proc.pid
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:  # a loaded machine: the group we started
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process and its children in MB (Linux /proc; None elsewhere)."""
    def one(p: int) -> int:
        try:
            fields = Path(f"/proc/{p}/status").read_text().split("VmRSS:")[1].split()
            return int(fields[0])
        except (OSError, IndexError, ValueError):
            return 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return round((one(pid) + sum(one(int(c)) for c in children)) / 1024, 1)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def measure_app(app: Path, env: dict[str, str], start: str, names: dict[str, str], *,
                clicks: int = 20, seed: int = 7, log: Path) -> dict:
    """Start the app, load `?concept=start`, click `clicks` neighbours; return the numbers.

    `names` maps concept ids to the names the card shows. The walk goes to a seeded random
    visible neighbour of the focus each time (unvisited ones first).
    """
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (a test dependency)

    rng = random.Random(seed)
    out: dict = {"clicks": []}
    with served(app, env, log) as (url, healthy_s, pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        wire = WireLog(page)
        page.goto(f"{url}/?concept={start}")
        page.wait_for_selector(READY, timeout=120_000)
        painted = page.evaluate(WAIT_CARD_JS, [names[start]])
        out["server_healthy_s"] = round(healthy_s, 2)
        out["first_paint_s"] = round(painted / 1000, 2)  # from navigation start
        out["start_to_paint_s"] = round(healthy_s + painted / 1000, 2)
        visited, focus = {start}, start
        wire.wait_quiet(page)
        for _ in range(clicks):
            drawn = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
            options = [n for n in drawn if n != focus]
            rng.shuffle(options)
            options.sort(key=lambda n: n in visited)
            target = next((n for n in options
                           if (page.evaluate(NODE_POINT_JS, n) or {}).get("hit")), None)
            if target is None:
                break
            before = wire.mark()
            page.evaluate(PRESS_CLOCK_JS)
            # The watcher starts before the click, so no frame of the update can be missed.
            page.evaluate(f"(a) => {{ window.__clickWait = ({WAIT_CLICK_JS})(a); }}",
                          [names[target], target])
            click_node(page, target)
            seen = page.evaluate("() => window.__clickWait")
            pressed = page.evaluate("() => window.__pressedAt")
            wire.wait_quiet(page)
            after = wire.mark()
            out["clicks"].append({"to": target, "card_ms": seen["card"] - pressed,
                                  "graph_ms": seen["graph"] - pressed,
                                  "bytes": (after[0] - before[0]) + (after[1] - before[1]),
                                  "deflated_bytes": after[3] - before[3],
                                  "http_requests": after[2] - before[2],
                                  "http_bytes": after[4] - before[4]})
            visited.add(target)
            focus = target
            page.wait_for_selector(READY)
        out["server_rss_mb"] = rss_mb(pid)
        browser.close()
    card = [c["card_ms"] for c in out["clicks"]]
    graph = [c["graph_ms"] for c in out["clicks"]]
    sent = [c["bytes"] for c in out["clicks"]]
    out |= {"card_p50_ms": _pct(card, 50), "card_p95_ms": _pct(card, 95),
            "graph_p50_ms": _pct(graph, 50), "graph_p95_ms": _pct(graph, 95),
            "bytes_p50": statistics.median(sent) if sent else float("nan"),
            "bytes_max": max(sent, default=float("nan")),
            "deflated_bytes_p50": statistics.median(c["deflated_bytes"] for c in out["clicks"])
            if out["clicks"] else float("nan"),
            "http_bytes_p50": statistics.median(c["http_bytes"] for c in out["clicks"])
            if out["clicks"] else float("nan")}
    return out
