"""Browser-test helpers shared by every e2e test: a Streamlit server per app, headless Chromium.

- ``streamlit_server(app_path, env=None, args=())`` starts ``streamlit run`` on a free loopback
  port, waits until it is healthy and returns its base URL; every server started this way is
  stopped when the test ends. Its log goes to ``test-artifacts/`` (the ``artifacts`` fixture).
- ``browser_page`` is a fresh Chromium page (own context) per test; ``page.errors`` lists
  uncaught page errors.

Chromium is the Debian one at /usr/bin/chromium (override with EXPLORER_CHROMIUM). Without it
these tests are skipped, unless CI=true, where they fail.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("EXPLORER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 45.0


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, why: str) -> None:
    """Skip when a browser prerequisite is missing; on CI that is a failure instead."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{why} (CI=true: browser tests must run)")
    pytest.skip(why)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def artifact_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # streamlit was started in its own process group
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@pytest.fixture
def streamlit_server() -> Iterator[Callable[..., str]]:
    """A factory: ``base_url = streamlit_server(app_path, env={...}, args=[...])``."""
    started: list[tuple[subprocess.Popen, object]] = []

    def start(
        app_path: str | Path,
        env: Mapping[str, str] | None = None,
        args: Sequence[str] = (),
        python: str | Path = sys.executable,
        cwd: str | Path = ROOT,
    ) -> str:
        app = Path(app_path).resolve()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = artifact_path(f"streamlit-{app.stem}-{port}.log")
        log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
        cmd = [
            str(python), "-m", "streamlit", "run", str(app),
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.headless", "true",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            *args,
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, **(env or {})} if env is None or "PATH" not in env else dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((proc, log))
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(base_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = log_path.read_text()[-3000:]
                pytest.fail(f"streamlit did not come up for {app.name} at {base_url}:\n{tail}")
            time.sleep(0.1)
        return base_url

    yield start
    for proc, log in started:
        _stop(proc)
        log.close()


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ (git-ignored): screenshots, logs and measurements."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed")
        raise
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda err: page.errors.append(str(err)))  # type: ignore[attr-defined]
    yield page
    context.close()
