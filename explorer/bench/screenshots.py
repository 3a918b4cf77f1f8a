"""Screenshots of the running app for the README: the focus view, the whole map and a phone.

`python -m explorer.bench.screenshots [OUT_DIR]` (or `make screenshots`) starts `streamlit run`
on a free port with the configured graph, drives Debian's Chromium through Playwright and saves
PNGs into OUT_DIR (default `docs/img/`). Each shot waits until the graph has settled (the
component's `data-ready`/`data-settled` flags) so what is saved is what a person would see.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from explorer.bench.browser import CHROMIUM, CHROMIUM_ARGS, READY, served
from explorer.settings import PROJECT_ROOT

APP = PROJECT_ROOT / "streamlit_app.py"
PHONE = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# (file name, query string, viewport, extra context options, server theme, scroll to graph)
SHOTS = (
    ("focus-view.png", "?concept=adam&depth=2", {"width": 1400, "height": 1000}, {}, "light",
     False),
    ("whole-map.png", "?view=map&concept=adam", {"width": 1400, "height": 1000}, {}, "light",
     False),
    ("phone.png", "?concept=momentum", {"width": 390, "height": 844}, PHONE, "light", False),
    ("phone-graph.png", "?concept=momentum", {"width": 390, "height": 844}, PHONE, "light",
     True),
    ("focus-view-dark.png", "?concept=softmax&depth=2", {"width": 1400, "height": 1000}, {},
     "dark", False),
)
SCROLL_TO_GRAPH_JS = """() => window.__explorerGraph.body.container
  .closest('.explorer-graph').scrollIntoView({ block: 'center' })"""


def take(out_dir: Path, shots=SHOTS) -> list[Path]:
    """Start the app (once per theme), save every shot, return the paths written."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (a test dependency)

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    logs = Path(tempfile.mkdtemp(prefix="explorer-shots-"))
    for theme in dict.fromkeys(s[4] for s in shots):
        env = {"EXPLORER_NO_MODEL": "1", "STREAMLIT_THEME_BASE": theme}
        with served(APP, env, logs / f"streamlit-{theme}.log") as (url, _, _), \
                sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, query, viewport, extra, shot_theme, to_graph in shots:
                if shot_theme != theme:
                    continue
                context = browser.new_context(viewport=viewport, **extra)
                page = context.new_page()
                page.goto(f"{url}/{query}")
                page.wait_for_selector(READY, timeout=120_000)
                page.wait_for_timeout(1500)  # the fit animation and the card's last delta
                if to_graph:
                    page.evaluate(SCROLL_TO_GRAPH_JS)
                    page.wait_for_timeout(800)
                path = out_dir / name
                page.screenshot(path=path)
                written.append(path)
                context.close()
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else PROJECT_ROOT / "docs" / "img"
    for path in take(out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
