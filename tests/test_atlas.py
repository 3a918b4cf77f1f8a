"""The atlas: every concept placed once, deterministically, by layer, related concepts close."""

from __future__ import annotations

import random
import statistics
from math import hypot

from explorer.bench.synthetic import synthetic_graph
from explorer.domain.atlas import COLUMN, ROW, bands, layout


def test_every_concept_is_placed_and_the_layout_is_deterministic(tiny_graph):
    first = layout(tiny_graph)
    assert set(first) == set(tiny_graph.concepts)
    assert layout(tiny_graph) == first
    assert layout(tiny_graph, seed=0) == first


def test_layers_are_stacked_physics_at_the_bottom():
    g = synthetic_graph(2_000, seed=3)
    pos = layout(g)
    order = {la.id: la.position for la in g.layers}
    by_layer: dict[int, list[float]] = {}
    for cid, (_, y) in pos.items():
        by_layer.setdefault(order[g.concepts[cid].layer], []).append(y)
    levels = sorted(by_layer)
    for lower, upper in zip(levels, levels[1:], strict=False):
        # canvas y points down: every concept of a higher layer is drawn above the lower one
        assert max(by_layer[upper]) < min(by_layer[lower])
    found = bands(g, pos)
    assert [b.index for b in found] == levels
    assert all(b.top < b.bottom for b in found)
    assert all(a.top == b.bottom for a, b in zip(found, found[1:], strict=False))  # they touch


def test_no_two_concepts_share_a_cell():
    g = synthetic_graph(3_000, seed=5)
    pos = layout(g)
    cells = {(round(x / (COLUMN / 4)), round(y / (ROW / 2))) for x, y in pos.values()}
    assert len(cells) == len(pos)


def test_joined_concepts_sit_closer_than_random_pairs():
    g = synthetic_graph(2_000, seed=11)
    pos = layout(g)

    def dist(a: str, b: str) -> float:
        return hypot(pos[a][0] - pos[b][0], pos[a][1] - pos[b][1])

    joined = statistics.mean(dist(s, d) for s, d, _, _ in g.edges())
    rng = random.Random(0)
    ids = list(pos)
    unjoined = statistics.mean(dist(*rng.sample(ids, 2)) for _ in range(5_000))
    assert joined < 0.7 * unjoined
    unsorted = layout(g, sweeps=0)  # source order only: the sweeps are what bring them close
    before = statistics.mean(hypot(unsorted[s][0] - unsorted[d][0],
                                   unsorted[s][1] - unsorted[d][1]) for s, d, _, _ in g.edges())
    assert joined < before


def test_explorer_serves_the_stored_positions(tiny_dir, tmp_path):
    """The use-case layer reads the positions built into the DuckDB file, one per concept."""
    from explorer.storage.graph_store import Store, build
    from explorer.usecases import open_explorer

    db = tmp_path / "atlas.duckdb"
    build(tiny_dir, db)
    app = open_explorer(db_path=db, data_dir=tiny_dir, progress_path=tmp_path / "p.sqlite")
    assert app.positions() == Store(db).positions()
    assert set(app.positions()) == set(app.graph.concepts)
    assert [b.layer for b in app.bands()] == [
        la.id for la in app.graph.layers if any(c.layer == la.id
                                                for c in app.graph.concepts.values())]
