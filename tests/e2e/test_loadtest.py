"""A short `explorer loadtest` (issue 14, item 4): three browser sessions at once on one server,
with progress in SQLite and in PostgreSQL; no errors and no session sees another's marks.
Timings are reported by `make loadtest`, never asserted here."""

from __future__ import annotations

import pytest

from explorer.bench import loadtest
from tests.e2e.conftest import CHROMIUM, require


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_three_sessions_at_once_have_no_error_and_no_leak(backend, request, artifacts):
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}")
    url = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    result = loadtest.run(3, 20, progress_url=url, model=False, timeout_s=60)
    (artifacts / f"loadtest-{backend}.json").write_text(loadtest.to_json(result))
    assert result["backend"] == backend
    assert result["errors"] == 0, result["error_kinds"]
    assert result["cross_session_leaks"] == 0, result["leaks"]
    assert result["page_errors"] == 0
    assert result["actions_per_session_min"] >= 1  # every session acted
    assert result["held"]
    assert result["rss_after_mb"] and result["server_cpu_s"] > 0
