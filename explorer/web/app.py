"""The page: sidebar, search, and the current view. `streamlit_app.py` only calls `main()`."""

from __future__ import annotations

import streamlit as st

from explorer.web import notices, resources, state
from explorer.web.atlas_view import map_view
from explorer.web.decisions import decisions_view
from explorer.web.errors import friendly
from explorer.web.explore import arrive, explore, focus, record_visit
from explorer.web.path import path_view
from explorer.web.plan import plan_view
from explorer.web.progress import progress_view
from explorer.web.search_box import search_box
from explorer.web.sidebar import sidebar
from explorer.web.text import plain

# The embedding model (torch, seconds of import) warms this long after the first run of the
# first session, so the first paint never waits for it.
WARM_AFTER_S = 2.0
VIEWS = {"map": map_view, "path": path_view, "plan": plan_view, "decisions": decisions_view,
         "progress": progress_view}


@friendly("this page")
def main() -> None:
    # An emoji icon is a data: URL in the browser: the default favicon.png was fetched again on
    # every rerun, the only HTTP request of a click.
    st.set_page_config(page_title="Curiosity Explorer", page_icon="🧭", layout="wide")
    app = resources.explorer()
    if notice := app.stale_notice():  # the sources are broken: the last good graph is served
        st.warning(plain(notice))
    nav, changed = state.arrive(app)
    notices.link(app, changed)
    if "goal" not in st.query_params and (note := state.goal_notice(app.graph)):
        st.info(plain(note), icon=":material/info:")
    if not st.session_state.get("progress-notices-shown"):  # once per session
        st.session_state["progress-notices-shown"] = True
        for note in app.progress_notices():
            st.warning(plain(note), icon=":material/warning:")
    # Who arrived without a concept sees the road from transistors to Adam for the whole
    # session: dropping it at the first full rerun moved everything below it up.
    landing = st.session_state.setdefault("landed", "concept" not in st.query_params)

    nav = arrive(app, nav)
    nav, curiosity = sidebar(app, nav)
    st.markdown("#### Curiosity Explorer")
    search_box()
    if nav.view == "explore":
        explore(curiosity, landing=landing)
    else:
        VIEWS[nav.view](app, nav, focus)
    state.write(nav)
    record_visit(nav)
    app.warm_search(after_s=WARM_AFTER_S)
