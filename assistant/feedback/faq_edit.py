"""Editing the FAQ table from the page, through the same ingestion path as an upload.

The FAQ document keeps its stored file at ``data_dir/files/<doc_id>/<name>``. An edit reads that file,
changes the entries, writes a new file with the same name and calls ``replace_document``, which is atomic:
a failure leaves the old table searchable, and the registry, audit log and lexical index all move together.
Every function here re-checks the trainer role against the database (never trusts the page).
"""
from __future__ import annotations

import tempfile
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.documents.model import FaqEntry, Status
from assistant.ingest import FileOutcome, add_paths, replace_document
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.store.registry import DocumentRow
from assistant.users import require_trainer

NEW_FAQ_NAME = "常见问题.csv"
ACTION_REASON = {"faq_edit": "编辑FAQ", "faq_import": "导入FAQ", "gap_to_faq": "缺口转FAQ"}


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


def save_entries(kb: KnowledgeBase, doc_key: str | None, entries: list[FaqEntry], *, actor: str,
                 action: str = "faq_edit", detail: str = "") -> FileOutcome:
    """Replace the FAQ document ``doc_key`` with ``entries`` (or create one when there is none yet). The table it
    replaces is kept as a version (feedback.versions), so the change can be undone."""
    from assistant.feedback import versions

    require_trainer(kb.engine, actor)
    entries = clean_entries(entries)
    doc = kb.get_document(doc_key) if doc_key else None
    if doc is not None:
        versions.keep(kb, doc, by=actor, reason=ACTION_REASON.get(action, "编辑FAQ"))
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
        db.audit_log(kb.engine, actor, action, name, (detail + "；" if detail else "") + f"保存后共 {len(entries)} 条问答")
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


# -- import as a reviewed change ---------------------------------------------------------------------------
@dataclass
class FaqChange:
    """What an import would do to the current table, entry by entry (matched by their standard question)."""
    added: list[FaqEntry] = field(default_factory=list)
    changed: list[tuple[FaqEntry, FaqEntry]] = field(default_factory=list)   # (current, imported)
    removed: list[FaqEntry] = field(default_factory=list)                    # only gone when the table is replaced
    unchanged: int = 0

    def summary(self, mode: str) -> str:
        gone = len(self.removed) if mode == "replace" else 0
        kept = f"，保留表中原有而文件里没有的 {len(self.removed)} 条" if mode == "merge" and self.removed else ""
        return (f"新增 {len(self.added)} 条，修改 {len(self.changed)} 条，删除 {gone} 条，"
                f"不变 {self.unchanged} 条{kept}（{MODE_ZH[mode]}）")


MODE_ZH = {"merge": "合并", "replace": "整表替换"}


def _key(question: str) -> str:
    return unicodedata.normalize("NFKC", question or "").strip().rstrip("？?。. ").casefold()


def _same(a: FaqEntry, b: FaqEntry) -> bool:
    return (a.answer.strip(), [s.strip() for s in a.similar], a.category.strip(), a.basis.strip()) == \
        (b.answer.strip(), [s.strip() for s in b.similar], b.category.strip(), b.basis.strip())


def compare(current: list[FaqEntry], imported: list[FaqEntry]) -> FaqChange:
    change = FaqChange()
    now = {_key(e.question): e for e in current}
    seen = set()
    for new in imported:
        key = _key(new.question)
        seen.add(key)
        old = now.get(key)
        if old is None:
            change.added.append(new)
        elif _same(old, new):
            change.unchanged += 1
        else:
            change.changed.append((old, new))
    change.removed = [e for e in current if _key(e.question) not in seen]
    return change


def combine(current: list[FaqEntry], imported: list[FaqEntry], mode: str) -> list[FaqEntry]:
    """The table after the import: ``replace`` is the imported table; ``merge`` updates entries with the same
    question, adds new ones and keeps every current entry the file does not mention (in their current order)."""
    if mode not in MODE_ZH:
        raise FaqEditError(f"导入方式“{mode}”无效：只能是 merge（合并）或 replace（整表替换）。")
    if mode == "replace":
        return list(imported)
    by_key = {_key(e.question): e for e in imported}
    out = [by_key.pop(_key(e.question), e) for e in current]
    return out + [e for e in imported if _key(e.question) in by_key]


def import_entries(kb: KnowledgeBase, doc_key: str | None, imported: list[FaqEntry], mode: str, *,
                   actor: str) -> tuple[FileOutcome, FaqChange]:
    """Apply a reviewed import; the audit entry carries the counts, and the previous table is kept for undo."""
    require_trainer(kb.engine, actor)
    doc = kb.get_document(doc_key) if doc_key else None
    current = load_entries(kb, doc) if doc is not None else []
    imported = clean_entries(imported)
    change = compare(current, imported)
    outcome = save_entries(kb, doc.id if doc else None, combine(current, imported, mode), actor=actor,
                           action="faq_import", detail=change.summary(mode))
    return outcome, change
