"""Two small Streamlit components-v2 components, declared in ``explorer/pyproject.toml`` beside
the graph: the search combobox (``explorer.search``), whose list of hits opens over the page,
and the card's scroll anchor (``explorer.anchor``).

The browser owns the input and the list; Python searches. ``combobox(hits, ...)`` draws it with
the hits for ``query`` and returns what the user did since the last run (``Event``): the text
typed, a hit opened (a click, or Enter), Enter pressed before the hits for the text arrived
(open the top hit of that text), or "show in graph" on a hit. Text is set as text in the
browser (``textContent``), never as markup.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    from streamlit.components.v2.types import ComponentRenderer

NAME = "explorer.search"
_HTML = '<div class="explorer-search-mount"></div>'
_lock = threading.Lock()
_mount: ComponentRenderer | None = None


def _renderer() -> ComponentRenderer:
    global _mount
    with _lock:
        if _mount is None:
            _mount = st.components.v2.component(NAME, html=_HTML, css="search.css",
                                                js="search.js")
        return _mount


_ANCHOR = "explorer.anchor"
_anchor: ComponentRenderer | None = None


def anchor(concept: str, key: str = "card-anchor") -> None:
    """A zero-height mark above the card's title: when `concept` changes and the title is out
    of view, the browser scrolls it to the top (``anchor.js``)."""
    global _anchor
    with _lock:
        if _anchor is None:
            _anchor = st.components.v2.component(_ANCHOR, html=_HTML, js="anchor.js")
    _anchor(key=key, data={"concept": concept})


@dataclass(frozen=True)
class Event:
    query: str = ""  # the text in the box
    opened: str | None = None  # a hit chosen (click, or Enter on it)
    entered: str | None = None  # Enter pressed on this text before its hits arrived
    where: str | None = None  # "show in graph" on this hit


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def pending(key: str) -> Event:
    """What the user did in the box with ``key``, read before drawing it (like a graph
    click): triggers last one run, the query stays."""
    state = st.session_state.get(key)
    if not isinstance(state, Mapping):
        return Event()
    return Event(_text(state.get("query")) or "", _text(state.get("open")),
                 _text(state.get("enter")), _text(state.get("where")))


def _noop() -> None:
    """A registered callback is what makes Streamlit report a state or trigger."""


def combobox(hits: Sequence[Mapping[str, Any]], *, query: str, heading: str = "",
             note: str = "", clear: int | None = None, label: str = "Search",
             placeholder: str = "", key: str = "search") -> None:
    """Draw the box with ``hits`` (``{id, name, detail, close}``) for ``query``. ``heading``
    and ``note`` are lines above the hits; a new ``clear`` number empties the box."""
    hits = [{"id": str(h["id"]), "name": str(h["name"]), "detail": str(h.get("detail", "")),
             "close": bool(h.get("close", True))} for h in hits]
    _renderer()(key=key, data={"query": query, "hits": hits, "heading": heading, "note": note,
                               "clear": clear, "label": label, "placeholder": placeholder},
                default={"query": ""}, on_query_change=_noop, on_open_change=_noop,
                on_enter_change=_noop, on_where_change=_noop)
