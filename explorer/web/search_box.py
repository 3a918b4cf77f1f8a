"""One search box for a concept or a problem, in a combobox whose hits open over the page.

Typing searches (in a fragment: only the box reruns); Enter opens the top hit, the arrow keys
move through the hits, a click opens one, and "Show … in the graph" rings it in the graph.
When nothing is close ("zzzqqq"), it says so and lists the nearest few.
"""

from __future__ import annotations

import streamlit as st

from explorer.usecases import MAX_QUERY_CHARS, Explorer
from explorer.web import graphs, notices, resources, state
from explorer.web.component.search import combobox, pending
from explorer.web.explore import HIGHLIGHT_KEY
from explorer.web.state import Nav

KEY = "search"
CLEAR_KEY = "search-cleared"  # bumped to empty the box after a hit is opened
RESULTS = 8
NEAREST = 3  # hits listed under "no close match"
PLACEHOLDER = "Search a concept, or describe a problem: “loss becomes NaN with float16”"


def hits_for(app: Explorer, query: str, nav: Nav) -> tuple[list[dict], str, str]:
    """The hits to list for `query`, the heading above them and a note (the search mode, a
    query cut at the limit)."""
    result = app.search(query, limit=RESULTS)
    scores = (app.probabilities(nav.goal, nav.era, nav.profile) if graphs.has_decisions(app)
              else {})
    layers = {la.id: la.name for la in app.graph.layers}
    close = [h for h in result.hits if h.close]
    shown = close or result.hits[:NEAREST]
    rows = []
    for hit in shown:
        p = scores.get(hit.id)
        score = f" · {p:.0%} decision relevance" if p is not None else ""
        rows.append({"id": hit.id, "name": hit.name, "close": hit.close,
                     "detail": f"{layers.get(hit.layer, hit.layer)}{score} · "
                               f"{' + '.join(hit.matched_by)} — {hit.snippet}"})
    quoted = " ".join(query.split())[:60]
    if not result.hits:
        heading = f"Nothing matched '{quoted}'. Try other words."
    elif not close:
        heading = f"No close match for '{quoted}'. The nearest:"
    else:
        heading = f"{len(rows)} match{'es' * (len(rows) != 1)}"
    note = " ".join(n for n in (notices.long_query(len(query.strip())) or "",
                                result.note) if n)
    return rows, heading, note


@st.fragment
def search_box() -> None:
    """The combobox, as a fragment: typing reruns only the box; opening a hit the page."""
    app = resources.explorer()
    nav = state.read(app)
    event = pending(KEY)
    opened = event.opened
    if event.entered and event.entered.strip():  # Enter before the hits arrived: the top one
        top = app.search(event.entered, limit=1).hits
        opened = top[0].id if top else None
    if event.where in app.graph.concepts:
        st.session_state[HIGHLIGHT_KEY] = (event.where, nav.concept)
        st.rerun()
    if opened in app.graph.concepts:
        st.session_state[CLEAR_KEY] = st.session_state.get(CLEAR_KEY, 0) + 1
        state.focus(opened)
        st.rerun()
    query = event.query
    rows, heading, note = hits_for(app, query, nav) if query.strip() else (
        [], "", "")
    combobox(rows, query=query, heading=heading, note=note,
             clear=st.session_state.get(CLEAR_KEY), label="Search concepts",
             placeholder=PLACEHOLDER, key=KEY)
    if len(query.strip()) > MAX_QUERY_CHARS:
        notices.show_long_query(len(query.strip()))
