"""The examples in docstrings are tests too."""

from __future__ import annotations

import doctest

import pytest

import explorer.model
import explorer.relevance
import explorer.view.text


@pytest.mark.parametrize("module", [explorer.model, explorer.relevance, explorer.view.text])
def test_docstring_examples(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
