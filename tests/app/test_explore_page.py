"""The explore view in AppTest: focusing a concept updates the card and the URL."""

from __future__ import annotations


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_deep_link_focuses_the_concept(app):
    app.query_params["concept"] = "momentum"
    app.run()
    assert not app.exception
    assert markdown(app)[0] == "### Momentum"
    assert app.query_params["concept"] == ["momentum"] or app.query_params["concept"] == "momentum"


def test_clicking_a_neighbour_updates_card_and_url(app):
    app.query_params["concept"] = "momentum"
    app.run()
    app.button(key="up-adam").click().run()
    assert markdown(app)[0] == "### Adam optimizer"
    assert str(app.query_params["concept"]).strip("[]'") == "adam"
    app.button(key="pre-momentum").click().run()
    assert markdown(app)[0] == "### Momentum"


def test_unknown_concept_in_url_falls_back(app):
    app.query_params["concept"] = "<script>alert(1)</script>"
    app.run()
    assert not app.exception
    assert markdown(app)[0] == "### Adam optimizer"
