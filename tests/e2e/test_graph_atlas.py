"""The graph as a map, in a real Chromium on the curated graph: it recentres and fits after a
click, says what a depth leaves out, lets a phone swipe scroll the page, reads in dark mode, and
keeps every concept at one atlas position across loads and views."""

from __future__ import annotations

import re

import pytest

from explorer.settings import PROJECT_ROOT
from tests.e2e.browser import NODE_POINT_JS, READY, click_node, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"

# Every drawn node in DOM coordinates of the canvas, the canvas size and the focus.
LAYOUT_JS = """() => {
  const net = window.__explorerGraph;
  const canvas = net.body.container.querySelector("canvas");
  const el = net.body.container.closest(".explorer-graph");
  const ids = net.body.data.nodes.getIds({ filter: (n) => !n.hidden });
  const pos = net.getPositions(ids);
  const dom = Object.fromEntries(ids.map((id) => [id, net.canvasToDOM(pos[id])]));
  return { w: canvas.clientWidth, h: canvas.clientHeight, dom, focus: el.dataset.focus };
}"""
# The page's scroll offset, whichever element scrolls (Streamlit scrolls a container, not body).
SCROLLED_JS = """() => window.scrollY + [...document.querySelectorAll('*')]
  .reduce((sum, e) => sum + e.scrollTop, 0)"""
# WCAG 2 contrast of each drawn label's colour against the canvas background.
CONTRAST_JS = """() => {
  const net = window.__explorerGraph;
  const stage = net.body.container;
  const rgb = (c) => { const x = document.createElement("canvas").getContext("2d");
    x.fillStyle = c; const v = x.fillStyle;
    return v.startsWith("#") ? [1, 3, 5].map((i) => parseInt(v.slice(i, i + 2), 16))
                             : v.match(/[\\d.]+/g).slice(0, 3).map(Number); };
  const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const bg = getComputedStyle(stage).backgroundColor;
  const out = {};
  for (const [id, node] of Object.entries(net.body.nodes)) {
    if (!node.options.hidden && node.options.font.size > 0)
      out[id] = [node.options.font.color, ratio(node.options.font.color, bg)];
  }
  return { bg, labels: out };
}"""


@pytest.fixture(scope="module")
def db_dir(tmp_path_factory):
    """One graph database for the module (built by the first server; the others reuse it)."""
    return tmp_path_factory.mktemp("atlas-db")


def app_env(tmp_path, db_dir) -> dict[str, str]:
    return {
        "EXPLORER_DB": str(db_dir / "graph.duckdb"),
        "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
        "EXPLORER_EMBEDDINGS": str(PROJECT_ROOT / "embeddings"),
        "EXPLORER_NO_MODEL": "1",
    }


@pytest.fixture
def app_url(streamlit_server, tmp_path, db_dir) -> str:
    return streamlit_server(APP, env=app_env(tmp_path, db_dir))


def open_page(page, url: str, concept: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY, timeout=60_000)
    wait_focus(page, concept)


def clickable(page, exclude: str) -> str:
    """A drawn concept (not the "+N more" node) that a click would hit."""
    ids = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
    for node_id in ["lr-schedule", *sorted(ids)]:
        if node_id in ids and node_id not in (exclude, "+more"):
            point = page.evaluate(NODE_POINT_JS, node_id)
            if point and point["hit"]:
                return node_id
    raise AssertionError("no drawn concept can be clicked")


@pytest.mark.e2e
def test_a_click_recentres_on_the_focus_and_fits_every_node(browser_page, app_url, artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam&depth=2", "adam")
    target = clickable(page, "adam")
    click_node(page, target)
    wait_focus(page, target)
    page.screenshot(path=artifacts / "atlas-after-click.png")
    layout = page.evaluate(LAYOUT_JS)
    w, h = layout["w"], layout["h"]
    outside = [i for i, p in layout["dom"].items()
               if not (0 <= p["x"] <= w and 0 <= p["y"] <= h)]
    assert len(layout["dom"]) > 20
    assert outside == [], f"{len(outside)} of {len(layout['dom'])} nodes outside the frame"
    focus = layout["dom"][target]
    assert 0.3 * w <= focus["x"] <= 0.7 * w and 0.3 * h <= focus["y"] <= 0.7 * h, focus
    assert page.evaluate("() => window.__explorerGraph.getSelectedNodes()") == [target]
    assert not page.errors


@pytest.mark.e2e
def test_depth_three_draws_more_or_says_what_it_left_out(browser_page, app_url):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam&depth=2", "adam")
    ids2 = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
    open_page(page, f"{app_url}/?concept=adam&depth=3", "adam")
    ids3 = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
    concepts2 = [i for i in ids2 if i != "+more"]
    concepts3 = [i for i in ids3 if i != "+more"]
    assert len(concepts3) > len(concepts2) or "+more" in ids3
    if "+more" in ids3:  # and the "+N more" node draws more when clicked
        label = page.evaluate("() => window.__explorerGraph.body.data.nodes.get('+more').label")
        assert label.startswith("+") and label.endswith(" more")
        click_node(page, "+more")
        page.wait_for_function(
            "(n) => window.__explorerGraph.body.data.nodes.length > n", arg=len(ids3),
            timeout=20_000)
    assert not page.errors


@pytest.mark.e2e
def test_a_one_finger_swipe_on_the_graph_scrolls_the_page_on_a_phone(chromium, app_url,
                                                                     artifacts):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        open_page(page, f"{app_url}/?concept=momentum", "momentum")
        page.screenshot(path=artifacts / "atlas-phone-top.png")
        # The card comes first on a phone: its title is on the first screen.
        assert page.locator("h3").first.bounding_box()["y"] < 844
        canvas = page.evaluate("""() => { const c = window.__explorerGraph.body.container
            .querySelector("canvas").getBoundingClientRect();
            return { x: c.left + c.width / 2, top: c.top, bottom: c.bottom }; }""")
        page.evaluate("""() => window.__explorerGraph.body.container
            .scrollIntoView({ block: "center" })""")
        page.wait_for_timeout(300)
        box = page.evaluate("""() => { const c = window.__explorerGraph.body.container
            .querySelector("canvas").getBoundingClientRect();
            return { x: c.left + c.width / 2, y: c.top + c.height / 2 }; }""")
        assert canvas["bottom"] - canvas["top"] >= 280  # a sensible height
        before = page.evaluate(SCROLLED_JS)
        view = page.evaluate("() => window.__explorerGraph.getViewPosition()")
        cdp = context.new_cdp_session(page)
        x, y = box["x"], box["y"]
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                              "touchPoints": [{"x": x, "y": y + 120}]})
        for step in range(1, 13):
            cdp.send("Input.dispatchTouchEvent", {
                "type": "touchMove", "touchPoints": [{"x": x, "y": y + 120 - step * 20}]})
            page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(600)
        after = page.evaluate(SCROLLED_JS)
        assert after > before + 50, f"the page scrolled {after - before}px"
        moved = page.evaluate("() => window.__explorerGraph.getViewPosition()")
        assert moved == pytest.approx(view, abs=1.0), "the swipe panned the graph"
    finally:
        context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_labels_meet_wcag_aa_in_dark_and_light(browser_page, streamlit_server, tmp_path, db_dir,
                                               artifacts, theme):
    url = streamlit_server(APP, env=app_env(tmp_path, db_dir), args=["--theme.base", theme])
    page = browser_page
    open_page(page, f"{url}/?concept=softmax&depth=2", "softmax")
    page.screenshot(path=artifacts / f"atlas-{theme}.png")
    found = page.evaluate(CONTRAST_JS)
    assert found["labels"], "no label is drawn"
    low = {i: v for i, v in found["labels"].items() if v[1] < 4.5}
    assert low == {}, f"labels under 4.5:1 on {found['bg']}: {low}"


@pytest.mark.e2e
def test_a_concept_keeps_its_atlas_position_across_loads_and_views(browser_page, app_url):
    page = browser_page

    def where(concept: str) -> dict:
        return page.evaluate("(id) => window.__explorerGraph.getPositions([id])[id]", concept)

    open_page(page, f"{app_url}/?concept=adam", "adam")
    first = where("momentum")
    open_page(page, f"{app_url}/?concept=adam", "adam")
    assert where("momentum") == first  # a second page load
    open_page(page, f"{app_url}/?concept=momentum&depth=2", "momentum")
    assert where("momentum") == first  # another focus and depth
    page.goto(f"{app_url}/?view=map&concept=adam")
    page.wait_for_selector(".explorer-graph[data-mode='map'][data-ready='1'][data-settled='1']",
                           timeout=60_000)
    assert where("momentum") == first  # the whole map
    assert page.evaluate("() => window.__explorerGraph.body.data.nodes.length") > 500
    road = page.evaluate("""() => window.__explorerGraph.body.data.edges
        .get({ filter: (e) => e.road }).map((e) => [e.from, e.to])""")
    assert ["transistor", "sram"] in road or ["sram", "transistor"] in road
    assert not page.errors


@pytest.mark.e2e
def test_the_wheel_scrolls_the_page_until_the_graph_is_clicked(browser_page, app_url):
    page = browser_page
    page.set_viewport_size({"width": 1200, "height": 700})
    open_page(page, f"{app_url}/?concept=adam&depth=2", "adam")
    box = page.evaluate("""() => { const c = window.__explorerGraph.body.container
        .getBoundingClientRect(); return { x: c.left + c.width / 2, y: c.top + c.height / 3 }; }""")
    scale = page.evaluate("() => window.__explorerGraph.getScale()")
    before = page.evaluate(SCROLLED_JS)
    page.mouse.move(box["x"], box["y"])
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(500)
    assert page.evaluate(SCROLLED_JS) > before  # the page scrolled
    assert page.evaluate("() => window.__explorerGraph.getScale()") == pytest.approx(scale)
    stage = page.evaluate("""() => { const c = window.__explorerGraph.body.container
        .getBoundingClientRect(); return { x: c.left + 12, y: c.top + c.height - 12 }; }""")
    page.mouse.click(stage["x"], stage["y"])  # an empty corner: focuses the graph
    page.mouse.move(stage["x"] + 100, stage["y"] - 100)
    scrolled = page.evaluate(SCROLLED_JS)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__explorerGraph.getScale()") > scale * 1.1  # zoomed in
    assert page.evaluate(SCROLLED_JS) == scrolled  # and the page stayed put


@pytest.mark.e2e
def test_the_search_box_shows_where_a_hit_is_in_the_graph(browser_page, app_url):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam&depth=2", "adam")
    box = page.get_by_role("combobox", name="Search concepts")
    box.fill("softmax")
    page.get_by_role("option", name=re.compile("^Softmax")).first.hover()  # the active hit
    page.get_by_role("button", name="Show Softmax in the graph").click()
    page.wait_for_selector(".explorer-graph[data-highlight='softmax']", timeout=20_000)
    drawn = page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")
    notice = page.locator(".explorer-notice").first.inner_text()
    assert notice == ("Showing Softmax" if "softmax" in drawn else "Softmax is not in this view")
    assert not page.errors
