"""The one per-process resource of the page: the `Explorer` of the use-case layer.

Created once per server process (`st.cache_resource`) and shared by every session: it is
thread-safe (see `explorer.usecases`). The views call only its methods.

What it loads (the graph, its networkx view, later the embedding model) lives as long as the
process, so it is moved out of the garbage collector's sight with `gc.freeze()` once loaded:
otherwise every full collection walks those half-million objects again (about 1 s with the
model loaded), and every session pays for it.
"""

from __future__ import annotations

import gc

import streamlit as st

from explorer.usecases import Explorer, open_graph
from explorer.web.graphs import current


def explorer() -> Explorer:
    """The explorer of the graph this session chose (web.graphs: the curated one by default)."""
    graph = current()
    app = _explorer(graph)
    _frozen(graph, app.model_loaded())
    return app


@st.cache_resource(show_spinner=False)
def _frozen(graph: str, model: bool) -> bool:
    """Once per process for each graph, and again once its model has loaded: freeze what is
    loaded so far (it is never garbage)."""
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()
    return True


@st.cache_resource(show_spinner=False)
def _explorer(graph: str) -> Explorer:
    with st.spinner("Building the graph database (first run only)…"):
        return open_graph(graph or None)
