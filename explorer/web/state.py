"""The one place the page's state lives: the URL. Every widget and every click reads from and
writes to it through here, so any state has a shareable link and Back and Forward restore it.

`Nav` is plain data parsed from and written to `st.query_params` (resolved generously by
`Explorer.resolve_link`, which says what it changed); the trail of visited concepts lives in
`st.session_state`. Widgets bind to one field of `Nav` with `bind()`; clicks move with `go()`.

Why widgets are bound this way: a widget whose value is set from the URL before it is drawn
shows a change made elsewhere (Back, a concept click that switches to Explore) at once, and a
change by the user is written to the URL in the widget's callback, which runs before the page
does. Without the callback a widget whose default changed between runs is a new widget to
Streamlit, and every other click on it was lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace

import streamlit as st

from explorer.usecases import DEFAULT_GOAL, DEFAULT_PROFILE, Explorer, LinkNotice

VIEWS = ("explore", "map", "path", "plan", "decisions", "progress")
DEPTHS = (1, 3)
DEFAULT_CONCEPT = "adam"
TRAIL_KEY = "trail"


@dataclass(frozen=True)
class Nav:
    view: str = "explore"
    concept: str = DEFAULT_CONCEPT
    goal: str = DEFAULT_GOAL
    era: int = 2026
    depth: int = 1
    frm: str = "transistor"
    to: str = "adam"
    target: str = "adam"
    profile: str = DEFAULT_PROFILE

    @classmethod
    def parse(cls, params: Mapping[str, str], app: Explorer) -> Nav:
        """Read query parameters, keeping only values that make sense for `app`'s graph."""
        return cls.resolve(params, app)[0]

    @classmethod
    def resolve(cls, params: Mapping[str, str], app: Explorer
                ) -> tuple[Nav, tuple[LinkNotice, ...]]:
        """The state a link asks for, and a notice for each value that had to be changed."""
        link = app.resolve_link(params, views=VIEWS, depths=DEPTHS)
        values = dict(link.values)
        values["frm"] = values.pop("from")
        return cls(**values), link.notices

    def params(self) -> dict[str, str]:
        """The query parameters for this state; defaults that are view-specific are omitted."""
        data = {k: str(v) for k, v in asdict(self).items()}
        data["from"] = data.pop("frm")
        keep = {"view", "concept", "goal", "era"}
        keep |= {"explore": {"depth"}, "path": {"from", "to"}, "plan": {"target", "profile"},
                 "progress": {"profile"}, "decisions": set(), "map": set()}[self.view]
        if self.profile != DEFAULT_PROFILE:
            keep.add("profile")
        return {k: v for k, v in data.items() if k in keep}


def default_goal(graph) -> str:
    """`build` when the graph has it, else its first goal (a graph need not have `build`)."""
    ids = [g.id for g in graph.goals]
    return DEFAULT_GOAL if DEFAULT_GOAL in ids or not ids else ids[0]


def goal_notice(graph) -> str | None:
    """Why the default goal is not the usual one, when it is not."""
    goal = default_goal(graph)
    if goal == DEFAULT_GOAL:
        return None
    name = next(g.name for g in graph.goals if g.id == goal)
    return (f"This graph has no '{DEFAULT_GOAL}' goal, so scores default to its first goal, "
            f"'{name}'. Choose another under “Your goal”.")


def _app() -> Explorer:
    from explorer.web import resources  # noqa: PLC0415 - resources imports the page's modules

    return resources.explorer()


def read(app: Explorer | None = None) -> Nav:
    """The state in the URL now."""
    return Nav.parse(st.query_params.to_dict(), app or _app())


def arrive(app: Explorer) -> tuple[Nav, tuple[LinkNotice, ...]]:
    """The state in the URL and what had to be changed to read it (shown on arrival)."""
    return Nav.resolve(st.query_params.to_dict(), app)


def write(nav: Nav) -> None:
    """Put `nav` in the URL (only when it changed, so the browser history gets one entry)."""
    params = nav.params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def go(nav: Nav | None = None, **changes) -> Nav:
    """Move to a new state: update the URL and, when the focus changes, the trail. Without
    `nav`, from the state in the URL now (what a callback wants)."""
    nav = nav or read()
    new = replace(nav, **changes)
    if new.concept != nav.concept or TRAIL_KEY not in st.session_state:
        visit(new.concept)
    write(new)
    return new


def bind(field: str, nav: Nav, clean: Callable = lambda v: v) -> dict:
    """Keyword arguments that bind a widget to one field of the URL state, both ways (see the
    module's docstring): ``st.slider("Depth", 1, 3, **state.bind("depth", nav))``."""
    key = f"nav-{field}"
    if st.session_state.get(key) != getattr(nav, field):
        st.session_state[key] = getattr(nav, field)

    def changed() -> None:
        go(**{field: clean(st.session_state[key])})

    return {"key": key, "on_change": changed}


def focus(concept_id: str) -> None:
    """Callback of every concept button and pill: focus it in the explore view."""
    go(concept=concept_id, view="explore")


def visit(concept_id: str) -> None:
    trail: list[str] = st.session_state.setdefault(TRAIL_KEY, [])
    if not trail or trail[-1] != concept_id:
        trail.append(concept_id)
    del trail[:-50]


def trail() -> list[str]:
    return list(st.session_state.get(TRAIL_KEY, []))
