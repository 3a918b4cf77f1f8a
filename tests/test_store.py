"""The DuckDB file: migrations, round trip, atomic and idempotent builds, read-only access."""

from __future__ import annotations

import threading

import duckdb
import pytest

from explorer.domain.loader import GraphError
from explorer.search.embeddings import cached_vector_source
from explorer.storage.graph_store import SCHEMA_VERSION, Store, build, read_meta


def test_round_trip_preserves_the_model(tiny_dir, tmp_path, tiny_graph):
    db = tmp_path / "g.duckdb"
    result = build(tiny_dir, db)
    assert result.built and result.counts["concepts"] == 8
    store = Store(db)
    graph = store.load_graph()
    assert graph.concepts == tiny_graph.concepts
    assert graph.decisions == tiny_graph.decisions
    assert graph.decisions["training-diverges"].evidence[0].url == "https://example.org/threads/1"
    assert [la.id for la in graph.layers] == [la.id for la in tiny_graph.layers]
    meta = store.meta()
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert {"source_hash", "built_at", "counts"} <= set(meta)


def test_unchanged_sources_make_a_noop_build(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    stamp = db.stat().st_mtime_ns
    again = build(tiny_dir, db)
    assert not again.built and db.stat().st_mtime_ns == stamp
    (tiny_dir / "concepts/physics.yaml").write_text(
        (tiny_dir / "concepts/physics.yaml").read_text().replace("switch", "valve"))
    assert build(tiny_dir, db).built


def test_failed_build_leaves_previous_database_byte_for_byte(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    before = db.read_bytes()
    (tiny_dir / "concepts/physics.yaml").write_text("- {id: x, name: X, layer: nowhere}\n")
    with pytest.raises(GraphError):
        build(tiny_dir, db)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("g.")) == ["g.duckdb"]


def test_crash_while_writing_leaves_previous_database(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    before = db.read_bytes()
    (tiny_dir / "concepts/physics.yaml").write_text(
        (tiny_dir / "concepts/physics.yaml").read_text().replace("switch", "relay"))

    def exploding_vectors(graph):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build(tiny_dir, db, vectors=exploding_vectors)
    assert db.read_bytes() == before


def test_store_is_read_only(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    store = Store(db)
    with pytest.raises(duckdb.Error):
        store.cursor().execute("DELETE FROM concepts")


def test_cursor_per_thread(tiny_dir, tmp_path):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    store = Store(db)
    counts, errors = [], []

    def read():
        try:
            for _ in range(20):
                counts.append(len(store.load_graph().concepts))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(counts) == {8}


def test_vectors_are_stored_as_float_384(tiny_dir, tmp_path, fake_embedder):
    db = tmp_path / "g.duckdb"
    build(tiny_dir, db, vectors=cached_vector_source(fake_embedder, tmp_path / "cache"))
    ids, matrix, model = Store(db).vectors()
    assert len(ids) == 8 and matrix.shape == (8, 384) and model == fake_embedder.model_id
    with duckdb.connect(str(db), read_only=True) as con:
        kind = con.execute("SELECT data_type FROM information_schema.columns "
                           "WHERE table_name = 'vectors' AND column_name = 'vec'").fetchall()
    assert kind[0][0] == "FLOAT[384]"


def test_read_meta_of_missing_or_corrupt_file(tmp_path):
    assert read_meta(tmp_path / "missing.duckdb") == {}
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database")
    assert read_meta(bad) == {}


def test_in_memory_store(tiny_store, tiny_graph):
    assert tiny_store.load_graph().concepts.keys() == tiny_graph.concepts.keys()


def test_atlas_positions_round_trip(tiny_dir, tmp_path, tiny_graph):
    """Every concept gets its atlas position at build time, and reads back exactly."""
    from explorer.domain.atlas import layout

    db = tmp_path / "g.duckdb"
    build(tiny_dir, db)
    stored = Store(db).positions()
    assert stored == layout(tiny_graph)
    assert set(stored) == set(tiny_graph.concepts)
    assert Store.from_graph(tiny_graph).positions() == stored  # the in-memory store too
