"""Shared by the practice tests: a fresh database, and a valid scenario entry to vary."""
from __future__ import annotations

import pytest

from assistant.store import db


@pytest.fixture
def engine(tmp_path):
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
