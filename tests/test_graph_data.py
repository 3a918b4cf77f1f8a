"""What the graph component gets: nodes at their atlas places, an explicit "+N more", the map."""

from __future__ import annotations

from explorer.bench.synthetic import synthetic_graph
from explorer.domain.atlas import layout
from explorer.domain.network import neighborhood, to_networkx
from explorer.web.graph_data import CAP, MORE_ID, MORE_STEP, view_data, vis_graph, vis_map


def test_the_cap_is_explicit_and_more_can_be_asked_for():
    graph = synthetic_graph(1_500, seed=2)
    g = to_networkx(graph)
    pos = layout(graph)
    focus = max(g, key=g.degree)
    within = len(neighborhood(g, focus, depth=3, max_nodes=len(g) + 1))
    vis = vis_graph(graph, g, focus, positions=pos, depth=3)
    concepts = [n for n in vis.nodes if n["id"] != MORE_ID]
    assert len(concepts) == CAP[3] < within
    more = next(n for n in vis.nodes if n["id"] == MORE_ID)
    assert more["label"] == f"+{within - CAP[3]} more" and vis.left_out == within - CAP[3]
    bigger = vis_graph(graph, g, focus, positions=pos, depth=3, extra=MORE_STEP)
    assert len(bigger.nodes) == len(vis.nodes) + MORE_STEP
    assert all((n["x"], n["y"]) == pos[n["id"]] for n in concepts)  # the atlas places
    assert [n["id"] for n in vis.nodes if n.get("focus")] == [focus]


def test_the_whole_map_has_every_concept_and_the_road():
    graph = synthetic_graph(600, seed=4)
    g = to_networkx(graph)
    pos = layout(graph)
    a, b = next((u, v) for u, v in g.edges)
    vis = vis_map(graph, g, positions=pos, road=[a, b])
    assert {n["id"] for n in vis.nodes} == set(graph.concepts)
    assert [(e["from"], e["to"]) for e in vis.edges if e.get("road")] in ([(b, a)], [(a, b)])
    view = view_data(graph, [], mode="map")
    assert view["atlas"] and view["mode"] == "map"
    assert [la["id"] for la in view["legend"]["layers"]][-1] == graph.layers[0].id  # top first
