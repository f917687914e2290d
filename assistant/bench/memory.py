"""An in-memory knowledge base with the store's read API (version, document_stamps, iter_chunks, vector_search).

Why it exists: benchmarks at 50k synthetic chunks and quick experiments need the retriever
without paying chromadb ingestion; the shipped app always runs on ``assistant.store.kb``.
``where`` supports the chromadb subset the retriever emits: equality, ``$in`` and ``$and``
(``assistant.retrieval.filters.where_matches``).
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from assistant.documents.model import Chunk
from assistant.retrieval.filters import filter_metadata, where_matches


class MemoryKB:
    """Chunks and their vectors in arrays; satisfies ``retrieval.model.ChunkSource``."""

    def __init__(self, chunks: list[Chunk] | None = None, vectors: np.ndarray | None = None):
        self._chunks: list[Chunk] = []
        self._vectors = np.zeros((0, 1), dtype=np.float32)
        self._version = 0
        self._stamps: dict[str, str] = {}
        if chunks:
            self.add_chunks(chunks, vectors)

    def add_chunks(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        self._vectors = vectors if not self._chunks else np.vstack([self._vectors, vectors])
        self._chunks.extend(chunks)
        self._version += 1
        for doc_id in {c.doc_id for c in chunks}:
            self._stamps[doc_id] = str(self._version)

    def remove_document(self, doc_id: str) -> None:
        keep = [i for i, c in enumerate(self._chunks) if c.doc_id != doc_id]
        self._chunks = [self._chunks[i] for i in keep]
        self._vectors = self._vectors[keep]
        self._version += 1
        self._stamps.pop(doc_id, None)

    def version(self) -> int:
        return self._version

    def document_stamps(self) -> dict[str, str]:
        """doc_id -> a stamp that changes whenever the document's chunks change (as ``KnowledgeBase``)."""
        return dict(self._stamps)

    def iter_chunks(self, where: dict | None = None) -> Iterator[Chunk]:
        return iter([c for c in self._chunks if where_matches(filter_metadata(c), where)])

    def vector_ids(self, query_vec: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        return [(c.id, sim) for c, sim in self.vector_search(query_vec, k, where)]

    def vector_search(self, query_vec: np.ndarray, k: int, where: dict | None = None) -> list[tuple[Chunk, float]]:
        if not self._chunks:
            return []
        sims = self._vectors @ np.asarray(query_vec, dtype=np.float32)
        if where:
            allowed = np.array([where_matches(filter_metadata(c), where) for c in self._chunks])
            sims = np.where(allowed, sims, -np.inf)
        k = min(k, len(self._chunks))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(self._chunks[i], float(sims[i])) for i in top if np.isfinite(sims[i])]
