"""Each reader on the files tools really write: spreadsheet CSV quirks, Gephi and Cytoscape
GraphML, GEXF, node-link JSON, YAML and an Obsidian vault."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from explorer.domain import limits
from explorer.interchange.importer import import_graph
from explorer.interchange.mapping import Options
from explorer.interchange.problems import ImportFailed

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def imported(tmp_path: Path, files: dict[str, bytes | str], fmt: str, **kw):
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        paths.append(path)
    return import_graph(paths, fmt, tmp_path / "out", **kw)


def test_spreadsheet_example_bom_semicolons_quoted_newlines_decimal_commas(tmp_path):
    assert (EXAMPLES / "spreadsheet-edges.csv").read_bytes().startswith(codecs.BOM_UTF8)
    g = import_graph([EXAMPLES / "spreadsheet-edges.csv"], "csv", tmp_path / "g").graph
    chain = g.concepts["chain-rule"]
    assert chain.effort_hours == 1.5 and "\n" in chain.summary
    assert [link.id for link in chain.requires] == ["derivative"]
    assert g.concepts["backpropagation"].requires[0].why.startswith("It is the chain rule,\n")
    assert g.concepts["learning-rate"].related[0].id == "gradient-descent"
    assert [la.name for la in g.layers] == ["Calculus", "Optimization", "Deep learning"]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    text = "id\tname\tlayer\r\nlimite\tLimite\tAnalyse\r\nderivee\tDérivée\tAnalyse\r\n"
    g = imported(tmp_path, {"nodes.csv": codecs.BOM_UTF16_LE + text.encode("utf-16-le")},
                 "csv").graph
    assert g.concepts["derivee"].name == "Dérivée"


def test_windows_1252_is_read_with_a_warning(tmp_path):
    report = imported(tmp_path, {"e.csv": "source,target\nCaf\xe9,Th\xe9\n".encode("cp1252")},
                      "csv")
    assert {c.name for c in report.graph.concepts.values()} == {"Café", "Thé"}
    assert any("Windows-1252" in str(p) for p in report.problems)


def test_nodes_and_edges_files_told_apart_by_columns_in_any_order(tmp_path):
    files = {"b.csv": "from,to,relation,reason\nsgd,grad,requires,steps on it\n"
                      "grad,sgd,leads to,\n",
             "a.csv": "key,label,group,effort\nsgd,SGD,Optimisation,2\n"
                      "grad,Gradient,Calculus,1\n"}
    g = imported(tmp_path, files, "csv").graph
    assert g.concepts["sgd"].requires[0].id == "grad"
    assert g.concepts["sgd"].effort_hours == 2
    assert len(g.edges()) == 1  # 'grad leads to sgd' is the same edge turned round


def test_default_kind_applies_to_edges_without_one(tmp_path):
    g = imported(tmp_path, {"e.csv": "source,target\nb,a\n"}, "csv").graph
    assert g.concepts["b"].related[0].id == "a"
    g = imported(tmp_path / "k", {"e.csv": "source,target\nb,a\n"}, "csv",
                 options=Options(default_kind="requires")).graph
    assert g.concepts["b"].requires[0].id == "a"


def test_gephi_graphml_example_maps_labels_layers_and_keeps_the_rest(tmp_path):
    g = import_graph([EXAMPLES / "gephi.graphml"], "graphml", tmp_path / "g").graph
    loss = g.concepts["loss-scaling"]
    assert loss.layer == "deep-learning" and loss.summary.startswith("Multiplying the loss")
    assert dict(loss.extra)["Modularity Class"] == "1"
    assert [link.id for link in loss.requires] == ["mixed-precision-training"]
    assert [link.id for link in loss.related] == ["roundoff-error"]


CYTOSCAPE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
    <key id="name" for="node" attr.name="name" attr.type="string"/>
    <key id="shared name" for="node" attr.name="shared name" attr.type="string"/>
    <key id="interaction" for="edge" attr.name="interaction" attr.type="string"/>
    <graph edgedefault="directed" id="net">
        <node id="12"><data key="name">Adam</data><data key="shared name">Adam</data></node>
        <node id="13"><data key="name">Momentum</data></node>
        <edge source="12" target="13"><data key="interaction">requires</data></edge>
    </graph>
</graphml>
"""


def test_cytoscape_graphml(tmp_path):
    g = imported(tmp_path, {"net.graphml": CYTOSCAPE}, "graphml").graph
    assert g.concepts["adam"].requires[0].id == "momentum"
    assert dict(g.concepts["adam"].extra) == {"shared name": "Adam"}


GEPHI_GEXF = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">
  <meta lastmodifieddate="2026-01-01"><creator>Gephi 0.10</creator></meta>
  <graph defaultedgetype="directed" mode="static">
    <attributes class="node" mode="static">
      <attribute id="layer" title="Layer" type="string"/>
      <attribute id="modularity_class" title="Modularity Class" type="integer"/>
    </attributes>
    <nodes>
      <node id="0" label="Adam">
        <attvalues><attvalue for="layer" value="Optimisation"/>
          <attvalue for="modularity_class" value="2"/></attvalues>
        <viz:size value="10.0"/><viz:position x="1.5" y="-2.0"/>
        <viz:color r="255" g="0" b="0"/>
      </node>
      <node id="1" label="Momentum"/>
    </nodes>
    <edges><edge id="0" source="0" target="1" weight="1.0" label="requires"/></edges>
  </graph>
</gexf>
"""


def test_gephi_gexf(tmp_path):
    g = imported(tmp_path, {"g.gexf": GEPHI_GEXF}, "gexf").graph
    adam = g.concepts["adam"]
    assert adam.layer == "optimisation" and adam.requires[0].id == "momentum"
    assert dict(adam.extra) == {"Modularity Class": "2", "x": "1.5", "y": "-2.0"}


def test_node_link_json_and_yaml(tmp_path):
    data = ('{"directed": true, "nodes": [{"id": "a", "name": "A", "layer": "L"}, '
            '{"id": "b", "label": "B"}], "links": [{"source": "a", "target": "b", '
            '"kind": "built_on"}]}')
    g = imported(tmp_path, {"g.json": data}, "json").graph
    assert g.concepts["a"].built_on[0].id == "b"
    y = "nodes:\n  - {id: a, name: A}\n  - {id: b}\nlinks:\n  - {source: a, target: b}\n"
    assert imported(tmp_path / "y", {"g.yaml": y}, "yaml").graph.concepts["a"].related


def test_a_graph_folder_imports_as_yaml(tmp_path):
    tiny = Path(__file__).parent / "fixtures" / "tiny"
    g = import_graph([tiny], "yaml", tmp_path / "copy").graph
    assert len(g.concepts) == 8 and len(g.decisions) == 2


def test_obsidian_example_vault(tmp_path):
    report = import_graph([EXAMPLES / "obsidian-vault"], "obsidian", tmp_path / "g")
    g = report.graph
    back = g.concepts["backpropagation"]
    assert back.layer == "deep-learning"
    assert {link.id for link in back.requires} == {"chain-rule", "gradient"}
    assert [link.id for link in back.related] == ["gradient-descent"]
    assert back.summary.startswith("Computing the gradient")
    assert g.concepts["derivative"].aliases == ("slope", "rate of change")
    assert g.concepts["chain-rule"].requires[0].id == "derivative"  # front matter
    assert g.concepts["gradient"].requires[0].id == "derivative"  # inline field
    assert g.concepts["gradient-descent"].summary.startswith("Repeatedly step against the "
                                                             "Gradient of the loss")
    assert [str(p) for p in report.problems] == [
        "Backpropagation.md:10: warning: links to 'Adam', which is not a node here"]


def test_limits_give_clear_errors(tmp_path, monkeypatch):
    cases = [("IMPORT_FILE_BYTES", 100, "spreadsheet-edges.csv", "csv",
              r"spreadsheet-edges.csv: file is [\d,]+ bytes; the limit is 100"),
             ("MAX_CONCEPTS", 3, "gephi.graphml", "graphml", "4 nodes; the limit is 3"),
             ("MAX_XML_DEPTH", 2, "gephi.graphml", "graphml", "nested deeper than 2")]
    for i, (name, value, source, fmt, message) in enumerate(cases):
        with monkeypatch.context() as m:
            m.setattr(limits, name, value)
            with pytest.raises(ImportFailed, match=message):
                import_graph([EXAMPLES / source], fmt, tmp_path / str(i))
        assert not (tmp_path / str(i)).exists()


def test_cytoscape_js_elements_json(tmp_path):
    data = ('{"elements": {"nodes": [{"data": {"id": "a", "name": "Adam"}}, '
            '{"data": {"id": "m", "name": "Momentum"}}], '
            '"edges": [{"data": {"source": "a", "target": "m", "interaction": "requires"}}]}}')
    g = imported(tmp_path, {"c.json": data}, "json").graph
    assert g.concepts["a"].name == "Adam" and g.concepts["a"].requires[0].id == "m"
