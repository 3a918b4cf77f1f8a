"""Per-process resources shared by every session: the graph, search, progress, scores.

Each is created once (`st.cache_resource`) and is safe to share across Streamlit's threads: the
store and progress take a cursor per call, the searcher locks its model, scores are immutable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from explorer import settings
from explorer.domain.relevance import Scores, decision_relevance
from explorer.search.engine import Searcher
from explorer.storage.progress import Progress, ProgressLocked
from explorer.storage.workspace import Workspace


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    with st.spinner("Building the graph database from graph_data/ (first run only)…"):
        return Workspace.open()


@st.cache_resource(show_spinner=False)
def searcher() -> Searcher:
    """Created on the first search, which starts loading the model in the background (search
    runs on keywords until it is ready). Importing torch holds the GIL for seconds, so doing it
    at start-up would slow the first paint and the first clicks of everyone who never searches."""
    return Searcher(workspace().store)


@st.cache_resource(show_spinner=False)
def progress() -> tuple[Progress, str]:
    """(progress store, warning). A file held by another process falls back to memory, saying so."""
    try:
        return Progress(settings.path("EXPLORER_PROGRESS")), ""
    except ProgressLocked as exc:
        return Progress(None), f"{exc}. Progress is kept in memory for this run only."


class _Scores:
    """Relevance per (goal, year), a few kept: moving the era slider back is instant."""

    def __init__(self, size: int = 8):
        self._cache: OrderedDict[tuple[str, int], tuple[Scores, dict[str, float]]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, ws: Workspace, goal: str, year: int) -> tuple[Scores, dict[str, float]]:
        key = (goal, year)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            scores = decision_relevance(ws.graph, goal, year)
            self._cache[key] = value = (scores, scores.probabilities())
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
            return value


@st.cache_resource(show_spinner=False)
def _score_cache() -> _Scores:
    return _Scores()


def scores(goal: str, year: int) -> Scores:
    """Relevance with reasons (built on lookup) for every concept."""
    return _score_cache().get(workspace(), goal, year)[0]


def probabilities(goal: str, year: int) -> dict[str, float]:
    """Just the probabilities, for colouring and ranking (no reasons are built); shared, so
    callers must not change it."""
    return _score_cache().get(workspace(), goal, year)[1]
