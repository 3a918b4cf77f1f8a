"""The exported HTML file opened from disk in a real Chromium: the graph draws, a click shows
the concept, hostile text stays text, and the page makes no request at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.domain.model import Concept, Graph, Layer, Link
from explorer.interchange.html import to_html
from explorer.interchange.importer import import_graph

ROOT = Path(__file__).resolve().parents[2]
WATCH_JS = """window.violations = [];
document.addEventListener('securitypolicyviolation', e => window.violations.push(e.blockedURI));
window.alerted = false; window.alert = () => { window.alerted = true; };"""
INK_JS = """() => { const c = document.querySelector('#graph canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++; return ink; }"""
CLICK_POINT_JS = """(id) => { const n = window.graphNetwork, p = n.canvasToDOM(n.getPosition(id));
  const r = document.querySelector('#graph canvas').getBoundingClientRect();
  return { x: r.left + p.x, y: r.top + p.y }; }"""


def open_file(page, path: Path) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.add_init_script(WATCH_JS)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.graphDrawn > 0", timeout=20_000)
    return requests


@pytest.mark.e2e
def test_exported_html_draws_offline_and_a_click_shows_the_concept(browser_page, tmp_path,
                                                                   artifacts):
    graph = import_graph([ROOT / "examples" / "obsidian-vault"], "obsidian",
                         tmp_path / "g").graph
    path = tmp_path / "view.html"
    path.write_text(to_html(graph, title="Backpropagation and its neighbours",
                            focus="backpropagation"), encoding="utf-8")
    page = browser_page
    requests = open_file(page, path)
    assert page.evaluate(INK_JS) > 2_000  # nodes and edges are on the canvas
    assert page.locator("#panel h2").inner_text() == "Backpropagation"
    point = page.evaluate(CLICK_POINT_JS, "chain-rule")
    page.mouse.click(point["x"], point["y"])
    page.locator("#panel h2", has_text="Chain rule").wait_for(timeout=5_000)
    page.screenshot(path=artifacts / "export-html.png", full_page=True)
    assert requests == [path.as_uri()]
    assert page.evaluate("() => window.violations") == []
    assert not page.errors


@pytest.mark.e2e
def test_hostile_labels_stay_text_in_the_exported_file(browser_page, tmp_path):
    evil = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>\u2028'
    g = Graph((Layer("l", evil, 0),), (), {
        "a": Concept("a", evil, "l", evil), "b": Concept("b", "B", "l", "b",
                                                         requires=(Link("a", evil),))}, {})
    path = tmp_path / "evil.html"
    path.write_text(to_html(g, title=evil, focus="a"), encoding="utf-8")
    page = browser_page
    requests = open_file(page, path)
    assert page.evaluate("() => document.querySelector('#panel h2').textContent") == evil
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.evaluate("() => window.alerted") is False
    assert requests == [path.as_uri()] and not page.errors
