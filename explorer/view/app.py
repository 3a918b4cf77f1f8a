"""The page: sidebar, search, and the current view. `streamlit_app.py` only calls `main()`."""

from __future__ import annotations

import streamlit as st

from .. import component
from ..workspace import Workspace
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


def arrive(ws: Workspace, nav: state.Nav) -> state.Nav:
    """Apply a click on a graph node before anything is drawn."""
    clicked = component.pending_click(GRAPH_KEY)
    if isinstance(clicked, str) and clicked in ws.graph.concepts and clicked != nav.concept:
        nav = state.go(nav, concept=clicked, view="explore")
    if not state.trail():
        state.visit(nav.concept)
    return nav


def record_visit(nav: state.Nav) -> None:
    """Count the visit in the profile's progress, once per arrival, after the page is drawn
    (a DuckDB write is the slowest step of a rerun)."""
    if st.session_state.get("recorded") != (nav.profile, nav.concept):
        st.session_state["recorded"] = (nav.profile, nav.concept)
        resources.progress()[0].visit(nav.profile, nav.concept)


def main() -> None:
    st.set_page_config(page_title="Curiosity Explorer",
                       layout="wide")
    ws = resources.workspace()
    nav = state.read(ws.graph)
    landing = "concept" not in st.query_params

    nav = arrive(ws, nav)

    def focus(concept_id: str) -> None:
        state.go(state.read(ws.graph), concept=concept_id, view="explore")

    nav, curiosity = sidebar(ws, nav)
    st.markdown("#### Curiosity Explorer")
    search_box(ws, nav, focus)
    if nav.view == "explore":
        explore(curiosity, landing=landing)
    else:
        VIEWS[nav.view](ws, nav, focus)
    state.write(nav)
    record_visit(nav)
