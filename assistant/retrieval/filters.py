"""Search filters, read once and applied on both sides of retrieval: chromadb's ``where`` and the in-memory index.

Why one type: the vector side filters inside chromadb, the lexical side over the chunks the retriever holds; built
from one ``Filters`` the two cannot disagree on what a filter means. ``where_matches`` evaluates the chromadb
``where`` subset (equality, ``$in`` and friends, ``$and``, ``$or``) on a metadata dict, for stores kept in memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

from assistant.documents.model import Chunk

Where = dict[str, Any]
OneOrMany = str | list[str] | tuple[str, ...] | set[str] | None
METADATA_KEYS = ("doc_id", "kind", "category")  # filtered by chromadb; dates are compared here (they are strings)


def where_matches(meta: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    """Whether a record's metadata satisfies a chromadb ``where`` clause, evaluated as chromadb would."""
    if not where:
        return True
    for key, cond in where.items():
        if key == "$and":
            if not all(where_matches(meta, c) for c in cond):
                return False
        elif key == "$or":
            if not any(where_matches(meta, c) for c in cond):
                return False
        elif isinstance(cond, dict):
            for op, val in cond.items():
                v = meta.get(key)
                ok = {"$eq": lambda: v == val, "$ne": lambda: v != val, "$in": lambda: v in val,
                      "$nin": lambda: v not in val, "$gte": lambda: v >= val, "$lte": lambda: v <= val,
                      "$gt": lambda: v > val, "$lt": lambda: v < val}[op]()
                if not ok:
                    return False
        elif meta.get(key) != cond:
            return False
    return True


def filter_metadata(c: Chunk) -> dict[str, Any]:
    """The metadata filters look at, taken from a chunk the retriever already holds."""
    return {"doc_id": c.doc_id, "kind": c.kind, "category": c.category, "date": c.date}


@dataclass(frozen=True)
class Filters:
    """Narrow a search to documents, kinds or categories (one value, or several: any of them) and a date range.

    An empty value (None, "" or []) means no filter on that key. Dates are ``YYYY-MM-DD`` strings, inclusive;
    a chunk without a date is dropped by either bound.
    """
    doc_id: OneOrMany = None
    kind: OneOrMany = None
    category: OneOrMany = None
    date_from: str | None = None
    date_to: str | None = None
    exclude_doc_id: OneOrMany = None   # documents to leave out (the bench hides the ones holding an answer)

    @classmethod
    def of(cls, value: "Filters | Mapping[str, Any] | None") -> "Filters | None":
        """Filters from the plain mapping callers pass (keys as the fields); None when there is nothing to filter."""
        if value is None or isinstance(value, Filters):
            return value
        if not value:
            return None
        return cls(**{key: value.get(key) for key in METADATA_KEYS},
                   date_from=value.get("date_from"), date_to=value.get("date_to"),
                   exclude_doc_id=value.get("exclude_doc_id"))

    @cached_property
    def _where(self) -> Where | None:
        clauses = []
        for key in METADATA_KEYS:
            val = getattr(self, key)
            if val in (None, "", []):
                continue
            clauses.append({key: {"$in": list(val)}} if isinstance(val, (list, tuple, set)) else {key: val})
        if self.exclude_doc_id not in (None, "", []):
            out = self.exclude_doc_id
            clauses.append({"doc_id": {"$nin": list(out) if isinstance(out, (list, tuple, set)) else [out]}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def where(self) -> Where | None:
        """The chromadb ``where`` clause for the metadata filters; None when none applies (dates are not in it)."""
        return self._where

    def matches(self, meta: Mapping[str, Any]) -> bool:
        """Whether a chunk with this metadata (see ``filter_metadata``) passes every filter, dates included."""
        lo, hi, date = self.date_from, self.date_to, meta.get("date")
        return bool(where_matches(meta, self._where) and (not lo or (date and date >= lo))
                    and (not hi or (date and date <= hi)))
