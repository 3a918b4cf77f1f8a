"""The decisions view: what someone with this goal decides, most frequent first (or by how much
their concepts' scores fell between two eras), and how often *you* face each one."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import ERA_RANGE, Explorer
from explorer.web.card import Focus, concept_pills, why_toggle
from explorer.web.my_decisions import frequency_control, onboarding, orphans
from explorer.web.state import Nav
from explorer.web.text import md_escape, md_link

SHOWN = 25  # decisions drawn before "Show all": each one is resent on every rerun
ORDERS = {"frequency": "How often they are faced", "fall": "How much their concepts fell"}


def decisions_view(app: Explorer, nav: Nav, focus: Focus) -> None:
    st.subheader(f"Decisions you face: {md_escape(app.goal_name(nav.goal).lower())}")
    onboarding(app, nav)
    rows = app.decisions(nav.goal, nav.profile)
    left, right = st.columns([3, 2])
    order = left.radio("Sort by", list(ORDERS), format_func=ORDERS.get, horizontal=True,
                       key="dec-order")
    shifts = {}
    if order == "fall":
        then = right.number_input("From the era", ERA_RANGE[0], ERA_RANGE[1], 2000, 5,
                                  key="dec-then", help=f"…to the era in the sidebar ({nav.era:d})")
        found = app.decision_shifts(nav.goal, then, nav.era, nav.profile)
        shifts = {s.decision_id: s for s in found}
        place = {s.decision_id: i for i, s in enumerate(found)}
        rows = sorted(rows, key=lambda r: place.get(r.decision.id, len(place)))
    st.caption(f"{len(rows)} decision{'s' * (len(rows) != 1)}. Frequencies and strengths "
               "are estimates, each written "
               "down with its reason in the graph's decisions/ files; set your own to make "
               "every score yours.")
    shown = rows if st.session_state.get("all-decisions") else rows[:SHOWN]
    for row in shown:
        d = row.decision
        with st.container(border=True):
            sensitive = "" if d.maturity_sensitive else " · mature tools do not remove it"
            mine = " (yours)" if row.own is not None else ""
            st.markdown(f"**{row.frequency:.0%}**{mine} · {md_escape(d.text)}  \n"
                        f":gray[{md_escape(d.kind)}{sensitive}]")
            if shift := shifts.get(d.id):
                st.caption(md_escape(shift.describe()))
            frequency_control(app, nav, row)
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
    orphans(app, nav)
