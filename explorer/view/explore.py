"""The explore view: the graph around the focus, the card, wander suggestions and the trail."""

from __future__ import annotations

import streamlit as st

from .. import component
from ..paths import road
from ..wander import suggest
from ..workspace import Workspace
from . import resources, state
from .card import Focus, card, concept_button, concept_buttons
from .graph_data import SCORE_BUCKETS, vis_graph
from .state import Nav
from .text import md_escape

GRAPH_KEY = "graph"
KIND_LABEL = {"useful": "Most useful next", "bridge": "Surprising bridge",
              "foundation": "Deeper foundation", "surprise": "Surprise"}


def graph_panel(ws: Workspace, nav: Nav, highlight: tuple[str, ...] = (),
                height: int = 560) -> None:
    scores = resources.probabilities(nav.goal, nav.era)
    vis = vis_graph(ws.graph, ws.nx, nav.concept, depth=nav.depth, scores=scores,
                    highlight=highlight)
    component.graph(vis.nodes, vis.edges, options=vis.options, focus=nav.concept,
                    height=height, key=GRAPH_KEY)
    st.caption("Colour = decision relevance: " + " · ".join(
        f"{label}" for _, _, label in SCORE_BUCKETS) + " (pale to red). Arrows run from a "
        "prerequisite to what it leads to; dashed blue = built on.")


def wander_panel(ws: Workspace, nav: Nav, curiosity: float, focus: Focus) -> None:
    store, _ = resources.progress()
    scores = resources.probabilities(nav.goal, nav.era)
    picks = suggest(ws.graph, ws.nx, nav.concept, visited=state.trail(),
                    known=store.known(nav.profile), scores=scores, curiosity=curiosity,
                    seed=len(state.trail()))
    if not picks:
        return
    st.markdown("**Wander on**")
    for col, pick in zip(st.columns(len(picks)), picks, strict=True):
        with col, st.container(border=True):
            st.caption(KIND_LABEL.get(pick.kind, pick.kind))
            concept_button(pick.name, pick.id, focus, f"wander-{pick.kind}",
                           type="secondary", use_container_width=True)
            st.caption(md_escape(pick.reason))


def trail_panel(ws: Workspace, focus: Focus) -> None:
    trail = state.trail()
    if len(trail) > 1:
        st.markdown("**Your trail**")
        recent = list(dict.fromkeys(reversed(trail)))[:12]
        concept_buttons(ws, list(reversed(recent)), focus, "trail")


def road_panel(ws: Workspace, focus: Focus) -> None:
    steps = road(ws.graph, ws.nx)
    if not steps:
        return
    with st.expander("The road from transistors to Adam", expanded=False,
                     icon=":material/route:"):
        st.caption("Each layer's tools hide the one below: the physics of a transistor almost "
                   "never changes a training decision, while Adam's settings often do.")
        for step in steps:
            rel = f"{step.relation} · " if step.relation else ""
            concept_button(step.name, step.id, focus, f"road-{step.id}",
                           f"{rel}{step.why}" if step.why else None)


def explore(ws: Workspace, nav: Nav, curiosity: float, focus: Focus) -> None:
    concept = ws.concept(nav.concept)
    road_panel(ws, focus)
    if surprise := st.session_state.pop("surprise", None):
        st.toast(surprise)
    left, right = st.columns([3, 2], gap="large")
    with left:
        graph_panel(ws, nav)
        wander_panel(ws, nav, curiosity, focus)
        trail_panel(ws, focus)
    with right:
        card(ws, concept, nav, focus)
