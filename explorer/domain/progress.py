"""What a profile's progress says about a graph: counts, the share known per layer, orphans.

Pure data: the stores in `explorer.storage.progress` keep the rows, this module reads them
against a graph. Rows outlive the concepts they name (a rebuild may drop one), so ids that are
no longer in the graph are listed as orphaned, never dropped.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime

from explorer.domain.errors import BadInput
from explorer.domain.model import Graph

DEFAULT_PROFILE = "me"
MAX_PROFILE = 64
MAX_ID = 200

# How often a person says they face a decision, as the number the score uses (0..1): the words
# a person picks in the Decisions view or types on the command line; a number is taken as is.
FREQUENCY_WORDS: dict[str, float] = {"never": 0.0, "rarely": 0.1, "sometimes": 0.4, "often": 0.8}


@dataclass(frozen=True)
class Visit:
    concept_id: str
    times: int
    last_at: datetime


@dataclass(frozen=True)
class LayerShare:
    known: int
    total: int

    @property
    def share(self) -> float:
        return self.known / self.total if self.total else 0.0


@dataclass(frozen=True)
class Summary:
    profile: str
    known: int  # known concepts that are in the graph
    bookmarks: int
    visited: int
    by_layer: dict[str, LayerShare] = field(default_factory=dict)  # in layer order
    orphaned: list[str] = field(default_factory=list)  # ids with progress, missing from the graph

    def to_dict(self) -> dict:
        data = asdict(self)
        data["by_layer"] = {k: {**asdict(v), "share": round(v.share, 4)}
                            for k, v in self.by_layer.items()}
        return data


def check(profile: str, concept_ids=(), what: str = "concept") -> None:
    """Reject a profile or id outside the stored bounds, naming which and why."""
    if not profile or len(profile) > MAX_PROFILE:
        raise BadInput(f"a profile name has 1 to {MAX_PROFILE} characters, not {len(profile)}")
    for cid in concept_ids:
        if not cid or len(cid) > MAX_ID:
            raise BadInput(f"a {what} id has 1 to {MAX_ID} characters: {cid[:40]!r}")


def check_frequency(decision_id: str, value: float) -> float:
    """A decision frequency is a finite number from 0 to 1; the message names the decision."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise BadInput(f"the frequency of decision {decision_id[:40]!r} is a number from 0 to 1, "
                       f"not {str(value)[:40]!r}")
    return number


def parse_frequency(decision_id: str, text: str) -> float:
    """'never', 'rarely', 'sometimes', 'often' (see FREQUENCY_WORDS) or a number from 0 to 1.

    >>> parse_frequency("d", "Often"), parse_frequency("d", "0.25")
    (0.8, 0.25)
    """
    word = str(text).strip().lower()
    if word in FREQUENCY_WORDS:
        return FREQUENCY_WORDS[word]
    try:
        number = float(word)
    except ValueError:
        raise BadInput(f"the frequency of decision {decision_id[:40]!r} is one of "
                       f"{', '.join(FREQUENCY_WORDS)} or a number from 0 to 1, "
                       f"not {str(text)[:40]!r}") from None
    return check_frequency(decision_id, number)


def frequency_word(value: float) -> str | None:
    """The word for a stored frequency, or None when it is a number of one's own.

    >>> frequency_word(0.4), frequency_word(0.25)
    ('sometimes', None)
    """
    return next((w for w, v in FREQUENCY_WORDS.items() if abs(v - value) < 1e-9), None)


def nearest_frequency_word(value: float) -> str:
    """The word closest to a frequency (the onboarding's preselected answer).

    >>> nearest_frequency_word(0.7), nearest_frequency_word(0.05)
    ('often', 'never')
    """
    return min(FREQUENCY_WORDS, key=lambda w: (abs(FREQUENCY_WORDS[w] - value), w))


def summarize(profile: str, graph: Graph, known: set[str], bookmarks: list[str],
              visits: list[Visit]) -> Summary:
    """Counts, the share of each layer known, and progress on ids the graph no longer has.

    >>> from explorer.domain.model import Concept, Layer
    >>> g = Graph((Layer("l", "L", 0),), (), {"a": Concept("a", "A", "l", "")}, {})
    >>> s = summarize("me", g, {"a", "gone"}, [], [])
    >>> s.known, s.by_layer["l"].share, s.orphaned
    (1, 1.0, ['gone'])
    """
    marks = set(bookmarks)
    visited = {v.concept_id for v in visits}
    by_layer = {layer.id: [0, 0] for layer in graph.layers}
    for c in graph.concepts.values():
        counts = by_layer.setdefault(c.layer, [0, 0])
        counts[0] += c.id in known
        counts[1] += 1
    inside = set(graph.concepts)
    orphaned = sorted((known | marks | visited) - inside)
    return Summary(profile, len(known & inside), len(marks & inside), len(visited & inside),
                   {k: LayerShare(*v) for k, v in by_layer.items()}, orphaned)
