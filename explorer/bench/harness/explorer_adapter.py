"""Adapter that points the shared peer harness (`measure.py`) at this app.

Not part of the importable package (this folder has no ``__init__``): `measure.py` loads it with
``--adapter path/to/explorer_adapter.py`` after putting its own folder on ``sys.path``, which is
where ``adapters.BaseAdapter`` comes from. `explorer bench --peers` passes it.

What differs from the peers, answered for the harness:

- the app is ``streamlit_app.py`` on a graph built beforehand (``EXPLORER_DB`` etc. are inherited
  from the environment the bench sets), not ``kg_synth``; the walk runs on our own graph;
- the detail panel is the concept card, whose ``h3`` title is the concept's *name*: the JS maps
  names back to ids with a table built here;
- nodes are located through ``window.__explorerGraph`` (the vis-network instance of the focus
  view), and "the graph shows the new focus" is the component's own ``data-focus``/``data-ready``
  (the neighbourhood drawn is capped and ranked, so it is not kg_synth's depth-2 set).
"""

from __future__ import annotations

import json
import os

import networkx as nx
from adapters import BaseAdapter  # the harness's module (measure.py puts it on sys.path)

NODE_XY_JS = r"""(id) => {
  const net = window.__explorerGraph;
  if (!net) return null;
  const pos = net.getPositions([id])[id];
  if (!pos) return null;
  const dom = net.canvasToDOM(pos);
  const box = net.body.container.querySelector("canvas").getBoundingClientRect();
  const inView = dom.x > 10 && dom.y > 10 && dom.x < box.width - 10 && dom.y < box.height - 10
    && box.top + dom.y < innerHeight - 10 && box.top + dom.y > 10;
  return { x: box.left + dom.x, y: box.top + dom.y, hit: net.getNodeAt(dom) ?? null,
           inView, settled: true };
}"""

GRAPH_UPDATED_JS = r"""(args) => {
  const net = window.__explorerGraph;
  const el = net && net.body.container.closest(".explorer-graph");
  return !!el && el.dataset.focus === String(args.target) && el.dataset.ready === "1";
}"""


class Adapter(BaseAdapter):
    name = "explorer"
    default_mode = "click"
    graph_updated_js = GRAPH_UPDATED_JS

    def configure(self, app: str, nodes: int, seed: int) -> None:
        super().configure(app, nodes, seed)
        # Written by `explorer bench --peers` from the built graph: ids, names, edges.
        with open(os.environ["EXPLORER_PEERS_GRAPH"], encoding="utf-8") as f:
            spec = json.load(f)
        self._graph = nx.DiGraph()
        self._graph.add_nodes_from(spec["names"])
        self._graph.add_edges_from(spec["edges"])
        by_name = json.dumps({name: cid for cid, name in spec["names"].items()})
        self.detail_js = (
            "() => { const h = document.querySelector('h3'); if (!h) return null;"
            f" const ids = {by_name};"
            " return ids[(h.textContent || '').trim()] || null; }")

    def app_env(self, nodes: int, seed: int) -> dict:
        return {}  # the bench has set EXPLORER_* in the environment measure.py inherits

    def graph(self, nodes: int, seed: int):
        return self._graph

    def locate_node(self, page, node_id: str):
        return page.evaluate(NODE_XY_JS, node_id)

    def expected_nodes(self, graph, node_id: str):
        return None  # graph_updated_js decides
