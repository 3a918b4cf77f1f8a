"""The opened graph: the store, the model it holds, and its networkx view, built on demand.

The Streamlit page and the CLI both start here, so "the database is missing or older than the
sources" is handled once: it is rebuilt (atomically) before anything reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx

from explorer import settings
from explorer.domain.errors import UnknownConcept
from explorer.domain.model import Concept, Graph
from explorer.domain.network import to_networkx
from explorer.storage.graph_store import BuildResult, Store, build, is_current


def ensure_built(data_dir: Path | None = None, db_path: Path | None = None,
                 on_build: Callable[[], None] | None = None) -> BuildResult | None:
    """Build the database if it is missing or older than the sources; None if it was current."""
    data_dir = data_dir or settings.path("EXPLORER_DATA")
    db_path = db_path or settings.path("EXPLORER_DB")
    if db_path.exists() and (settings.get("EXPLORER_AUTOBUILD") == "0"
                             or is_current(db_path, data_dir)):
        return None
    if on_build:
        on_build()
    from explorer.search.embeddings import cached_vector_source  # noqa: PLC0415  (keeps torch off this path)

    return build(data_dir, db_path, vectors=cached_vector_source())


@dataclass
class Workspace:
    store: Store
    graph: Graph = field(init=False)

    def __post_init__(self) -> None:
        self.graph = self.store.load_graph()

    @classmethod
    def open(cls, db_path: Path | None = None, data_dir: Path | None = None,
             on_build: Callable[[], None] | None = None) -> Workspace:
        db_path = db_path or settings.path("EXPLORER_DB")
        ensure_built(data_dir, db_path, on_build)
        return cls(Store(db_path))

    @cached_property
    def nx(self) -> nx.DiGraph:
        return to_networkx(self.graph)

    def concept(self, concept_id: str) -> Concept:
        try:
            return self.graph.concepts[concept_id]
        except KeyError:
            raise UnknownConcept.near(concept_id, self.graph.concepts) from None
