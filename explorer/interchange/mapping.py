"""Foreign nodes and edges → the documents of a graph folder in our schema. Pure: no files.

A reader hands over what it found as written (`RawGraph`: attribute names and values as the
file spells them, and where each node and edge came from). This module decides what they mean:
which attribute is the name, the layer, the summary…, what an edge's kind is, which defaults
fill what a foreign graph lacks, and which id each node gets. Every problem names the file,
line and column it is about. `docs/FORMATS.md` documents the same tables for users.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from explorer.domain import limits, relations
from explorer.domain.loader import ID_RE, TEXT_LIMITS, YEAR_RANGE
from explorer.interchange.problems import Problems, Where

DEFAULT_LAYER = ("imported", "Imported")
DEFAULT_KIND = "related"
DEFAULT_GOALS = (
    {"id": "build", "name": "Build and debug models"},
    {"id": "architect", "name": "Architect ML systems"},
    {"id": "interview", "name": "Pass ML interviews"},
    {"id": "research", "name": "Research new methods"},
)
LIST_SEPARATOR = "|"

# Our field ← the attribute names a foreign graph may use for it (compared by `_norm`).
NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "node", "key", "node id"),
    "name": ("name", "label", "title"),
    "layer": ("layer", "group", "category"),
    "summary": ("summary", "description", "desc"),
    "details": ("details", "notes"),
    "hook": ("hook",),
    "aliases": ("aliases", "alias", "synonyms"),
    "symptoms": ("symptoms",),
    "effort_hours": ("effort hours", "effort", "hours"),
    "introduced": ("introduced", "year"),
    "maturity": ("maturity",),
    "url": ("url", "link", "href"),
}
EDGE_FIELDS: dict[str, tuple[str, ...]] = {
    "source": ("source", "from", "src", "start"),
    "target": ("target", "to", "dst", "end"),
    "kind": ("kind", "relation", "relationship"),
    # Read as the kind when they name one, otherwise as the reason (Gephi's and Cytoscape's
    # edge labels are often free text).
    "label": ("label", "interaction", "edge label"),
    "why": ("why", "reason", "description", "note"),
}
# Edge kind words → (our kind, reversed?). "A leads to B" is "B requires A".
KIND_WORDS: dict[str, tuple[str, bool]] = {
    "requires": ("requires", False), "require": ("requires", False),
    "prerequisite": ("requires", False), "needs": ("requires", False),
    "depends on": ("requires", False),
    "leads to": ("requires", True), "prerequisite of": ("requires", True),
    "enables": ("requires", True), "required by": ("requires", True),
    "built on": ("built_on", False), "builds on": ("built_on", False),
    "underlies": ("built_on", True),
    "related": ("related", False), "related to": ("related", False),
    "see also": ("related", False),
}
NODE_LINK_KINDS = ("requires", "built_on", "related")


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", str(name)).strip().casefold()


def field_of(name: str, table: dict[str, tuple[str, ...]]) -> str | None:
    n = _norm(name)
    return next((f for f, names in table.items() if n in names), None)


def kind_of(word: str) -> tuple[str, bool] | None:
    """The kind an edge's word names, and whether the edge must be turned round."""
    n = _norm(word)
    for name in relations.names():
        if n == _norm(name):
            return name, False
    return KIND_WORDS.get(n)


def slug(text: str) -> str:
    """A kebab-case id from any text: 'Gradient Descent (GD)' → 'gradient-descent-gd'."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")
    return s[: TEXT_LIMITS["id"]].rstrip("-")


@dataclass
class RawNode:
    key: str  # the id as the source wrote it (or its name, when it has no id)
    attrs: dict[str, Any]
    at: Where
    links: list[tuple[str, str, Where]] = field(default_factory=list)  # (kind, target key, at)
    attr_lines: dict[str, int] = field(default_factory=dict)  # attribute → its own line


@dataclass
class RawEdge:
    source: str
    target: str
    attrs: dict[str, Any]
    at: Where


@dataclass
class RawGraph:
    nodes: list[RawNode] = field(default_factory=list)
    edges: list[RawEdge] = field(default_factory=list)
    # True: an edge may name a node no file lists (an edge-list CSV); it is created.
    implicit_nodes: bool = False
    # How a link to no node is reported: "error", or "warning" and dropped (a vault's links
    # to notes not written yet).
    dangling: str = "error"
    # True: a `related` link is dropped where a stronger kind joins the same pair (a vault's
    # `requires:: [[x]]` is a wikilink too).
    prune_related: bool = False


@dataclass
class Documents:
    """A graph folder's contents, before it is written: lists of YAML-ready mappings."""

    layers: list[dict] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    concepts: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    origins: dict[str, Where] = field(default_factory=dict)  # concept id → its source


@dataclass(frozen=True)
class Options:
    default_kind: str = DEFAULT_KIND
    default_layer: tuple[str, str] = DEFAULT_LAYER


DEFAULT_OPTIONS = Options()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _list(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value).split(LIST_SEPARATOR)
    return [_text(v) for v in items if _text(v)]


def number(value: Any, where: Where, problems: Problems, lo: float, hi: float) -> float | None:
    """A number from a cell: '1.5', '1,5' (a decimal comma) or a number already."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int | float):
        v = float(value)
    else:
        try:
            v = float(str(value).strip().replace(",", "."))
        except ValueError:
            problems.add(where, f"expected a number, got {str(value)[:40]!r}")
            return None
    if not lo <= v <= hi:
        problems.add(where, f"{v:g} is out of range; it must be between {lo:g} and {hi:g}")
        return None
    return v


def maturity(value: Any, where: Where, problems: Problems) -> dict[int, float]:
    """'2000:0.2|2020:0.9' (or a mapping) → {2000: 0.2, 2020: 0.9}."""
    pairs = value.items() if isinstance(value, dict) else (
        p.split(":", 1) if ":" in p else (p, "") for p in _list(value))
    out: dict[int, float] = {}
    for year, v in pairs:
        y = number(year, where, problems, *YEAR_RANGE)
        m = number(v, where, problems, 0, 1)
        if y is not None and m is not None:
            out[int(y)] = m
    return out


def _check_len(value: str, limit: str, where: Where, problems: Problems) -> str:
    if len(value) > TEXT_LIMITS[limit]:
        problems.add(where, f"{len(value):,} characters; the limit is {TEXT_LIMITS[limit]:,}")
    return value


def _meaningful(key: str) -> bool:
    """A key worth keeping as the id: kebab-case, and not a tool's counter ('12', 'n12')."""
    return bool(ID_RE.match(key)) and len(key) <= TEXT_LIMITS["id"] \
        and not re.fullmatch(r"[a-z]?\d+", key)


def _assign_ids(nodes: list[RawNode], problems: Problems) -> dict[str, str]:
    """Foreign key → our id: kept when it is already kebab-case, else made from the name."""
    ids: dict[str, str] = {}
    taken: dict[str, Where] = {}
    for node in nodes:
        if node.key in ids:
            problems.add(node.at, f"duplicate node '{node.key}' (first at {taken[ids[node.key]]})")
            continue
        name = next((_text(v) for k, v in node.attrs.items() if field_of(k, NODE_FIELDS) == "name"
                     and _text(v)), "")
        base = node.key if _meaningful(node.key) or not slug(name) \
            else slug(name)
        base = base if ID_RE.match(base) else (slug(base) or "node")
        cid, n = base, 2
        while cid in taken:
            cid, n = f"{base}-{n}", n + 1
        ids[node.key] = cid
        taken[cid] = node.at
    return ids


def _concept(node: RawNode, cid: str, problems: Problems) -> tuple[dict, str | None]:
    """The concept mapping for one node, and its layer's name as written (None: default)."""
    c: dict[str, Any] = {"id": cid}
    extra: dict[str, str] = {}
    layer_name = None
    links: dict[str, list[str]] = {}
    for key, value in node.attrs.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        where = Where(node.at.file, node.attr_lines.get(key, node.at.line), key)
        if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS:
            problems.add(where, f"{len(value):,} characters; the limit is "
                                f"{limits.MAX_CELL_CHARS:,}")
            continue
        f = field_of(key, NODE_FIELDS)
        if f is None and _norm(key) in {_norm(k) for k in relations.names()}:
            links.setdefault(next(k for k in relations.names() if _norm(k) == _norm(key)),
                             []).extend(_list(value))
        elif f in ("id", None):
            if f is None:
                extra[_text(key)[: TEXT_LIMITS["id"]]] = LIST_SEPARATOR.join(_list(value)) \
                    if isinstance(value, list | tuple) else _text(value)
        elif f in ("name", "summary", "details", "hook"):
            c[f] = _check_len(_text(value), f, where, problems)
        elif f == "layer":
            layer_name = _check_len(_text(value), "name", where, problems)
        elif f in ("aliases", "symptoms"):
            limit = "alias" if f == "aliases" else "symptom"
            c[f] = [_check_len(v, limit, where, problems) for v in _list(value)]
        elif f == "effort_hours":
            v = number(value, where, problems, 0.1, 1000)
            if v is not None:
                c[f] = v
        elif f == "introduced":
            v = number(value, where, problems, *YEAR_RANGE)
            if v is not None:
                c[f] = int(v)
        elif f == "maturity":
            c[f] = maturity(value, where, problems)
        elif f == "url":
            url = _text(value)
            if re.match(r"^https?://\S+$", url):
                c["references"] = [{"title": c.get("name") or cid, "url": url}]
            else:
                problems.add(where, f"{url[:60]!r} is not an http:// or https:// address")
    c.setdefault("name", node.key.strip() or cid)
    c.setdefault("summary", c["name"])
    if "references" in c:
        c["references"][0]["title"] = c["name"]
    if len(extra) > limits.MAX_EXTRA_KEYS:
        problems.add(node.at, f"{len(extra)} unmapped attributes; at most "
                              f"{limits.MAX_EXTRA_KEYS} are kept in 'extra'")
    elif extra:
        c["extra"] = dict(sorted(extra.items()))
    for kind, targets in links.items():
        node.links.extend((kind, t, node.at.at(kind)) for t in targets)
    return c, layer_name


def _edge_kind(edge: RawEdge, options: Options, problems: Problems
               ) -> tuple[str, bool, str] | None:
    """(kind, reversed, why) of an edge; None (with a problem) for a kind we do not know."""
    kind, turned, why = options.default_kind, False, ""
    for key, value in edge.attrs.items():
        f, text = field_of(key, EDGE_FIELDS), _text(value) if value is not None else ""
        if not text:
            continue
        if f == "kind":
            found = kind_of(text)
            if found is None:
                known = ", ".join([*relations.names(), *KIND_WORDS])
                problems.add(edge.at.at(key), f"unknown relation '{text[:40]}'; use one of "
                                              f"{known}")
                return None
            kind, turned = found
        elif f == "label":
            found = kind_of(text)
            if found is not None:
                kind, turned = found
            elif not why:
                why = text
        elif f == "why":
            why = text
    return kind, turned, _check_len(why, "why", edge.at.at("why"), problems)


def layer_order(layers: dict[str, str], concepts: dict[str, dict]) -> list[str]:
    """Layers bottom-up: a layer whose concepts require (or are built on) another's comes above
    it; layers in a loop, or unrelated, keep the order they first appeared in."""
    first = {lid: i for i, lid in enumerate(layers)}
    g = nx.DiGraph()
    g.add_nodes_from(layers)
    for c in concepts.values():
        for kind in (r.name for r in relations.all_relations() if r.structural):
            for e in c.get(kind, []):
                lower = concepts.get(e if isinstance(e, str) else e["id"], {}).get("layer")
                if lower and lower != c["layer"]:
                    g.add_edge(lower, c["layer"])
    dag = nx.condensation(g)
    order = nx.lexicographical_topological_sort(
        dag, key=lambda n: min(first[m] for m in dag.nodes[n]["members"]))
    return [m for n in order for m in sorted(dag.nodes[n]["members"], key=first.get)]


def map_graph(raw: RawGraph, options: Options = DEFAULT_OPTIONS) -> tuple[Documents, Problems]:
    """The documents for `raw`, and every problem found (located), all at once."""
    problems = Problems()
    if len(raw.nodes) > limits.MAX_CONCEPTS:
        problems.add(raw.nodes[0].at, f"{len(raw.nodes):,} nodes; the limit is "
                                      f"{limits.MAX_CONCEPTS:,}")
        return Documents(), problems
    if len(raw.edges) > limits.MAX_EDGES:
        problems.add(raw.edges[0].at, f"{len(raw.edges):,} edges; the limit is "
                                      f"{limits.MAX_EDGES:,}")
        return Documents(), problems
    nodes = list(raw.nodes)
    by_key = {n.key: n for n in nodes}
    by_name = {_norm(n.key): n.key for n in nodes}
    for n in nodes:
        for k, v in n.attrs.items():
            if field_of(k, NODE_FIELDS) == "name" and v:
                by_name.setdefault(_norm(_text(v)), n.key)
    if raw.implicit_nodes:
        for e in raw.edges:
            for end in (e.source, e.target):
                if end and end not in by_key and _norm(end) not in by_name:
                    node = RawNode(end, {"name": end}, e.at)
                    nodes.append(node)
                    by_key[end] = node
                    by_name[_norm(end)] = end
    ids = _assign_ids(nodes, problems)

    def resolve(key: str) -> str | None:
        key = key.strip()
        if key in ids:
            return ids[key]
        named = by_name.get(_norm(key))
        return ids.get(named) if named else None

    docs = Documents(goals=[dict(g) for g in DEFAULT_GOALS])
    layers: dict[str, str] = {}  # layer id → name, in order of first use
    concepts: dict[str, dict] = {}
    for node in nodes:
        cid = ids.get(node.key)
        if cid is None or cid in concepts:
            continue
        c, layer_name = _concept(node, cid, problems)
        lid, lname = (slug(layer_name), layer_name) if layer_name else options.default_layer
        if not lid:
            problems.add(node.at, f"layer '{layer_name}' has no letters or digits for an id")
            lid, lname = options.default_layer
        layers.setdefault(lid, lname)
        c["layer"] = lid
        concepts[cid] = c
        docs.origins[cid] = node.at

    seen: set[tuple[str, str, str]] = set()

    def link(src: str, dst: str, kind: str, why: str) -> None:
        if (src, dst, kind) in seen:
            return
        seen.add((src, dst, kind))
        entry = {"id": dst, "why": why} if why else dst
        concepts[src].setdefault(kind, []).append(entry)

    for node in nodes:
        src = ids.get(node.key)
        for kind, target, at in node.links:
            dst = resolve(target)
            if dst is None:
                problems.add(at, f"links to '{target[:80]}', which is not a node here",
                             raw.dangling)
            elif src in concepts:
                link(src, dst, kind, "")
    for e in raw.edges:
        src, dst = resolve(e.source), resolve(e.target)
        for end, key, col in ((src, e.source, "source"), (dst, e.target, "target")):
            if end is None:
                problems.add(e.at.at(col), f"'{key[:80]}' is not a node here" if key
                             else "empty")
        meaning = _edge_kind(e, options, problems)
        if src is None or dst is None or meaning is None:
            continue
        kind, turned, why = meaning
        a, b = (dst, src) if turned else (src, dst)
        if a in concepts:
            link(a, b, kind, why)
    for c in concepts.values() if raw.prune_related else ():
        stronger = {e if isinstance(e, str) else e["id"]
                    for k in relations.names() if k != "related" for e in c.get(k, [])}
        if stronger and c.get("related"):
            c["related"] = [e for e in c["related"]
                            if (e if isinstance(e, str) else e["id"]) not in stronger]
            if not c["related"]:
                del c["related"]
    docs.layers = [{"id": lid, "name": layers[lid]} for lid in layer_order(layers, concepts)]
    docs.concepts = list(concepts.values())
    return docs, problems
