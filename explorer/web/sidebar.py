"""The sidebar: goal, era, curiosity dial, depth, profile, views and progress summary."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import DEFAULT_PROFILE, ERA_RANGE, Explorer
from explorer.web import graphs, state
from explorer.web.state import VIEWS, Nav

VIEW_LABELS = {"explore": "Explore", "map": "Map", "path": "Path", "plan": "Plan",
               "decisions": "Decisions",
               "progress": "Progress"}


def sidebar(app: Explorer, nav: Nav) -> tuple[Nav, float]:
    """Render the sidebar; return the state and the curiosity dial."""
    scored = graphs.has_decisions(app)  # goal, era and decisions mean nothing without any
    with st.sidebar:
        st.radio("View", [v for v in VIEWS if scored or v != "decisions"], horizontal=True,
                 format_func=VIEW_LABELS.get, **state.bind("view", nav))
        goals = {g.id: g for g in app.graph.goals}
        if scored:
            st.selectbox("Your goal", list(goals), format_func=lambda g: goals[g].name,
                         help="Scores are the chance that knowing a concept changes a "
                              "decision someone with this goal faces.", **state.bind("goal", nav))
            st.slider("Era", *ERA_RANGE, help="Tools mature: knowledge that changed decisions "
                      "in 2000 may be hidden by libraries today.", **state.bind("era", nav))
        curiosity = st.slider("Curiosity", 0.0, 1.0, 0.5, 0.1, key="curiosity",
                              help="0: suggest what is useful. 1: suggest what is surprising.")
        st.slider("Graph depth", 1, 3, **state.bind("depth", nav))
        st.text_input("Profile", max_chars=40,
                      help="Progress (known, bookmarks) and how often you face each decision "
                           "(Decisions view) are kept per profile.",
                      **state.bind("profile", nav, lambda v: v.strip() or DEFAULT_PROFILE))
        summary = app.progress_list(nav.profile).summary
        st.caption(f"{summary.known:d} of {len(app.graph.concepts)} concepts known · "
                   f"{summary.bookmarks:d} bookmarked · {summary.visited:d} visited")
        if st.button("Surprise me", icon=":material/casino:", use_container_width=True):
            seed = len(state.trail()) * 7919 + st.session_state.setdefault("seed", 0)
            pick = app.surprise(goal=nav.goal, year=nav.era, profile=nav.profile,
                                visited=tuple(state.trail()), seed=seed)
            nav = state.go(nav, concept=pick.id, view="explore")
            st.session_state["surprise"] = pick.reason
        graphs.picker()
    return nav, curiosity
