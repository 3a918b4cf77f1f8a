"""What one click on a graph node sends over the websocket, element by element.

`python -m explorer.bench.click_bytes [--clicks N] [--json]` starts the app on the curated
graph, clicks `N` neighbours in a real Chromium and decodes every websocket frame the page
receives as Streamlit's `ForwardMsg`, adding up the bytes per kind of message and, for deltas,
per element (`markdown`, `button_group`, `bidi_component`, …) with its key or first words. It is
the breakdown behind `ws_kb_per_click` in `explorer bench --browser`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

from explorer import settings
from explorer.bench.browser import CHROMIUM, CHROMIUM_ARGS, NODE_POINT_JS, READY, click_node, served


def describe(payload: bytes) -> tuple[str, str]:
    """(kind, what) of one ForwardMsg: kind is the message or element type, what a short label."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: PLC0415

    msg = ForwardMsg.FromString(payload)
    kind = msg.WhichOneof("type") or "?"
    if kind != "delta":
        return kind, ""
    delta = msg.delta
    what = delta.WhichOneof("type") or "?"
    if what == "new_element":
        element = delta.new_element
        etype = element.WhichOneof("type") or "?"
        inner = getattr(element, etype)
        label = (getattr(inner, "label", "") or getattr(inner, "body", "")
                 or getattr(inner, "id", "") or getattr(inner, "component_name", ""))
        return f"element:{etype}", str(label)[:48]
    if what == "add_block":
        return "block", delta.add_block.WhichOneof("type") or ""
    return f"delta:{what}", ""


def envelope(payload: bytes) -> int:
    """Bytes of a ForwardMsg that are not its element or block: hashes, path, fragment id."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: PLC0415

    msg = ForwardMsg.FromString(payload)
    if msg.WhichOneof("type") != "delta":
        return 0
    delta = msg.delta
    inner = delta.new_element if delta.HasField("new_element") else delta.add_block
    return len(payload) - inner.ByteSize()


def measure(*, clicks: int = 10, seed: int = 7, env: dict[str, str] | None = None,
            start: str = "adam") -> dict:
    """Per click: bytes received by kind, and the largest single messages."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="explorer-click-bytes-"))
    env = {"EXPLORER_PROGRESS": str(work / "progress.sqlite"), **(env or {})}
    frames: list[bytes] = []
    per_click: list[dict] = []
    app = settings.PROJECT_ROOT / "streamlit_app.py"
    with served(app, env, work / "streamlit.log") as (url, _, _pid), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())))
        page.goto(f"{url}/?concept={start}")
        page.wait_for_selector(READY, timeout=120_000)
        page.wait_for_timeout(1500)
        focus, visited = start, {start}
        for _ in range(clicks):
            drawn = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
            options = [n for n in drawn if n != focus and n != "+more"]
            rng.shuffle(options)
            options.sort(key=lambda n: n in visited)
            target = next((n for n in options
                           if (page.evaluate(NODE_POINT_JS, n) or {}).get("hit")), None)
            if target is None:
                break
            frames.clear()
            asked = len(requests)
            click_node(page, target)
            page.wait_for_selector(f".explorer-graph[data-focus='{target}'][data-ready='1']")
            page.wait_for_timeout(1200)
            kinds: Counter = Counter()
            items = []
            for payload in frames:
                kind, what = describe(payload)
                kinds[kind] += len(payload)
                items.append((len(payload), kind, what))
            by_item: Counter = Counter()
            for size, kind, what in items:
                by_item[f"{kind} {what[:24]!r}"] += size
            per_click.append({"to": target, "total": sum(len(f) for f in frames),
                              "messages": len(frames),
                              "envelope": sum(envelope(f) for f in frames),
                              "kinds": dict(kinds), "items": dict(by_item),
                              "largest": sorted(items, reverse=True)[:8],
                              "http_requests": requests[asked:]})
            visited.add(target)
            focus = target
        browser.close()
    kinds = sorted({k for c in per_click for k in c["kinds"]})
    return {"clicks": per_click,
            "total_p50": statistics.median(c["total"] for c in per_click) if per_click else None,
            "kinds_mean": {k: round(statistics.mean(c["kinds"].get(k, 0) for c in per_click))
                           for k in kinds}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(clicks=args.clicks)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"websocket bytes received per click, median: {result['total_p50']}")
    clicks = result["clicks"]
    if clicks:
        print(f"messages per click: {statistics.mean(c['messages'] for c in clicks):.0f}, of "
              f"which envelopes (hashes, paths, fragment ids): "
              f"{statistics.mean(c['envelope'] for c in clicks):.0f} B")
    for kind, size in sorted(result["kinds_mean"].items(), key=lambda kv: -kv[1]):
        print(f"  {size:7d}  {kind}")
    print("by element, mean over clicks:")
    items = sorted({k for c in result["clicks"] for k in c["items"]})
    mean = {k: statistics.mean(c["items"].get(k, 0) for c in result["clicks"]) for k in items}
    for key, size in sorted(mean.items(), key=lambda kv: -kv[1])[:30]:
        print(f"  {size:7.0f}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
