"""The lexical index refreshed after a trainer's change equals one rebuilt from the store, and reads only what changed.

Real chromadb in a temp folder and the real embedding model. "Equal" means the same chunks in the same order and
bit-identical BM25 scores for passages, documents and FAQ questions, so staff get the same ranking either way.
"""
from __future__ import annotations

import numpy as np
import pytest

from assistant.config import Settings
from assistant.documents.chunking import chunk_document
from assistant.documents.model import FaqEntry, LoadedDocument, Section
from assistant.retrieval.index import IndexState
from assistant.retrieval.lexical import Bm25Index
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.text import query_tokens, tokens

pytestmark = pytest.mark.slow

RESIDENCE = """第一章 总则
第一条 为规范居住证的申领和签注，制定本须知。
第二章 申领
第二条 申领居住证，应当向居住地派出所提交居民身份证、一寸照片和住址证明。
第三条 派出所自受理之日起十五个工作日内发放居住证。
第三章 签注
第四条 居住证每年签注一次，持证人应当在期满前三十日内办理签注。
"""
PENSION = """一、参保对象
年满十六周岁、不在校的城乡居民，可以在户籍地参加城乡居民养老保险。
二、缴费档次
每年缴费标准分为十二个档次，由参保人自主选择，多缴多得。
三、待遇领取
年满六十周岁且累计缴费满十五年的，按月领取养老金。
"""
HOUSING = """住房公积金提取指引
第一条 购买自住住房的，可以提取本人住房公积金账户余额。
第二条 离职后账户封存满半年的，可以申请提取住房公积金。
第三条 资料齐全的，审核通过后三个工作日内到账。
"""
FAQ = [
    FaqEntry("新生儿怎么办理医保？", "持出生医学证明和户口簿到医保窗口登记参保。", ["刚出生的孩子医保在哪里办"], "医保"),
    FaqEntry("社保卡丢了怎么办？", "先电话挂失，再到社保卡服务网点补办。", ["社保卡掉了如何补办"], "社保"),
]
QUERIES = ["居住证多久签注一次", "派出所几天发放居住证", "养老保险每年交多少钱", "离职以后公积金怎么提取",
           "公积金几天到账", "宝宝医保在哪里办", "社保卡掉了怎么补", "驾驶证换证"]


def policy(title: str, text: str) -> LoadedDocument:
    return LoadedDocument(title, f"{title}.txt", "policy", [Section(text)])


def faq(entries: list[FaqEntry]) -> LoadedDocument:
    return LoadedDocument("常见问题", "faq.csv", "faq", faq=entries)


def put(kb, doc_id: str, loaded: LoadedDocument) -> None:
    with kb.writing():
        kb.put_document(doc_id=doc_id, title=loaded.title, source=loaded.source, kind=loaded.kind, sha256=doc_id,
                        chunks=chunk_document(loaded, doc_id, kb.settings), user="test")


def remove(kb, doc_id: str) -> None:
    with kb.writing():
        kb.remove_document(doc_id)


@pytest.fixture
def kb(tmp_path):
    from assistant.store.kb import KnowledgeBase

    base = KnowledgeBase(Settings(chunk_size=120, chunk_overlap=40).with_data_dir(tmp_path))
    put(base, "residence", policy("居住证申领须知", RESIDENCE))
    put(base, "pension", policy("城乡居民养老保险办法", PENSION))
    put(base, "faq", faq(FAQ))
    yield base
    base.reopen()


@pytest.fixture
def reads(kb, monkeypatch) -> list:
    """The ``where`` of every chunk read from the store."""
    seen: list = []
    real = kb.iter_chunks

    def spy(where=None):
        seen.append(where)
        return real(where)

    monkeypatch.setattr(kb, "iter_chunks", spy)
    return seen


def rebuilt(kb) -> Retriever:
    """A retriever with nothing cached: its index is built from every chunk in the store."""
    r = Retriever(kb, kb.settings, persist=False)
    r.state()
    return r


def assert_same_as_rebuild(r: Retriever) -> IndexState:
    st, full = r.state(), rebuilt(r.kb)
    assert st.version == full.state().version == r.kb.version()
    assert st.chunks == full.state().chunks
    for q in QUERIES:
        qt = query_tokens(q)
        for name in ("passage_bm25", "doc_bm25", "faq_bm25"):
            assert np.array_equal(getattr(st, name).scores(qt), getattr(full.state(), name).scores(qt)), (q, name)
    if full.state().faq_vectors is None:
        assert st.faq_vectors is None
    else:
        np.testing.assert_allclose(st.faq_vectors, full.state().faq_vectors, atol=1e-5)
    for q in QUERIES:
        mine, theirs = r.search(q, k=10), full.search(q, k=10)
        assert [h.chunk_id for h in mine.hits] == [h.chunk_id for h in theirs.hits], q
        assert [h.score for h in mine.hits] == pytest.approx([h.score for h in theirs.hits], abs=1e-6)
    return st


def test_bm25_scores_are_those_the_fusion_weights_were_tuned_with():
    import bm25s

    texts = [RESIDENCE, PENSION, HOUSING, "", "2024年起 app 可以办理", *(e.question for e in FAQ)]
    rows = [tokens(t) for t in texts]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([r if r else [""] for r in rows], show_progress=False)
    ours = Bm25Index(rows)
    for q in QUERIES + ["2024 app 办理"]:
        known = [t for t in query_tokens(q) if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(rows))
        np.testing.assert_allclose(ours.scores(query_tokens(q)), expected, rtol=1e-6)


def test_added_document_is_read_alone_and_found_as_after_a_rebuild(kb, reads):
    r = Retriever(kb, kb.settings)
    r.state()
    put(kb, "housing", policy("住房公积金提取指引", HOUSING))
    reads.clear()
    st = r.state()
    assert reads == [{"doc_id": {"$in": ["housing"]}}]
    assert_same_as_rebuild(r)
    assert r.search("离职以后公积金怎么提取").hits[0].doc_id == "housing"
    assert any(c.doc_id == "housing" for c in st.chunks)


def test_replaced_document_leaves_no_trace_of_its_old_wording(kb, reads):
    r = Retriever(kb, kb.settings)
    r.state()
    put(kb, "residence", policy("居住证申领须知", RESIDENCE.replace("十五个工作日", "七个工作日")))
    reads.clear()
    st = assert_same_as_rebuild(r)
    assert reads[0] == {"doc_id": {"$in": ["residence"]}}
    assert not any("十五个工作日" in c.text for c in st.chunks)
    hits = r.search("派出所十五个工作日发放居住证", k=10).hits
    assert hits and not any("十五个工作日" in h.text for h in hits)
    assert "七个工作日" in hits[0].text


def test_removed_document_is_gone_without_reading_the_store(kb, reads):
    r = Retriever(kb, kb.settings)
    r.state()
    remove(kb, "pension")
    reads.clear()
    st = r.state()
    assert reads == []
    assert_same_as_rebuild(r)
    assert all(c.doc_id != "pension" for c in st.chunks)
    lex = st.passage_bm25.scores(query_tokens("养老保险缴费档次"))
    assert all(st.chunks[st.passages[i]].doc_id != "pension" for i in np.flatnonzero(lex))
    assert all(h.doc_id != "pension" for q in QUERIES for h in r.search(q, k=10).hits)


def test_emptied_knowledge_base_keeps_no_terms_of_removed_text(kb):
    r = Retriever(kb, kb.settings)
    full_vocab = len(r.state().vocab)
    remove(kb, "pension")
    remove(kb, "residence")
    st = assert_same_as_rebuild(r)
    assert {c.doc_id for c in st.chunks} == {"faq"}
    assert len(st.vocab) < full_vocab / 2  # the vocabulary was renumbered, not left to grow
    remove(kb, "faq")
    st = assert_same_as_rebuild(r)
    assert st.chunks == [] and st.vocab == {}
    assert r.search("居住证多久签注一次").refused


def test_edited_faq_answers_only_its_current_questions(kb):
    r = Retriever(kb, kb.settings)
    r.state()
    new = FaqEntry("社保卡丢了怎么办？", "在线上挂失后，到任一社保卡网点补办。", ["身份证和社保卡都丢了怎么办"], "社保")
    put(kb, "faq", faq([FAQ[0], new]))
    st = assert_same_as_rebuild(r)
    assert [q for _, q in st.faq_rows] == [*FAQ[0].questions, *new.questions]
    assert "社保卡掉了如何补办" not in {q for _, q in st.faq_rows}
    res = r.search("身份证和社保卡都丢了怎么办")
    assert res.faq is not None and res.faq.hit.answer == new.answer


def test_document_removed_and_added_again_between_queries_is_read_again(kb):
    r = Retriever(kb, kb.settings)
    r.state()
    remove(kb, "residence")
    put(kb, "residence", policy("居住证申领须知", RESIDENCE.replace("三十日", "六十日")))  # revision 1 again
    st = assert_same_as_rebuild(r)
    texts = " ".join(c.text for c in st.chunks if c.doc_id == "residence")
    assert "六十日" in texts and "三十日" not in texts


def test_next_start_loads_the_saved_index_and_refreshes_only_what_changed(kb, reads):
    Retriever(kb, kb.settings).state()
    put(kb, "housing", policy("住房公积金提取指引", HOUSING))
    reads.clear()
    restarted = Retriever(kb, kb.settings)
    restarted.state()
    assert reads == [{"doc_id": {"$in": ["housing"]}}]
    assert_same_as_rebuild(restarted)
    assert IndexState.load(restarted.folder).version == kb.version()


def test_crash_while_saving_a_refresh_keeps_the_last_whole_index(kb, monkeypatch):
    r = Retriever(kb, kb.settings)
    saved = r.state().version

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    put(kb, "housing", policy("住房公积金提取指引", HOUSING))
    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError):
        r.state()
    monkeypatch.undo()
    assert [p.name for p in r.folder.parent.iterdir()] == [r.folder.name]  # no half-written folder left behind
    on_disk = IndexState.load(r.folder)
    assert on_disk.version == saved and all(c.doc_id != "housing" for c in on_disk.chunks)
    restarted = Retriever(kb, kb.settings)
    assert_same_as_rebuild(restarted)
    assert restarted.search("离职以后公积金怎么提取").hits[0].doc_id == "housing"
