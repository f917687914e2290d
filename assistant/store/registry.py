"""The document registry: one SQL row per document (which revision is current, its status), plus the version stamp.

The registry, not chromadb, says what is current: a chunk is visible only when its (doc_id, revision) matches a
ready row here, so a write that crashed before switching the row leaves nothing visible. Every row switch bumps the
knowledge-base version stamp in the same transaction; derived indexes key on it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from assistant.documents.jurisdiction import DocumentMeta
from assistant.documents.model import Status
from assistant.store import db
from assistant.store.records import META_KEYS

KEPT = (Status.READY.value, Status.REVIEW.value)   # statuses whose chunks are stored


class WriteConflict(RuntimeError):
    """The row changed since this writer read it (another writer switched its revision): nothing was switched.

    Writers hold the knowledge base's write lock, so this is a second line of defence; should it fire, the chunks
    written for the lost revision are invisible (the row never pointed at them) and the next writer's ``repair``
    removes them.
    """

    def __init__(self, doc_id: str):
        self.doc_id = doc_id
        super().__init__(f"文档“{doc_id}”刚被另一位培训人员改动过，本次写入没有生效，知识库仍是对方改动后的内容。"
                         "请刷新文档列表确认后再操作。")


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
    region: str = ""
    level: str = ""
    effective_from: str = ""
    valid_until: str = ""
    validity: str = ""
    replaced_by: str = ""
    meta_edited: str = ""   # comma-separated fields a trainer set: they survive a replace
    ocr_confidence: str = ""  # "0.973" when some text was read by OCR
    ocr_pages: str = ""       # "1,6,10"

    @property
    def meta(self) -> DocumentMeta:
        return DocumentMeta(**{key: getattr(self, key) for key in META_KEYS})


class Registry:
    """The ``documents`` and ``kb_meta`` tables; caches the current revisions per version stamp."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._current: dict[str, int] | None = None
        self._current_version = -1
        self._meta: dict[str, DocumentMeta] | None = None
        self._meta_version = -1

    def version(self) -> int:
        return db.kb_version(self.engine)

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

    def stored_revisions(self) -> dict[str, int]:
        """doc_id -> revision for every document whose chunks are stored: ready ones and those awaiting a trainer's
        confirmation (not cited, but previewable and not to be swept away by ``repair``)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.documents.c.id, db.documents.c.revision)
                                .where(db.documents.c.status.in_(KEPT))).all()
        return {r.id: r.revision for r in rows}

    def document_stamps(self) -> dict[str, str]:
        """doc_id -> a stamp that changes whenever the document's chunks change, for every ready document.

        Derived indexes compare stamps to re-read only what changed. The revision alone is not enough: a removed
        document that is added again starts over at revision 1, so the stamp also holds when its row was created.
        Metadata edits (region, validity) change the stamp too, so the index picks up the edited values; a row without
        any keeps the stamp it had before these columns existed.
        """
        meta = [getattr(db.documents.c, key) for key in META_KEYS]
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.documents.c.id, db.documents.c.revision, db.documents.c.added_at, *meta)
                                .where(db.documents.c.status == Status.READY.value)).all()
        out = {}
        for r in rows:
            values = "|".join(getattr(r, key) or "" for key in META_KEYS)
            out[r.id] = f"{r.revision}@{r.added_at.isoformat()}" + (f"#{values}" if values.strip("|") else "")
        return out

    def document_meta(self) -> dict[str, DocumentMeta]:
        """doc_id -> jurisdiction and validity of every ready document; cached per version stamp.

        Readers take these from here, not from the copies on the chunks, so an edit is seen whole or not at all.
        """
        version = self.version()
        if self._meta is None or version != self._meta_version:
            meta = [getattr(db.documents.c, key) for key in META_KEYS]
            with self.engine.connect() as conn:
                rows = conn.execute(select(db.documents.c.id, *meta)
                                    .where(db.documents.c.status == Status.READY.value)).all()
            self._meta = {r.id: DocumentMeta(**{key: getattr(r, key) or "" for key in META_KEYS}) for r in rows}
            self._meta_version = version
        return self._meta

    # -- reads ---------------------------------------------------------------------------------------------
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
                               .where(db.documents.c.status.in_(KEPT))).first()
        return DocumentRow(**row._mapping) if row is not None else None

    # -- writes --------------------------------------------------------------------------------------------
    def write_row(self, doc_id: str, values: dict[str, Any], *, exists: bool,
                  expected_revision: int | None = None) -> int:
        """Insert or update a document's row and bump the version stamp in one transaction; returns the new stamp.

        Compare-and-set: an update applies only while the row still holds ``expected_revision`` (the revision this
        writer read), an insert only while no row exists; otherwise ``WriteConflict`` and nothing changes.
        """
        from sqlalchemy.exc import IntegrityError

        try:
            with self.engine.begin() as conn:
                if exists:
                    where = db.documents.c.id == doc_id
                    if expected_revision is not None:
                        where = where & (db.documents.c.revision == expected_revision)
                    done = conn.execute(update(db.documents).where(where).values(**values, replaced_at=db.now()))
                    if done.rowcount != 1:
                        raise WriteConflict(doc_id)
                else:
                    conn.execute(db.documents.insert().values(id=doc_id, added_at=db.now(), **values))
                return db.bump_version(conn)
        except IntegrityError:
            raise WriteConflict(doc_id) from None

    def write_status(self, doc_id: str, status: str, error: str = "") -> int:
        """Switch a document's status (a trainer's confirmation) and bump the version stamp in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(update(db.documents).where(db.documents.c.id == doc_id).values(status=status, error=error))
            return db.bump_version(conn)

    def write_meta(self, doc_id: str, meta: DocumentMeta, edited: str) -> int:
        """Set a document's jurisdiction and validity and bump the version stamp in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(update(db.documents).where(db.documents.c.id == doc_id)
                         .values(**meta.as_dict(), meta_edited=edited))
            return db.bump_version(conn)

    def delete_row(self, doc_id: str, expected_revision: int | None = None) -> int:
        """Remove a document's row and bump the version stamp in one transaction; returns the new stamp.
        With ``expected_revision``, only while the row still holds it (else ``WriteConflict``)."""
        with self.engine.begin() as conn:
            where = db.documents.c.id == doc_id
            if expected_revision is not None:
                where = where & (db.documents.c.revision == expected_revision)
            if conn.execute(delete(db.documents).where(where)).rowcount != 1 and expected_revision is not None:
                raise WriteConflict(doc_id)
            return db.bump_version(conn)

    def dirty(self, value: bool | None = None) -> bool:
        """Set before chunks are written, cleared when the write finished cleanly; read when ``value`` is None."""
        with self.engine.begin() as conn:
            current = conn.execute(select(db.kb_meta.c.value).where(db.kb_meta.c.key == "dirty")).scalar()
            if value is None:
                return bool(current)
            if current is None:
                conn.execute(db.kb_meta.insert().values(key="dirty", value=int(value)))
            else:
                conn.execute(update(db.kb_meta).where(db.kb_meta.c.key == "dirty").values(value=int(value)))
            return value


def file_sha256(path: Path) -> str:
    """The content hash the registry keeps per document: re-adding unchanged content is then a no-op."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
