"""One practice run: the simulated citizen speaks, the trainee replies, the reply is scored, the citizen reacts.

The citizen's mood starts from the scenario's emotion (平静 0 … 绝望 3). A reply that meets every check that applies
lowers it and the script moves on; one that misses a check raises it and the citizen reacts to what was missed.
The run ends when the citizen is satisfied (mood 0 after at least two replies, or the script is used up), when
they leave upset (mood 4), or after ``MAX_TURNS`` replies. Turns are stored in ``practice_turns`` (masked), never in
``queries``: practice words do not reach 热点问题 or 知识缺口.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.engine import Engine

from assistant.privacy import mask
from assistant.practice.scenarios import MAX_TURNS, REACTIONS, Scenario
from assistant.practice.scorer import Matter, Score, score_reply
from assistant.practice.skills import SKILLS
from assistant.store import db

MOOD = {"calm": 0, "anxious": 1, "angry": 2, "desperate": 3}
MOOD_ZH = ("平静", "有些着急", "生气", "非常激动", "情绪失控")
OUTCOME_ZH = {"calmed": "群众满意离开", "escalated": "群众情绪失控", "unfinished": "未完成"}


@dataclass
class Turn:
    citizen: str
    reply: str = ""
    score: Score | None = None


@dataclass
class Run:
    scenario: Scenario
    matter: Matter
    mood: int
    turns: list[Turn] = field(default_factory=list)
    outcome: str = ""          # "" while running; calmed / escalated
    session_id: int | None = None
    user: str = ""

    @property
    def done(self) -> bool:
        return bool(self.outcome)

    @property
    def citizen_lines(self) -> list[str]:
        return [t.citizen for t in self.turns]


def start(scenario: Scenario, matter: Matter, engine: Engine | None = None, user: str = "") -> Run:
    run = Run(scenario, matter, MOOD.get(scenario.emotion, 1), [Turn(scenario.opening)], user=user)
    if engine is not None:
        with engine.begin() as conn:
            run.session_id = conn.execute(db.practice_sessions.insert().values(
                user=user, scenario=scenario.id, title=scenario.title, started_at=db.now(),
                outcome="unfinished")).inserted_primary_key[0]
        db.audit_log(engine, user, "practice_start", scenario.title)
    return run


def _next_line(run: Run, score: Score, good: int) -> str:
    s = run.scenario
    if score.passed:
        if run.mood == 0 and good >= 2 or good > len(s.next):
            return ""
        return s.next[good - 1] if good - 1 < len(s.next) else s.calmed
    bad = sum(1 for t in run.turns if t.score is not None and not t.score.passed)
    failed = score.failed()
    # the citizen reacts to the most hurtful miss first (REACTIONS is in that order)
    reaction = next((line for skill, line in REACTIONS.items() if skill in failed), "")
    line = s.escalate[(bad - 1) % len(s.escalate)]
    return f"{reaction}{line}" if reaction and reaction not in line else line


def reply(run: Run, text: str, engine: Engine | None = None, vary=None) -> Score:
    """Scores ``text`` as the reply to the citizen's last line and adds the citizen's next line (or ends the run).
    ``vary``: an optional callable (line, scenario) -> line that rewords the scripted line (LLM), bounded by it."""
    if run.done:
        raise ValueError("practice run already ended")
    turn = run.turns[-1]
    turn.reply = mask((text or "").strip())
    score = score_reply(turn.reply, run.matter, run.citizen_lines)
    turn.score = score
    run.mood = max(0, run.mood - 1) if score.passed else run.mood + 1
    good = sum(1 for t in run.turns if t.score is not None and t.score.passed)
    if engine is not None and run.session_id is not None:
        with engine.begin() as conn:
            conn.execute(db.practice_turns.insert().values(
                session_id=run.session_id, turn=len(run.turns), citizen=mask(turn.citizen), reply=turn.reply,
                skills=json.dumps({k: score.skills.get(k) for k in SKILLS}), at=db.now()))
    answered = len(run.turns)
    if run.mood >= 4:
        run.outcome = "escalated"
    else:
        line = _next_line(run, score, good)
        if not line or (score.passed and run.mood == 0 and good >= 2):
            run.outcome = "calmed"
        elif answered >= MAX_TURNS:
            run.outcome = "calmed" if run.mood <= 1 else "escalated"
        else:
            if vary is not None:
                line = vary(line, run.scenario) or line
            run.turns.append(Turn(line))
    if run.done and engine is not None and run.session_id is not None:
        with engine.begin() as conn:
            conn.execute(update(db.practice_sessions).where(db.practice_sessions.c.id == run.session_id)
                         .values(ended_at=db.now(), outcome=run.outcome))
        db.audit_log(engine, run.user, "practice_end", f"{run.scenario.title}：{OUTCOME_ZH[run.outcome]}")
    return score


def closing_line(run: Run) -> str:
    return run.scenario.calmed if run.outcome == "calmed" else "算了，我不跟你说了，我要找你们领导！"
