"""Search evaluation: recall@1, recall@5 and MRR, name matching, and the `explorer eval` command."""

from __future__ import annotations

import json

import pytest

from explorer.cli import main
from explorer.search.engine import Hit, SearchResult
from explorer.search.evaluate import DEFAULT_QUERIES, evaluate, load_queries, metrics, name_index


class FakeSearcher:
    """Returns a fixed ranking per query, to check the arithmetic."""

    concepts = {
        "float16": ("Half precision (float16)", ("fp16",), "numerics"),
        "adam": ("Adam optimizer", ("Adam",), "optimization"),
        "softmax": ("Softmax", (), "deep-learning"),
        "lse": ("Log-sum-exp trick", (), "numerics"),
        "relu": ("ReLU", (), "deep-learning"),
        "sgd": ("Stochastic gradient descent", ("SGD",), "optimization"),
    }

    def __init__(self, rankings: dict[str, list[str]]):
        self.rankings = rankings

    def search(self, query: str, limit: int = 10) -> SearchResult:
        hits = [Hit(cid, self.concepts[cid][0], self.concepts[cid][1], "", 1.0, ("keyword",), "")
                for cid in self.rankings[query][:limit]]
        return SearchResult(hits, "keywords", "fake")


def test_metrics_arithmetic():
    r1, r5, mrr = metrics([1, 2, None, 5, 7])
    assert r1 == pytest.approx(1 / 5)
    assert r5 == pytest.approx(3 / 5)
    assert mrr == pytest.approx((1 + 1 / 2 + 1 / 5 + 1 / 7) / 5)
    assert metrics([]) == (0, 0, 0)


def test_evaluate_on_a_fake_result_set():
    searcher = FakeSearcher({
        "nan in fp16": ["float16", "adam"],  # rank 1, expected by its full name
        "softmax overflow": ["softmax", "lse"],  # rank 1 with two expected
        "dead units": ["adam", "softmax", "relu"],  # rank 3
        "optimizer": ["softmax", "lse", "float16", "relu", "adam", "sgd"],  # rank 6: a miss
        "unknown": ["adam"],  # expected concept is not in the graph
    })
    queries = [
        {"query": "nan in fp16", "expected": ["HALF-precision (float16)", "loss scaling"]},
        {"query": "softmax overflow", "expected": ["log sum exp trick", "softmax"]},
        {"query": "dead units", "expected": ["relu"]},
        {"query": "optimizer", "expected": ["sgd"]},
        {"query": "unknown", "expected": ["Zorn's lemma"]},
    ]
    report = evaluate(searcher, queries)
    assert [o.rank for o in report.outcomes] == [1, 1, 3, 6, None]
    assert report.recall_at_1 == pytest.approx(2 / 5)
    assert report.recall_at_5 == pytest.approx(3 / 5)
    assert report.mrr == pytest.approx((1 + 1 + 1 / 3 + 1 / 6) / 5)
    assert [o.query for o in report.misses] == ["optimizer", "unknown"]
    assert report.outcomes[0].unknown == ["loss scaling"]
    assert report.outcomes[4].unknown == ["Zorn's lemma"]
    data = report.to_dict()
    assert data["recall@5"] == 0.6 and len(data["misses"]) == 2
    assert data["mode"] == "keywords"


def test_names_match_ignoring_case_and_punctuation():
    index = name_index({cid: (n, a) for cid, (n, a, _) in FakeSearcher.concepts.items()})
    for text, cid in [("half precision", "float16"), ("FLOAT16", "float16"), ("fp-16", "float16"),
                      ("log-sum-exp  TRICK", "lse"), ("sgd", "sgd"), ("re-lu", "relu")]:
        from explorer.search.keywords import name_key
        assert index[name_key(text)] == {cid}, text


def test_load_queries_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"query": 3}]))
    with pytest.raises(ValueError):
        load_queries(bad)
    with pytest.raises(FileNotFoundError):
        load_queries(tmp_path / "missing.json")
    assert DEFAULT_QUERIES.name == "dev_queries.json"


def test_eval_command(tmp_path, tiny_dir, monkeypatch, capsys):
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")
    queries = tmp_path / "q.json"
    queries.write_text(json.dumps([
        {"query": "adma", "expected": ["Adam"]},
        {"query": "heavy ball", "expected": ["momentum"]},
        {"query": "transistor physics", "expected": ["Adam"]},
    ]))
    assert main(["eval", "--queries", str(queries), "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["queries"] == 3 and data["recall@1"] == pytest.approx(2 / 3, abs=1e-4)
    assert [m["query"] for m in data["misses"]] == ["transistor physics"]
    assert "EXPLORER_NO_MODEL" in err
    assert main(["eval", "--queries", str(queries)]) == 0
    out, _ = capsys.readouterr()
    assert "recall@5 0.667" in out and "Misses (1)" in out
    queries.write_text("not json")
    assert main(["eval", "--queries", str(queries)]) == 2
    assert "error:" in capsys.readouterr().err
