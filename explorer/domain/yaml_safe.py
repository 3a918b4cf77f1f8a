"""Parse one YAML text from a graph file with bounded cost and located errors.

PyYAML's `SafeLoader` refuses Python tags, but it still
- lets a few hundred bytes of nested aliases (`&a [...]`, `*a`) stand for billions of nodes: the
  parse is cheap (an alias shares its node), but anything that walks the result (a check, an
  error message quoting it) pays for every copy: 472 bytes made `explorer validate` write a
  312 MB message in 1.3 GB of memory;
- recurses once per nesting level, so 5,000 nested `[` end in `RecursionError`;
- keeps the last of two equal mapping keys, silently;
- raises plain `ValueError` (no line) for a bad timestamp, `!!float abc` or a 5,000-digit int.

So a file is parsed here by a composer that counts nodes as it builds them, every alias charged
the full size of the node it names (`limits.MAX_YAML_NODES`), that stops at
`limits.MAX_YAML_DEPTH` levels before recursing further, and that refuses an alias inside the
node it names (a recursive structure). Aliases are otherwise allowed: within the budget they are
harmless, and a file that shares a list through one is valid YAML. The constructor reports
duplicate keys with both lines and turns any value error into one located at its node.

The events come from libyaml's C parser when PyYAML was built with it (about 8× faster than the
pure-Python scanner, and it does not recurse); the composer is always PyYAML's Python one, with
the counts above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from explorer.domain.limits import MAX_YAML_DEPTH, MAX_YAML_NODES

try:  # libyaml's parser: events from C
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

MAP_TAG = "tag:yaml.org,2002:map"
MERGE_TAG = "tag:yaml.org,2002:merge"


class YamlError(Exception):
    """The text cannot be read as YAML within the limits; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}")


class LineMap(dict):
    """A mapping read from YAML that knows the line it starts on (not a key: data cannot forge
    it, and it never shows up when the mapping is iterated or quoted)."""

    __slots__ = ("line",)

    def __init__(self, *args: Any, line: int = 1, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line = line


@dataclass
class Parsed:
    data: Any
    root: Node | None  # the composed tree, for the lines of entries that are not mappings
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message), not fatal


class _BoundedComposer(Composer):
    """PyYAML's composer, counting nodes (aliases at full size) and nesting as it goes."""

    def __init__(self) -> None:
        super().__init__()
        self._nodes = 0
        self._depth = 0
        self._sizes: dict[str, int] = {}  # anchor -> nodes it stands for, once composed
        self._open: set[str] = set()  # anchors whose node is still being composed

    def _charge(self, n: int, mark: Any, what: str) -> None:
        self._nodes += n
        if self._nodes > MAX_YAML_NODES:
            raise ComposerError(None, None, f"{what}: the file would expand past "
                                f"{MAX_YAML_NODES:,} YAML nodes, the limit", mark)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            name = event.anchor
            if name in self._open:
                raise ComposerError(None, None, f"alias *{name} is inside the node it names "
                                    "(a recursive structure)", event.start_mark)
            if name in self._sizes:
                self._charge(self._sizes[name], event.start_mark,
                             f"alias *{name} repeats {self._sizes[name]:,} nodes")
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise ComposerError(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep, "
                                "the limit", event.start_mark)
        self._charge(1, event.start_mark, "too many nodes")
        start, anchor = self._nodes, getattr(event, "anchor", None)
        if anchor is not None:
            self._open.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self._open.discard(anchor)
            self._sizes[anchor] = self._nodes - start + 1
        self._depth -= 1
        return node


class _Constructor(SafeConstructor):
    """SafeConstructor that builds `LineMap`s, lists duplicate keys, and locates value errors."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[tuple[int, str]] = []

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        # Always deep: every value is built inside this call, so an error is caught at its node.
        try:
            return super().construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
            raise ConstructorError(None, None, f"cannot read the value ({exc})",
                                   node.start_mark) from None

    def construct_mapping(self, node: Node, deep: bool = False) -> dict:
        if isinstance(node, MappingNode):
            self._check_duplicates(node)
        return super().construct_mapping(node, deep=True)

    def _check_duplicates(self, node: MappingNode) -> None:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue  # merged keys may be overridden; other keys fail as unhashable later
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in first:
                self.problems.append((line, f"duplicate key '{key}' (first at line "
                                            f"{first[key]}); a key may appear once"))
            else:
                first[key] = line

    def construct_line_map(self, node: MappingNode):
        data = LineMap(line=node.start_mark.line + 1)
        yield data
        data.update(self.construct_mapping(node))


_Constructor.add_constructor(MAP_TAG, _Constructor.construct_line_map)

if _CParser is not None:
    class _Loader(_BoundedComposer, _CParser, _Constructor, Resolver):
        def __init__(self, stream: str):
            _CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            _Constructor.__init__(self)
            Resolver.__init__(self)
else:  # pragma: no cover
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, _BoundedComposer, _Constructor, Resolver):
        def __init__(self, stream: str):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            _BoundedComposer.__init__(self)
            _Constructor.__init__(self)
            Resolver.__init__(self)


def parse(text: str) -> Parsed:
    """The data of one YAML document, or `YamlError` naming the line and what is wrong."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
        return Parsed(data, root, loader.problems)
    except yaml.YAMLError as exc:
        raise _located(exc, text) from None
    finally:
        loader.dispose()


def _located(exc: yaml.YAMLError, text: str) -> YamlError:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        code = ord(char) if isinstance(char, str) else int(char)
        return YamlError(line, f"character #x{code:04x} is not allowed in YAML (a control "
                               "character)")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    problem = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, ComposerError | ConstructorError) and problem.startswith(
            ("alias", "nested", "too many", "cannot read", "found")):
        return YamlError(line, problem)
    rows = text.split("\n", line)
    row = rows[line - 1] if line - 1 < len(rows) else ""
    if "\t" in row[: len(row) - len(row.lstrip(" \t"))]:
        return YamlError(line, "a tab in the indentation; YAML indents with spaces only")
    context = getattr(exc, "context", None)
    return YamlError(line, f"YAML syntax error: {f'{context}: ' if context else ''}{problem}")
