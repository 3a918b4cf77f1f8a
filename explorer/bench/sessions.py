"""Server memory: RSS after start, after the first page, and per extra session.

`python -m explorer.bench.sessions [--extra 3] [--json]` starts the app on the configured graph,
reads the RSS of the server's process tree (Linux /proc) when it is healthy, after a first page
has painted the graph, and after `extra` more pages (each its own browser context, so its own
Streamlit session) have painted theirs; the growth per extra session is the mean of those.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from explorer import settings
from explorer.bench.browser import CHROMIUM, CHROMIUM_ARGS, READY, rss_mb, served


def measure(*, extra: int = 3, env: dict[str, str] | None = None, start: str = "adam") -> dict:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    work = Path(tempfile.mkdtemp(prefix="explorer-sessions-"))
    env = {"EXPLORER_PROGRESS": str(work / "progress.sqlite"), **(env or {})}
    app = settings.PROJECT_ROOT / "streamlit_app.py"
    out: dict = {}
    with served(app, env, work / "streamlit.log") as (url, _, pid), sync_playwright() as pw:
        out["rss_after_start_mb"] = rss_mb(pid)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pages = []
        for i in range(extra + 1):
            page = browser.new_context().new_page()
            page.goto(f"{url}/?concept={start}")
            page.wait_for_selector(READY, timeout=120_000)
            page.wait_for_timeout(3_000)  # the model warms after the first page: let it land
            pages.append(page)
            if i == 0:
                out["rss_one_session_mb"] = rss_mb(pid)
        out["rss_sessions_mb"] = rss_mb(pid)
        out["sessions"] = extra + 1
        browser.close()
    if out["rss_one_session_mb"] is not None and out["rss_sessions_mb"] is not None:
        out["rss_per_extra_session_mb"] = round(
            (out["rss_sessions_mb"] - out["rss_one_session_mb"]) / max(extra, 1), 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(extra=args.extra)
    print(json.dumps(result, indent=1) if args.json else
          " ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
