"""A real PostgreSQL for the tests, started on loopback from the Debian package's binaries.

`postgres_server` (session scope) runs `initdb` into a fresh folder and `postgres` on a free
loopback port, as an unprivileged user when the tests run as root (PostgreSQL refuses to run as
root): the `postgres` user the package creates, else `nobody`. It is stopped when the session
ends. `make test` installs the package when missing (`make postgresql`). Without it the tests
that need it are skipped, unless CI=true, where they fail.

`pg_url` is a URL for one test; `pg_schema` a schema of its own, so tests never see each
other's rows. EXPLORER_TEST_PG_URL uses a server that is already running instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# Ports tried first (the range this project's test servers use), then any free one.
PORTS = range(5440, 5450)
START_TIMEOUT_S = 60.0


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (EXPLORER_PG_BIN overrides)."""
    if os.environ.get("EXPLORER_PG_BIN"):
        return Path(os.environ["EXPLORER_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _port() -> int:
    for port in [*PORTS, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


def _user() -> list[str]:
    """The command prefix that drops root for PostgreSQL (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


class Server:
    """One PostgreSQL cluster in a temporary folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="explorer-pg-"))
        self.data = self.root / "data"
        self.port = _port()
        self.url = f"postgresql://explorer@127.0.0.1:{self.port}/explorer"
        self.log = self.root / "server.log"
        self.proc: subprocess.Popen | None = None
        prefix = _user()
        if prefix:
            user = prefix[2]
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.prefix = prefix

    def run(self, *cmd: str) -> None:
        subprocess.run([*self.prefix, *cmd], check=True, capture_output=True, timeout=120,
                       cwd=self.root)

    def start(self) -> None:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "explorer",
                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        log = open(self.log, "w")  # noqa: SIM115  (kept open for the server's lifetime)
        if self.prefix:
            os.chown(self.log, *(lambda e: (e.pw_uid, e.pw_gid))(pwd.getpwnam(self.prefix[2])))
        self.proc = subprocess.Popen(
            [*self.prefix, str(self.bin / "postgres"), "-D", str(self.data),
             "-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.root),
             "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            ready = subprocess.run(
                [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True)
            if ready.returncode == 0:
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "explorer", "explorer"], check=True, capture_output=True)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # "smart" shutdown would wait for clients: SIGTERM is fast
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> Server:
    """Start a throwaway server (the caller stops it); raise when PostgreSQL is missing."""
    found = bindir()
    if found is None or not (found / "postgres").exists():
        raise FileNotFoundError("PostgreSQL is not installed (make postgresql installs it)")
    server = Server(found)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server for this test session."""
    if os.environ.get("EXPLORER_TEST_PG_URL"):
        yield os.environ["EXPLORER_TEST_PG_URL"]
        return
    try:
        server = start_server()
    except FileNotFoundError as exc:
        if in_ci():
            pytest.fail(f"{exc} (CI=true: the PostgreSQL tests must run)")
        pytest.skip(str(exc))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def pg_schema() -> str:
    """A schema no other test uses."""
    return f"t_{uuid.uuid4().hex[:16]}"


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    return postgres_server
