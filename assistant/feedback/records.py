"""What staff asked and what they thought of the answer: the raw material of every trainer report.

Everything citizens said is masked (ID, phone, bank-card numbers) here, before it reaches the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from assistant.privacy import mask
from assistant.replies.model import knowledge_gap
from assistant.store import db
from assistant.users import require_trainer

REASONS = ("答非所问", "政策过期", "语气不当", "缺少材料")


class FeedbackError(ValueError):
    """Bad feedback input; ``str()`` is the Chinese sentence to show."""


@dataclass
class FeedbackItem:
    id: int
    at: datetime
    user: str
    query_id: int | None
    question: str
    useful: bool
    reason: str
    correction: str
    status: str


def _category(result, suggestion) -> str:
    """The subject a question was about: the category of the source the reply stood on. When the reply stood on
    none (not found, a risk card, a staff question), the routing guess, never the category of an entry the reply
    layer set aside ("养犬登记要带什么" is not 婚姻登记 because both say 登记). Without a suggestion: the matched
    FAQ's category, else the top passage's."""
    if result is not None and suggestion is not None:
        if getattr(suggestion, "mode", "reply") == "reply" and getattr(suggestion, "citations", None):
            pool = ([h for h, _, _ in result.faq_candidates] + list(result.hits)
                    + ([result.faq.hit] if result.faq else []))
            hit = next((h for h in pool if h.chunk_id == suggestion.citations[0].chunk_id), None)
            if hit is not None and hit.category:
                return hit.category
    elif result is not None:
        if result.faq is not None and result.faq.hit.category:
            return result.faq.hit.category
        for hit in result.hits[:1]:
            if hit.category:
                return hit.category
    triage = getattr(suggestion, "triage", None)
    return (getattr(triage, "department", "") or "") if triage else ""


def record_query(engine: Engine, user: str, text: str, result=None, suggestion=None) -> int:
    """Log one question with how it was answered; returns the row id that feedback points at."""
    triage = getattr(suggestion, "triage", None)
    values = dict(
        at=db.now(), user=user or "", text=mask(text or "")[:4000],
        search_text=mask(getattr(result, "search_query", "") or "")[:4000],
        intent=(getattr(triage, "intent", "") or "")[:16],
        emotion=(getattr(getattr(triage, "emotion", None), "label", "") or "")[:16],
        category=_category(result, suggestion)[:100],
        refused=knowledge_gap(bool(getattr(result, "refused", False)), suggestion),
        confidence=float(getattr(result, "confidence", 0.0) or 0.0),
        faq_chunk=(result.faq.hit.chunk_id if result is not None and result.faq is not None else "")[:100],
        top_doc=(result.hits[0].doc_id if result is not None and result.hits else "")[:64],
        risk=",".join(r.kind for r in getattr(triage, "risks", []) or [])[:64],
    )
    with engine.begin() as conn:
        return int(conn.execute(db.queries.insert().values(**values)).inserted_primary_key[0])


def record_feedback(engine: Engine, user: str, question: str, useful: bool, reason: str = "",
                    correction: str = "", query_id: int | None = None) -> int:
    if not useful and reason not in REASONS:
        raise FeedbackError(f"请选择“没用”的原因：{'、'.join(REASONS)}。")
    with engine.begin() as conn:
        new_id = conn.execute(db.feedback.insert().values(
            at=db.now(), user=user or "", query_id=query_id, question=mask(question or "")[:4000],
            useful=bool(useful), reason=(reason if not useful else "")[:32],
            correction=mask((correction or "").strip())[:4000], status="open" if not useful else "done",
        )).inserted_primary_key[0]
    return int(new_id)


def feedback_items(engine: Engine, *, useful: bool | None = None, status: str | None = None,
                   limit: int = 500) -> list[FeedbackItem]:
    stmt = select(db.feedback).order_by(db.feedback.c.at.desc()).limit(limit)
    if useful is not None:
        stmt = stmt.where(db.feedback.c.useful == useful)
    if status is not None:
        stmt = stmt.where(db.feedback.c.status == status)
    with engine.connect() as conn:
        return [FeedbackItem(**r._mapping) for r in conn.execute(stmt).all()]


def close_feedback(engine: Engine, feedback_id: int, by: str) -> None:
    """Trainers mark an item handled; it leaves the queue but stays in the database and the audit log."""
    require_trainer(engine, by)
    with engine.begin() as conn:
        conn.execute(update(db.feedback).where(db.feedback.c.id == feedback_id).values(status="done"))
    db.audit_log(engine, by, "feedback_done", f"反馈 #{feedback_id}")
