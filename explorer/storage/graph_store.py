"""The DuckDB graph file: numbered migrations, an atomic build, and read-only access.

A build writes a complete new file next to the target and renames it into place only when
everything succeeded, so a failed build never touches the last good database. The app and CLI
open the file read-only with one connection per process and a cursor per thread.

A build also refuses, unless forced, to replace a database with a graph less than half its size
(an emptied or half-deleted folder is far likelier than a deliberate cut), and never replaces a
file this project did not build (a mistyped `EXPLORER_DB` must not eat someone's file). The
temporary files of a build that was killed are removed by the next one.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from explorer.domain import atlas, relations
from explorer.domain.loader import load_graph, source_hash
from explorer.domain.model import (
    Concept,
    Decision,
    Evidence,
    Goal,
    Graph,
    Influence,
    Layer,
    Link,
    Reference,
    Source,
    gc_paused,
)
from explorer.search.keywords import write_index
from explorer.storage import migrations as migrations_runner

# Each migration is (version, name, SQL). Never edit one that has shipped; append a new one.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "m001_graph",
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE layers (id VARCHAR PRIMARY KEY, name VARCHAR, position INTEGER);
        CREATE TABLE goals (id VARCHAR PRIMARY KEY, name VARCHAR, description VARCHAR,
                            position INTEGER);
        CREATE TABLE concepts (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, layer VARCHAR NOT NULL,
            summary VARCHAR, hook VARCHAR, details VARCHAR, aliases VARCHAR[],
            symptoms VARCHAR[], maturity_years INTEGER[], maturity_values DOUBLE[],
            effort_hours DOUBLE, refs JSON, source_file VARCHAR, source_line INTEGER,
            position INTEGER);
        CREATE TABLE edges (src VARCHAR, dst VARCHAR, kind VARCHAR, why VARCHAR,
                            position INTEGER);
        CREATE TABLE decisions (id VARCHAR PRIMARY KEY, text VARCHAR, kind VARCHAR,
                                maturity_sensitive BOOLEAN, frequency JSON, symptoms VARCHAR[],
                                source_file VARCHAR, source_line INTEGER, position INTEGER);
        CREATE TABLE decision_links (decision_id VARCHAR, concept_id VARCHAR, strength DOUBLE,
                                     why VARCHAR, position INTEGER);
    """,
    ),
    (
        2,
        "m002_vectors",
        """
        CREATE TABLE vectors (concept_id VARCHAR PRIMARY KEY, model VARCHAR,
                              text_hash VARCHAR, vec FLOAT[384]);
    """,
    ),
    (
        3,
        "m003_keyword_index",
        """
        CREATE TABLE search_postings (term VARCHAR, concept_id VARCHAR, field VARCHAR,
                                      tf INTEGER, field_len INTEGER, norm_tf DOUBLE);
        CREATE TABLE search_terms (term VARCHAR PRIMARY KEY, df INTEGER, idf DOUBLE,
                                   in_names BOOLEAN);
        CREATE TABLE search_field_stats (field VARCHAR PRIMARY KEY, avg_len DOUBLE,
                                         docs INTEGER);
    """,
    ),
    (
        4,
        "m004_typo_keys",
        """
        CREATE TABLE search_typo_keys (key VARCHAR, term VARCHAR);
    """,
    ),
    (5, "m005_introduced", "ALTER TABLE concepts ADD COLUMN introduced INTEGER;"),
    (6, "m006_evidence", "ALTER TABLE decisions ADD COLUMN evidence VARCHAR;"),
    # Atlas positions (explorer.domain.atlas): computed once per build, read by every view.
    (7, "m007_atlas", "CREATE TABLE atlas (concept_id VARCHAR PRIMARY KEY, x DOUBLE, y DOUBLE);"),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
BUILT_BY = "curiosity-explorer"  # meta.built_by of every file this project writes
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of a DuckDB file
SHRINK_LIMIT = 0.5  # a build keeping fewer than this share of the concepts needs force

# Given a graph, returns (model id, {concept id: (text hash, vector)}); see embeddings.py.
VectorSource = Callable[[Graph], tuple[str, dict[str, tuple[str, np.ndarray]]]]


@dataclass(frozen=True)
class BuildResult:
    path: Path
    built: bool  # False when the sources were unchanged and the build was skipped
    counts: dict[str, int]
    seconds: float


class BuildRefused(Exception):
    """A build that would lose data: the message says why and what to do instead."""


def migrate(con: duckdb.DuckDBPyConnection,
            migrations: tuple[tuple[int, str, str], ...] = MIGRATIONS) -> None:
    """Bring a graph file's schema up to date (the runner is shared with progress)."""
    migrations_runner.migrate(con, migrations)


def read_meta(path: Path) -> dict[str, str]:
    """The meta table of a database file, or {} if it is missing or unreadable."""
    if not path.exists():
        return {}
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.Error:
        return {}


def foreign(path: Path) -> str | None:
    """Why the file at `path` is not a graph database this project built, or None if it is
    (or is absent). Files from before `built_by` was recorded count by their meta keys."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            header = fh.read(12)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if not path.is_file() or header[8:12] != DUCKDB_MAGIC:
        return "it is not a DuckDB file"
    meta = read_meta(path)
    if meta.get("built_by") == BUILT_BY or {"schema_version", "source_hash"} <= set(meta):
        return None
    return "it is a DuckDB file without this project's meta table"


def check_target(db_path: Path) -> None:
    """Refuse to replace a file this project did not build."""
    why = foreign(db_path)
    if why:
        raise BuildRefused(f"{db_path} exists and {why}: refusing to overwrite it. Move it away "
                           "or point EXPLORER_DB at another path.")


def check_shrink(graph: Graph, db_path: Path, data_dir: Path) -> None:
    """Refuse a graph with less than `SHRINK_LIMIT` of the concepts of the one it replaces."""
    try:
        before = int(json.loads(read_meta(db_path).get("counts", "{}")).get("concepts", 0))
    except (ValueError, TypeError, AttributeError):
        return
    after = len(graph.concepts)
    if before and (after == 0 or after < before * SHRINK_LIMIT):
        raise BuildRefused(
            f"the graph in {data_dir} has {after:,} concepts; the database it would replace "
            f"({db_path}) has {before:,}. A build that loses more than half of the graph is "
            "refused: check the folder, or run `explorer build --force` if this is meant.")


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Delete the `<db>.tmp-<pid>-<thread>` files (and their WALs) of builds whose process is
    gone (killed mid-build, so their `finally` never ran). Returns what was removed."""
    removed = []
    for tmp in db_path.parent.glob(f"{db_path.name}.tmp-*"):
        pid = tmp.name[len(db_path.name) + len(".tmp-"):].split("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user
    return True


def is_current(db_path: Path, data_dir: Path) -> bool:
    meta = read_meta(db_path)
    return (meta.get("source_hash") == source_hash(data_dir)
            and meta.get("schema_version") == str(SCHEMA_VERSION)
            and meta.get("atlas_version") == atlas.VERSION)  # the layout itself changed


def build(
    data_dir: str | Path,
    db_path: str | Path,
    *,
    vectors: VectorSource | None = None,
    force: bool = False,
) -> BuildResult:
    """Validate `data_dir` and write it to `db_path` atomically; a no-op if nothing changed.

    Raises `loader.GraphError` before touching anything if the sources have problems, and
    `BuildRefused` if the graph would shrink by more than half (unless `force`) or `db_path` is
    a file this project did not build.
    """
    start = time.perf_counter()
    data_dir, db_path = Path(data_dir), Path(db_path)
    remove_stale_temporaries(db_path)  # even if this build fails
    digest = source_hash(data_dir)
    if not force and is_current(db_path, data_dir):
        meta = read_meta(db_path)
        return BuildResult(
            db_path, False, json.loads(meta.get("counts", "{}")), time.perf_counter() - start
        )
    check_target(db_path)
    graph = load_graph(data_dir)
    if not force:
        check_shrink(graph, db_path, data_dir)
    counts = write_database(graph, db_path, source=digest, source_dir=str(data_dir),
                            vectors=vectors)
    return BuildResult(db_path, True, counts, time.perf_counter() - start)


def write_database(graph: Graph, db_path: Path, *, source: str, source_dir: str = "",
                   vectors: VectorSource | None = None) -> dict[str, int]:
    """Write `graph` to a new file beside `db_path`, then rename it into place.

    Until the rename, the previous file is untouched; on any error the new file is removed.
    `source` identifies what was built (the source hash), so an unchanged rebuild is skipped.
    """
    check_target(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(db_path)
    tmp = db_path.with_name(f"{db_path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            migrate(con)
            counts = write_graph(con, graph)
            if vectors is not None:
                model_id, vecs = vectors(graph)
                write_vectors(con, model_id, vecs)
                counts["vectors"] = len(vecs)
            meta = {
                "built_by": BUILT_BY,
                "schema_version": str(SCHEMA_VERSION),
                "atlas_version": atlas.VERSION,
                "source_hash": source,
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "source_dir": source_dir,
                "counts": json.dumps(counts),
            }
            _insert(con, "meta", list(meta.items()))
            con.execute("CHECKPOINT")
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return counts


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """executemany, which DuckDB refuses for an empty list."""
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def write_graph(con: duckdb.DuckDBPyConnection, graph: Graph) -> dict[str, int]:
    con.execute("BEGIN")
    _insert(con, "layers", [(la.id, la.name, la.position) for la in graph.layers])
    _insert(con, "goals", [(g.id, g.name, g.description, i) for i, g in enumerate(graph.goals)])
    _insert(
        con,
        "concepts",
        [
            (
                c.id,
                c.name,
                c.layer,
                c.summary,
                c.hook,
                c.details,
                list(c.aliases),
                list(c.symptoms),
                [y for y, _ in c.maturity],
                [v for _, v in c.maturity],
                c.effort_hours,
                json.dumps([{"title": r.title, "url": r.url} for r in c.references]),
                c.source.file if c.source else None,
                c.source.line if c.source else None,
                i,
                c.introduced,
            )
            for i, c in enumerate(graph.concepts.values())
        ],
    )
    edges = graph.edges()
    _insert(con, "edges", [(*e, i) for i, e in enumerate(edges)])
    _insert(
        con,
        "decisions",
        [
            (
                d.id,
                d.text,
                d.kind,
                d.maturity_sensitive,
                json.dumps(dict(d.frequency)),
                list(d.symptoms),
                d.source.file if d.source else None,
                d.source.line if d.source else None,
                i,
                json.dumps([{"url": e.url, "title": e.title, "summary": e.summary}
                            for e in d.evidence], ensure_ascii=False),
            )
            for i, d in enumerate(graph.decisions.values())
        ],
    )
    links = [
        (d.id, inf.id, inf.strength, inf.why, i)
        for d in graph.decisions.values()
        for i, inf in enumerate(d.informed_by)
    ]
    _insert(con, "decision_links", links)
    write_atlas(con, atlas.layout(graph))
    write_index(con, graph)  # the keyword search tables (keyword.py)
    con.execute("COMMIT")
    per_layer = {la.id: 0 for la in graph.layers}
    for c in graph.concepts.values():
        per_layer[c.layer] = per_layer.get(c.layer, 0) + 1
    return {
        "concepts": len(graph.concepts),
        "edges": len(edges),
        "decisions": len(graph.decisions),
        "decision_links": len(links),
        **{f"layer:{k}": v for k, v in per_layer.items()},
    }


def write_atlas(con: duckdb.DuckDBPyConnection, positions: dict[str, tuple[float, float]]
                ) -> None:
    """Insert the atlas through Arrow (100k rows in milliseconds)."""
    if not positions:
        return
    ids = list(positions)
    rows = pa.table({"concept_id": ids, "x": [positions[c][0] for c in ids],
                     "y": [positions[c][1] for c in ids]})
    con.register("new_atlas", rows)
    try:
        con.execute("INSERT INTO atlas SELECT * FROM new_atlas")
    finally:
        con.unregister("new_atlas")


def write_vectors(
    con: duckdb.DuckDBPyConnection, model_id: str, vecs: dict[str, tuple[str, np.ndarray]]
) -> None:
    """Insert vectors through Arrow: 100k rows take about a second (row-wise, minutes)."""
    if not vecs:
        return
    ids = list(vecs)
    matrix = np.stack([vecs[c][1] for c in ids]).astype(np.float32)
    rows = pa.table({
        "concept_id": ids, "model": [model_id] * len(ids),
        "text_hash": [vecs[c][0] for c in ids],
        "vec": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1]),
    })
    con.register("new_vectors", rows)
    try:
        con.execute("BEGIN")
        con.execute("INSERT INTO vectors SELECT * FROM new_vectors")
        con.execute("COMMIT")
    finally:
        con.unregister("new_vectors")


class Store:
    """Read-only access to a built graph file; `Store()` with no path is an empty in-memory one.

    One connection per Store (one Store per process); each call takes its own cursor, so a Store
    can be shared by Streamlit's threads.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        if self.path is None:
            self._con = duckdb.connect(":memory:")
            migrate(self._con)
        else:
            if not self.path.exists():
                raise FileNotFoundError(f"no graph database at {self.path}; run `explorer build`")
            self._con = duckdb.connect(str(self.path), read_only=True)

    @classmethod
    def from_graph(cls, graph: Graph) -> Store:
        """An in-memory store holding `graph` (for tests and synthetic graphs)."""
        store = cls()
        write_graph(store._con, graph)
        return store

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def close(self) -> None:
        self._con.close()

    def meta(self) -> dict[str, str]:
        return dict(self.cursor().execute("SELECT key, value FROM meta").fetchall())

    def load_graph(self) -> Graph:
        """Rebuild the model from the database (the services work on it in memory)."""
        with gc_paused():  # 100k concepts: twice as fast
            return self._load_graph()

    def _load_graph(self) -> Graph:
        cur = self.cursor()
        layers = tuple(
            Layer(*r)
            for r in cur.execute(
                "SELECT id, name, position FROM layers ORDER BY position"
            ).fetchall()
        )
        goals = tuple(
            Goal(*r)
            for r in cur.execute(
                "SELECT id, name, description FROM goals ORDER BY position"
            ).fetchall()
        )
        links: dict[tuple[str, str], list[Link]] = {}
        for src, dst, kind, why in cur.execute(
            "SELECT src, dst, kind, why FROM edges ORDER BY position"
        ).fetchall():
            links.setdefault((src, kind), []).append(Link(dst, why or ""))
        concepts = {}
        for (
            cid,
            name,
            layer,
            summary,
            hook,
            details,
            aliases,
            symptoms,
            years,
            values,
            effort,
            refs,
            sfile,
            sline,
            introduced,
        ) in cur.execute(
            "SELECT id, name, layer, summary, hook, details, aliases, symptoms, "
            "maturity_years, maturity_values, effort_hours, refs, source_file, "
            "source_line, introduced FROM concepts ORDER BY position"
        ).fetchall():
            concepts[cid] = Concept(
                id=cid,
                name=name,
                layer=layer,
                summary=summary or "",
                hook=hook or "",
                aliases=tuple(aliases or ()),
                details=details or "",
                symptoms=tuple(symptoms or ()),
                maturity=tuple(zip(years or (), values or (), strict=True)),
                effort_hours=effort,
                introduced=introduced,
                **Concept.link_fields({kind: tuple(links.get((cid, kind), ()))
                                       for kind in relations.names()}),
                references=tuple(
                    Reference(r["title"], r.get("url")) for r in json.loads(refs or "[]")
                ),
                source=Source(sfile, sline) if sfile else None,
            )
        influences: dict[str, list[Influence]] = {}
        for did, cid, strength, why in cur.execute(
            "SELECT decision_id, concept_id, strength, why FROM decision_links "
            "ORDER BY decision_id, position"
        ).fetchall():
            influences.setdefault(did, []).append(Influence(cid, strength, why or ""))
        decisions = {}
        for did, text, kind, sensitive, freq, symptoms, sfile, sline, evidence in cur.execute(
            "SELECT id, text, kind, maturity_sensitive, frequency, symptoms, source_file, "
            "source_line, evidence FROM decisions ORDER BY position"
        ).fetchall():
            decisions[did] = Decision(
                did,
                text,
                kind,
                sensitive,
                tuple(json.loads(freq or "{}").items()),
                tuple(influences.get(did, ())),
                tuple(symptoms or ()),
                Source(sfile, sline) if sfile else None,
                evidence=tuple(Evidence(e["url"], e["title"], e["summary"])
                               for e in json.loads(evidence or "[]")),
            )
        return Graph(layers, goals, concepts, decisions)

    def positions(self) -> dict[str, tuple[float, float]]:
        """Concept id → atlas (x, y) as built (canvas units; see explorer.domain.atlas)."""
        try:
            table = self.cursor().sql("SELECT concept_id, x, y FROM atlas").to_arrow_table()
        except duckdb.CatalogException:  # a file from before m007, opened with autobuild off
            return {}
        return dict(zip(table.column("concept_id").to_pylist(),
                        zip(table.column("x").to_pylist(), table.column("y").to_pylist(),
                            strict=True), strict=True))

    def vectors(self) -> tuple[list[str], np.ndarray, str | None]:
        """(concept ids, float32 matrix, model id) of the stored embeddings, read via Arrow."""
        table = self.cursor().sql(
            "SELECT concept_id, vec, model FROM vectors ORDER BY concept_id").to_arrow_table()
        if table.num_rows == 0:
            return [], np.zeros((0, 384), dtype=np.float32), None
        vec = table.column("vec").combine_chunks()
        matrix = np.asarray(vec.flatten(), dtype=np.float32).reshape(table.num_rows, -1)
        return table.column("concept_id").to_pylist(), matrix, table.column("model")[0].as_py()
