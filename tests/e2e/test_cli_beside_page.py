"""The command line works while the page is serving: both share the graph and the progress file.

The page holds the graph database open (read-only) and writes progress; the CLI opens both from
another process at the same time. Before progress moved to SQLite, any CLI command that opened
progress failed here with "in use by process N".
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from explorer.settings import PROJECT_ROOT
from tests.e2e.browser import READY, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"


@pytest.mark.e2e
def test_cli_marks_and_wanders_while_the_page_serves(browser_page, streamlit_server, tmp_path,
                                                     artifacts):
    env = {"EXPLORER_DB": str(tmp_path / "graph.duckdb"),
           "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
           "EXPLORER_EMBEDDINGS": str(PROJECT_ROOT / "embeddings"),
           "EXPLORER_NO_MODEL": "1"}
    url = streamlit_server(APP, env=env)
    page = browser_page
    page.goto(f"{url}/?concept=momentum")
    page.wait_for_selector(READY, timeout=60_000)
    wait_focus(page, "momentum")
    page.get_by_role("button", name="I know this").wait_for()

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "explorer.cli", *args], env={
            **os.environ, **env}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"explorer {' '.join(args)}: {done.stderr}"
        return done.stdout

    cli("progress", "mark", "momentum")
    assert "momentum" in cli("progress", "list")
    assert cli("wander", "adam").strip()

    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    wait_focus(page, "momentum")
    page.get_by_role("button", name=re.compile("Known")).wait_for(timeout=20_000)
    page.screenshot(path=artifacts / "cli-mark-seen-by-page.png")
    assert not page.errors
