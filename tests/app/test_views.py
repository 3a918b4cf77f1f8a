"""One AppTest per view: path, plan, decisions and progress, each reached by its URL."""

from __future__ import annotations

from tests.app.test_explore_page import heading, param


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [b.label for b in at.button])


def test_path_view_lists_real_steps(app):
    app.query_params.update({"view": "path", "from": "transistor", "to": "adam"})
    app.run()
    assert not app.exception
    labels = [b.label.replace("\\", "") for b in app.button
              if b.key and b.key.startswith("step-")]
    assert labels[0] == "1. Transistor" and labels[-1].endswith("Adam optimizer")
    app.button(key="step-momentum").click().run()
    assert param(app, "view") == "explore" and heading(app) == "### Momentum"


def test_plan_view_orders_prerequisites_and_downloads(app):
    app.query_params.update({"view": "plan", "target": "adam"})
    app.run()
    assert not app.exception
    keys = [b.key for b in app.button if b.key and b.key.startswith("plan-")]
    assert keys.index("plan-gradient-descent") < keys.index("plan-momentum") < keys.index(
        "plan-adam")
    assert "hours" in texts(app)
    assert app.get("download_button")


def test_decisions_view_sorted_by_frequency(app):
    app.query_params.update({"view": "decisions", "goal": "interview"})
    app.run()
    assert not app.exception
    body = texts(app)
    assert body.index("Explain gradient descent") < body.index("Training loss diverges")


def test_progress_view_after_marking_known(app):
    app.query_params.update({"concept": "momentum"})
    app.run()
    app.button(key="know").click().run()
    app.query_params.update({"view": "progress"})
    app.run()
    assert not app.exception
    assert any(b.key == "prog-Known-momentum" for b in app.button)
    assert "1 known" in texts(app)
