"""The sidebar: goal, era, curiosity dial, depth, profile, views and progress summary."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import DEFAULT_PROFILE, ERA_RANGE, Explorer
from explorer.web import state
from explorer.web.state import VIEWS, Nav

VIEW_LABELS = {"explore": "Explore", "path": "Path", "plan": "Plan", "decisions": "Decisions",
               "progress": "Progress"}


def sidebar(app: Explorer, nav: Nav) -> tuple[Nav, float]:
    """Render the sidebar; return the (possibly changed) state and the curiosity dial."""
    with st.sidebar:
        view = st.radio("View", VIEWS, index=VIEWS.index(nav.view), horizontal=True,
                        format_func=VIEW_LABELS.get)
        goals = {g.id: g for g in app.graph.goals}
        goal = st.selectbox("Your goal", list(goals), index=list(goals).index(nav.goal),
                            format_func=lambda g: goals[g].name,
                            help="Scores are the chance that knowing a concept changes a "
                                 "decision someone with this goal faces.")
        era = st.slider("Era", *ERA_RANGE, value=nav.era,
                        help="Tools mature: knowledge that changed decisions in 2000 may be "
                             "hidden by libraries today.")
        curiosity = st.slider("Curiosity", 0.0, 1.0, 0.5, 0.1, key="curiosity",
                              help="0: suggest what is useful. 1: suggest what is surprising.")
        depth = st.slider("Graph depth", 1, 3, nav.depth)
        profile = st.text_input("Profile", nav.profile, max_chars=40,
                                help="Progress (known, bookmarks) is kept per profile.").strip()
        changes = {k: v for k, v in (("view", view), ("goal", goal), ("era", era),
                                     ("depth", depth), ("profile", profile or DEFAULT_PROFILE))
                   if v != getattr(nav, k)}
        if changes:
            nav = state.go(nav, **changes)
        summary = app.progress_list(nav.profile).summary
        st.caption(f"{summary.known} of {len(app.graph.concepts)} concepts known · "
                   f"{summary.bookmarks} bookmarked · {summary.visited} visited")
        if st.button("Surprise me", icon=":material/casino:", use_container_width=True):
            seed = len(state.trail()) * 7919 + st.session_state.setdefault("seed", 0)
            pick = app.surprise(goal=nav.goal, year=nav.era, profile=nav.profile,
                                visited=tuple(state.trail()), seed=seed)
            nav = state.go(nav, concept=pick.id, view="explore")
            st.session_state["surprise"] = pick.reason
    return nav, curiosity
