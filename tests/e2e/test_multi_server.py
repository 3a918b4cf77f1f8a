"""Two app servers on one PostgreSQL (issue 14, item 7): a mark made through one server shows
through the other, each server serving its own read-only copy of the graph database."""

from __future__ import annotations

import re
import shutil
import uuid

import pytest

from explorer.settings import PROJECT_ROOT
from tests.e2e.browser import READY, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"


def replica_env(tmp_path, name: str, url: str) -> dict[str, str]:
    return {"EXPLORER_DB": str(tmp_path / f"{name}.duckdb"),
            "EXPLORER_PROGRESS": str(tmp_path / f"{name}.progress.sqlite"),
            "EXPLORER_PROGRESS_URL": url,
            "EXPLORER_EMBEDDINGS": str(PROJECT_ROOT / "embeddings"),
            "EXPLORER_NO_MODEL": "1"}


def open_card(page, url: str, concept: str, name: str, profile: str) -> None:
    page.goto(f"{url}/?concept={concept}&profile={profile}")
    page.wait_for_selector(READY, timeout=90_000)
    page.locator("h3", has_text=re.compile(f"^{re.escape(name)}$")).first.wait_for(
        timeout=30_000)
    wait_focus(page, concept)


def caption(page) -> str:
    return page.locator("[data-testid='stSidebar']").get_by_text(
        re.compile(r"concepts known")).first.inner_text()


@pytest.mark.e2e
def test_a_mark_made_on_one_server_shows_on_the_other(streamlit_server, chromium, tmp_path,
                                                      postgres_server, artifacts):
    profile = f"multi-{uuid.uuid4().hex[:8]}"
    first = streamlit_server(APP, env=replica_env(tmp_path, "a", postgres_server))
    one = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    open_card(one, first, "adam", "Adam optimizer", profile)  # this first load builds a.duckdb
    # The second replica serves a copy of the same build, as a deployment ships one file.
    shutil.copy2(tmp_path / "a.duckdb", tmp_path / "b.duckdb")
    second = streamlit_server(APP, env=replica_env(tmp_path, "b", postgres_server))
    assert first != second
    two = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    open_card(two, second, "adam", "Adam optimizer", profile)
    assert "0 of" in caption(two)

    one.get_by_role("button", name="I know this").click()
    one.get_by_role("button", name=re.compile("Known ✓")).wait_for(timeout=30_000)

    open_card(two, second, "adam", "Adam optimizer", profile)  # a fresh page on server two
    two.get_by_role("button", name=re.compile("Known ✓")).wait_for(timeout=30_000)
    assert caption(two).startswith("1 of")
    two.get_by_role("button", name="Bookmark").click()
    two.get_by_role("button", name=re.compile("Bookmarked ✓")).wait_for(timeout=30_000)
    two.screenshot(path=artifacts / "multi-server-second.png")

    open_card(one, first, "adam", "Adam optimizer", profile)
    one.get_by_role("button", name=re.compile("Bookmarked ✓")).wait_for(timeout=30_000)
    assert "1 bookmarked" in caption(one)
    # Another profile on either server sees none of it.
    open_card(one, first, "adam", "Adam optimizer", f"{profile}-other")
    one.get_by_role("button", name="I know this").wait_for(timeout=30_000)
    assert caption(one).startswith("0 of")
    # Progress went to PostgreSQL only: neither server wrote a local progress file.
    assert not list(tmp_path.glob("*.progress.sqlite*"))
    one.context.close()
    two.context.close()
