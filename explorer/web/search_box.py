"""One search box for a concept or a problem; choosing a result focuses it."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer
from explorer.web.card import concept_button
from explorer.web.explore import HIGHLIGHT_KEY
from explorer.web.state import Nav
from explorer.web.text import md_escape, plain

RESULTS = 8


def search_box(app: Explorer, nav: Nav, focus) -> None:
    query = st.text_input("Search", key="q", max_chars=2_000, label_visibility="collapsed",
                          placeholder="Search a concept, or describe a problem: "
                                      "“loss becomes NaN with float16”",
                          icon=":material/search:")
    if not query.strip():
        return
    result = app.search(query, limit=RESULTS)
    scores = app.probabilities(nav.goal, nav.era, nav.profile)
    layers = {la.id: la.name for la in app.graph.layers}

    def choose(cid: str) -> None:
        st.session_state["q"] = ""
        focus(cid)

    with st.container(border=True):
        if result.note:
            st.caption(md_escape(result.note))
        if not result.hits:
            st.caption("Nothing matched. Try other words.")
        for hit in result.hits:
            p = scores.get(hit.id)
            cols = st.columns([3, 6, 1])
            cols[2].button(":material/my_location:", key=f"where-{hit.id}",
                           help=plain(f"Show {hit.name} in the graph"),
                           on_click=st.session_state.__setitem__,
                           args=(HIGHLIGHT_KEY, (hit.id, nav.concept)))
            with cols[0]:
                concept_button(hit.name, hit.id, choose, f"hit-{hit.id}", type="secondary",
                               use_container_width=True)
            score = f" · {p:.0%} decision relevance" if p is not None else ""
            cols[1].caption(md_escape(f"{layers.get(hit.layer, hit.layer)}{score} · "
                                      f"{' + '.join(hit.matched_by)} — {hit.snippet}"))
