"""The explore view: the graph around the focus, the card, wander suggestions and the trail."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer
from explorer.web import component, graphs, resources, state
from explorer.web.card import Focus, card, concept_button, concept_pills, why_toggle
from explorer.web.errors import friendly
from explorer.web.graph_data import MORE_ID, MORE_STEP, view_data, vis_graph
from explorer.web.state import Nav
from explorer.web.text import plain

GRAPH_KEY = "graph"
MORE_KEY = "graph-more"  # (concept, depth, extra concepts asked for with "+N more")
# (concept, focus): the search box asked to show the concept in the graph around that focus
HIGHLIGHT_KEY = "graph-highlight"
KIND_LABEL = {"useful": "Most useful next", "bridge": "Surprising bridge",
              "foundation": "Deeper foundation", "surprise": "Surprise"}


focus = state.focus  # the callback of every concept button and pill


def arrive(app: Explorer, nav: Nav) -> Nav:
    """Apply a click on a graph node before anything is drawn."""
    clicked = component.pending_click(GRAPH_KEY)
    if clicked == MORE_ID:  # "+N more": draw more of this neighbourhood
        concept, depth, extra = st.session_state.get(MORE_KEY, (nav.concept, nav.depth, 0))
        same = (concept, depth) == (nav.concept, nav.depth)
        st.session_state[MORE_KEY] = (nav.concept, nav.depth,
                                      (extra if same else 0) + MORE_STEP)
    elif isinstance(clicked, str) and clicked in app.graph.concepts and clicked != nav.concept:
        nav = state.go(nav, concept=clicked, view="explore")
    if not state.trail():
        state.visit(nav.concept)
    return nav


def record_visit(nav: Nav) -> None:
    """Count the visit in the profile's progress, once per arrival, after the page is drawn
    (a DuckDB write is the slowest step of a rerun)."""
    if st.session_state.get("recorded") != (nav.profile, nav.concept):
        st.session_state["recorded"] = (nav.profile, nav.concept)
        resources.explorer().visit(nav.concept, nav.profile)


def more_asked(nav: Nav) -> int:
    """Concepts added with "+N more" to this focus and depth (0 after a move)."""
    concept, depth, extra = st.session_state.get(MORE_KEY, ("", 0, 0))
    return extra if (concept, depth) == (nav.concept, nav.depth) else 0


def graph_panel(app: Explorer, nav: Nav, highlight: tuple[str, ...] = (),
                height: int = 600) -> None:
    """The neighbourhood at its atlas positions, centred on the focus, with its legend."""
    scores = (app.probabilities(nav.goal, nav.era, nav.profile) if graphs.has_decisions(app)
              else None)
    known, bookmarks = app.marks(nav.profile)
    vis = vis_graph(app.graph, app.nx, nav.concept, positions=app.positions(), depth=nav.depth,
                    scores=scores, highlight=highlight, known=known, bookmarks=bookmarks,
                    extra=more_asked(nav))
    shown, asked_at = st.session_state.get(HIGHLIGHT_KEY) or (None, None)
    shown = shown if shown in app.graph.concepts and asked_at == nav.concept else None
    component.graph(vis.nodes, vis.edges, options=vis.options, focus=nav.concept,
                    height=height, key=GRAPH_KEY, view=view_data(app.graph, app.bands()),
                    highlight=shown,
                    highlight_label=app.graph.concepts[shown].name if shown else "")


def wander_panel(app: Explorer, nav: Nav, curiosity: float, focus: Focus) -> None:
    trail = state.trail()
    picks = app.wander(nav.concept, goal=nav.goal, year=nav.era, profile=nav.profile,
                       visited=tuple(trail), curiosity=curiosity, seed=max(len(trail) - 1, 0))
    if picks:
        st.markdown("**Wander on**")
    for pick in picks:
        concept_button(f"{KIND_LABEL.get(pick.kind, pick.kind)}: {pick.name}", pick.id, focus,
                       f"wander-{pick.kind}")
    why_toggle([(f"{KIND_LABEL.get(p.kind, p.kind)}: {p.name}", p.reason) for p in picks
                if p.reason], "wander", "Why these suggestions?")


def trail_panel(app: Explorer, focus: Focus) -> None:
    trail = list(dict.fromkeys(reversed(state.trail())))[1:13]
    if trail:
        concept_pills(app, "Your trail, most recent first", trail, focus, "trail-pills")


def road_panel(app: Explorer, focus: Focus) -> None:
    """On landing: the road from transistors to Adam, each stop a click away."""
    steps = app.road()
    if steps:
        concept_pills(app, "The road from transistors to Adam", [s.id for s in steps], focus,
                      "road", help="Each layer's tools hide the one below: the physics of a "
                      "transistor almost never changes a training decision, while Adam's "
                      "settings often do.")


@st.fragment
@friendly("the graph and the card")
def explore(curiosity: float, *, landing: bool = False) -> None:
    """Graph, card and suggestions as a fragment: a click reruns only this part of the page,
    so the sidebar and search box are neither recomputed nor resent.

    A fragment rerun gets the arguments of the last full run, so the state is read afresh.
    """
    app = resources.explorer()
    nav = arrive(app, state.read(app))
    if landing:
        road_panel(app, focus)
    if surprise := st.session_state.pop("surprise", None):
        st.toast(plain(surprise), icon=":material/casino:")
    # The card in the first column: on a phone the columns stack, so it comes first and the
    # graph below it; it is also rendered first, so its deltas reach the browser first.
    left, right = st.columns([2, 3], gap="large")
    with left:
        card(app, nav.concept, nav, focus)
    with right:
        graph_panel(app, nav)
        graphs.download_view(app, nav)
        wander_panel(app, nav, curiosity, focus)
        trail_panel(app, focus)
    state.write(nav)
    record_visit(nav)
