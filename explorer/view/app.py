"""The page: sidebar, search, and the current view. `streamlit_app.py` only calls `main()`."""

from __future__ import annotations

import streamlit as st

from .. import component
from ..workspace import Workspace
from . import state
from .card import card
from .graph_data import SCORE_BUCKETS, vis_graph


@st.cache_resource(show_spinner=False)
def workspace() -> Workspace:
    """One store connection and one in-memory graph per process, shared by every session."""
    with st.spinner("Building the graph database from graph_data/ …"):
        return Workspace.open()


def main() -> None:
    st.set_page_config(page_title="Curiosity Explorer", page_icon=":material/explore:",
                       layout="wide")
    ws = workspace()
    nav = state.read(ws.graph)
    if not state.trail():
        state.visit(nav.concept)

    def focus(concept_id: str) -> None:
        state.go(state.read(ws.graph), concept=concept_id, view="explore")

    st.title("Curiosity Explorer")
    st.caption("The math behind machine learning, from transistors to Adam.")
    explore(ws, nav, focus)


def explore(ws: Workspace, nav: state.Nav, focus) -> None:
    concept = ws.concept(nav.concept)
    left, right = st.columns([3, 2], gap="large")
    with left:
        vis = vis_graph(ws.graph, ws.nx, concept.id, depth=nav.depth)
        clicked = component.graph(vis.nodes, vis.edges, options=vis.options, focus=concept.id,
                                  height=560, key="graph")
        if clicked and clicked != concept.id and clicked in ws.graph.concepts:
            nav = state.go(nav, concept=clicked)
            concept = ws.concept(clicked)
        st.caption("Colour: " + " · ".join(label for _, _, label in SCORE_BUCKETS)
                   + ". Arrows point from a prerequisite to what it leads to.")
    with right:
        card(ws, concept, focus)
    state.write(nav)
