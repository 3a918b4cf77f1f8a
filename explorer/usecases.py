"""The use-case layer: everything a front end shows, as plain dataclasses, from one object.

The page (`explorer.web`) and the command line (`explorer.cli`) call only `Explorer`; neither
assembles services itself, so both give the same answer to the same question with the same
defaults. `open_explorer()` is the one place that reads the environment (`explorer.settings`).

An `Explorer` is safe to share between threads (Streamlit sessions): the graph is immutable, the
store and progress take a connection or cursor per thread, scores are cached per (goal, year)
behind a lock, and the search model loads once in the background.
"""

from __future__ import annotations

import numbers
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import numpy as np

from explorer import settings
from explorer.domain import atlas as _atlas
from explorer.domain import relations as _relations
from explorer.domain.errors import BadInput, UnknownConcept
from explorer.domain.limits import MAX_UPLOAD_BYTES
from explorer.domain.loader import YEAR_RANGE, GraphError, load_graph
from explorer.domain.model import Concept, Decision, Evidence, Graph
from explorer.domain.network import leads_to, neighborhood, prerequisites
from explorer.domain.paths import NoPath, PathStep, connect, road
from explorer.domain.plan import Plan, learning_plan, plan_markdown
from explorer.domain.progress import DEFAULT_PROFILE, Summary
from explorer.domain.progress import check as check_progress
from explorer.domain.relevance import Relevance, Scores, decision_relevance, relevance_over_years
from explorer.domain.wander import Suggestion, suggest, surprise_me
from explorer.interchange.problems import ImportFailed
from explorer.storage.graph_store import BuildRefused
from explorer.storage.progress import ProgressError, ProgressStore, open_progress
from explorer.storage.workspace import Workspace

__all__ = ["DEFAULT_GOAL", "DEFAULT_PROFILE", "ERA_RANGE", "BadInput", "BuildRefused", "Card",
           "Explorer", "GraphError", "ImportFailed",
           "NoPath", "ProgressError", "UnknownConcept", "build", "default_year", "open_explorer",
           "relations", "validate"]

DEFAULT_GOAL = "build"
DEFAULT_CURIOSITY = 0.5
ERA_RANGE = (1980, 2030)
ERA_TICKS = tuple(range(ERA_RANGE[0], ERA_RANGE[1] + 1, 10))
CARD_LIST_LIMIT = 12  # neighbours listed per relation on a card, the most relevant first


def default_year() -> int:
    """This year, within the era range: the era every front end starts in."""
    return min(max(time.gmtime().tm_year, ERA_RANGE[0]), ERA_RANGE[1])


@dataclass(frozen=True)
class Neighbour:
    id: str
    name: str
    relation: str  # the registry kind of the edge
    why: str
    p: float


@dataclass(frozen=True)
class Informs:
    decision_id: str
    text: str
    strength: float
    why: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Card:
    """Everything the concept card shows."""

    concept: Concept
    layer_name: str
    goal: str
    goal_name: str
    year: int
    relevance: Relevance
    below: list[Neighbour]  # what it builds on (structural edges out), most relevant first
    above: list[Neighbour]  # what it leads to (structural edges in)
    informs: list[Informs]  # strongest first
    eras: dict[str, list[tuple[float, float]]]  # goal -> [(year, p)] across ERA_TICKS
    known: bool
    bookmarked: bool


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    frequency: float
    informed_by: list[tuple[str, str, float, str]]  # (id, name, strength, why), strongest first


@dataclass(frozen=True)
class ProgressList:
    profile: str
    summary: Summary
    known: list[str]
    bookmarks: list[str]
    visited: list[str]  # most recent first

    def to_dict(self) -> dict:
        return {"profile": self.profile, "known": self.known, "bookmarks": self.bookmarks,
                "visited": self.visited, "summary": self.summary.to_dict()}


@dataclass(frozen=True)
class Ranked:
    id: str
    name: str
    layer: str
    p: float
    why: list[str]


class _Vectors(Mapping):
    """Concept id → unit vector, read from the stored matrix without copying it per concept."""

    def __init__(self, ids: list[str], matrix: np.ndarray):
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self._m = matrix / np.where(norms == 0, 1, norms)
        self._pos = {cid: i for i, cid in enumerate(ids)}

    def __getitem__(self, cid: str) -> np.ndarray:
        return self._m[self._pos[cid]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pos)

    def __len__(self) -> int:
        return len(self._pos)


@dataclass
class Explorer:
    workspace: Workspace
    progress: ProgressStore
    use_model: bool = True  # False: search answers on keywords only
    model_path: str | None = None  # None: the packaged all-MiniLM-L6-v2
    score_cache_size: int = 8
    _scores: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _searcher: object = field(default=None, init=False, repr=False)
    _warming: bool = field(default=False, init=False, repr=False)

    # --- the graph -------------------------------------------------------------------------

    @property
    def graph(self) -> Graph:
        return self.workspace.graph

    @property
    def nx(self) -> nx.DiGraph:
        return self.workspace.nx

    def concept(self, concept_id: str) -> Concept:
        """The concept, or `UnknownConcept` naming close ids."""
        return self.workspace.concept(concept_id)

    @property
    def source_problems(self) -> tuple[str, ...]:
        """Why the graph served is not built from the current sources (located problems, or
        why the build was refused); empty when it is. The last good graph keeps serving."""
        return self.workspace.problems

    @property
    def built_at(self) -> str | None:
        """When the served graph was built (UTC, ISO 8601)."""
        return self.workspace.store.meta().get("built_at")

    def stale_notice(self) -> str | None:
        """One line for a front end when the sources are broken, else None."""
        problems = self.source_problems
        if not problems:
            return None
        where = self.workspace.data_dir or "the graph folder"
        return (f"Showing the graph built {self.built_at or 'earlier'}: the sources in {where} "
                f"cannot be built ({len(problems)} problem(s); the first: {problems[0]}). "
                "`explorer validate` lists them all.")

    def goal_name(self, goal: str) -> str:
        self.check_goal(goal)
        return next(g.name for g in self.graph.goals if g.id == goal)

    def check_goal(self, goal: str) -> None:
        goals = [g.id for g in self.graph.goals]
        if goal not in goals:
            raise BadInput(f"unknown goal '{goal}'; this graph has {', '.join(goals)}")

    @staticmethod
    def check_year(year: float) -> None:
        """An era the relevance model can be asked about (NaN and 1e308 are not years)."""
        if not (isinstance(year, numbers.Real) and YEAR_RANGE[0] <= year <= YEAR_RANGE[1]):
            raise BadInput(f"the era must be a year from {YEAR_RANGE[0]} to {YEAR_RANGE[1]}, "
                           f"not {year!r}")

    def layer_name(self, layer_id: str) -> str:
        return next((la.name for la in self.graph.layers if la.id == layer_id), layer_id)

    def stats(self) -> dict:
        g = self.graph
        per_layer = {layer.id: 0 for layer in g.layers}
        for c in g.concepts.values():
            per_layer[c.layer] = per_layer.get(c.layer, 0) + 1
        return {"concepts": len(g.concepts), "edges": len(g.edges()),
                "decisions": len(g.decisions),
                "decision_links": sum(len(d.informed_by) for d in g.decisions.values()),
                "evidence": sum(len(d.evidence) for d in g.decisions.values()),
                "layers": per_layer, "built_at": self.workspace.store.meta().get("built_at")}

    def positions(self) -> dict[str, tuple[float, float]]:
        """Concept id → (x, y) on the atlas, computed once per build and stored with the graph,
        so a concept is in the same place in every view and session. Canvas units: x to the
        right, y *down* (physics has the largest y), one unit a CSS pixel at zoom 1 (see
        `explorer.domain.atlas`). Shared: callers must not change the dict."""
        return self._atlas[0]

    def bands(self) -> list[_atlas.Band]:
        """The layers' horizontal bands on the atlas, lowest (physics) first."""
        return self._atlas[1]

    @cached_property
    def _atlas(self) -> tuple[dict[str, tuple[float, float]], list[_atlas.Band]]:
        positions = self.workspace.store.positions()
        if set(positions) != set(self.graph.concepts):  # a file built before the atlas existed
            positions = _atlas.layout(self.graph)
        return positions, _atlas.bands(self.graph, positions)

    def neighbours(self, concept_id: str, depth: int = 1) -> list[str]:
        self.concept(concept_id)
        return [c for c in neighborhood(self.nx, concept_id, depth=depth, max_nodes=10_000)
                if c != concept_id]

    # --- relevance -------------------------------------------------------------------------

    def _scored(self, goal: str, year: float | None) -> tuple[Scores, dict[str, float]]:
        """(scores, probabilities) for a (goal, year), the last few kept: moving the era slider
        back, or another session on the same era, costs nothing."""
        year = default_year() if year is None else year
        self.check_goal(goal)
        self.check_year(year)
        key = (goal, float(year))
        with self._lock:
            if key in self._scores:
                self._scores.move_to_end(key)
                return self._scores[key]
        scores = decision_relevance(self.graph, goal, year)
        entry = (scores, scores.probabilities())
        with self._lock:
            self._scores[key] = entry
            while len(self._scores) > self.score_cache_size:
                self._scores.popitem(last=False)
        return entry

    def scores(self, goal: str = DEFAULT_GOAL, year: float | None = None) -> Scores:
        """Relevance of every concept, its reasons built on lookup."""
        return self._scored(goal, year)[0]

    def probabilities(self, goal: str = DEFAULT_GOAL, year: float | None = None
                      ) -> dict[str, float]:
        """Just the probabilities (shared: callers must not change the dict)."""
        return self._scored(goal, year)[1]

    def ranking(self, goal: str = DEFAULT_GOAL, year: float | None = None,
                top: int | None = None) -> list[Ranked]:
        scores = self.scores(goal, year)
        names = self.graph.concepts
        order = sorted(scores, key=lambda cid: (-scores.p(cid), names[cid].name, cid))
        return [Ranked(cid, names[cid].name, names[cid].layer, scores[cid].p, scores[cid].why)
                for cid in order[:top]]

    # --- the card --------------------------------------------------------------------------

    def card(self, concept_id: str, goal: str = DEFAULT_GOAL, year: int | None = None,
             profile: str = DEFAULT_PROFILE) -> Card:
        year = default_year() if year is None else year
        concept = self.concept(concept_id)
        p = self.probabilities(goal, year)
        g = self.nx

        def neighbour(other: str, edge: dict) -> Neighbour:
            return Neighbour(other, self.graph.concepts[other].name, edge["kind"], edge["why"],
                             p.get(other, 0.0))

        def ranked(items: list[Neighbour]) -> list[Neighbour]:
            return sorted(items, key=lambda n: (-n.p, n.id))

        below = [neighbour(v, g.edges[concept.id, v]) for v in prerequisites(g, concept.id)]
        above = [neighbour(u, g.edges[u, concept.id]) for u in leads_to(g, concept.id)]
        informs = sorted(
            (Informs(d.id, d.text, inf.strength, inf.why, d.evidence)
             for d in self.graph.decisions.values() for inf in d.informed_by
             if inf.id == concept.id), key=lambda i: (-i.strength, i.decision_id))
        return Card(concept, self.layer_name(concept.layer), goal, self.goal_name(goal), year,
                    self.scores(goal, year)[concept.id], ranked(below), ranked(above),
                    informs,
                    relevance_over_years(self.graph, concept.id,
                                         [gl.id for gl in self.graph.goals], ERA_TICKS),
                    concept.id in self.progress.known(profile),
                    concept.id in self.progress.bookmarks(profile))

    def concept_json(self, concept_id: str, year: int | None = None) -> dict:
        """`explorer show --json`: every field, what it leads to, relevance per goal."""
        year = default_year() if year is None else year
        concept = self.concept(concept_id)
        data = concept.to_dict()
        g = self.nx
        data["leads_to"] = [
            {"id": u, "name": self.graph.concepts[u].name,
             "relation": g.edges[u, concept.id]["kind"], "why": g.edges[u, concept.id]["why"]}
            for u in leads_to(g, concept.id)]
        rel = {gl.id: self.scores(gl.id, year)[concept.id] for gl in self.graph.goals}
        data["relevance"] = {goal: {"p": r.p, "why": r.why} for goal, r in rel.items()}
        return data

    # --- wander, path, plan ----------------------------------------------------------------

    @cached_property
    def vectors(self) -> Mapping[str, np.ndarray]:
        ids, matrix, _ = self.workspace.store.vectors()
        return _Vectors(ids, matrix)

    def wander(self, concept_id: str, *, goal: str = DEFAULT_GOAL, year: int | None = None,
               profile: str = DEFAULT_PROFILE, visited: tuple[str, ...] = (),
               curiosity: float = DEFAULT_CURIOSITY, seed: int = 0) -> list[Suggestion]:
        """Three next steps; bridges are judged by meaning (concept vectors) everywhere."""
        self.concept(concept_id)
        if not 0 <= curiosity <= 1:  # also refuses NaN
            raise BadInput(f"curiosity runs from 0 (useful) to 1 (surprising), not {curiosity}")
        return suggest(self.graph, self.nx, concept_id, visited=set(visited),
                       known=self.progress.known(profile),
                       scores=self.probabilities(goal, year), vectors=self.vectors,
                       curiosity=curiosity, seed=seed)

    def surprise(self, *, goal: str = DEFAULT_GOAL, year: int | None = None,
                 profile: str = DEFAULT_PROFILE, visited: tuple[str, ...] = (),
                 seed: int = 0) -> Suggestion:
        return surprise_me(self.graph, list(visited), seed=seed,
                           known=self.progress.known(profile),
                           scores=self.probabilities(goal, year))

    def path(self, a: str, b: str) -> list[PathStep]:
        return connect(self.nx, self.graph, a, b)

    def road(self) -> list[PathStep]:
        return road(self.graph, self.nx)

    def plan(self, target: str, *, goal: str = DEFAULT_GOAL, year: int | None = None,
             profile: str = DEFAULT_PROFILE, also_known: tuple[str, ...] = ()) -> Plan:
        self.concept(target)
        known = self.progress.known(profile) | {self.concept(c).id for c in also_known}
        return learning_plan(self.graph, target, known, self.probabilities(goal, year))

    def plan_markdown(self, plan: Plan) -> str:
        return plan_markdown(plan, self.graph)

    # --- decisions -------------------------------------------------------------------------

    def decisions(self, goal: str = DEFAULT_GOAL) -> list[DecisionRow]:
        """Decisions someone with `goal` faces, most frequent first."""
        self.check_goal(goal)
        names = self.graph.concepts
        rows = [DecisionRow(d, d.frequency_for(goal), [
            (i.id, names[i.id].name, i.strength, i.why)
            for i in sorted(d.informed_by, key=lambda i: (-i.strength, i.id))])
            for d in self.graph.decisions.values() if d.frequency_for(goal) > 0]
        return sorted(rows, key=lambda r: (-r.frequency, r.decision.text))

    # --- progress --------------------------------------------------------------------------

    def progress_notices(self) -> list[str]:
        """What opening the progress store repaired (a damaged log or file moved aside)."""
        return list(getattr(self.progress, "notices", ()))

    def progress_list(self, profile: str = DEFAULT_PROFILE) -> ProgressList:
        check_progress(profile)  # a name no write would accept is refused on reading too
        store = self.progress
        return ProgressList(profile, store.summary(profile, self.graph),
                            sorted(store.known(profile)), store.bookmarks(profile),
                            [v.concept_id for v in store.visits(profile)])

    def set_known(self, concept_id: str, known: bool = True,
                  profile: str = DEFAULT_PROFILE) -> None:
        """Mark (or unmark) a concept known. Unmarking accepts ids the graph no longer has."""
        if known:
            self.concept(concept_id)
            self.progress.mark_known(profile, concept_id)
        else:
            self.progress.unmark_known(profile, concept_id)

    def set_bookmark(self, concept_id: str, on: bool = True,
                     profile: str = DEFAULT_PROFILE) -> None:
        if on:
            self.concept(concept_id)
            self.progress.bookmark(profile, concept_id)
        else:
            self.progress.unbookmark(profile, concept_id)

    def marks(self, profile: str = DEFAULT_PROFILE) -> tuple[set[str], set[str]]:
        """(known, bookmarked) concept ids of a profile, for drawing them marked."""
        return set(self.progress.known(profile)), set(self.progress.bookmarks(profile))

    def visit(self, concept_id: str, profile: str = DEFAULT_PROFILE) -> None:
        self.progress.visit(profile, concept_id)

    # --- search ----------------------------------------------------------------------------

    def searcher(self):
        """The hybrid searcher, created on first use (which starts loading the model in the
        background: importing torch holds the GIL for seconds, so it never runs at start-up)."""
        with self._lock:
            if self._searcher is None:
                from explorer.search.engine import Searcher, default_embedder  # noqa: PLC0415

                path = self.model_path
                self._searcher = Searcher(self.workspace.store, lambda: default_embedder(path),
                                          use_model=self.use_model)
            return self._searcher

    def warm_search(self, after_s: float = 0.0) -> None:
        """Create the searcher `after_s` seconds from now, on a timer thread, once per explorer
        (the searcher then loads the embedding model on a thread of its own). The page calls it
        at the end of its first run: the model never delays the first paint, and is ready
        before someone has finished typing a first query."""
        with self._lock:
            if self._warming or self._searcher is not None:
                return
            self._warming = True
        def warm() -> None:
            try:
                self.searcher()
            except Exception:  # noqa: BLE001  (the next search reports it, where it is seen)
                return

        timer = threading.Timer(after_s, warm)
        timer.daemon, timer.name = True, "explorer-warm-search"
        timer.start()

    def search(self, query: str, limit: int = 10, *, wait: bool = False):
        """Hits for a concept name or a problem in words. `wait` waits for the model (the CLI);
        the page does not, and answers on keywords until it is ready."""
        searcher = self.searcher()
        if wait:
            searcher.wait()
        return searcher.search(query, limit=limit)

    def search_status(self) -> str:
        return self.searcher().status

    def evaluate(self, queries):
        from explorer.search.evaluate import evaluate  # noqa: PLC0415

        searcher = self.searcher()
        searcher.wait()
        return evaluate(searcher, queries)


def open_explorer(on_build: Callable[[], None] | None = None, *,
                  db_path: Path | None = None, data_dir: Path | None = None,
                  progress_path: Path | None = None) -> Explorer:
    """The explorer for the current settings: the graph database (rebuilt first when missing or
    older than its sources) and the progress store. The only function that reads settings."""
    ws = Workspace.open(db_path or settings.path("EXPLORER_DB"),
                        data_dir or settings.path("EXPLORER_DATA"), on_build=on_build,
                        autobuild=settings.get("EXPLORER_AUTOBUILD") != "0",
                        embeddings=settings.path("EXPLORER_EMBEDDINGS"),
                        seed=settings.path("EXPLORER_EMBEDDINGS_SEED"))
    use_model, model_path = model_settings()
    return Explorer(ws, open_progress(progress_path or settings.path("EXPLORER_PROGRESS")),
                    use_model=use_model, model_path=model_path)


def model_settings() -> tuple[bool, str | None]:
    """(whether to load the embedding model, its path or None for the packaged one)."""
    return (settings.get("EXPLORER_NO_MODEL") in ("", "0"),
            settings.get("EXPLORER_MODEL") or None)


def relations() -> tuple[_relations.Relation, ...]:
    """Every registered relation kind, strongest first (for legends and listings)."""
    return _relations.all_relations()


def validate(data_dir: Path | None = None) -> Graph:
    """Load and check a graph folder (default: the configured one); `GraphError` lists every
    problem with its file and line."""
    return load_graph(data_dir or settings.path("EXPLORER_DATA"))


def build(*, force: bool = False, use_model: bool = True,
          progress: Callable[[int, int], None] | None = None):
    """Build the configured database from the configured sources (a no-op when unchanged;
    `force` rebuilds anyway and allows a graph less than half the size of the last)."""
    from explorer.search.embeddings import (  # noqa: PLC0415  (torch only when building)
        SentenceTransformerEmbedder,
        cached_vector_source,
    )
    from explorer.storage.graph_store import build as build_database  # noqa: PLC0415

    embedder = SentenceTransformerEmbedder(model_settings()[1]) if use_model else None
    data_dir = settings.path("EXPLORER_DATA")
    vectors = cached_vector_source(embedder, settings.path("EXPLORER_EMBEDDINGS"), progress,
                                   seed_dir=settings.path("EXPLORER_EMBEDDINGS_SEED"),
                                   graph_key=str(data_dir.resolve()))
    return build_database(data_dir, settings.path("EXPLORER_DB"), vectors=vectors, force=force)


def load_queries(path: str | None):
    from explorer.search.evaluate import load_queries as load  # noqa: PLC0415

    return load(path)


def format_report(report) -> str:
    from explorer.search.evaluate import format_report as fmt  # noqa: PLC0415

    return fmt(report)


# --- bring your own graph: import and export (explorer.interchange) ------------------------

IMPORT_FORMATS = ("csv", "json", "yaml", "graphml", "gexf", "obsidian")
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "md", "html")


def import_graph(sources: list[Path], fmt: str, out: Path | None = None, *,
                 skip_bad: bool = False, dry_run: bool = False,
                 default_kind: str | None = None):
    """Import foreign files into a graph folder (default: EXPLORER_GRAPHS/<name>); an
    `ImportReport`, or `ImportFailed` listing every problem (and nothing written)."""
    from explorer.interchange.importer import import_graph as run  # noqa: PLC0415
    from explorer.interchange.mapping import Options, slug  # noqa: PLC0415

    if out is None:
        out = settings.path("EXPLORER_GRAPHS") / (slug(Path(sources[0]).stem) or "imported")
    options = Options(default_kind=default_kind) if default_kind else Options()
    return run([Path(s) for s in sources], fmt, Path(out), skip_bad=skip_bad, dry_run=dry_run,
               options=options)


def positions(app: Explorer) -> dict[str, tuple[float, float]]:
    """The atlas positions every view and export draws at."""
    return app.positions()


def export_graph(app: Explorer, fmt: str, *, focus: str | None = None, depth: int = 1,
                 goal: str = DEFAULT_GOAL, year: int | None = None,
                 max_nodes: int = 1_000_000) -> dict[str, str]:
    """The graph (or the neighbourhood of `focus`, its `max_nodes` most relevant) in `fmt`, as
    {file name: text}: one file, except `csv` (nodes.csv, edges.csv) and `md` (a note each)."""
    from explorer.interchange import export, html  # noqa: PLC0415

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(EXPORT_FORMATS)}")
    graph = app.graph
    scores = app.probabilities(goal, year) if graph.decisions else None
    if focus is not None:
        graph = export.subgraph(graph, app.concept(focus).id, depth, max_nodes, scores)
    pos = positions(app)
    if fmt == "csv":
        return export.to_csv(graph)
    if fmt == "md":
        return export.to_markdown_vault(graph)
    if fmt == "html":
        title = (f"{app.concept(focus).name} and its neighbours" if focus
                 else "Curiosity Explorer")
        return {"graph.html": html.to_html(graph, title=title, focus=focus, positions=pos,
                                           scores=scores)}
    text = {"json": export.to_json, "graphml": lambda g: export.to_graphml(g, pos),
            "gexf": lambda g: export.to_gexf(g, pos)}[fmt](graph)
    return {f"graph.{fmt}": text}


def graph_folders() -> dict[str, Path]:
    """Imported graphs the page can explore: folders of EXPLORER_GRAPHS holding a graph."""
    root = settings.path("EXPLORER_GRAPHS")
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / "layers.yaml").exists()}


def open_graph(name: str | None = None, on_build: Callable[[], None] | None = None) -> Explorer:
    """The explorer of an imported graph by folder name (None: the configured one). Its
    database and progress live beside the folders (EXPLORER_GRAPHS/.explorer/), so importing
    the folder again never loses them."""
    if not name:
        return open_explorer(on_build)
    folders = graph_folders()
    if name not in folders:
        raise ValueError(f"no imported graph named '{name}'")
    state = settings.path("EXPLORER_GRAPHS") / ".explorer"
    return open_explorer(on_build, db_path=state / f"{name}.duckdb", data_dir=folders[name],
                         progress_path=state / f"{name}.progress.sqlite")


UPLOAD_FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".json": "json", ".yaml": "yaml",
                  ".yml": "yaml", ".graphml": "graphml", ".xml": "graphml", ".gexf": "gexf"}


def import_upload(file_name: str, data: bytes, *, write: bool = False):
    """Check (and with `write`, import) one uploaded file: an `ImportReport`, or
    `ImportFailed` with every located problem. The graph's folder is named after the file."""
    import tempfile  # noqa: PLC0415

    from explorer.interchange.mapping import slug  # noqa: PLC0415
    from explorer.interchange.problems import ImportProblem, Where  # noqa: PLC0415

    suffix = Path(file_name).suffix.casefold()
    stem = slug(Path(file_name).stem) or "upload"
    if suffix not in UPLOAD_FORMATS:
        raise ImportFailed([ImportProblem(Where(file_name), "unknown kind of file; upload "
                                          + ", ".join(sorted(UPLOAD_FORMATS)))])
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFailed([ImportProblem(Where(file_name), f"{len(data):,} bytes; uploads "
                                          f"are limited to {MAX_UPLOAD_BYTES:,}")])
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{stem}{suffix}"  # our own name: the upload's never reaches a path
        source.write_bytes(data)
        return import_graph([source], UPLOAD_FORMATS[suffix],
                            settings.path("EXPLORER_GRAPHS") / stem, dry_run=not write)
