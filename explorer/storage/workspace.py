"""The opened graph: the store, the model it holds, and its networkx view, built on demand.

`explorer.usecases.open_explorer` opens it from the settings, so "the database is missing or older
than the sources" is handled once for the page and the CLI: it is rebuilt (atomically) first.
When that rebuild fails (an edit broke the sources, or the build was refused) and a database
built earlier is there, that one is served, with the problems kept in `Workspace.problems` for
the front ends to show; only with no database at all does opening fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx

from explorer.domain.errors import UnknownConcept
from explorer.domain.loader import GraphError
from explorer.domain.model import Concept, Graph
from explorer.domain.network import to_networkx
from explorer.storage.graph_store import (
    BuildRefused,
    BuildResult,
    Store,
    build,
    foreign,
    is_current,
)


def ensure_built(data_dir: Path, db_path: Path, on_build: Callable[[], None] | None = None, *,
                 autobuild: bool = True, embeddings: Path,
                 seed: Path | None = None) -> BuildResult | None:
    """Build the database if it is missing or older than the sources (unless `autobuild` is
    off and a database exists); None if nothing was built."""
    if db_path.exists() and (not autobuild or is_current(db_path, data_dir)):
        return None
    if on_build:
        on_build()
    # Imported here: it keeps torch and the model off the path of an up-to-date database.
    from explorer.search.embeddings import cached_vector_source  # noqa: PLC0415

    return build(data_dir, db_path, vectors=cached_vector_source(
        None, embeddings, seed_dir=seed, graph_key=str(data_dir.resolve())))


@dataclass
class Workspace:
    store: Store
    # Why the served graph is not the sources' (each a located problem or a refusal); empty
    # when it is current.
    problems: tuple[str, ...] = ()
    data_dir: Path | None = None
    graph: Graph = field(init=False)

    def __post_init__(self) -> None:
        self.graph = self.store.load_graph()

    @classmethod
    def open(cls, db_path: Path, data_dir: Path, on_build: Callable[[], None] | None = None, *,
             autobuild: bool = True, embeddings: Path, seed: Path | None = None) -> Workspace:
        """The database at `db_path`, rebuilt first from `data_dir` when stale (cached vectors
        from `embeddings` and `seed` only: a page or command never loads the model to build).
        If the rebuild fails and a database this project built is there, it is served with
        `problems` saying why."""
        try:
            ensure_built(data_dir, db_path, on_build, autobuild=autobuild,
                         embeddings=embeddings, seed=seed)
        except (GraphError, BuildRefused) as exc:
            if not db_path.exists() or foreign(db_path):
                raise
            problems = (tuple(str(p) for p in exc.problems) if isinstance(exc, GraphError)
                        else (str(exc),))
            return cls(Store(db_path), problems, data_dir)
        return cls(Store(db_path), (), data_dir)

    @cached_property
    def nx(self) -> nx.DiGraph:
        return to_networkx(self.graph)

    def concept(self, concept_id: str) -> Concept:
        try:
            return self.graph.concepts[concept_id]
        except KeyError:
            raise UnknownConcept.near(concept_id, self.graph.concepts) from None
