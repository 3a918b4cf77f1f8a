"""Shared fixtures: a tiny graph on disk, its model, an in-memory store, a fake embedder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from explorer.domain.loader import load_graph
from explorer.domain.model import Graph
from explorer.search.embeddings import HashEmbedder
from explorer.storage.graph_store import Store
from explorer.storage.postgres_progress import PostgresProgress
from explorer.storage.progress import ProgressStore, SQLiteProgress
from tests.postgres import pg_schema, pg_url, postgres_server  # noqa: F401  (fixtures)

TINY = Path(__file__).parent / "fixtures" / "tiny"


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny graph (8 concepts, transistor → adam, 2 decisions)."""
    return Path(shutil.copytree(TINY, tmp_path / "graph"))


@pytest.fixture(scope="session")
def tiny_graph() -> Graph:
    return load_graph(TINY)


@pytest.fixture
def tiny_store(tiny_graph: Graph) -> Store:
    store = Store.from_graph(tiny_graph)
    yield store
    store.close()


@pytest.fixture(scope="session")
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the project's real database, progress or vector cache."""
    monkeypatch.setenv("EXPLORER_DB", str(tmp_path / "db" / "graph.duckdb"))
    monkeypatch.setenv("EXPLORER_PROGRESS", str(tmp_path / "db" / "progress.sqlite"))
    monkeypatch.setenv("EXPLORER_EMBEDDINGS", str(tmp_path / "embeddings"))
    monkeypatch.setenv("EXPLORER_GRAPHS", str(tmp_path / "graphs"))


class ProgressPlace:
    """Where one test keeps its progress, in one backend: `open()` as often as wanted, each time
    on the same rows (a SQLite file, or a PostgreSQL schema of its own)."""

    def __init__(self, backend: str, path: Path, url: str = "", schema: str = "") -> None:
        self.backend, self.path, self.url, self.schema = backend, path, url, schema

    def open(self, clock: Callable | None = None) -> ProgressStore:
        if self.backend == "sqlite":
            return SQLiteProgress(self.path, clock=clock)
        return PostgresProgress(self.url, schema=self.schema, clock=clock)

    def source(self) -> str:
        """Python that opens this store as `store` in a child process."""
        if self.backend == "sqlite":
            return ("from explorer.storage.progress import SQLiteProgress\n"
                    f"store = SQLiteProgress({str(self.path)!r})\n")
        return ("from explorer.storage.postgres_progress import PostgresProgress\n"
                f"store = PostgresProgress({self.url!r}, schema={self.schema!r})\n")


@pytest.fixture(params=["sqlite", "postgresql"])
def progress_place(request: pytest.FixtureRequest, tmp_path: Path) -> ProgressPlace:
    """The progress suite runs once per backend (PostgreSQL: a real server, tests/postgres.py)."""
    if request.param == "sqlite":
        return ProgressPlace("sqlite", tmp_path / "progress.sqlite")
    return ProgressPlace("postgresql", tmp_path / "unused",
                         request.getfixturevalue("postgres_server"),
                         request.getfixturevalue("pg_schema"))
