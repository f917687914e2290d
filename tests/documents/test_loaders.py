"""Loaders on files made here (DOCX, XLSX, CSV, HTML, TXT, PDF): what a trainer uploading them sees."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.loaders import SUPPORTED_SUFFIXES, load_document, read_faq_table, write_faq_table
from assistant.documents.model import FaqEntry, IngestError, Status


def _error(path: Path, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as info:
        load_document(path, **kwargs)
    assert info.value.message.startswith(f"无法读取《{kwargs.get('source') or path.name}》：")
    assert info.value.message.endswith("。")
    return info.value


# ---------- DOCX ----------

def _policy_docx(path: Path, title: str = "社保缴费办理指南") -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.add_heading("第一章 总则", level=1)
    d.add_paragraph("第一条 为方便群众办理社保缴费业务，制定本指南。")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("材料名称", "份数", "要求"), ("身份证", "1", "原件"), ("户口簿", "1", "")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("第二条 材料不全的，窗口应一次性告知需补正的材料。")
    d.add_heading("第二章 办理时限", level=1)
    d.add_paragraph("第三条 材料齐全的，当场办结。")
    d.add_paragraph("市社保局")
    d.add_paragraph("2020年3月5日")
    d.save(path)
    return path


def test_docx_keeps_tables_in_place_as_readable_lines(tmp_path):
    doc = load_document(_policy_docx(tmp_path / "指南.docx"))
    assert doc.kind == "policy" and doc.title == "社保缴费办理指南" and doc.date == "2020-03-05"
    first = doc.sections[0]
    assert first.heading_path == ["第一章 总则"]
    lines = first.text.split("\n")
    assert lines == ["第一章 总则", "第一条 为方便群众办理社保缴费业务，制定本指南。",
                     "材料名称：身份证；份数：1；要求：原件", "材料名称：户口簿；份数：1",
                     "第二条 材料不全的，窗口应一次性告知需补正的材料。"]
    assert doc.sections[1].heading_path == ["第二章 办理时限"]
    assert doc.sections[1].text.startswith("第二章 办理时限\n第三条")


def test_docx_table_without_header_row_joins_cells(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("办理地点一览")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "", "东区政务服务中心"
    t.cell(1, 0).text, t.cell(1, 1).text = "西区", "西区政务服务中心二楼"
    d.save(tmp_path / "地点.docx")
    text = load_document(tmp_path / "地点.docx").sections[0].text
    assert "东区政务服务中心" in text and "西区 | 西区政务服务中心二楼" in text


def test_docx_placeholder_core_title_falls_back_to_first_line(tmp_path):
    doc = load_document(_policy_docx(tmp_path / "a.docx", title="（填写标准名称）"))
    assert doc.title == "第一章 总则" or doc.title.startswith("第一条")
    assert load_document(tmp_path / "a.docx", title="自定标题").title == "自定标题"


def test_empty_docx_is_reported_empty(tmp_path):
    import docx

    docx.Document().save(tmp_path / "空白.docx")
    assert _error(tmp_path / "空白.docx").status is Status.EMPTY


# ---------- text / html ----------

def test_gbk_text_with_traditional_characters_and_pinyin_comes_out_clean(tmp_path):
    text = "溝通(gōu)技巧總結(jié)\n\n一、傾聽群眾訴求，耐心解答。\n\n下載本文檔\n"
    (tmp_path / "技巧.txt").write_bytes(text.encode("gb18030"))
    doc = load_document(tmp_path / "技巧.txt")
    assert doc.sections[0].text == "沟通技巧总结\n\n一、倾听群众诉求，耐心解答。"
    assert doc.title == "沟通技巧总结"


def test_blank_and_unreadable_text_files(tmp_path):
    (tmp_path / "空.txt").write_bytes(b"")
    (tmp_path / "白.txt").write_text(" \n\n- 1 -\n", encoding="utf-8")
    assert _error(tmp_path / "空.txt").status is Status.EMPTY
    assert _error(tmp_path / "白.txt").status is Status.EMPTY
    (tmp_path / "乱码.txt").write_text("政府信息公开年度报告说明".encode("utf-8").decode("latin-1") * 5, encoding="utf-8")
    assert _error(tmp_path / "乱码.txt").status is Status.GARBLED


def test_saved_web_page_keeps_the_article_only(tmp_path):
    page = """<html><head><meta charset="gbk"><title>关于延长办事大厅服务时间的通知 - 某市人民政府</title>
    <style>.x{color:red}</style><script>var a = "点击这里";</script></head><body>
    <nav><a href="/">首页</a><a>政务公开</a></nav><div class="breadcrumb">当前位置：首页 > 通知公告</div>
    <div class="article"><h1>关于延长办事大厅服务时间的通知</h1><p>发布日期：2023-06-01</p>
    <p>各位市民：</p><p>自7月1日起，市民中心工作日延长至19:00。</p>
    <table><tr><td>窗口</td><td>时间</td></tr><tr><td>社保</td><td>9:00-19:00</td></tr></table></div>
    <div class="share">分享到：微信 微博</div><footer>版权所有 &copy; 某市人民政府</footer></body></html>"""
    (tmp_path / "通知.html").write_bytes(page.encode("gbk"))
    doc = load_document(tmp_path / "通知.html")
    text = doc.sections[0].text
    assert doc.title == "关于延长办事大厅服务时间的通知" and doc.date == "2023-06-01"
    assert "自7月1日起，市民中心工作日延长至19:00。" in text and "社保 | 9:00-19:00" in text
    for junk in ("var a", "color", "首页", "当前位置", "分享到", "版权所有"):
        assert junk not in text


# ---------- PDF (made with pypdf: no text layer, encryption, damage) ----------

def _blank_pdf(path: Path, password: str | None = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password, algorithm="AES-256")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_pdf_passwords(tmp_path):
    pdf = _blank_pdf(tmp_path / "加密.pdf", password="s3cret")
    err = _error(pdf)
    assert err.status is Status.ENCRYPTED
    assert err.message == "无法读取《加密.pdf》：文件已加密，请提供密码或上传未加密版本。"
    assert "密码不正确" in _error(pdf, password="wrong").message
    assert _error(pdf, password="s3cret").status is Status.EMPTY  # opened: a blank page has no text


def test_damaged_and_fake_pdfs(tmp_path):
    good = _blank_pdf(tmp_path / "ok.pdf").read_bytes()
    (tmp_path / "截断.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "假.pdf").write_bytes(b"<html>not a pdf</html>")
    (tmp_path / "零.pdf").write_bytes(b"")
    assert _error(tmp_path / "截断.pdf").status is Status.BROKEN
    assert _error(tmp_path / "假.pdf").status is Status.BROKEN
    assert _error(tmp_path / "零.pdf").status is Status.EMPTY


# ---------- unsupported ----------

@pytest.mark.parametrize("name", ["通知.ofd", "汇报.pptx", "扫描件.jpg", "通知.gif", "通知.rtf"])
def test_damaged_or_unsupported_files_say_what_to_do(tmp_path, name):
    (tmp_path / name).write_bytes(b"<html>saved under the wrong name</html>")
    err = _error(tmp_path / name)
    want = Status.UNSUPPORTED if name.endswith((".gif", ".rtf")) else Status.BROKEN
    assert err.status is want and err.message.startswith(f"无法读取《{name}》：")
    assert any(hint in err.message for hint in ("另存为", "重新导出", "重新拍摄"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["通知.doc", "通知.wps", "表.xls"])
def test_damaged_legacy_office_files_fail_conversion_with_a_sentence(tmp_path, name):
    """A real LibreOffice run on an OLE2 header with nothing inside; without LibreOffice, the install hint."""
    (tmp_path / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    err = _error(tmp_path / name)
    assert err.status in (Status.BROKEN, Status.UNSUPPORTED, Status.EMPTY) and err.message.startswith(f"无法读取《{name}》：")
    assert "另存为 DOCX 或 PDF" in err.message or "LibreOffice" in err.message


def test_legacy_word_renamed_to_docx_is_recognised(tmp_path):
    (tmp_path / "改名.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    err = _error(tmp_path / "改名.docx")
    assert err.status is Status.UNSUPPORTED and "旧版" in err.message


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".csv", ".xlsx", ".ofd", ".pptx",
                                       ".doc", ".wps", ".ppt", ".dps", ".xls", ".et", ".jpg", ".jpeg", ".png", ".bmp",
                                       ".tif", ".tiff"}


# ---------- FAQ tables ----------

def test_gbk_csv_with_question_answer_columns(tmp_path):
    rows = "问题,答案\n社保断缴了怎么办？,可在三个月内补缴。\n,\n公积金怎么提取？,\n"
    (tmp_path / "问答.csv").write_bytes(rows.encode("gbk"))
    doc = load_document(tmp_path / "问答.csv")
    assert doc.kind == "faq" and [e.question for e in doc.faq] == ["社保断缴了怎么办？"]
    assert doc.faq[0].answer == "可在三个月内补缴。"
    assert len(doc.warnings) == 1 and "公积金怎么提取" in doc.warnings[0] and "没有答案" in doc.warnings[0]


def test_xlsx_standard_question_columns_with_header_variants(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["常见问答表"])  # a title row above the header
    ws.append([" 标准 问题 ", "相似问法", "标准答案（必填）", "类别", "来源"])
    ws.append(["怎么办理居住证？", "居住证在哪办\n办居住证要什么材料；居住证办理流程", "携带身份证到社区服务站办理。",
               "户籍", "居住证暂行条例"])
    ws.append([None, None, None, None, None])
    book.save(tmp_path / "faq.xlsx")
    [entry] = load_document(tmp_path / "faq.xlsx").faq
    assert entry.question == "怎么办理居住证？"
    assert entry.similar == ["居住证在哪办", "办居住证要什么材料", "居住证办理流程"]
    assert (entry.category, entry.basis) == ("户籍", "居住证暂行条例")


def test_section_title_content_questions_columns(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["分段标题", "分段内容", "问题"])
    book.active.append(["医保报销", "门诊费用按70%报销。", "门诊能报多少？/门诊报销比例\n看病报销多少"])
    book.save(tmp_path / "分段.xlsx")
    [entry] = load_document(tmp_path / "分段.xlsx").faq
    assert entry.questions == ["门诊能报多少？", "门诊报销比例", "看病报销多少"]
    assert entry.answer == "门诊费用按70%报销。" and entry.category == "医保报销"


def test_table_without_faq_header_lists_accepted_columns(tmp_path):
    (tmp_path / "统计.csv").write_text("地区,人数\n东区,12\n", encoding="utf-8")
    err = _error(tmp_path / "统计.csv")
    assert err.status is Status.UNSUPPORTED
    for column in ("问题/答案", "标准问题/相似问法/标准答案", "分段标题/分段内容/问题"):
        assert column in err.message


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_faq_export_then_import_round_trips(tmp_path, suffix):
    entries = [
        FaqEntry("社保断缴了怎么办？", "可在三个月内补缴；\n超过期限的，请到窗口咨询。",
                 similar=["社保停了能补吗", "断缴补缴, 怎么办"], category="社保", basis="社会保险法"),
        FaqEntry("=SUM(A1) 是什么？", "+这是一段以加号开头的答案", similar=[], category="", basis=""),
        FaqEntry("居住证，多久能拿到？", "一般15个工作日。", similar=["居住证办理时间"]),
    ]
    path = tmp_path / f"导出{suffix}"
    write_faq_table(entries, path)
    assert read_faq_table(path) == entries
    if suffix == ".csv":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to show Chinese
