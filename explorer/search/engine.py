"""Search for a concept or a problem: exact names first, then keywords and meaning, fused.

`Searcher(store)` answers at once: the embedding model loads in a background thread (once per
process, behind a lock) and until it is ready, or if it cannot load, search runs on keywords
only and says so in `SearchResult.note`. It never raises on a query, whatever the text.

Ranking: a query equal to a concept's name or alias (ignoring case and punctuation) puts that
concept first; the rest is reciprocal-rank fusion (RRF) of the semantic list (cosine similarity
against one float32 matrix of concept vectors), the BM25 keyword list (keyword.py), the typo list
and the concepts whose name appears inside the query.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import numpy as np

from explorer.domain.limits import MAX_QUERY_CHARS
from explorer.search import keywords as keyword
from explorer.search.embeddings import Embedder, SentenceTransformerEmbedder, concept_texts
from explorer.storage.graph_store import Store

RRF_K = 60  # the usual constant: rank 1 scores 1/61, rank 10 scores 1/70
LIST_DEPTH = 50  # how deep each ranked list goes into the fusion
# "mention": concepts whose name or alias appears word for word inside the query.
LIST_WEIGHTS = {"keyword": 1.0, "semantic": 1.0, "typo": 0.8, "mention": 0.5}
MATCH_ORDER = ("exact", "keyword", "typo", "semantic")
# Cosine similarity below which all-MiniLM-L6-v2 matches are noise ("hello", emoji score
# 0.09-0.13 against the curated graph); relevant concepts score 0.2-0.7.
SEMANTIC_FLOOR = 0.15
# A hit found by meaning alone is "close" from this similarity up: "zzzqqq" reaches 0.15-0.25
# against the curated graph through noise, "heavy ball momentum" 0.6 for Momentum.
CLOSE_SIMILARITY = 0.3
CLOSE_MATCHES = frozenset({"exact", "keyword", "typo"})
SNIPPET_CHARS = 160
QUERY_CACHE_SIZE = 512
TERMS_CACHE_SIZE = 20_000  # concepts whose snippet candidates are kept tokenised
MAX_TOP_UP = 5_000  # concepts without a stored vector that the searcher embeds itself
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


@dataclass(frozen=True)
class Hit:
    id: str
    name: str
    aliases: tuple[str, ...]
    layer: str
    score: float
    matched_by: tuple[str, ...]  # a subset of MATCH_ORDER, in that order
    snippet: str
    similarity: float | None = None  # cosine similarity to the query, when the model ranked it

    @property
    def close(self) -> bool:
        """A match worth offering as one: by name, keyword or typo, or by a meaning at least
        CLOSE_SIMILARITY alike. Hits that are not close are only the nearest there is."""
        return bool(CLOSE_MATCHES.intersection(self.matched_by)) or (
            self.similarity is not None and self.similarity >= CLOSE_SIMILARITY)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "aliases": list(self.aliases),
                "layer": self.layer, "score": round(self.score, 6),
                "matched_by": list(self.matched_by)}


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    mode: str  # "hybrid" (keywords and meaning) or "keywords"
    note: str = ""  # why the mode is "keywords", for the user


def clean_query(query: str) -> str:
    """Control characters become spaces, whitespace is collapsed, the length is capped at
    `limits.MAX_QUERY_CHARS` (cut first, so a megabyte pasted in costs nothing)."""
    text = str(query or "")[: 4 * MAX_QUERY_CHARS]
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_QUERY_CHARS].strip()


_SHARED: dict[str, Embedder] = {}
_SHARED_LOCK = threading.Lock()


def default_embedder(path: str | None = None) -> Embedder:
    """The model at `path` (None: the packaged one), one instance per process and path however
    many searchers ask for it."""
    key = path or "packaged"
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = SentenceTransformerEmbedder(path)
        return _SHARED[key]


def rrf(lists: dict[str, list[str]], weights: dict[str, float] | None = None,
        k: int = RRF_K) -> dict[str, tuple[float, set[str]]]:
    """Reciprocal-rank fusion: id -> (sum of weight / (k + rank), names of the lists it is in)."""
    weights = weights or LIST_WEIGHTS
    fused: dict[str, tuple[float, set[str]]] = {}
    for name, ids in lists.items():
        for rank, cid in enumerate(ids, start=1):
            score, found = fused.get(cid, (0.0, set()))
            fused[cid] = (score + weights.get(name, 1.0) / (k + rank), found | {name})
    return fused


class Searcher:
    """Hybrid search over one store. Safe to share between threads (a cursor per call)."""

    def __init__(self, store: Store,
                 embedder_factory: Callable[[], Embedder] = default_embedder, *,
                 background: bool = True, use_model: bool = True):
        self.store = store
        cur = store.cursor()
        self._concepts: dict[str, tuple[str, tuple[str, ...], str]] = {
            cid: (name, tuple(aliases or ()), layer) for cid, name, aliases, layer in cur.execute(
                "SELECT id, name, aliases, layer FROM concepts ORDER BY position").fetchall()}
        self._exact, self._phrases = self._name_indexes()
        # Snippet candidates, held in memory: a query costs no SQL beyond the keyword ranking.
        self._texts: dict[str, tuple[str, ...]] = {
            cid: (summary or "", *(symptoms or ()), *(decided or ()))
            for cid, summary, symptoms, decided in cur.execute("""
                SELECT c.id, c.summary, c.symptoms,
                       flatten(list(d.symptoms) FILTER (WHERE d.symptoms IS NOT NULL))
                FROM concepts c
                LEFT JOIN decision_links l ON l.concept_id = c.id
                LEFT JOIN decisions d ON d.id = l.decision_id
                GROUP BY c.id, c.summary, c.symptoms""").fetchall()}
        try:
            self._typos: keyword.TypoIndex | None = keyword.TypoIndex(cur)
        except duckdb.Error:  # built before the keyword index existed; search() says so
            self._typos = None
        self._ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._embedder: Embedder | None = None
        # Per searcher (they hold this store's texts and model), bounded, thread-safe.
        self._query_vector = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._embed_query)
        self._text_terms = lru_cache(maxsize=TERMS_CACHE_SIZE)(self._tokenized_texts)
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer-query")
        self._done = threading.Event()
        self._status = "keywords only: the model is loading"
        self._ready = False
        if not use_model:
            self._fail("disabled by EXPLORER_NO_MODEL")
        elif background:
            threading.Thread(target=self._load, args=(embedder_factory,), daemon=True,
                             name="explorer-model").start()
        else:
            self._load(embedder_factory)

    def _name_indexes(self) -> tuple[dict[str, list[str]], dict[tuple[str, ...], list[str]]]:
        """name key -> ids (for exact matches, ids included) and word sequence -> ids (for
        names mentioned inside a query). Names come before aliases, so a concept named "Adam"
        outranks one that merely has "adam" as an alias."""
        exact: dict[str, list[str]] = {}
        phrases: dict[tuple[str, ...], list[str]] = {}
        names = [(text, cid) for cid, (name, _, _) in self._concepts.items()
                 for text in (*keyword.name_variants(name), cid)]
        names += [(a, cid) for cid, (_, aliases, _) in self._concepts.items() for a in aliases]
        for text, cid in names:
            ids = exact.setdefault(keyword.name_key(text), [])
            if cid not in ids:
                ids.append(cid)
            words = keyword.phrase(text)
            if text != cid and any(w not in keyword.STOPWORDS for w in words):
                ids = phrases.setdefault(words, [])
                if cid not in ids:
                    ids.append(cid)
        return exact, phrases

    # -- the model, off the critical path -------------------------------------------------------

    def _fail(self, reason: str) -> None:
        with self._lock:
            self._status = f"keywords only: the model is unavailable: {reason}"
        self._done.set()

    def _load(self, factory: Callable[[], Embedder]) -> None:
        try:
            embedder = factory()
            embedder.embed(["warm up"])  # the real model loads on first use
            ids, matrix = self._concept_vectors(embedder)
        except Exception as exc:  # noqa: BLE001  (any failure means: keywords only)
            self._fail(f"{type(exc).__name__}: {exc}".strip()[:300])
            return
        with self._lock:
            self._embedder, self._ids, self._matrix = embedder, ids, matrix
            self._ready, self._status = True, "ready"
        self._done.set()

    def _concept_vectors(self, embedder: Embedder) -> tuple[list[str], np.ndarray]:
        """The stored vectors; concepts without one (or from another model) are embedded here."""
        ids, matrix, model_id = self.store.vectors()
        if model_id != embedder.model_id:
            ids, matrix = [], np.zeros((0, matrix.shape[1]), dtype=np.float32)
        stored = set(ids)
        missing = [cid for cid in self._concepts if cid not in stored]
        if len(missing) > MAX_TOP_UP:
            raise RuntimeError(f"{len(missing)} concepts have no vector for {embedder.model_id};"
                               " run `explorer build`")
        if missing:
            texts = concept_texts(self.store.load_graph())
            extra = np.concatenate([embedder.embed([texts[c] for c in missing[i:i + 64]])
                                    for i in range(0, len(missing), 64)])
            ids, matrix = ids + missing, np.concatenate([matrix.reshape(-1, extra.shape[1]),
                                                         extra])
        return ids, np.ascontiguousarray(matrix, dtype=np.float32)

    @property
    def concepts(self) -> dict[str, tuple[str, tuple[str, ...], str]]:
        """id -> (name, aliases, layer) of every searchable concept."""
        return self._concepts

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def status(self) -> str:
        """"ready", "keywords only: the model is loading" or "…unavailable: <reason>"."""
        return self._status

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the model is ready or has failed; True if it is ready."""
        self._done.wait(timeout)
        return self._ready

    def _embed_query(self, query: str) -> np.ndarray:
        """The query's vector (cached per query string as `_query_vector`)."""
        return self._embedder.embed([query])[0]

    # -- search -----------------------------------------------------------------------------------

    def semantic(self, query: str, limit: int = LIST_DEPTH) -> list[tuple[str, float]]:
        """(concept id, cosine similarity), best first; [] until the model is ready."""
        if not self._ready or not self._ids or not query:
            return []
        return self._nearest(self._query_vector(query), limit)

    def _nearest(self, vec: np.ndarray, limit: int = LIST_DEPTH) -> list[tuple[str, float]]:
        sims = self._matrix @ vec
        top = np.argpartition(-sims, min(limit, len(sims) - 1))[:limit]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self._ids[i], float(sims[i])) for i in top if sims[i] >= SEMANTIC_FLOOR]

    def exact(self, query: str) -> list[str]:
        return list(self._exact.get(keyword.name_key(query), ())) if query else []

    def search(self, query: str, limit: int = 10) -> SearchResult:
        query = clean_query(query)
        limit = max(1, min(int(limit), 1_000))
        ready, status = self._ready, self._status
        mode, note = ("hybrid", "") if ready else ("keywords", status)
        if not query:
            return SearchResult([], mode, note or "empty query")
        terms = keyword.tokenize(query)
        cur = self.store.cursor()
        lists: dict[str, list[str]] = {"keyword": [], "typo": [], "semantic": [],
                                       "mention": keyword.mentions(query, self._phrases)}
        fixes: dict[str, list[str]] = {}
        # The query vector is computed on the model's thread while DuckDB runs the keyword
        # queries here: torch (one thread) and DuckDB both release the GIL, so they overlap.
        pending = (self._pool.submit(self._query_vector, query)
                   if ready and self._ids else None)
        try:
            lists["keyword"] = [h.id for h in keyword.bm25(cur, terms, limit=LIST_DEPTH)]
            if self._typos is None:
                raise duckdb.CatalogException("the typo keys are missing")
            if fixes := self._typos.corrections(terms):
                lists["typo"] = [h.id for h in keyword.typo_search(cur, terms, limit=LIST_DEPTH,
                                                                   fixes=fixes)]
        except duckdb.Error as exc:  # an index from an older build: say so, do not crash
            note = f"keyword index unusable ({exc}); run `explorer build --force`"
        similarity: dict[str, float] = {}
        if pending is not None:
            try:
                similarity = dict(self._nearest(pending.result()))
                lists["semantic"] = list(similarity)
            except Exception as exc:  # noqa: BLE001  (a query never fails for the model's sake)
                mode, note = "keywords", f"keywords only: the model failed on this query: {exc}"
        fused = rrf(lists)
        exact = self.exact(query)
        for rank, cid in enumerate(exact):  # above every fused score (all < 1), in order
            score, found = fused.get(cid, (0.0, set()))
            fused[cid] = (2.0 - rank / (len(exact) + 1) + score, found | {"exact"})
        # "adma" -> "adam", "gradiant descnet" -> "gradient descent": a whole misspelt name
        # comes right after the exact matches.
        for cid in self._misspelt_names(query, fixes):
            score, found = fused.get(cid, (0.0, set()))
            if "exact" not in found:
                fused[cid] = (1.0 + score, found | {"typo"})
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        snippets = self._snippets([cid for cid, _ in ranked], set(terms))
        hits = []
        for cid, (score, found) in ranked:
            name, aliases, layer = self._concepts.get(cid, (cid, (), ""))
            if "mention" in found:  # a name inside the query is a keyword match
                found = found | {"keyword"}
            hits.append(Hit(cid, name, aliases, layer, score,
                            tuple(m for m in MATCH_ORDER if m in found), snippets.get(cid, ""),
                            similarity.get(cid)))
        return SearchResult(hits, mode, note)

    def _misspelt_names(self, query: str, fixes: dict[str, list[str]],
                        most: int = 16) -> list[str]:
        """Concepts whose whole name or alias is the query with its typos corrected."""
        if not fixes:
            return []
        variants: list[tuple[str, ...]] = [()]
        for word in keyword.phrase(query):
            variants = [v + (c,) for v in variants for c in fixes.get(word, [word])][:most]
        return list(dict.fromkeys(cid for v in variants for cid in self._phrases.get(v, ())))

    def _snippets(self, ids: list[str], terms: set[str]) -> dict[str, str]:
        """Per concept, the summary or symptom sharing most words with the query."""
        out = {}
        for cid in ids:
            texts = self._text_terms(cid)
            best = max(texts, key=lambda tt: (len(terms & tt[1]), tt[0] == texts[0][0]))[0]
            out[cid] = best if len(best) <= SNIPPET_CHARS else best[:SNIPPET_CHARS - 1] + "…"
        return out

    def _tokenized_texts(self, cid: str) -> tuple[tuple[str, frozenset[str]], ...]:
        """A concept's texts with their terms, tokenised once per concept on first use (cached as
        `_text_terms`: the same hits come back query after query; tokenising was a third of a
        search)."""
        return tuple((t, frozenset(keyword.tokenize(t))) for t in (self._texts.get(cid) or ("",)))


# -- measurement (called by `explorer bench`) -----------------------------------------------------

def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


def bench_brute_force(n: int = 100_000, dim: int = 384, k: int = 10, repeats: int = 30,
                      seed: int = 0) -> dict[str, float]:
    """Exact top-k by cosine over `n` random unit vectors in one float32 matrix, in ms."""
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    times = []
    for _ in range(repeats + 2):
        q = rng.standard_normal(dim, dtype=np.float32)
        start = time.perf_counter()
        sims = matrix @ (q / np.linalg.norm(q))
        top = np.argpartition(-sims, k)[:k]
        top[np.argsort(-sims[top])]
        times.append((time.perf_counter() - start) * 1000)
    times = times[2:]  # the first runs page the matrix in
    return {"n": n, "dim": dim, "k": k, "p50_ms": _percentile(times, 50),
            "p95_ms": _percentile(times, 95)}


def bench_search(searcher: Searcher, queries: Iterable[str], *, limit: int = 10,
                 model_timeout: float = 120.0) -> dict:
    """Warm search latency: the model loaded and one query run first, then each query once
    with its vector not yet cached (the realistic case) and once more cached."""
    queries = [q for q in queries if clean_query(q)]
    searcher.wait(model_timeout)
    if queries:
        searcher.search("warm up the caches " + queries[0], limit=limit)
    cold, cached = [], []
    for q in queries:
        for times in (cold, cached):
            start = time.perf_counter()
            searcher.search(q, limit=limit)
            times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(queries), "mode": "hybrid" if searcher.ready else "keywords",
        "status": searcher.status, "concepts": len(searcher.concepts),
        "p50_ms": _percentile(cold, 50), "p95_ms": _percentile(cold, 95),
        "max_ms": max(cold, default=0.0),
        "cached_vector_p95_ms": _percentile(cached, 95),
    }
