"""The path view: how does A connect to B? Each step with its relation and why, highlighted."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from explorer.domain.paths import NoPath, connect
from explorer.storage.workspace import Workspace
from explorer.web import state
from explorer.web.card import Focus, concept_button
from explorer.web.explore import graph_panel
from explorer.web.state import Nav
from explorer.web.text import md_escape


def concept_picker(ws: Workspace, label: str, current: str, key: str) -> str:
    ids = sorted(ws.graph.concepts, key=lambda c: ws.graph.concepts[c].name.casefold())
    return st.selectbox(label, ids, index=ids.index(current), key=f"{key}-{current}",
                        format_func=lambda c: ws.graph.concepts[c].name)


def path_view(ws: Workspace, nav: Nav, focus: Focus) -> None:
    st.subheader("How does one concept connect to another?")
    a, b = st.columns(2)
    with a:
        frm = concept_picker(ws, "From", nav.frm, "from")
    with b:
        to = concept_picker(ws, "To", nav.to, "to")
    if (frm, to) != (nav.frm, nav.to):
        nav = state.go(nav, frm=frm, to=to)
    try:
        steps = connect(ws.nx, ws.graph, nav.frm, nav.to)
    except NoPath as exc:
        st.warning(str(exc))
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
        graph_panel(ws, replace(nav, concept=nav.frm),
                    highlight=tuple(s.id for s in steps))
