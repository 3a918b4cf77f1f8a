"""Links that never miss (explorer.domain.resolve and Explorer.resolve_link): case, names and
aliases resolve; what names nothing is reported with the closest names; numbers are clamped
and say to what."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.domain.resolve import Names, choice, clamp, key
from explorer.usecases import open_explorer
from tests.conftest import TINY

ENTRIES = {"momentum": ("Momentum", ("heavy ball",)),
           "adam": ("Adam optimizer", ("Adam", "adaptive moment estimation")),
           "gradient-descent": ("Gradient descent", ("steepest descent",)),
           "float16": ("Half precision (float16)", ("fp16",))}


@pytest.fixture(scope="module")
def names() -> Names:
    return Names(ENTRIES)


@pytest.mark.parametrize(("asked", "cid", "how"), [
    ("momentum", "momentum", "id"),
    ("Momentum", "momentum", "case"),
    ("MOMENTUM", "momentum", "case"),
    ("Gradient_Descent", "gradient-descent", "case"),
    ("Adam Optimizer", "adam", "name"),
    ("heavy-ball", "momentum", "alias"),
    ("FP16", "float16", "alias"),
    ("half precision float16", "float16", "name"),
])
def test_case_names_and_aliases_resolve(names, asked, cid, how):
    found = names.resolve(asked)
    assert (found.id, found.how) == (cid, how)
    assert found.changed == (how != "id")


@pytest.mark.parametrize(("asked", "first"), [
    ("momentun", "momentum"), ("adma optimizer", "adam"), ("gradient decent", "gradient-descent")])
def test_a_near_miss_names_nothing_but_offers_the_closest_first(names, asked, first):
    found = names.resolve(asked)
    assert found.id is None and found.how == "unknown"
    assert found.closest[0] == first


def test_nothing_alike_offers_nothing(names):
    assert names.resolve("zzzqqqxxx").closest == ()
    assert names.resolve("").closest == () and names.resolve("").id is None
    assert names.resolve("!!!").closest == ()


def test_an_id_named_like_another_concepts_alias_keeps_its_own_meaning():
    names = Names({"adam": ("Adam optimizer", ()), "adamw": ("AdamW", ("adam",))})
    assert names.resolve("Adam").id == "adam"  # ids come before aliases


@given(st.text(max_size=300))
def test_any_text_resolves_without_failing(text):
    found = Names(ENTRIES).resolve(text)
    assert found.id in (None, *ENTRIES)
    assert set(found.closest) <= set(ENTRIES) and len(found.closest) <= 5


@pytest.mark.parametrize(("asked", "value", "note"), [
    (None, 1, ""), ("", 1, ""), ("2", 2, ""), (" 3 ", 3, ""),
    ("99", 3, "Depth 99 is outside 1–3; showing 3."),
    ("0", 1, "Depth 0 is outside 1–3; showing 1."),
    ("-5", 1, "Depth -5 is outside 1–3; showing 1."),
    ("2.5", 1, "Depth '2.5' is not a whole number; showing 1."),
    ("x" * 500, 1, f"Depth '{'x' * 79}…' is not a whole number; showing 1."),
])
def test_clamp_says_what_it_changed(asked, value, note):
    got = clamp(asked, 1, 1, 3, "Depth")
    assert (got.value, got.note) == (value, note)


def test_choice_ignores_case_and_reports_unknown():
    assert choice("Plan", ("explore", "plan"), "explore") == ("plan", False)
    assert choice("maps", ("explore", "plan"), "explore") == ("explore", True)
    assert choice(None, ("explore",), "explore") == ("explore", False)
    assert key("Half-Precision (FP16)") == "halfprecisionfp16"


# --- Explorer.resolve_link, on the tiny graph --------------------------------------------------

@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("resolve")
    app = open_explorer(db_path=tmp / "g.duckdb", data_dir=TINY,
                        progress_path=tmp / "p.sqlite")
    yield app
    app.progress.close()


VIEWS = ("explore", "map", "path", "plan", "decisions", "progress")


def test_a_clean_link_is_read_as_written_with_no_notice(app):
    link = app.resolve_link({"view": "path", "concept": "momentum", "goal": "interview",
                             "era": "2000", "depth": "2", "from": "transistor", "to": "adam",
                             "target": "float16", "profile": "ana"}, views=VIEWS)
    assert link.notices == ()
    assert link.values == {"view": "path", "concept": "momentum", "goal": "interview",
                           "era": 2000, "depth": 2, "from": "transistor", "to": "adam",
                           "target": "float16", "profile": "ana"}


def test_miscased_and_aliased_concepts_resolve_silently(app):
    link = app.resolve_link({"concept": "Momentum", "from": "MOSFET", "to": "Adam Optimizer",
                             "target": "fp16"}, views=VIEWS)
    assert link.notices == ()
    assert [link.values[k] for k in ("concept", "from", "to", "target")] == [
        "momentum", "transistor", "adam", "float16"]


def test_an_unknown_concept_names_itself_and_the_closest(app):
    link = app.resolve_link({"concept": "momentun"}, views=VIEWS)
    assert link.values["concept"] == "adam"
    [notice] = link.notices
    assert notice.field == "concept" and notice.asked == "momentun"
    assert "No concept 'momentun'" in notice.text and "showing Adam optimizer" in notice.text
    assert notice.closest[0] == ("momentum", "Momentum")


def test_out_of_range_and_unknown_values_say_what_they_became(app):
    link = app.resolve_link({"depth": "99", "era": "1850", "view": "nope", "goal": "Interview",
                             "profile": "p" * 60}, views=VIEWS)
    texts = {n.field: n.text for n in link.notices}
    assert texts["depth"] == "Depth 99 is outside 1–3; showing 3."
    assert texts["era"] == "Era 1850 is outside 1980–2030; showing 1980."
    assert texts["view"].startswith("There is no view 'nope'; showing Explore.")
    assert "goal" not in texts  # "Interview" is the goal "interview", miscased
    assert texts["profile"].startswith("Profile names are at most 40 characters")
    assert (link.values["depth"], link.values["era"], link.values["view"], link.values["goal"],
            len(link.values["profile"])) == (3, 1980, "explore", "interview", 40)
