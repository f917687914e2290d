"""Throw-away PostgreSQL and chroma servers on 127.0.0.1, for the tests and the load bench.

A service centre runs the app against a PostgreSQL server and a `chroma run` server; the tests and `bench load` start
real ones in a temp folder and stop them afterwards. PostgreSQL binaries are looked for on PATH, then in Debian's
/usr/lib/postgresql/*/bin, then in the ``pgserver`` package (a registry wheel that ships PostgreSQL 16 server binaries,
in the ``dev`` extra so a fresh CI machine has one). PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` user (or ``nobody``).
"""
from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """No binaries for the server, or it did not start (the message says which and why)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin_dirs() -> list[Path]:
    """Folders holding both ``initdb`` and ``postgres``, in order of preference."""
    found: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(os.path.realpath(on_path)).parent)
    found += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    spec = importlib.util.find_spec("pgserver")   # located, not imported: only its binaries are used
    if spec is not None and spec.submodule_search_locations:
        found.append(Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin")
    return [d for d in dict.fromkeys(found) if (d / "initdb").exists() and (d / "postgres").exists()]


def _run_as() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    raise ServerUnavailable("running as root and there is no unprivileged user (postgres/nobody) to run PostgreSQL")


class PostgresServer:
    """``initdb`` in a temp folder, ``postgres`` on a free loopback port, trust auth for the user ``assistant``."""

    USER = "assistant"

    def __init__(self, root: Path | None = None, *, durable: bool = False):
        self.durable = durable   # False: fsync off (tests); a crash loses the temp cluster anyway
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="chuangkou-pg-"))
        self.owns_root = root is None
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.bin: Path | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> "PostgresServer":
        dirs = postgres_bin_dirs()
        if not dirs:
            raise ServerUnavailable("no PostgreSQL server binaries: not on PATH, not in /usr/lib/postgresql/*/bin, "
                                    "and the pgserver package (dev extra) is not installed")
        ident = _run_as()
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        if ident:
            os.chown(self.root, *ident)
        kw = {"user": ident[0], "group": ident[1]} if ident else {}
        errors = []
        for bin_dir in dirs:
            shutil.rmtree(self.data, ignore_errors=True)
            init = subprocess.run([str(bin_dir / "initdb"), "-D", str(self.data), "-U", self.USER, "-A", "trust",
                                   "-E", "UTF8", "--no-locale", "--no-sync"], capture_output=True, text=True,
                                  cwd=self.root, **kw)
            if init.returncode != 0:
                errors.append(f"{bin_dir}: initdb: {init.stderr.strip()[-300:]}")
                continue
            opts = ["-c", "listen_addresses=127.0.0.1", "-p", str(self.port), "-k", str(self.root),
                    "-c", "max_connections=300"]
            if not self.durable:
                opts += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
            log = open(self.root / "postgres.log", "ab")
            self.proc = subprocess.Popen([str(bin_dir / "postgres"), "-D", str(self.data), *opts], stdout=log,
                                         stderr=subprocess.STDOUT, cwd=self.root, **kw)
            if self._wait_ready(60):
                self.bin = bin_dir
                return self
            self.stop(remove=False)
            errors.append(f"{bin_dir}: postgres did not accept connections: "
                          f"{(self.root / 'postgres.log').read_text(errors='replace')[-300:]}")
        raise ServerUnavailable("PostgreSQL did not start: " + " | ".join(errors))

    def _wait_ready(self, timeout: float) -> bool:
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                psycopg.connect(host="127.0.0.1", port=self.port, user=self.USER, dbname="postgres",
                                connect_timeout=2).close()
                return True
            except psycopg.OperationalError:
                time.sleep(0.2)
        return False

    def create_database(self, name: str) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def tool(self, name: str) -> str:
        """Path of a client tool (pg_dump, pg_restore, psql) of the same version as the server."""
        return str((self.bin or postgres_bin_dirs()[0]) / name)

    def stop(self, remove: bool = True) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)   # "fast" shutdown: disconnect clients, no waiting on them
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if remove and self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def chroma_exe() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


class ChromaServer:
    """``chroma run --path DIR`` on a free loopback port (the command ships with chromadb)."""

    def __init__(self, path: Path, port: int | None = None):
        self.path = Path(path)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "ChromaServer":
        exe = chroma_exe()
        if not exe:
            raise ServerUnavailable("the `chroma` command (installed with chromadb) is not on this machine")
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
        self.proc = subprocess.Popen([exe, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerUnavailable(f"chroma server exited at start (code {self.proc.returncode})")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1)
                return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise ServerUnavailable(f"chroma server did not answer within {timeout:g} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "ChromaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
