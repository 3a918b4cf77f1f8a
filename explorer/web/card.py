"""The concept card: score and why, score across eras, summary, hook, neighbours, references."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from explorer.usecases import Card, Explained, Explorer, Neighbour, percent
from explorer.web.component.search import anchor
from explorer.web.state import Nav
from explorer.web.text import md_escape, md_link

Focus = Callable[[str], None]
LIST_LIMIT = 12  # neighbours listed per relation on a card, the most relevant first


def concept_button(label: str, cid: str, focus: Focus, key: str, help: str | None = None,
                   **kwargs) -> None:
    """A button that focuses `cid`. Labels and help render Markdown, so data is escaped."""
    kwargs.setdefault("type", "tertiary")
    st.button(md_escape(label), key=key, help=md_escape(help) if help else None,
              on_click=focus, args=(cid,), **kwargs)


def concept_pills(app: Explorer, label: str, ids: list[str], focus: Focus, key: str,
                  help: str | None = None, **kwargs) -> None:
    """A row of concepts as one element (cheaper per rerun than a button each)."""

    def chosen() -> None:
        cid = st.session_state.get(key)
        st.session_state[key] = None
        if cid:
            focus(cid)

    st.pills(md_escape(label), ids, key=key, on_change=chosen, help=help,
             format_func=lambda cid: md_escape(app.graph.concepts[cid].name), **kwargs)


def why_toggle(whys: list[tuple[str, str]], key: str, label: str = "Why these?") -> None:
    """The reasons behind a row of concepts, opened by a click or a tap (a hover tooltip never
    opens on a phone), as a popover that moves nothing on the page."""
    if not whys:
        return
    with st.popover(label, icon=":material/help:", type="tertiary", key=f"why-{key}"):
        st.markdown("\n".join(f"- **{md_escape(name)}**: {md_escape(why)}"
                              for name, why in whys))


def concept_buttons(app: Explorer, ids: list[str], focus: Focus, key: str,
                    whys: dict[str, str] | None = None) -> None:
    """One small button per concept; a click focuses it. `whys` become the buttons' help."""
    for cid in ids:
        concept_button(app.graph.concepts[cid].name, cid, focus, f"{key}-{cid}",
                       (whys or {}).get(cid))


def score(app: Explorer, card: Card, focus: Focus) -> None:
    if not app.graph.decisions:
        st.caption("Decision relevance: no decisions defined in this graph.")
        return
    rel = card.relevance
    st.progress(min(max(rel.p, 0.0), 1.0),
                text=f"**{rel.p:.0%}** likely to change a decision you face "
                     f"({md_escape(card.goal_name.lower())}, {card.year:g})")
    # Rendered only while open: a click sends the reasons only to someone reading them.
    why = st.expander("Why this score", expanded=False, key="why-open", on_change="rerun")
    if why.open:
        with why:
            reasons(app, card, focus)
    # The chart, too, only while open: vega-lite is a megabyte of JavaScript that a fresh page
    # would otherwise parse before the graph could draw, and its spec 1.3 KB on every click.
    eras = st.expander("Score across eras, per goal", key="eras-open", on_change="rerun")
    if eras.open:
        with eras:
            era_chart(card)


def reasons(app: Explorer, card: Card, focus: Focus) -> None:
    """The decisions behind the score, each with the concepts its chain goes through."""
    rel = card.relevance
    if card.not_yet:
        st.caption(md_escape(card.not_yet[:1].upper() + card.not_yet[1:]))
    elif not card.explained:
        st.caption("No decision in this graph reaches this concept for this goal and era. "
                   "Curiosity is still a good reason to learn it.")
    for i, item in enumerate(card.explained[:card.shown]):
        contribution(app, card, item, focus, f"why{i}")
    if more := card.more():
        st.caption(md_escape(f"{more}. Together: 1 − Π(1 − each) = {rel.p:.1%}."))
        with st.expander(f"All {len(card.explained)} decisions", expanded=False):
            for item in card.explained:
                st.markdown(f"**+{md_escape(percent(item.contribution))}** · "
                            f"{md_escape(item.text)}  \n:gray[{md_escape(item.formula)}]")


def contribution(app: Explorer, card: Card, item: Explained, focus: Focus, key: str) -> None:
    st.markdown(f"**+{md_escape(percent(item.contribution))}** · {md_escape(item.text)}  \n"
                f":gray[{md_escape(item.formula)}]")
    if item.through:
        concept_pills(app, "Through", item.through, focus, key, label_visibility="collapsed")


def era_chart(card: Card) -> None:
    """The concept's score across eras for every goal, with the chosen era marked (dashed), and
    the year it was introduced and its maturity points (dotted, with a label).

    The data sits inside the line's layer, where Streamlit leaves it as JSON: top-level data
    becomes an Arrow table, with about 2 KB of schema."""
    rows = [{"year": y, "goal": goal, "p": round(p, 3)}
            for goal, series in card.eras.items() for y, p in series]  # inline: no Arrow table
    marks = [{"year": y, "what": what} for y, what in card.era_marks]
    st.caption("Score across eras, per goal" + (" (dotted: the year introduced and the years "
                                                "of its maturity estimates)" if marks else ""))
    layers = [
        {"data": {"values": rows}, "mark": {"type": "line", "interpolate": "monotone"},
         "encoding": {
             "x": {"field": "year", "type": "quantitative", "title": None,
                   "axis": {"format": "d", "tickCount": 6}},
             "y": {"field": "p", "type": "quantitative", "title": None,
                   "axis": {"format": "%", "tickCount": 3}, "scale": {"domain": [0, 1]}},
             "color": {"field": "goal", "type": "nominal",
                       "legend": {"orient": "top", "title": None}}}},
        {"mark": {"type": "rule", "strokeDash": [4, 4], "color": "#6b7280", "aria": False},
         "encoding": {"x": {"datum": card.year, "type": "quantitative"}}},
    ]
    if marks:
        layers.append({"data": {"values": marks},
                       "mark": {"type": "rule", "strokeDash": [1, 3], "color": "#a16207",
                                "aria": False},
                       "encoding": {"x": {"field": "year", "type": "quantitative"},
                                    "tooltip": [{"field": "what"}, {"field": "year"}]}})
        layers.append({"data": {"values": marks},  # only "introduced" is written out
                       "transform": [{"filter": "datum.what == 'introduced'"}],
                       "mark": {"type": "text", "angle": 270, "align": "left", "dx": 4,
                                "dy": -4, "fontSize": 9, "color": "#a16207"},
                       "encoding": {"x": {"field": "year", "type": "quantitative"},
                                    "y": {"datum": 0.02}, "text": {"field": "what"}}})
    st.vega_lite_chart(None, {"height": 130, "layer": layers,
                              "description": "Score across eras, per goal, with the chosen "
                                             "era marked"}, width="stretch", height=190)


def progress_buttons(app: Explorer, card: Card, nav: Nav) -> None:
    cid, known, marked = card.concept.id, card.known, card.bookmarked
    row = st.container(horizontal=True)  # one block, where two columns took three
    if row.button("I know this" if not known else "Known ✓ (undo)", key="know",
                  type="primary" if not known else "secondary", width="stretch"):
        app.set_known(cid, not known, profile=nav.profile)
        st.rerun()
    if row.button("Bookmark" if not marked else "Bookmarked ✓ (undo)", key="bookmark",
                  width="stretch"):
        app.set_bookmark(cid, not marked, profile=nav.profile)
        st.rerun()


def neighbour_pills(app: Explorer, label: str, items: list[Neighbour], focus: Focus,
                    key: str) -> None:
    shown = items[:LIST_LIMIT]
    more = f" (the {len(shown)} most relevant of {len(items)})" if len(items) > len(shown) else ""
    if items:
        concept_pills(app, f"{label}{more}", [n.id for n in shown], focus, key)
        why_toggle([(n.name, n.why) for n in shown if n.why], key)


def evidence_links(evidence) -> str:
    if not evidence:
        return ""
    links = ", ".join(md_link(e.title, e.url) for e in evidence)
    return f" — seen in {len(evidence)} real thread{'s' * (len(evidence) != 1)}: {links}"


def card(app: Explorer, concept_id: str, nav: Nav, focus: Focus) -> None:
    data = app.card(concept_id, nav.goal, nav.era, nav.profile)
    concept = data.concept
    anchor(concept.id)  # a click that changes the card brings its title into view
    aliases = f" · also: {', '.join(concept.aliases)}" if concept.aliases else ""
    # The name and the line under it in one element (the line as a small grey caption).
    st.markdown(f"### {md_escape(concept.name)}\n:small[:gray["
                + md_escape(f"{data.layer_name}{aliases} · about {concept.effort_hours:g} h "
                            "to learn") + "]]")
    score(app, data, focus)
    progress_buttons(app, data, nav)
    st.markdown(md_escape(concept.summary) + (
        "\n\n**You may need this when:** " + "; ".join(md_escape(s) for s in concept.symptoms)
        if concept.symptoms else ""))
    if concept.hook:
        st.info(md_escape(concept.hook), icon=":material/lightbulb:")
    for heading, key, items in data.sections():
        neighbour_pills(app, heading, items, focus, key)
    informs = ("**Decisions it informs**\n" + "\n".join(
        f"- {md_escape(i.text)} — strength {i.strength:.0%}{evidence_links(i.evidence)}"
        for i in data.informs[:5])) if data.informs else ""
    references = ("**References**\n" + "\n".join(f"- {md_link(r.title, r.url)}"
                                                 for r in concept.references)
                  ) if concept.references else ""
    if informs or references:  # one element for both lists
        st.markdown(informs + ("\n\n" if informs and references else "") + references)
