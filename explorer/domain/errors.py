"""Errors the domain raises for things a user asked for that do not exist."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UnknownConcept(KeyError):
    """An id that is not in the graph; the message suggests close ids."""

    def __init__(self, concept_id: str, suggestions: list[str]):
        self.concept_id, self.suggestions = concept_id, suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no concept with id '{concept_id}'{hint}")

    def __str__(self) -> str:
        return self.args[0]

    @classmethod
    def near(cls, concept_id: str, known: Iterable[str]) -> UnknownConcept:
        """The error for `concept_id`, suggesting up to three close ids among `known`."""
        return cls(concept_id, difflib.get_close_matches(concept_id, list(known), n=3))


class BadInput(ValueError):
    """A value a user gave that cannot be used (an unknown goal, a year outside the model's
    range, an overlong profile name); the message says what is allowed. Front ends show it as
    the user's mistake (the CLI exits with status 2), never as a crash."""
