"""What trainers do to the knowledge base: add, replace, remove, list. The CLI and the page both call these."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assistant.config import Settings
from assistant.documents.chunking import chunk_document
from assistant.documents.common import cannot_read
from assistant.documents.limits import Limits, check_chars, check_chunks, check_file, check_size
from assistant.documents.loaders import SUPPORTED_SUFFIXES, load_document
from assistant.documents.model import IngestError, LoadedDocument, Status
from assistant.documents.names import display_name, storable, stored_name
from assistant.documents.ocr import PagesProgress
from assistant.documents.quality import NOT_POLICY, not_policy_kind
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.store.registry import DocumentRow, file_sha256

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
NOINDEX = ".noindex"  # a folder holding this file is skipped when its parent folder is added


@dataclass
class FileOutcome:
    path: str
    outcome: str            # added / replaced / unchanged / failed
    doc_id: str = ""
    title: str = ""
    chunks: int = 0
    status: str = ""
    message: str = ""


@dataclass
class Summary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.outcome == "failed"]

    def line(self) -> str:
        return (f"新增 {self.count('added')} 个，替换 {self.count('replaced')} 个，"
                f"内容未变跳过 {self.count('unchanged')} 个，失败 {self.count('failed')} 个")


def doc_id_for(source: str) -> str:
    """Documents are identified by their file name: re-adding a file with changed content replaces it."""
    key = unicodedata.normalize("NFKC", Path(source).name).strip().lower()
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _wanted(path: Path) -> bool:
    return (path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith((".", "~$"))
            and path.name.lower() != "readme.md")


def not_regular(path: Path, name: str | None = None) -> FileOutcome | None:
    """A failed outcome for a symlink or a special file (device, pipe, socket), judged without following it:
    ``ln -s /etc/passwd x.txt`` must not put the password file into the knowledge base."""
    name = name or path.name
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return FileOutcome(str(path), "failed", status=Status.FAILED.value,
                           message=f"找不到文件“{name}”：请检查路径是否正确。")
    if stat.S_ISLNK(mode):
        reason = "这是一个符号链接（快捷方式），为安全起见不读取它指向的文件；请把原文件本身复制到要添加的文件夹里再添加"
    elif not stat.S_ISREG(mode):
        reason = "这不是普通文件（可能是设备、管道或套接字），已跳过；请添加普通的文档文件"
    else:
        return None
    err = cannot_read(name, Status.UNSUPPORTED, reason)
    return FileOutcome(str(path), "failed", status=err.status.value, message=err.message)


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Regular files to add, and an outcome for each path that is refused. Inside a folder nothing is followed:
    a symlinked file or folder, or a special file, gets its own refusal instead of being read."""
    files: list[Path] = []
    problems: list[FileOutcome] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():   # a folder named on the command line is used as given; nothing inside is followed
            for folder, dirs, names in os.walk(path, followlinks=False):
                here = Path(folder)
                if (here / NOINDEX).exists():  # folders marked as not-for-retrieval (e.g. lexicons)
                    dirs[:] = []
                    continue
                dirs.sort()
                for d in list(dirs):
                    if (here / d).is_symlink():
                        dirs.remove(d)
                        problems.append(not_regular(here / d))
                for name in sorted(names):
                    child = here / name
                    if not _wanted(child):
                        continue
                    refused = not_regular(child)
                    if refused is None:
                        files.append(child)
                    else:
                        problems.append(refused)
        elif os.path.lexists(path):
            refused = not_regular(path)
            if refused is None:
                files.append(path)
            else:
                problems.append(refused)
        else:
            problems.append(FileOutcome(str(path), "failed", status=Status.FAILED.value,
                                        message=f"找不到文件或文件夹“{path}”：请检查路径是否正确。"))
    return files, problems


def review_reason(loaded: LoadedDocument) -> str:
    """Why a trainer must look before this document is cited: text that is not policy prose, low OCR confidence."""
    reasons = []
    if loaded.kind == "policy" and (kind := not_policy_kind("\n".join(s.text for s in loaded.sections))):
        reasons.append(f"{NOT_POLICY}（看起来像{kind}）")
    if loaded.review:
        reasons.append(loaded.review)
    return "；".join(reasons) + ("。" if reasons else "")


def distinct_title(kb: KnowledgeBase, doc_id: str, loaded: LoadedDocument, source: str) -> str:
    """The document's title, told apart from another document that already has it (four files titled 编制说明,
    two versions of one notice): by its date when the dates differ, else by its file name. Staff see this title in
    the list and in every citation."""
    others = [r for r in kb.documents() if r.id != doc_id and r.title == loaded.title]
    if not others:
        return loaded.title
    if loaded.date and all(r.doc_date != loaded.date for r in others):
        return f"{loaded.title}（{loaded.date}）"
    return f"{loaded.title}（{Path(source).name}）"


def add_file(kb: KnowledgeBase, path: Path, *, user: str, doc_id: str | None = None, source: str | None = None,
             password: str | None = None, progress: Progress | None = None,
             on_page: PagesProgress | None = None) -> FileOutcome:
    """Load, chunk and store one file; never leaves a half-indexed document behind."""
    source = display_name(source or path.name)
    if (refused := not_regular(path, source)) is not None:
        return refused          # nothing read, nothing recorded
    doc_id = doc_id or doc_id_for(source)
    limits = Limits.of(kb.settings)
    try:
        check_size(path, source, limits)       # before the hash reads the whole file
    except IngestError as err:
        return _failed(kb, path, doc_id, source, "", err, user)
    sha = file_sha256(path)
    existing = kb.get_document(doc_id)
    same = kb.find_by_sha(sha)
    if same is not None and (same.id == doc_id or existing is None):
        note = (f"《{same.source}》内容未变，已跳过。" if same.id == doc_id
                else f"与知识库中的《{same.source}》内容完全相同，已跳过。")
        return FileOutcome(str(path), "unchanged", same.id, same.title, same.chunk_count, same.status, note)
    try:
        check_file(path, source, limits)       # size, unzipped size, pages: before any parser runs
        loaded = load_document(path, password=password, source=source, on_page=on_page)
        check_chars(source, sum(len(s.text) for s in loaded.sections)
                    + sum(len(e.answer) + sum(map(len, e.questions)) for e in loaded.faq), limits)
        loaded.title = distinct_title(kb, doc_id, loaded, source)
        chunks = chunk_document(loaded, doc_id, kb.settings)
        check_chunks(source, len(chunks), limits)
        if not chunks:
            raise IngestError(Status.EMPTY, f"无法读取《{source}》：文件里没有可用的文字内容，请检查文件后重新上传。")
    except IngestError as err:
        return _failed(kb, path, doc_id, source, sha, err, user)
    category = loaded.faq[0].category if loaded.kind == "faq" and loaded.faq else ""
    review = review_reason(loaded)
    row = kb.put_document(doc_id=doc_id, title=loaded.title, source=source, kind=loaded.kind, sha256=sha,
                          chunks=chunks, user=user, category=category, doc_date=loaded.date,
                          warnings=loaded.warnings, progress=progress, review=review,
                          ocr_confidence=loaded.ocr_confidence, ocr_pages=loaded.ocr_pages)
    _keep_copy(kb.settings, doc_id, path, source)
    outcome = "replaced" if existing is not None and existing.status == Status.READY.value else "added"
    db.audit_log(kb.engine, user, "replace" if outcome == "replaced" else "add", source,
                 f"{row.title}: {row.chunk_count} 段")
    notes = ([f"待确认，暂不引用：{review}"] if review else []) + loaded.warnings
    return FileOutcome(str(path), outcome, doc_id, row.title, row.chunk_count, row.status, "；".join(notes))


def _failed(kb: KnowledgeBase, path: Path, doc_id: str, source: str, sha: str, err: IngestError,
            user: str) -> FileOutcome:
    """Record why the file could not be used (``ingest.py list`` shows it); a ready version stays as it was."""
    row = kb.record_failure(doc_id=doc_id, title=Path(source).stem, source=source, kind="policy", sha256=sha,
                            status=err.status.value, error=err.message, user=user)
    kept = "（知识库中原有版本保持不变）" if row.status in (Status.READY.value, Status.REVIEW.value) else ""
    return FileOutcome(str(path), "failed", doc_id, row.title, 0, err.status.value, err.message + kept)


def _keep_copy(settings: Settings, doc_id: str, path: Path, source: str) -> None:
    """Keep the stored file so a document can be previewed, exported or re-indexed later."""
    folder = settings.data_dir / "files" / doc_id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    name = Path(source).name
    shutil.copy2(path, folder / (name if storable(name) else stored_name(name)))


def add_paths(kb: KnowledgeBase, paths: Iterable[Path], *, user: str, password: str | None = None,
              on_file: Callable[[Path], None] | None = None, progress: Progress | None = None,
              sources: dict[Path, str] | None = None, on_page: PagesProgress | None = None) -> Summary:
    """``sources``: the name each path is known by when it differs from the file's own (uploads are written under
    derived names)."""
    files, problems = expand_paths(paths)
    summary = Summary(list(problems))
    sources = sources or {}
    with kb.writing():
        for path in files:
            if on_file:
                on_file(path)
            source = sources.get(path)
            try:
                summary.outcomes.append(add_file(kb, path, user=user, password=password, progress=progress,
                                                 source=source, on_page=on_page))
            except IngestError as err:  # pragma: no cover - add_file converts these
                summary.outcomes.append(FileOutcome(str(path), "failed", status=err.status.value, message=err.message))
            except (OSError, ValueError) as exc:   # one file's trouble never aborts the rest of the batch
                log.warning("adding %s failed: %s", type(exc).__name__, exc)
                name = display_name(source or path.name)
                summary.outcomes.append(FileOutcome(str(path), "failed", status=Status.FAILED.value, message=(
                    f"无法添加《{name}》：读写文件时出错（{type(exc).__name__}），知识库中原有内容不受影响；"
                    "请稍后重试，仍不行请把文件另存一份再添加。")))
    return summary


def replace_document(kb: KnowledgeBase, key: str, new_file: Path, *, user: str, password: str | None = None,
                     progress: Progress | None = None, source: str | None = None,
                     on_page: PagesProgress | None = None) -> FileOutcome:
    row = require_document(kb, key)
    if (refused := not_regular(new_file, source)) is not None:
        return refused
    with kb.writing():
        if file_sha256(new_file) == row.sha256 and row.status == Status.READY.value:
            return FileOutcome(str(new_file), "unchanged", row.id, row.title, row.chunk_count, row.status,
                               f"《{row.source}》内容未变，已跳过。")
        return add_file(kb, new_file, user=user, doc_id=row.id, source=source or new_file.name, password=password,
                        progress=progress, on_page=on_page)


def confirm_document(kb: KnowledgeBase, key: str, *, user: str) -> DocumentRow:
    """A trainer confirms a document flagged for review; it is cited from then on."""
    row = require_document(kb, key)
    if row.status != Status.REVIEW.value:
        raise LookupError(f"《{row.title}》不在待确认状态（当前：{row.status}），无需确认。")
    with kb.writing():
        return kb.confirm_document(row.id, user)


def remove_document(kb: KnowledgeBase, key: str, *, user: str) -> DocumentRow:
    row = require_document(kb, key)
    with kb.writing():
        kb.remove_document(row.id)
        folder = kb.settings.data_dir / "files" / row.id
        if folder.exists():
            shutil.rmtree(folder)
    db.audit_log(kb.engine, user, "remove", row.source, row.title)
    return row


def require_document(kb: KnowledgeBase, key: str) -> DocumentRow:
    row = kb.get_document(key)
    if row is None:
        raise LookupError(f"知识库里没有“{key}”：请用 `python ingest.py list` 查看文档编号或文件名。")
    return row
