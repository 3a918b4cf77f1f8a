"""The concept graph: a Streamlit components-v2 component that draws with vis-network 9.1.2.

``graph(nodes, edges, ...)`` takes vis-network node and edge dicts (as pyvis builds them:
``net.nodes``, ``net.edges``) and returns the id of the node the user just clicked, or ``None``.

Assets live in ``assets/`` (the ``asset_dir`` declared for ``explorer.graph`` in
``explorer/pyproject.toml``, which Streamlit's documented component discovery reads at start-up).
``graph.js`` and ``graph.css`` are referenced by path, so the browser fetches them from
``/_stcore/bidi-components/explorer.graph/...`` once and only their URLs travel with each rerun.
``graph.js`` imports vis-network 9.1.2 from ``assets/vendor/``, shipped with its licence.

Labels and tooltips are text: the browser turns string titles into elements whose
``textContent`` is set, and labels are drawn on the canvas with multi-font markup switched off.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    from streamlit.components.v2.types import ComponentRenderer

__all__ = [
    "COMPONENT_NAME",
    "MAX_EDGES",
    "MAX_NODES",
    "graph",
    "pending_click",
]

PROJECT = "explorer"  # the distribution name in pyproject.toml, equal to the import name
COMPONENT = "graph"  # [[tool.streamlit.component.components]] in explorer/pyproject.toml
COMPONENT_NAME = f"{PROJECT}.{COMPONENT}"
ASSET_DIR = Path(__file__).resolve().parent / "assets"
VIS_VERSION = "9.1.2"
VIS_DIR = ASSET_DIR / "vendor" / f"vis-network-{VIS_VERSION}"

MAX_NODES = 5_000
MAX_EDGES = 20_000


_HTML = (ASSET_DIR / "graph.html").read_text(encoding="utf-8")  # html= takes inline markup only
_mount_lock = threading.Lock()
_mount: ComponentRenderer | None = None


def _mount_on_runtime() -> ComponentRenderer:
    """Declare the component once. Streamlit has already found its asset dir at start-up, by
    scanning installed distributions for ``explorer/pyproject.toml``."""
    global _mount
    with _mount_lock:
        if _mount is None:
            _mount = st.components.v2.component(
                COMPONENT_NAME, html=_HTML, css="graph.css", js="graph.js"
            )
        return _mount




def _on_event() -> None:
    """Registering a callback is what makes Streamlit report a trigger (``clicked``, ``resync``)."""


def _as_id(value: object) -> str | int | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    return None


def _checked(
    nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Validate ids and limits; give every edge an id (``from→to``, ``#n`` for repeats)."""
    if len(nodes) > MAX_NODES:
        raise ValueError(f"graph(): {len(nodes)} nodes is more than the limit of {MAX_NODES}")
    if len(edges) > MAX_EDGES:
        raise ValueError(f"graph(): {len(edges)} edges is more than the limit of {MAX_EDGES}")
    ids: set[str | int] = set()
    for i, node in enumerate(nodes):
        nid = _as_id(node.get("id")) if isinstance(node, Mapping) else None
        if nid is None:
            raise ValueError(f"graph(): node #{i} needs an 'id' (str or int), got {node!r:.80}")
        if nid in ids:
            raise ValueError(f"graph(): node #{i} repeats the id {nid!r}")
        ids.add(nid)
    out: list[Mapping[str, Any]] = []
    edge_ids: set[object] = set()
    repeats: dict[str, int] = {}
    for i, edge in enumerate(edges):
        ends = (edge.get("from"), edge.get("to")) if isinstance(edge, Mapping) else (None, None)
        missing = [end for end in ends if end not in ids]
        if missing:
            raise ValueError(f"graph(): edge #{i} {ends!r} points at unknown node {missing[0]!r}")
        if edge.get("id") is None:
            base = f"{ends[0]}\u2192{ends[1]}"
            n = repeats[base] = repeats.get(base, -1) + 1
            edge = {**edge, "id": base if n == 0 else f"{base}#{n}"}
        if edge["id"] in edge_ids:
            raise ValueError(f"graph(): edge #{i} repeats the id {edge['id']!r}")
        edge_ids.add(edge["id"])
        out.append(edge)
    return list(nodes), out


def _canonical(item: object) -> str:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class _Sent:
    """What the browser holds for one graph key: the last message and signatures behind it."""

    version: int
    nodes: dict[object, str]
    edges: dict[object, str]
    options: str
    message: dict[str, Any]
    view: str = ""
    ends: dict[object, tuple] | None = None  # edge id -> (from, to), of the edges held
    wire: dict[str, Any] | None = None  # `message` as sent (see _wire)


def _sent_key(key: str) -> str:
    return f"_explorer_graph_sent::{key}"


def _message(
    key: str,
    nodes: list[Mapping[str, Any]],
    edges: list[Mapping[str, Any]],
    options: dict,
    focus: str | int | None,
    height: int,
    view: dict | None = None,
    highlight: tuple[str | int | None, str] = (None, ""),
) -> dict[str, Any]:
    """The data for this run: the whole graph the first time, then only what changed.

    Streamlit resends a component's data whenever it changes, and a new focus alone is a
    change; sending only the difference keeps a click to a few hundred bytes plus the nodes that
    really changed. The browser asks for the whole graph ("resync") when it holds something
    else than what this session last sent (page reload, remount).
    """
    sent: _Sent | None = st.session_state.get(_sent_key(key))
    node_sigs = {n["id"]: _canonical(n) for n in nodes}
    edge_sigs = {e["id"]: _canonical(e) for e in edges}
    options_sig = _canonical(options)
    view = view or {}
    view_sig = _canonical(view)
    state = st.session_state.get(key)
    resync = isinstance(state, Mapping) and "resync" in state  # a one-run trigger
    if sent is None or resync:
        message: dict[str, Any] = {
            "v": sent.version + 1 if sent else 1,
            "base": None,
            "nodes": {"put": nodes, "del": []},
            "edges": {"put": edges, "del": []},
            "options": options,
            "view": view,
        }
    else:
        message = {
            "v": sent.version + 1,
            "base": sent.version,
            "nodes": {
                "put": [n for n in nodes if sent.nodes.get(n["id"]) != node_sigs[n["id"]]],
                "del": [i for i in sent.nodes if i not in node_sigs],
            },
            "edges": {
                "put": [e for e in edges if sent.edges.get(e["id"]) != edge_sigs[e["id"]]],
                "del": [i for i in sent.edges if i not in edge_sigs],
            },
        }
        if options_sig != sent.options:
            message["options"] = options
        if view_sig != sent.view:
            message["view"] = view
        unchanged = (
            not any(message["nodes"].values())
            and not any(message["edges"].values())
            and "options" not in message
            and "view" not in message
            and sent.message["focus"] == focus
            and sent.message["height"] == height
            and sent.message.get("highlight") == highlight[0]
        )
        if unchanged:
            return sent.wire  # same data as last run: Streamlit has nothing new to send
    message.update(focus=focus, height=height, highlight=highlight[0],
                   highlightLabel=highlight[1])
    wire = _wire(message, sent.ends if sent else {})
    st.session_state[_sent_key(key)] = _Sent(
        message["v"], node_sigs, edge_sigs, options_sig, message, view_sig,
        {e["id"]: (e.get("from"), e.get("to")) for e in edges}, wire
    )
    return wire


CODED = ("id", "from", "to")  # ids: coded in every column, they recur across nodes and edges


def _columns(items: list[Mapping[str, Any]], strings: dict[str, int],
             default_id=None) -> dict[str, Any]:
    """Items as one header and rows (``null`` where an item lacks a key): the keys travel once
    per message instead of once per item. Ids, and string columns whose values repeat (layer,
    kind), travel as indices into the message's string table `strings` (filled here). An edge
    id equal to its default (``from→to``) is left out; the browser rebuilds it."""
    cols = list(dict.fromkeys(k for item in items for k in item))
    coded = []
    for k in cols:
        values = [item[k] for item in items if k in item]
        if all(isinstance(v, str) for v in values) and (
                k in CODED or len(set(values)) < 0.8 * len(values)):
            coded.append(k)
    rows = []
    for item in items:
        row = []
        for k in cols:
            v = item.get(k)
            if k == "id" and default_id is not None and v == default_id(item):
                v = None
            elif v is not None and k in coded:
                v = strings.setdefault(v, len(strings))
            elif isinstance(v, float) and v.is_integer():
                v = int(v)  # -588.0 -> -588
            row.append(v)
        rows.append(row)
    keep = [i for i in range(len(cols)) if any(row[i] is not None for row in rows)]
    return {"cols": [cols[i] for i in keep], "coded": coded,
            "rows": [[row[i] for i in keep] for row in rows]}


def _edge_id(edge: Mapping[str, Any]) -> str:
    return f"{edge.get('from')}\u2192{edge.get('to')}"


def _wire(message: dict[str, Any], ends: Mapping[object, tuple]) -> dict[str, Any]:
    """The message as it travels: puts in columns over one string table, and no edge
    deletions the browser makes by itself (an edge goes when one of its nodes goes). `ends`
    maps held edge ids to their ends."""
    gone = set(message["nodes"]["del"])
    strings: dict[str, int] = {}
    out = dict(message)
    out["nodes"] = {"put": _columns(message["nodes"]["put"], strings),
                    "del": message["nodes"]["del"]}
    out["edges"] = {
        "put": _columns(message["edges"]["put"], strings, _edge_id),
        "del": [i for i in message["edges"]["del"] if not gone & set(ends.get(i, ()))],
    }
    out["strings"] = list(strings)
    return out


def pending_click(key: str = "graph") -> str | int | None:
    """The node clicked in the graph with ``key``, read *before* ``graph()`` is called.

    Streamlit puts the click into ``st.session_state[key]`` before the rerun it causes, so an
    app can move its focus first and draw the graph (and card) once, already focused. The id
    comes from the browser: check that it names a known node. ``None`` when nothing was clicked.
    """
    state = st.session_state.get(key)
    if not isinstance(state, Mapping):
        return None
    return _as_id(state.get("clicked"))


def graph(
    nodes: list[dict],
    edges: list[dict],
    *,
    options: dict | None = None,
    focus: str | None = None,
    height: int = 560,
    key: str = "graph",
    view: dict | None = None,
    highlight: str | None = None,
    highlight_label: str = "",
) -> str | None:
    """Draw the graph and return the id of the node clicked since the last run, else ``None``.

    ``nodes`` and ``edges`` are vis-network dicts (``id``, ``label``, ``title``, ``color``,
    ``group``, ``level``, ... and ``from``/``to`` for edges), e.g. pyvis's ``net.nodes`` and
    ``net.edges``; ``options`` is a vis-network options dict (pyvis: ``json.loads(
    net.options.to_json())``). ``focus`` is selected and highlighted, and the view pans to it
    when it is off to the side. The same ``key`` keeps the same browser-side network across
    reruns: only changes travel, and nodes that stay keep their positions.

    A click reaches Python as a one-run trigger: the rerun it causes gets the node id, later
    runs get ``None`` (``pending_click`` reads it before drawing). Only ids among ``nodes`` are
    returned. Raises ``ValueError`` for missing or repeated ids, edges to unknown nodes, and
    more than ``MAX_NODES`` nodes or ``MAX_EDGES`` edges.

    ``view`` switches on the atlas drawing: ``{"atlas": True, "mode": "focus" | "map",
    "bands": [{layer, name, index, top, bottom, colour}], "legend": {...}}``. Then every node
    must carry its fixed ``x``/``y``; physics stays off, the view recentres on ``focus`` and
    fits every node after each change (``mode="map"``: fits everything; a click zooms in, a
    second click on the same node reports it). Node keys the component reads besides vis's:
    ``rank`` (lower = label placed first), ``layer`` (for the legend's layer filter),
    ``focus`` and ``more`` (drawn larger). ``view`` travels only when it changes.
    ``highlight`` rings that node and brings it into view, or says (with ``highlight_label``)
    that the view does not show it.
    """
    checked_nodes, checked_edges = _checked(nodes, edges)
    message = _message(key, checked_nodes, checked_edges, options or {}, focus, int(height),
                       view, (highlight, highlight_label))
    result = _mount_on_runtime()(
        key=key,
        # Compact JSON as bytes: Streamlit would send a dict as JSON with spaces after every
        # separator (a tenth of the message).
        data=json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode(),
        height="content",
        on_clicked_change=_on_event,
        on_resync_change=_on_event,
    )
    clicked = _as_id(result.get("clicked"))
    return clicked if clicked in {n["id"] for n in checked_nodes} else None
