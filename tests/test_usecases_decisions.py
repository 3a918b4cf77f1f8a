"""Explorer's own decision frequencies on the tiny graph: the score cache, the listing, the
onboarding, decision shifts and the card's sections, as plain dataclasses."""

from __future__ import annotations

import pytest

from explorer.usecases import BadInput, DecisionShift, Explorer, open_explorer
from tests.conftest import TINY


@pytest.fixture
def app(tmp_path) -> Explorer:
    explorer = open_explorer(db_path=tmp_path / "graph.duckdb", data_dir=TINY,
                             progress_path=tmp_path / "progress.sqlite")
    yield explorer
    explorer.progress.close()


def test_setting_a_frequency_invalidates_the_cached_scores(app: Explorer) -> None:
    before = app.probabilities("build", 2026, "ann")["adam"]
    assert app.probabilities("build", 2026, "ann")["adam"] == before
    hits = app._score_cache.cache_info().hits
    app.probabilities("build", 2026, "ann")
    assert app._score_cache.cache_info().hits == hits + 1  # served from the cache
    app.set_decision_frequency("training-diverges", "never", profile="ann")
    assert app.probabilities("build", 2026, "ann")["adam"] == 0.0  # its only decision
    assert app.scores("build", 2026, "ann")["adam"].reasons == ()
    assert app.probabilities("build", 2026, "bob")["adam"] == before
    assert app.probabilities("build", 2026)["adam"] == before  # no profile: the goal's
    app.set_decision_frequency("training-diverges", 1, profile="ann")
    assert app.probabilities("build", 2026, "ann")["adam"] > before
    app.reset_decision_frequency("training-diverges", profile="ann")
    assert app.probabilities("build", 2026, "ann")["adam"] == before


def test_the_cache_stays_bounded(app: Explorer) -> None:
    for year in range(1990, 2026):
        app.probabilities("build", year)
    info = app._score_cache.cache_info()
    assert info.currsize == info.maxsize == app.score_cache_size


def test_a_profile_can_face_a_decision_its_goal_does_not(app: Explorer) -> None:
    assert app.probabilities("architect", 2026, "ann")["gradient-descent"] < 0.1
    app.set_decision_frequency("explain-descent", "often", profile="ann")  # interview-only
    row = next(r for r in app.decisions("architect", "ann") if r.decision.id == "explain-descent")
    assert (row.frequency, row.goal_frequency, row.own) == (0.8, 0.0, 0.8)
    assert app.frequency_choice(row) == "often"
    assert app.probabilities("architect", 2026, "ann")["gradient-descent"] == pytest.approx(
        1 - (1 - 0.1 * 0.4) * (1 - 0.8 * 0.9))


def test_unknown_decisions_and_bad_frequencies_are_refused(app: Explorer) -> None:
    with pytest.raises(BadInput, match="no decision 'training-divergez'.*training-diverges"):
        app.set_decision_frequency("training-divergez", "often", profile="ann")
    with pytest.raises(BadInput, match="one of never, rarely, sometimes, often"):
        app.answer_onboarding({"training-diverges": "often", "explain-descent": "always"},
                              profile="ann")
    assert app.own_frequencies("ann") == {}  # nothing half-written


def test_orphaned_frequencies_are_listed_not_dropped(app: Explorer) -> None:
    app.progress.set_decision_frequency("ann", "removed-decision", 0.2)
    listing = app.decision_list(None, "ann")
    assert listing.orphaned == {"removed-decision": 0.2}
    assert {r.decision.id for r in listing.rows} == {"training-diverges", "explain-descent"}
    assert listing.to_dict()["orphaned"] == {"removed-decision": 0.2}


def test_onboarding_offers_the_goals_typical_decisions(app: Explorer) -> None:
    typical = app.typical_decisions("interview")
    assert [(r.decision.id, word) for r, word in typical] == [
        ("explain-descent", "often"), ("training-diverges", "rarely")]
    assert app.answer_onboarding({"explain-descent": "sometimes"}, profile="ann") == 1
    assert app.own_frequencies("ann") == {"explain-descent": 0.4}


def test_decision_shifts_are_plain_data_sorted_by_fall(app: Explorer) -> None:
    shifts = app.decision_shifts("build", 2015, 2026)
    assert all(isinstance(s, DecisionShift) for s in shifts)
    (shift,) = shifts  # build faces one decision in the tiny graph
    then = app.probabilities("build", 2015)
    now = app.probabilities("build", 2026)
    expected = sum(then[c] - now[c] for c in ("adam", "gradient-descent")) / 2
    assert shift.fall == pytest.approx(expected)
    assert shift.describe().startswith("Its concepts' scores ")


def test_a_card_lists_built_on_apart_from_prerequisites(app: Explorer) -> None:
    card = app.card("gradient-descent", "build", 2026)
    headings = [h for h, _, _ in card.sections()]
    assert "Its tools are built on" in headings
    tools = next(items for h, _, items in card.sections() if h == "Its tools are built on")
    assert [n.id for n in tools] == ["autodiff"]
    assert all(n.relation == "built_on" for n in tools)


def test_the_era_chart_samples_its_marks_and_the_year_before_introduction(app: Explorer) -> None:
    from explorer.usecases import era_marks, era_years

    adam = app.concept("adam")
    assert era_marks(adam) == [(2015, "maturity 0.20"), (2026, "maturity 0.50")]
    card = app.card("adam", "build", 2026)
    years = [y for y, _ in card.eras["build"]]
    assert years == era_years(adam) and {2015, 2026} <= set(years)
