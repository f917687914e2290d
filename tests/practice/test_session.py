"""A practice run: the citizen calms down after replies that meet the checks and escalates after ones that do not;
turns are stored in the practice tables only (never in queries: not in 热点问题 or 知识缺口); the cohort view names
the weakest skills of a seeded cohort."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from assistant.bench.practice import faq_answers, matter_of
from assistant.practice import session
from assistant.practice.model_reply import model_reply
from assistant.practice.report import sessions, weakest
from assistant.practice.scenarios import REACTIONS, shipped
from assistant.store import db

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = {s.id: s for s in shipped(REPO / "knowledge")}


def _run(engine, sid: str, user: str = "staff1"):
    sc = SCENARIOS[sid]
    matter = matter_of({"matter": sc.matter}, faq_answers())
    return sc, matter, session.start(sc, matter, engine, user)


def test_good_replies_calm_the_citizen_and_bad_ones_escalate(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    sc, matter, run = _run(engine, "s01")
    while not run.done:
        session.reply(run, model_reply(matter, sc.emotion), engine)
    assert run.outcome == "calmed" and len(run.turns) <= 5

    sc, matter, run = _run(engine, "s01")
    session.reply(run, "上次不是跟你说过了吗？你自己没看清楚。", engine)
    assert run.mood == 3 and REACTIONS["no_blame"] in run.turns[-1].citizen
    session.reply(run, "不归我们管，你去别的地方问。", engine)
    assert run.outcome == "escalated"

    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(db.queries)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(db.practice_turns)).scalar() >= 3
        actions = set(conn.execute(select(db.audit.c.action)).scalars())
    assert {"practice_start", "practice_end"} <= actions


def test_a_run_stops_after_five_replies(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    sc, matter, run = _run(engine, "s18")   # risk: self-harm; calm-ish replies that miss the card keep it going
    replies = ["您别急，慢慢说，我在这听着。", "您先坐，我去请值班长来陪您。"] * 3
    n = 0
    while not run.done:
        session.reply(run, replies[n], engine)
        n += 1
    assert n <= 5


def test_the_cohort_view_names_the_weakest_skills(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    # a seeded cohort: everyone acknowledges feelings, nobody tells the whole list, and one trainee blames
    for user in ("a", "b", "c"):
        sc, matter, run = _run(engine, "s07", user)
        session.reply(run, "恭喜添了宝宝，您想一次办好。带出生医学证明就行。", engine)
        if not run.done:
            session.reply(run, "您着急我理解，带出生医学证明和身份证。" if user != "c" else "您着急我理解，可你怎么不早问？带出生医学证明。", engine)
    rows = sessions(engine)
    assert len(rows) == 3
    # the blaming reply misses no_blame and, blaming, does not acknowledge the feeling either: the two tie
    top = weakest(rows, 3)
    assert top[0] == "checklist_complete" and set(top[1:]) == {"need_acknowledged", "no_blame"}
