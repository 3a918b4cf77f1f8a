"""Keyword search: a BM25F index over names, aliases and text, written in SQL on DuckDB.

At build time every concept is tokenised (in Python, so documents and queries share one
tokeniser) into postings `(term, concept_id, field, tf, field_len)`; at query time one
parameterised SQL query scores them with BM25F: per-field term frequencies are length-normalised,
weighted (names and aliases count most) and summed before BM25's saturation. No DuckDB extension
is needed, so it works offline.

Typo tolerance: a query word found nowhere in the index is matched to name and alias words within
a small Damerau-Levenshtein distance (DuckDB's `damerau_levenshtein`), so "adma" finds Adam.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pyarrow as pa
from rapidfuzz.distance import DamerauLevenshtein

from explorer.domain.model import Graph

# Field weights (BM25F): a word in a name or alias says far more than one in a summary.
FIELD_WEIGHTS: dict[str, float] = {
    "name": 3.0, "alias": 2.5, "summary": 1.0, "symptom": 1.0, "decision": 0.5,
}
NAME_FIELDS = ("name", "alias")
K1, B = 1.2, 0.75
MAX_QUERY_TERMS = 64

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not
now of off on once only or other our ours out over own same she should so some such than that the
their theirs them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours get gets got getting also
using use used via vs don doesn didn isn aren wasn weren won wouldn shouldn couldn hasn haven
ll ve re
""".split()) | frozenset("abcdefghijklmnopqrstuvwxyz")  # single letters: "don't" -> don, t

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[^\W_]+")
_IRREGULAR = {"matrices": "matrix", "vertices": "vertex", "indices": "index",
              "indexes": "index", "analyses": "analysis", "bases": "basis"}


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A light English stemmer for lowercase words: plurals, -ed, -ing and a final -e.

    It only has to map a word and its inflections to one key, consistently for documents and
    queries; it never touches words with digits.

    >>> [stem(w) for w in ["gradients", "losses", "matrices", "training", "scaled", "scale"]]
    ['gradient', 'loss', 'matrix', 'train', 'scal', 'scal']
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("ches", "shes", "xes", "zes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            root = word[: -len(suffix)]
            if len(root) >= 3 and re.search(r"[aeiouy]", root):
                word = root
                if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
                    word = word[:-1]  # running -> run, clipping -> clip
            break
    if len(word) >= 4 and word.endswith("e"):
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lowercase words of `text`; camelCase runs also give their parts of 3+ letters.

    >>> words("LayerNormalization: exp() overflows in NaN float16")
    ['layernormalization', 'layer', 'normalization', 'exp', 'overflows', 'in', 'nan', 'float16']
    """
    text = unicodedata.normalize("NFKC", text)
    out = []
    for run in _WORD.findall(text):
        out.append(run.casefold())
        parts = _CAMEL.split(run)
        if len(parts) > 1:
            out.extend(p.casefold() for p in parts if len(p) >= 3)
    return out


def tokenize(text: str) -> list[str]:
    """The index terms of `text`: words without stopwords, stemmed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def phrase(text: str) -> tuple[str, ...]:
    """A name as a sequence of stemmed words (stopwords kept), for finding it inside a query."""
    return tuple(stem(w) for w in words(text))


def mentions(query: str, phrases: dict[tuple[str, ...], list[str]],
             max_len: int = 8) -> list[str]:
    """Concepts whose name or alias appears as a whole phrase in `query`, longest phrase first.

    >>> mentions("softmax overflows in the log-sum-exp trick",
    ...          {("softmax",): ["softmax"], ("log", "sum", "exp", "trick"): ["lse"]})
    ['lse', 'softmax']
    """
    seq = phrase(query)
    found: dict[str, tuple[int, int]] = {}
    for n in range(min(max_len, len(seq)), 0, -1):
        for i in range(len(seq) - n + 1):
            for cid in phrases.get(seq[i:i + n], ()):
                found.setdefault(cid, (n, i))
    return sorted(found, key=lambda c: (-found[c][0], found[c][1]))


def name_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name, for exact matching.

    >>> name_key("Log-sum-exp  trick"), name_key("log sum exp TRICK")
    ('logsumexptrick', 'logsumexptrick')
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum())


def name_variants(name: str) -> list[str]:
    """A name and, for "Long name (short)", both parts: each is matched exactly.

    >>> name_variants("Half precision (float16)")
    ['Half precision (float16)', 'Half precision', 'float16']
    """
    out = [name]
    m = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", name)
    if m:
        out += [m.group(1), m.group(2)]
    return out


def document_fields(graph: Graph) -> dict[str, list[tuple[str, str]]]:
    """Per concept, its searchable texts as (field, text) pairs."""
    cited: dict[str, list[str]] = {}
    for d in graph.decisions.values():
        for inf in d.informed_by:
            cited.setdefault(inf.id, []).extend(d.symptoms)
    return {
        c.id: [("name", c.name), *(("alias", a) for a in c.aliases), ("summary", c.summary),
               *(("symptom", s) for s in c.symptoms),
               *(("decision", s) for s in cited.get(c.id, ()))]
        for c in graph.concepts.values()
    }


def write_index(con: duckdb.DuckDBPyConnection, graph: Graph) -> int:
    """Fill the search tables (migrations m003, m004) for `graph`; returns the posting count.

    What does not depend on the query is computed here: each posting's length-normalised term
    frequency `tf / (1 - B + B * field_len / avg_len)` and each term's idf.
    """
    cols: dict[str, list] = {"term": [], "concept_id": [], "field": [], "tf": [], "field_len": []}
    for cid, fields in document_fields(graph).items():
        per_field: dict[str, list[str]] = {}
        for field, text in fields:
            per_field.setdefault(field, []).extend(tokenize(text))
        for field, terms in per_field.items():
            for term, tf in Counter(terms).items():
                for key, value in zip(cols, (term, cid, field, tf, len(terms)), strict=True):
                    cols[key].append(value)
    docs = len(graph.concepts)
    con.execute("""
        INSERT INTO search_field_stats
        SELECT f.field, coalesce(sum(p.len), 0) / greatest(?, 1), ?
        FROM (SELECT unnest(?::VARCHAR[]) AS field) f
        LEFT JOIN (SELECT unnest(?::VARCHAR[]) AS field, unnest(?::INTEGER[]) AS len) p
          USING (field)
        GROUP BY f.field""", [docs, docs, list(FIELD_WEIGHTS), *_field_lengths(cols)])
    # Arrow, not executemany: a 100k-concept graph has millions of postings.
    con.register("new_postings", pa.table(cols))
    try:
        con.execute("""
            INSERT INTO search_postings
            SELECT p.*, p.tf / (1 - ? + ? * p.field_len / greatest(s.avg_len, 1e-9))
            FROM new_postings p JOIN search_field_stats s USING (field)
            ORDER BY p.term, p.concept_id""", [B, B])
    finally:
        con.unregister("new_postings")
    con.execute("""
        INSERT INTO search_terms
        SELECT term, count(DISTINCT concept_id) AS df,
               ln(1 + (? - df + 0.5) / (df + 0.5)), bool_or(field IN ('name', 'alias'))
        FROM search_postings GROUP BY term""", [docs])
    # Typo keys: each name/alias term under itself and each of its one-letter deletions.
    names = {t for t, f in zip(cols["term"], cols["field"], strict=True) if f in NAME_FIELDS}
    pairs = sorted({(key, term) for term in names for key in deletions(term)})
    con.register("new_keys", pa.table({"key": [k for k, _ in pairs],
                                       "term": [t for _, t in pairs]}))
    try:
        con.execute("INSERT INTO search_typo_keys SELECT key, term FROM new_keys")
    finally:
        con.unregister("new_keys")
    return len(cols["term"])


def _field_lengths(cols: dict[str, list]) -> tuple[list[str], list[int]]:
    """(field, length) once per concept and field, from the posting columns."""
    seen = {(c, f): n for c, f, n in zip(cols["concept_id"], cols["field"], cols["field_len"],
                                         strict=True)}
    return [f for _, f in seen], list(seen.values())


# BM25F: per-field normalised tfs are weighted and summed, then saturated once per term.
_BM25_SQL = """
SELECT p.concept_id,
       sum(t.idf * p.wtf * ($k1 + 1) / (p.wtf + $k1)) AS score,
       list(p.term ORDER BY p.term) AS terms
FROM (
    SELECT term, concept_id, sum($weights[list_position($fields, field)] * norm_tf) AS wtf
    FROM search_postings
    WHERE list_contains($terms, term) AND list_contains($fields, field)
    GROUP BY term, concept_id
) p
JOIN search_terms t ON t.term = p.term
GROUP BY p.concept_id
ORDER BY score DESC, p.concept_id
LIMIT $limit
"""

# Candidates share a deletion key with the typed word; unknown words only (see deletions()).
_TYPO_SQL = """
SELECT k.typed, t.term, damerau_levenshtein(k.typed, t.term) AS dist
FROM (SELECT unnest($typed::VARCHAR[]) AS typed, unnest($keys::VARCHAR[]) AS key) k
JOIN search_typo_keys t ON t.key = k.key
WHERE NOT EXISTS (SELECT 1 FROM search_terms s WHERE s.term = k.typed)
"""


@dataclass(frozen=True)
class KeywordHit:
    id: str
    score: float
    terms: tuple[str, ...]  # the query terms it matched


def bm25(cur: duckdb.DuckDBPyConnection, terms: list[str], *, limit: int = 50,
         fields: tuple[str, ...] | None = None) -> list[KeywordHit]:
    """Concepts ranked by BM25F for `terms` (already tokenised), best first."""
    if not terms:
        return []
    fields = fields or tuple(FIELD_WEIGHTS)
    rows = cur.execute(_BM25_SQL, {
        "terms": list(dict.fromkeys(terms))[:MAX_QUERY_TERMS], "fields": list(fields),
        "weights": [FIELD_WEIGHTS[f] for f in fields], "k1": K1, "limit": limit,
    }).fetchall()
    return [KeywordHit(cid, float(score), tuple(ts)) for cid, score, ts in rows]


def deletions(word: str) -> list[str]:
    """The word and each of its one-letter deletions: the keys of search_typo_keys.

    Two words within one edit (insert, delete, substitute, swap) always share a key, so typo
    candidates come from an equi-join, not an edit distance against every name word.

    >>> deletions("adam")
    ['adam', 'dam', 'aam', 'adm', 'ada']
    """
    return [word] + [word[:i] + word[i + 1:] for i in range(len(word))]


def max_typos(word: str) -> int:
    """Edits tolerated in a word: none under 4 letters, 1 up to 7, 2 from 8."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def typo_corrections(cur: duckdb.DuckDBPyConnection, terms: list[str]) -> dict[str, list[str]]:
    """For each query term found nowhere in the index, the closest name/alias terms (in SQL;
    a searcher answers from the same keys held in memory: `TypoIndex`)."""
    typed, keys = [], []
    for word in _typo_candidates(terms):
        for key in deletions(word):
            typed.append(word)
            keys.append(key)
    if not typed:
        return {}
    return _closest(cur.execute(_TYPO_SQL, {"typed": typed, "keys": keys}).fetchall())


def _typo_candidates(terms: list[str]) -> list[str]:
    """The distinct query terms long enough to hold a typo."""
    return [w for w in list(dict.fromkeys(terms))[:MAX_QUERY_TERMS] if max_typos(w)]


def _closest(rows) -> dict[str, list[str]]:
    """(typed, term, distance) rows -> per typed word, the terms at its smallest tolerated
    distance, sorted."""
    best: dict[str, tuple[int, list[str]]] = {}
    for word, term, dist in rows:
        if dist <= max_typos(word):
            d, found = best.get(word, (dist, []))
            if dist < d:
                d, found = dist, []
            if dist == d and term not in found:
                found.append(term)
            best[word] = (d, found)
    return {word: sorted(found) for word, (_, found) in sorted(best.items())}


class TypoIndex:
    """The typo keys (search_typo_keys) and the index's terms, held in memory by a searcher.

    Same answers as `typo_corrections`, without a query per search: a dict lookup per deletion
    key instead of a SQL join (on the curated graph the join and its query cost about as much as
    the BM25 ranking). At 100,000 concepts the keys are a few hundred thousand short strings,
    loaded once per process."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self.terms = frozenset(t for (t,) in cur.execute("SELECT term FROM search_terms")
                               .fetchall())
        self._keys: dict[str, list[str]] = {}
        for key, term in cur.execute("SELECT key, term FROM search_typo_keys").fetchall():
            self._keys.setdefault(key, []).append(term)

    def corrections(self, terms: list[str]) -> dict[str, list[str]]:
        return _closest((word, term, DamerauLevenshtein.distance(word, term))
                        for word in _typo_candidates(terms) if word not in self.terms
                        for key in deletions(word) for term in self._keys.get(key, ()))


def typo_search(cur: duckdb.DuckDBPyConnection, terms: list[str], *, limit: int = 50,
                fixes: dict[str, list[str]] | None = None) -> list[KeywordHit]:
    """BM25 over names and aliases with misspelt query terms replaced by their corrections
    (`fixes`, from typo_corrections, when the caller has them already)."""
    fixes = typo_corrections(cur, terms) if fixes is None else fixes
    if not fixes:
        return []
    corrected = [t for typed in fixes for t in fixes[typed]]
    return bm25(cur, corrected, limit=limit, fields=NAME_FIELDS)
