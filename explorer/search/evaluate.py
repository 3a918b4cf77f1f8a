"""Search quality on real questions: recall@1, recall@5 and MRR, with the misses spelt out.

A query file is a JSON list of `{"query": ..., "expected": [concept names]}`, written by
practitioners. Expected names are matched to concept names, aliases and ids ignoring case and
punctuation; a query counts as found at rank r when any expected concept is the r-th hit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from explorer.search.engine import Searcher
from explorer.search.keywords import name_key, name_variants
from explorer.settings import PROJECT_ROOT

# The dev set lives beside the project, never inside it (so it cannot leak into the graph).
DEFAULT_QUERIES = PROJECT_ROOT.parent / "shared" / "eval" / "dev_queries.json"
EVAL_DEPTH = 10  # MRR counts ranks up to here


@dataclass(frozen=True)
class Outcome:
    query: str
    expected: list[str]
    rank: int | None  # 1-based rank of the first expected concept, None if not in the top hits
    top: list[str]  # names of the top 5 hits
    unknown: list[str] = field(default_factory=list)  # expected names no concept carries


@dataclass(frozen=True)
class Report:
    queries: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    mode: str
    outcomes: list[Outcome]

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.rank is None or o.rank > 5]

    def to_dict(self) -> dict:
        return {"queries": self.queries, "recall@1": round(self.recall_at_1, 4),
                "recall@5": round(self.recall_at_5, 4), "mrr": round(self.mrr, 4),
                "mode": self.mode, "misses": [asdict(o) for o in self.misses]}


def load_queries(path: str | Path | None = None) -> list[dict]:
    """The query file as a list of {"query", "expected"}; raises ValueError if malformed."""
    path = Path(path) if path else DEFAULT_QUERIES
    if not path.exists():
        raise FileNotFoundError(f"no query file at {path}; pass --queries FILE")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(
            isinstance(q, dict) and isinstance(q.get("query"), str)
            and isinstance(q.get("expected"), list) for q in data):
        raise ValueError(f"{path}: expected a list of {{'query': str, 'expected': [names]}}")
    return data


def name_index(concepts: dict[str, tuple[str, Sequence[str]]]) -> dict[str, set[str]]:
    """name key -> concept ids, over names (and their parts), aliases and ids."""
    index: dict[str, set[str]] = {}
    for cid, (name, aliases) in concepts.items():
        for text in (*name_variants(name), *aliases, cid):
            index.setdefault(name_key(text), set()).add(cid)
    return index


def first_rank(ranked: Sequence[str], expected: set[str]) -> int | None:
    return next((i for i, cid in enumerate(ranked, start=1) if cid in expected), None)


def metrics(ranks: Sequence[int | None]) -> tuple[float, float, float]:
    """(recall@1, recall@5, MRR) from the rank of the first expected hit of each query."""
    n = len(ranks) or 1
    return (sum(r == 1 for r in ranks if r) / n, sum(r <= 5 for r in ranks if r) / n,
            sum(1 / r for r in ranks if r) / n)


def evaluate(searcher: Searcher, queries: list[dict], *, depth: int = EVAL_DEPTH) -> Report:
    concepts = {cid: (name, aliases) for cid, (name, aliases, _) in searcher.concepts.items()}
    index = name_index(concepts)
    outcomes, mode = [], "hybrid"
    for q in queries:
        expected_ids: set[str] = set()
        unknown = []
        for name in q["expected"]:
            ids = index.get(name_key(str(name)), set())
            expected_ids |= ids
            if not ids:
                unknown.append(name)
        result = searcher.search(q["query"], limit=depth)
        mode = result.mode if result.mode == "keywords" else mode
        ranked = [h.id for h in result.hits]
        outcomes.append(Outcome(q["query"], list(q["expected"]), first_rank(ranked, expected_ids),
                                [h.name for h in result.hits[:5]], unknown))
    r1, r5, mrr = metrics([o.rank for o in outcomes])
    return Report(len(outcomes), r1, r5, mrr, mode, outcomes)


def format_report(report: Report) -> str:
    lines = [f"{report.queries} queries ({report.mode}): recall@1 {report.recall_at_1:.3f}  "
             f"recall@5 {report.recall_at_5:.3f}  MRR {report.mrr:.3f}"]
    if report.misses:
        lines += ["", f"Misses ({len(report.misses)}):"]
    for o in report.misses:
        where = f"rank {o.rank}" if o.rank else "not in the top 10"
        lines.append(f"- {o.query[:100]!r}: {where}")
        lines.append(f"    expected: {', '.join(o.expected)}")
        if o.unknown:
            lines.append(f"    not in the graph: {', '.join(o.unknown)}")
        lines.append(f"    got: {', '.join(o.top)}")
    return "\n".join(lines)
