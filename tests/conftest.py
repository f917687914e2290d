"""Shared fixtures: a knowledge base in a temp folder with the real embedding model and real chromadb."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
# vectors derived from the labelled sentences (risk exemplars): built once per checkout, not once per temp folder
os.environ.setdefault("ASSISTANT_CACHE_DIR", str(REPO / ".pytest_cache" / "derived"))
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"


def need_shared(*parts: str) -> Path:
    """Path under ../shared, or skip: a user's own clone has no ../shared."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} not present: this test needs the shared data folder beside the repo")
    return path


@pytest.fixture
def settings(tmp_path):
    from assistant.config import Settings

    return Settings(data_dir=tmp_path / "data", knowledge_dir=REPO / "knowledge")


@pytest.fixture
def kb(settings):
    from assistant.store.kb import KnowledgeBase

    base = KnowledgeBase(settings)
    yield base
    base.reopen()


# ---- PostgreSQL: one real server per test session, a fresh database per test ---------------------------------------
_pg_names = iter(range(1_000_000))


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL on 127.0.0.1 in a temp folder, stopped at the end (``assistant.bench.servers`` says where
    the binaries come from); skipped with the reason when none can start on this machine."""
    from assistant.bench.servers import PostgresServer, ServerUnavailable

    try:
        server = PostgresServer().start()
    except ServerUnavailable as err:
        pytest.skip(f"PostgreSQL could not be started here: {err}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """The SQLAlchemy URL of a new, empty PostgreSQL database."""
    return pg_server.create_database(f"t{next(_pg_names)}")


BACKENDS = ["sqlite", "postgresql"]


def on_backend(settings, backend: str, request):
    """``settings`` on SQLite (a file in the data folder) or on a fresh PostgreSQL database."""
    from dataclasses import replace

    if backend == "sqlite":
        return settings
    return replace(settings, database_url=request.getfixturevalue("pg_url"))


# --- practice tests: a fresh database, and a valid scenario entry to vary --------------------------------------
# (kept here: a tests/practice/conftest.py would shadow this module for the tests that do `from conftest import`)

@pytest.fixture
def engine(tmp_path):
    """A fresh SQLite database; modules that need another kind define their own ``engine``."""
    from assistant.store import db

    return db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")


@pytest.fixture
def scenario_entry():
    """Builds a valid scenario as imported from JSON; keyword arguments replace its fields."""
    def build(**over) -> dict:
        d = {"id": "x01", "title": "排队太久发火", "temperament": "D", "emotion": "angry",
             "matter": {"type": "not_in_kb", "topic": "窗口排队叫号规则"}, "opening": "我都等了一个钟头了！",
             "escalate": ["你这是什么态度？"], "next": ["那到底还要等多久？"]}
        return d | over
    return build
