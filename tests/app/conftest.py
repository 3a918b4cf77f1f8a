"""AppTest fixtures: the page run in-process against the tiny graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import TINY

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    from explorer.view import app as view_app

    view_app.workspace.clear()  # each test gets a workspace on its own database
    return AppTest.from_file(APP, default_timeout=30)
