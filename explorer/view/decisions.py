"""The decisions view: what someone with this goal decides, most frequent first."""

from __future__ import annotations

import streamlit as st

from ..workspace import Workspace
from .card import Focus, concept_buttons
from .state import Nav
from .text import md_escape


def decisions_view(ws: Workspace, nav: Nav, focus: Focus) -> None:
    goal = next(g for g in ws.graph.goals if g.id == nav.goal)
    st.subheader(f"Decisions you face: {goal.name.lower()}")
    decisions = sorted((d for d in ws.graph.decisions.values() if d.frequency_for(goal.id) > 0),
                       key=lambda d: (-d.frequency_for(goal.id), d.text))
    st.caption(f"{len(decisions)} decisions, most frequent first. Frequencies and strengths are "
               "estimates, each written down with its reason in graph_data/decisions.yaml.")
    for d in decisions:
        with st.container(border=True):
            st.markdown(f"**{d.frequency_for(goal.id):.0%}** · {md_escape(d.text)}")
            sensitive = "" if d.maturity_sensitive else " · mature tools do not remove it"
            st.caption(f"{d.kind}{sensitive}")
            ids = [inf.id for inf in sorted(d.informed_by, key=lambda i: -i.strength)]
            whys = {inf.id: f"strength {inf.strength:.0%}: {inf.why}" for inf in d.informed_by}
            cols = st.columns(min(len(ids), 4) or 1)
            for i, cid in enumerate(ids):
                with cols[i % len(cols)]:
                    concept_buttons(ws, [cid], focus, f"dec-{d.id}", whys)
