"""Search with the real packaged model (all-MiniLM-L6-v2): slow (~10 s) but must run in CI."""

from __future__ import annotations

import pytest

from explorer.search.embeddings import MODEL_ID, SentenceTransformerEmbedder, cached_vector_source
from explorer.search.engine import CLOSE_SIMILARITY, Searcher
from explorer.storage.graph_store import Store, build

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def model() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def test_real_model_finds_float16_for_a_nan_question(tiny_dir, tmp_path, model):
    db = tmp_path / "graph.duckdb"
    result = build(tiny_dir, db, vectors=cached_vector_source(model, tmp_path / "emb"))
    assert result.counts["vectors"] == 8
    store = Store(db)
    ids, matrix, model_id = store.vectors()
    assert model_id == MODEL_ID and matrix.shape == (8, 384)
    searcher = Searcher(store, lambda: model)
    assert searcher.wait(120), searcher.status
    res = searcher.search("my loss becomes NaN when training in float16", limit=5)
    assert res.mode == "hybrid" and res.note == ""
    top = [h.id for h in res.hits]
    assert "float16" in top
    assert "semantic" in res.hits[top.index("float16")].matched_by
    # meaning alone, with no shared words: the semantic list still finds it
    sem = [cid for cid, _ in searcher.semantic("sixteen-bit numbers", limit=2)]
    assert "float16" in sem
    store.close()


def test_query_path_matches_batch_encoding(model):
    """Short inputs skip encode() (a query's fast path); the vectors must be the same."""
    texts = ["loss becomes NaN in float16", "adam", "gradient clipping", "LU", "softmax overflow",
             "a much longer sentence about ill-conditioned least squares problems"]
    batch = model.embed(texts)  # more than 4: encode()
    for i, text in enumerate(texts):
        single = model.embed([text])[0]
        assert abs(float(single @ batch[i]) - 1.0) < 1e-5
        assert abs(float(single @ single) - 1.0) < 1e-5



def test_nonsense_has_no_close_hit_and_a_real_query_has(tiny_dir, tmp_path, model):
    """'zzzqqq' once returned four confident hits: what meaning alone finds below
    CLOSE_SIMILARITY is only "the nearest there is"."""
    db = tmp_path / "graph.duckdb"
    build(tiny_dir, db, vectors=cached_vector_source(model, tmp_path / "emb"))
    store = Store(db)
    searcher = Searcher(store, lambda: model)
    assert searcher.wait(120), searcher.status
    nonsense = searcher.search("zzzqqq", limit=5)
    assert not any(h.close for h in nonsense.hits)
    assert all(h.similarity is not None and h.similarity < CLOSE_SIMILARITY
               for h in nonsense.hits)
    real = searcher.search("heavy ball momentum", limit=5)
    assert real.hits[0].id == "momentum" and real.hits[0].close
    store.close()
