"""The labelled risk sentences as unit vectors, for the similar-example tier of risk detection.

The vectors are derived, not shipped: on first use they are computed from labelled/risk/{train,tune}.jsonl with
the sentence embedder and stored under the data folder's cache (``Settings.derived_dir``), keyed by a hash of the
rows and the embedder, so a later start reads them back and a changed row or embedder builds a new file. The
final blind set is never among them.
"""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.config import get_settings
from assistant.replies import labelled
from assistant.replies.text import normalise
from assistant.replies.vectors import sentence_embedder

log = logging.getLogger(__name__)
KNN_K = 5
TASK, ROLES = "risk", ("train", "tune")   # what the shipped tiers learn from


@dataclass(frozen=True)
class ExemplarIndex:
    texts: tuple[str, ...]
    kinds: tuple[str, ...]   # "" for a harmless example
    vectors: np.ndarray      # unit vectors, one row per text

    @cached_property
    def is_red(self) -> np.ndarray:
        """One boolean per row (computed once, not per query)."""
        return np.array([bool(k) for k in self.kinds], dtype=bool)

    @cached_property
    def red(self) -> np.ndarray:
        return np.flatnonzero(self.is_red)

    @cached_property
    def safe(self) -> np.ndarray:
        return np.flatnonzero(~self.is_red)

    def nearest(self, vector: np.ndarray, k: int = KNN_K) -> tuple[int, float, float, float]:
        """(row of the closest red example, its cosine, the closest harmless example's cosine, the share of red
        examples among the ``k`` closest)."""
        sims = self.vectors @ np.asarray(vector, dtype=np.float32).ravel()
        near = int(self.red[np.argmax(sims[self.red])])
        best_safe = float(sims[self.safe].max()) if len(self.safe) else -1.0
        top = np.argpartition(-sims, k - 1)[:k] if len(sims) > k else np.arange(len(sims))
        red_share = float(self.is_red[top].mean())
        return near, float(sims[near]), best_safe, red_share


def training_rows(exclude_batches: frozenset[str] = frozenset()) -> list[dict]:
    """Every labelled sentence the shipped tiers learn from (first occurrence of a text kept), optionally without
    some batches (the benches leave each blind set out in turn)."""
    rows = [r for r in labelled.rows(TASK, *ROLES) if r.get("batch") not in exclude_batches]
    return labelled.distinct(rows, normalise)


def index_of(rows: list[dict], vectors: np.ndarray) -> ExemplarIndex:
    return ExemplarIndex(tuple(normalise(r["text"]) for r in rows), tuple(r["risk"] or "" for r in rows),
                         np.asarray(vectors, dtype=np.float32))


def cache_key(rows: list[dict], embedder_name: str) -> str:
    h = hashlib.sha256(labelled.rows_hash(rows, ("risk",)).encode("ascii"))
    h.update(embedder_name.encode("utf-8"))
    return h.hexdigest()[:20]


def cache_path(folder: Path, rows: list[dict], embedder_name: str) -> Path:
    return folder / f"risk_exemplars-{cache_key(rows, embedder_name)}.npz"


def cache_exists(folder: Path) -> bool:
    """Whether the vectors of the current labelled rows are already stored (for a progress message)."""
    embedder = sentence_embedder()
    return embedder is None or cache_path(folder, training_rows(), f"{embedder.name}/{embedder.dim}").exists()


def derived_index(folder: Path | None = None) -> ExemplarIndex | None:
    """The exemplar index of the labelled sentences, built once and then read from the cache; None without the
    sentence embedder."""
    embedder = sentence_embedder()
    if embedder is None:
        return None
    rows = training_rows()
    folder = folder or get_settings().derived_dir
    path = cache_path(folder, rows, f"{embedder.name}/{embedder.dim}")
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as z:
                vectors = z["vectors"]
            if len(vectors) == len(rows):
                return index_of(rows, vectors)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("rebuilding damaged exemplar cache %s: %s", path, exc)
    log.info("embedding %d labelled risk sentences (first start only)", len(rows))
    vectors = embedder.embed([normalise(r["text"]) for r in rows]).astype(np.float32)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, vectors=vectors)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only data folder: keep them in memory, build again next start
        log.warning("could not store exemplar vectors in %s: %s", folder, exc)
    return index_of(rows, vectors)
