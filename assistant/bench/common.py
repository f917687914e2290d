"""Shared benchmark helpers: data paths, metrics, latency percentiles, tables, an embedding cache.

Embedding the NCPQA corpus with m3e-small on 2 cores takes minutes, so vectors are cached in
``.bench-cache/`` (git-ignored) keyed by model and exact text: changing the chunker re-embeds only
the chunks that changed.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from assistant.config import PROJECT_ROOT
from assistant.retrieval.text import normalize

CACHE_DIR = PROJECT_ROOT / ".bench-cache"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def read_jsonl(path: Path | str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def file_hash(*paths: Path | str, extra: str = "") -> str:
    h = hashlib.sha1(extra.encode())
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:12]


def in_tune_half(key: str) -> bool:
    """Deterministic split for tuning: about half the queries tune parameters, the rest report."""
    return int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16) % 2 == 0


# ---- metrics ---------------------------------------------------------------------------------
def rank_of(ranked: Sequence[bool]) -> int | None:
    """1-based position of the first hit, or None."""
    for i, ok in enumerate(ranked):
        if ok:
            return i + 1
    return None


def summarize(ranks: list[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None) / n,
    }


def answer_hit(answer: str, texts: Sequence[str]) -> list[bool]:
    a = normalize(answer)
    return [bool(a) and a in normalize(t) for t in texts]


def budget_hit(answer: str, texts: Sequence[str], budget: int = 1500) -> bool:
    """The answer lies whole inside one passage and within the first ``budget`` characters read in rank order."""
    a = normalize(answer)
    used = 0
    for t in texts:
        if used >= budget:
            return False
        shown = normalize(t)[: budget - used]
        if a and a in shown:
            return True
        used += len(normalize(t))
    return False


def percentiles(ms: list[float]) -> tuple[float, float]:
    if not ms:
        return 0.0, 0.0
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return q[49], q[94]


class Timer:
    def __init__(self) -> None:
        self.ms: list[float] = []

    def __enter__(self) -> "Timer":
        self._t = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.ms.append((time.perf_counter() - self._t) * 1000.0)


def print_table(title: str, header: list[str], rows: Iterable[Sequence]) -> None:
    def fmt(v) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    body = [[fmt(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in body:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(r, widths)) + " |")


def with_embedding(settings, model: str | None = None, backend: str | None = None):
    """``settings`` with a bench's --model / --backend applied (same values as EMBEDDING_MODEL / _BACKEND)."""
    from dataclasses import replace

    return replace(settings, embedding_model=model or settings.embedding_model,
                   embedding_backend=backend or settings.embedding_backend)


# ---- embedding cache -------------------------------------------------------------------------
class CachedEmbedder:
    """Wraps an Embedder; vectors are stored per (model, text) in a sqlite file under .bench-cache."""

    def __init__(self, inner, path: Path | None = None):
        self.inner = inner
        self.name = inner.name
        self.key = getattr(inner, "key", inner.name)  # the encoder path too: int8 and torch vectors kept apart
        self.dim = inner.dim
        path = path or CACHE_DIR / f"embeddings-{self.key}.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, vec BLOB)")

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: list[str], batch: int = 256, progress: bool = False) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            q = f"SELECT k, vec FROM v WHERE k IN ({','.join('?' * len(part))})"
            for k, blob in self.db.execute(q, part):
                found[k] = np.frombuffer(blob, dtype=np.float32)
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items())
        t0 = time.perf_counter()
        for start in range(0, len(todo), batch):
            part = todo[start:start + batch]
            vecs = self.inner.embed([t for _, t in part])
            self.db.executemany("INSERT OR REPLACE INTO v VALUES (?, ?)",
                                [(k, np.asarray(v, dtype=np.float32).tobytes()) for (k, _), v in zip(part, vecs)])
            self.db.commit()
            for (k, _), v in zip(part, vecs):
                found[k] = np.asarray(v, dtype=np.float32)
            if progress:
                done = start + len(part)
                rate = done / max(1e-9, time.perf_counter() - t0)
                print(f"  embedded {done}/{len(todo)} ({rate:.0f}/s)", flush=True)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys])
