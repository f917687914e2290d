"""热点问题: what citizens asked most in the last 7 days against the 7 before, by category and by intent.

Rolling weeks rather than calendar weeks, so the chart is never empty on a Monday morning. Risk questions count like
any other (they are what trainers most need to prepare for); the text itself is already masked at record time.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from assistant.feedback.similar import group_texts
from assistant.store import db

UNSORTED = "未分类"


@dataclass
class TrendRow:
    dimension: str    # "分类" or "意图"
    name: str
    this_week: int
    last_week: int

    @property
    def change(self) -> int:
        return self.this_week - self.last_week


@dataclass
class HotQuestion:
    question: str
    count: int
    last_week: int


@dataclass
class HotReport:
    rows: list[TrendRow]
    top_questions: list[HotQuestion]
    this_week_total: int
    last_week_total: int
    until: datetime


def _rows(dimension: str, now: Counter, before: Counter, top: int) -> list[TrendRow]:
    names = sorted(set(now) | set(before), key=lambda n: (-now[n], -before[n], n))[:top]
    return [TrendRow(dimension, n, now[n], before[n]) for n in names]


def hot_report(engine: Engine, *, until: datetime | None = None, top: int = 10) -> HotReport:
    until = until or db.now()
    start_this, start_last = until - timedelta(days=7), until - timedelta(days=14)
    with engine.connect() as conn:
        rows = conn.execute(select(db.queries.c.at, db.queries.c.text, db.queries.c.category, db.queries.c.intent)
                            .where(db.queries.c.at >= start_last).where(db.queries.c.at < until)).all()

    def this_week(r) -> bool:
        at = r.at if r.at.tzinfo is not None else r.at.replace(tzinfo=until.tzinfo)
        return at >= start_this

    now_rows = [r for r in rows if this_week(r)]
    old_rows = [r for r in rows if not this_week(r)]
    cat_now = Counter(r.category or UNSORTED for r in now_rows)
    cat_old = Counter(r.category or UNSORTED for r in old_rows)
    int_now = Counter(r.intent or UNSORTED for r in now_rows)
    int_old = Counter(r.intent or UNSORTED for r in old_rows)

    texts = [r.text for r in rows]
    hot: list[HotQuestion] = []
    for g in group_texts(texts):
        members = [rows[i] for i in g.members]
        n_now = sum(1 for r in members if this_week(r))
        if n_now:
            hot.append(HotQuestion(rows[g.lead].text, n_now, len(members) - n_now))
    hot.sort(key=lambda h: (-h.count, -h.last_week, h.question))
    return HotReport(rows=_rows("分类", cat_now, cat_old, top) + _rows("意图", int_now, int_old, top),
                     top_questions=hot[:top], this_week_total=len(now_rows), last_week_total=len(old_rows),
                     until=until)
