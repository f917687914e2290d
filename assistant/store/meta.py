"""Jurisdiction and validity on the store side: what a new revision carries, and a trainer's edit of them.

Why a module: the values are derived at ingestion (``documents.jurisdiction``), may be corrected by a trainer, and
must then survive a replace of the file (a corrected region is not re-guessed from the new text); they live in the
registry row (the source of truth readers use) and as copies on each chunk's chromadb metadata (for ``where``).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from assistant.documents.jurisdiction import VALIDITY, DocumentMeta, derive, iso_date
from assistant.documents.model import Chunk
from assistant.documents.places import LEVELS, level_of, normalise_region
from assistant.store.records import META_KEYS

HEAD_CHARS = 3000  # of the document's text read for the issuing body, places and dates


def derive_for(title: str, chunks: list[Chunk]) -> DocumentMeta:
    """The metadata a document's own words suggest, from its title and the opening of its text."""
    text, used = [], 0
    for c in sorted(chunks, key=lambda c: c.ordinal):
        if used >= HEAD_CHARS:
            break
        text.append(c.text)
        used += len(c.text)
    return derive(title, "\n".join(text))


def keep_edits(derived: DocumentMeta, previous: DocumentMeta | None, edited: str) -> DocumentMeta:
    """``derived`` with the fields a trainer set on the previous revision kept as the trainer set them."""
    if previous is None or not edited:
        return derived
    return replace(derived, **{k: getattr(previous, k) for k in edited.split(",") if k in META_KEYS})


def with_meta(chunks: Iterable[Chunk], meta: DocumentMeta) -> list[Chunk]:
    return [replace(c, **meta.as_dict()) for c in chunks]


def apply_meta(chunk: Chunk, meta: DocumentMeta | None) -> Chunk:
    """Overwrite a chunk's copies with the registry's values in place (cheap: no new object per chunk)."""
    if meta is not None:
        for key in META_KEYS:
            setattr(chunk, key, getattr(meta, key))
    return chunk


MAX_REGION_CHARS = 40   # 省/市/区县 spelled out: "新疆维吾尔自治区/伊犁哈萨克自治州/伊宁市" is 21


class MetaError(ValueError):
    """A trainer's value that cannot be stored; ``args[0]`` is the Chinese sentence to show."""


def edited_meta(current: DocumentMeta, *, region: str | None = None, level: str | None = None,
                effective_from: str | None = None, valid_until: str | None = None, validity: str | None = None,
                replaced_by: str | None = None) -> tuple[DocumentMeta, list[str]]:
    """The new values and the names of the fields changed, with each value checked and normalised."""
    changes: dict[str, str] = {}
    if region is not None:
        if len(region) > MAX_REGION_CHARS or any(not ch.isprintable() for ch in region):
            raise MetaError(f"地区“{region[:20]}…”不像地名：请只写省、市、区县名，例如 甘肃省/兰州市（{MAX_REGION_CHARS} 字以内）。")
        changes["region"] = normalise_region(region)
        if level is None:
            changes["level"] = "全国" if not changes["region"] else level_of(changes["region"])
    if level is not None:
        value = {"national": "全国", "province": "省", "city": "市", "county": "区县", "": ""}.get(level, level)
        if value not in (*LEVELS, ""):
            raise MetaError(f"级别“{level}”不认识：请填 全国、省、市、区县 之一（或留空表示未知）。")
        changes["level"] = value
    for key, value in (("effective_from", effective_from), ("valid_until", valid_until)):
        if value is not None:
            changes[key] = iso_date(value) if value else ""
            if value and not changes[key]:
                raise MetaError(f"日期“{value}”看不懂：请写成 2025-12-31 或 2025年12月31日。")
    if validity is not None:
        value = {"有效": "current", "现行有效": "current", "过期": "expired", "已过期": "expired",
                 "废止": "repealed", "已废止": "repealed", "失效": "expired"}.get(validity, validity)
        if value not in (*VALIDITY, ""):
            raise MetaError(f"状态“{validity}”不认识：请填 current（现行有效）、expired（已过期）或 repealed（已废止）。")
        changes["validity"] = value
    if replaced_by is not None:
        changes["replaced_by"] = replaced_by.strip().strip("《》")
        if changes["replaced_by"] and validity is None:
            changes["validity"] = "repealed"
    changed = [k for k, v in changes.items() if getattr(current, k) != v]
    return current.merged(**changes), changed

