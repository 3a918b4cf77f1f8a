"""The decisions view: what someone with this goal decides, most frequent first."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer
from explorer.web.card import Focus, concept_pills, why_toggle
from explorer.web.state import Nav
from explorer.web.text import md_escape, md_link

SHOWN = 25  # decisions drawn before "Show all": each one is resent on every rerun


def decisions_view(app: Explorer, nav: Nav, focus: Focus) -> None:
    st.subheader(f"Decisions you face: {md_escape(app.goal_name(nav.goal).lower())}")
    rows = app.decisions(nav.goal)
    st.caption(f"{len(rows)} decisions, most frequent first. Frequencies and strengths are "
               "estimates, each written down with its reason in the graph's decisions/ files.")
    shown = rows if st.session_state.get("all-decisions") else rows[:SHOWN]
    for row in shown:
        d = row.decision
        with st.container(border=True):
            sensitive = "" if d.maturity_sensitive else " · mature tools do not remove it"
            st.markdown(f"**{row.frequency:.0%}** · {md_escape(d.text)}  \n"
                        f":gray[{md_escape(d.kind)}{sensitive}]")
            concept_pills(app, "Informed by", [cid for cid, *_ in row.informed_by], focus,
                          f"dec-{d.id}", label_visibility="collapsed")
            why_toggle([(f"{name} ({strength:.0%})", why)
                        for _, name, strength, why in row.informed_by if why], f"dec-{d.id}")
            if d.evidence:
                st.markdown(f"Seen in {len(d.evidence)} real thread"
                            f"{'s' * (len(d.evidence) != 1)}:\n" + "\n".join(
                                f"- {md_link(e.title, e.url)}: {md_escape(e.summary)}"
                                for e in d.evidence))
    if len(shown) < len(rows):
        st.button(f"Show all {len(rows)}", key="all-decisions-more",
                  on_click=st.session_state.__setitem__, args=("all-decisions", True))
