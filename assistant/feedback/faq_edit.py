"""Editing the FAQ table from the page, through the same ingestion path as an upload.

The FAQ document keeps its stored file at ``data_dir/files/<doc_id>/<name>``. An edit reads that file,
changes the entries, writes a new file with the same name and calls ``replace_document``, which is atomic:
a failure leaves the old table searchable, and the registry, audit log and lexical index all move together.
Every function here re-checks the trainer role against the database (never trusts the page).
"""
from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from assistant.documents.model import FaqEntry, Status
from assistant.ingest import FileOutcome, add_paths, replace_document
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.store.registry import DocumentRow
from assistant.users import require_trainer

NEW_FAQ_NAME = "常见问题.csv"


class FaqEditError(ValueError):
    """The table cannot be saved as it is; ``str()`` says which row and what to fix, in Chinese."""


def faq_documents(kb: KnowledgeBase) -> list[DocumentRow]:
    return [d for d in kb.documents() if d.kind == "faq" and d.status == Status.READY.value]


def stored_file(kb: KnowledgeBase, doc: DocumentRow) -> Path | None:
    folder = kb.settings.data_dir / "files" / doc.id
    path = folder / Path(doc.source).name
    if path.is_file():
        return path
    found = sorted(folder.glob("*")) if folder.is_dir() else []
    return found[0] if found else None


def load_entries(kb: KnowledgeBase, doc: DocumentRow) -> list[FaqEntry]:
    """The table as trainers wrote it; falls back to the indexed chunks when the stored file is missing."""
    from assistant.documents.faq_table import read_faq_table

    path = stored_file(kb, doc)
    if path is not None and path.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        return read_faq_table(path, doc.source)
    return [FaqEntry(question=c.questions[0] if c.questions else c.text, similar=list(c.questions[1:]),
                     answer=c.answer, category=c.category) for c in kb.chunks_of(doc.id)]


def clean_entries(entries: list[FaqEntry]) -> list[FaqEntry]:
    """Trim cells, drop fully empty rows, and refuse half-filled ones with the row number to fix."""
    out: list[FaqEntry] = []
    problems: list[str] = []
    for n, e in enumerate(entries, start=1):
        q, a = (e.question or "").strip(), (e.answer or "").strip()
        similar = [s.strip() for s in e.similar if s and s.strip() and s.strip() != q]
        if not q and not a and not similar:
            continue
        if not q or not a:
            problems.append(f"第 {n} 行缺少{'问题' if not q else '答案'}")
            continue
        out.append(FaqEntry(question=q, answer=a, similar=similar, category=(e.category or "").strip(),
                            basis=(e.basis or "").strip()))
    if problems:
        raise FaqEditError("；".join(problems) + "。请补全或删除这些行后再保存。")
    if not out:
        raise FaqEditError("表格里没有完整的问答：至少需要一行同时填写问题和答案。")
    return out


def save_entries(kb: KnowledgeBase, doc_key: str | None, entries: list[FaqEntry], *, actor: str) -> FileOutcome:
    """Replace the FAQ document ``doc_key`` with ``entries`` (or create one when there is none yet)."""
    require_trainer(kb.engine, actor)
    entries = clean_entries(entries)
    doc = kb.get_document(doc_key) if doc_key else None
    with tempfile.TemporaryDirectory(prefix="faq-edit-") as tmp:
        from assistant.documents.faq_table import write_faq_table

        name = Path(doc.source).name if doc is not None else NEW_FAQ_NAME
        if Path(name).suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
            name = Path(name).stem + ".csv"
        path = Path(tmp) / name
        write_faq_table(entries, path)
        if doc is not None:
            outcome = replace_document(kb, doc.id, path, user=actor)
        else:
            outcome = add_paths(kb, [path], user=actor).outcomes[0]
    if outcome.outcome != "failed":
        db.audit_log(kb.engine, actor, "faq_edit", name, f"保存后共 {len(entries)} 条问答")
    return outcome


def add_entry(kb: KnowledgeBase, entry: FaqEntry, *, actor: str, doc_key: str | None = None) -> FileOutcome:
    """Append one entry to ``doc_key`` (default: the first FAQ table); a repeated question merges its wordings."""
    require_trainer(kb.engine, actor)
    docs = faq_documents(kb)
    doc = kb.get_document(doc_key) if doc_key else (docs[0] if docs else None)
    entries = load_entries(kb, doc) if doc is not None else []
    for i, old in enumerate(entries):
        if old.question.strip() == entry.question.strip():
            extra = [s for s in entry.similar if s not in old.similar]
            entries[i] = replace(old, answer=entry.answer or old.answer, similar=old.similar + extra,
                                 category=entry.category or old.category, basis=entry.basis or old.basis)
            break
    else:
        entries.append(entry)
    return save_entries(kb, doc.id if doc is not None else None, entries, actor=actor)


def export_bytes(entries: list[FaqEntry], suffix: str) -> bytes:
    """The table as a CSV (UTF-8 with BOM, opens in Excel) or XLSX file's bytes, for download."""
    from assistant.documents.faq_table import write_faq_table

    with tempfile.TemporaryDirectory(prefix="faq-export-") as tmp:
        path = Path(tmp) / f"faq{suffix}"
        write_faq_table(entries, path)
        return path.read_bytes()


def import_bytes(name: str, data: bytes) -> list[FaqEntry]:
    """Entries from an uploaded CSV/XLSX; raises IngestError with the Chinese reason when unreadable."""
    from assistant.documents.faq_table import read_faq_table

    from assistant.documents.names import display_name, stored_name

    with tempfile.TemporaryDirectory(prefix="faq-import-") as tmp:
        path = Path(tmp) / stored_name(name)     # any browser-supplied name (too long, NUL, "..") can be written
        path.write_bytes(data)
        return read_faq_table(path, display_name(name))
