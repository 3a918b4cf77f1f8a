"""The page: sidebar, search, and the current view. `streamlit_app.py` only calls `main()`."""

from __future__ import annotations

import streamlit as st

from .. import component
from . import resources, state
from .decisions import decisions_view
from .explore import GRAPH_KEY, explore
from .path import path_view
from .plan import plan_view
from .progress import progress_view
from .search_box import search_box
from .sidebar import sidebar

VIEWS = {"path": path_view, "plan": plan_view, "decisions": decisions_view,
         "progress": progress_view}


def main() -> None:
    st.set_page_config(page_title="Curiosity Explorer", page_icon=":material/explore:",
                       layout="wide")
    ws = resources.workspace()
    nav = state.read(ws.graph)

    # A node clicked in the graph moves the focus before anything is drawn.
    clicked = component.pending_click(GRAPH_KEY)
    if isinstance(clicked, str) and clicked in ws.graph.concepts and clicked != nav.concept:
        nav = state.go(nav, concept=clicked, view="explore")
    if not state.trail():
        state.visit(nav.concept)
    progress, _ = resources.progress()
    if st.session_state.get("recorded") != nav.concept:
        st.session_state["recorded"] = nav.concept
        progress.visit(nav.profile, nav.concept)

    def focus(concept_id: str) -> None:
        state.go(state.read(ws.graph), concept=concept_id, view="explore")

    nav, curiosity = sidebar(ws, nav)
    st.markdown("#### Curiosity Explorer")
    search_box(ws, nav, focus)
    if nav.view == "explore":
        explore(ws, nav, curiosity, focus)
    else:
        VIEWS[nav.view](ws, nav, focus)
    state.write(nav)
    # Created after the page is drawn: importing torch in the background competes for the GIL,
    # so the first run sends the page before the model starts loading.
    resources.searcher()
