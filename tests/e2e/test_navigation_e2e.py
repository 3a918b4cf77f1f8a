"""Navigation that never misses, in a real Chromium on the curated graph (issue 10): every view
switch and concept click works the first time, Back undoes each step, links that name nothing
say so, search opens over the page and answers the keyboard, and nothing jumps."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import READY, click_node, wait_focus
from tests.e2e.test_app_e2e import APP, card_title, wait_card

VIEW_MARK = {  # what each view shows that no other does
    "explore": "text=Why this score",  # the card's (Path draws a focus graph too)
    "path": "text=How does one concept connect to another?",
    "plan": "text=What to learn, in order, to understand a target",
    "decisions": "text=Decisions you face",
    "progress": "text=Progress of profile",
}
# The page's scroll offset, whichever element scrolls (Streamlit scrolls a container, not body).
SCROLLED_JS = """() => window.scrollY + [...document.querySelectorAll('*')]
  .reduce((sum, e) => sum + e.scrollTop, 0)"""


@pytest.fixture(scope="module")
def db_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("nav-db")


@pytest.fixture
def app_url(streamlit_server, tmp_path, db_dir) -> str:
    from explorer.settings import PROJECT_ROOT

    return streamlit_server(APP, env={
        "EXPLORER_DB": str(db_dir / "graph.duckdb"),
        "EXPLORER_PROGRESS": str(tmp_path / "progress.sqlite"),
        "EXPLORER_EMBEDDINGS": str(PROJECT_ROOT / "embeddings"),
        "EXPLORER_NO_MODEL": "1",
    })


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY if "view=" not in url else "[data-testid='stSidebar']",
                           timeout=90_000)


def on_view(page, view: str) -> None:
    """The URL names `view` and the page shows it (not only the URL: the view switcher once
    changed the URL and left the page on the previous view)."""
    page.wait_for_function(f"() => location.search.includes('view={view}')", timeout=20_000)
    page.locator(VIEW_MARK[view]).first.wait_for(timeout=20_000)
    for other, mark in VIEW_MARK.items():
        if other != view:  # gone once the run ends (Streamlit keeps stale elements until then)
            expect(page.locator(mark)).to_have_count(0, timeout=20_000)


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def depth(page) -> str:
    return sidebar(page).get_by_role("slider", name="Graph depth").input_value()


def goal(page) -> str:
    return sidebar(page).get_by_role("combobox", name="Your goal").input_value()


@pytest.mark.e2e
def test_the_view_switch_sequence_lands_on_each_view_the_first_time(browser_page, app_url,
                                                                    artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    for view in ("path", "plan", "decisions", "progress", "explore", "decisions", "path",
                 "explore"):
        sidebar(page).get_by_text(view.capitalize(), exact=True).click()
        on_view(page, view)
    wait_card(page, "Adam optimizer", "adam")
    page.screenshot(path=artifacts / "nav-view-sequence.png")
    assert not page.errors


@pytest.mark.e2e
def test_a_pill_in_decisions_opens_that_concept_in_explore(browser_page, app_url, artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam&view=decisions")
    on_view(page, "decisions")
    pill = page.locator("[data-testid='stMain'] [data-testid='stButtonGroup'] button"
                        ":not([aria-label^='Help'])").first
    name = pill.inner_text().strip()
    pill.click()
    on_view(page, "explore")
    wait_card(page, name)
    page.screenshot(path=artifacts / "nav-decisions-pill.png")
    sidebar(page).get_by_text("Decisions", exact=True).click()  # and the switcher still works
    on_view(page, "decisions")
    sidebar(page).get_by_text("Explore", exact=True).click()
    on_view(page, "explore")
    assert card_title(page) == name
    assert not page.errors


@pytest.mark.e2e
def test_back_undoes_a_goal_change_a_depth_change_and_two_concept_clicks(browser_page,
                                                                         app_url):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    wait_card(page, "Adam optimizer", "adam")
    assert (goal(page), depth(page)) == ("Build and debug models", "1")

    sidebar(page).get_by_role("combobox", name="Your goal").click()
    page.get_by_role("option", name="Pass ML interviews").click()
    page.wait_for_function("() => location.search.includes('goal=interview')")
    sidebar(page).get_by_role("slider", name="Graph depth").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('depth=2')")
    wait_focus(page, "adam")
    click_node(page, "momentum")
    wait_card(page, "Momentum", "momentum")
    page.locator("[data-testid='stButtonGroup'] button",
                 has_text=re.compile("^Gradient descent$")).first.click()
    wait_card(page, "Gradient descent", "gradient-descent")

    page.go_back()  # the second click
    wait_card(page, "Momentum", "momentum")
    assert (goal(page), depth(page)) == ("Pass ML interviews", "2")
    page.go_back()  # the first click
    wait_card(page, "Adam optimizer", "adam")
    assert depth(page) == "2"
    page.go_back()  # the depth change
    page.wait_for_function("() => location.search.includes('depth=1')")
    page.wait_for_function("""() => document.querySelector(
        "[data-testid='stSidebar'] input[type='range'][aria-label='Graph depth']")?.value === '1'
        """, timeout=20_000)
    assert goal(page) == "Pass ML interviews"
    page.go_back()  # the goal change
    page.wait_for_function("() => location.search.includes('goal=build')")
    page.wait_for_function("""() => document.querySelector(
        "[data-testid='stSidebar'] input[aria-label='Your goal']")?.value
        === 'Build and debug models'""", timeout=20_000)
    assert card_title(page) == "Adam optimizer"
    page.go_forward()
    page.wait_for_function("() => location.search.includes('goal=interview')")
    assert not page.errors


@pytest.mark.e2e
def test_an_unknown_id_names_itself_with_the_closest_as_a_click(browser_page, app_url,
                                                                 artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=does-not-exist&depth=99&era=1850")
    alert = page.get_by_text(re.compile("No concept 'does-not-exist'"))
    alert.wait_for(timeout=20_000)
    page.get_by_text("Depth 99 is outside 1–3; showing 3.").wait_for()
    page.get_by_text("Era 1850 is outside 1980–2030; showing 1980.").wait_for()
    page.screenshot(path=artifacts / "nav-unknown-id.png")
    open_page(page, f"{app_url}/?concept=momentun")
    page.get_by_text(re.compile("No concept 'momentun'")).wait_for(timeout=20_000)
    page.locator("[data-testid='stButtonGroup'] button",
                 has_text=re.compile("^Momentum$")).first.click()
    wait_card(page, "Momentum", "momentum")
    assert page.get_by_text(re.compile("No concept 'momentun'")).count() == 0
    open_page(page, f"{app_url}/?concept=Momentum")
    wait_card(page, "Momentum", "momentum")
    page.wait_for_function("() => location.search.includes('concept=momentum')")
    assert not page.errors


def search_box(page):
    return page.get_by_role("combobox", name="Search concepts")


@pytest.mark.e2e
def test_search_opens_over_the_page_and_answers_the_keyboard(browser_page, app_url, artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    wait_card(page, "Adam optimizer", "adam")
    graph_top = page.evaluate("() => window.__explorerGraph.body.container"
                              ".getBoundingClientRect().top")
    box = search_box(page)
    box.fill("gradient descent")
    page.wait_for_selector(".explorer-search[data-open='1'][data-query='gradient descent']",
                           timeout=20_000)
    page.screenshot(path=artifacts / "nav-search-open.png")
    after = page.evaluate("() => window.__explorerGraph.body.container"
                          ".getBoundingClientRect().top")
    assert after == pytest.approx(graph_top, abs=1)  # the hits pushed nothing down
    names = page.get_by_role("option").all_inner_texts()
    assert names[0].startswith("Gradient descent") and len(names) > 2
    box.press("ArrowDown")
    box.press("ArrowDown")
    second = page.get_by_role("option").nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    box.press("ArrowUp")
    assert page.get_by_role("option").first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    wait_card(page, "Gradient descent", "gradient-descent")
    assert box.input_value() == ""

    box.fill("momentum")  # Enter straight after typing: the top hit, whenever it arrives
    box.press("Enter")
    wait_card(page, "Momentum", "momentum")
    assert not page.errors


@pytest.mark.e2e
def test_nonsense_finds_no_close_match(browser_page, app_url, artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    box = search_box(page)
    box.fill("zzzqqq")
    page.wait_for_selector(".explorer-search[data-query='zzzqqq']", timeout=20_000)
    heading = page.locator(".explorer-search-heading").inner_text()
    assert heading.startswith(("No close match for 'zzzqqq'", "Nothing matched 'zzzqqq'"))
    page.screenshot(path=artifacts / "nav-search-zzzqqq.png")
    box.press("Enter")  # nothing close: Enter opens nothing
    page.wait_for_timeout(1500)
    assert card_title(page) == "Adam optimizer"


@pytest.mark.e2e
def test_a_pill_low_in_the_card_brings_the_new_title_into_view(browser_page, app_url,
                                                               artifacts):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    wait_card(page, "Adam optimizer", "adam")
    pill = page.locator("[data-testid='stButtonGroup'] button",
                        has_text=re.compile("^Momentum$")).first
    pill.scroll_into_view_if_needed()
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(400)
    assert page.evaluate(SCROLLED_JS) > 200
    pill.click()
    wait_card(page, "Momentum", "momentum")
    page.wait_for_timeout(800)
    page.screenshot(path=artifacts / "nav-pill-scroll.png")
    top = page.locator("h3").first.bounding_box()["y"]
    assert 0 <= top <= page.viewport_size["height"] / 2, top


@pytest.mark.e2e
def test_the_landing_road_does_not_move_the_page(browser_page, app_url, artifacts):
    page = browser_page
    open_page(page, f"{app_url}/")
    wait_card(page, "Adam optimizer", "adam")
    page.get_by_text("The road from transistors to Adam").wait_for()
    before = page.locator("h3").first.bounding_box()["y"]
    click_node(page, "momentum")
    wait_card(page, "Momentum", "momentum")
    page.wait_for_timeout(500)
    assert page.locator("h3").first.bounding_box()["y"] == pytest.approx(before, abs=2)
    sidebar(page).get_by_role("slider", name="Curiosity").focus()  # a full rerun
    page.keyboard.press("ArrowRight")
    page.wait_for_function("""() => document.querySelector(
        "[data-testid='stSidebar'] input[type='range'][aria-label='Curiosity']")?.value === '0.6'
        """, timeout=20_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=artifacts / "nav-road-after-rerun.png")
    assert page.get_by_text("The road from transistors to Adam").count() == 1
    assert page.locator("h3").first.bounding_box()["y"] == pytest.approx(before, abs=2)


@pytest.mark.e2e
def test_why_texts_open_on_a_tap(chromium, app_url, artifacts):
    """On a phone there is no hover: the reasons behind the card's neighbours open on a tap."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                   is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        open_page(page, f"{app_url}/?concept=adam")
        wait_card(page, "Adam optimizer")
        toggle = page.get_by_role("button", name=re.compile("Why these\\?")).first
        toggle.scroll_into_view_if_needed()
        toggle.tap()
        body = page.locator("[data-testid='stPopoverBody']").first
        body.wait_for(timeout=20_000)
        assert re.search(r"\w+: \w+", body.inner_text()), body.inner_text()  # name: why
        page.screenshot(path=artifacts / "nav-phone-why-tap.png")
    finally:
        context.close()


@pytest.mark.e2e
def test_tab_reaches_the_neighbours_of_the_focus(browser_page, app_url):
    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    wait_card(page, "Adam optimizer", "adam")
    page.get_by_role("button", name=re.compile("I know this")).focus()
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement?.innerText?.trim() || ''"))
        if reached[-1] == "Momentum":
            break
    assert "Momentum" in reached, reached  # a neighbour pill of Adam, in tab order
    page.keyboard.press("Enter")
    wait_card(page, "Momentum", "momentum")


@pytest.mark.e2e
def test_axe_finds_nothing_serious(browser_page, app_url, artifacts):
    from axe_playwright_python.sync_playwright import Axe

    page = browser_page
    open_page(page, f"{app_url}/?concept=adam")
    wait_card(page, "Adam optimizer", "adam")
    search_box(page).fill("momentum")  # the search list open too
    page.wait_for_selector(".explorer-search[data-open='1'][data-query='momentum']")
    found = {}
    for view in ("explore", "decisions", "path"):
        if view != "explore":
            sidebar(page).get_by_text(view.capitalize(), exact=True).click()
            on_view(page, view)
            page.wait_for_timeout(1000)
        results = Axe().run(page)
        (artifacts / f"axe-{view}.txt").write_text(results.generate_report())
        found[view] = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
                       for v in results.response["violations"]
                       if v["impact"] in ("serious", "critical")]
    assert found == {"explore": [], "decisions": [], "path": []}, found
