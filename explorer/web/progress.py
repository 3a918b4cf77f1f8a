"""The progress view: known, bookmarked and visited concepts, and the share known by layer."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer
from explorer.web.card import Focus, concept_buttons
from explorer.web.state import Nav
from explorer.web.text import md_escape


def progress_view(app: Explorer, nav: Nav, focus: Focus) -> None:
    listing = app.progress_list(nav.profile)
    summary = listing.summary
    st.subheader(f"Progress of profile “{md_escape(nav.profile)}”")
    st.caption(f"{summary.known:d} known · {summary.bookmarks:d} bookmarked · "
               f"{summary.visited:d} visited")
    for layer in app.graph.layers:
        share = summary.by_layer.get(layer.id)
        if share and share.total:
            st.progress(share.share, text=f"{md_escape(layer.name)}: {share.known:d} of "
                                          f"{share.total:d}")
    present = app.graph.concepts
    cols = st.columns(3)
    for col, (title, ids) in zip(cols, (
            ("Known", listing.known), ("Bookmarked", listing.bookmarks),
            ("Visited", listing.visited)), strict=True):
        with col:
            st.markdown(f"**{md_escape(title)}**")
            concept_buttons(app, [c for c in ids if c in present], focus, f"prog-{title}")
    if summary.orphaned:
        st.warning("Progress on concepts that are no longer in the graph (kept, not dropped): "
                   + md_escape(", ".join(summary.orphaned)))
