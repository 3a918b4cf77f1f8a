"""An Obsidian vault: each note a concept, its links the edges.

- The file name is the note's key (what `[[wikilinks]]` name); YAML front matter gives fields
  (`name`, `aliases`, `layer`, `summary`, `effort_hours`, `tags`, …, and `requires:`,
  `built_on:`, `related:` as lists of `[[note]]` or names); the first paragraph of the body is the
  summary when the front matter has none, the rest the details.
- A note in a sub-folder takes the folder's name as its layer unless the front matter names one.
- Dataview-style inline fields: `requires:: [[a]], [[b]]` (any relation kind) adds those edges;
  another `key:: value` sets that field. Every other `[[wikilink]]` is a `related` edge.
- Links to notes the vault does not have are reported as warnings and left out (a vault often
  links ahead to notes not written yet). Hidden folders (`.obsidian`, `.trash`) are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from explorer.domain import limits, relations
from explorer.interchange.mapping import RawGraph, RawNode
from explorer.interchange.problems import Problems, Where
from explorer.interchange.read_csv import decode, read_bytes

WIKILINK = re.compile(r"(!?)\[\[([^\[\]|#^]*)(?:[#^][^\[\]|]*)?(?:\|([^\[\]]*))?\]\]")
INLINE_FIELD = re.compile(r"^\s*[-*]?\s*([A-Za-z][\w \-]*?)::\s*(.*)$")
ATTACHMENT = re.compile(r"\.(?!md$)[A-Za-z0-9]{1,5}$")


def _kind(key: str) -> str | None:
    n = re.sub(r"[\s\-]+", "_", key.strip().casefold())
    return n if n in relations.names() else None


def _targets(value) -> list[str]:
    """Link targets from a front-matter value: '[[a]]', 'a', or lists of them."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = str(item)
        found = [m.group(2) for m in WIKILINK.finditer(text)]
        out += found or [t.strip() for t in text.split(",") if t.strip()]
    return [t.strip() for t in out if t.strip()]


def plain(text: str) -> str:
    """Markdown link syntax dropped for a summary: [[a|b]] → b, [[a]] → a, [t](url) → t."""
    text = WIKILINK.sub(lambda m: (m.group(3) or m.group(2)).strip(), text)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def front_matter(text: str, where: Where, problems: Problems) -> tuple[dict, int]:
    """(front matter, the line the body starts on)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, 1
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        problems.add(where, "front matter opened with '---' is never closed")
        return {}, 1
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(Where(where.file, (mark.line + 2) if mark else 1),
                     f"front matter YAML error: {getattr(exc, 'problem', exc)}")
        return {}, end + 2
    if not isinstance(data, dict):
        problems.add(Where(where.file, 2), "front matter must be a mapping of fields")
        return {}, end + 2
    return data, end + 2


def read_note(path: Path, vault: Path, problems: Problems) -> RawNode | None:
    rel = path.relative_to(vault).as_posix()
    data = read_bytes(path, problems)
    text = decode(data, Where(rel, 1), problems) if data is not None else None
    if text is None:
        return None
    text = text.replace("\r\n", "\n")
    fm, body_line = front_matter(text, Where(rel, 1), problems)
    node = RawNode(path.stem, {}, Where(rel, 1))
    for key, value in fm.items():
        kind = _kind(str(key))
        if kind:
            node.links += [(kind, t, Where(rel, 1, str(key))) for t in _targets(value)]
        elif str(key).casefold() == "tags":
            node.attrs["tags"] = value
        else:
            node.attrs[str(key)] = value
    parts = path.relative_to(vault).parts
    if len(parts) > 1 and not any(k.casefold() in ("layer", "group", "category") for k in fm):
        node.attrs["layer"] = parts[0]
    paragraphs: list[list[str]] = []
    current: list[str] = []
    lines = text.split("\n")[body_line - 1:]
    for offset, line in enumerate(lines):
        number = body_line + offset
        field = INLINE_FIELD.match(line)
        if field and "[[" not in field.group(1):
            key, value = field.group(1).strip(), field.group(2)
            kind = _kind(key)
            if kind:
                node.links += [(kind, t, Where(rel, number, key)) for t in _targets(value)]
            else:
                node.attrs[key] = value.strip()
                node.attr_lines[key] = number
            continue
        for m in WIKILINK.finditer(line):
            target = m.group(2).strip()
            if target and not (m.group(1) and ATTACHMENT.search(target)):
                node.links.append(("related", target, Where(rel, number)))
        if not line.strip() or line.lstrip().startswith("#"):
            if current:
                paragraphs.append(current)
                current = []
            continue
        current.append(line)
    if current:
        paragraphs.append(current)
    if paragraphs:
        node.attrs.setdefault("summary", " ".join(s.strip() for s in plain(
            "\n".join(paragraphs[0])).split("\n")))
        rest = "\n\n".join("\n".join(p) for p in paragraphs[1:]).strip()
        if rest:
            node.attrs.setdefault("details", rest)
    node.attrs.setdefault("name", path.stem)
    return node


def read(paths: list[Path]) -> tuple[RawGraph, Problems]:
    problems = Problems()
    raw = RawGraph(dangling="warning", prune_related=True)
    for vault in paths:
        if not vault.is_dir():
            problems.add(Where(str(vault)), "an Obsidian vault must be a folder")
            continue
        notes = sorted(p for p in vault.rglob("*.md")
                       if not any(part.startswith(".") for part in p.relative_to(vault).parts))
        if len(notes) > limits.MAX_NOTES:
            problems.add(Where(vault.name), f"{len(notes):,} notes; the limit is "
                                            f"{limits.MAX_NOTES:,}")
            continue
        total = sum(p.stat().st_size for p in notes)
        if total > limits.IMPORT_TOTAL_BYTES:
            problems.add(Where(vault.name), f"the notes take {total:,} bytes; the limit is "
                                            f"{limits.IMPORT_TOTAL_BYTES:,}")
            continue
        if not notes:
            problems.add(Where(vault.name), "no notes (*.md) in this folder")
        for path in notes:
            node = read_note(path, vault, problems)
            if node is not None:
                raw.nodes.append(node)
    return raw, problems
