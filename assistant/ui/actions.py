"""Trainer actions as the page calls them: each re-checks the role in the database, takes the process write lock,
and turns store errors into Chinese sentences. The work itself is assistant.ingest / assistant.feedback."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from assistant.ingest import FileOutcome, Summary, add_paths, confirm_document, remove_document, replace_document
from assistant.store.kb import KnowledgeBase
from assistant.store.lock import StoreLocked
from assistant.store.registry import DocumentRow
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
    except StoreLocked as err:
        raise ActionError(str(err)) from None
    finally:
        lock.release()


def _safe_name(name: str) -> str:
    return Path(name.replace("\\", "/")).name or "未命名文件"


def upload(kb: KnowledgeBase, files: list[tuple[str, bytes]], actor: str,
           on_file: Callable[[int, str], None] | None = None,
           on_page: Callable[[int, int], None] | None = None) -> Summary:
    """Add uploaded files (name, bytes); each gets its own outcome, a failed one changes nothing else."""
    with trainer_write(kb, actor) as user, tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        paths = []
        for name, data in files:
            path = Path(tmp) / _safe_name(name)
            path.write_bytes(data)
            paths.append(path)
        done = iter(range(1, len(paths) + 1))
        return add_paths(kb, paths, user=user, on_page=on_page,
                         on_file=(lambda p: on_file(next(done), p.name)) if on_file else None)


def replace(kb: KnowledgeBase, doc_id: str, name: str, data: bytes, actor: str) -> FileOutcome:
    with trainer_write(kb, actor) as user, tempfile.TemporaryDirectory(prefix="replace-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        return replace_document(kb, doc_id, path, user=user)


def confirm(kb: KnowledgeBase, doc_id: str, actor: str) -> DocumentRow:
    with trainer_write(kb, actor) as user:
        try:
            return confirm_document(kb, doc_id, user=user)
        except LookupError as err:
            raise ActionError(err.args[0]) from None


def delete(kb: KnowledgeBase, doc_id: str, actor: str) -> DocumentRow:
    with trainer_write(kb, actor) as user:
        return remove_document(kb, doc_id, user=user)
