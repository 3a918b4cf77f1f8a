"""The decisions view: what someone with this goal decides, most frequent first."""

from __future__ import annotations

import streamlit as st

from explorer.storage.workspace import Workspace
from explorer.web.card import Focus, concept_pills
from explorer.web.state import Nav
from explorer.web.text import md_escape

SHOWN = 25  # decisions drawn before "Show all": each one is resent on every rerun


def decisions_view(ws: Workspace, nav: Nav, focus: Focus) -> None:
    goal = next(g for g in ws.graph.goals if g.id == nav.goal)
    st.subheader(f"Decisions you face: {goal.name.lower()}")
    decisions = sorted((d for d in ws.graph.decisions.values() if d.frequency_for(goal.id) > 0),
                       key=lambda d: (-d.frequency_for(goal.id), d.text))
    st.caption(f"{len(decisions)} decisions, most frequent first. Frequencies and strengths are "
               "estimates, each written down with its reason in graph_data/decisions.yaml.")
    shown = decisions if st.session_state.get("all-decisions") else decisions[:SHOWN]
    for d in shown:
        with st.container(border=True):
            sensitive = "" if d.maturity_sensitive else " · mature tools do not remove it"
            st.markdown(f"**{d.frequency_for(goal.id):.0%}** · {md_escape(d.text)}  \n"
                        f":gray[{d.kind}{sensitive}]")
            informs = sorted(d.informed_by, key=lambda i: -i.strength)
            concept_pills(ws, "Informed by", [i.id for i in informs], focus, f"dec-{d.id}",
                          help="\n".join(f"- **{md_escape(ws.graph.concepts[i.id].name)}** "
                                         f"({i.strength:.0%}): {md_escape(i.why)}"
                                         for i in informs),
                          label_visibility="collapsed")
    if len(shown) < len(decisions):
        st.button(f"Show all {len(decisions)}", key="all-decisions-more",
                  on_click=st.session_state.__setitem__, args=("all-decisions", True))
