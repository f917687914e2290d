"""Content checks on the shipped sample knowledge base (no store, no model).

A trainer or the first-start ingest reads these files as they are; a malformed row, a missing
示例 mark or a paraphrase pointing at a renamed question would surface as a wrong answer on the
page, so they are caught here first.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
FAQ_CSV = KNOWLEDGE / "faq" / "常见问题示例.csv"
FAQ_XLSX = KNOWLEDGE / "faq" / "常见问题示例.xlsx"
GUIDE = KNOWLEDGE / "guide" / "窗口沟通指南.md"
BENCH_DATA = ROOT / "assistant" / "bench" / "data"
HEADER = ["标准问题", "相似问法", "标准答案", "分类", "依据"]
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")


def csv_rows() -> list[list[str]]:
    with FAQ_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def faq_rows() -> list[list[str]]:
    return csv_rows()[1:]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def has_loaders() -> bool:
    return importlib.util.find_spec("assistant.documents.loaders") is not None


needs_loaders = pytest.mark.skipif(not has_loaders(),
                                   reason="assistant/documents/loaders.py not present yet")


def test_csv_is_utf8_with_bom_and_header_first():
    assert FAQ_CSV.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to show Chinese"
    assert csv_rows()[0] == HEADER


def test_faq_has_enough_complete_sample_entries():
    rows = faq_rows()
    assert len(rows) >= 60
    for row in rows:
        assert len(row) == 5, row[:1]
        question, similar, answer, category, basis = (cell.strip() for cell in row)
        variants = [line for line in similar.split("\n") if line.strip()]
        assert question and answer and category, question
        # the first few are the entry's own wording; the rest ask what single clauses of the answer say
        assert 2 <= len(variants) <= 15, question
        assert basis.startswith("示例："), f"{question}: 依据 must be marked 示例"
        assert len(answer) >= 60, f"{question}: answer too thin to use at a window"


def test_questions_and_variants_are_unique():
    rows = faq_rows()
    questions = [row[0] for row in rows]
    assert len(set(questions)) == len(questions)
    everything = questions + [v for row in rows for v in row[1].split("\n")]
    assert len(set(everything)) == len(everything), "a phrasing that points at two answers"


def test_faq_covers_the_common_window_matters():
    categories = {row[3] for row in faq_rows()}
    for expected in ("居住证", "社会保险", "医疗保障", "住房公积金", "市场主体登记", "不动产登记", "户籍",
                     "居民身份证", "婚姻登记", "老年人服务", "残疾人服务", "社会救助", "就业服务",
                     "12345热线", "投诉与信访"):
        assert expected in categories


def test_xlsx_holds_the_same_rows_and_a_sample_notice():
    from openpyxl import load_workbook

    book = load_workbook(FAQ_XLSX, read_only=True)
    try:
        assert book.sheetnames[1] == "说明"
        table = [["" if v is None else str(v) for v in row]
                 for row in book.worksheets[0].iter_rows(values_only=True)]
        notice = "\n".join(str(row[0]) for row in book["说明"].iter_rows(values_only=True) if row[0])
    finally:
        book.close()
    assert table[0] == HEADER
    assert [row[:5] for row in table[1:] if any(row)] == faq_rows(), \
        "XLSX is stale: run scripts/build_faq_xlsx.py after editing the CSV"
    assert "示例" in notice and "替换" in notice


def test_readme_states_sample_licence_and_layout():
    text = (KNOWLEDGE / "README.md").read_text(encoding="utf-8")
    for needle in ("示例", "Apache-2.0", "标准问题", "相似问法", "ingest.py add",
                   "feelings.csv", "needs.csv", "risk_words.csv", "banned_phrases.csv"):
        assert needle in text


def test_every_paraphrase_points_at_a_shipped_question():
    rows = faq_rows()
    questions = {row[0] for row in rows}
    known = questions | {v for row in rows for v in row[1].split("\n")}
    items = read_jsonl(BENCH_DATA / "faq_paraphrases.jsonl")
    assert len(items) >= 160
    for item in items:
        assert set(item) == {"query", "question"}
        assert item["question"] in questions, item
        assert item["query"] not in known, f"paraphrase copies the table: {item['query']}"
    per_question = {q: 0 for q in questions}
    for item in items:
        per_question[item["question"]] += 1
    assert min(per_question.values()) >= 2, "every entry needs paraphrases"


def test_out_of_domain_queries_are_plain_and_distinct():
    items = read_jsonl(BENCH_DATA / "ood_queries.jsonl")
    queries = [item["query"] for item in items]
    assert len(queries) >= 60 and len(set(queries)) == len(queries)
    assert all(set(item) == {"query"} and item["query"].strip() for item in items)
    assert not set(queries) & {row[0] for row in faq_rows()}


def guide_sections() -> list[tuple[int, str, str]]:
    """(level, heading, text directly under it) for each Markdown heading."""
    sections: list[tuple[int, str, list[str]]] = []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        match = HEADING.match(line)
        if match:
            sections.append((len(match.group(1)), match.group(2), []))
        elif sections:
            sections[-1][2].append(line)
    return [(level, title, "\n".join(body).strip()) for level, title, body in sections]


def test_guide_is_structured_and_has_no_empty_sections():
    sections = guide_sections()
    chapters = [title for level, title, _ in sections if level == 2]
    subsections = [title for level, title, _ in sections if level == 3]
    assert len(chapters) >= 8 and all(re.match(r"^[一二三四五六七八九十]+、", t) for t in chapters)
    assert len(subsections) >= 20 and all(re.match(r"^（[一二三四五六七八九十]+）", t) for t in subsections)
    empty = [title for _, title, body in sections if not body]
    assert not empty, f"headings with no text under them: {empty}"


def test_guide_covers_what_the_reply_engine_relies_on():
    text = GUIDE.read_text(encoding="utf-8")
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    assert 4000 <= han <= 7000
    for topic in ("复述", "观察", "感受", "需要", "请求", "一次性告知", "信访", "登记", "受理",
                  "逐级", "值班长", "安保", "110", "120", "记录", "服务忌语"):
        assert topic in text, topic


@needs_loaders
@pytest.mark.parametrize("path", [FAQ_CSV, FAQ_XLSX], ids=["csv", "xlsx"])
def test_faq_files_load_through_the_real_loader(path: Path):
    from assistant.documents.loaders import load_document

    doc = load_document(path)
    assert doc.kind == "faq" and not doc.warnings
    assert len(doc.faq) >= 60
    rows = faq_rows()
    assert [e.question for e in doc.faq] == [row[0] for row in rows]
    for entry, row in zip(doc.faq, rows):
        assert entry.similar == row[1].split("\n")
        assert entry.answer == row[2] and entry.category == row[3] and entry.basis == row[4]


@needs_loaders
def test_guide_loads_with_its_headings():
    from assistant.documents.loaders import load_document

    doc = load_document(GUIDE)
    assert doc.kind == "policy" and not doc.warnings
    text = "\n".join(section.text for section in doc.sections)
    assert "窗口沟通指南" in doc.title
    assert "三、观察、感受、需要、请求" in text and "（二）常见忌语与更好的说法" in text
