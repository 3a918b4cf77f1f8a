"""GraphML and GEXF, as Gephi, Cytoscape, yEd and networkx write them, parsed safely.

Parsing goes through `defusedxml`: a document that declares entities (the "billion laughs"),
refers to external entities or a DTD is refused rather than expanded or fetched. Each element
remembers the line it starts on, so a problem names it; nesting deeper than `MAX_XML_DEPTH` is
refused before it can exhaust the stack.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from explorer.domain import limits
from explorer.interchange.mapping import RawEdge, RawGraph, RawNode
from explorer.interchange.problems import Problems, Where
from explorer.interchange.read_csv import read_bytes

REFUSALS = {"DTDForbidden": "a document type declaration (<!DOCTYPE …>) is not allowed",
            "EntitiesForbidden": "entity declarations are not allowed",
            "ExternalReferenceForbidden": "references to external files are not allowed"}


class _Element(ET.Element):
    line = 0


class _TooDeep(Exception):
    pass


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that notes each element's line and refuses deep nesting."""

    def __init__(self) -> None:
        super().__init__(element_factory=_Element)
        self.parser: DefusedXMLParser | None = None
        self.depth = 0

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > limits.MAX_XML_DEPTH:
            raise _TooDeep
        el = super().start(tag, attrs)
        el.line = self.parser.parser.CurrentLineNumber
        return el

    def end(self, tag):
        self.depth -= 1
        return super().end(tag)


def parse(path: Path, problems: Problems) -> _Element | None:
    """The document's root, or None with a located problem."""
    data = read_bytes(path, problems)
    if data is None:
        return None
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as exc:
        line, col = exc.position
        problems.add(Where(path.name, line), f"XML syntax error at column {col + 1}: "
                     f"{str(exc).split(':')[0]}")
    except DefusedXmlException as exc:
        problems.add(Where(path.name, parser.parser.CurrentLineNumber),
                     f"refused: {REFUSALS.get(type(exc).__name__, type(exc).__name__)} "
                     "(so that no entity is expanded and nothing outside is read)")
    except _TooDeep:
        problems.add(Where(path.name, parser.parser.CurrentLineNumber),
                     f"elements nested deeper than {limits.MAX_XML_DEPTH}")
    return None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(el: ET.Element, name: str) -> list[_Element]:
    return [c for c in el if local(c.tag) == name]


def _text(el: ET.Element) -> str:
    """An element's text; for yEd's nested label elements, all the text inside."""
    return "".join(el.itertext()).strip()


def _check_counts(name: str, raw: RawGraph, problems: Problems, root: _Element) -> bool:
    for what, items, limit in (("nodes", raw.nodes, limits.MAX_CONCEPTS),
                               ("edges", raw.edges, limits.MAX_EDGES)):
        if len(items) > limit:
            problems.add(Where(name, root.line), f"{len(items):,} {what}; the limit is "
                                                 f"{limit:,}")
            return False
    return True


def _root(path: Path, problems: Problems, tag: str, label: str) -> _Element | None:
    """The parsed document's root when it is a `<tag>` element; otherwise a located problem."""
    root = parse(path, problems)
    if root is not None and local(root.tag) != tag:
        problems.add(Where(path.name, root.line), f"not {label}: the root element is "
                                                  f"<{local(root.tag)}>")
        return None
    return root


def read_graphml(path: Path, raw: RawGraph, problems: Problems) -> None:
    root = _root(path, problems, "graphml", "GraphML")
    if root is None:
        return
    name = path.name
    keys: dict[str, str] = {}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for key in root.iter():
        if local(key.tag) == "key" and key.get("id"):
            attr = key.get("attr.name") or key.get("yfiles.type") or key.get("id")
            keys[key.get("id")] = attr
            for d in children(key, "default"):
                for scope in (("node", "edge") if key.get("for") == "all" else
                              (key.get("for", ""),)):
                    if scope in defaults:
                        defaults[scope][attr] = _text(d)

    def data(el: _Element, scope: str) -> tuple[dict, dict]:
        attrs, lines = dict(defaults[scope]), {}
        for d in children(el, "data"):
            attr = keys.get(d.get("key", ""), d.get("key", ""))
            attrs[attr], lines[attr] = _text(d), d.line
        return attrs, lines

    for el in root.iter():
        tag = local(el.tag)
        if tag == "node":
            if not el.get("id"):
                problems.add(Where(name, el.line, "id"), "a <node> without an id")
                continue
            attrs, lines = data(el, "node")
            raw.nodes.append(RawNode(el.get("id"), attrs, Where(name, el.line),
                                     attr_lines=lines))
        elif tag == "edge":
            attrs, _ = data(el, "edge")
            raw.edges.append(RawEdge(el.get("source", ""), el.get("target", ""), attrs,
                                     Where(name, el.line)))
        if len(raw.nodes) + len(raw.edges) > limits.MAX_CONCEPTS + limits.MAX_EDGES:
            break
    _check_counts(name, raw, problems, root)


def read_gexf(path: Path, raw: RawGraph, problems: Problems) -> None:
    root = _root(path, problems, "gexf", "GEXF")
    if root is None:
        return
    name = path.name
    titles: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    defaults: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in root.iter():
        if local(block.tag) == "attributes" and block.get("class") in titles:
            scope = block.get("class")
            for a in children(block, "attribute"):
                title = a.get("title") or a.get("id", "")
                titles[scope][a.get("id", "")] = title
                for d in children(a, "default"):
                    defaults[scope][title] = _text(d)

    def attvalues(el: _Element, scope: str) -> tuple[dict, dict]:
        attrs, lines = dict(defaults[scope]), {}
        for block in children(el, "attvalues"):
            for v in children(block, "attvalue"):
                ref = v.get("for") or v.get("id") or ""
                title = titles[scope].get(ref, ref)
                attrs[title], lines[title] = v.get("value", ""), v.line
        for viz in el:
            if local(viz.tag) == "position":
                for axis in ("x", "y"):
                    if viz.get(axis) is not None:
                        attrs[axis] = viz.get(axis)
        return attrs, lines

    for el in root.iter():
        tag = local(el.tag)
        if tag == "node":
            if not el.get("id"):
                problems.add(Where(name, el.line, "id"), "a <node> without an id")
                continue
            attrs, lines = attvalues(el, "node")
            if el.get("label"):
                attrs.setdefault("label", el.get("label"))
            raw.nodes.append(RawNode(el.get("id"), attrs, Where(name, el.line),
                                     attr_lines=lines))
        elif tag == "edge":
            attrs, _ = attvalues(el, "edge")
            for extra in ("label", "kind"):
                if el.get(extra):
                    attrs.setdefault(extra, el.get(extra))
            raw.edges.append(RawEdge(el.get("source", ""), el.get("target", ""), attrs,
                                     Where(name, el.line)))
        if len(raw.nodes) + len(raw.edges) > limits.MAX_CONCEPTS + limits.MAX_EDGES:
            break
    _check_counts(name, raw, problems, root)


def read(paths: list[Path], fmt: str) -> tuple[RawGraph, Problems]:
    problems = Problems()
    raw = RawGraph()
    for path in paths:
        (read_graphml if fmt == "graphml" else read_gexf)(path, raw, problems)
    return raw, problems
