"""The knowledge-gap report: what staff asked that the knowledge base could not answer well.

Three lists, each a to-do for trainers: refused or low-confidence questions grouped by similarity (each group can
become a new FAQ entry in one step), answers marked not useful with their reasons, and FAQ entries nobody ever hit.
A group turned into an FAQ entry is recorded in the audit log with its query ids and leaves the report.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from assistant.documents.model import FaqEntry
from assistant.feedback.faq_edit import add_entry
from assistant.feedback.records import REASONS, FeedbackItem, feedback_items
from assistant.feedback.similar import DEFAULT_THRESHOLD, group_texts, normalise
from assistant.ingest import FileOutcome
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.users import require_trainer

RESOLVED_ACTION = "gap_to_faq"
LOW_CONFIDENCE_MARGIN = 0.10  # "low confidence": answered, but within this much of the refusal threshold


def aware(at: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def low_confidence_threshold() -> float:
    from assistant.retrieval.retriever import Thresholds

    return Thresholds().refuse_below + LOW_CONFIDENCE_MARGIN


@dataclass
class GapGroup:
    question: str                 # the most frequent wording: becomes the standard question
    wordings: list[str]           # distinct other wordings: become 相似问法
    count: int                    # how many times it was asked
    refused: int                  # of which the knowledge base had nothing
    query_ids: list[int] = field(default_factory=list)
    last_at: datetime | None = None


@dataclass
class NeverHit:
    doc_id: str
    title: str
    question: str
    category: str


@dataclass
class GapReport:
    groups: list[GapGroup]
    not_useful: list[FeedbackItem]
    reasons: dict[str, int]
    never_hit: list[NeverHit]
    since: datetime


def _resolved_ids(engine: Engine) -> set[int]:
    with engine.connect() as conn:
        details = conn.execute(select(db.audit.c.detail).where(db.audit.c.action == RESOLVED_ACTION)).scalars()
        ids: set[int] = set()
        for d in details:
            m = re.search(r"查询编号[:：]\s*([\d,]+)", d or "")
            if m:
                ids.update(int(x) for x in m.group(1).split(",") if x)
    return ids


def gap_groups(engine: Engine, *, since: datetime | None = None, low_confidence: float | None = None,
               threshold: float = DEFAULT_THRESHOLD, limit: int = 2000) -> list[GapGroup]:
    low = low_confidence_threshold() if low_confidence is None else low_confidence
    stmt = (select(db.queries.c.id, db.queries.c.text, db.queries.c.refused, db.queries.c.at)
            .where(or_(db.queries.c.refused.is_(True), db.queries.c.confidence < low))
            .where(db.queries.c.faq_chunk == "").where(db.queries.c.risk == "")
            .order_by(db.queries.c.at.desc()).limit(limit))
    if since is not None:
        stmt = stmt.where(db.queries.c.at >= since)
    with engine.connect() as conn:
        rows = [r for r in conn.execute(stmt).all()]
    done = _resolved_ids(engine)
    rows = [r for r in rows if r.id not in done and normalise(r.text)]
    groups: list[GapGroup] = []
    for g in group_texts([r.text for r in rows], threshold):
        members = [rows[i] for i in g.members]
        lead = rows[g.lead].text.strip()
        seen, wordings = {normalise(lead)}, []
        for r in members:
            key = normalise(r.text)
            if key not in seen:
                seen.add(key)
                wordings.append(r.text.strip())
        groups.append(GapGroup(question=lead, wordings=wordings[:10], count=len(members),
                               refused=sum(1 for r in members if r.refused), query_ids=[r.id for r in members],
                               last_at=max(r.at for r in members)))
    return groups


def never_hit(kb: KnowledgeBase, engine: Engine) -> list[NeverHit]:
    with engine.connect() as conn:
        used = set(conn.execute(select(db.queries.c.faq_chunk).where(db.queries.c.faq_chunk != "")
                                .distinct()).scalars())
    out = []
    for chunk in kb.iter_chunks(where={"kind": "faq"}):
        if chunk.id not in used:
            out.append(NeverHit(chunk.doc_id, chunk.title, chunk.questions[0] if chunk.questions else chunk.text,
                                chunk.category))
    return sorted(out, key=lambda n: (n.title, n.question))


def gap_report(kb: KnowledgeBase, *, days: int = 30) -> GapReport:
    since = db.now() - timedelta(days=days)
    engine = kb.engine
    not_useful = [f for f in feedback_items(engine, useful=False, status="open") if aware(f.at) >= since]
    reasons = Counter(f.reason for f in not_useful)
    return GapReport(groups=gap_groups(engine, since=since), not_useful=not_useful,
                     reasons={r: reasons.get(r, 0) for r in REASONS}, never_hit=never_hit(kb, engine), since=since)


def group_to_faq(kb: KnowledgeBase, group: GapGroup, answer: str, *, actor: str, category: str = "",
                 basis: str = "", question: str | None = None, doc_key: str | None = None) -> FileOutcome:
    """One step from a gap to an answer: the group's wordings become a new FAQ entry, searchable at once."""
    require_trainer(kb.engine, actor)
    standard = (question or group.question).strip()
    similar = [w for w in [group.question, *group.wordings] if w.strip() and w.strip() != standard]
    outcome = add_entry(kb, FaqEntry(question=standard, answer=(answer or "").strip(), similar=similar,
                                     category=category, basis=basis), actor=actor, doc_key=doc_key)
    if outcome.outcome != "failed":
        db.audit_log(kb.engine, actor, RESOLVED_ACTION, standard,
                     f"{group.count} 次提问转为 FAQ；查询编号：{','.join(map(str, group.query_ids))}")
    return outcome
