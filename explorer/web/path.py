"""The path view: how does A connect to B? Each step with its relation and why, highlighted."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from explorer.usecases import Explorer, NoPath
from explorer.web import state
from explorer.web.card import Focus, concept_button
from explorer.web.explore import graph_panel
from explorer.web.state import Nav
from explorer.web.text import md_escape


def concept_picker(app: Explorer, label: str, field: str, nav: Nav) -> None:
    """A concept chooser bound to one field of the URL state (a path end, the plan target)."""
    ids = sorted(app.graph.concepts, key=lambda c: app.graph.concepts[c].name.casefold())
    st.selectbox(label, ids, format_func=lambda c: app.graph.concepts[c].name,
                 **state.bind(field, nav))


def path_view(app: Explorer, nav: Nav, focus: Focus) -> None:
    st.subheader("How does one concept connect to another?")
    a, b = st.columns(2)
    with a:
        concept_picker(app, "From", "frm", nav)
    with b:
        concept_picker(app, "To", "to", nav)
    try:
        steps = app.path(nav.frm, nav.to)
    except NoPath as exc:
        st.warning(md_escape(str(exc)))
        return
    left, right = st.columns([3, 2], gap="large")
    with right:
        st.markdown(f"**{len(steps) - 1} steps**")
        for i, step in enumerate(steps):
            rel = f"*{md_escape(step.relation)}* " if step.relation else ""
            concept_button(f"{i + 1}. {step.name}", step.id, focus, f"step-{step.id}")
            if step.why:
                st.caption(rel + md_escape(step.why))
    with left:
        graph_panel(app, replace(nav, concept=nav.frm),
                    highlight=tuple(s.id for s in steps))
