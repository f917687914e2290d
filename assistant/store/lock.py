"""The knowledge base's exclusive write lock, one writer at a time across processes and hosts.

Embedded store: two writers on one chromadb folder silently corrupt it, so a flock in the data folder, refused at once
when held. Server mode (``CHROMA_HOST``): the registry row and the chunks in the chroma server are two writes that two
instances could interleave (both replacing one document write revision r+1 under the same record ids, then both switch
the row), so writers take a lock the database holds: a PostgreSQL session-level advisory lock when ``DATABASE_URL`` is
PostgreSQL (released by the server if the holder dies), else the same flock (instances sharing one SQLite file are on
one machine). In server mode a second trainer waits up to ``write_lock_wait_s`` before being told to retry.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

BUSY = ("知识库正在被另一个进程写入（{holder}）。请等它完成后重试；"
        "如需多个进程同时写入，请改用 chroma 服务器模式（设置 CHROMA_HOST）。查询不受影响。")
NOT_HELD = "write outside KnowledgeBase.writing()"
BUSY_SERVER = ("另一位培训人员正在通过其他应用实例写入知识库（{holder}），等待 {wait:g} 秒仍未完成。"
               "请稍后重试；查询不受影响。")


class StoreLocked(RuntimeError):
    """A write without the write lock: another process holds it, or the write came outside ``writing()``.

    One type for every missing-lock case, so the CLI, the first run and the trainer page catch one thing and show
    its message. ``holder`` names who holds the lock; None means nobody was asked (a programming error, not a race).
    """

    def __init__(self, holder: str | None = None, message: str | None = None):
        self.holder = holder
        super().__init__(message or (NOT_HELD if holder is None else BUSY.format(holder=holder)))


class WriteLock:
    """A non-blocking flock on a file in the data folder; the holder's PID is written into it for the message."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self, wait_s: float = 0.0) -> None:
        """Take the lock or raise ``StoreLocked``: at once by default (a second writer on the embedded store should
        hear why, not wait), after ``wait_s`` in server mode."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
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


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key per knowledge base (collection), so two collections never block each other."""
    return int.from_bytes(hashlib.sha256(f"chuangkou-writer:{name}".encode()).digest()[:8], "big", signed=True)


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on its own connection, held for a whole ``writing()`` block.

    Held by the server, not by a file: app instances on several hosts see the same lock, and a writer that dies mid-way
    loses it with its connection (its half-written chunks are swept by the next writer's ``repair``).
    """

    def __init__(self, engine: Engine, name: str):
        self.engine = engine
        self.key = advisory_key(name)
        self._conn = None

    def acquire(self, wait_s: float = 0.0) -> None:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            conn.execute(text("SELECT set_config('application_name', :n, false), set_config('lock_timeout', :t, false)"),
                         {"n": f"chuangkou pid {os.getpid()}"[:60], "t": f"{max(1, int(wait_s * 1000))}ms"})
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": self.key})
        except Exception as exc:  # noqa: BLE001 - lock_timeout surfaces as the driver's error type
            holder = self._holder(conn)
            try:
                conn.execute(text("RESET ALL"))
            finally:
                conn.close()
            if "lock timeout" in str(exc).lower() or "locknotavailable" in type(exc).__name__.lower():
                raise StoreLocked(holder, BUSY_SERVER.format(holder=holder, wait=wait_s)) from None
            raise
        self._conn = conn

    def _holder(self, conn) -> str:
        try:
            conn.rollback()
            row = conn.execute(text(
                "SELECT a.application_name, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (:k & 4294967295) LIMIT 1"),
                {"k": self.key}).first()
        except Exception:  # noqa: BLE001 - naming the holder is a courtesy; the message stands without it
            return "另一个应用实例"
        return f"{row[0]}@{row[1] or 'localhost'}" if row else "另一个应用实例"

    def release(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            conn.execute(text("RESET ALL"))   # the pooled connection goes back without our lock_timeout
        finally:
            conn.close()
