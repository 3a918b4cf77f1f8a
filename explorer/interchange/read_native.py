"""JSON and YAML: our own graph (as `explorer export --format json` writes it), node-link JSON
(networkx's `node_link_data`, D3) or Cytoscape.js `elements`; for YAML also a graph folder.

Our own shape holds every field, so it becomes documents unchanged and the loader checks it;
the others are nodes and edges with attributes, mapped like any foreign graph.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from explorer.interchange.mapping import Documents, RawEdge, RawGraph, RawNode
from explorer.interchange.problems import Problems, Where
from explorer.interchange.read_csv import decode, read_bytes

FORMAT_TAG = "curiosity-explorer"
SECTIONS = ("layers", "goals", "concepts", "decisions")


def line_of(text: str, value: str) -> int | None:
    """The line where an entry with this id is written ("id": "x" or id: x), if any."""
    m = re.search(r"""(?m)["']?id["']?\s*:\s*["']?""" + re.escape(value) + r"""["']?\s*[,}\n]""",
                  text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load(path: Path, fmt: str, problems: Problems) -> tuple[Any, str] | None:
    data = read_bytes(path, problems)
    text = decode(data, Where(path.name, 1), problems) if data is not None else None
    if text is None:
        return None
    try:
        if fmt == "json":
            return json.loads(text), text
        return yaml.safe_load(text), text
    except json.JSONDecodeError as exc:
        problems.add(Where(path.name, exc.lineno), f"JSON syntax error at column {exc.colno}: "
                                                   f"{exc.msg}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(Where(path.name, mark.line + 1 if mark else 1),
                     f"YAML syntax error: {getattr(exc, 'problem', exc)}")
    return None


def ours(data: Any) -> bool:
    return isinstance(data, dict) and "concepts" in data and (
        data.get("format") == FORMAT_TAG or "layers" in data)


def documents(data: dict, text: str, name: str, problems: Problems) -> Documents:
    """Our own shape: the sections as they are; every entry's line found for its messages."""
    docs = Documents()
    for section in SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            problems.add(Where(name, line_of(text, section), section),
                         f"'{section}' must be a list of mappings")
            continue
        setattr(docs, section, [dict(i) for i in items])
    for c in docs.concepts:
        if isinstance(c.get("maturity"), dict):  # JSON keys are text; years are numbers
            c["maturity"] = {int(y) if str(y).isdigit() else y: v
                             for y, v in c["maturity"].items()}
        cid = str(c.get("id", ""))
        docs.origins[cid] = Where(name, line_of(text, cid))
    return docs


def _node_link(data: dict, name: str, text: str, raw: RawGraph, problems: Problems) -> None:
    """node-link JSON ({nodes, links|edges}) or Cytoscape.js ({elements: {nodes, edges}})."""
    root = data.get("elements", data)
    nodes = root.get("nodes") or []
    edges = root.get("links", root.get("edges")) or []
    for n in nodes:
        n = n.get("data", n) if isinstance(n, dict) else n
        if not isinstance(n, dict) or "id" not in n:
            problems.add(Where(name, None, "nodes"), f"a node without an id: {str(n)[:60]}")
            continue
        key = str(n["id"])
        raw.nodes.append(RawNode(key, {k: v for k, v in n.items() if k != "id"},
                                 Where(name, line_of(text, key))))
    for e in edges:
        e = e.get("data", e) if isinstance(e, dict) else e
        if not isinstance(e, dict):
            problems.add(Where(name, None, "links"), f"an edge is not a mapping: {str(e)[:60]}")
            continue
        attrs = {k: v for k, v in e.items() if k not in ("source", "target")}
        raw.edges.append(RawEdge(str(e.get("source", "")), str(e.get("target", "")), attrs,
                                 Where(name, None)))


def read(paths: list[Path], fmt: str) -> tuple[Documents | RawGraph, Problems]:
    """Documents for our own shape (one file), else a raw graph of every file's nodes."""
    problems = Problems()
    raw = RawGraph()
    for path in paths:
        loaded = load(path, fmt, problems)
        if loaded is None:
            continue
        data, text = loaded
        if ours(data):
            if len(paths) > 1:
                problems.add(Where(path.name), "a whole graph must be imported on its own")
            return documents(data, text, path.name, problems), problems
        if isinstance(data, dict) and ("nodes" in data or "elements" in data):
            _node_link(data, path.name, text, raw, problems)
        else:
            problems.add(Where(path.name, 1), "expected our graph ({layers, goals, concepts, "
                         "decisions}), node-link data ({nodes, links}) or Cytoscape.js "
                         "({elements: {nodes, edges}})")
    return raw, problems
