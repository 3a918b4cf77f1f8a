"""The atlas: one fixed position per concept, computed once at build time, like a map.

Every view draws concepts where the atlas puts them, so the same concept is in the same place in
the focus view, the whole map, every session and every reload.

Coordinates are vis-network canvas units: x grows to the right, y grows *downwards* (as on a
screen), and one unit is one CSS pixel at zoom 1. Layers are horizontal bands, physics at the
bottom (largest y) and architectures at the top (smallest y), `band_height` apart.

Inside its band a layer is a grid of `COLUMN` × `ROW` cells, filled column by column (so
neighbours in the layer's order are neighbours on the map), odd rows shifted by half a column
so that labels of vertically adjacent concepts do not sit on top of each other. The order within
each layer is found by barycentric sweeps (Sugiyama's heuristic for layered drawings): each
concept moves towards the mean x of the concepts it is joined to, in any layer, and the layer is
re-sorted. That puts related concepts near each other and costs O(edges) per sweep, so a
100,000-concept graph takes about a second. It is deterministic: the start is the order of the
source files, ties break by id, and `seed` only adds a reproducible jitter to the start.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from explorer.domain.model import Graph

VERSION = "3"  # stored with a build; change it when the layout changes, so files are rebuilt
COLUMN = 170.0  # canvas units between columns of a layer (room for a ~20-character label)
ROW = 64.0  # between rows of a layer (a dot, a two-line label and a gap)
LAYER_GAP = 70.0  # empty space between two layer bands
MAX_ROWS = 4  # the most populous layer gets this many rows; the others as many as they need
SWEEPS = 40
SELF_WEIGHT = 1.0  # how much a concept's own place counts against its neighbours' mean

Position = tuple[float, float]


@dataclass(frozen=True)
class Band:
    """One layer's horizontal band on the map (canvas units, `top` < `bottom`)."""

    layer: str
    name: str
    index: int  # 0 for the lowest layer (physics)
    top: float
    bottom: float


def layout(graph: Graph, seed: int = 0, sweeps: int = SWEEPS) -> dict[str, Position]:
    """Concept id → (x, y) for every concept of `graph`: layer bands, related concepts close.

    >>> from explorer.domain.model import Concept, Graph, Layer
    >>> g = Graph((Layer("low", "Low", 0), Layer("high", "High", 1)), (), {
    ...     "a": Concept("a", "A", "low", ""), "b": Concept("b", "B", "high", "")}, {})
    >>> pos = layout(g)
    >>> pos["a"][1] > pos["b"][1]  # the lower layer is drawn lower (canvas y points down)
    True
    """
    ids = list(graph.concepts)
    if not ids:
        return {}
    layer_index = _layer_index(graph)
    index = {cid: i for i, cid in enumerate(ids)}
    layer_of = np.array([layer_index[graph.concepts[c].layer] for c in ids])
    members = [np.flatnonzero(layer_of == li) for li in range(max(layer_of) + 1)]
    largest = max(len(m) for m in members)
    columns = max(1, math.ceil(largest / MAX_ROWS))
    rows = [max(1, math.ceil(len(m) / columns)) if len(m) else 0 for m in members]
    band = max(rows) * ROW + LAYER_GAP

    src, dst = _undirected_edges(graph, index)
    degree = np.bincount(np.concatenate([src, dst]), minlength=len(ids)).astype(float)
    rng = random.Random(seed)
    # Start in source order (authors write related concepts together), with a tiny jitter.
    order = [m[np.argsort([i + rng.random() * 0.1 for i in range(len(m))], kind="stable")]
             for m in members]
    slots = [_slot_x(len(m), r) for m, r in zip(members, rows, strict=True)]
    x = np.zeros(len(ids))
    for o, s in zip(order, slots, strict=True):
        x[o] = s
    for _ in range(sweeps):
        pull = np.bincount(src, weights=x[dst], minlength=len(ids))
        pull += np.bincount(dst, weights=x[src], minlength=len(ids))
        target = (pull + SELF_WEIGHT * x) / (degree + SELF_WEIGHT)
        for li, m in enumerate(members):
            if len(m) == 0:
                continue
            # Sort by target, then by the current place and id, so the result is stable.
            keys = np.lexsort((m, x[m], target[m]))
            order[li] = m[keys]
            x[order[li]] = slots[li]
    px = x.copy()
    py = np.zeros(len(ids))
    for li, o in enumerate(order):
        if len(o) == 0:
            continue
        row = np.arange(len(o)) % rows[li]
        py[o] = -li * band + (row - (rows[li] - 1) / 2) * ROW
        if rows[li] > 1:  # odd rows half a column to the right
            px[o] += np.where(row % 2 == 1, COLUMN / 2, 0.0) - COLUMN / 4
    px, py = np.round(px, 1).tolist(), np.round(py, 1).tolist()
    positions: dict[str, Position] = dict(zip(ids, zip(px, py, strict=True), strict=True))
    return positions


def bands(graph: Graph, positions: dict[str, Position]) -> list[Band]:
    """The band of every layer that has concepts, lowest layer first: bands touch, each
    boundary halfway between the rows of the two layers it separates."""
    spans: dict[str, tuple[float, float]] = {}
    for cid, (_, y) in positions.items():
        concept = graph.concepts.get(cid)
        if concept is not None:
            lo, hi = spans.get(concept.layer, (y, y))
            spans[concept.layer] = (min(lo, y), max(hi, y))
    present = [la for la in sorted(graph.layers, key=lambda la: la.position) if la.id in spans]
    out = []
    for i, la in enumerate(present):
        top_row, bottom_row = spans[la.id]
        below = spans[present[i - 1].id][0] if i > 0 else bottom_row + LAYER_GAP + ROW
        above = spans[present[i + 1].id][1] if i + 1 < len(present) else top_row - LAYER_GAP - ROW
        out.append(Band(la.id, la.name, la.position, (top_row + above) / 2,
                        (bottom_row + below) / 2))
    return out


def _layer_index(graph: Graph) -> dict[str, int]:
    """Layer id → 0 for the lowest; layers a concept names but the file lacks go on top."""
    order = {la.id: i for i, la in enumerate(sorted(graph.layers, key=lambda la: la.position))}
    for c in graph.concepts.values():
        order.setdefault(c.layer, len(order))
    return order


def _undirected_edges(graph: Graph, index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each joined pair once (smaller index first), whatever kinds and directions join it."""
    flat = [index.get(end, -1) for s, d, _, _ in graph.edges() for end in (s, d)]
    arr = np.array(flat, dtype=np.int64).reshape(-1, 2)
    arr = arr[(arr >= 0).all(axis=1) & (arr[:, 0] != arr[:, 1])]
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.unique(np.sort(arr, axis=1), axis=0)
    return arr[:, 0], arr[:, 1]


def _slot_x(count: int, rows: int) -> np.ndarray:
    """x of each slot of a layer's grid, in fill order (column by column), centred on 0."""
    if count == 0:
        return np.zeros(0)
    cols = math.ceil(count / rows)
    k = np.arange(count)
    return (k // rows - (cols - 1) / 2) * COLUMN
