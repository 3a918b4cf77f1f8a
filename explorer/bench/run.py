"""`explorer bench`: the speed budgets of docs/ARCHITECTURE.md, measured on this machine.

Two graphs: the curated one and a synthetic one (100k concepts by default, built once into a
DuckDB file with seeded random vectors, so no model has to embed 100k texts). Each row is
(what, graph, measured, budget); `--browser` adds the numbers a user waits for in Chromium.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from explorer import settings
from explorer.bench.synthetic import synthetic_graph
from explorer.domain.relevance import bench_relevance
from explorer.search.embeddings import DIM, MODEL_ID
from explorer.search.engine import Searcher, bench_brute_force, bench_search
from explorer.storage.graph_store import SCHEMA_VERSION, Store, read_meta, write_database
from explorer.storage.workspace import Workspace

# Problems in a practitioner's words, written for this benchmark (not the evaluation set).
CURATED_QUERIES = (
    "Adam", "adma", "loss becomes NaN with float16", "gradients explode in my RNN",
    "validation accuracy much lower than training accuracy", "matrix is singular",
    "model is slow on the GPU, memory bound", "softmax overflow for large logits",
    "what learning rate warmup should I use", "batch norm behaves differently at eval",
    "CNN fails on larger images", "attention is too slow for long sequences",
    "int8 quantization drops accuracy", "covariance matrix not positive definite",
    "probabilities are overconfident", "least squares normal equations unstable",
    "cholesky decomposition failed", "dead ReLU units", "weight decay with Adam",
    "results differ between runs on GPU",
)


@dataclass(frozen=True)
class Row:
    what: str
    graph: str
    measured: float
    budget: float | None
    unit: str

    @property
    def ok(self) -> bool | None:
        return None if self.budget is None else self.measured <= self.budget


def synthetic_database(n: int, path: Path, seed: int = 1) -> tuple[Path, dict[str, str]]:
    """Build (once) a synthetic graph of `n` concepts with random unit vectors into `path`."""
    graph = synthetic_graph(n, seed=seed)
    source = f"synthetic:{n}:{seed}"
    names = {cid: c.name for cid, c in graph.concepts.items()}
    meta = read_meta(path)
    if meta.get("source_hash") == source and meta.get("schema_version") == str(SCHEMA_VERSION):
        return path, names
    rng = np.random.default_rng(seed)

    def vectors(g):
        matrix = rng.standard_normal((len(g.concepts), DIM), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        return MODEL_ID, {cid: ("synthetic", v) for cid, v in zip(g.concepts, matrix,
                                                                  strict=True)}

    write_database(graph, path, source=source, vectors=vectors)
    return path, names


def _synthetic_queries(names: dict[str, str], k: int = 30, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    picks = rng.sample(sorted(names.values()), k)
    return [p if i % 2 else f"my {p.lower()} diverges after a few steps"
            for i, p in enumerate(picks)]


def run(*, synthetic: int = 100_000, browser: bool = False, work: Path | None = None,
        progress: Callable[[str], None] = lambda _: None) -> list[Row]:
    work = work or Path(tempfile.gettempdir()) / "explorer-bench"
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []

    progress("curated graph: relevance and search")
    ws = Workspace.open(settings.path("EXPLORER_DB"), settings.path("EXPLORER_DATA"),
                        embeddings=settings.path("EXPLORER_EMBEDDINGS"),
                        seed=settings.path("EXPLORER_EMBEDDINGS_SEED"))
    rel = bench_relevance(ws.graph)
    rows += [Row("relevance, new year (all concepts)", "curated", rel["new_year_ms"], 100, "ms"),
             Row("relevance, new goal (all concepts)", "curated", rel["new_goal_ms"], 100, "ms")]
    searcher = Searcher(ws.store)
    curated = bench_search(searcher, CURATED_QUERIES)
    rows += [Row(f"search warm p95 ({curated['mode']})", "curated", curated["p95_ms"], 30, "ms"),
             Row("search warm p50", "curated", curated["p50_ms"], None, "ms")]
    brute = bench_brute_force()
    rows.append(Row("numpy brute force, 100k × 384, p95", "random", brute["p95_ms"], None, "ms"))

    if synthetic:
        label = f"synthetic {synthetic // 1000}k"
        progress(f"{label}: building the database (once)")
        db, names = synthetic_database(synthetic, work / f"synthetic-{synthetic}.duckdb")
        store = Store(db)
        graph = store.load_graph()
        progress(f"{label}: relevance and search")
        rel = bench_relevance(graph, runs=3)
        rows += [Row("relevance, new year (all concepts)", label, rel["new_year_ms"], 3000, "ms"),
                 Row("relevance, new goal (all concepts)", label, rel["new_goal_ms"], 3000, "ms")]
        big = bench_search(Searcher(store), _synthetic_queries(names))
        rows.append(Row(f"search warm p95 ({big['mode']})", label, big["p95_ms"], 100, "ms"))

    if browser:
        rows += _browser_rows(ws, work, synthetic, progress)
    return rows


def _browser_rows(ws: Workspace, work: Path, synthetic: int,
                  progress: Callable[[str], None]) -> list[Row]:
    from explorer.bench.browser import measure_app  # noqa: PLC0415 (needs playwright)

    app = settings.PROJECT_ROOT / "streamlit_app.py"
    cases = [("curated", {"EXPLORER_PROGRESS": str(work / "progress-curated.duckdb")},
              "adam", {cid: c.name for cid, c in ws.graph.concepts.items()}, (150, 300, 15))]
    if synthetic:
        db, names = synthetic_database(synthetic, work / f"synthetic-{synthetic}.duckdb")
        start = max(names, key=lambda c: (c.startswith("optimization"), c))
        cases.append((f"synthetic {synthetic // 1000}k",
                      {"EXPLORER_DB": str(db), "EXPLORER_AUTOBUILD": "0",
                       "EXPLORER_PROGRESS": str(work / "progress-synthetic.duckdb")},
                      start, names, (250, 500, 200)))
    rows = []
    for label, env, start, names, (p50, p95, kb) in cases:
        progress(f"{label}: a real Chromium clicks through the graph")
        m = measure_app(app, env, start, names, log=work / f"streamlit-{label[:9]}.log")
        paint_budget = 4 if label == "curated" else 8
        rows += [
            Row("server start → first graph painted", label, m["start_to_paint_s"],
                paint_budget, "s"),
            Row("click → card updated, p50", label, m["card_p50_ms"], p50, "ms"),
            Row("click → card updated, p95", label, m["card_p95_ms"], p95, "ms"),
            Row("click → graph redrawn in place, p50", label, m["graph_p50_ms"], None, "ms"),
            Row("data per click, websocket payload, p50", label, m["bytes_p50"] / 1000, kb,
                "KB"),
            Row("data per click, deflated on the wire, p50", label,
                m["deflated_bytes_p50"] / 1000, kb, "KB"),
            Row("HTTP bytes per click (cache hits are 0), p50", label,
                m["http_bytes_p50"] / 1000, None, "KB"),
        ]
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| what | graph | measured | budget | |", "|---|---|---|---|---|"]
    for r in rows:
        budget = f"≤ {r.budget:g} {r.unit}" if r.budget is not None else "–"
        mark = {True: "ok", False: "OVER", None: ""}[r.ok]
        lines.append(f"| {r.what} | {r.graph} | {r.measured:.1f} {r.unit} | {budget} | {mark} |")
    return "\n".join(lines)


def to_json(rows: list[Row]) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return json.dumps({"at": stamp, "rows": [r.__dict__ | {"ok": r.ok} for r in rows]},
                      indent=2)
