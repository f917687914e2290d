"""Optional second-stage reranker behind a Protocol; off by default.

Why off: no Chinese cross-encoder ships inside a registry package (models come only from packages or
local folders), and a BERT-sized cross-encoder scoring 10 passages of ~500 characters costs far more
than the 100 ms query budget on 2 CPU cores. A deployment with a local model folder (e.g. a
downloaded bge-reranker) can pass ``CrossEncoderReranker(path)`` to ``Retriever(reranker=...)``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from assistant.retrieval.model import Hit


class Reranker(Protocol):
    def rerank(self, query: str, hits: list[tuple[Hit, float]]) -> list[tuple[Hit, float]]:
        """The same (hit, cosine) pairs, reordered best first; hit.score set to the reranker's score."""
        ...


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder loaded from a local folder (never from a hub)."""

    def __init__(self, folder: Path | str, max_length: int = 512):
        from sentence_transformers import CrossEncoder

        self.model = CrossEncoder(str(folder), max_length=max_length, device="cpu", local_files_only=True)

    def rerank(self, query: str, hits: list[tuple[Hit, float]]) -> list[tuple[Hit, float]]:
        if not hits:
            return hits
        scores = self.model.predict([(query, f"{h.title}\n{h.text}") for h, _ in hits])
        for (h, _), s in zip(hits, scores):
            h.score = float(s)
        return sorted(hits, key=lambda hc: -hc[0].score)
