"""The plan view: the unknown prerequisites of a target, in a valid order, with hours."""

from __future__ import annotations

import streamlit as st

from explorer.usecases import Explorer
from explorer.web.card import Focus, concept_button
from explorer.web.path import concept_picker
from explorer.web.state import Nav
from explorer.web.text import md_escape


def plan_view(app: Explorer, nav: Nav, focus: Focus) -> None:
    st.subheader("What to learn, in order, to understand a target")
    concept_picker(app, "Target", "target", nav)
    plan = app.plan(nav.target, goal=nav.goal, year=nav.era, profile=nav.profile)
    if not plan.steps:
        st.success("You already know this target.")
        return
    st.markdown(f"**{len(plan.steps)} concepts · about {plan.total_hours:g} hours.** "
                "Each comes after everything it requires; concepts you know are skipped.")
    for i, step in enumerate(plan.steps, 1):
        score = f" · {step.score:.0%} relevant" if step.score is not None else ""
        concept_button(f"{i}. {step.name} · {step.hours:g} h{score}", step.id, focus,
                       f"plan-{step.id}", step.why)
    if plan.skipped:
        st.caption("Skipped (known): " + md_escape(", ".join(
            app.graph.concepts[c].name for c in plan.skipped if c in app.graph.concepts)))
    st.download_button("Download as Markdown", app.plan_markdown(plan),
                       file_name=f"plan-{nav.target}.md", mime="text/markdown")
