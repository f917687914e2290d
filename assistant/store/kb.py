"""The knowledge base: chromadb chunks + the document registry, kept in step.

Every change is ordered so that a crash at any point leaves the previous state searchable:
new chunks are written under a new revision id first, the registry row then switches to that revision in one
transaction (bumping the knowledge-base version stamp), and only then are the old revision's chunks deleted.
Readers only ever see chunks whose (doc_id, revision) the registry calls current; leftovers from an interrupted
write are invisible and removed by ``repair()`` on the next write. The SQL side is ``store.registry``, the chromadb
record format and paging ``store.records``; this module orders the two.
"""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import numpy as np

from assistant.config import Settings
from assistant.documents.model import Chunk, Status
from assistant.store import db
from assistant.store.chroma import OfflineEmbeddingFunction, collection_name, forget_embedded_system, open_client
from assistant.store.embedding import Embedder, get_embedder
from assistant.store.lock import AdvisoryLock, StoreLocked, WriteLock
from assistant.documents.jurisdiction import DocumentMeta
from assistant.store.meta import apply_meta, derive_for, keep_edits, with_meta
from assistant.store.records import (MAX_BATCH, META_KEYS, batched, chunk_from_record, chunk_metadata, delete_ids,
                                     is_current, pages, parse_record_id, record_id)
from assistant.store.registry import KEPT, DocumentRow, Registry

__all__ = ["KnowledgeBase"]

Progress = Callable[[int], None]
FILES_DIR = "files"   # data_dir/files/<doc_id>/: the stored copy of each document's file (assistant.ingest)


class KnowledgeBase:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.engine = db.get_engine(settings.db_url)
        self.registry = Registry(self.engine)
        self._embedder = embedder
        self._client = None
        self._collection = None
        self._count_cache: tuple[int, int] | None = None
        self._client_version = -1
        self._lock_fd: WriteLock | AdvisoryLock | None = None

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
        return self.registry.version()

    @property
    def collection(self) -> Any:
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

    def _get_collection(self) -> Any:
        return self.collection

    def reopen(self) -> None:
        self._collection = None
        self._client = None
        if self.embedded:
            forget_embedded_system(self.settings.chroma_dir)

    # -- write lock ------------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator["KnowledgeBase"]:
        """The one writer of this knowledge base, across processes (``store.lock`` says which lock and why).

        Embedded store: two writers on one chromadb folder corrupt it, so a second one is refused at once. Server
        mode: two instances' writes would interleave between the chroma write and the registry switch (and one's
        ``repair`` would sweep away the other's chunks not yet switched in), so a second writer waits its turn.
        """
        if self._lock_fd is not None:
            yield self
            return
        if self.embedded:
            lock: WriteLock | AdvisoryLock = WriteLock(self.settings.lock_path)
            lock.acquire()
        else:
            lock = (AdvisoryLock(self.engine, self.settings.collection)
                    if self.engine.dialect.name == "postgresql" else WriteLock(self.settings.lock_path))
            lock.acquire(self.settings.write_lock_wait_s)
        self._lock_fd = lock
        try:
            if self._collection is not None and self.version() != self._client_version:
                self.reopen()  # another process wrote since we opened: start from what is on disk
            if self.registry.dirty():
                self.repair()
            yield self
            self.registry.dirty(False)
        finally:
            self._lock_fd = None
            lock.release()

    def _require_lock(self) -> None:
        if self._lock_fd is None:
            raise StoreLocked()
        self.registry.dirty(True)

    # -- registry reads ----------------------------------------------------------------------------------
    def document_stamps(self) -> dict[str, str]:
        return self.registry.document_stamps()

    def documents(self) -> list[DocumentRow]:
        return self.registry.documents()

    def get_document(self, key: str) -> DocumentRow | None:
        """Find by id, source file name or title (in that order)."""
        return self.registry.get_document(key)

    def find_by_sha(self, sha256: str) -> DocumentRow | None:
        return self.registry.find_by_sha(sha256)

    # -- chunk reads -------------------------------------------------------------------------------------
    def iter_chunks(self, where: dict[str, Any] | None = None) -> Iterator[Chunk]:
        current = self.registry.current_revisions()
        doc_meta = self.registry.document_meta()
        for page in pages(self._get_collection, where=where, include=["documents", "metadatas"]):
            for text, meta in zip(page["documents"], page["metadatas"]):
                if is_current(meta, current):
                    yield apply_meta(chunk_from_record(text, meta), doc_meta.get(meta["doc_id"]))

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return sorted(self.iter_chunks(where={"doc_id": doc_id}), key=lambda c: c.ordinal)

    def preview_chunks(self, doc_id: str) -> list[Chunk]:
        """A document's chunks for the trainer's preview, also while it awaits confirmation (never cited then)."""
        revision = self.registry.stored_revisions().get(doc_id)
        if revision is None:
            return []
        where = {"$and": [{"doc_id": doc_id}, {"revision": revision}]}
        chunks = [chunk_from_record(text, meta) for page in pages(self._get_collection, where=where,
                                                                  include=["documents", "metadatas"])
                  for text, meta in zip(page["documents"], page["metadatas"])]
        return sorted(chunks, key=lambda c: c.ordinal)

    def count(self) -> int:
        return self.collection.count()

    def _count(self) -> int:
        """Records in the collection (all revisions), cached per version stamp: ``count()`` costs ~6 ms at 50k."""
        version = self.version()
        if self._count_cache is None or self._count_cache[0] != version:
            self._count_cache = (version, self.collection.count())
        return self._count_cache[1]

    def _query(self, query_vec: np.ndarray, k: int, where: dict[str, Any] | None, include: list[str]) -> dict:
        """Nearest records of any revision: twice ``k`` (at least ``k + 10``), so dropping stale ones still leaves k."""
        n = min(max(k * 2, k + 10), max(1, self._count()))
        return self.collection.query(query_embeddings=[np.asarray(query_vec, dtype=np.float32).tolist()],
                                     n_results=n, where=where, include=include)

    def vector_ids(self, query_vec: np.ndarray, k: int,
                   where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine) of the nearest current chunks, best first, without reading texts or metadata.

        The retriever already holds every chunk in its index, so it needs only ids: asking chromadb for distances
        alone takes ~4 ms at 50k records against ~21 ms with documents and metadata. The record id carries the
        revision, so stale revisions are dropped without the metadata.
        """
        current = self.registry.current_revisions()
        if not current:
            return []
        res = self._query(query_vec, k, where, ["distances"])
        out = []
        for rid, dist in zip(res["ids"][0], res["distances"][0]):
            doc_id, revision, ordinal = parse_record_id(rid)
            if current.get(doc_id) == revision:
                out.append((f"{doc_id}:{ordinal}", 1.0 - float(dist)))
        return out[:k]

    def vector_search(self, query_vec: np.ndarray, k: int,
                      where: dict[str, Any] | None = None) -> list[tuple[Chunk, float]]:
        current = self.registry.current_revisions()
        if not current:
            return []
        res = self._query(query_vec, k, where, ["documents", "metadatas", "distances"])
        doc_meta = self.registry.document_meta()
        out = []
        for text, meta, dist in zip(res["documents"][0], res["metadatas"][0], res["distances"][0]):
            if is_current(meta, current):
                out.append((apply_meta(chunk_from_record(text, meta), doc_meta.get(meta["doc_id"])), 1.0 - float(dist)))
        return out[:k]

    # -- writes ------------------------------------------------------------------------------------------
    def put_document(self, *, doc_id: str, title: str, source: str, kind: str, sha256: str, chunks: list[Chunk],
                     user: str, category: str = "", doc_date: str = "", warnings: list[str] = (),
                     progress: Progress | None = None, meta: DocumentMeta | None = None, review: str = "",
                     ocr_confidence: float | None = None, ocr_pages: list[int] = ()) -> DocumentRow:
        """Add or atomically replace a ready document with ``chunks``.

        With a ``review`` reason the chunks are stored but the document is not cited until a trainer confirms it
        (``confirm_document``); the previous revision is replaced all the same, as the trainer asked.

        ``meta`` (region, validity) defaults to what the title and text suggest; fields a trainer set on the
        previous revision are kept.
        """
        self._require_lock()
        old = self.get_document(doc_id)
        revision = (old.revision + 1) if old else 1
        edited = old.meta_edited if old else ""
        meta = keep_edits(meta or derive_for(title, chunks), old.meta if old else None, edited)
        chunks = with_meta(chunks, meta)
        step = min(MAX_BATCH, max(8, self.settings.embedding_batch) * 4)
        for batch in batched(chunks, step):  # embed and write batch by batch: bounded memory
            self.collection.upsert(
                ids=[record_id(doc_id, revision, c.ordinal) for c in batch],
                embeddings=self._embed([c.index_text for c in batch], progress),
                documents=[c.text for c in batch],
                metadatas=[chunk_metadata(c, revision) for c in batch],
            )
        self._client_version = self.registry.write_row(doc_id, dict(
            title=title, source=source, kind=kind, sha256=sha256,
            status=Status.REVIEW.value if review else Status.READY.value, chunk_count=len(chunks),
            error=review, warnings="\n".join(warnings), category=category, doc_date=doc_date, revision=revision,
            added_by=user, meta_edited=edited, ocr_confidence=f"{ocr_confidence:.3f}" if ocr_confidence else "",
            ocr_pages=",".join(str(p) for p in ocr_pages), **meta.as_dict()), exists=old is not None,
            expected_revision=old.revision if old else None)
        if old and old.status in KEPT:
            self._delete_revision(doc_id, old.revision)
        return self.get_document(doc_id)

    def _embed(self, texts: list[str], progress: Progress | None) -> np.ndarray:
        parts = []
        for batch in batched(texts, max(8, self.settings.embedding_batch)):
            parts.append(self.embedder.embed(list(batch)))
            if progress is not None:
                progress(len(batch))
        return np.vstack(parts) if parts else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def record_failure(self, *, doc_id: str, title: str, source: str, kind: str, sha256: str, status: str,
                       error: str, user: str) -> DocumentRow:
        """A new file that could not become text gets a row saying why; an existing ready document is untouched."""
        self._require_lock()
        old = self.get_document(doc_id)
        if old and old.status in KEPT:
            return old
        self._client_version = self.registry.write_row(doc_id, dict(
            title=title, source=source, kind=kind, sha256=sha256, status=status, chunk_count=0, error=error,
            warnings="", revision=old.revision if old else 0, added_by=user), exists=old is not None)
        return self.get_document(doc_id)

    def confirm_document(self, doc_id: str, user: str) -> DocumentRow:
        """A trainer has checked a flagged document: from now on it is cited like any ready one."""
        self._require_lock()
        row = self.get_document(doc_id)
        if row is None:
            raise LookupError(f"找不到文档“{doc_id}”：用 `python ingest.py list` 查看编号。")
        if row.status != Status.REVIEW.value:
            return row
        self._client_version = self.registry.write_status(row.id, Status.READY.value)
        db.audit_log(self.engine, user, "confirm", row.source, row.error)
        return self.get_document(row.id)

    def set_document_meta(self, doc_id: str, meta: DocumentMeta, changed: list[str], user: str) -> DocumentRow:
        """A trainer's correction of region / level / dates / validity, seen by readers whole or not at all.

        The chunk copies in chromadb are rewritten first, then the registry row switches in one transaction
        (bumping the version stamp); readers take the values from the registry row, so a crash in between shows
        the old values everywhere, and the next write's ``repair`` makes the copies agree again.
        """
        self._require_lock()
        row = self.get_document(doc_id)
        if row is None:
            raise LookupError(f"找不到文档“{doc_id}”：用 `python ingest.py list` 查看编号。")
        self._write_chunk_meta(doc_id, row.revision, meta)
        edited = ",".join(sorted({*filter(None, row.meta_edited.split(",")), *changed}))
        self._client_version = self.registry.write_meta(doc_id, meta, edited)
        db.audit_log(self.engine, user, "meta", row.source,
                     "; ".join(f"{k}: {getattr(row, k) or '-'} → {getattr(meta, k) or '-'}" for k in changed))
        return self.get_document(doc_id)

    def _write_chunk_meta(self, doc_id: str, revision: int, meta: DocumentMeta) -> None:
        where = {"$and": [{"doc_id": doc_id}, {"revision": revision}]}
        for page in pages(self._get_collection, where=where, include=["metadatas"]):
            for ids, metas in zip(batched(page["ids"], MAX_BATCH), batched(page["metadatas"], MAX_BATCH)):
                self.collection.update(ids=list(ids), metadatas=[{**m, **meta.as_dict()} for m in metas])

    def remove_document(self, doc_id: str) -> bool:
        self._require_lock()
        row = self.get_document(doc_id)
        if row is None:
            return False
        self._client_version = self.registry.delete_row(doc_id, expected_revision=row.revision)
        self.collection.delete(where={"doc_id": doc_id})
        return True

    def _delete_revision(self, doc_id: str, revision: int) -> None:
        self.collection.delete(where={"$and": [{"doc_id": doc_id}, {"revision": revision}]})

    def repair(self) -> int:
        """Delete chunks no registry row points at (left by an interrupted write), and stored file copies of
        documents the registry no longer has (a remove interrupted after its row went). Returns the chunk count."""
        current = self.registry.stored_revisions()
        stale = [rid for page in pages(self._get_collection, include=["metadatas"])
                 for rid, meta in zip(page["ids"], page["metadatas"]) if not is_current(meta, current)]
        delete_ids(self._get_collection, stale)
        self._resync_chunk_meta()
        self._remove_orphan_copies()
        return len(stale)

    def _remove_orphan_copies(self) -> list[str]:
        folder = self.settings.data_dir / FILES_DIR
        if not folder.is_dir():
            return []
        known = {row.id for row in self.documents()}
        orphans = [d for d in folder.iterdir() if d.is_dir() and not d.is_symlink() and d.name not in known]
        for d in orphans:
            shutil.rmtree(d, ignore_errors=True)
        return [d.name for d in orphans]

    def _resync_chunk_meta(self) -> None:
        """Make the chunk copies of region and validity agree with the registry (after an interrupted edit)."""
        doc_meta = self.registry.document_meta()
        current = self.registry.current_revisions()
        off = {m["doc_id"] for page in pages(self._get_collection, include=["metadatas"]) for m in page["metadatas"]
               if m.get("doc_id") in doc_meta and any(str(m.get(k) or "") != getattr(doc_meta[m["doc_id"]], k)
                                                      for k in META_KEYS)}
        for doc_id in off:
            self._write_chunk_meta(doc_id, current[doc_id], doc_meta[doc_id])
