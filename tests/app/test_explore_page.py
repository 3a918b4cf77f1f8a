"""The explore view in AppTest: focusing a concept updates the card and the URL."""

from __future__ import annotations

import json


def heading(at) -> str:
    """The card's title line (the same element carries the small line under it)."""
    found = [m.value.split("\n")[0] for m in at.markdown if m.value.startswith("### ")]
    assert found, (at.exception, [m.value for m in at.markdown], [e.value for e in at.error])
    return found[0]


def pill(at, key: str):
    return next(p for p in at.button_group if p.key == key)


def param(at, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def test_deep_link_focuses_the_concept(app):
    app.query_params["concept"] = "momentum"
    app.run()
    assert not app.exception
    assert heading(app) == "### Momentum"
    assert param(app, "concept") == "momentum"


def test_clicking_a_neighbour_updates_card_and_url(app):
    app.query_params["concept"] = "momentum"
    app.run()
    pill(app, "up").set_value("adam").run()
    assert heading(app) == "### Adam optimizer"
    assert param(app, "concept") == "adam"
    pill(app, "pre").set_value("momentum").run()
    assert heading(app) == "### Momentum"


def test_why_chain_is_clickable(app):
    app.query_params["concept"] = "float16"
    app.run()
    assert not [p for p in app.button_group if p.key == "why0"]  # closed: not even sent
    app.session_state["why-open"] = True  # what opening the expander does
    app.run()
    pill(app, "why0").set_value("adam").run()
    assert heading(app) == "### Adam optimizer"


def test_card_shows_score_and_why(app):
    app.query_params["concept"] = "adam"
    app.run()
    bars = [p.text for p in app.get("progress")]
    assert any("likely to change a decision you face" in (t or "") for t in bars), bars
    assert any(e.label == "Why this score" for e in app.expander)


def test_changing_goal_and_era_updates_url(app):
    app.query_params["concept"] = "adam"
    app.run()
    app.selectbox[0].select("interview").run()
    assert param(app, "goal") == "interview"
    app.slider[0].set_value(2000).run()
    assert param(app, "era") == "2000"
    assert not app.exception


def test_unknown_concept_in_url_falls_back(app):
    app.query_params["concept"] = "<script>alert(1)</script>"
    app.run()
    assert not app.exception
    assert heading(app) == "### Adam optimizer"


def search(at, query: str) -> dict:
    """Type `query` in the search combobox (its state, as the browser sets it), run, and return
    the data the page sent the combobox: {query, hits, heading, note, ...}."""
    at.session_state["search"] = {"query": query}
    at.run()
    assert not at.exception, at.exception
    found = [e for e in at.main if "explorer.search" in str(getattr(e, "proto", ""))]
    assert found, "no search box on the page"
    return json.loads(found[0].proto.json)


def test_search_box_lists_results(app):
    app.query_params["concept"] = "adam"
    app.run()
    data = search(app, "heavy ball momentum")
    assert data["query"] == "heavy ball momentum"
    assert data["hits"][0]["id"] == "momentum" and data["hits"][0]["close"]
    assert data["heading"].endswith("matches") or data["heading"].endswith("match")


def test_nothing_near_says_so(app):
    app.run()
    data = search(app, "zzzqqq")
    assert data["hits"] == [] and data["heading"] == "Nothing matched 'zzzqqq'. Try other words."


def test_hostile_queries_return_normally(app):
    app.run()
    for query in ("'; DROP TABLE concepts; --", "x" * 10_000, "🔥💥 NaN", "\x00\x07bell"):
        search(app, query)
        assert not app.exception, query[:20]


def test_the_era_chart_is_drawn_when_opened(app):
    app.query_params["concept"] = "adam"
    app.run()
    assert not app.get("vega_lite_chart")  # closed: neither drawn nor sent
    app.session_state["eras-open"] = True  # what opening the expander does
    app.run()
    assert not app.exception and len(app.get("vega_lite_chart")) == 1
