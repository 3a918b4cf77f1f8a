"""The concept card: score and why, score across eras, summary, hook, neighbours, references."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from explorer.domain.model import Concept
from explorer.domain.network import leads_to, prerequisites
from explorer.domain.relevance import Relevance, relevance_over_years
from explorer.storage.workspace import Workspace
from explorer.web import resources
from explorer.web.state import ERA_RANGE, Nav
from explorer.web.text import md_escape, md_link

Focus = Callable[[str], None]
LIST_LIMIT = 12  # neighbours listed on a card, the most relevant first


def by_score(ids: list[str], nav: Nav) -> list[str]:
    """Most decision-relevant first (for this goal and era), then by id for stability."""
    p = resources.probabilities(nav.goal, nav.era)
    return sorted(ids, key=lambda c: (-p.get(c, 0.0), c))


def concept_button(label: str, cid: str, focus: Focus, key: str, help: str | None = None,
                   **kwargs) -> None:
    """A button that focuses `cid`. Labels and help render Markdown, so data is escaped."""
    kwargs.setdefault("type", "tertiary")
    st.button(md_escape(label), key=key, help=md_escape(help) if help else None,
              on_click=focus, args=(cid,), **kwargs)


def concept_pills(ws: Workspace, label: str, ids: list[str], focus: Focus, key: str,
                  help: str | None = None, **kwargs) -> None:
    """A row of concepts as one element (cheaper per rerun than a button each)."""

    def chosen() -> None:
        cid = st.session_state.get(key)
        st.session_state[key] = None
        if cid:
            focus(cid)

    st.pills(md_escape(label), ids, key=key, on_change=chosen, help=help,
             format_func=lambda cid: md_escape(ws.graph.concepts[cid].name), **kwargs)


def concept_buttons(ws: Workspace, ids: list[str], focus: Focus, key: str,
                    whys: dict[str, str] | None = None) -> None:
    """One small button per concept; a click focuses it. `whys` become the buttons' help."""
    for cid in ids:
        concept_button(ws.graph.concepts[cid].name, cid, focus, f"{key}-{cid}",
                       (whys or {}).get(cid))


def score(ws: Workspace, concept: Concept, rel: Relevance, nav: Nav, focus: Focus) -> None:
    goal = next(g.name for g in ws.graph.goals if g.id == nav.goal)
    st.progress(min(max(rel.p, 0.0), 1.0),
                text=f"**{rel.p:.0%}** likely to change a decision you face "
                     f"({md_escape(goal.lower())}, {nav.era})")
    with st.expander("Why this score", expanded=False):
        if not rel.reasons:
            st.caption("No decision in this graph reaches this concept for this goal and era. "
                       "Curiosity is still a good reason to learn it.")
        for i, reason in enumerate(rel.reasons):
            factors = " × ".join(f"{s.relation} {s.factor:.2f}" for s in reason.chain)
            st.markdown(f"**+{reason.contribution:.0%}** · {md_escape(reason.decision_text)}  \n"
                        f":gray[faced {reason.frequency:.0%} of the time × reach "
                        f"{reason.reach:.2f} ({factors})]")
            chain = [s.concept_id for s in reason.chain if s.concept_id != concept.id]
            if chain:
                concept_pills(ws, "Through", chain, focus, f"why{i}",
                              label_visibility="collapsed")
    era_chart(ws, concept, nav)


def era_chart(ws: Workspace, concept: Concept, nav: Nav) -> None:
    """The concept's score from 1980 to 2030 for every goal, with the chosen era marked."""
    years = list(range(ERA_RANGE[0], ERA_RANGE[1] + 1, 10))
    series = relevance_over_years(ws.graph, concept.id, [g.id for g in ws.graph.goals], years)
    rows = [{"year": y, "goal": g.id, "p": round(p, 3)}
            for g in ws.graph.goals for y, p in series[g.id]]  # inline: no Arrow table per run
    st.caption("Score across eras, per goal")
    st.vega_lite_chart(None, {
        "height": 130, "data": {"values": rows},
        "layer": [
            {"mark": {"type": "line", "interpolate": "monotone"},
             "encoding": {
                 "x": {"field": "year", "type": "quantitative", "title": None,
                       "axis": {"format": "d", "tickCount": 6}},
                 "y": {"field": "p", "type": "quantitative", "title": None,
                       "axis": {"format": "%", "tickCount": 3}, "scale": {"domain": [0, 1]}},
                 "color": {"field": "goal", "type": "nominal",
                           "legend": {"orient": "top", "title": None}}}},
            {"mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280"},
             "encoding": {"x": {"datum": nav.era, "type": "quantitative"}}},
        ]}, width="stretch", height=190)


def progress_buttons(concept: Concept, nav: Nav) -> None:
    store, _ = resources.progress()
    known = concept.id in store.known(nav.profile)
    marked = concept.id in store.bookmarks(nav.profile)
    left, right = st.columns(2)
    if left.button("I know this" if not known else "Known ✓ (undo)", key="know",
                   type="primary" if not known else "secondary", use_container_width=True):
        (store.unmark_known if known else store.mark_known)(nav.profile, concept.id)
        st.rerun()
    if right.button("Bookmark" if not marked else "Bookmarked ✓ (undo)", key="bookmark",
                    use_container_width=True):
        (store.unbookmark if marked else store.bookmark)(nav.profile, concept.id)
        st.rerun()


def card(ws: Workspace, concept: Concept, nav: Nav, focus: Focus) -> None:
    layer = next((la.name for la in ws.graph.layers if la.id == concept.layer), concept.layer)
    st.markdown(f"### {md_escape(concept.name)}")
    aliases = f" · also: {', '.join(concept.aliases)}" if concept.aliases else ""
    st.caption(md_escape(f"{layer}{aliases} · about {concept.effort_hours:g} h to learn"))
    score(ws, concept, resources.scores(nav.goal, nav.era)[concept.id], nav, focus)
    progress_buttons(concept, nav)
    st.markdown(md_escape(concept.summary))
    if concept.hook:
        st.info(md_escape(concept.hook), icon=":material/lightbulb:")
    if concept.symptoms:
        st.markdown("**You may need this when:** " + "; ".join(md_escape(s)
                                                               for s in concept.symptoms))
    g = ws.nx
    below = {v: g.edges[concept.id, v]["why"] for v in prerequisites(g, concept.id)}
    above = {u: g.edges[u, concept.id]["why"] for u in leads_to(g, concept.id)}
    for label, whys, key in (("Builds on", below, "pre"), ("Leads to", above, "up")):
        ids = by_score(list(whys), nav)
        shown = ids[:LIST_LIMIT]
        more = f" (the {len(shown)} most relevant of {len(ids)})" if len(ids) > len(shown) else ""
        if ids:
            concept_pills(ws, f"{label}{more}", shown, focus, key, help="\n".join(
                f"- **{md_escape(ws.graph.concepts[c].name)}**: {md_escape(whys[c])}"
                for c in shown if whys.get(c)))
    informs = [(d, inf) for d in ws.graph.decisions.values() for inf in d.informed_by
               if inf.id == concept.id]
    if informs:
        top = sorted(informs, key=lambda x: -x[1].strength)[:5]
        st.markdown("**Decisions it informs**\n" + "\n".join(
            f"- {md_escape(d.text)} — strength {inf.strength:.0%}" for d, inf in top))
    if concept.references:
        st.markdown("**References**\n" + "\n".join(f"- {md_link(r.title, r.url)}"
                                                   for r in concept.references))
