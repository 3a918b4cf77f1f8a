"""A `Graph` out again: our JSON, CSV (nodes + edges), GraphML, GEXF 1.3 and a Markdown vault.

JSON holds every field, so importing an export gives an equal graph. The others carry what
their format can: GraphML and GEXF every concept with its text fields as attributes and every
edge with its kind and reason (what Gephi and Cytoscape show and filter on); CSV the same as two
sheets; the vault a note per concept in the shape the Obsidian import reads.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import networkx as nx

from explorer.domain import relations
from explorer.domain.model import Concept, Decision, Graph
from explorer.domain.network import neighborhood, to_networkx
from explorer.interchange.mapping import LIST_SEPARATOR, Documents
from explorer.interchange.read_native import FORMAT_TAG

Positions = Mapping[str, tuple[float, float]]
GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
NODE_COLUMNS = ("id", "name", "layer", "summary", "aliases", "effort_hours", "maturity",
                "introduced", "hook", "symptoms", "details", "url")


def concept_doc(c: Concept) -> dict:
    return c.to_dict()


def decision_doc(d: Decision) -> dict:
    return {"id": d.id, "text": d.text, "kind": d.kind, "maturity_sensitive": d.maturity_sensitive,
            "frequency": dict(d.frequency),
            "informed_by": [{"id": i.id, "strength": i.strength, "why": i.why}
                            for i in d.informed_by],
            "symptoms": list(d.symptoms),
            "evidence": [{"url": e.url, "title": e.title, "summary": e.summary}
                         for e in d.evidence]}


def documents_of(graph: Graph) -> Documents:
    return Documents(
        [{"id": la.id, "name": la.name} for la in graph.layers],
        [{"id": g.id, "name": g.name, "description": g.description} for g in graph.goals],
        [concept_doc(c) for c in graph.concepts.values()],
        [decision_doc(d) for d in graph.decisions.values()])


def subgraph(graph: Graph, focus: str, depth: int, max_nodes: int = 1_000_000,
             rank: Mapping[str, float] | None = None) -> Graph:
    """The concepts within `depth` hops of `focus` (the nearest and, within a hop, the highest
    ranked first, up to `max_nodes`: what the page draws), the edges among them, and the
    decisions that some of them inform (with only those links)."""
    keep = set(neighborhood(to_networkx(graph), focus, depth=depth, max_nodes=max_nodes,
                            rank=rank))

    def trimmed(c: Concept) -> Concept:
        links = {k: tuple(link for link in c.links(k) if link.id in keep)
                 for k in relations.names()}
        return Concept(**{**{f: getattr(c, f) for f in c.__dataclass_fields__},
                          "extra_links": (), **Concept.link_fields(links)})

    decisions = {}
    for d in graph.decisions.values():
        inf = tuple(i for i in d.informed_by if i.id in keep)
        if inf:
            decisions[d.id] = Decision(**{**{f: getattr(d, f) for f in d.__dataclass_fields__},
                                          "informed_by": inf})
    used = {graph.concepts[c].layer for c in keep}
    return Graph(tuple(la for la in graph.layers if la.id in used), graph.goals,
                 {cid: trimmed(c) for cid, c in graph.concepts.items() if cid in keep},
                 decisions)


def to_json(graph: Graph) -> str:
    docs = documents_of(graph)
    return json.dumps({"format": FORMAT_TAG, "version": 1, "layers": docs.layers,
                       "goals": docs.goals, "concepts": docs.concepts,
                       "decisions": docs.decisions}, ensure_ascii=False, indent=1) + "\n"


def _maturity(c: Concept) -> str:
    return LIST_SEPARATOR.join(f"{y}:{v:g}" for y, v in c.maturity)


def node_row(c: Concept, layer_names: Mapping[str, str]) -> dict[str, str]:
    """A concept as flat text attributes (CSV cells, GraphML and GEXF attributes)."""
    row = {"id": c.id, "name": c.name, "layer": layer_names.get(c.layer, c.layer),
           "summary": c.summary, "aliases": LIST_SEPARATOR.join(c.aliases),
           "effort_hours": f"{c.effort_hours:g}", "maturity": _maturity(c),
           "introduced": "" if c.introduced is None else str(c.introduced), "hook": c.hook,
           "symptoms": LIST_SEPARATOR.join(c.symptoms), "details": c.details,
           "url": next((r.url for r in c.references if r.url), "")}
    row.update({k: v for k, v in c.extra if k not in row})
    return row


def to_csv(graph: Graph) -> dict[str, str]:
    """{'nodes.csv': …, 'edges.csv': …}, UTF-8 with a byte-order mark so Excel reads it."""
    names = {la.id: la.name for la in graph.layers}
    rows = [node_row(c, names) for c in graph.concepts.values()]
    extra = sorted({k for r in rows for k in r} - set(NODE_COLUMNS))
    out = {}
    for name, header, table in (
            ("nodes.csv", [*NODE_COLUMNS, *extra], rows),
            ("edges.csv", ["source", "target", "kind", "why"],
             [dict(zip(("source", "target", "kind", "why"), e, strict=True))
              for e in graph.edges()])):
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table)
        out[name] = "\ufeff" + buf.getvalue()
    return out


def to_graphml(graph: Graph, positions: Positions | None = None) -> str:
    """GraphML through networkx (what Gephi, Cytoscape and yEd read): `label` is the name."""
    names = {la.id: la.name for la in graph.layers}
    g = nx.MultiDiGraph()
    for c in graph.concepts.values():
        row = node_row(c, names)
        attrs = {("label" if k == "name" else k): v for k, v in row.items() if k != "id"}
        attrs["layer_id"] = c.layer
        if positions and c.id in positions:
            attrs["x"], attrs["y"] = (float(v) for v in positions[c.id])
        g.add_node(c.id, **attrs)
    for src, dst, kind, why in graph.edges():
        g.add_edge(src, dst, kind=kind, why=why)
    return "\n".join(nx.generate_graphml(g, prettyprint=True)) + "\n"


def to_gexf(graph: Graph, positions: Positions | None = None) -> str:
    """GEXF 1.3 (Gephi's own format), with atlas positions as viz:position when given."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    q, v = (lambda t: f"{{{GEXF_NS}}}{t}"), (lambda t: f"{{{VIZ_NS}}}{t}")
    names = {la.id: la.name for la in graph.layers}
    rows = {cid: node_row(c, names) for cid, c in graph.concepts.items()}
    columns = [k for k in dict.fromkeys(k for r in rows.values() for k in r)
               if k not in ("id", "name")]
    root = ET.Element(q("gexf"), {"version": "1.3"})
    meta = ET.SubElement(root, q("meta"))
    ET.SubElement(meta, q("creator")).text = "Curiosity Explorer"
    g = ET.SubElement(root, q("graph"), {"defaultedgetype": "directed", "mode": "static"})
    attrs = ET.SubElement(g, q("attributes"), {"class": "node", "mode": "static"})
    for i, col in enumerate(columns):
        ET.SubElement(attrs, q("attribute"), {"id": str(i), "title": col, "type": "string"})
    eattrs = ET.SubElement(g, q("attributes"), {"class": "edge", "mode": "static"})
    ET.SubElement(eattrs, q("attribute"), {"id": "why", "title": "why", "type": "string"})
    nodes = ET.SubElement(g, q("nodes"))
    for cid, row in rows.items():
        node = ET.SubElement(nodes, q("node"), {"id": cid, "label": row["name"]})
        values = ET.SubElement(node, q("attvalues"))
        for i, col in enumerate(columns):
            if row.get(col):
                ET.SubElement(values, q("attvalue"), {"for": str(i), "value": row[col]})
        if positions and cid in positions:
            x, y = positions[cid]
            ET.SubElement(node, v("position"), {"x": f"{float(x):g}", "y": f"{float(y):g}",
                                                "z": "0"})
    edges = ET.SubElement(g, q("edges"))
    for i, (src, dst, kind, why) in enumerate(graph.edges()):
        edge = ET.SubElement(edges, q("edge"), {"id": str(i), "source": src, "target": dst,
                                                "label": kind, "kind": kind})
        if why:
            values = ET.SubElement(edge, q("attvalues"))
            ET.SubElement(values, q("attvalue"), {"for": "why", "value": why})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _yaml_front(data: dict) -> str:
    import yaml  # noqa: PLC0415

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def to_markdown_vault(graph: Graph) -> dict[str, str]:
    """{'<id>.md': note}: front matter for the fields, the summary as the first paragraph,
    `kind:: [[id|Name]]` lines for the edges (what the Obsidian import reads back)."""
    names = {la.id: la.name for la in graph.layers}
    notes = {}
    for c in graph.concepts.values():
        front = {"id": c.id, "name": c.name, "layer": names.get(c.layer, c.layer)}
        if c.aliases:
            front["aliases"] = list(c.aliases)
        front["effort_hours"] = c.effort_hours
        if c.maturity:
            front["maturity"] = {y: m for y, m in c.maturity}
        if c.introduced is not None:
            front["introduced"] = c.introduced
        if c.hook:
            front["hook"] = c.hook
        front.update(dict(c.extra))
        body = [f"# {c.name}", "", c.summary.replace("\n", " "), ""]
        if c.details:
            body += [c.details, ""]
        for kind in relations.names():
            links = c.links(kind)
            if links:
                body.append(f"{kind}:: " + ", ".join(
                    f"[[{link.id}|{graph.concepts[link.id].name}]]" for link in links
                    if link.id in graph.concepts))
        notes[f"{c.id}.md"] = f"---\n{_yaml_front(front)}---\n" + "\n".join(body) + "\n"
    return notes
