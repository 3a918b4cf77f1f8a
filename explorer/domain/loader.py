"""Load and validate a graph folder (`layers.yaml`, `goals.yaml`, `concepts/`, `decisions/`).

Decisions may live in one `decisions.yaml`, in `decisions/*.yaml`, or both.

Every problem is collected, not just the first, and each names its file, line and concept id, so
one run of `explorer validate` tells an author everything to fix.
"""

from __future__ import annotations

import re
import reprlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from explorer.domain import relations, sources, yaml_safe
from explorer.domain.limits import (
    MAX_CONCEPTS,
    MAX_DECISIONS,
    MAX_EXTRA_KEYS,
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    TEXT_LIMITS,
)
from explorer.domain.model import (
    DECISION_KINDS,
    Concept,
    Decision,
    Evidence,
    Goal,
    Graph,
    Influence,
    Layer,
    Link,
    Reference,
    Source,
)

__all__ = ["MAX_FILE_BYTES", "GraphError", "Problem", "decision_files", "load_graph",
           "normalise_id", "source_files", "source_hash"]

YEAR_RANGE = (1900, 2100)
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
source_files, decision_files, source_hash = (sources.source_files, sources.decision_files,
                                             sources.source_hash)


def _short_repr() -> reprlib.Repr:
    """A repr that quotes at most a few items and 60 characters of any value in a message (a
    value from a file can be megabytes long or nested deep)."""
    r = reprlib.Repr()
    r.maxstring = r.maxother = 60
    r.maxlist = r.maxdict = r.maxset = r.maxtuple = 4
    r.maxlevel = 2
    return r


_short = _short_repr().repr


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    concept: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: {self.concept}" if self.concept else \
            f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class GraphError(Exception):
    """The graph folder has problems; `problems` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def normalise_id(text: str) -> str:
    """The form two ids are compared in: trimmed, NFKC, case-folded."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


class _Checker:
    """Collects problems while turning raw YAML into model objects."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.problems: list[Problem] = []
        self.unlisted = 0  # problems past MAX_PROBLEMS, counted only

    def add(self, file: str, line: int, concept: str | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.unlisted += 1
            return
        self.problems.append(Problem(file, line, concept, message))

    def fail(self) -> GraphError:
        problems = list(self.problems)
        if self.unlisted:
            problems.append(Problem("./", 0, None, f"… and {self.unlisted:,} more problems "
                                                   f"(only the first {MAX_PROBLEMS:,} are listed)"))
        return GraphError(problems)

    def read(self, file: sources.SourceFile | None) -> list[dict[str, Any]] | None:
        """The entries of one file (mappings that know their line), or None if it is unusable;
        every problem found on the way is added."""
        if file is None:  # refused by the scan (its problem is already listed)
            return None
        rel = file.rel
        raw = sources.read_bytes(file)
        if len(raw) > MAX_FILE_BYTES:
            self.add(rel, 1, None, f"file is over {MAX_FILE_BYTES:,} bytes, the limit")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            self.add(rel, line, None, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column "
                                      f"{column} ({exc.reason}); save the file as UTF-8")
            return None
        try:
            parsed = yaml_safe.parse(text)
        except yaml_safe.YamlError as exc:
            self.add(rel, exc.line, None, exc.message)
            return None
        for line, message in parsed.problems:
            self.add(rel, line, None, message)
        data = parsed.data
        if data is None:
            return []
        if not isinstance(data, list):
            self.add(rel, 1, None, "expected a list of entries (`- id: …`) at the top level, "
                                   f"found {_kind(data)}")
            return None
        items = []
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                line = parsed.root.value[i].start_mark.line + 1
                self.add(rel, line, None, f"entry {i + 1} is {_kind(item)}, not a mapping")
            else:
                items.append(item)
        return items

    def text(self, raw: dict, key: str, where: tuple[str, int, str | None], *,
             required: bool = False, limit: str | None = None) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.add(*where, f"missing required field '{key}'")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.add(*where, f"'{key}' must be text")
            return ""
        return self.check_text(str(value).strip(), limit or key, where, key)

    def check_text(self, value: str, limit: str, where: tuple[str, int, str | None],
                   label: str) -> str:
        if len(value) > TEXT_LIMITS[limit]:
            self.add(*where, f"'{label}' is {len(value)} characters; the limit is "
                             f"{TEXT_LIMITS[limit]}")
            return value[: TEXT_LIMITS[limit]]
        if CONTROL_RE.search(value):
            self.add(*where, f"'{label}' contains control characters")
        return value

    def texts(self, raw: dict, key: str, limit: str, where: tuple[str, int, str | None]
              ) -> tuple[str, ...]:
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(*where, f"'{key}' must be a list of text")
            return ()
        return tuple(self.check_text(v.strip(), limit, where, key) for v in value if v.strip())

    def number(self, value: Any, label: str, where: tuple[str, int, str | None],
               lo: float, hi: float) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(*where, f"{label} must be a number, got {_short(value)}")
            return None
        if not lo <= value <= hi:
            self.add(*where, f"{label} is {value}; it must be between {lo:g} and {hi:g}")
            return None
        return float(value)

    def links(self, raw: dict, key: str, where: tuple[str, int, str | None]) -> tuple[Link, ...]:
        value = raw.get(key) or []
        if not isinstance(value, list):
            self.add(*where, f"'{key}' must be a list")
            return ()
        out = []
        for item in value:
            if isinstance(item, str):
                out.append(Link(self.check_text(item.strip(), "id", where, f"{key} id")))
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                out.append(Link(self.check_text(item["id"].strip(), "id", where, f"{key} id"),
                                self.text(item, "why", where)))
            else:
                self.add(*where, f"'{key}' entries must be an id or {{id, why}}, "
                                 f"got {_short(item)}")
        return tuple(out)


def _line(raw: dict) -> int:
    return getattr(raw, "line", 1)


def _kind(value: Any) -> str:
    """What a YAML value is, in an author's words."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the {type(value).__name__} {_short(value)}"


def _ids_once(ck: _Checker, raw: dict, rel: str, seen: dict[str, int], what: str) -> str:
    """The entry's id if it is a new, well-formed one; else '' with the problem added."""
    where = (rel, _line(raw), None)
    entry_id = ck.text(raw, "id", where, required=True, limit="id")
    if not entry_id:
        return ""
    if not ID_RE.match(entry_id):
        ck.add(*where, f"{what} id '{entry_id}' must be kebab-case: lowercase letters, digits "
                       "and single hyphens")
        return ""
    if entry_id in seen:
        ck.add(rel, _line(raw), entry_id, f"duplicate {what} id (first defined at "
                                          f"{rel}:{seen[entry_id]})")
        return ""
    seen[entry_id] = _line(raw)
    return entry_id


def _layers(ck: _Checker, items: list[dict], rel: str) -> tuple[Layer, ...]:
    layers: list[Layer] = []
    seen: dict[str, int] = {}
    for raw in items:
        where = (rel, _line(raw), None)
        layer_id = _ids_once(ck, raw, rel, seen, "layer")
        name = ck.text(raw, "name", where, required=True)
        if layer_id:
            layers.append(Layer(layer_id, name or layer_id, len(layers)))
    return tuple(layers)


def _goals(ck: _Checker, items: list[dict], rel: str) -> tuple[Goal, ...]:
    goals = []
    seen: dict[str, int] = {}
    for raw in items:
        where = (rel, _line(raw), None)
        goal_id = _ids_once(ck, raw, rel, seen, "goal")
        if goal_id:
            goals.append(Goal(goal_id, ck.text(raw, "name", where) or goal_id,
                              ck.text(raw, "description", where, limit="summary")))
    return tuple(goals)


def _maturity(ck: _Checker, raw: dict, where) -> tuple[tuple[int, float], ...]:
    value = raw.get("maturity") or {}
    if not isinstance(value, dict):
        ck.add(*where, "'maturity' must map years to values between 0 and 1")
        return ()
    points = []
    for year, level in value.items():
        y = ck.number(year, "maturity year", where, *YEAR_RANGE)
        v = ck.number(level, f"maturity in {year}", where, 0, 1)
        if y is not None and v is not None:
            points.append((int(y), v))
    return tuple(sorted(points))


def _references(ck: _Checker, raw: dict, where) -> tuple[Reference, ...]:
    value = raw.get("references") or []
    if not isinstance(value, list):
        ck.add(*where, "'references' must be a list of {title, url}")
        return ()
    refs = []
    for item in value:
        if not isinstance(item, dict):
            ck.add(*where, f"reference {_short(item)} must be a mapping with a title")
            continue
        title = ck.text(item, "title", where, required=True)
        url = ck.text(item, "url", where) or None
        if url and not re.match(r"^https?://", url):
            ck.add(*where, f"reference url {url!r} must start with http:// or https://")
            url = None
        if title:
            refs.append(Reference(title, url))
    return tuple(refs)


def _extra(ck: _Checker, raw: dict, where) -> tuple[tuple[str, str], ...]:
    """`extra`: a flat mapping of attribute → text that an imported graph carried along."""
    value = raw.get("extra") or {}
    if not isinstance(value, dict):
        ck.add(*where, "'extra' must map names to text")
        return ()
    items = dict(value.items())
    if len(items) > MAX_EXTRA_KEYS:
        ck.add(*where, f"'extra' has {len(items)} entries; the limit is {MAX_EXTRA_KEYS}")
        return ()
    out = []
    for key, v in items.items():
        if not isinstance(key, str) or isinstance(v, dict | list) or v is None:
            ck.add(*where, f"'extra' entry {key!r} must be a name with a text value")
            continue
        out.append((ck.check_text(key, "id", where, "extra key"),
                    ck.check_text(str(v), "extra", where, f"extra {key}")))
    return tuple(sorted(out))


def _evidence(ck: _Checker, raw: dict, where) -> tuple[Evidence, ...]:
    """Public threads where someone faced the decision: {url, title, summary}, http(s) only."""
    value = raw.get("evidence") or []
    if not isinstance(value, list):
        ck.add(*where, "'evidence' must be a list of {url, title, summary}")
        return ()
    out = []
    for item in value:
        if not isinstance(item, dict):
            ck.add(*where, f"evidence {_short(item)} must be a mapping with url, title and summary")
            continue
        line = _line(item)
        at = (where[0], line, where[2])
        url = ck.text(item, "url", at, required=True)
        title = ck.text(item, "title", at, required=True)
        summary = ck.text(item, "summary", at, required=True, limit="why")
        if url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            ck.add(*at, f"evidence url {url!r} must be an http:// or https:// address")
            continue
        if url and title and summary:
            out.append(Evidence(url, title, summary))
    if len({e.url for e in out}) < len(out):
        ck.add(*where, "evidence lists the same url twice")
    return tuple(out)


def _concept(ck: _Checker, raw: dict, rel: str) -> Concept | None:
    line = _line(raw)
    cid = ck.text(raw, "id", (rel, line, None), required=True, limit="id")
    where = (rel, line, cid or None)
    if cid and not ID_RE.match(cid):
        ck.add(*where, "id must be kebab-case: lowercase letters, digits and single hyphens")
    name = ck.text(raw, "name", where, required=True)
    layer = ck.text(raw, "layer", where, required=True, limit="id")
    summary = ck.text(raw, "summary", where, required=True)
    effort = raw.get("effort_hours", 1)
    effort = ck.number(effort, "effort_hours", where, 0.1, 1000) or 1.0
    introduced = raw.get("introduced")
    if introduced is not None:
        introduced = ck.number(introduced, "introduced", where, *YEAR_RANGE)
        introduced = int(introduced) if introduced is not None else None
    if not (cid and name and layer and summary):
        return None
    return Concept(
        id=cid, name=name, layer=layer, summary=summary,
        hook=ck.text(raw, "hook", where),
        aliases=ck.texts(raw, "aliases", "alias", where),
        details=ck.text(raw, "details", where),
        symptoms=ck.texts(raw, "symptoms", "symptom", where),
        maturity=_maturity(ck, raw, where),
        effort_hours=effort,
        introduced=introduced,
        **Concept.link_fields({kind: ck.links(raw, kind, where) for kind in relations.names()}),
        references=_references(ck, raw, where),
        source=Source(rel, line),
        extra=_extra(ck, raw, where),
    )


def _decision(ck: _Checker, raw: dict, rel: str, goals: set[str]) -> Decision | None:
    line = _line(raw)
    did = ck.text(raw, "id", (rel, line, None), required=True, limit="id")
    where = (rel, line, did or None)
    text = ck.text(raw, "text", where, required=True)
    kind = ck.text(raw, "kind", where, required=True, limit="id")
    if kind and kind not in DECISION_KINDS:
        ck.add(*where, f"unknown kind '{kind}'; expected one of {', '.join(DECISION_KINDS)}")
    sensitive = raw.get("maturity_sensitive", True)
    if not isinstance(sensitive, bool):
        ck.add(*where, "'maturity_sensitive' must be true or false")
        sensitive = True
    freq_raw = raw.get("frequency") or {}
    frequency = []
    if not isinstance(freq_raw, dict):
        ck.add(*where, "'frequency' must map goals to numbers between 0 and 1")
        freq_raw = {}
    for goal, value in freq_raw.items():
        if goal not in goals:
            ck.add(*where, f"frequency names unknown goal '{goal}'")
        v = ck.number(value, f"frequency for {goal}", where, 0, 1)
        if v is not None:
            frequency.append((str(goal), v))
    influences = []
    informed_by = raw.get("informed_by") or []
    if not isinstance(informed_by, list):
        ck.add(*where, "'informed_by' must be a list of {id, strength, why}")
        informed_by = []
    for item in informed_by:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            ck.add(*where, f"'informed_by' entries must be {{id, strength, why}}, "
                           f"got {_short(item)}")
            continue
        cid = ck.check_text(item["id"].strip(), "id", where, "informed_by id")
        s = ck.number(item.get("strength"), f"strength of {cid}", where, 0, 1)
        if s is not None:
            influences.append(Influence(cid, s, ck.text(item, "why", where)))
    if not (did and text and kind):
        return None
    return Decision(did, text, kind, sensitive, tuple(frequency), tuple(influences),
                    ck.texts(raw, "symptoms", "symptom", where), Source(rel, line),
                    evidence=_evidence(ck, raw, where))


def _check_references(ck: _Checker, concepts: dict[str, Concept],
                      decisions: dict[str, Decision], layers: set[str]) -> None:
    for c in concepts.values():
        where = (c.source.file, c.source.line, c.id)
        if c.layer not in layers:
            ck.add(*where, f"unknown layer '{c.layer}'")
        for kind in relations.names():
            for link in c.links(kind):
                if link.id not in concepts:
                    ck.add(*where, f"{kind} unknown concept '{link.id}'")
                elif link.id == c.id:
                    ck.add(*where, f"{kind} itself")
    for d in decisions.values():
        for inf in d.informed_by:
            if inf.id not in concepts:
                ck.add(d.source.file, d.source.line, d.id,
                       f"informed_by unknown concept '{inf.id}'")


def _check_cycles(ck: _Checker, concepts: dict[str, Concept]) -> None:
    for kind in (r.name for r in relations.all_relations() if r.acyclic):
        g = nx.DiGraph((c.id, link.id) for c in concepts.values() for link in c.links(kind)
                       if link.id in concepts and link.id != c.id)
        for cycle in _cycles(g):
            first = concepts[cycle[0]]
            path = " → ".join([*cycle, cycle[0]])
            ck.add(first.source.file, first.source.line, first.id, f"cycle in {kind}: {path}")


def _cycles(g: nx.DiGraph) -> Iterator[list[str]]:
    """One cycle per strongly connected component, starting at its smallest id."""
    for component in nx.strongly_connected_components(g):
        if len(component) < 2:
            continue
        sub = g.subgraph(component)
        start = min(component)
        edges = nx.find_cycle(sub, source=start)
        yield [u for u, _ in edges]


def load_graph(data_dir: str | Path) -> Graph:
    """Read and validate a graph folder; raise `GraphError` listing every problem.

    The folder is checked on disk first (links out of it, devices, sizes: `sources.scan`); a
    folder over its size limit is refused before any file is read."""
    data_dir = Path(data_dir)
    ck = _Checker(data_dir)
    if not data_dir.is_dir():
        raise GraphError([Problem(str(data_dir), 0, None, "not a folder")])
    for name in ("layers.yaml", "goals.yaml"):
        if not sources._present(data_dir / name):
            ck.add(name, 0, None, "file is missing")
    if not sources.concept_files(data_dir):
        ck.add("concepts/", 0, None, "no concept files (concepts/*.yaml)")
    scan = sources.scan(data_dir)
    for rel, why in scan.problems():
        ck.add(rel, 0 if rel == "./" else 1, None, why)
    if ck.problems and (scan.too_big or not scan.files):
        raise ck.fail()
    files = {f.rel: f for f in scan.files}

    def entries(path: Path) -> list[dict[str, Any]]:
        return ck.read(files.get(path.relative_to(data_dir).as_posix())) or []

    layers = _layers(ck, entries(data_dir / "layers.yaml"), "layers.yaml")
    goals = _goals(ck, entries(data_dir / "goals.yaml"), "goals.yaml")
    goal_ids = {g.id for g in goals}

    concepts: dict[str, Concept] = {}
    seen: dict[str, Concept] = {}
    for path in sources.concept_files(data_dir):
        rel = path.relative_to(data_dir).as_posix()
        for raw in entries(path):
            concept = _concept(ck, raw, rel)
            if concept is None:
                continue
            key = normalise_id(concept.id)
            if key in seen:
                first = seen[key]
                ck.add(rel, concept.source.line, concept.id,
                       f"duplicate id (first defined at {first.source})")
                continue
            seen[key] = concept
            concepts[concept.id] = concept
    if len(concepts) > MAX_CONCEPTS:
        ck.add("concepts/", 0, None, f"{len(concepts):,} concepts; the limit is {MAX_CONCEPTS:,}")
    if not concepts and not ck.problems:
        ck.add("concepts/", 0, None, "no concepts: every file in concepts/ is empty")

    decisions: dict[str, Decision] = {}
    for path in decision_files(data_dir):
        rel = path.relative_to(data_dir).as_posix()
        for raw in entries(path):
            decision = _decision(ck, raw, rel, goal_ids)
            if decision is None:
                continue
            if decision.id in decisions:
                ck.add(rel, decision.source.line, decision.id,
                       f"duplicate id (first defined at {decisions[decision.id].source})")
                continue
            decisions[decision.id] = decision
    if len(decisions) > MAX_DECISIONS:
        ck.add("decisions/", 0, None,
               f"{len(decisions):,} decisions; the limit is {MAX_DECISIONS:,}")

    _check_references(ck, concepts, decisions, {layer.id for layer in layers})
    _check_cycles(ck, concepts)
    if ck.problems or ck.unlisted:
        raise ck.fail()
    return Graph(layers, goals, concepts, decisions)
