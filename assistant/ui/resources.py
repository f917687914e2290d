"""One ``st.cache_resource`` factory per heavy object, shared by every session of this process.

Keyed by the settings' repr so tests that point the app at another data folder get their own objects.
The reply engine is warmed up once here (model loaded, indexes built), so the first question of every
session answers in well under a second.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from assistant.config import Settings, get_settings
from assistant.store import db
from assistant.store.kb import KnowledgeBase


def settings() -> Settings:
    return get_settings()


def engine(cfg: Settings | None = None):
    return db.get_engine((cfg or settings()).db_url)


@st.cache_resource(show_spinner="正在打开知识库……")
def _knowledge_base(key: str, _cfg: Settings) -> KnowledgeBase:
    return KnowledgeBase(_cfg)


def knowledge_base(cfg: Settings | None = None) -> KnowledgeBase:
    cfg = cfg or settings()
    return _knowledge_base(repr(cfg), cfg)


@st.cache_resource(show_spinner="正在加载语言模型和索引（只在启动后第一次需要）……")
def _reply_engine(key: str, _cfg: Settings):
    from assistant.replies.engine import ReplyEngine

    reply = ReplyEngine(_cfg, kb=_knowledge_base(key, _cfg))
    reply.warm()  # loads the model, builds or loads the lexical index, embeds the FAQ questions
    return reply


def reply_engine(cfg: Settings | None = None):
    cfg = cfg or settings()
    return _reply_engine(repr(cfg), cfg)


@st.cache_resource
def _write_lock(key: str) -> threading.Lock:
    return threading.Lock()


def write_lock(cfg: Settings | None = None) -> threading.Lock:
    """Sessions of one process share the KnowledgeBase; its file lock is per process, so serialise writes here."""
    return _write_lock(repr(cfg or settings()))


class Conversations(OrderedDict):
    """Each signed-in session's conversation (the workbench's turns), kept in this process's memory so a refresh
    (F5) shows it again; keyed by the session's stored id, so one clerk never sees another's. Nothing is written
    to disk; a sign-out, "新群众" or a restart of the app clears it. Only the ``LIMIT`` most recent are kept."""

    LIMIT = 500

    def for_session(self, key: str) -> list[dict]:
        with _CONVERSATIONS_LOCK:
            turns = self.setdefault(key, [])
            self.move_to_end(key)
            while len(self) > self.LIMIT:
                self.popitem(last=False)
            return turns


_CONVERSATIONS_LOCK = threading.Lock()


@st.cache_resource
def conversations() -> Conversations:
    return Conversations()


@st.cache_resource
def _cases_loaded(key: str, _cfg: Settings) -> int:
    from assistant.practice.cases import list_cases, load_shipped
    from assistant.practice.similar import warm

    n = load_shipped(engine(_cfg), _cfg.knowledge_dir)
    warm(list_cases(engine(_cfg)))
    return n


def practice_ready(cfg: Settings | None = None) -> None:
    """The shipped 示例 cases in the case library, once per data folder (see practice.cases.load_shipped)."""
    cfg = cfg or settings()
    _cases_loaded(repr(cfg), cfg)
