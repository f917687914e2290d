"""Trainer actions as the page calls them: each re-checks the role in the database, takes the process write lock,
and turns store errors into Chinese sentences. The work itself is assistant.ingest / assistant.feedback."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from assistant.documents.names import display_name, stored_name
from assistant.ingest import FileOutcome, Summary, add_paths, remove_document, replace_document
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


def upload(kb: KnowledgeBase, files: list[tuple[str, bytes]], actor: str,
           on_file: Callable[[int, str], None] | None = None) -> Summary:
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
        summary = add_paths(kb, paths, user=user, sources=sources,
                            on_file=(lambda p: on_file(next(done), sources[p])) if on_file else None)
        for o in summary.outcomes:
            o.path = sources.get(Path(o.path), o.path)   # the page shows the name the trainer uploaded
        return summary


def replace(kb: KnowledgeBase, doc_id: str, name: str, data: bytes, actor: str) -> FileOutcome:
    with trainer_write(kb, actor) as user, tempfile.TemporaryDirectory(prefix="replace-") as tmp:
        path = Path(tmp) / stored_name(name)
        path.write_bytes(data)
        outcome = replace_document(kb, doc_id, path, user=user, source=display_name(name))
        outcome.path = display_name(name)
        return outcome


def delete(kb: KnowledgeBase, doc_id: str, actor: str) -> DocumentRow:
    with trainer_write(kb, actor) as user:
        return remove_document(kb, doc_id, user=user)
