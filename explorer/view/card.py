"""The concept card: name, layer, score and why, summary, hook, neighbours, references."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..graph import leads_to, prerequisites
from ..model import Concept
from ..workspace import Workspace
from .text import md_escape, md_link

Focus = Callable[[str], None]


def concept_buttons(ws: Workspace, ids: list[str], focus: Focus, key: str,
                    whys: dict[str, str] | None = None) -> None:
    """One small button per concept; a click focuses it. `whys` become the buttons' help."""
    for cid in ids:
        c = ws.graph.concepts[cid]
        st.button(c.name, key=f"{key}-{cid}", help=(whys or {}).get(cid) or c.summary,
                  on_click=focus, args=(cid,), type="tertiary")


def card(ws: Workspace, concept: Concept, focus: Focus) -> None:
    layer = next((la.name for la in ws.graph.layers if la.id == concept.layer), concept.layer)
    st.markdown(f"### {md_escape(concept.name)}")
    aliases = f" · also: {', '.join(concept.aliases)}" if concept.aliases else ""
    st.caption(md_escape(f"{layer}{aliases} · about {concept.effort_hours:g} h to learn"))
    st.markdown(md_escape(concept.summary))
    if concept.hook:
        st.info(md_escape(concept.hook), icon=":material/lightbulb:")
    if concept.symptoms:
        st.markdown("**You may need this when:** " + "; ".join(md_escape(s)
                                                               for s in concept.symptoms))
    g = ws.nx
    left, right = st.columns(2)
    with left:
        st.markdown("**Builds on**")
        pre = prerequisites(g, concept.id)
        concept_buttons(ws, pre, focus, "pre", {v: g.edges[concept.id, v]["why"] for v in pre})
        if not pre:
            st.caption("Nothing below it in this graph.")
    with right:
        st.markdown("**Leads to**")
        up = leads_to(g, concept.id)
        concept_buttons(ws, up, focus, "up", {u: g.edges[u, concept.id]["why"] for u in up})
        if not up:
            st.caption("Nothing builds on it yet.")
    if concept.references:
        st.markdown("**References**")
        st.markdown("\n".join(f"- {md_link(r.title, r.url)}" for r in concept.references))
