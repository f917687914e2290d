"""OCR (the real RapidOCR engine), OFD/PPTX read in-process and legacy office files through real LibreOffice.

Reference texts are the project's own (the demo guide rendered onto pages here) or the same sample document in
another format (test.wps against test.docx), so no expected text is written into the tests.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.bench.ocr import char_accuracy, cjk_font, reference_paragraphs, render
from assistant.documents import ocr
from assistant.documents.convert import converter
from assistant.documents.loaders import load_document
from assistant.documents.model import IngestError, Status
from conftest import need_shared

REPO = Path(__file__).resolve().parents[2]


def _compact(doc) -> str:
    return re.sub(r"\s+", "", "\n".join(s.text for s in doc.sections))


def _font() -> Path:
    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font (apt-get install fonts-wqy-microhei): cannot render reference pages")
    return font


def _rendered(condition: str, chars: int = 160) -> tuple[str, np.ndarray]:
    text = reference_paragraphs()[1][:chars]
    return text, render(text, condition, _font())[:900]


@pytest.mark.slow
@pytest.mark.parametrize("condition", ["clean-200dpi", "red-seal", "skew-noise-150dpi"])
def test_ocr_reads_a_rendered_page_of_known_text(condition):
    text, image = _rendered(condition)
    page = ocr.ocr_image(image)
    assert char_accuracy(text, page.text) >= 0.95, page.text
    assert page.confidence >= ocr.LOW_CONFIDENCE


def test_red_seal_ink_is_whitened_and_black_text_kept():
    img = np.full((40, 40, 3), 255, dtype=np.uint8)
    img[5:10] = (210, 30, 30)     # seal ring
    img[20:25] = (10, 10, 10)     # text stroke
    out = ocr.drop_seal(img)
    assert (out[5:10] == 255).all() and (out[20:25] == 10).all()


def test_a_photo_becomes_a_page_numbered_document_that_says_it_was_ocrd(tmp_path):
    sample = need_shared("data", "ingestion_samples", "chatchat", "ocr_test.jpg")
    doc = load_document(sample)
    assert re.search("[\u4e00-\u9fff]{4}", _compact(doc))
    assert [s.page for s in doc.sections] == [1] and doc.ocr_pages == [1]
    assert doc.ocr_confidence > 0.95 and not doc.review
    assert doc.warnings == ["《ocr_test.jpg》经 OCR 识别，请抽查。"]
    assert doc.title in "\n".join(s.text for s in doc.sections)


@pytest.mark.slow
def test_a_barely_legible_photo_is_held_for_a_trainer(tmp_path, kb):
    from PIL import Image

    from assistant.ingest import add_file

    text, image = _rendered("clean-200dpi", 60)
    h, w = image.shape[:2]
    blurry = Image.fromarray(image).resize((w // 8, h // 8), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    path = tmp_path / "翻拍通知.png"
    blurry.save(path)
    with kb.writing():
        out = add_file(kb, path, user="trainer")
    assert out.status == Status.REVIEW.value and "置信度偏低" in out.message
    assert not list(kb.iter_chunks()), "a low-confidence page must not be cited before a trainer confirms it"
    assert kb.preview_chunks(out.doc_id)
    row = kb.get_document(out.doc_id)
    assert row.ocr_pages == "1" and float(row.ocr_confidence) < ocr.LOW_CONFIDENCE


def test_ocr_never_reaches_the_network():
    """A fresh process whose sockets refuse to connect builds the engine and reads a page: models come from the
    wheel's own files, never from a download."""
    _font()
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network disabled in this test')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from assistant.bench.ocr import render, cjk_font, reference_paragraphs\n"
        "from assistant.documents import ocr\n"
        "text = reference_paragraphs()[0][:40]\n"
        "page = ocr.ocr_image(render(text, 'clean-200dpi', cjk_font())[:500])\n"
        "assert page.text.strip(), 'nothing read'\nprint('ok')\n")
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-2000:]


# ---------- office formats ----------

def _same_text(a, b) -> float:
    return char_accuracy(_compact(a), _compact(b))


def test_ofd_reads_like_the_same_document_as_pdf_and_docx():
    folder = need_shared("data", "ingestion_samples", "govcheck")
    for stem in ("test", "master_template"):
        ofd = load_document(folder / f"{stem}.ofd")
        docx = load_document(folder / f"{stem}.docx")
        assert ofd.sections and all(s.page >= 1 for s in ofd.sections)
        lines = [ln for s in docx.sections for ln in s.text.split("\n") if len(ln) >= 4]
        found = [ln for ln in lines if re.sub(r"\s+", "", ln) in _compact(ofd)]
        assert len(found) >= 0.8 * len(lines), set(lines) - set(found)


def test_pptx_slides_and_table_cells_are_read_with_slide_numbers():
    sample = need_shared("data", "ingestion_samples", "chatchat", "ocr_test.pptx")
    doc = load_document(sample)
    assert [s.page for s in doc.sections] == [1]
    assert " | " in doc.sections[0].text   # a table row stays one line of cells


needs_libreoffice = pytest.mark.skipif(converter() is None,
                                       reason="LibreOffice (soffice) not on PATH; .ci/run installs it")


@pytest.mark.slow
@needs_libreoffice
@pytest.mark.parametrize("stem,suffix", [("test", ".wps"), ("master_template", ".wps")])
def test_wps_converts_to_the_same_text_as_its_docx(stem, suffix):
    folder = need_shared("data", "ingestion_samples", "govcheck")
    converted = load_document(folder / f"{stem}{suffix}")
    assert converted.source == f"{stem}{suffix}" and converted.title != "input"
    assert _same_text(load_document(folder / f"{stem}.docx"), converted) >= 0.95


@pytest.mark.slow
@needs_libreoffice
def test_legacy_word_file_converts_with_its_own_title():
    doc = load_document(need_shared("data", "ingestion_samples", "govcheck", "test.doc"))
    assert doc.title.endswith("通知") and len(re.findall("[\u4e00-\u9fff]", _compact(doc))) >= 40


def test_without_libreoffice_the_message_says_what_to_install(tmp_path, monkeypatch):
    sample = need_shared("data", "ingestion_samples", "govcheck", "test.doc")
    monkeypatch.setenv("PATH", str(tmp_path))   # a machine where LibreOffice is not installed
    with pytest.raises(IngestError) as err:
        load_document(sample)
    assert err.value.status is Status.UNSUPPORTED
    assert err.value.message.startswith("无法读取《test.doc》：本机没有安装 LibreOffice")
    assert "apt-get install" in err.value.message and "DOCX" in err.value.message


def test_a_text_file_renamed_to_doc_is_refused_before_any_conversion(tmp_path):
    fake = tmp_path / "通知.doc"
    fake.write_text("这不是 Word 文件", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load_document(fake)
    assert err.value.status is Status.BROKEN and "另存为 DOCX" in err.value.message


def _soffice_convert(src: Path, target: str, out: Path) -> Path:
    """Make a legacy-format file with the same real LibreOffice the loader uses (there is no .xls/.ppt sample)."""
    profile = (out / "profile").as_uri()
    subprocess.run([converter(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                    "--outdir", str(out), str(src)], capture_output=True, timeout=300, check=True)
    made = out / f"{src.stem}.{target}"
    assert made.is_file(), f"LibreOffice did not write {made.name}"
    return made


@pytest.mark.slow
@needs_libreoffice
def test_an_xls_faq_table_loads_the_same_entries_as_its_xlsx(tmp_path):
    xlsx = REPO / "knowledge" / "faq" / "常见问题示例.xlsx"
    xls = _soffice_convert(xlsx, "xls", tmp_path)
    want, got = load_document(xlsx), load_document(xls)
    assert got.kind == "faq" and got.source == xls.name
    assert [(e.question, e.answer) for e in got.faq] == [(e.question, e.answer) for e in want.faq]


@pytest.mark.slow
@needs_libreoffice
def test_a_ppt_reads_like_its_pptx(tmp_path):
    pptx = need_shared("data", "ingestion_samples", "chatchat", "ocr_test.pptx")
    ppt = _soffice_convert(pptx, "ppt", tmp_path)
    assert _same_text(load_document(pptx), load_document(ppt)) >= 0.95


@pytest.mark.slow
def test_ocr_stops_at_its_page_limit_and_names_the_pages_left(tmp_path, monkeypatch):
    import pypdf

    folder = need_shared("data", "ingestion_samples", "ocrmypdf")
    writer = pypdf.PdfWriter()
    for name in ("c02-22.pdf", "skew.pdf"):   # two real scans in one file
        writer.add_page(pypdf.PdfReader(folder / name).pages[0])
    path = tmp_path / "两页扫描件.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    monkeypatch.setattr(ocr, "MAX_OCR_PAGES", 1)
    seen = []
    doc = load_document(path, on_page=lambda done, total: seen.append((done, total)))
    assert doc.ocr_pages == [1] and [s.page for s in doc.sections] == [1]
    assert seen == [(0, 1), (1, 1)], "per-page progress: before the page and when done"
    assert any("第2页" in w and "最多识别 1 页" in w for w in doc.warnings), doc.warnings


def test_a_two_page_tiff_and_a_bmp_are_read_page_by_page(tmp_path):
    from PIL import Image

    photo = Image.open(need_shared("data", "ingestion_samples", "chatchat", "ocr_test.jpg")).convert("RGB")
    tiff, bmp = tmp_path / "两页扫描.tiff", tmp_path / "通知.bmp"
    photo.save(tiff, save_all=True, append_images=[photo.rotate(0)])
    photo.save(bmp)
    one = load_document(need_shared("data", "ingestion_samples", "chatchat", "ocr_test.jpg"))
    two = load_document(tiff)
    assert [s.page for s in two.sections] == [1, 2] and two.ocr_pages == [1, 2]
    assert [s.text for s in two.sections] == [one.sections[0].text] * 2
    assert load_document(bmp).sections[0].text == one.sections[0].text
