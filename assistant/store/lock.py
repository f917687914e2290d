"""The embedded store's exclusive write lock: two writers on one chromadb folder silently corrupt it."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path


class StoreLocked(RuntimeError):
    """Another process is writing the embedded store."""


class WriteLock:
    """A non-blocking flock on a file in the data folder; the holder's PID is written into it for the message."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 100, 0).decode("utf-8", "replace").strip() or "另一个进程"
            os.close(fd)
            raise StoreLocked(
                f"知识库正在被另一个进程写入（{holder}）。请等它完成后重试；"
                "如需多个进程同时写入，请改用 chroma 服务器模式（设置 CHROMA_HOST）。查询不受影响。"
            ) from None
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
