"""Links that never miss: what a value in a link (a URL's query) names, or what it was changed to.

A link is typed, pasted, shared and kept for years, so its values are read generously and any
change is said: a concept id is matched exactly, then ignoring case and punctuation against ids,
names and aliases (`Momentum`, `Adam optimizer`, `heavy-ball`); a value that names nothing is
reported with the closest names (fuzzy matching by rapidfuzz). A number outside its range is
clamped, and the result says to what.

Pure: no Streamlit, no storage. `Explorer.resolve_link` applies these to a whole query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

CLOSEST = 5  # suggestions offered for a value that names nothing
MIN_SIMILARITY = 50.0  # rapidfuzz ratio (0-100, by edit distance): below it, no suggestion
MAX_SHOWN = 80  # characters of a bad value quoted back in a message
_NOT_WORD = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """The form two spellings of one name share: NFKC, case-folded, punctuation and spaces
    dropped.

    >>> key("Heavy-ball  Momentum") == key("heavy_ball momentum") == "heavyballmomentum"
    True
    """
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def shown(value: object) -> str:
    """A value quoted back to the user: one line, at most MAX_SHOWN characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


@dataclass(frozen=True)
class Named:
    """What a link's value named: `id` (None when nothing), `how` it matched, and, when it
    matched nothing, the `closest` ids, best first."""

    asked: str
    id: str | None
    how: str  # "id" (as written), "case", "alias", "name" or "unknown"
    closest: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.how != "id"


class Names:
    """An index of ids with their names and aliases, for resolving links against them.

    >>> names = Names({"momentum": ("Momentum", ("heavy ball",)), "adam": ("Adam optimizer", ())})
    >>> names.resolve("momentum").how, names.resolve("Momentum").id, names.resolve("heavy-ball").how
    ('id', 'momentum', 'alias')
    >>> names.resolve("Adam Optimizer").id, names.resolve("momentun").closest[0]
    ('adam', 'momentum')
    """

    def __init__(self, entries: Mapping[str, tuple[str, Sequence[str]]]):
        self._ids = dict.fromkeys(entries)
        self._keys: dict[str, tuple[str, str]] = {}  # key -> (id, how), first claim wins
        for how, texts in (("case", lambda cid, name, aliases: [cid]),
                           ("name", lambda cid, name, aliases: [name]),
                           ("alias", lambda cid, name, aliases: list(aliases))):
            for cid, (name, aliases) in entries.items():
                for text in texts(cid, name, aliases):
                    if k := key(text):
                        self._keys.setdefault(k, (cid, how))
        # What fuzzy matching compares against: each id, name and alias, pointing at its id.
        self._choices: list[str] = []
        self._owners: list[str] = []
        for cid, (name, aliases) in entries.items():
            for text in dict.fromkeys((name, cid, *aliases)):
                self._choices.append(text)
                self._owners.append(cid)

    def __contains__(self, cid: object) -> bool:
        return cid in self._ids

    def resolve(self, asked: str) -> Named:
        if asked in self._ids:
            return Named(asked, asked, "id")
        found = self._keys.get(key(asked))
        if found:
            return Named(asked, *found)
        return Named(asked, None, "unknown", self.closest(asked))

    def closest(self, asked: str, limit: int = CLOSEST) -> tuple[str, ...]:
        """The ids whose id, name or alias is most like `asked`, best first, at most `limit`."""
        query = asked[:4 * MAX_SHOWN]
        if not utils.default_process(query) or not self._choices:
            return ()
        ranked = process.extract(query, self._choices, scorer=fuzz.ratio,
                                 processor=utils.default_process, limit=limit * 4,
                                 score_cutoff=MIN_SIMILARITY)
        out: list[str] = []
        for _, _, index in ranked:
            if (owner := self._owners[index]) not in out:
                out.append(owner)
        return tuple(out[:limit])


@dataclass(frozen=True)
class Clamped:
    """A number read from a link: `value` is what is used; `note` says why it differs from what
    was asked ('' when it does not)."""

    value: int
    note: str = ""


def clamp(asked: str | None, default: int, lo: int, hi: int, what: str) -> Clamped:
    """An int within [lo, hi] from `asked`; a value out of range or not a number is replaced,
    and `note` says by what.

    >>> clamp("99", 1, 1, 3, "Depth")
    Clamped(value=3, note='Depth 99 is outside 1–3; showing 3.')
    >>> clamp("1850", 2026, 1980, 2030, "Era").note
    'Era 1850 is outside 1980–2030; showing 1980.'
    >>> clamp("two", 1, 1, 3, "Depth").note
    "Depth 'two' is not a whole number; showing 1."
    >>> clamp(None, 1, 1, 3, "Depth")
    Clamped(value=1, note='')
    """
    if asked is None or asked == "":
        return Clamped(default)
    try:
        number = int(str(asked).strip())
    except ValueError:
        return Clamped(default, f"{what} '{shown(asked)}' is not a whole number; "
                                f"showing {default}.")
    value = min(max(number, lo), hi)
    if value != number:
        return Clamped(value, f"{what} {number} is outside {lo}–{hi}; showing {value}.")
    return Clamped(number)


def choice(asked: str | None, options: Iterable[str], default: str) -> tuple[str, bool]:
    """`asked` if it is one of `options` (ignoring case and punctuation), else `default`; and
    whether `asked` (when given) was not recognised."""
    if asked is None or asked == "":
        return default, False
    by_key = {key(o): o for o in options}
    found = by_key.get(key(asked))
    return (found, False) if found is not None else (default, True)
