"""The embedded store's exclusive write lock: two writers on one chromadb folder silently corrupt it."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

BUSY = ("知识库正在被另一个进程写入（{holder}）。请等它完成后重试；"
        "如需多个进程同时写入，请改用 chroma 服务器模式（设置 CHROMA_HOST）。查询不受影响。")
NOT_HELD = "write outside KnowledgeBase.writing()"


class StoreLocked(RuntimeError):
    """A write without the write lock: another process holds it, or the write came outside ``writing()``.

    One type for every missing-lock case, so the CLI, the first run and the trainer page catch one thing and show
    its message. ``holder`` names who holds the lock; None means nobody was asked (a programming error, not a race).
    """

    def __init__(self, holder: str | None = None):
        self.holder = holder
        super().__init__(NOT_HELD if holder is None else BUSY.format(holder=holder))


class WriteLock:
    """A non-blocking flock on a file in the data folder; the holder's PID is written into it for the message."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``StoreLocked`` at once: a second writer should hear why, not wait."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 100, 0).decode("utf-8", "replace").strip() or "另一个进程"
            os.close(fd)
            raise StoreLocked(holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"PID {os.getpid()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
