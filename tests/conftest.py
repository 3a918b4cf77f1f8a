"""Shared fixtures: a tiny graph on disk, its model, an in-memory store, a fake embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from explorer.domain.loader import load_graph
from explorer.domain.model import Graph
from explorer.search.embeddings import HashEmbedder
from explorer.storage.graph_store import Store

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
