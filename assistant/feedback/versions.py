"""Earlier versions of a document, kept so a trainer can undo a replace, an FAQ import or an FAQ save.

Before a document's stored file is overwritten, the old file is copied to ``data_dir/versions/<doc_id>/`` with a
small JSON note (when, who, why, title, how many passages). Undo is an ordinary ``replace_document`` with that file,
so it is atomic and audited like any other replace. Only the ``KEEP`` most recent versions of each document are kept.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assistant.ingest import FileOutcome, replace_document
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.store.registry import DocumentRow
from assistant.users import require_trainer

KEEP = 10


class VersionError(ValueError):
    """No earlier version to go back to; ``str()`` is the Chinese sentence to show."""


@dataclass(frozen=True)
class Version:
    doc_id: str
    path: Path          # the kept file, under its original name inside its own folder
    at: datetime
    by: str
    reason: str         # what replaced it: 替换文档 / 导入FAQ / 编辑FAQ
    title: str
    chunks: int


def _root(kb: KnowledgeBase, doc_id: str) -> Path:
    return kb.settings.data_dir / "versions" / doc_id


def _stored_file(kb: KnowledgeBase, doc: DocumentRow) -> Path | None:
    folder = kb.settings.data_dir / "files" / doc.id
    path = folder / Path(doc.source).name
    if path.is_file():
        return path
    found = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    return found[0] if found else None


def keep(kb: KnowledgeBase, doc: DocumentRow, *, by: str, reason: str) -> Version | None:
    """Copy the document's current file aside before it is replaced; None when there is no stored file."""
    source = _stored_file(kb, doc)
    if source is None:
        return None
    at = db.now()
    folder = _root(kb, doc.id) / at.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, folder / source.name)
    note = {"at": at.isoformat(), "by": by, "reason": reason, "title": doc.title, "chunks": doc.chunk_count}
    (folder / "version.json").write_text(json.dumps(note, ensure_ascii=False), encoding="utf-8")
    for old in sorted(p for p in _root(kb, doc.id).iterdir() if p.is_dir())[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return _read(doc.id, folder)


def _read(doc_id: str, folder: Path) -> Version | None:
    try:
        note = json.loads((folder / "version.json").read_text(encoding="utf-8"))
        path = next(p for p in folder.iterdir() if p.is_file() and p.name != "version.json")
    except (OSError, ValueError, StopIteration):
        return None
    return Version(doc_id, path, datetime.fromisoformat(note["at"]), note.get("by", ""), note.get("reason", ""),
                   note.get("title", ""), int(note.get("chunks", 0)))


def versions(kb: KnowledgeBase, doc_id: str) -> list[Version]:
    """Kept versions of a document, newest first."""
    root = _root(kb, doc_id)
    if not root.is_dir():
        return []
    found = (_read(doc_id, p) for p in sorted(root.iterdir(), reverse=True) if p.is_dir())
    return [v for v in found if v is not None]


def restore(kb: KnowledgeBase, doc_id: str, version: Version | None = None, *, actor: str) -> FileOutcome:
    """Put an earlier version back (default: the latest kept one). The version being left is kept in turn, so an
    undo can itself be undone; the restored version's folder is removed once it is live again."""
    require_trainer(kb.engine, actor)
    doc = kb.get_document(doc_id)
    if doc is None:
        raise VersionError("这个文档已不在知识库里，无法恢复：请重新上传。")
    kept = versions(kb, doc_id)
    version = version or (kept[0] if kept else None)
    if version is None:
        raise VersionError(f"《{doc.source}》没有保存的旧版本，无法撤销。")
    keep(kb, doc, by=actor, reason="撤销前的版本")
    outcome = replace_document(kb, doc_id, version.path, user=actor)
    if outcome.outcome != "failed":
        shutil.rmtree(version.path.parent, ignore_errors=True)
        db.audit_log(kb.engine, actor, "undo", doc.source,
                     f"恢复为 {version.at.strftime('%Y-%m-%d %H:%M')} 前的版本（{version.reason}前）：{version.chunks} 段")
    return outcome


@dataclass
class ReplacePreview:
    """What replacing a document with a new file would change, worked out before anything is written."""
    title: str = ""
    chunks: int = 0                 # passages (or FAQ entries) in the new file
    added: int = 0                  # passages whose text is new
    removed: int = 0                # current passages that would be gone
    unchanged: int = 0
    error: str = ""                 # the Chinese reason the new file cannot be used ("" = it can)
    new_faq: list | None = None     # the new file's FAQ entries, when it is an FAQ table
    faq: object | None = None       # faq_edit.FaqChange, set by the caller when both versions are FAQ tables

    def summary(self) -> str:
        return f"新版本共 {self.chunks} 段：新增 {self.added} 段，删除 {self.removed} 段，不变 {self.unchanged} 段"


def preview_replace(kb: KnowledgeBase, doc: DocumentRow, path: Path, *, password: str | None = None) -> ReplacePreview:
    """Read and cut the new file as ingestion would, and compare its passages with the current ones."""
    from assistant.documents.chunking import chunk_document
    from assistant.documents.loaders import load_document
    from assistant.documents.model import IngestError

    try:
        loaded = load_document(path, password=password, source=path.name)
        new = chunk_document(loaded, doc.id, kb.settings)
    except IngestError as err:
        return ReplacePreview(error=err.message)
    if not new:
        return ReplacePreview(error=f"《{path.name}》里没有可用的文字内容：请检查文件后重新选择。")
    old_texts = [c.text.strip() for c in kb.chunks_of(doc.id)]
    new_texts = [c.text.strip() for c in new]
    preview = ReplacePreview(title=loaded.title, chunks=len(new),
                             added=sum(1 for t in new_texts if t not in set(old_texts)),
                             removed=sum(1 for t in old_texts if t not in set(new_texts)),
                             unchanged=sum(1 for t in new_texts if t in set(old_texts)))
    preview.new_faq = list(loaded.faq) if loaded.kind == "faq" else None
    return preview
