"""The title is the document's own title line, and documents with the same title are told apart."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import need_shared

from assistant.documents.loaders import load_document


def _compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_parts_of_one_standard_and_their_explanations_get_distinct_titles():
    folder = need_shared("data", "ingestion_samples", "chatchat")
    docs = [load_document(p) for p in sorted(folder.glob("*.docx")) if "ocr_test" not in p.name]
    titles = [d.title for d in docs]
    assert len(docs) == 7 and len(set(titles)) == 7, titles
    for doc in docs:
        assert re.search(r"第\d+部分", doc.title), doc.title   # the part is in the title, as in the file itself
        assert _compact(doc.title.replace("编制说明", "")) in _compact("\n".join(s.text for s in doc.sections))


def test_a_gongwen_title_is_its_title_line_not_its_letterhead_in_every_format():
    folder = need_shared("data", "ingestion_samples", "govcheck")
    titles = {load_document(folder / f"master_template{ext}").title for ext in (".docx", ".pdf", ".ofd")}
    assert len(titles) == 1 and not titles.pop().endswith("文件")


def test_a_paper_and_a_report_are_titled_by_their_own_first_line_not_the_file_name():
    for parts in (("taidi", "paper_taidi2020_C_solution.pdf"), ("kirogov", "比对报告_宿迁市_2023vs2024-19.pdf")):
        path = need_shared("data", "ingestion_samples", *parts)
        doc = load_document(path)
        assert doc.title != path.stem and "摘要" not in doc.title
        assert _compact(doc.title) in _compact(doc.sections[0].text)


def test_same_titled_documents_are_told_apart_in_the_list_and_in_citations(kb):
    from assistant.ingest import add_paths

    folder = need_shared("data", "ingestion_samples", "govcheck")
    with kb.writing():
        summary = add_paths(kb, [folder / "test.docx", folder / "test.ofd"], user="trainer")
    rows = {Path(r.source).suffix: r for r in kb.documents()}
    assert len({r.title for r in rows.values()}) == 2, [r.title for r in rows.values()]
    assert "test.ofd" in rows[".ofd"].title
    for row in rows.values():
        assert {c.title for c in kb.chunks_of(row.id)} == {row.title}
    assert summary.count("added") == 2
