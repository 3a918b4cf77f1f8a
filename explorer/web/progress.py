"""The progress view: known, bookmarked and visited concepts, and the share known by layer."""

from __future__ import annotations

import streamlit as st

from explorer.storage.workspace import Workspace
from explorer.web import resources
from explorer.web.card import Focus, concept_buttons
from explorer.web.state import Nav
from explorer.web.text import md_escape


def progress_view(ws: Workspace, nav: Nav, focus: Focus) -> None:
    store, _ = resources.progress()
    summary = store.summary(nav.profile, ws.graph)
    st.subheader(f"Progress of profile “{md_escape(nav.profile)}”")
    st.caption(f"{summary.known} known · {summary.bookmarks} bookmarked · "
               f"{summary.visited} visited")
    for layer in ws.graph.layers:
        share = summary.by_layer.get(layer.id)
        if share and share.total:
            st.progress(share.share, text=f"{md_escape(layer.name)}: {share.known} of "
                                          f"{share.total}")
    present = ws.graph.concepts
    cols = st.columns(3)
    for col, (title, ids) in zip(cols, (
            ("Known", sorted(store.known(nav.profile))),
            ("Bookmarked", store.bookmarks(nav.profile)),
            ("Visited", [v.concept_id for v in store.visits(nav.profile)])), strict=True):
        with col:
            st.markdown(f"**{title}**")
            concept_buttons(ws, [c for c in ids if c in present], focus, f"prog-{title}")
    if summary.orphaned:
        st.warning("Progress on concepts that are no longer in the graph (kept, not dropped): "
                   + md_escape(", ".join(summary.orphaned)))
