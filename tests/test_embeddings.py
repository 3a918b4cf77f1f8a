"""The embedding cache: a rebuild embeds only the concepts whose text changed."""

from __future__ import annotations

import numpy as np

from explorer.domain.loader import load_graph
from explorer.search.embeddings import (
    DIM,
    HashEmbedder,
    VectorCache,
    cached_vector_source,
    concept_texts,
    embed_graph,
    text_hash,
)
from explorer.storage.graph_store import Store, build


class CountingEmbedder(HashEmbedder):
    """HashEmbedder that records every text it is asked to embed."""

    def __init__(self):
        self.texts: list[str] = []

    def embed(self, texts):
        self.texts.extend(texts)
        return super().embed(texts)


def test_rebuild_embeds_only_the_changed_concept(tiny_dir, tmp_path):
    db, cache = tmp_path / "graph.duckdb", tmp_path / "emb"
    counter = CountingEmbedder()
    build(tiny_dir, db, vectors=cached_vector_source(counter, cache))
    assert len(counter.texts) == 8

    numerics = tiny_dir / "concepts" / "numerics.yaml"
    numerics.write_text(numerics.read_text().replace(
        "its largest finite value is 65504.", "its largest finite value is 65,504."))
    counter.texts.clear()
    result = build(tiny_dir, db, vectors=cached_vector_source(counter, cache))
    assert result.built and result.counts["vectors"] == 8
    assert len(counter.texts) == 1 and counter.texts[0].startswith("Half precision (float16)")

    counter.texts.clear()
    build(tiny_dir, db, vectors=cached_vector_source(counter, cache), force=True)
    assert counter.texts == []  # everything cached


def test_changing_a_decision_symptom_re_embeds_the_concepts_it_cites(tiny_dir, tmp_path):
    cache = tmp_path / "emb"
    counter = CountingEmbedder()
    embed_graph(load_graph(tiny_dir), counter, cache)
    decisions = tiny_dir / "decisions.yaml"
    decisions.write_text(decisions.read_text().replace('"loss explodes"', '"loss blows up"'))
    counter.texts.clear()
    embed_graph(load_graph(tiny_dir), counter, cache)
    assert sorted(t.split(".")[0] for t in counter.texts) == ["Adam optimizer",
                                                               "Gradient descent"]


def test_without_an_embedder_only_cached_vectors_are_used(tiny_graph, tmp_path):
    model_id, vecs = embed_graph(tiny_graph, None, tmp_path / "emb")
    assert vecs == {}
    embed_graph(tiny_graph, HashEmbedder(), tmp_path / "emb")
    model_id, vecs = embed_graph(tiny_graph, None, tmp_path / "emb")
    assert model_id == "sentence-transformers/all-MiniLM-L6-v2" and vecs == {}  # other model
    progress = []
    model_id, vecs = embed_graph(tiny_graph, HashEmbedder(), tmp_path / "emb",
                                 progress=lambda done, total: progress.append((done, total)))
    assert len(vecs) == 8 and progress == []  # nothing to embed, so no progress either


def test_progress_reports_every_batch(tiny_graph, tmp_path):
    progress = []
    embed_graph(tiny_graph, HashEmbedder(), tmp_path / "emb", batch=3,
                progress=lambda done, total: progress.append((done, total)))
    assert progress == [(0, 8), (3, 8), (6, 8), (8, 8)]


def test_cache_round_trip_drops_stale_entries(tmp_path):
    cache = VectorCache(tmp_path, "some/model:v1")
    a, b = np.ones(DIM, dtype=np.float32), np.zeros(DIM, dtype=np.float32)
    cache.vectors = {"a" * 32: a, "b" * 32: b}
    cache.save(["a" * 32])
    again = VectorCache(tmp_path, "some/model:v1")
    assert list(again.vectors) == ["a" * 32] and np.array_equal(again.vectors["a" * 32], a)
    assert again.file.name == "some__model__v1.npz"


def test_concept_text_has_name_aliases_summary_and_symptoms(tiny_graph):
    text = concept_texts(tiny_graph)["adam"]
    for part in ("Adam optimizer", "adaptive moment estimation", "running moments",
                 "loss spikes late in training", "loss becomes NaN"):
        assert part in text
    assert text_hash(text) == text_hash(str(text)) and len(text_hash(text)) == 32


def test_stored_vectors_match_the_embedder(tiny_dir, tmp_path):
    db = tmp_path / "graph.duckdb"
    build(tiny_dir, db, vectors=cached_vector_source(HashEmbedder(), tmp_path / "emb"))
    store = Store(db)
    ids, matrix, model_id = store.vectors()
    texts = concept_texts(load_graph(tiny_dir))
    assert matrix.dtype == np.float32 and matrix.shape == (8, DIM)
    assert np.allclose(matrix, HashEmbedder().embed([texts[c] for c in ids]), atol=1e-6)
    assert model_id == HashEmbedder.model_id
    store.close()
