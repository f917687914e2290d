"""The chunker keeps policy structure, keeps passages short, and does not cut sentences in two."""
from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.documents.chunking import chunk_document
from assistant.documents.model import FaqEntry, LoadedDocument, Section

POLICY = """第一章 总则
第一条 为了规范本市居住证的申领和管理，保障居住人员的合法权益，制定本办法。
第二条 本办法适用于在本市居住半年以上、符合条件的非本市户籍人员。
第二章 申领条件和材料
第三条 申领居住证应当向居住地公安派出所提交下列材料：
（一）本人居民身份证原件及复印件；
（二）近六个月内免冠一寸白底照片两张；
（三）居住地址证明，如房屋租赁合同或者单位出具的住宿证明。
第四条 公安派出所应当自受理申请之日起十五个工作日内制作发放居住证。
第三章 签注和服务
第五条 居住证每年签注一次，持证人应当在有效期满前三十日内到居住地公安派出所办理签注手续。
""" + "第六条 " + "持证人依法享有劳动就业、基本公共教育、基本医疗卫生、公共文化体育等基本公共服务，" * 12 + "具体办法另行制定。\n"


def _chunks(size: int = 120, overlap: int = 40):
    doc = LoadedDocument(title="某市居住证管理办法", source="居住证.txt", kind="policy",
                         sections=[Section(POLICY, page=3)])
    return chunk_document(doc, "doc1", Settings(chunk_size=size, chunk_overlap=overlap, max_passage_chars=600))


def test_clauses_become_heading_path_and_clause_label():
    chunks = _chunks()
    material = next(c for c in chunks if "提交下列材料" in c.text)
    assert material.heading_path.startswith("第二章")
    assert "第三条" in material.heading_path
    assert material.clause in {"第三条", "（一）", "（二）", "（三）"}
    assert material.title == "某市居住证管理办法" and material.page == 3
    sign = next(c for c in chunks if "每年签注一次" in c.text)
    assert sign.clause == "第五条" and sign.heading_path.startswith("第三章")


def test_passages_stay_short_and_end_at_sentence_boundaries():
    chunks = _chunks(size=500, overlap=150)
    assert all(len(c.text) <= 600 for c in chunks)
    whole = re.sub(r"\s", "", POLICY)
    for c in chunks:
        body = re.sub(r"\s", "", c.text)
        assert body in whole  # no text invented or reordered
        # each passage ends at a sentence/clause end or a comma (only when one sentence exceeds a passage)
        assert body[-1] in "。；！？，" or body.endswith(("申领条件和材料", "签注和服务")), body[-15:]


def test_a_short_clause_is_not_split_across_passages():
    chunks = _chunks(size=120, overlap=40)
    clause = "第四条公安派出所应当自受理申请之日起十五个工作日内制作发放居住证。"
    assert any(clause in re.sub(r"\s", "", c.text) for c in chunks)


def test_heading_never_dangles_at_the_end_of_a_passage():
    for c in _chunks(size=120, overlap=40):
        assert not re.sub(r"\s", "", c.text).endswith(("第二章申领条件和材料", "第三章签注和服务"))


def test_faq_document_gives_one_chunk_per_entry_with_answer_as_text():
    doc = LoadedDocument(title="居住证常见问题", source="faq.xlsx", kind="faq", faq=[
        FaqEntry("居住证怎么办理？", "携带身份证、照片和居住证明到居住地派出所申请。", ["办居住证要去哪里"], "户籍"),
        FaqEntry("居住证多久签注一次？", "每年签注一次。", [], "户籍"),
    ])
    chunks = chunk_document(doc, "faq1", Settings())
    assert [c.kind for c in chunks] == ["faq", "faq"]
    assert chunks[0].text == chunks[0].answer == "携带身份证、照片和居住证明到居住地派出所申请。"
    assert chunks[0].questions == ["居住证怎么办理？", "办居住证要去哪里"]
    assert chunks[0].category == "户籍" and [c.ordinal for c in chunks] == [0, 1]


# ---------- table rows and list items are not headings (real reports) ----------

def _sample_chunks(*parts: str):
    from conftest import need_shared

    from assistant.config import Settings
    from assistant.documents.loaders import load_document

    doc = load_document(need_shared("data", "ingestion_samples", *parts))
    return doc, chunk_document(doc, "x", Settings())


@pytest.mark.parametrize("name", ["hzq2023_working.pdf", "hzq2024_working.pdf"])
def test_table_rows_of_annual_reports_never_become_headings(name):
    from assistant.documents.chunking import _table_row

    doc, chunks = _sample_chunks("kirogov", name)
    lines = [ln.strip() for s in doc.sections for ln in s.text.split("\n")]
    heads = {h for c in chunks for h in c.heading_path.split(" > ") if h}
    assert heads, "the reports' own sections (一、总体情况 …) are headings"
    for head in heads:
        assert not re.match(r"第.+条第", head), f"cross-reference taken for a heading: {head}"
        source_lines = [i for i, ln in enumerate(lines) if ln.startswith(head)]
        assert source_lines, head
        for i in source_lines:
            assert not _table_row(lines[i]), f"table row taken for a heading: {lines[i]}"
            below = next((ln for ln in lines[i + 1:] if ln), "")
            assert len(lines[i]) > 20 or not _table_row(below), f"label of a group of table rows as heading: {head}"


def test_numbered_algorithm_steps_in_a_paper_are_not_headings():
    _, chunks = _sample_chunks("taidi", "paper_taidi2020_C_solution.pdf")
    heads = {h for c in chunks for h in c.heading_path.split(" > ") if h}
    assert not [h for h in heads if re.search(r"[，,=]", h) or not re.search("[\u4e00-\u9fff]", h)], heads


def test_a_markdown_guide_passage_never_runs_into_the_next_top_section():
    """The shipped guide's top sections (一、… 十、) are its author's: each passage holds text of one only, and its
    label names that section (it used to run "八、风险识别与升级处置" into "九、服务忌语与替代说法")."""
    from pathlib import Path

    from assistant.config import PROJECT_ROOT
    from assistant.documents.loaders import load_document

    doc = load_document(Path(PROJECT_ROOT / "knowledge" / "guide" / "窗口沟通指南.md"))
    chunks = chunk_document(doc, "guide", Settings())
    tops = re.findall(r"^##\s+([一二三四五六七八九十]+、\S+)", doc_text(PROJECT_ROOT), re.M)
    assert len(tops) >= 8
    for c in chunks:
        inside = [t for t in tops if t in c.text]
        assert len(inside) <= 1, (c.heading_path, inside)
        if c.heading_path:
            assert not inside or c.heading_path.startswith(inside[0]), (c.heading_path, inside)
    assert {c.heading_path.split(" > ")[0] for c in chunks if c.heading_path} >= set(tops)
    # a plain-text file of the same words keeps the old packing (its headings are guesses from the text)
    doc.source = "指南.txt"
    assert len(chunk_document(doc, "guide", Settings())) < len(chunks)


def doc_text(root) -> str:
    return (root / "knowledge" / "guide" / "窗口沟通指南.md").read_text(encoding="utf-8")
