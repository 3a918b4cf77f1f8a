"""Hypothesis throws random files at the loader: each ends in a graph or in `GraphError`.

Anything else (a `TypeError` from a field of the wrong type, a `RecursionError`, a `ValueError`
from YAML) would reach `explorer validate` and the page as a traceback.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.domain.loader import GraphError, load_graph
from tests.conftest import TINY

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
CONCEPT_KEYS = ("id", "name", "layer", "summary", "hook", "details", "aliases", "symptoms",
                "maturity", "effort_hours", "introduced", "requires", "built_on", "related",
                "references")
DECISION_KEYS = ("id", "text", "kind", "maturity_sensitive", "frequency", "informed_by",
                 "symptoms", "evidence")
TARGETS = ("concepts/physics.yaml", "decisions.yaml", "goals.yaml", "layers.yaml")

scalars = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12)
           | st.sampled_from(["transistor", "adam", "build", "physics", "http://x.y/z", ""]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6) | st.sampled_from(
                          ["id", "why", "strength", "title", "url", "summary"]),
                          inner, max_size=4), max_leaves=12)


def entry(keys: tuple[str, ...]):
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


def check(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(shutil.copytree(TINY, Path(tmp) / "graph"))
        for rel, data in files.items():
            (graph / rel).write_bytes(data)
        try:
            load_graph(graph)
        except GraphError as exc:
            assert exc.problems and all(str(p) for p in exc.problems)


@FUZZ
@given(st.sampled_from(TARGETS), st.binary(max_size=400))
def test_random_bytes(target, data):
    check({target: data})


@FUZZ
@given(st.lists(entry(CONCEPT_KEYS), max_size=3), st.lists(entry(DECISION_KEYS), max_size=3))
def test_entries_with_fields_of_any_type(concepts, decisions):
    check({"concepts/extra.yaml": yaml.safe_dump(concepts).encode(),
           "decisions.yaml": yaml.safe_dump(decisions).encode()})


@FUZZ
@given(st.sampled_from(TARGETS), st.data())
def test_edits_of_a_valid_file(target, data):
    text = (TINY / target).read_text()
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 6))
        new = data.draw(st.text(alphabet="-:[]{}&*!|>'\"#\t\n ,?%@`\\ab1", max_size=6))
        text = text[:at] + new + text[at + cut:]
    check({target: text.encode()})


@FUZZ
@given(values)
def test_any_value_as_the_whole_file(value):
    check({"concepts/physics.yaml": yaml.safe_dump(value).encode()})
