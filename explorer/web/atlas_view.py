"""The whole map: every concept at its atlas place, by layer, with the road from transistors to
Adam drawn. A click zooms in (in the browser); a second click on a concept opens it in Explore."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer
from explorer.web import component
from explorer.web.graph_data import view_data, vis_map
from explorer.web.state import Nav

MAP_KEY = "atlas"


def map_view(app: Explorer, nav: Nav, focus) -> None:
    clicked = component.pending_click(MAP_KEY)
    if isinstance(clicked, str) and clicked in app.graph.concepts:
        focus(clicked)  # the concept opens in Explore
        st.rerun()
    known, bookmarks = app.marks(nav.profile)
    road = [s.id for s in app.road()]
    vis = vis_map(app.graph, app.nx, positions=app.positions(),
                  scores=app.probabilities(nav.goal, nav.era, nav.profile), road=road,
                  focus=nav.concept,
                  known=known, bookmarks=bookmarks)
    if vis.left_out:
        st.caption(f"The {len(vis.nodes):,} most relevant concepts of "
                   f"{len(app.graph.concepts):,}; {vis.left_out:,} more are left out here.")
    component.graph(vis.nodes, vis.edges, options=vis.options, focus=nav.concept, height=680,
                    key=MAP_KEY, view=view_data(app.graph, app.bands(), mode="map"))
