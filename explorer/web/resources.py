"""The one per-process resource of the page: the `Explorer` of the use-case layer.

Created once per server process (`st.cache_resource`) and shared by every session: it is
thread-safe (see `explorer.usecases`). The views call only its methods.
"""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer, open_graph
from explorer.web.graphs import current


def explorer() -> Explorer:
    """The explorer of the graph this session chose (web.graphs: the curated one by default)."""
    return _explorer(current())


@st.cache_resource(show_spinner=False)
def _explorer(graph: str) -> Explorer:
    with st.spinner("Building the graph database (first run only)…"):
        return open_graph(graph or None)
