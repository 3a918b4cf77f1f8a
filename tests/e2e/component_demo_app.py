"""A tiny app around the graph component, for browser tests: six pyvis nodes, one hostile.

Shows "Selected: <id>" for the last clicked node and focuses it. "Grow" adds a seventh node,
so a test can check that the six others stay where they were; "Hide graph" takes the graph
off the page for a run, so the browser must ask for the whole graph again when it returns.
"""

from __future__ import annotations

import json

import streamlit as st
from pyvis.network import Network

from explorer.web.component import graph, pending_click

HOSTILE = "<img src=x onerror=window.__pwned=1>"


def build(grow: bool) -> tuple[list[dict], list[dict], dict]:
    net = Network(directed=True)
    net.add_node("transistor", label="Transistor", title="Switches current.\nLayer: hardware")
    net.add_node("float", label="Floating point", title="Numbers with an exponent", color="#f4a261")
    net.add_node("gradient", label="Gradient", title="Direction of steepest ascent")
    net.add_node("sgd", label="SGD", title="Stochastic gradient descent", color="#2a9d8f")
    net.add_node("momentum", label="Momentum", title="Velocity for SGD")
    net.add_node("hostile", label=HOSTILE, title=HOSTILE + "<script>window.__pwned=2</script>")
    for a, b in [
        ("transistor", "float"),
        ("float", "gradient"),
        ("gradient", "sgd"),
        ("sgd", "momentum"),
        ("hostile", "gradient"),
    ]:
        net.add_edge(a, b, title=f"{a} → {b}")
    if grow:
        net.add_node("adam", label="Adam", title="Adaptive moments", color="#e76f51")
        net.add_edge("momentum", "adam")
    return net.nodes, net.edges, json.loads(net.options.to_json())


st.session_state.setdefault("selected", None)
grow = st.toggle("Grow", key="grow")
hidden = st.toggle("Hide graph", key="hidden")
nodes, edges, options = build(grow)

# Read the click before drawing, so this very run already shows the clicked node as focus.
early = pending_click("demo")
if early in {n["id"] for n in nodes}:
    st.session_state.selected = early
clicked = None
if not hidden:
    clicked = graph(
        nodes, edges, options=options, focus=st.session_state.selected, height=420, key="demo"
    )
st.text(f"Selected: {st.session_state.selected}")
st.text(f"Clicked this run: {clicked}")
