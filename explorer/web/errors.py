"""Page errors reach the user as a short message (what failed, what to try); the traceback goes
only to the server log, under a reference the message quotes so the two can be matched.

`friendly(what)` wraps the page's main and the explore fragment (a fragment rerun does not pass
through main). Streamlit's own control flow (`st.rerun`, `st.stop`) raises `BaseException`
subclasses, which pass through untouched. `.streamlit/config.toml` sets
`client.showErrorDetails = "none"` as the backstop for anything raised outside these wrappers
(a widget callback, say): Streamlit then shows a generic message and logs the rest.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from explorer.usecases import GraphError, ProgressError
from explorer.web.text import plain

log = logging.getLogger("explorer.web")
if not log.handlers:  # Streamlit configures only its own loggers
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)

P = ParamSpec("P")


def message(exc: Exception, what: str, ref: str) -> str:
    """What the user reads for `exc`: the cause when it is a known one, and what to try."""
    if isinstance(exc, GraphError):
        return (f"The graph sources have problems, so {what} cannot be shown: "
                f"{str(exc)[:2000]}. Fix them "
                "(`explorer validate` lists each with its file and line), then reload.")
    if isinstance(exc, ProgressError):
        return f"Progress cannot be read or saved: {exc}. Reload once that is fixed."
    return (f"Something went wrong while showing {what}. Reload the page, or go back to the "
            f"previous one; if it keeps happening, the server log has the details under "
            f"reference {ref}.")


def friendly(what: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Catch any error of the wrapped page part, log it with its traceback, show a message."""

    def wrap(fn: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every page error becomes a message
                ref = uuid.uuid4().hex[:8]
                log.exception("page error %s while showing %s", ref, what)
                st.error(plain(message(exc, what, ref)), icon=":material/error:")

        return run

    return wrap
