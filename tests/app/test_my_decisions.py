"""The Decisions view in AppTest: the onboarding and each decision's frequency make the scores
the profile's own; the card shows every factor; decisions sort by how much their concepts fell."""

from __future__ import annotations

import re

from tests.app.test_explore_page import heading


def score(at, concept: str, profile: str) -> int:
    """The card's headline percentage for `concept` as `profile` sees it."""
    at.query_params.clear()
    at.query_params.update({"concept": concept, "profile": profile, "era": "2026"})
    at.run()
    assert not at.exception and heading(at)
    text = next(p.text for p in at.get("progress") if "likely to change" in (p.text or ""))
    return int(re.search(r"\*\*(\d+)%\*\*", text).group(1))


def open_decisions(at, profile: str):
    at.query_params.clear()
    at.query_params.update({"view": "decisions", "goal": "build", "profile": profile})
    at.run()
    assert not at.exception, at.exception
    return at


def test_onboarding_answers_become_the_profiles_frequencies(app):
    before = score(app, "adam", "ann")
    open_decisions(app, "ann")
    assert any(e.label == "Which of these do you face?" for e in app.expander)
    radio = next(r for r in app.radio if r.key == "onboard-training-diverges")
    assert radio.value == "often"  # the word nearest the goal's 70%
    radio.set_value("never")
    next(b for b in app.button if b.label == "Save my answers").click().run()
    assert not app.exception
    select = next(s for s in app.selectbox if s.key == "freq-training-diverges")
    assert select.value == "never"
    assert score(app, "adam", "ann") < before
    assert score(app, "adam", "bob") == before  # nobody else's score moved


def test_a_frequency_set_and_reset_in_the_list(app):
    before = score(app, "adam", "cy")
    open_decisions(app, "cy")
    next(s for s in app.selectbox if s.key == "freq-training-diverges").select("rarely").run()
    assert "(yours)" in "\n".join(m.value for m in app.markdown)
    assert score(app, "adam", "cy") < before
    open_decisions(app, "cy")
    select = next(s for s in app.selectbox if s.key == "freq-training-diverges")
    assert select.value == "rarely"
    select.select("as the goal says").run()
    assert score(app, "adam", "cy") == before


def test_the_card_multiplies_every_factor_out(app):
    app.query_params.update({"concept": "adam", "era": "2026"})
    app.session_state["why-open"] = True  # "Why this score" renders only while open
    app.run()
    lines = [m.value.replace("\\", "") for m in app.markdown if "faced" in m.value]
    # 0.7 × 0.7 × 0.5 = 0.245: the headline contribution, and every factor behind it
    assert any("+24%** · Training loss diverges" in t and
               "faced 70% of the time × strength 0.70 × leak 0.50 = 0.24" in t
               for t in lines), lines


def test_before_its_year_the_card_says_so(app, tiny_dir, monkeypatch):
    concepts = tiny_dir / "concepts" / "optimization.yaml"
    concepts.write_text(concepts.read_text().replace(
        "  maturity: {2015: 0.2, 2026: 0.5}\n", "  maturity: {2015: 0.2, 2026: 0.5}\n"
        "  introduced: 2014\n", 1))
    monkeypatch.setenv("EXPLORER_DATA", str(tiny_dir))
    app.query_params.update({"concept": "adam", "era": "1990"})
    app.session_state["why-open"] = True  # "Why this score" renders only while open
    app.run()
    captions = [c.value.replace("\\", "") for c in app.caption]
    assert any(c.startswith("Introduced in 2014: no decision in 1990 turned on it")
               for c in captions), captions


def test_decisions_sort_by_how_much_their_concepts_fell(app):
    open_decisions(app, "me")
    next(r for r in app.radio if r.key == "dec-order").set_value("fall").run()
    assert not app.exception
    assert any("points on average from 2000 to" in c.value for c in app.caption)
