"""The keyword half of search at scale: our SQL BM25F and typo keys against bm25s and rapidfuzz.

`python -m explorer.bench.keywords [--n 100000] [--json]` builds (once, cached in
/tmp/explorer-bench like `explorer bench`) a synthetic graph of `n` concepts and times, per query:

- BM25: `search.keywords.bm25` (one SQL query over the DuckDB postings) against `bm25s` (sparse
  matrices in memory) indexed with the same tokeniser, fields weighted by repetition (name 3×,
  alias 2×, the rest once, as close to our BM25F as bm25s allows);
- typos: `search.keywords.typo_corrections` (deletion keys joined in SQL, then
  `damerau_levenshtein`) against `rapidfuzz.process.extract` over the name and alias vocabulary
  with the same distance and the same per-word limit.

Quality is compared as overlap: the share of our top 10 that the library also returns in its top
10, and whether the typo corrections agree. Needs the optional packages `bm25s` and `rapidfuzz`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from explorer.bench.run import _synthetic_queries, synthetic_database
from explorer.search import keywords as kw
from explorer.storage.graph_store import Store

REPEAT = {"name": 3, "alias": 2}


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))], 2)


def _timed(fn, items) -> tuple[list, list[float]]:
    out, times = [], []
    for item in items:
        start = time.perf_counter()
        out.append(fn(item))
        times.append((time.perf_counter() - start) * 1000)
    return out, times


def misspell(word: str, rng: random.Random) -> str:
    """One adjacent swap inside a word of 5+ letters (an edit both sides tolerate)."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def run(n: int = 100_000, work: Path | None = None) -> dict:
    import bm25s  # noqa: PLC0415  (optional: only this benchmark needs it)
    from rapidfuzz import process  # noqa: PLC0415
    from rapidfuzz.distance import DamerauLevenshtein  # noqa: PLC0415

    work = work or Path(tempfile.gettempdir()) / "explorer-bench"
    work.mkdir(parents=True, exist_ok=True)
    db, names = synthetic_database(n, work / f"synthetic-{n}.duckdb")
    store = Store(db)
    graph = store.load_graph()
    cur = store.cursor()
    queries = [kw.tokenize(q) for q in _synthetic_queries(names, k=40)]
    rng = random.Random(5)
    typo_queries = [[misspell(w, rng) for w in q] for q in queries]
    result: dict = {"n": n, "queries": len(queries)}

    sql_hits, sql_ms = _timed(lambda t: [h.id for h in kw.bm25(cur, t, limit=10)], queries)

    start = time.perf_counter()
    ids, corpus = [], []
    for cid, fields in kw.document_fields(graph).items():
        tokens = []
        for field, text in fields:
            tokens += kw.tokenize(text) * REPEAT.get(field, 1)
        ids.append(cid)
        corpus.append(tokens)
    retriever = bm25s.BM25(k1=kw.K1, b=kw.B)
    retriever.index(corpus, show_progress=False)
    index_s = time.perf_counter() - start

    def lib_bm25(terms: list[str]) -> list[str]:
        known = [t for t in terms if t in retriever.vocab_dict]
        if not known:
            return []
        docs, _ = retriever.retrieve([known], k=10, show_progress=False, n_threads=1)
        return [ids[i] for i in docs[0]]

    lib_hits, lib_ms = _timed(lib_bm25, queries)
    overlap = [len(set(a) & set(b)) / max(len(a), 1) for a, b in zip(sql_hits, lib_hits,
                                                                      strict=True) if a]
    result["bm25"] = {"sql_p50_ms": _pct(sql_ms, 50), "sql_p95_ms": _pct(sql_ms, 95),
                      "bm25s_p50_ms": _pct(lib_ms, 50), "bm25s_p95_ms": _pct(lib_ms, 95),
                      "bm25s_index_s": round(index_s, 1),
                      "top10_overlap_mean": round(statistics.mean(overlap), 3)}

    sql_fix, sql_typo_ms = _timed(lambda t: kw.typo_corrections(cur, t), typo_queries)
    vocab = [t for (t,) in cur.execute(
        "SELECT term FROM search_terms WHERE in_names ORDER BY term").fetchall()]
    known_terms = {t for (t,) in cur.execute("SELECT term FROM search_terms").fetchall()}

    def lib_typos(terms: list[str]) -> dict[str, list[str]]:
        out = {}
        for word in dict.fromkeys(terms):
            limit = kw.max_typos(word)
            if not limit or word in known_terms:
                continue
            found = process.extract(word, vocab, scorer=DamerauLevenshtein.distance,
                                    score_cutoff=limit, limit=None)
            if found:
                best = min(d for _, d, _ in found)
                out[word] = sorted(t for t, d, _ in found if d == best)
        return dict(sorted(out.items()))

    lib_fix, lib_typo_ms = _timed(lib_typos, typo_queries)
    agree = sum(a == b for a, b in zip(sql_fix, lib_fix, strict=True)) / len(sql_fix)
    result["typos"] = {"sql_p50_ms": _pct(sql_typo_ms, 50), "sql_p95_ms": _pct(sql_typo_ms, 95),
                       "rapidfuzz_p50_ms": _pct(lib_typo_ms, 50),
                       "rapidfuzz_p95_ms": _pct(lib_typo_ms, 95),
                       "vocabulary": len(vocab), "same_corrections": round(agree, 3)}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.n)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for part in ("bm25", "typos"):
            print(part, " ".join(f"{k}={v}" for k, v in result[part].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
