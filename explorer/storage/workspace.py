"""The opened graph: the store, the model it holds, and its networkx view, built on demand.

`explorer.usecases.open_explorer` opens it from the settings, so "the database is missing or older
than the sources" is handled once for the page and the CLI: it is rebuilt (atomically) first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx

from explorer.domain.errors import UnknownConcept
from explorer.domain.model import Concept, Graph
from explorer.domain.network import to_networkx
from explorer.storage.graph_store import BuildResult, Store, build, is_current


def ensure_built(data_dir: Path, db_path: Path, on_build: Callable[[], None] | None = None, *,
                 autobuild: bool = True, embeddings: Path) -> BuildResult | None:
    """Build the database if it is missing or older than the sources (unless `autobuild` is
    off and a database exists); None if nothing was built."""
    if db_path.exists() and (not autobuild or is_current(db_path, data_dir)):
        return None
    if on_build:
        on_build()
    # Imported here: it keeps torch and the model off the path of an up-to-date database.
    from explorer.search.embeddings import cached_vector_source  # noqa: PLC0415

    return build(data_dir, db_path, vectors=cached_vector_source(None, embeddings))


@dataclass
class Workspace:
    store: Store
    graph: Graph = field(init=False)

    def __post_init__(self) -> None:
        self.graph = self.store.load_graph()

    @classmethod
    def open(cls, db_path: Path, data_dir: Path, on_build: Callable[[], None] | None = None, *,
             autobuild: bool = True, embeddings: Path) -> Workspace:
        """The database at `db_path`, rebuilt first from `data_dir` when stale (cached vectors
        from `embeddings` only: a page or command never loads the model to build)."""
        ensure_built(data_dir, db_path, on_build, autobuild=autobuild, embeddings=embeddings)
        return cls(Store(db_path))

    @cached_property
    def nx(self) -> nx.DiGraph:
        return to_networkx(self.graph)

    def concept(self, concept_id: str) -> Concept:
        try:
            return self.graph.concepts[concept_id]
        except KeyError:
            raise UnknownConcept.near(concept_id, self.graph.concepts) from None
