"""JSON round-trips: importing an export gives an equal graph, on random valid graphs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.domain.loader import load_graph
from explorer.domain.model import DECISION_KINDS, GOALS
from explorer.interchange import export
from explorer.interchange.importer import import_graph, write_folder
from explorer.interchange.mapping import DEFAULT_GOALS, Documents

WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
                min_size=1, max_size=24).map(str.strip).filter(bool)
PROBABILITY = st.floats(0, 1, allow_nan=False)


@st.composite
def graph_documents(draw) -> Documents:
    layers = [{"id": f"layer-{i}", "name": draw(WORDS)}
              for i in range(draw(st.integers(1, 3)))]
    n = draw(st.integers(1, 8))
    ids = [f"c{i}" for i in range(n)]
    concepts = []
    for i, cid in enumerate(ids):
        below = ids[:i]  # requires and built_on point at earlier ids only: no cycles
        c = {"id": cid, "name": draw(WORDS), "layer": draw(st.sampled_from(layers))["id"],
             "summary": draw(WORDS), "hook": draw(st.one_of(st.just(""), WORDS)),
             "aliases": draw(st.lists(WORDS, max_size=2, unique=True)),
             "symptoms": draw(st.lists(WORDS, max_size=2)),
             "maturity": draw(st.dictionaries(st.integers(1950, 2050), PROBABILITY,
                                              max_size=3)),
             "effort_hours": draw(st.floats(0.1, 1000, allow_nan=False)),
             "introduced": draw(st.one_of(st.none(), st.integers(1970, 2030))),
             "extra": draw(st.dictionaries(st.sampled_from(["tags", "x", "Colour"]), WORDS,
                                           max_size=2))}
        if below:
            for kind in ("requires", "built_on"):
                c[kind] = [{"id": t, "why": draw(st.one_of(st.just(""), WORDS))}
                           for t in draw(st.lists(st.sampled_from(below), max_size=2,
                                                  unique=True))]
        others = [x for x in ids if x != cid]
        if others:
            c["related"] = draw(st.lists(st.sampled_from(others), max_size=2, unique=True))
        if draw(st.booleans()):
            c["references"] = [{"title": draw(WORDS), "url": "https://example.org/" + cid}]
        concepts.append(c)
    decisions = [{"id": f"d{j}", "text": draw(WORDS), "kind": draw(st.sampled_from(
                  DECISION_KINDS)), "maturity_sensitive": draw(st.booleans()),
                  "frequency": draw(st.dictionaries(st.sampled_from(GOALS), PROBABILITY)),
                  "informed_by": [{"id": t, "strength": draw(PROBABILITY), "why": draw(WORDS)}
                                  for t in draw(st.lists(st.sampled_from(ids), max_size=3,
                                                         unique=True))],
                  "evidence": [{"url": f"https://example.org/t/{j}", "title": draw(WORDS),
                                "summary": draw(WORDS)}] if draw(st.booleans()) else []}
                 for j in range(draw(st.integers(0, 3)))]
    return Documents(layers, [dict(g) for g in DEFAULT_GOALS], concepts, decisions)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_documents())
def test_an_import_of_a_json_export_gives_an_equal_graph(docs):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_folder(docs, tmp / "original")
        original = load_graph(tmp / "original")
        (tmp / "graph.json").write_text(export.to_json(original), encoding="utf-8")
        report = import_graph([tmp / "graph.json"], "json", tmp / "imported")
        assert report.graph == original
        assert load_graph(tmp / "imported") == original


def test_the_curated_graph_round_trips_through_json(tmp_path):
    original = load_graph(Path(__file__).resolve().parents[1] / "graph_data")
    (tmp_path / "g.json").write_text(export.to_json(original), encoding="utf-8")
    assert import_graph([tmp_path / "g.json"], "json", tmp_path / "out").graph == original
