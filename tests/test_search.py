"""Search: BM25 in SQL, typo tolerance, fusion, the keyword-only fallback and hostile queries."""

from __future__ import annotations

import math
import threading
from collections import Counter

import pytest

from explorer.domain.model import Concept, Decision, Goal, Graph, Influence, Layer
from explorer.search import keywords as keyword
from explorer.search.embeddings import HashEmbedder
from explorer.search.engine import MAX_QUERY_CHARS, Searcher, clean_query, rrf
from explorer.storage.graph_store import Store
from explorer.usecases import model_settings


def corpus() -> Graph:
    """Five tiny documents whose BM25 order is easy to reason about."""
    def c(cid, name, summary, aliases=(), symptoms=()):
        return Concept(id=cid, name=name, layer="l", summary=summary, aliases=tuple(aliases),
                       symptoms=tuple(symptoms))

    concepts = [
        c("softmax", "Softmax", "Turns scores into probabilities with exp and a sum.",
          symptoms=["exp overflows for large logits"]),
        c("log-sum-exp", "Log-sum-exp trick", "Subtract the max before exp to avoid overflow.",
          aliases=["logsumexp"]),
        c("overflow", "Floating point overflow", "A result too large for the format becomes inf.",
          aliases=["inf"]),
        c("sigmoid", "Sigmoid", "Squashes a score into a probability between 0 and 1."),
        c("adam", "Adam optimizer", "Adaptive steps from running moments of the gradient.",
          aliases=["Adam", "adaptive moment estimation"]),
    ]
    decisions = {"nan": Decision("nan", "Why is the loss NaN?", "debug",
                                 informed_by=(Influence("log-sum-exp", 0.8),),
                                 symptoms=("loss becomes nan",))}
    return Graph((Layer("l", "L", 0),), (Goal("build", "Build"),),
                 {x.id: x for x in concepts}, decisions)


@pytest.fixture
def store():
    s = Store.from_graph(corpus())
    yield s
    s.close()


def reference_bm25(graph: Graph, terms: list[str]) -> dict[str, float]:
    """BM25F written out in Python, to check the SQL against."""
    docs = {cid: {f: Counter(t for _, text in fields if _ == f for t in keyword.tokenize(text))
                  for f in keyword.FIELD_WEIGHTS}
            for cid, fields in keyword.document_fields(graph).items()}
    n = len(docs)
    avg = {f: sum(sum(d[f].values()) for d in docs.values()) / n for f in keyword.FIELD_WEIGHTS}
    scores: dict[str, float] = {}
    for term in set(terms):
        df = sum(any(d[f][term] for f in d) for d in docs.values())
        if not df:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for cid, d in docs.items():
            wtf = sum(w * d[f][term] / (1 - keyword.B + keyword.B * sum(d[f].values()) / avg[f])
                      for f, w in keyword.FIELD_WEIGHTS.items() if d[f][term])
            if wtf:
                scores[cid] = scores.get(cid, 0) + idf * wtf * (keyword.K1 + 1) / (wtf + keyword.K1)
    return scores


def test_tokenize_stems_and_drops_stopwords():
    assert keyword.tokenize("The gradients are exploding") == ["gradient", "explod"]
    assert keyword.tokenize("LayerNormalization") == [
        "layernormalization", "layer", "normalization"]
    assert keyword.stem("losses") == keyword.stem("loss")
    assert keyword.stem("clipping") == keyword.stem("clip")
    assert keyword.stem("float16") == "float16"


def test_bm25_sql_matches_the_formula(store):
    terms = keyword.tokenize("exp overflow probability")
    hits = keyword.bm25(store.cursor(), terms)
    expected = reference_bm25(corpus(), terms)
    assert {h.id: pytest.approx(h.score) for h in hits} == expected
    assert [h.id for h in hits] == sorted(expected, key=lambda c: (-expected[c], c))


def test_bm25_ranks_names_over_text_and_rare_over_common(store):
    cur = store.cursor()
    # "overflow" is the name of one concept and in the text of two others
    assert keyword.bm25(cur, keyword.tokenize("overflow"))[0].id == "overflow"
    # "moments" only in adam; "probability" in two docs: the rare term decides
    assert keyword.bm25(cur, keyword.tokenize("moments probability"))[0].id == "adam"
    # decision symptoms are searchable too
    assert keyword.bm25(cur, keyword.tokenize("loss is NaN"))[0].id == "log-sum-exp"
    assert keyword.bm25(cur, []) == []
    assert keyword.bm25(cur, ["nosuchterm"]) == []


def test_the_in_memory_typo_index_answers_as_the_sql_join_does(store):
    """The searcher's TypoIndex and typo_corrections read the same keys: every one-edit and
    two-edit misspelling of every name word, and a few words that match nothing."""
    cur = store.cursor()
    index = keyword.TypoIndex(cur)
    names = sorted({t for (t,) in cur.execute(
        "SELECT DISTINCT term FROM search_postings WHERE field IN ('name', 'alias')").fetchall()})
    typed = [w[1:] + w[0] for w in names] + [w[:-1] for w in names] + [w[:2] + "x" + w[2:]
                                                                        for w in names]
    typed += ["zzzzzz", "qwertyuiop", "adam", "exp", "gradiant", "descnet"]
    assert len(typed) > 40
    for i in range(0, len(typed), 40):
        batch = typed[i:i + 40]
        assert index.corrections(batch) == keyword.typo_corrections(cur, batch), batch


def test_typo_tolerance_on_names_and_aliases(store):
    cur = store.cursor()
    assert keyword.typo_corrections(cur, ["adma"]) == {"adma": ["adam"]}
    assert keyword.typo_corrections(cur, ["softmx", "sigmiod"]) == {
        "softmx": ["softmax"], "sigmiod": ["sigmoid"]}
    assert keyword.typo_corrections(cur, ["exp", "adam"]) == {}  # known or too short
    assert keyword.typo_corrections(cur, ["zzzzzz"]) == {}
    searcher = Searcher(store, HashEmbedder, background=False)
    hit = searcher.search("adma", limit=3).hits[0]
    assert hit.id == "adam" and "typo" in hit.matched_by
    # a whole misspelt name comes first, whatever the semantic list says
    hits = searcher.search("floating pont overflw").hits
    assert hits[0].id == "overflow" and hits[0].score > 1 > hits[1].score
    assert "typo" in hits[0].matched_by


def test_rrf_order():
    fused = rrf({"keyword": ["a", "b", "c"], "semantic": ["c", "a", "d"]},
                weights={"keyword": 1, "semantic": 1}, k=60)
    order = sorted(fused, key=lambda c: -fused[c][0])
    assert order == ["a", "c", "b", "d"]
    assert fused["a"][0] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["d"][1] == {"semantic"}


def test_exact_name_or_alias_first_then_fused(store):
    searcher = Searcher(store, HashEmbedder, background=False)
    for query in ("adaptive moment estimation", "ADAM", "log sum exp trick", "LogSumExp",
                  "log-sum-exp"):
        hits = searcher.search(query).hits
        assert "exact" in hits[0].matched_by, query
        assert all("exact" not in h.matched_by for h in hits[1:])
    # no exact match and no name inside: the order is the RRF of the keyword and semantic lists
    query = "exp overflows with large logits"
    kw = [h.id for h in keyword.bm25(store.cursor(), keyword.tokenize(query))]
    sem = [cid for cid, _ in searcher.semantic(query)]
    fused = rrf({"keyword": kw, "semantic": sem})
    hits = searcher.search(query).hits
    assert [h.id for h in hits] == sorted(fused, key=lambda c: (-fused[c][0], c))
    assert hits[0].id == "softmax" and hits[0].matched_by == ("keyword", "semantic")
    assert hits[0].snippet == "exp overflows for large logits"  # the symptom, not the summary


def test_names_inside_the_query_count_as_keyword_matches(store):
    searcher = Searcher(store, HashEmbedder, background=False)
    query = "my sigmoid gives a floating point overflow: use the log sum exp trick?"
    hits = searcher.search(query).hits
    top = {h.id: h for h in hits[:3]}
    assert set(top) == {"sigmoid", "log-sum-exp", "overflow"}
    assert all("keyword" in h.matched_by for h in top.values())


def test_fallback_when_the_model_fails(store):
    def broken():
        raise OSError("no model files")

    searcher = Searcher(store, broken)
    assert searcher.wait(10) is False
    assert not searcher.ready
    assert searcher.status == "keywords only: the model is unavailable: OSError: no model files"
    result = searcher.search("softmax overflow")
    assert result.mode == "keywords" and result.note == searcher.status
    assert result.hits[0].id == "softmax"
    assert all("semantic" not in h.matched_by for h in result.hits)


def test_keywords_only_while_the_model_loads(store):
    release = threading.Event()

    def slow():
        release.wait(10)
        return HashEmbedder()

    searcher = Searcher(store, slow)
    result = searcher.search("sigmoid")
    assert result.mode == "keywords" and "loading" in result.note
    assert result.hits[0].id == "sigmoid"
    release.set()
    assert searcher.wait(10) and searcher.status == "ready"
    assert searcher.search("sigmoid").mode == "hybrid"


def test_no_model_setting_disables_it(store, monkeypatch):
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    calls = []
    use_model, _ = model_settings()  # what open_explorer passes to the searcher
    searcher = Searcher(store, lambda: calls.append(1) or HashEmbedder(), use_model=use_model)
    assert not searcher.wait(1) and calls == []
    assert "EXPLORER_NO_MODEL" in searcher.status


def test_vectors_from_another_model_are_replaced(store):
    class Other(HashEmbedder):
        model_id = "test/other"

    searcher = Searcher(store, Other, background=False)  # the store holds no vectors at all
    assert searcher.ready
    assert searcher.semantic("adaptive steps")[0][0] == "adam"


def test_query_vectors_are_cached(store):
    calls = []

    class Counting(HashEmbedder):
        def embed(self, texts):
            calls.append(list(texts))
            return super().embed(texts)

    searcher = Searcher(store, Counting, background=False)
    calls.clear()
    searcher.search("sigmoid probability")
    searcher.search("  sigmoid   probability ")
    assert calls == [["sigmoid probability"]]


HOSTILE = ["", "   ", "x" * 10_000, "🙂🔥🤖", "loss\x00NaN\x1b[31m\u202e",
           "'; DROP TABLE concepts; --", "\" OR 1=1 --", "$terms", "%_%", "?", "\\",
           "a" * 600 + " adam", "\u0000" * 50,
           "SELECT * FROM search_postings", "ａｄａｍ"]


@pytest.mark.parametrize("query", HOSTILE)
def test_bad_queries_return_normally(store, query):
    searcher = Searcher(store, HashEmbedder, background=False)
    result = searcher.search(query, limit=5)
    assert result.mode == "hybrid" and len(result.hits) <= 5
    assert len(clean_query(query)) <= MAX_QUERY_CHARS
    assert not any(ch < " " for ch in clean_query(query))


def test_sql_injection_leaves_every_table_intact(store):
    cur = store.cursor()
    tables = [t for (t,) in cur.execute(
        "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
    assert {"concepts", "search_postings", "search_terms"} <= set(tables)

    def counts():
        return {t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

    before = counts()
    searcher = Searcher(store, HashEmbedder, background=False)
    for query in HOSTILE:
        searcher.search(query)
        keyword.typo_search(cur, [query])
        keyword.bm25(cur, [query, "'); DELETE FROM concepts; --"])
    assert counts() == before
    assert searcher.search("adam").hits[0].id == "adam"


def test_an_unusable_keyword_index_is_reported_not_raised(store):
    store.cursor().execute("DROP TABLE search_typo_keys")
    searcher = Searcher(store, HashEmbedder, background=False)
    result = searcher.search("adma")
    assert "explorer build --force" in result.note
    assert isinstance(result.hits, list)


def test_one_searcher_serves_many_threads(store):
    searcher = Searcher(store, HashEmbedder, background=False)
    queries = ["adam", "softmax overflow", "sigmiod", "loss is nan", "probability"] * 8
    expected = {q: [h.id for h in searcher.search(q).hits] for q in set(queries)}
    errors, results = [], []

    def worker(qs):
        try:
            results.extend((q, [h.id for h in searcher.search(q).hits]) for q in qs)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(queries[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == len(queries)
    assert all(ids == expected[q] for q, ids in results)


def test_the_default_model_is_shared_by_every_searcher():
    from explorer.search.engine import default_embedder

    assert default_embedder() is default_embedder()


def test_bench_search_reports_latency(store):
    from explorer.search.engine import bench_brute_force, bench_search

    searcher = Searcher(store, HashEmbedder, background=False)
    result = bench_search(searcher, ["adam", "softmax overflow", "", "loss is nan"])
    assert result["queries"] == 3 and result["mode"] == "hybrid"
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    brute = bench_brute_force(n=2_000, repeats=3)
    assert brute["n"] == 2_000 and brute["p95_ms"] > 0
