"""All relational state behind one SQLAlchemy module.

SQLite file in the data folder by default; any SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) when several app
instances share one chromadb server. Tables are plain SQLAlchemy Core so callers stay small.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text, create_engine,
                        event, inspect, select, text, update)
from sqlalchemy.engine import Engine

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(500), nullable=False),
    Column("source", String(500), nullable=False),
    Column("kind", String(16), nullable=False, default="policy"),
    Column("sha256", String(64), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("chunk_count", Integer, nullable=False, default=0),
    Column("error", Text, nullable=False, default=""),
    Column("warnings", Text, nullable=False, default=""),
    Column("category", String(100), nullable=False, default=""),
    Column("doc_date", String(10), nullable=False, default=""),
    Column("revision", Integer, nullable=False, default=1),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("replaced_at", DateTime(timezone=True), nullable=True),
    Column("added_by", String(100), nullable=False, default=""),
    # jurisdiction and validity (documents.jurisdiction); added later: rows from older data folders read "" = unknown
    Column("region", String(200), nullable=False, default="", server_default=""),
    Column("level", String(16), nullable=False, default="", server_default=""),
    Column("effective_from", String(10), nullable=False, default="", server_default=""),
    Column("valid_until", String(10), nullable=False, default="", server_default=""),
    Column("validity", String(16), nullable=False, default="", server_default=""),
    Column("replaced_by", String(500), nullable=False, default="", server_default=""),
    Column("meta_edited", String(200), nullable=False, default="", server_default=""),  # fields a trainer set
    # text read by OCR: character-weighted mean confidence ("0.973") and the pages ("1,6,10"); "" = no OCR
    Column("ocr_confidence", String(8), nullable=False, default="", server_default=""),
    Column("ocr_pages", String(2000), nullable=False, default="", server_default=""),
)

kb_meta = Table(
    "kb_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

users = Table(
    "users", metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False, default=""),
    Column("role", String(16), nullable=False),  # staff / trainer
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

# sign-in sessions (assistant.sessions): the id is a hash of the token the browser holds, never the token itself
sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("pw_stamp", String(64), nullable=False),   # hash of the password hash at sign-in: a new password ends it
    Column("ended_at", DateTime(timezone=True), nullable=True),
)

queries = Table(
    "queries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user", String(64), nullable=False, default=""),
    Column("text", Text, nullable=False),          # masked
    Column("search_text", Text, nullable=False, default=""),
    Column("intent", String(16), nullable=False, default=""),
    Column("emotion", String(16), nullable=False, default=""),
    Column("category", String(100), nullable=False, default=""),
    Column("refused", Boolean, nullable=False, default=False),
    Column("confidence", Float, nullable=False, default=0.0),
    Column("faq_chunk", String(100), nullable=False, default=""),
    Column("top_doc", String(64), nullable=False, default=""),
    Column("risk", String(64), nullable=False, default=""),
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user", String(64), nullable=False, default=""),
    Column("query_id", Integer, nullable=True),
    Column("question", Text, nullable=False),      # masked
    Column("useful", Boolean, nullable=False),
    Column("reason", String(32), nullable=False, default=""),
    Column("correction", Text, nullable=False, default=""),  # masked
    Column("status", String(16), nullable=False, default="open"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("user", String(64), nullable=False, default=""),
    Column("action", String(32), nullable=False),
    Column("target", String(500), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),   # masked
)

# 冲突案例库 (assistant.practice.cases): trainers' records of past window conflicts; every text masked on entry
cases = Table(
    "cases", metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("situation", Text, nullable=False, default=""),
    Column("citizen_said", Text, nullable=False, default=""),
    Column("staff_said", Text, nullable=False, default=""),
    Column("went", Text, nullable=False, default=""),        # what went wrong or right
    Column("outcome", Text, nullable=False, default=""),
    Column("policy", String(500), nullable=False, default=""),
    Column("department", String(100), nullable=False, default=""),
    Column("emotion", String(32), nullable=False, default=""),
    Column("risk_kind", String(32), nullable=False, default=""),
    Column("temperament", String(8), nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=False),  # shipped 示例
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)

# 练习场景 a trainer authored (the shipped ones are read from knowledge/practice/); ``body`` is the scenario's JSON
practice_scenarios = Table(
    "practice_scenarios", metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False, default=""),
)

# practice sessions and their scored turns: kept apart from ``queries``/``feedback`` (never in 热点问题 or 知识缺口)
practice_sessions = Table(
    "practice_sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(64), nullable=False, index=True),
    Column("scenario", String(32), nullable=False),
    Column("title", String(200), nullable=False, default=""),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("outcome", String(16), nullable=False, default=""),   # calmed / escalated / unfinished
)

practice_turns = Table(
    "practice_turns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, nullable=False, index=True),
    Column("turn", Integer, nullable=False),
    Column("citizen", Text, nullable=False),     # masked
    Column("reply", Text, nullable=False),       # masked
    Column("skills", Text, nullable=False),      # JSON: skill -> true / false / null
    Column("at", DateTime(timezone=True), nullable=False),
)



def now() -> datetime:
    return datetime.now(timezone.utc)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_conn, _record):  # readers keep working while a writer commits
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    add_missing_columns(engine)
    _ensure_version_row(engine)
    return engine


def _ensure_version_row(engine: Engine) -> None:
    """The stamp's row exists before any writer runs, so ``bump_version`` is one atomic UPDATE (two instances
    inserting it at once would otherwise collide on the key)."""
    from sqlalchemy.exc import IntegrityError

    with engine.connect() as conn:
        if conn.execute(select(kb_meta.c.value).where(kb_meta.c.key == "version")).first() is not None:
            return
    try:
        with engine.begin() as conn:
            conn.execute(kb_meta.insert().values(key="version", value=0))
    except IntegrityError:
        pass  # another instance created it first


def add_missing_columns(engine: Engine) -> list[str]:
    """Add columns this version defines but an older data folder's tables lack (``create_all`` only makes tables).

    Only columns with a server default are added, so existing rows read that default ("" = unknown).
    """
    added = []
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have or column.server_default is None:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = column.server_default.arg
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind} NOT NULL DEFAULT '{default}'"))
            added.append(f"{table.name}.{column.name}")
    return added


def kb_version(engine: Engine) -> int:
    with engine.connect() as conn:
        value = conn.execute(select(kb_meta.c.value).where(kb_meta.c.key == "version")).scalar()
    return int(value or 0)


def bump_version(conn) -> int:
    """Bump the knowledge-base stamp inside the caller's transaction; every derived index keys on it.

    One ``value = value + 1`` UPDATE, not read-then-write: two instances bumping at once must get two stamps (a lost
    bump would leave a reader's index keyed on a stamp that two different states share). The UPDATE also row-locks
    the stamp until the caller commits, so registry writes are serialised by the database itself.
    """
    done = conn.execute(update(kb_meta).where(kb_meta.c.key == "version").values(value=kb_meta.c.value + 1))
    if done.rowcount == 0:
        conn.execute(kb_meta.insert().values(key="version", value=1))
    return int(conn.execute(select(kb_meta.c.value).where(kb_meta.c.key == "version")).scalar())


def audit_log(engine: Engine, user: str, action: str, target: str, detail: str = "") -> None:
    from assistant.privacy import mask

    with engine.begin() as conn:
        conn.execute(audit.insert().values(at=now(), user=user or "", action=action, target=mask(target),
                                           detail=mask(detail)))
