"""`explorer search`: one query, JSON output, batches, and a model that cannot load."""

from __future__ import annotations

import json

import pytest

from explorer.cli import main


@pytest.fixture(autouse=True)
def keywords_only(tiny_dir, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    monkeypatch.setenv("EXPLORER_NO_MODEL", "1")


def test_search_json(capsys):
    assert main(["search", "adma", "--json"]) == 0
    out, err = capsys.readouterr()
    hits = json.loads(out)
    assert hits[0]["id"] == "adam" and hits[0]["matched_by"] == ["typo"]
    assert set(hits[0]) == {"id", "name", "aliases", "layer", "score", "matched_by"}
    assert "keywords only" in err


def test_search_text_and_limit(capsys):
    assert main(["search", "loss becomes NaN", "--limit", "2"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("1. ") and "2. " in out and "3. " not in out


def test_batch_prints_one_json_list_per_line(tmp_path, capsys):
    batch = tmp_path / "queries.txt"
    batch.write_text("fp16\n\n'; DROP TABLE concepts; --\n" + "🙂" * 5000 + "\nheavy ball\n")
    assert main(["search", "--batch", str(batch), "--json", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    results = [json.loads(line) for line in lines]
    assert results[0][0]["id"] == "float16" and results[0][0]["matched_by"][0] == "exact"
    assert results[1] == [] and results[3] == []
    assert results[4][0]["id"] == "momentum"


def test_query_or_batch_is_required(capsys):
    assert main(["search"]) == 2
    assert "QUERY or --batch" in capsys.readouterr().err
