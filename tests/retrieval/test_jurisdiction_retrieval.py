"""Place and validity in retrieval on a real chromadb store and the real embedding model: the passage read out is
the asked place's rule and in force, and a question the knowledge base cannot answer is refused."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.config import Settings
from assistant.documents.chunking import chunk_document
from assistant.documents.model import LoadedDocument, Section
from assistant.retrieval.retriever import Retriever

SUBSIDY = ("{body}关于灵活就业人员社会保险补贴的通知\n各市人力资源和社会保障局：\n"
           "一、补贴对象。登记失业半年以上、以灵活就业方式就业的人员，可以申请社会保险补贴。\n"
           "二、补贴标准。按实际缴纳基本养老保险费的{share}给予补贴，补贴期限最长三年。\n"
           "三、申请材料。身份证、灵活就业登记证明和缴费凭证，到户籍所在地{office}窗口申请。")
PARKING = ("某市居民小区停车管理办法\n第一条 小区内停车位优先满足业主需要。\n"
           "第二条 本办法已被《某市机动车停车条例》替代。\n第三条 临时停车收费标准由业主大会决定。")


def _put(kb, doc_id, title, text, settings):
    loaded = LoadedDocument(title, f"{doc_id}.txt", "policy", [Section(text)])
    kb.put_document(doc_id=doc_id, title=title, source=loaded.source, kind="policy", sha256=doc_id,
                    chunks=chunk_document(loaded, doc_id, settings), user="test")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from assistant.store.kb import KnowledgeBase

    settings = Settings(chunk_size=400, chunk_overlap=50).with_data_dir(tmp_path_factory.mktemp("kb"))
    kb = KnowledgeBase(settings)
    with kb.writing():
        _put(kb, "gansu", "甘肃省人力资源和社会保障厅关于灵活就业人员社会保险补贴的通知",
             SUBSIDY.format(body="甘肃省人力资源和社会保障厅", share="三分之二", office="甘肃人社"), settings)
        _put(kb, "henan", "河南省人力资源和社会保障厅关于灵活就业人员社会保险补贴的通知",
             SUBSIDY.format(body="河南省人力资源和社会保障厅", share="二分之一", office="河南人社"), settings)
        _put(kb, "national", "人力资源社会保障部关于做好灵活就业人员社会保险补贴工作的指导意见",
             "人力资源社会保障部关于做好灵活就业人员社会保险补贴工作的指导意见\n各省、自治区、直辖市人力资源社会保障厅：\n"
             "各地要落实灵活就业人员社会保险补贴政策，补贴标准由各省结合实际确定，补贴期限最长不超过三年。", settings)
        _put(kb, "parking", "某市居民小区停车管理办法", PARKING, settings)
        _put(kb, "trainee", "就业见习补贴实施办法",
             "就业见习补贴实施办法\n一、见习单位吸纳离校未就业高校毕业生参加就业见习的，给予就业见习补贴。\n"
             "二、就业见习补贴按当地最低工资标准的百分之七十发放，补贴期限最长一年。", settings)
    yield kb
    kb.reopen()


@pytest.fixture(scope="module")
def retriever(kb):
    return Retriever(kb, kb.settings)


def test_documents_carry_region_and_level_in_the_registry_and_on_hits(kb, retriever):
    assert (kb.get_document("gansu").region, kb.get_document("gansu").level) == ("甘肃省", "省")
    assert kb.get_document("national").level == "全国"
    res = retriever.search("灵活就业人员社会保险补贴标准是多少")
    assert {h.doc_id: h.region for h in res.hits}.get("henan") == "河南省"


def test_a_question_naming_a_province_gets_that_provinces_rule_first(retriever):
    for place, doc, other, share in (("甘肃", "gansu", "henan", "三分之二"), ("河南省", "henan", "gansu", "二分之一")):
        res = retriever.search(f"{place}灵活就业人员社会保险补贴标准是多少")
        assert res.places and not res.refused
        assert res.hits[0].doc_id == doc and share in res.hits[0].text
        assert res.hits[0].place_match == "same" and res.hits[0].quotable
        other_hits = [h for h in res.hits if h.doc_id == other]
        assert all(h.place_match == "other" and not h.quotable for h in other_hits)


def test_without_a_place_the_centres_own_region_and_national_come_first(kb):
    local = Retriever(kb, replace(kb.settings, region="河南省/郑州市"))
    res = local.search("灵活就业人员社会保险补贴标准是多少")
    assert res.home_region == "河南省/郑州市" and not res.places
    assert res.hits[0].doc_id in ("henan", "national") and res.hits[0].quotable
    assert all(h.place_match == "other" and not h.quotable for h in res.hits if h.doc_id == "gansu")


def test_a_question_about_a_place_the_kb_has_no_rule_for_is_refused(retriever):
    res = retriever.search("广东省灵活就业人员社会保险补贴标准是多少")
    assert res.places == ["广东省"]
    # the national guidance applies everywhere, so it may be shown; another province's rule is never first
    assert res.hits and res.hits[0].place_match != "other"
    narrow = retriever.search("广东省灵活就业人员社会保险补贴到甘肃人社窗口申请吗")
    assert narrow.hits[0].doc_id != "henan"


def test_a_repealed_document_is_marked_and_not_quoted_as_current(retriever, kb):
    assert kb.get_document("parking").validity == "repealed"
    res = retriever.search("小区临时停车收费标准由谁决定")
    hit = next(h for h in res.hits if h.doc_id == "parking")
    assert hit.validity == "repealed" and hit.replaced_by == "某市机动车停车条例"
    assert not hit.quotable and hit.validity_label == "已废止"


def test_a_lapsed_document_reads_as_expired_after_its_date(kb):
    later = Retriever(kb, kb.settings, as_of=date(2030, 1, 1))
    with kb.writing():
        row = kb.get_document("gansu")
        kb.set_document_meta("gansu", row.meta.merged(valid_until="2025-12-31"), ["valid_until"], "test")
    try:
        res = later.search("甘肃灵活就业人员社会保险补贴标准是多少")
        gansu = [h for h in res.hits if h.doc_id == "gansu"]
        assert gansu and all(h.validity == "expired" and not h.quotable and h.validity_label == "已过有效期"
                             for h in gansu)
        assert retriever_today(kb).search("甘肃灵活就业人员社会保险补贴标准是多少").hits[0].quotable
    finally:
        with kb.writing():
            kb.set_document_meta("gansu", kb.get_document("gansu").meta.merged(valid_until=""), ["valid_until"], "test")


def retriever_today(kb):
    return Retriever(kb, kb.settings, as_of=date(2025, 1, 1))


def test_negative_rejection_when_the_answering_document_is_hidden(kb, retriever):
    q = "“就业见习补贴”的补贴期限最长是多久"
    full = retriever.search(q)
    assert not full.refused and full.hits[0].doc_id == "trainee" and "最长一年" in full.hits[0].text
    hidden = retriever.search(q, filters={"exclude_doc_id": ["trainee"]})
    assert all(h.doc_id != "trainee" for h in hidden.hits)
    # the subsidy notices still share most words ("补贴期限最长三年"): bigram coverage alone would answer from them
    assert hidden.confidence >= retriever.thresholds.refuse_below
    assert hidden.refused and hidden.refusal_reason == "missing_terms"
    assert hidden.signals["entity_coverage"] < full.signals["entity_coverage"]


def test_a_place_the_kb_has_no_rule_for_is_not_answered_from_another_province(retriever):
    q = "甘肃灵活就业人员社会保险补贴标准是多少"
    some = retriever.search(q, filters={"exclude_doc_id": ["gansu", "national"]})
    assert some.hits[0].doc_id != "henan"  # anything that may apply here goes before Henan's rule
    only = retriever.search(q, filters={"doc_id": "henan"})
    assert only.hits[0].doc_id == "henan" and only.hits[0].place_match == "other"  # nothing else left to show
    assert only.refused and only.refusal_reason == "wrong_place"
