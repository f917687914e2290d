"""How a chunk is stored in chromadb (record id, metadata) and how chromadb is read and written within its limits.

Why a module of its own: the record id carries the revision, so stale revisions can be told apart from ids alone,
and chromadb's per-call limits (``get()`` fails past 32,766 rows, ``add`` refuses more than 5,461 items) are met
here once, for every loop that reads or writes many records.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator, Sequence, TypeVar

from assistant.documents.model import Chunk

# a document's jurisdiction and validity, copied onto each of its chunks (the registry row is the source of truth)
META_KEYS = ("region", "level", "effective_from", "valid_until", "validity", "replaced_by")
MAX_BATCH = 5000      # chromadb refuses more than 5,461 items per call
PAGE = 5000           # get() fails past 32,766 rows: always page

T = TypeVar("T")


def record_id(doc_id: str, revision: int, ordinal: int) -> str:
    return f"{doc_id}:r{revision}:{ordinal:05d}"


def parse_record_id(rid: str) -> tuple[str, int, str]:
    """(doc_id, revision, ordinal as written) of a record id; ``doc_id:ordinal`` is the chunk's own id."""
    doc_id, rev, ordinal = rid.rsplit(":", 2)
    return doc_id, int(rev[1:]), ordinal


def chunk_metadata(chunk: Chunk, revision: int) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id, "revision": revision, "ordinal": chunk.ordinal, "title": chunk.title,
        "kind": chunk.kind, "heading_path": chunk.heading_path, "clause": chunk.clause, "page": chunk.page or 0,
        "category": chunk.category, "questions": json.dumps(chunk.questions, ensure_ascii=False),
        "answer": chunk.answer, "date": chunk.date, **{key: getattr(chunk, key) for key in META_KEYS},
    }


def chunk_from_record(text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        doc_id=meta["doc_id"], ordinal=int(meta["ordinal"]), text=text, title=meta.get("title", ""),
        kind=meta.get("kind", "passage"), heading_path=meta.get("heading_path", ""), clause=meta.get("clause", ""),
        page=int(meta.get("page") or 0) or None, category=meta.get("category", ""),
        questions=json.loads(meta.get("questions") or "[]"), answer=meta.get("answer", ""), date=meta.get("date", ""),
        **{key: str(meta.get(key) or "") for key in META_KEYS},  # records written before these existed: unknown
    )


def is_current(meta: dict[str, Any], current: dict[str, int]) -> bool:
    """Whether a record belongs to the revision the registry calls current (leftovers of a crash do not)."""
    return current.get(meta.get("doc_id")) == meta.get("revision")


def batched(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size``: every write and embedding call stays within a bounded size."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def pages(collection: Callable[[], Any], *, include: list[str],
          where: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every record matching ``where``, ``PAGE`` at a time: one unpaged ``get()`` fails on a large collection.

    ``collection`` is asked for again on every page, so an embedded client that went stale (another process
    wrote) is reopened between pages rather than read on.
    """
    offset = 0
    while True:
        page = collection().get(where=where, limit=PAGE, offset=offset, include=include)
        yield page
        if len(page["ids"]) < PAGE:
            return
        offset += PAGE


def delete_ids(collection: Callable[[], Any], ids: Sequence[str]) -> None:
    """Delete by id, ``MAX_BATCH`` at a time (chromadb refuses larger calls)."""
    for batch in batched(ids, MAX_BATCH):
        collection().delete(ids=list(batch))
