"""The vector cache is shared by every graph built here: none loses another's vectors, and the
tracked seed in `embeddings/` is only ever read."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import numpy as np

from explorer import settings
from explorer.domain.loader import load_graph
from explorer.search.embeddings import (
    HashEmbedder,
    VectorCache,
    cached_vector_source,
    concept_texts,
    embed_graph,
    text_hash,
)
from explorer.storage.graph_store import Store, build
from tests.test_embeddings import CountingEmbedder

MODEL = HashEmbedder.model_id


def other_graph(tmp_path: Path, tiny_dir: Path) -> Path:
    """A second graph: the tiny one with every summary reworded (so every text hash differs)."""
    other = Path(shutil.copytree(tiny_dir, tmp_path / "other"))
    for path in (other / "concepts").glob("*.yaml"):
        path.write_text(path.read_text().replace("summary: ", "summary: Put simply, "))
    return other


def hashes(graph_dir: Path) -> set[str]:
    return {text_hash(t) for t in concept_texts(load_graph(graph_dir)).values()}


def test_building_another_graph_keeps_the_first_graphs_vectors(tiny_dir, tmp_path):
    cache = tmp_path / "cache"
    other = other_graph(tmp_path, tiny_dir)
    embed_graph(load_graph(tiny_dir), HashEmbedder(), cache, graph_key="tiny")
    embed_graph(load_graph(other), HashEmbedder(), cache, graph_key="other")
    stored = set(VectorCache(cache, MODEL).vectors)
    assert hashes(tiny_dir) | hashes(other) == stored and len(stored) == 16
    counter = CountingEmbedder()
    embed_graph(load_graph(tiny_dir), counter, cache, graph_key="tiny")
    assert counter.texts == []  # nothing re-embedded after the other graph's build


def test_a_graph_prunes_only_its_own_stale_vectors(tiny_dir, tmp_path):
    cache = tmp_path / "cache"
    other = other_graph(tmp_path, tiny_dir)
    embed_graph(load_graph(other), HashEmbedder(), cache, graph_key="other")
    embed_graph(load_graph(tiny_dir), HashEmbedder(), cache, graph_key="tiny")
    old = hashes(tiny_dir)
    path = tiny_dir / "concepts/physics.yaml"
    path.write_text(path.read_text().replace("switch", "valve"))
    embed_graph(load_graph(tiny_dir), HashEmbedder(), cache, graph_key="tiny")
    stored = set(VectorCache(cache, MODEL).vectors)
    assert hashes(other) <= stored and hashes(tiny_dir) <= stored
    assert old - hashes(tiny_dir) and not (old - hashes(tiny_dir)) & stored


def test_the_seed_is_read_and_never_written(tiny_dir, tmp_path):
    seed, cache = tmp_path / "seed", tmp_path / "cache"
    embed_graph(load_graph(tiny_dir), HashEmbedder(), seed)
    seed_file = next(seed.iterdir())
    before = hashlib.sha256(seed_file.read_bytes()).hexdigest()
    counter = CountingEmbedder()
    db = tmp_path / "g.duckdb"
    result = build(tiny_dir, db, vectors=cached_vector_source(counter, cache, seed_dir=seed))
    assert result.counts["vectors"] == 8 and counter.texts == []
    path = tiny_dir / "concepts/physics.yaml"
    path.write_text(path.read_text().replace("switch", "valve"))
    build(tiny_dir, db, vectors=cached_vector_source(counter, cache, seed_dir=seed))
    assert len(counter.texts) == 1  # the changed concept, into the cache
    assert hashlib.sha256(seed_file.read_bytes()).hexdigest() == before
    assert len(VectorCache(cache, MODEL).vectors) == 1
    ids, matrix, _ = Store(db).vectors()
    assert len(ids) == 8 and np.isfinite(matrix).all()


def test_the_default_cache_is_git_ignored_and_the_seed_is_the_tracked_file(monkeypatch):
    monkeypatch.delenv("EXPLORER_EMBEDDINGS", raising=False)
    monkeypatch.delenv("EXPLORER_EMBEDDINGS_SEED", raising=False)
    root = settings.PROJECT_ROOT
    cache_file = VectorCache(settings.path("EXPLORER_EMBEDDINGS"), MODEL).file
    seed_file = VectorCache(settings.path("EXPLORER_EMBEDDINGS_SEED"), MODEL).file
    if not (root / ".git").exists():
        return  # an installed copy: no repository to keep clean
    ignored = subprocess.run(["git", "check-ignore", "-q", str(cache_file)], cwd=root)
    assert ignored.returncode == 0, f"{cache_file} would show up in git status"
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch",
                              str(seed_file.with_name("sentence-transformers__all-MiniLM-L6-v2"
                                                      ".npz"))],
                             cwd=root, capture_output=True)
    assert tracked.returncode == 0


def test_an_unreadable_cache_is_moved_aside_not_fatal(tiny_dir, tmp_path, capsys):
    cache = tmp_path / "cache"
    cache.mkdir()
    broken = VectorCache(cache, MODEL).file
    broken.write_bytes(b"PK\x03\x04 truncated")
    _, vecs = embed_graph(load_graph(tiny_dir), HashEmbedder(), cache)
    assert len(vecs) == 8 and len(VectorCache(cache, MODEL).vectors) == 8
    aside = list(cache.glob("*.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"PK\x03\x04 truncated"  # kept
    assert "could not be read" in capsys.readouterr().err


def test_a_cache_from_before_graph_records_keeps_its_vectors(tiny_dir, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    legacy = VectorCache(cache, MODEL).file
    np.savez(legacy, hashes=np.array(["f" * 32], dtype="U32"),
             vectors=np.ones((1, 384), dtype=np.float32))
    embed_graph(load_graph(tiny_dir), HashEmbedder(), cache, graph_key="tiny")
    assert "f" * 32 in VectorCache(cache, MODEL).vectors
