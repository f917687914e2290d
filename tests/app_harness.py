"""Helpers for the page tests: a knowledge base loaded from the shipped knowledge/, built once and copied per test.

Building it embeds every FAQ question and passage (tens of seconds on 2 cores), so the built folder is kept in
pytest's cache, keyed by a hash of knowledge/ and the sources that chunk and index it: a change to any of them rebuilds it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
TRAINER = ("trainer1", "trainer-pass-1")
STAFF = ("staff1", "staff-pass-1")


# what decides the built folder's content: the shipped files and the code that turns them into chunks and indexes
_INPUTS = ("knowledge", "assistant/documents", "assistant/store", "assistant/ingest.py", "assistant/firstrun.py",
           "assistant/retrieval/index.py", "assistant/retrieval/lexical.py", "assistant/retrieval/text.py")


def _fingerprint() -> str:
    h = hashlib.sha256()
    for name in _INPUTS:
        root = REPO / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                h.update(str(path.relative_to(REPO)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def build_template(folder: Path) -> Path:
    """A data folder with the shipped knowledge loaded and the retriever's index saved next to it."""
    from assistant.config import Settings
    from assistant.firstrun import load_shipped
    from assistant.retrieval.retriever import Retriever
    from assistant.store.kb import KnowledgeBase

    data = folder / "data"
    settings = Settings(data_dir=data, knowledge_dir=REPO / "knowledge")
    assert load_shipped(settings, quiet=True) == 0, "the shipped knowledge/ must load without failures"
    kb = KnowledgeBase(settings)
    Retriever(kb, settings).state()  # persists the lexical index + FAQ vectors under data/lexical
    kb.reopen()
    add_accounts(data)
    kb.engine.dispose()
    con = sqlite3.connect(data / "assistant.db")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    (folder / "READY").write_text("ok")
    return data


def template(cache_dir: Path) -> Path:
    """The built folder for the current inputs; built in a private folder and renamed into place, so parallel
    test runs sharing the cache never see (or delete) a half-built one."""
    folder = cache_dir / _fingerprint()
    if not (folder / "READY").exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.iterdir():  # builds for earlier inputs, unused for an hour
            if old != folder and time.time() - old.stat().st_mtime > 3600:
                shutil.rmtree(old, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=f"{folder.name}.build-", dir=cache_dir))
        build_template(work)
        try:
            os.rename(work, folder)
        except OSError:  # another run finished first: use its folder
            shutil.rmtree(work, ignore_errors=True)
    return folder / "data"


def copy_data(template_data: Path, dest: Path) -> Path:
    shutil.copytree(template_data, dest, ignore=shutil.ignore_patterns("write.lock"))
    return dest


def add_accounts(data_dir: Path) -> None:
    from assistant.store import db
    from assistant.users import add_account

    engine = db.get_engine(f"sqlite:///{data_dir / 'assistant.db'}")
    add_account(engine, *TRAINER, "trainer", "培训老师")
    add_account(engine, *STAFF, "staff", "窗口小王")


def app_data(request, tmp_path: Path, monkeypatch) -> Path:
    """Copy the template into this test's tmp folder and point the app at it (accounts TRAINER and STAFF exist)."""
    data = copy_data(template(Path(request.config.cache.mkdir("app-kb"))), tmp_path / "data")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(REPO / "knowledge"))
    return data


@pytest.fixture
def data(request, tmp_path: Path, monkeypatch) -> Path:
    """A data folder with the shipped knowledge and the test accounts, for this test only (import it as a fixture)."""
    return app_data(request, tmp_path, monkeypatch)


def sign_in(at, username: str, password: str):
    at.text_input(key="login_user").input(username)
    at.text_input(key="login_password").input(password)
    return at.button(key="login_submit").click().run()


def ask(at, text: str):
    return at.chat_input(key="ask").set_value(text).run()


def texts(at) -> str:
    """Everything the page shows as text, joined: what a user would read."""
    parts = []
    for kind in ("title", "markdown", "caption", "success", "info", "warning", "error", "code", "subheader"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [e.label for e in at.expander]
    return "\n".join(parts)


def signed_in(username: str, password: str):
    """A fresh AppTest run of app.py, signed in as this account."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120).run()
    sign_in(at, username, password)
    assert not at.exception
    return at
