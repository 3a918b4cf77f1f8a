"""Notices: what the page changed or could not do, said in words, never silently.

- `link(app, notices)`: the values of the URL that were changed on arrival (an unknown concept
  with the closest ones as a click each, a depth or era out of range, an unknown view or goal);
- `long_query(length)`: a search longer than the limit, which is searched cut.

Every string goes through `web.text` (a value from a link is the user's text).
"""

from __future__ import annotations

import streamlit as st

from explorer.usecases import MAX_QUERY_CHARS, Explorer, LinkNotice
from explorer.web import state
from explorer.web.card import concept_pills
from explorer.web.text import plain

FIELDS = {"from": "frm", "to": "to", "target": "target"}  # link parameter -> Nav field


def _chooser(param: str):
    """What a click on a suggested concept does: focus it, or set the path end or target."""
    if param == "concept":
        return state.focus
    return lambda cid: state.go(**{FIELDS[param]: cid})


def link(app: Explorer, notices: tuple[LinkNotice, ...]) -> None:
    for notice in notices:
        st.warning(plain(notice.text), icon=":material/link_off:")
        ids = [cid for cid, _ in notice.closest if cid in app.graph.concepts]
        if ids:
            concept_pills(app, "Closest names", ids, _chooser(notice.field),
                          f"notice-{notice.field}")


def long_query(length: int) -> str | None:
    """The notice for a query of `length` characters, or None within the limit."""
    if length <= MAX_QUERY_CHARS:
        return None
    return (f"Your search is {length:,} characters long; only the first {MAX_QUERY_CHARS} "
            "are searched.")


def show_long_query(length: int) -> None:
    if note := long_query(length):
        st.warning(plain(note), icon=":material/content_cut:")
