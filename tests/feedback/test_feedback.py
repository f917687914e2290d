"""Feedback, query log, knowledge-gap report, 热点问题 and FAQ editing on a real knowledge base from knowledge/."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app_harness import REPO, STAFF, TRAINER, app_data
from assistant.config import get_settings
from assistant.documents.faq_table import read_faq_table
from assistant.feedback.audit import audit_entries
from assistant.feedback.faq_edit import (FaqEditError, export_bytes, faq_documents, import_bytes, load_entries,
                                         save_entries)
from assistant.feedback.gaps import gap_report, group_to_faq
from assistant.feedback.records import FeedbackError, close_feedback, record_feedback, record_query
from assistant.feedback.similar import group_texts
from assistant.feedback.trends import hot_report
from assistant.retrieval.model import RetrievalResult
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.users import PermissionDenied


@pytest.fixture
def kb(request, tmp_path, monkeypatch):
    app_data(request, tmp_path, monkeypatch)
    base = KnowledgeBase(get_settings())
    yield base
    base.reopen()


def _refused(text: str) -> RetrievalResult:
    return RetrievalResult(query=text, search_query=text, refused=True, confidence=0.1)


def test_similar_questions_group_and_different_ones_do_not():
    groups = group_texts(["社保卡丢了怎么补办？", "请问社保卡丢了如何补办", "社保卡补办要多久",
                          "公积金怎么提取", "小区停车位怎么收费"])
    sizes = sorted(len(g.members) for g in groups)
    assert sizes == [1, 1, 3]


def test_query_and_feedback_are_masked_and_reasons_required(kb):
    qid = record_query(kb.engine, STAFF[0], "我身份证110101199003071234，卡号6222021234567890123", _refused("x"))
    with pytest.raises(FeedbackError):
        record_feedback(kb.engine, STAFF[0], "问题", useful=False)
    record_feedback(kb.engine, STAFF[0], "手机13912345678的群众问", useful=False, reason="政策过期",
                    correction="新政策2026年起施行", query_id=qid)
    with kb.engine.connect() as conn:
        q = conn.execute(select(db.queries.c.text)).scalar()
        f = conn.execute(select(db.feedback.c.question, db.feedback.c.status)).first()
    assert "110101199003071234" not in q and "6222021234567890123" not in q
    assert "13912345678" not in f.question and f.status == "open"
    item = gap_report(kb).not_useful[0]
    assert item.reason == "政策过期" and "新政策" in item.correction
    with pytest.raises(PermissionDenied):
        close_feedback(kb.engine, item.id, STAFF[0])
    close_feedback(kb.engine, item.id, TRAINER[0])
    assert gap_report(kb).not_useful == []


def test_gap_group_turns_into_a_faq_entry_and_leaves_the_report(kb):
    for text in ("共享单车乱停谁来管？", "小区门口共享单车乱停谁管", "共享单车乱停放找谁"):
        record_query(kb.engine, STAFF[0], text, _refused(text))
    report = gap_report(kb)
    assert len(report.groups) == 1 and report.groups[0].count == 3 and len(report.groups[0].wordings) == 2
    assert report.never_hit  # nobody asked anything that matched the shipped FAQ yet
    outcome = group_to_faq(kb, report.groups[0], "请拨打 12345 反映，城管部门会协调清理。", actor=TRAINER[0],
                           category="城市管理")
    assert outcome.outcome == "replaced"
    assert gap_report(kb).groups == []
    entry = next(e for e in load_entries(kb, faq_documents(kb)[0]) if e.answer.startswith("请拨打 12345"))
    assert entry.category == "城市管理" and len(entry.questions) == 3
    assert any(a.action == "gap_to_faq" for a in audit_entries(kb.engine))
    with pytest.raises(PermissionDenied):
        group_to_faq(kb, report.groups[0], "x", actor=STAFF[0])


def test_faq_export_and_import_round_trip_without_loss(kb):
    entries = load_entries(kb, faq_documents(kb)[0])
    assert entries == read_faq_table(REPO / "knowledge" / "faq" / "常见问题示例.csv")
    for suffix in (".csv", ".xlsx"):
        again = import_bytes(f"导出{suffix}", export_bytes(entries, suffix))
        assert again == entries


def test_faq_save_refuses_half_rows_and_staff(kb):
    doc = faq_documents(kb)[0]
    entries = load_entries(kb, doc)
    broken = entries[:2] + [entries[2].__class__(question="只有问题没有答案", answer="")]
    with pytest.raises(FaqEditError, match="第 3 行缺少答案"):
        save_entries(kb, doc.id, broken, actor=TRAINER[0])
    with pytest.raises(PermissionDenied):
        save_entries(kb, doc.id, entries[:2], actor=STAFF[0])
    assert kb.get_document(doc.id).chunk_count == len(entries)  # nothing changed


def test_a_question_is_counted_under_the_source_its_reply_stood_on_not_a_set_aside_entry(kb):
    from assistant.replies.engine import ReplyEngine

    engine = ReplyEngine(get_settings(), kb=kb)
    result, s = engine.suggest("我想养条狗，养犬登记要带什么？")
    assert s.mode != "reply"          # the KB has no 养犬 entry; 婚姻登记 only shares 登记
    qid = record_query(kb.engine, STAFF[0], "我想养条狗，养犬登记要带什么？", result, s)
    result2, s2 = engine.suggest("办理居住证要带哪些材料？")
    qid2 = record_query(kb.engine, STAFF[0], "办理居住证要带哪些材料？", result2, s2)
    with kb.engine.connect() as conn:
        cats = dict(conn.execute(select(db.queries.c.id, db.queries.c.category)).all())
    assert cats[qid] != "婚姻登记" and cats[qid] == (s.triage.department or "")
    assert cats[qid2] == "居住证"


def test_hot_report_compares_this_week_with_last_week(kb):
    from assistant.retrieval.model import Hit

    def result(cat: str) -> RetrievalResult:
        hit = Hit(chunk_id="d:00001", doc_id="d", title="t", text="x", score=1.0, category=cat)
        return RetrievalResult(query="q", search_query="q", hits=[hit], confidence=0.9)

    for text, cat in [("居住证怎么办", "户籍"), ("居住证怎么办理", "户籍"), ("社保怎么交", "社保")]:
        record_query(kb.engine, STAFF[0], text, result(cat))
    old = record_query(kb.engine, STAFF[0], "社保怎么交", result("社保"))
    with kb.engine.begin() as conn:
        conn.execute(db.queries.update().where(db.queries.c.id == old).values(at=db.now() - timedelta(days=9)))
    report = hot_report(kb.engine)
    by_cat = {r.name: (r.this_week, r.last_week) for r in report.rows if r.dimension == "分类"}
    assert by_cat == {"户籍": (2, 0), "社保": (1, 1)}
    assert report.top_questions[0].question.startswith("居住证") and report.top_questions[0].count == 2
    assert report.this_week_total == 3 and report.last_week_total == 1
