"""CSV: a nodes file and an edges file told apart by their columns, or one edge list.

Spreadsheets save CSV in several ways, all read here: UTF-8 with or without a byte-order mark,
Excel's "Unicode text" (UTF-16 with a BOM, tab-separated), `;` as the separator (Excel in
locales with a decimal comma), quoted cells with line breaks, and Windows-1252 text (read with a
warning). The separator is sniffed from the header line, which holds no quoted text.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from explorer.domain import limits
from explorer.interchange.mapping import (
    EDGE_FIELDS,
    NODE_FIELDS,
    RawEdge,
    RawGraph,
    RawNode,
    field_of,
)
from explorer.interchange.problems import Problems, Where

DELIMITERS = ",;\t|"
ENDPOINT_PREFIXES = ("source", "target")


def decode(data: bytes, where: Where, problems: Problems) -> str | None:
    """Text from bytes, by the byte-order mark when there is one, else UTF-8, else cp1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                problems.add(where, f"not valid {encoding} text ({exc.reason} at byte "
                                    f"{exc.start})")
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.add(where, "not UTF-8; read as Windows-1252 (save as CSV UTF-8 to be sure)",
                     "warning")
        return data.decode("cp1252", errors="replace")


def read_bytes(path: Path, problems: Problems) -> bytes | None:
    where = Where(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.add(where, f"cannot read: {exc.strerror}")
        return None
    if size > limits.IMPORT_FILE_BYTES:
        problems.add(where, f"file is {size:,} bytes; the limit is {limits.IMPORT_FILE_BYTES:,}")
        return None
    return path.read_bytes()


def sniff_delimiter(header: str) -> str:
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def rows(name: str, text: str, problems: Problems) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line, {column: cell})]) with the line each row starts on."""
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(header_line))
    out: list[tuple[int, dict]] = []
    header: list[str] = []
    try:
        start = 1
        for cells in reader:
            if not header:
                header = [c.strip() for c in cells]
                dupes = {h for h in header if h and header.count(h) > 1}
                for h in sorted(dupes):
                    problems.add(Where(name, 1, h), "column appears twice in the header")
            elif any(c.strip() for c in cells):
                if len(cells) > len(header):
                    problems.add(Where(name, start), f"{len(cells)} cells but the header has "
                                                     f"{len(header)} columns")
                out.append((start, {h: c for h, c in zip(header, cells, strict=False) if h}))
                if len(out) > limits.MAX_EDGES:
                    problems.add(Where(name, start), f"more than {limits.MAX_EDGES:,} rows")
                    break
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.add(Where(name, reader.line_num), f"CSV syntax error: {exc}")
    return header, out


def kind_of_file(header: list[str]) -> str | None:
    fields = {field_of(h, EDGE_FIELDS) for h in header}
    if {"source", "target"} <= fields:
        return "edges"
    if {field_of(h, NODE_FIELDS) for h in header} & {"id", "name"}:
        return "nodes"
    return None


def _endpoint(column: str) -> tuple[str, str] | None:
    """'source_layer' → ('source', 'layer'): a node column on an edge list."""
    for prefix in ENDPOINT_PREFIXES:
        for sep in ("_", " ", "-", "."):
            if column.casefold().startswith(prefix + sep) and len(column) > len(prefix) + 1:
                return prefix, column[len(prefix) + 1:]
    return None


def read(paths: list[Path]) -> tuple[RawGraph, Problems]:
    problems = Problems()
    raw = RawGraph()
    has_nodes_file = False
    endpoint_nodes: dict[str, RawNode] = {}
    for path in paths:
        data = read_bytes(path, problems)
        text = decode(data, Where(path.name, 1), problems) if data is not None else None
        if text is None:
            continue
        header, table = rows(path.name, text, problems)
        kind = kind_of_file(header)
        if kind is None:
            problems.add(Where(path.name, 1), "cannot tell nodes from edges: an edges file "
                         "needs 'source' and 'target' columns, a nodes file an 'id' or 'name'")
            continue
        if kind == "nodes":
            has_nodes_file = True
            id_col = next((h for h in header if field_of(h, NODE_FIELDS) == "id"), None)
            name_col = next((h for h in header if field_of(h, NODE_FIELDS) == "name"), None)
            for line, row in table:
                key = (row.get(id_col) or "").strip() if id_col else ""
                key = key or (row.get(name_col) or "").strip()
                if not key:
                    problems.add(Where(path.name, line, id_col or name_col), "empty")
                    continue
                attrs = {h: v for h, v in row.items() if h != id_col}
                raw.nodes.append(RawNode(key, attrs, Where(path.name, line)))
            continue
        src_col = next(h for h in header if field_of(h, EDGE_FIELDS) == "source")
        dst_col = next(h for h in header if field_of(h, EDGE_FIELDS) == "target")
        for line, row in table:
            at = Where(path.name, line)
            edge_attrs, ends = {}, {"source": row.get(src_col, ""), "target": row.get(dst_col, "")}
            for h, v in row.items():
                split = _endpoint(h) if h not in (src_col, dst_col) else None
                if split is None:
                    edge_attrs[h] = v
                elif v.strip() and ends[split[0]].strip():
                    key = ends[split[0]].strip()
                    node = endpoint_nodes.setdefault(key, RawNode(key, {"name": key}, at))
                    node.attrs.setdefault(split[1], v)
            raw.edges.append(RawEdge(ends["source"].strip(), ends["target"].strip(),
                                     edge_attrs, at))
    raw.implicit_nodes = not has_nodes_file
    if raw.implicit_nodes:
        raw.nodes.extend(endpoint_nodes.values())
    return raw, problems
