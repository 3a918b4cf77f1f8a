"""What the page shows, as URL query parameters: every state has a shareable link.

`Nav` is plain data parsed from and written to `st.query_params`; the trail of visited concepts
lives in `st.session_state`. Invalid parameters fall back to defaults instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

import streamlit as st

from explorer.domain.model import Graph
from explorer.usecases import DEFAULT_GOAL, DEFAULT_PROFILE, ERA_RANGE, default_year

VIEWS = ("explore", "map", "path", "plan", "decisions", "progress")
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
    def parse(cls, params: Mapping[str, str], graph: Graph) -> Nav:
        """Read query parameters, keeping only values that make sense for `graph`."""
        nav = cls(era=default_year(), goal=default_goal(graph))
        concepts, goals = graph.concepts, {g.id for g in graph.goals}
        first = next(iter(concepts), DEFAULT_CONCEPT)
        fields = {
            "view": params.get("view") if params.get("view") in VIEWS else nav.view,
            "goal": params.get("goal") if params.get("goal") in goals else nav.goal,
            "era": _int(params.get("era"), nav.era, *ERA_RANGE),
            "depth": _int(params.get("depth"), nav.depth, 1, 3),
            "profile": (params.get("profile") or nav.profile)[:40],
        }
        for key, param in (("concept", "concept"), ("frm", "from"), ("to", "to"),
                           ("target", "target")):
            value = params.get(param)
            default = getattr(nav, key)
            fields[key] = value if value in concepts else (default if default in concepts
                                                            else first)
        return replace(nav, **fields)

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


def default_goal(graph: Graph) -> str:
    """`build` when the graph has it, else its first goal (a graph need not have `build`)."""
    ids = [g.id for g in graph.goals]
    return DEFAULT_GOAL if DEFAULT_GOAL in ids or not ids else ids[0]


def goal_notice(graph: Graph) -> str | None:
    """Why the default goal is not the usual one, when it is not."""
    goal = default_goal(graph)
    if goal == DEFAULT_GOAL:
        return None
    name = next(g.name for g in graph.goals if g.id == goal)
    return (f"This graph has no '{DEFAULT_GOAL}' goal, so scores default to its first goal, "
            f"'{name}'. Choose another under “Your goal”.")


def _int(raw: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return min(max(int(raw), lo), hi) if raw is not None else default
    except ValueError:
        return default


def read(graph: Graph) -> Nav:
    return Nav.parse(st.query_params.to_dict(), graph)


def write(nav: Nav) -> None:
    """Put `nav` in the URL (only when it changed, so the browser history gets one entry)."""
    params = nav.params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


def go(nav: Nav, **changes) -> Nav:
    """Move to a new state: update the URL and, when the focus changes, the trail."""
    new = replace(nav, **changes)
    if new.concept != nav.concept or TRAIL_KEY not in st.session_state:
        visit(new.concept)
    write(new)
    return new


def visit(concept_id: str) -> None:
    trail: list[str] = st.session_state.setdefault(TRAIL_KEY, [])
    if not trail or trail[-1] != concept_id:
        trail.append(concept_id)
    del trail[:-50]


def trail() -> list[str]:
    return list(st.session_state.get(TRAIL_KEY, []))
