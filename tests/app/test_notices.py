"""Notices in AppTest: a link that names nothing, or asks for too much, says so on the page;
a miscased id opens its concept; the closest names are a click away; a long query is named."""

from __future__ import annotations

from tests.app.test_explore_page import heading, param, pill, search


def warnings(at) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning]  # shown escaped: drop backslashes


def test_a_miscased_id_opens_its_concept_without_a_word(app):
    app.query_params["concept"] = "Momentum"
    app.run()
    assert heading(app) == "### Momentum"
    assert param(app, "concept") == "momentum"  # the URL is rewritten to the real id
    assert not warnings(app)


def test_an_alias_opens_its_concept(app):
    app.query_params["concept"] = "heavy ball"
    app.run()
    assert heading(app) == "### Momentum"


def test_an_unknown_id_names_itself_and_offers_the_closest(app):
    app.query_params["concept"] = "momentun"
    app.run()
    assert not app.exception
    [shown] = warnings(app)
    assert "No concept 'momentun'" in shown and "showing Adam optimizer instead" in shown
    assert heading(app) == "### Adam optimizer"
    closest = pill(app, "notice-concept")
    assert closest.options[0].replace("\\", "") == "Momentum"
    closest.set_value("momentum").run()
    assert heading(app) == "### Momentum"
    assert param(app, "concept") == "momentum"
    assert not warnings(app)  # the link is clean now


def test_a_hostile_id_is_quoted_as_text(app):
    app.query_params["concept"] = "<script>alert(1)</script>"
    app.run()
    [shown] = warnings(app)
    assert "No concept '<script>alert(1)</script>'" in shown


def test_depth_and_era_out_of_range_say_what_they_became(app):
    app.query_params.update({"concept": "adam", "depth": "99", "era": "1850"})
    app.run()
    shown = warnings(app)
    assert "Depth 99 is outside 1–3; showing 3." in shown
    assert "Era 1850 is outside 1980–2030; showing 1980." in shown
    assert param(app, "depth") == "3" and param(app, "era") == "1980"
    assert next(s for s in app.sidebar.slider if s.label == "Graph depth").value == 3


def test_an_unknown_path_end_offers_to_set_it(app):
    app.query_params.update({"view": "path", "from": "transistr", "to": "adam"})
    app.run()
    shown = warnings(app)
    assert any("No concept 'transistr' (the path start asked for)" in w for w in shown), shown
    pill(app, "notice-from").set_value("transistor").run()
    assert param(app, "from") == "transistor" and param(app, "view") == "path"


def test_a_query_over_the_limit_is_named_not_cut_silently(app):
    app.query_params["concept"] = "adam"
    app.run()
    data = search(app, "momentum " * 80)
    assert "719 characters long; only the first 512 are searched" in data["note"]
    assert any("719 characters long" in w for w in warnings(app)), warnings(app)
    data = search(app, "momentum")
    assert "characters long" not in data["note"]
    assert not any("characters long" in w for w in warnings(app))
