"""The knowledge base: chromadb chunks + the document registry, kept in step.

Every change is ordered so that a crash at any point leaves the previous state searchable:
new chunks are written under a new revision id first, the registry row then switches to that revision in one
transaction (bumping the knowledge-base version stamp), and only then are the old revision's chunks deleted.
Readers only ever see chunks whose (doc_id, revision) the registry calls current; leftovers from an interrupted
write are invisible and removed by ``repair()`` on the next write.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

import numpy as np
from sqlalchemy import delete, select, update

from assistant.config import Settings
from assistant.documents.model import Chunk, Status
from assistant.store import db
from assistant.store.chroma import (MAX_BATCH, PAGE, OfflineEmbeddingFunction, collection_name,
                                    forget_embedded_system, open_client)
from assistant.store.embedding import Embedder, get_embedder
from assistant.store.lock import StoreLocked, WriteLock

__all__ = ["KnowledgeBase", "DocumentRow", "StoreLocked", "file_sha256"]


@dataclass
class DocumentRow:
    id: str
    title: str
    source: str
    kind: str
    sha256: str
    status: str
    chunk_count: int
    error: str
    warnings: str
    category: str
    doc_date: str
    revision: int
    added_at: datetime
    replaced_at: datetime | None
    added_by: str


def chunk_metadata(chunk: Chunk, revision: int) -> dict:
    return {
        "doc_id": chunk.doc_id, "revision": revision, "ordinal": chunk.ordinal, "title": chunk.title,
        "kind": chunk.kind, "heading_path": chunk.heading_path, "clause": chunk.clause, "page": chunk.page or 0,
        "category": chunk.category, "questions": json.dumps(chunk.questions, ensure_ascii=False),
        "answer": chunk.answer, "date": chunk.date,
    }


def chunk_from_record(text: str, meta: dict) -> Chunk:
    return Chunk(
        doc_id=meta["doc_id"], ordinal=int(meta["ordinal"]), text=text, title=meta.get("title", ""),
        kind=meta.get("kind", "passage"), heading_path=meta.get("heading_path", ""), clause=meta.get("clause", ""),
        page=int(meta.get("page") or 0) or None, category=meta.get("category", ""),
        questions=json.loads(meta.get("questions") or "[]"), answer=meta.get("answer", ""), date=meta.get("date", ""),
    )


def record_id(doc_id: str, revision: int, ordinal: int) -> str:
    return f"{doc_id}:r{revision}:{ordinal:05d}"


class KnowledgeBase:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.engine = db.get_engine(settings.db_url)
        self._embedder = embedder
        self._client = None
        self._collection = None
        self._count_cache: tuple[int, int] | None = None
        self._client_version = -1
        self._current: dict[str, int] | None = None
        self._current_version = -1
        self._lock_fd: WriteLock | None = None

    # -- plumbing ---------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def embedded(self) -> bool:
        return not self.settings.chroma_host

    def version(self) -> int:
        return db.kb_version(self.engine)

    @property
    def collection(self):
        version = self.version()
        if self._collection is not None and self.embedded and version != self._client_version:
            self.reopen()  # another process wrote: an embedded client keeps serving stale data until reopened
        if self._collection is None:
            self._client = open_client(self.settings)
            self._collection = self._client.get_or_create_collection(
                collection_name(self.settings.collection, self.settings.embedding_model),
                embedding_function=OfflineEmbeddingFunction(self.embedder),
                metadata={"hnsw:space": "cosine"},
            )
            self._client_version = version
        return self._collection

    def reopen(self) -> None:
        self._collection = None
        self._client = None
        if self.embedded:
            forget_embedded_system(self.settings.chroma_dir)

    def current_revisions(self) -> dict[str, int]:
        """doc_id -> revision for every ready document; cached per version stamp."""
        version = self.version()
        if self._current is None or version != self._current_version:
            with self.engine.connect() as conn:
                rows = conn.execute(select(db.documents.c.id, db.documents.c.revision)
                                    .where(db.documents.c.status == Status.READY.value)).all()
            self._current = {r.id: r.revision for r in rows}
            self._current_version = version
        return self._current

    def document_stamps(self) -> dict[str, str]:
        """doc_id -> a stamp that changes whenever the document's chunks change, for every ready document.

        Derived indexes compare stamps to re-read only what changed. The revision alone is not enough: a removed
        document that is added again starts over at revision 1, so the stamp also holds when its row was created.
        """
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.documents.c.id, db.documents.c.revision, db.documents.c.added_at)
                                .where(db.documents.c.status == Status.READY.value)).all()
        return {r.id: f"{r.revision}@{r.added_at.isoformat()}" for r in rows}

    # -- write lock ------------------------------------------------------------------------------------
    def _dirty(self, value: bool | None = None) -> bool:
        """A flag set before chunks are written and cleared when the write finished cleanly."""
        with self.engine.begin() as conn:
            current = conn.execute(select(db.kb_meta.c.value).where(db.kb_meta.c.key == "dirty")).scalar()
            if value is None:
                return bool(current)
            if current is None:
                conn.execute(db.kb_meta.insert().values(key="dirty", value=int(value)))
            else:
                conn.execute(update(db.kb_meta).where(db.kb_meta.c.key == "dirty").values(value=int(value)))
            return value

    @contextmanager
    def writing(self) -> Iterator["KnowledgeBase"]:
        """Exclusive writer for the embedded store (two writers on one chromadb folder corrupt it)."""
        if self._lock_fd is not None:
            yield self
            return
        if not self.embedded:
            if self._dirty():
                self.repair()
            yield self
            self._dirty(False)
            return
        lock = WriteLock(self.settings.lock_path)
        lock.acquire()
        self._lock_fd = lock
        try:
            if self._collection is not None and self.version() != self._client_version:
                self.reopen()  # another process wrote since we opened: start from what is on disk
            if self._dirty():
                self.repair()
            yield self
            self._dirty(False)
        finally:
            self._lock_fd = None
            lock.release()

    def _require_lock(self) -> None:
        if self.embedded and self._lock_fd is None:
            raise RuntimeError("write outside KnowledgeBase.writing()")
        self._dirty(True)

    # -- registry reads ----------------------------------------------------------------------------------
    def documents(self) -> list[DocumentRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.documents).order_by(db.documents.c.added_at)).all()
        return [DocumentRow(**r._mapping) for r in rows]

    def get_document(self, key: str) -> DocumentRow | None:
        """Find by id, source file name or title (in that order)."""
        for column in (db.documents.c.id, db.documents.c.source, db.documents.c.title):
            with self.engine.connect() as conn:
                row = conn.execute(select(db.documents).where(column == key)).first()
            if row is not None:
                return DocumentRow(**row._mapping)
        return None

    def find_by_sha(self, sha256: str) -> DocumentRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.documents).where(db.documents.c.sha256 == sha256)
                               .where(db.documents.c.status == Status.READY.value)).first()
        return DocumentRow(**row._mapping) if row is not None else None

    # -- chunk reads -------------------------------------------------------------------------------------
    def _is_current(self, meta: dict, current: dict[str, int]) -> bool:
        return current.get(meta.get("doc_id")) == meta.get("revision")

    def iter_chunks(self, where: dict | None = None) -> Iterator[Chunk]:
        current = self.current_revisions()
        offset = 0
        while True:
            page = self.collection.get(where=where, limit=PAGE, offset=offset, include=["documents", "metadatas"])
            for text, meta in zip(page["documents"], page["metadatas"]):
                if self._is_current(meta, current):
                    yield chunk_from_record(text, meta)
            if len(page["ids"]) < PAGE:
                return
            offset += PAGE

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return sorted(self.iter_chunks(where={"doc_id": doc_id}), key=lambda c: c.ordinal)

    def count(self) -> int:
        return self.collection.count()

    def _count(self) -> int:
        """Records in the collection (all revisions), cached per version stamp: ``count()`` costs ~6 ms at 50k."""
        version = self.version()
        if self._count_cache is None or self._count_cache[0] != version:
            self._count_cache = (version, self.collection.count())
        return self._count_cache[1]

    def vector_ids(self, query_vec: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the nearest current chunks, best first, without reading texts or metadata.

        The retriever already holds every chunk in its index, so it needs only ids: asking chromadb for distances
        alone takes ~4 ms at 50k records against ~21 ms with documents and metadata. The record id carries the
        revision, so stale revisions are dropped without the metadata.
        """
        current = self.current_revisions()
        if not current:
            return []
        n = min(max(k * 2, k + 10), max(1, self._count()))
        res = self.collection.query(query_embeddings=[np.asarray(query_vec, dtype=np.float32).tolist()],
                                    n_results=n, where=where, include=["distances"])
        out = []
        for rid, dist in zip(res["ids"][0], res["distances"][0]):
            doc_id, rev, ordinal = rid.rsplit(":", 2)
            if current.get(doc_id) == int(rev[1:]):
                out.append((f"{doc_id}:{ordinal}", 1.0 - float(dist)))
        return out[:k]

    def vector_search(self, query_vec: np.ndarray, k: int, where: dict | None = None) -> list[tuple[Chunk, float]]:
        current = self.current_revisions()
        if not current:
            return []
        n = min(max(k * 2, k + 10), max(1, self._count()))
        res = self.collection.query(query_embeddings=[np.asarray(query_vec, dtype=np.float32).tolist()],
                                    n_results=n, where=where, include=["documents", "metadatas", "distances"])
        out = []
        for text, meta, dist in zip(res["documents"][0], res["metadatas"][0], res["distances"][0]):
            if self._is_current(meta, current):
                out.append((chunk_from_record(text, meta), 1.0 - float(dist)))
        return out[:k]

    # -- writes ------------------------------------------------------------------------------------------
    def put_document(self, *, doc_id: str, title: str, source: str, kind: str, sha256: str, chunks: list[Chunk],
                     user: str, category: str = "", doc_date: str = "", warnings: list[str] = (),
                     progress=None) -> DocumentRow:
        """Add or atomically replace a ready document with ``chunks``."""
        self._require_lock()
        old = self.get_document(doc_id)
        revision = (old.revision + 1) if old else 1
        step = min(MAX_BATCH, max(8, self.settings.embedding_batch) * 4)
        for start in range(0, len(chunks), step):  # embed and write batch by batch: bounded memory
            batch = chunks[start:start + step]
            self.collection.upsert(
                ids=[record_id(doc_id, revision, c.ordinal) for c in batch],
                embeddings=self._embed([c.index_text for c in batch], progress),
                documents=[c.text for c in batch],
                metadatas=[chunk_metadata(c, revision) for c in batch],
            )
        values = dict(title=title, source=source, kind=kind, sha256=sha256, status=Status.READY.value,
                      chunk_count=len(chunks), error="", warnings="\n".join(warnings), category=category,
                      doc_date=doc_date, revision=revision, added_by=user)
        with self.engine.begin() as conn:
            if old:
                conn.execute(update(db.documents).where(db.documents.c.id == doc_id)
                             .values(**values, replaced_at=db.now()))
            else:
                conn.execute(db.documents.insert().values(id=doc_id, added_at=db.now(), **values))
            self._client_version = db.bump_version(conn)
        if old and old.status == Status.READY.value:
            self._delete_revision(doc_id, old.revision)
        return self.get_document(doc_id)

    def _embed(self, texts: list[str], progress) -> np.ndarray:
        step = max(8, self.settings.embedding_batch)
        parts = []
        for start in range(0, len(texts), step):
            parts.append(self.embedder.embed(texts[start:start + step]))
            if progress is not None:
                progress(len(texts[start:start + step]))
        return np.vstack(parts) if parts else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def record_failure(self, *, doc_id: str, title: str, source: str, kind: str, sha256: str, status: str,
                       error: str, user: str) -> DocumentRow:
        """A new file that could not become text gets a row saying why; an existing ready document is untouched."""
        self._require_lock()
        old = self.get_document(doc_id)
        if old and old.status == Status.READY.value:
            return old
        values = dict(title=title, source=source, kind=kind, sha256=sha256, status=status, chunk_count=0,
                      error=error, warnings="", revision=old.revision if old else 0, added_by=user)
        with self.engine.begin() as conn:
            if old:
                conn.execute(update(db.documents).where(db.documents.c.id == doc_id)
                             .values(**values, replaced_at=db.now()))
            else:
                conn.execute(db.documents.insert().values(id=doc_id, added_at=db.now(), **values))
            self._client_version = db.bump_version(conn)
        return self.get_document(doc_id)

    def remove_document(self, doc_id: str) -> bool:
        self._require_lock()
        old = self.get_document(doc_id)
        if old is None:
            return False
        with self.engine.begin() as conn:
            conn.execute(delete(db.documents).where(db.documents.c.id == doc_id))
            self._client_version = db.bump_version(conn)
        self.collection.delete(where={"doc_id": doc_id})
        return True

    def _delete_revision(self, doc_id: str, revision: int) -> None:
        self.collection.delete(where={"$and": [{"doc_id": doc_id}, {"revision": revision}]})

    def repair(self) -> int:
        """Delete chunks no registry row points at (left by an interrupted write). Returns how many."""
        current = self.current_revisions()
        stale: list[str] = []
        offset = 0
        while True:
            page = self.collection.get(limit=PAGE, offset=offset, include=["metadatas"])
            stale += [i for i, m in zip(page["ids"], page["metadatas"]) if not self._is_current(m, current)]
            if len(page["ids"]) < PAGE:
                break
            offset += PAGE
        for start in range(0, len(stale), MAX_BATCH):
            self.collection.delete(ids=stale[start:start + MAX_BATCH])
        return len(stale)


def file_sha256(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
