"""The concept graph: a Streamlit components-v2 component that draws with vis-network 9.1.2.

``graph(nodes, edges, ...)`` takes vis-network node and edge dicts (as pyvis builds them:
``net.nodes``, ``net.edges``) and returns the id of the node the user just clicked, or ``None``.

Assets live in ``assets/`` (the ``asset_dir`` declared for ``curiosity-explorer.graph`` in
pyproject.toml). ``graph.js`` and ``graph.css`` are referenced by path, so the browser fetches
them from ``/_stcore/bidi-components/curiosity-explorer.graph/...`` once and only their URLs
travel with each rerun. ``graph.js`` imports ``vis-network.min.js`` from the same directory, and
``graph.css`` imports ``vis-network.css``; both are copied here from the installed pyvis at
import time (they are git-ignored, never committed).

Labels and tooltips are text: the browser turns string titles into elements whose
``textContent`` is set, and labels are drawn on the canvas with multi-font markup switched off.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from explorer import __version__

if TYPE_CHECKING:
    from streamlit.components.v2.types import ComponentRenderer

__all__ = [
    "COMPONENT_NAME",
    "MAX_EDGES",
    "MAX_NODES",
    "ensure_vis_assets",
    "graph",
    "pending_click",
]

PROJECT = "curiosity-explorer"  # the distribution name in pyproject.toml
COMPONENT = "graph"  # [[tool.streamlit.component.components]] name
COMPONENT_NAME = f"{PROJECT}.{COMPONENT}"
ASSET_DIR = Path(__file__).resolve().parent / "assets"
VIS_VERSION = "9.1.2"
VIS_FILES = ("vis-network.min.js", "vis-network.css")

MAX_NODES = 5_000
MAX_EDGES = 20_000


def _vis_source_dir() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "lib" / f"vis-{VIS_VERSION}"


def ensure_vis_assets() -> None:
    """Copy vis-network's JS and CSS from the installed pyvis into the asset dir if missing."""
    src_dir = _vis_source_dir()
    for name in VIS_FILES:
        src, dst = src_dir / name, ASSET_DIR / name
        if not src.is_file():
            raise RuntimeError(
                f"pyvis does not ship {src}; the graph needs vis-network {VIS_VERSION}"
            )
        if dst.is_file() and dst.stat().st_size == src.stat().st_size:
            continue
        tmp = dst.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dst)  # atomic: a concurrent reader never sees half a file
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"cannot copy {src.name} into {ASSET_DIR}: {exc}") from exc


def _ensure_registered(manager: Any) -> None:
    """Make sure Streamlit knows this component's asset dir.

    Streamlit finds ``asset_dir`` by scanning installed distributions for a pyproject.toml.
    That scan looks for an importable package named after the distribution
    (``curiosity_explorer``), which does not exist here (the package is ``explorer``), so an
    editable install is never found. Register the same manifest entry directly instead.
    """
    if manager.get_component_asset_root(COMPONENT_NAME) is not None:
        return
    from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

    manifest = ComponentManifest(
        name=PROJECT,
        version=__version__,
        components=[ComponentConfig(name=COMPONENT, asset_dir=ASSET_DIR.name)],
    )
    manager.register_from_manifest(manifest, ASSET_DIR.parent)


_HTML = (ASSET_DIR / "graph.html").read_text(encoding="utf-8")  # html= takes inline markup only
_mount_lock = threading.Lock()
_mount: ComponentRenderer | None = None


def _mount_on_runtime() -> ComponentRenderer:
    """Register the asset dir on the running Streamlit runtime, then the component (once).

    This waits for the first ``graph()`` call because outside a running app every
    ``get_bidi_component_manager()`` call hands out a fresh throwaway manager.
    """
    global _mount
    from streamlit.runtime import Runtime

    if Runtime.exists():
        _ensure_registered(Runtime.instance().bidi_component_registry)
    with _mount_lock:
        if _mount is None:
            _mount = st.components.v2.component(
                COMPONENT_NAME, html=_HTML, css="graph.css", js="graph.js"
            )
        return _mount


ensure_vis_assets()


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


def _sent_key(key: str) -> str:
    return f"_explorer_graph_sent::{key}"


def _message(
    key: str,
    nodes: list[Mapping[str, Any]],
    edges: list[Mapping[str, Any]],
    options: dict,
    focus: str | int | None,
    height: int,
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
    state = st.session_state.get(key)
    resync = isinstance(state, Mapping) and "resync" in state  # a one-run trigger
    if sent is None or resync:
        message: dict[str, Any] = {
            "v": sent.version + 1 if sent else 1,
            "base": None,
            "nodes": {"put": nodes, "del": []},
            "edges": {"put": edges, "del": []},
            "options": options,
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
        unchanged = (
            not any(message["nodes"].values())
            and not any(message["edges"].values())
            and "options" not in message
            and sent.message["focus"] == focus
            and sent.message["height"] == height
        )
        if unchanged:
            return sent.message  # same data as last run: Streamlit has nothing new to send
    message.update(focus=focus, height=height)
    st.session_state[_sent_key(key)] = _Sent(
        message["v"], node_sigs, edge_sigs, options_sig, message
    )
    return message


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
    """
    checked_nodes, checked_edges = _checked(nodes, edges)
    message = _message(key, checked_nodes, checked_edges, options or {}, focus, int(height))
    result = _mount_on_runtime()(
        key=key,
        data=message,
        height=int(height),
        on_clicked_change=_on_event,
        on_resync_change=_on_event,
    )
    clicked = _as_id(result.get("clicked"))
    return clicked if clicked in {n["id"] for n in checked_nodes} else None
