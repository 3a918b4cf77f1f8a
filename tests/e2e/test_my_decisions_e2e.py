"""Your decisions in a real Chromium: answer the onboarding, and the card scores for you."""

from __future__ import annotations

import re

import pytest

from explorer.settings import PROJECT_ROOT
from tests.conftest import TINY

APP = PROJECT_ROOT / "streamlit_app.py"


@pytest.fixture
def app_url(streamlit_server, tmp_path) -> str:
    return streamlit_server(APP, env={
        "EXPLORER_DATA": str(TINY),
        "EXPLORER_DB": str(tmp_path / "graph.duckdb"),
        "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
        "EXPLORER_EMBEDDINGS": str(tmp_path / "embeddings"),
        "EXPLORER_NO_MODEL": "1",
    })


def headline(page, url: str) -> str:
    """The card's "N% likely to change a decision you face" line."""
    page.goto(url)
    line = page.get_by_text(re.compile(r"\d+% likely to change a decision you face")).first
    line.wait_for(timeout=60_000)
    return line.inner_text()


@pytest.mark.e2e
def test_onboarding_answers_change_the_score_for_that_profile(browser_page, app_url,
                                                              artifacts):
    page = browser_page
    before = headline(page, f"{app_url}/?concept=adam&era=2026&profile=zoe")
    assert before.startswith("24%"), before  # 0.7 × 0.7 × 0.5 in the tiny graph
    page.goto(f"{app_url}/?view=decisions&goal=build&profile=zoe")
    page.get_by_text("Which of these do you face?").first.wait_for(timeout=60_000)
    question = page.get_by_role("radiogroup").filter(
        has=page.get_by_text("often", exact=True)).first
    question.get_by_text("never", exact=True).click()
    page.get_by_role("button", name="Save my answers").click()
    page.get_by_text("(yours)").first.wait_for(timeout=20_000)
    page.screenshot(path=artifacts / "my-decisions.png", full_page=True)
    after = headline(page, f"{app_url}/?concept=adam&era=2026&profile=zoe")
    assert after.startswith("0%"), after  # Adam's one build decision is never faced now
    other = headline(page, f"{app_url}/?concept=adam&era=2026&profile=yan")
    assert other.startswith("24%"), other
    assert not page.errors
