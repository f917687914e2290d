"""Session reports for a trainee and the cohort view for trainers: how often each skill was met, which skills are
weakest, and progress over sessions. Read only from ``practice_sessions`` / ``practice_turns``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine

from assistant.practice.skills import SKILLS
from assistant.store import db


@dataclass
class SkillRate:
    skill: str
    met: int = 0
    scored: int = 0

    @property
    def rate(self) -> float | None:
        return self.met / self.scored if self.scored else None


@dataclass
class SessionRow:
    id: int
    user: str
    title: str
    started_at: object
    outcome: str
    rates: dict[str, SkillRate] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """Share of applicable skill checks met over the session's replies."""
        met = sum(r.met for r in self.rates.values())
        scored = sum(r.scored for r in self.rates.values())
        return met / scored if scored else None


def _add(rates: dict[str, SkillRate], skills: dict) -> None:
    for k in SKILLS:
        v = skills.get(k)
        if v is None:
            continue
        r = rates.setdefault(k, SkillRate(k))
        r.scored += 1
        r.met += bool(v)


def sessions(engine: Engine, user: str | None = None) -> list[SessionRow]:
    """Every practice session (of ``user``, or all), oldest first, with its per-skill rates."""
    stmt = select(db.practice_sessions).order_by(db.practice_sessions.c.started_at, db.practice_sessions.c.id)
    if user:
        stmt = stmt.where(db.practice_sessions.c.user == user)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
        turns = conn.execute(select(db.practice_turns.c.session_id, db.practice_turns.c.skills)).all()
    out = {r.id: SessionRow(r.id, r.user, r.title, r.started_at, r.outcome) for r in rows}
    for t in turns:
        if t.session_id in out:
            _add(out[t.session_id].rates, json.loads(t.skills))
    return list(out.values())


def skill_rates(rows: list[SessionRow]) -> list[SkillRate]:
    """Per skill over ``rows``, weakest first (skills never scored last)."""
    total: dict[str, SkillRate] = {k: SkillRate(k) for k in SKILLS}
    for row in rows:
        for k, r in row.rates.items():
            total[k].met += r.met
            total[k].scored += r.scored
    return sorted(total.values(), key=lambda r: (r.rate is None, r.rate if r.rate is not None else 0, SKILLS.index(r.skill)))


def weakest(rows: list[SessionRow], n: int = 3) -> list[str]:
    return [r.skill for r in skill_rates(rows) if r.rate is not None][:n]
