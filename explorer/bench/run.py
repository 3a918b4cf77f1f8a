"""`explorer bench`: the speed budgets of docs/ARCHITECTURE.md, measured on this machine.

The curated graph and synthetic ones (100k concepts by default; `--synthetic 1000,10000,100000`
for the growth curve), each built once into a DuckDB file with seeded random vectors, so no model
has to embed 100k texts. The result has stable keys (`KEYS`) per graph, `None` where a part was
not measured; `--browser` adds what a user waits for in Chromium, `--plot` draws cost against size.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
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


# Every key `--json` gives per graph; `None` where that part was not measured, never a guess.
KEYS = ("search_p50_ms", "search_p95_ms", "search_numpy_floor_p95_ms", "relevance_new_era_ms",
        "relevance_new_goal_ms", "first_paint_s", "click_card_p50_ms", "click_card_p95_ms",
        "click_graph_p50_ms", "ws_kb_per_click", "server_rss_mb")

# Budgets per graph kind (docs/PERFORMANCE.md): (key, limit). The search floor rule (at most 5 ×
# the numpy scan of the same vectors) is checked apart, in `verdicts`.
BUDGETS = {
    "curated": {"search_p95_ms": 20, "relevance_new_era_ms": 50, "relevance_new_goal_ms": 50,
                "first_paint_s": 3, "click_card_p50_ms": 150},
    "synthetic": {"search_p95_ms": 60, "relevance_new_era_ms": 1000, "first_paint_s": 6,
                  "click_card_p50_ms": 250},
}
FLOOR_FACTOR = 5


def empty() -> dict:
    return dict.fromkeys(KEYS)


def budgets(graph: str) -> dict[str, float]:
    return BUDGETS["curated" if graph == "curated" else "synthetic"]


def verdicts(graph: str, m: dict) -> dict[str, bool]:
    """Which budgets a graph's measurements meet (only measured ones are judged)."""
    out = {k: m[k] <= limit for k, limit in budgets(graph).items() if m.get(k) is not None}
    # The floor rule is stated for 100k concepts: below that the scan takes microseconds.
    big = graph.startswith("synthetic-") and int(graph.split("-")[1]) >= 100_000
    if big and m.get("search_p95_ms") and m.get("search_numpy_floor_p95_ms"):
        out["search_vs_floor"] = (m["search_p95_ms"]
                                  <= FLOOR_FACTOR * m["search_numpy_floor_p95_ms"])
    return out


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


def run(*, synthetic: tuple[int, ...] = (100_000,), browser: bool = False,
        work: Path | None = None, progress: Callable[[str], None] = lambda _: None) -> dict:
    """``{"graphs": {"curated": {KEYS…}, "synthetic-N": {KEYS…}}}`` measured on this machine."""
    work = work or Path(tempfile.gettempdir()) / "explorer-bench"
    work.mkdir(parents=True, exist_ok=True)
    graphs: dict[str, dict] = {}

    progress("curated graph: relevance and search")
    ws = Workspace.open(settings.path("EXPLORER_DB"), settings.path("EXPLORER_DATA"),
                        embeddings=settings.path("EXPLORER_EMBEDDINGS"),
                        seed=settings.path("EXPLORER_EMBEDDINGS_SEED"))
    m = graphs["curated"] = empty()
    rel = bench_relevance(ws.graph)
    m["relevance_new_era_ms"], m["relevance_new_goal_ms"] = rel["new_year_ms"], rel["new_goal_ms"]
    curated = bench_search(Searcher(ws.store), CURATED_QUERIES)
    m["search_p50_ms"], m["search_p95_ms"] = curated["p50_ms"], curated["p95_ms"]
    m["search_mode"] = curated["mode"]
    m["search_numpy_floor_p95_ms"] = bench_brute_force(n=len(ws.graph.concepts))["p95_ms"]

    for n in synthetic:
        key = f"synthetic-{n}"
        progress(f"{key}: building the database (once)")
        db, names = synthetic_database(n, work / f"{key}.duckdb")
        store = Store(db)
        graph = store.load_graph()
        progress(f"{key}: relevance and search")
        m = graphs[key] = empty()
        rel = bench_relevance(graph, runs=3)
        m["relevance_new_era_ms"], m["relevance_new_goal_ms"] = (rel["new_year_ms"],
                                                                 rel["new_goal_ms"])
        big = bench_search(Searcher(store), _synthetic_queries(names))
        m["search_p50_ms"], m["search_p95_ms"] = big["p50_ms"], big["p95_ms"]
        m["search_mode"] = big["mode"]
        m["search_numpy_floor_p95_ms"] = bench_brute_force(n=n)["p95_ms"]

    if browser:
        _browser(ws, work, synthetic, graphs, progress)
    return {"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "graphs": graphs}


def _browser(ws: Workspace, work: Path, synthetic: tuple[int, ...], graphs: dict,
             progress: Callable[[str], None]) -> None:
    from explorer.bench.browser import measure_app  # noqa: PLC0415 (needs playwright)

    app = settings.PROJECT_ROOT / "streamlit_app.py"
    cases = [("curated", {"EXPLORER_PROGRESS": str(work / "progress-curated.sqlite")},
              "adam", {cid: c.name for cid, c in ws.graph.concepts.items()})]
    for n in synthetic:
        db, names = synthetic_database(n, work / f"synthetic-{n}.duckdb")
        start = max(names, key=lambda c: (c.startswith("optimization"), c))
        cases.append((f"synthetic-{n}",
                      {"EXPLORER_DB": str(db), "EXPLORER_AUTOBUILD": "0",
                       "EXPLORER_PROGRESS": str(work / f"progress-synthetic-{n}.sqlite")},
                      start, names))
    for key, env, start, names in cases:
        progress(f"{key}: a real Chromium clicks through the graph")
        m = measure_app(app, env, start, names, log=work / f"streamlit-{key}.log")
        graphs[key] |= {"first_paint_s": m["start_to_paint_s"],
                        "click_card_p50_ms": m["card_p50_ms"],
                        "click_card_p95_ms": m["card_p95_ms"],
                        "click_graph_p50_ms": m["graph_p50_ms"],
                        "ws_kb_per_click": round(m["bytes_p50"] / 1000, 1),
                        "http_kb_per_click": round(m["http_bytes_p50"] / 1000, 1),
                        "server_rss_mb": m.get("server_rss_mb")}


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.1f}" if isinstance(value, float) else str(value)


def table(result: dict) -> str:
    """One row per measurement, one column per graph; budgets marked ok / OVER."""
    graphs = result["graphs"]
    lines = ["| what | " + " | ".join(graphs) + " |", "|---|" + "---|" * len(graphs)]
    for key in KEYS:
        cells = []
        for graph, m in graphs.items():
            limit = budgets(graph).get(key)
            mark = "" if limit is None or m.get(key) is None else (
                " ok" if m[key] <= limit else f" OVER (≤ {limit:g})")
            cells.append(_fmt(m.get(key)) + mark)
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def to_json(result: dict) -> str:
    out = {"at": result["at"], "graphs": {
        g: m | {"budgets_met": verdicts(g, m)} for g, m in result["graphs"].items()}}
    return json.dumps(out, indent=2)


def plot(result: dict, path: Path) -> Path:
    """A PNG of each cost against graph size (synthetic graphs, log–log), for PERFORMANCE.md."""
    import matplotlib  # noqa: PLC0415 (only for --plot)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    sizes = sorted(int(g.split("-")[1]) for g in result["graphs"] if g.startswith("synthetic-"))
    if not sizes:
        raise ValueError("--plot needs at least one synthetic graph (--synthetic N,M,…)")
    series = [k for k in KEYS if any(result["graphs"][f"synthetic-{n}"].get(k) is not None
                                     for n in sizes)]
    fig, ax = plt.subplots(figsize=(8, 5))
    for key in series:
        points = [(n, result["graphs"][f"synthetic-{n}"].get(key)) for n in sizes]
        points = [(n, v) for n, v in points if v is not None]
        ax.plot([n for n, _ in points], [v for _, v in points], marker="o", label=key)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("concepts in the graph")
    ax.set_ylabel("ms, s, KB or MB (as the key says)")
    ax.set_title(f"explorer bench, {result['at']}")
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
