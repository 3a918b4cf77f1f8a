"""The one per-process resource of the page: the `Explorer` of the use-case layer.

Created once per server process (`st.cache_resource`) and shared by every session: it is
thread-safe (see `explorer.usecases`). The views call only its methods.
"""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer, open_explorer


@st.cache_resource(show_spinner=False)
def explorer() -> Explorer:
    with st.spinner("Building the graph database from graph_data/ (first run only)…"):
        return open_explorer()
