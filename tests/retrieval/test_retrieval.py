"""Hybrid retrieval on a real chromadb store with the real embedding model: what staff would notice."""
from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.documents.chunking import chunk_document
from assistant.documents.model import FaqEntry, LoadedDocument, Section
from assistant.retrieval.lexical import Bm25Index
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.rewrite import rewrite

pytestmark = pytest.mark.slow

RESIDENCE = """第一章 总则
第一条 为了规范本市居住证的申领和管理，制定本办法。
第二章 申领
第三条 申领居住证应当向居住地公安派出所提交下列材料：（一）本人居民身份证；（二）近期一寸白底照片两张；（三）房屋租赁合同等居住地址证明。
第四条 公安派出所应当自受理申请之日起十五个工作日内制作发放居住证。
第三章 签注
第五条 居住证每年签注一次，持证人应当在有效期满前三十日内办理签注手续。
"""
PENSION = """一、参保范围
年满十六周岁、不在校的城乡居民，可以在户籍地参加城乡居民基本养老保险。
二、缴费档次
个人缴费标准设为每年二百元至五千元共十二个档次，参保人自主选择档次，多缴多得。
三、待遇领取
参保人年满六十周岁、累计缴费满十五年的，可以按月领取城乡居民养老保险待遇。
"""
FAQ = [
    FaqEntry("新生儿怎么办理医保？", "出生后持出生医学证明和户口簿到户籍所在地医保经办窗口登记参保，也可在线上办理。",
             ["刚出生的孩子医保在哪里办", "宝宝医保怎么参保"], "医保"),
    FaqEntry("公积金提取需要多长时间到账？", "资料齐全的，审核通过后一般三个工作日内到账。",
             ["公积金取出来几天能到账"], "公积金"),
]


def _put(kb, doc_id, loaded):
    kb.put_document(doc_id=doc_id, title=loaded.title, source=loaded.source, kind=loaded.kind, sha256=doc_id,
                    chunks=chunk_document(loaded, doc_id, kb.settings), user="test",
                    category=loaded.faq[0].category if loaded.faq else "", doc_date=loaded.date)


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from assistant.store.kb import KnowledgeBase

    settings = Settings(chunk_size=120, chunk_overlap=40).with_data_dir(tmp_path_factory.mktemp("kb"))
    kb = KnowledgeBase(settings)
    with kb.writing():
        _put(kb, "residence", LoadedDocument("某市居住证管理办法", "居住证.txt", "policy",
                                             [Section(RESIDENCE)], date="2021-03-01"))
        _put(kb, "pension", LoadedDocument("城乡居民养老保险实施办法", "养老.txt", "policy",
                                           [Section(PENSION)], date="2019-06-01"))
        _put(kb, "faq", LoadedDocument("常见问题", "faq.xlsx", "faq", faq=FAQ))
    return kb


@pytest.fixture(scope="module")
def retriever(kb):
    return Retriever(kb, kb.settings)


def test_chinese_bm25_scores_are_not_zero():
    idx = Bm25Index.from_texts(["居住证每年签注一次", "养老保险缴费档次", "公积金提取"])
    scores = idx.scores(__import__("assistant.retrieval.text", fromlist=["query_tokens"]).query_tokens("居住证怎么签注"))
    assert scores[0] > 0 and scores[0] == scores.max()


def test_policy_question_finds_the_clause_with_its_source(retriever):
    res = retriever.search("居住证多久签注一次")
    top = res.hits[0]
    assert not res.refused
    assert "每年签注一次" in top.text
    assert top.title == "某市居住证管理办法" and top.clause == "第五条" and "第三章" in top.heading_path
    assert "《某市居住证管理办法》" in top.source_label


def test_follow_up_question_is_searched_with_the_earlier_topic(retriever):
    assert "居住证" in rewrite("那需要带什么材料？", ["居住证怎么办理？"])
    assert rewrite("养老保险怎么交", ["居住证怎么办理？"]) == "养老保险怎么交"
    res = retriever.search("那需要带什么材料？", history=["我想办居住证，怎么办理？"])
    assert "居住证" in res.search_query
    assert res.hits[0].doc_id == "residence" and "提交下列材料" in res.hits[0].text


def test_faq_paraphrase_returns_the_standard_answer_verbatim(retriever):
    res = retriever.search("刚出生的小孩医保去哪里办")
    assert res.faq is not None
    assert res.faq.hit.answer == FAQ[0].answer
    assert res.faq.matched_question in FAQ[0].questions


def test_chit_chat_is_refused(retriever):
    for q in ("今天天气怎么样", "给我讲个笑话"):
        res = retriever.search(q)
        assert res.refused and res.faq is None, (q, res.confidence)


def test_filters_by_document_and_date(retriever):
    res = retriever.search("缴费", filters={"doc_id": "residence"})
    assert all(h.doc_id == "residence" for h in res.hits)
    res = retriever.search("办理手续", filters={"date_from": "2020-01-01"})
    assert res.hits and all(h.date >= "2020-01-01" for h in res.hits)


def test_langchain_retriever_returns_documents_with_source_metadata(retriever):
    docs = retriever.as_langchain(k=3).invoke("养老保险每年交多少钱")
    assert docs and "二百元至五千元" in docs[0].page_content
    meta = docs[0].metadata
    assert meta["title"] == "城乡居民养老保险实施办法" and meta["clause"] == "二、" and meta["score"] > 0
    faq_docs = retriever.as_langchain(k=3).invoke("宝宝医保怎么参保")
    assert faq_docs[0].metadata["standard_answer"] and faq_docs[0].page_content == FAQ[0].answer


def test_index_is_persisted_and_reloaded_without_rebuild(kb, retriever):
    retriever.state()
    fresh = Retriever(kb, kb.settings)
    assert fresh.state().version == kb.version()
    assert (kb.settings.data_dir / "lexical" / kb.settings.collection / "state.json").exists()
    assert fresh.search("居住证多久签注一次").hits[0].clause == "第五条"


def test_removed_document_leaves_no_ghost_lexically_or_by_vector(tmp_path):
    from assistant.store.kb import KnowledgeBase

    kb = KnowledgeBase(Settings(chunk_size=120, chunk_overlap=40).with_data_dir(tmp_path))
    with kb.writing():
        _put(kb, "residence", LoadedDocument("某市居住证管理办法", "居住证.txt", "policy", [Section(RESIDENCE)]))
        _put(kb, "pension", LoadedDocument("城乡居民养老保险实施办法", "养老.txt", "policy", [Section(PENSION)]))
    r = Retriever(kb, kb.settings)
    assert any(h.doc_id == "residence" for h in r.search("居住证签注", k=10).hits)
    with kb.writing():
        kb.remove_document("residence")
    for q in ("居住证签注", "居住证需要什么材料", "公安派出所"):
        assert all(h.doc_id != "residence" for h in r.search(q, k=10).hits)
    assert all(c.doc_id != "residence" for c in r.state().chunks)
