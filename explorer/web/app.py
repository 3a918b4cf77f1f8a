"""The page: sidebar, search, and the current view. `streamlit_app.py` only calls `main()`."""

from __future__ import annotations

import streamlit as st

from explorer.web import resources, state
from explorer.web.atlas_view import map_view
from explorer.web.decisions import decisions_view
from explorer.web.explore import arrive, explore, focus, record_visit
from explorer.web.path import path_view
from explorer.web.plan import plan_view
from explorer.web.progress import progress_view
from explorer.web.search_box import search_box
from explorer.web.sidebar import sidebar

VIEWS = {"map": map_view, "path": path_view, "plan": plan_view, "decisions": decisions_view,
         "progress": progress_view}


def main() -> None:
    st.set_page_config(page_title="Curiosity Explorer", layout="wide")
    app = resources.explorer()
    nav = state.read(app.graph)
    landing = "concept" not in st.query_params

    nav = arrive(app, nav)
    nav, curiosity = sidebar(app, nav)
    st.markdown("#### Curiosity Explorer")
    search_box(app, nav, focus)
    if nav.view == "explore":
        explore(curiosity, landing=landing)
    else:
        VIEWS[nav.view](app, nav, focus)
    state.write(nav)
    record_visit(nav)
