"""Every module's docstring examples run as tests (modules without examples pass trivially)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import explorer

MODULES = sorted(m.name for m in pkgutil.walk_packages(explorer.__path__, "explorer."))


def test_modules_with_examples_exist() -> None:
    """Guards the walk itself: if it found nothing, every test below would pass vacuously."""
    with_examples = [name for name in MODULES
                     if doctest.DocTestFinder().find(importlib.import_module(name))
                     and any(t.examples for t in doctest.DocTestFinder().find(
                         importlib.import_module(name)))]
    assert {"explorer.domain.model", "explorer.domain.relevance"} <= set(with_examples)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
