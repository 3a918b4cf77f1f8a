"""An import in two phases: read and check everything, then write the graph folder, or nothing.

Phase one reads every source, maps it (`mapping`) and writes the documents into a staging folder
beside the destination, which the same loader `explorer validate` uses then checks; its
problems are traced back to the source line of the concept they are about. Only when no problem
is left does phase two rename the staging folder into place (an existing graph folder there is
swapped out whole), so a failed import leaves the destination exactly as it was.

With `skip_bad`, entries with problems are dropped (a node or edge row, a concept the loader
rejects, and the edges to it), the rest is checked again, and `import-report.txt` in the new
folder lists what was left out and why.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from explorer.domain import relations
from explorer.domain.loader import GraphError, load_graph
from explorer.domain.model import Graph
from explorer.interchange import read_csv, read_native, read_obsidian, read_xml
from explorer.interchange.export import documents_of
from explorer.interchange.mapping import (
    DEFAULT_OPTIONS,
    Documents,
    Options,
    RawGraph,
    map_graph,
    slug,
)
from explorer.interchange.problems import ImportFailed, ImportProblem, Problems, Where

FORMATS = ("csv", "json", "yaml", "graphml", "gexf", "obsidian")
REPORT_NAME = "import-report.txt"
MAX_ROUNDS = 6  # rounds of dropping bad entries with skip_bad (each drop can expose another)


@dataclass
class ImportReport:
    out: Path | None
    graph: Graph | None
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: int = 0  # entries left out with skip_bad
    written: bool = False

    def summary(self) -> str:
        g = self.graph
        counts = (f"{len(g.concepts)} concepts, {len(g.edges())} edges, {len(g.layers)} layers, "
                  f"{len(g.decisions)} decisions" if g else "nothing valid")
        where = f" → {self.out}" if self.written else " (checked, not written)"
        skipped = f"; {self.skipped} entries with problems left out" if self.skipped else ""
        return f"{counts}{where}{skipped}"

    def text(self) -> str:
        return "\n".join([self.summary(), *(str(p) for p in self.problems)])


def read_sources(sources: list[Path], fmt: str) -> tuple[RawGraph | Documents, Problems]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    missing = [s for s in sources if not s.exists()]
    if missing:
        p = Problems()
        for s in missing:
            p.add(Where(str(s)), "no such file or folder")
        return RawGraph(), p
    if fmt == "csv":
        return read_csv.read(sources)
    if fmt in ("graphml", "gexf"):
        return read_xml.read(sources, fmt)
    if fmt == "obsidian":
        return read_obsidian.read(sources)
    if fmt == "yaml" and len(sources) == 1 and sources[0].is_dir():
        return _folder(sources[0])
    return read_native.read(sources, fmt)


def _folder(path: Path) -> tuple[Documents, Problems]:
    """A graph folder in our schema: loaded (and so checked) by the loader itself."""
    problems = Problems()
    try:
        return documents_of(load_graph(path)), problems
    except GraphError as exc:
        for p in exc.problems:
            problems.add(Where(f"{path.name}/{p.file}", p.line or None),
                         f"{p.concept}: {p.message}" if p.concept else p.message)
        return Documents(), problems


def write_folder(docs: Documents, folder: Path) -> None:
    """The documents as a graph folder: layers, goals, concepts per layer, decisions per kind."""
    def dump(path: Path, items: list[dict]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=100),
                        encoding="utf-8")

    folder.mkdir(parents=True, exist_ok=True)
    dump(folder / "layers.yaml", docs.layers)
    dump(folder / "goals.yaml", docs.goals)
    by_layer: dict[str, list[dict]] = defaultdict(list)
    for c in docs.concepts:
        by_layer[str(c.get("layer") or "unlayered")].append(c)
    for layer, items in by_layer.items():
        dump(folder / "concepts" / f"{_file_name(layer)}.yaml", items)
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for d in docs.decisions:
        by_kind[str(d.get("kind") or "other")].append(d)
    for kind, items in by_kind.items():
        dump(folder / "decisions" / f"{_file_name(kind)}.yaml", items)


def _file_name(text: str) -> str:
    return slug(text) or "other"


def _check(docs: Documents, staging: Path) -> tuple[Graph | None, Problems, set[str]]:
    """Write and load; (graph, problems traced to their sources, ids of concepts at fault)."""
    if staging.exists():
        shutil.rmtree(staging)
    write_folder(docs, staging)
    problems, at_fault = Problems(), set()
    try:
        return load_graph(staging), problems, at_fault
    except GraphError as exc:
        for p in exc.problems:
            origin = docs.origins.get(p.concept or "")
            if origin is not None:
                at_fault.add(p.concept)
                problems.add(origin, f"{p.concept}: {p.message}")
            else:
                where = Where(p.file, p.line or None)
                problems.add(where, f"{p.concept}: {p.message}" if p.concept else p.message)
        return None, problems, at_fault


def _drop(docs: Documents, ids: set[str]) -> Documents:
    """The documents without these concepts and without any link to them."""
    def keep_links(c: dict) -> dict:
        c = dict(c)
        for kind in relations.names():
            if isinstance(c.get(kind), list):
                c[kind] = [v for v in c[kind]
                           if (v.get("id") if isinstance(v, dict) else v) not in ids]
        return c

    decisions = [{**d, "informed_by": [i for i in d.get("informed_by") or []
                                       if not (isinstance(i, dict) and i.get("id") in ids)]}
                 for d in docs.decisions]
    return Documents(docs.layers, docs.goals,
                     [keep_links(c) for c in docs.concepts if str(c.get("id")) not in ids],
                     decisions, {k: v for k, v in docs.origins.items() if k not in ids})


def _bad_entries(raw: RawGraph, problems: Problems) -> RawGraph:
    bad = {(p.where.file, p.where.line) for p in problems if p.blocking}
    return RawGraph([n for n in raw.nodes if (n.at.file, n.at.line) not in bad],
                    [e for e in raw.edges if (e.at.file, e.at.line) not in bad],
                    raw.implicit_nodes, raw.dangling, raw.prune_related)


def check_sources(sources: list[Path], fmt: str, staging: Path, *, skip_bad: bool = False,
                  options: Options = DEFAULT_OPTIONS) -> ImportReport:
    """Phase one: read, map and validate into `staging`. Raises `ImportFailed` when anything
    is wrong (and `skip_bad` is off, or nothing valid is left)."""
    parsed, problems = read_sources(sources, fmt)
    skipped = 0
    if isinstance(parsed, RawGraph):
        docs, mapped = map_graph(parsed, options)
        if skip_bad and mapped.blocking:
            kept = _bad_entries(parsed, mapped)
            skipped += len(parsed.nodes) + len(parsed.edges) - len(kept.nodes) - len(kept.edges)
            docs, again = map_graph(kept, options)
            mapped = Problems([*mapped, *(p for p in again if p not in mapped)])
        problems += mapped
    else:
        docs = parsed
    if problems.blocking and not skip_bad:
        raise ImportFailed(list(problems))
    graph = None
    for _ in range(MAX_ROUNDS):
        if not docs.concepts:
            break
        graph, found, at_fault = _check(docs, staging)
        problems += found
        if graph is not None or not skip_bad or not at_fault:
            break
        docs = _drop(docs, at_fault)
        skipped += len(at_fault)
    if graph is None:
        if not problems.blocking:
            problems.add(Where(", ".join(s.name for s in sources)), "no concepts found")
        raise ImportFailed(list(problems))
    if problems.blocking and not skip_bad:
        raise ImportFailed(list(problems))
    return ImportReport(None, graph, list(problems), skipped)


def import_graph(sources: list[Path], fmt: str, out: Path, *, skip_bad: bool = False,
                 dry_run: bool = False, options: Options = DEFAULT_OPTIONS) -> ImportReport:
    """Import `sources` into the graph folder `out`; nothing is written unless all is valid
    (or, with `skip_bad`, unless something valid is left). `dry_run` only checks."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir())
                                              and not (out / "layers.yaml").exists())):
        raise ImportFailed([ImportProblem(Where(str(out)), "exists and is not a graph folder; "
                                                          "choose a new or empty folder")])
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.import-{os.getpid()}"
    try:
        report = check_sources(sources, fmt, staging, skip_bad=skip_bad, options=options)
        if dry_run:
            return report
        if report.skipped or report.problems:
            (staging / REPORT_NAME).write_text(report.text() + "\n", encoding="utf-8")
        _swap_in(staging, out)
        report.out, report.written = out, True
        return report
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, out: Path) -> None:
    """Rename the staging folder into place; an existing folder is moved aside first and
    removed only once the new one is there."""
    old = out.parent / f".{out.name}.replaced-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(staging, out)
    except OSError:
        if old.exists():
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
