"""Exports: GraphML read back by networkx, GEXF checked against a GEXF 1.3 schema subset, CSV and
the Markdown vault read back by our own import, and the HTML file's data kept inert."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from explorer.domain.loader import load_graph
from explorer.domain.model import Concept, Graph, Layer
from explorer.interchange import export, html
from explorer.interchange.importer import import_graph

ROOT = Path(__file__).resolve().parents[1]
XSD = Path(__file__).parent / "fixtures" / "gexf" / "gexf-1.3-subset.xsd"


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_graph(ROOT / "graph_data")


def test_graphml_reads_back_in_networkx_with_every_concept(curated, tmp_path):
    path = tmp_path / "graph.graphml"
    path.write_text(export.to_graphml(curated), encoding="utf-8")
    g = nx.read_graphml(path)
    assert set(g.nodes) == set(curated.concepts)
    assert all(g.nodes[cid]["label"] == c.name for cid, c in curated.concepts.items())
    assert g.number_of_edges() == len(curated.edges())
    kinds = {(u, v, d["kind"]) for u, v, d in g.edges(data=True)}
    assert kinds == {(s, t, k) for s, t, k, _ in curated.edges()}


def gexf_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def test_gexf_is_valid_against_the_gexf_schema(curated):
    positions = {cid: (float(i), float(-i)) for i, cid in enumerate(curated.concepts)}
    doc = etree.fromstring(export.to_gexf(curated, positions).encode())
    schema = gexf_schema()
    assert schema.validate(doc), schema.error_log


def test_the_schema_check_rejects_a_broken_gexf(tiny_graph):
    doc = etree.fromstring(export.to_gexf(tiny_graph).encode())
    edge = doc.find(".//{http://gexf.net/1.3}edge")
    del edge.attrib["target"]
    assert not gexf_schema().validate(doc)


def test_gexf_reimports_with_every_concept_and_edge(tiny_graph, tmp_path):
    src = tmp_path / "g.gexf"
    src.write_text(export.to_gexf(tiny_graph), encoding="utf-8")
    back = import_graph([src], "gexf", tmp_path / "out").graph
    assert set(back.concepts) == set(tiny_graph.concepts)
    assert set(back.edges()) == set(tiny_graph.edges())
    assert all(back.concepts[c].summary == tiny_graph.concepts[c].summary
               for c in tiny_graph.concepts)


def test_csv_export_reimports_to_the_same_concepts_and_edges(tiny_graph, tmp_path):
    for name, text in export.to_csv(tiny_graph).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert (tmp_path / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    back = import_graph([tmp_path / "nodes.csv", tmp_path / "edges.csv"], "csv",
                        tmp_path / "out").graph
    assert set(back.concepts) == set(tiny_graph.concepts)
    assert set(back.edges()) == set(tiny_graph.edges())
    for cid, c in tiny_graph.concepts.items():
        b = back.concepts[cid]
        assert (b.name, b.summary, b.aliases, b.maturity, b.effort_hours) == \
            (c.name, c.summary, c.aliases, c.maturity, c.effort_hours)


def test_markdown_vault_reimports_as_the_same_structure(tiny_graph, tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    for name, text in export.to_markdown_vault(tiny_graph).items():
        (vault / name).write_text(text, encoding="utf-8")
    back = import_graph([vault], "obsidian", tmp_path / "out").graph
    assert set(back.concepts) == set(tiny_graph.concepts)
    assert {e[:3] for e in back.edges()} == {e[:3] for e in tiny_graph.edges()}
    for cid, c in tiny_graph.concepts.items():
        assert (back.concepts[cid].name, back.concepts[cid].summary) == (c.name, c.summary)


def test_a_focused_export_keeps_the_neighbourhood_only(tiny_graph):
    sub = export.subgraph(tiny_graph, "adam", 1)
    assert "adam" in sub.concepts and len(sub.concepts) < len(tiny_graph.concepts)
    assert all(dst in sub.concepts for _, dst, _, _ in sub.edges())
    assert all(i.id in sub.concepts for d in sub.decisions.values() for i in d.informed_by)


HOSTILE = '</script><script>alert(1)</script>\u2028<img src=x onerror=alert(2)>&amp;'


def test_html_embeds_hostile_text_as_inert_json():
    c = Concept("evil", HOSTILE, "l", HOSTILE)
    g = Graph((Layer("l", HOSTILE, 0),), (), {"evil": c}, {})
    page = html.to_html(g, title=HOSTILE, focus="evil")
    block = page.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and "\u2028" not in block
    assert json.loads(block)["nodes"][0]["label"] == HOSTILE
    assert "<img src=x" not in page and "alert(1)</script>" not in page
    assert "sourceMappingURL" not in page and "://" not in page.split("<style>", 1)[0]


def test_html_uses_given_positions_else_a_deterministic_layout(tiny_graph):
    given = {cid: (float(i), 0.0) for i, cid in enumerate(tiny_graph.concepts)}
    placed = html.graph_data(tiny_graph, positions=given)
    xs = [n["x"] for n in placed["nodes"]]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert html.graph_data(tiny_graph) == html.graph_data(tiny_graph)


def test_a_large_graph_is_laid_out_in_layer_rows_quickly(curated):
    pos = html.layout(curated)
    assert len(pos) == len(curated.concepts) > html.SPRING_LIMIT
    row = {la.id: la.position for la in curated.layers}
    assert all(pos[cid][1] == -row[c.layer] for cid, c in curated.concepts.items())  # y down
    assert pos == html.layout(curated)
