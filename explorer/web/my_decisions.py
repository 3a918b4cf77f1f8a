"""Your decisions: how often this profile faces each decision, and the short onboarding that
seeds it ("which of these do you face?"). Every score, card, ranking and plan for the profile
then uses these frequencies in place of the goal's."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import DecisionRow, Explorer
from explorer.web.state import Nav
from explorer.web.text import md_escape

GOALS = "as the goal says"  # the choice that resets a decision to the goal's frequency


def frequency_control(app: Explorer, nav: Nav, row: DecisionRow) -> None:
    """A select box: the goal's frequency, one of the words, or the profile's own number."""
    words = list(app.frequency_words())
    own = app.frequency_choice(row)
    options = [GOALS, *words] + ([own] if own is not None and own not in words else [])
    key = f"freq-{row.decision.id}"
    st.session_state[key] = own or GOALS

    def changed() -> None:
        choice = st.session_state[key]
        if choice == GOALS:
            app.reset_decision_frequency(row.decision.id, profile=nav.profile)
        else:
            app.set_decision_frequency(row.decision.id, choice, profile=nav.profile)

    st.selectbox("How often you face it", options, key=key, on_change=changed,
                 format_func=lambda o: (f"{o} ({row.goal_frequency:.0%})" if o == GOALS
                                        else f"{o} ({app.frequency_words()[o]:.0%})"
                                        if o in words else f"{o} (your number)"))


def onboarding(app: Explorer, nav: Nav) -> None:
    """Ten typical decisions for the goal, each answered never … often, stored together."""
    fresh = not app.own_frequencies(nav.profile)
    words = list(app.frequency_words())
    with st.expander("Which of these do you face?", expanded=fresh,
                     icon=":material/checklist:"):
        st.caption("Say how often you face each one; your answers replace the goal's "
                   "estimates in every score for this profile. Change any of them later below.")
        typical = app.typical_decisions(nav.goal)
        with st.form("onboarding", border=False):
            answers = {row.decision.id: st.radio(md_escape(row.decision.text), words,
                                                 index=words.index(word), horizontal=True,
                                                 key=f"onboard-{row.decision.id}")
                       for row, word in typical}
            if st.form_submit_button("Save my answers", type="primary"):
                saved = app.answer_onboarding(answers, profile=nav.profile)
                st.toast(md_escape(f"Saved {saved} answers for profile {nav.profile}"))
                st.rerun()


def orphans(app: Explorer, nav: Nav) -> None:
    listing = app.decision_list(nav.goal, nav.profile)
    if listing.orphaned:
        st.caption(md_escape("Kept for decisions no longer in the graph: " + ", ".join(
            f"{d} ({f:g})" for d, f in listing.orphaned.items())))
