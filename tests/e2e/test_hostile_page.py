"""A hostile graph in a real Chromium: nothing from data runs, renders as markup or fetches.

The graph in `tests/fixtures/hostile/` carries a payload in every text the page shows: names,
aliases, summaries, hooks, symptoms, reference titles and URLs, layer and goal names, decision
texts, evidence, the "why" of every edge (script and event-handler HTML, attribute-breaking
quotes, Markdown links to `javascript:`, Markdown and HTML images of a local beacon, icon codes,
bare URLs and e-mail addresses, KaTeX `\\href`, colour directives, right-to-left overrides, texts
at the loader's length limits). Each payload, if it ever ran, would set `window.__pwned` or open a
dialog; each image would fetch the beacon served by this test.

The test loads every concept, hovers every node and help icon, clicks every node, opens every
card's "Why this score", every view (Explore, Path, Plan, Decisions for each goal, Progress of a
hostile profile) and the "Surprise me" toast, and after each step checks: the canary is unset in
every frame, no dialog opened, the beacon saw no request, and no element came from data (no
<img>, <script>, <iframe>, <svg onload>, inline handler, KaTeX, non-http link or icon code), looking
inside shadow roots too. Names must show literally, character for character.
"""

from __future__ import annotations

import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from explorer.domain.loader import load_graph
from explorer.settings import PROJECT_ROOT
from tests.e2e.browser import NODE_POINT_JS, READY, wait_focus

APP = PROJECT_ROOT / "streamlit_app.py"
FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "hostile"
JOINER = "\u2060"
PROFILE = "<img src=x onerror=alert('profile')>"  # 37 characters: under the 40 a profile takes

# Every element that a payload could have produced, searched in the document and in every shadow
# root. The page's own icons (search, lightbulb, casino, arrows) are not in the forbidden set.
SCAN_JS = r"""() => {
  const bad = [];
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll('*')) {
      if (el.shadowRoot) roots.push(el.shadowRoot);
      const tag = el.tagName.toLowerCase();
      const text = (el.textContent || '').slice(0, 80);
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) bad.push(`${tag}[${a.name}]`);
        if (/^(href|src|srcset|srcdoc|action|formaction|xlink:href|style|background|poster|data)$/i
              .test(a.name) && /javascript:|BEACON|evil-(bare|mail)/i.test(a.value)
            && !a.value.startsWith('#'))  // heading anchors are slugs of the text: inert
          bad.push(`${tag}[${a.name}=${a.value.slice(0, 60)}]`);
      }
      if (tag === 'img' && !/^data:|^blob:|\/static\//.test(el.getAttribute('src') || ''))
        bad.push(`img src=${el.getAttribute('src')}`);
      if (['iframe', 'object', 'embed', 'b', 'del'].includes(tag)) bad.push(tag);
      if (tag === 'script' && /__pwned/.test(el.textContent)) bad.push('script ' + text);
      if (tag === 'style' && /display:none !important/.test(el.textContent)) bad.push('style');
      if (tag === 'svg' && /__pwned/.test(el.outerHTML)) bad.push('svg');
      if (el.classList && el.classList.contains('katex')) bad.push('katex ' + text);
      if (tag === 'strong' && /^(bold|coloured)$/.test(el.textContent.trim()))
        bad.push('strong ' + text);
      if (tag === 'a') {
        const href = el.getAttribute('href') || '';
        if (!href.startsWith('#')
            && (!/^(https?:\/\/|\/|\?)/.test(href) || /evil|BEACON/.test(href)))
          bad.push('a href=' + href.slice(0, 80));
      }
      if (el.getAttribute && el.getAttribute('role') === 'img' &&
          /^(skull|home|smile)/.test(el.getAttribute('aria-label') || ''))
        bad.push('icon ' + el.getAttribute('aria-label'));
      if (tag === 'span' && el.style && el.style.color && /coloured/.test(el.textContent)
          && el.children.length === 0) bad.push('coloured span');
    }
  }
  return bad;
}"""
CARD_NAME_JS = """() => ((document.querySelector('h3') || {}).textContent || '')
                        .replaceAll('\\u2060', '').trim()"""


class Beacon(http.server.ThreadingHTTPServer):
    """A local server that records every request (an image from data would land here)."""

    def __init__(self):
        self.hits: list[str] = []
        beacon = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                beacon.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def beacon():
    server = Beacon()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def hostile_copy(dest: Path, port: int) -> Path:
    shutil.copytree(FIXTURE, dest)
    for path in dest.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("BEACON_PORT", str(port)),
                        encoding="utf-8")
    return dest


class Watch:
    """Everything a payload could leave behind, checked after each step."""

    def __init__(self, page, beacon: Beacon):
        self.page, self.beacon, self.dialogs, self.steps = page, beacon, [], 0
        self.port = beacon.server_address[1]
        self.requests: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: self.requests.append(r.url)
                if f":{self.port}" in r.url else None)

    def check(self, step: str) -> None:
        self.steps += 1
        page = self.page
        canaries = {f.url: f.evaluate("() => window.__pwned === undefined ? null : "
                                      "String(window.__pwned)") for f in page.frames}
        scan = page.evaluate(SCAN_JS.replace("BEACON", str(self.port)))
        assert [c for c in canaries.values() if c is not None] == [], (step, canaries)
        assert self.dialogs == [], step
        assert scan == [], (step, scan)
        assert self.requests == [] and self.beacon.hits == [], (step, self.beacon.hits)


def wait_card(page, name: str) -> None:
    """Wait for the card to show `name`, character for character (word joiners aside)."""
    page.wait_for_function("(name) => (" + CARD_NAME_JS + ")() === name", arg=name,
                           timeout=20_000)


def drawn_nodes(page) -> list[str]:
    return page.evaluate("() => window.__explorerGraph.body.data.nodes.getIds()")


def hover_everything(page, watch: Watch, where: str) -> None:
    """Hover every drawn node (its tooltip) and every help icon on the page."""
    page.wait_for_selector(READY, timeout=20_000)
    for nid in drawn_nodes(page):
        point = page.evaluate(NODE_POINT_JS, nid)
        if point and point["hit"]:
            page.mouse.move(point["x"], point["y"])
            page.wait_for_timeout(250)
    watch.check(f"{where}: node tooltips")
    for icon in page.locator("[data-testid='stTooltipHoverTarget']").all()[:12]:
        if icon.is_visible():
            icon.hover(force=True, timeout=5_000)
            page.wait_for_timeout(150)
    watch.check(f"{where}: help tooltips")


@pytest.mark.e2e
def test_hostile_graph_runs_nothing_renders_no_markup_fetches_nothing(
        browser_page, streamlit_server, beacon, tmp_path, artifacts):
    port = beacon.server_address[1]
    data = hostile_copy(tmp_path / "graph", port)
    graph = load_graph(data)
    url = streamlit_server(APP, env={"EXPLORER_DATA": str(data),
                                     "EXPLORER_DB": str(tmp_path / "g.duckdb"),
                                     "EXPLORER_PROGRESS": str(tmp_path / "p.sqlite"),
                                     "EXPLORER_NO_MODEL": "1"})
    page = browser_page
    watch = Watch(page, beacon)
    ids = list(graph.concepts)
    clicked: set[str] = set()

    for cid in ids:
        name = graph.concepts[cid].name
        page.goto(f"{url}/?concept={cid}&depth=2")
        page.wait_for_selector(READY, timeout=60_000)
        wait_card(page, name)  # the name shows literally, every character
        watch.check(f"card {cid}")
        page.get_by_text("Why this score").first.click()
        page.wait_for_timeout(300)
        watch.check(f"why {cid}")
        hover_everything(page, watch, cid)
        page.mouse.move(1, 1)  # close any tooltip, bring the graph back into view
        page.locator(".explorer-graph").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        for nid in drawn_nodes(page):
            if nid not in clicked and nid != cid:
                point = page.evaluate(NODE_POINT_JS, nid)
                if point and point["hit"]:
                    page.mouse.click(point["x"], point["y"])
                    try:
                        wait_card(page, graph.concepts[nid].name)
                    except Exception:
                        page.screenshot(path=artifacts / "hostile-click-failed.png")
                        raise
                    wait_focus(page, nid)
                    clicked.add(nid)
                    watch.check(f"click {nid} from {cid}")
                    break
    assert clicked == set(ids) - {ids[0]} or len(clicked) >= len(ids) - 2, clicked
    page.screenshot(path=artifacts / "hostile-card.png", full_page=True)

    # Progress under a hostile profile: mark, bookmark, then the views.
    page.goto(f"{url}/?concept={ids[-1]}&profile={PROFILE}")
    wait_card(page, graph.concepts[ids[-1]].name)
    page.get_by_role("button", name="I know this").click()
    page.get_by_role("button", name=re.compile("Known")).wait_for()
    page.get_by_role("button", name="Bookmark").click()
    page.get_by_role("button", name=re.compile("Bookmarked")).wait_for()
    watch.check("marked")
    views = [f"view=path&from={ids[0]}&to={ids[-1]}", f"view=plan&target={ids[-1]}",
             *(f"view=decisions&goal={g.id}" for g in graph.goals), "view=progress"]
    for view in views:
        page.goto(f"{url}/?{view}&profile={PROFILE}")
        page.locator("h3").first.wait_for(timeout=30_000)
        page.wait_for_timeout(800)
        watch.check(view)
        for icon in page.locator("[data-testid='stTooltipHoverTarget']").all()[:8]:
            if icon.is_visible():
                icon.hover(force=True, timeout=5_000)
                page.wait_for_timeout(120)
        watch.check(f"{view}: help")
        page.screenshot(path=artifacts / f"hostile-{view.split('&')[0][5:]}.png",
                        full_page=True)
    assert PROFILE in page.locator("h3").first.text_content().replace(JOINER, "")

    page.goto(f"{url}/?concept={ids[0]}")
    page.wait_for_selector(READY, timeout=60_000)
    page.get_by_role("button", name=re.compile("Surprise me")).click()
    toast = page.locator("[data-testid='stToast']").first
    toast.wait_for(timeout=20_000)
    watch.check("surprise toast")
    shown = toast.text_content().replace(JOINER, "")
    hooks = [c.hook for c in graph.concepts.values()]
    assert any(" ".join(h.split())[:60] in " ".join(shown.split()) for h in hooks), shown
    page.screenshot(path=artifacts / "hostile-toast.png")
    assert watch.steps > 40
    assert not page.errors
