"""Trainer actions as the page calls them: each re-checks the role in the database, takes the process write lock,
and turns store errors into Chinese sentences. The work itself is assistant.ingest / assistant.feedback."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from assistant.documents.names import display_name, stored_name
from assistant.ingest import FileOutcome, Summary, add_paths, confirm_document, remove_document, replace_document
from assistant.store.kb import KnowledgeBase
from assistant.store.lock import StoreLocked
from assistant.store.registry import DocumentRow, WriteConflict
from assistant.ui import resources
from assistant.users import require_trainer

BUSY = "另一位培训管理员正在更新知识库，请稍等几秒后重试。"


class ActionError(RuntimeError):
    """Shown to the trainer as is (Chinese)."""


@contextmanager
def trainer_write(kb: KnowledgeBase, actor: str) -> Iterator[str]:
    account = require_trainer(kb.engine, actor)
    lock = resources.write_lock(kb.settings)
    if not lock.acquire(timeout=30):
        raise ActionError(BUSY)
    try:
        yield account.username
    except (StoreLocked, WriteConflict) as err:
        raise ActionError(str(err)) from None
    finally:
        lock.release()


def upload(kb: KnowledgeBase, files: list[tuple[str, bytes]], actor: str,
           on_file: Callable[[int, str], None] | None = None, password: str | None = None,
           on_page: Callable[[int, int], None] | None = None) -> Summary:
    """Add uploaded files (name, bytes); each gets its own outcome, a failed one changes nothing else.

    Each file is written under a derived name (``documents.names``) in its own folder, so no browser-supplied
    name (too long, ``..``, NUL) can fail to store or collide; the original name is what users see."""
    with trainer_write(kb, actor) as user, tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        paths, sources = [], {}
        for i, (name, data) in enumerate(files):
            path = Path(tmp) / str(i) / stored_name(name)
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
            sources[path] = display_name(name)
        done = iter(range(1, len(paths) + 1))
        summary = add_paths(kb, paths, user=user, sources=sources, password=password or None, on_page=on_page,
                            on_file=(lambda p: on_file(next(done), sources[p])) if on_file else None)
        for o in summary.outcomes:
            o.path = sources.get(Path(o.path), o.path)   # the page shows the name the trainer uploaded
        return summary


def replace(kb: KnowledgeBase, doc_id: str, name: str, data: bytes, actor: str,
            password: str | None = None) -> FileOutcome:
    """Replace a document; its current file is kept as a version first, so the replace can be undone."""
    from assistant.feedback import versions

    with trainer_write(kb, actor) as user, tempfile.TemporaryDirectory(prefix="replace-") as tmp:
        path = Path(tmp) / stored_name(name)
        path.write_bytes(data)
        row = kb.get_document(doc_id)
        kept = versions.keep(kb, row, by=user, reason="替换文档") if row is not None else None
        outcome = replace_document(kb, doc_id, path, user=user, password=password or None,
                                   source=display_name(name))
        outcome.path = display_name(name)
        if outcome.outcome in ("failed", "unchanged") and kept is not None:
            shutil.rmtree(kept.path.parent, ignore_errors=True)  # nothing was replaced: nothing to undo
        return outcome


def preview_replace(kb: KnowledgeBase, doc_id: str, name: str, data: bytes, password: str | None = None):
    """What replacing ``doc_id`` with this file would change (nothing is written)."""
    from assistant.feedback import versions

    with tempfile.TemporaryDirectory(prefix="preview-") as tmp:
        path = Path(tmp) / stored_name(name)
        path.write_bytes(data)
        doc = kb.get_document(doc_id)
        preview = versions.preview_replace(kb, doc, path, password=password or None)
        if preview.new_faq is not None and doc.kind == "faq":
            from assistant.feedback.faq_edit import compare, load_entries

            preview.faq = compare(load_entries(kb, doc), preview.new_faq)
        return preview


def undo(kb: KnowledgeBase, doc_id: str, actor: str) -> FileOutcome:
    """Put the latest kept version of a document back."""
    from assistant.feedback import versions

    with trainer_write(kb, actor) as user:
        try:
            return versions.restore(kb, doc_id, actor=user)
        except versions.VersionError as err:
            raise ActionError(str(err)) from None


def confirm(kb: KnowledgeBase, doc_id: str, actor: str) -> DocumentRow:
    with trainer_write(kb, actor) as user:
        try:
            return confirm_document(kb, doc_id, user=user)
        except LookupError as err:
            raise ActionError(err.args[0]) from None


def delete(kb: KnowledgeBase, doc_id: str, actor: str) -> DocumentRow:
    """Delete a document, and its kept versions with it: a deleted document leaves nothing to restore."""
    with trainer_write(kb, actor) as user:
        row = remove_document(kb, doc_id, user=user)
        shutil.rmtree(kb.settings.data_dir / "versions" / row.id, ignore_errors=True)
        return row
