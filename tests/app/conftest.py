"""AppTest fixtures: the page run in-process against the tiny graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import TINY

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv("EXPLORER_DATA", str(TINY))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    st.cache_resource.clear()  # each test gets its own workspace, database and progress
    return AppTest.from_file(APP, default_timeout=30)
