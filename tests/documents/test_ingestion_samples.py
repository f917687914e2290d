"""Every real file in ../shared/data/ingestion_samples and the scraped seed pages in ../shared/seeds.

Expected outcomes come from the manifest's per-file facts (encrypted, pages with no text but images,
load errors, legacy formats); nothing from the files is copied here.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.documents.convert import converter
from assistant.documents.loaders import load_document
from assistant.documents.model import IngestError, LoadedDocument, Status

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAMPLES = SHARED / "data" / "ingestion_samples"
SEEDS = SHARED / "seeds"
PASSWORD = "asdfzxcv"  # the test password published with the pypdf encryption samples

if not (SAMPLES / "manifest.json").exists():
    pytest.skip(f"../shared/data not present: {SAMPLES} is missing (a fresh clone has no shared data)",
                allow_module_level=True)

MANIFEST: list[dict] = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
GARBLED = {"truetype_font_nomapping.pdf", "sample_report_2023_beijing.pdf"}  # mojibake / no ToUnicode
CONVERTED = {".doc", ".wps"}  # need LibreOffice (documents.convert); .ofd, .pptx and images are read in-process
KANGXI = re.compile("[\u2f00-\u2fdf]")


def expected(entry: dict) -> Status:
    """Every sample with text becomes ready: image-only scans through OCR, office formats through their loaders."""
    name = Path(entry["file"]).name
    if "PdfReadError" in entry.get("error", ""):
        return Status.BROKEN
    if entry.get("encrypted") and entry.get("empty_password_ok") is False:
        return Status.ENCRYPTED
    if name in GARBLED:
        return Status.GARBLED
    return Status.READY


def _load(path: Path, **kwargs) -> LoadedDocument | IngestError:
    try:
        return load_document(path, **kwargs)
    except IngestError as exc:
        return exc


class _Outcomes(dict):
    """Each sample loaded once, when a test first asks for it (OCR and conversion take seconds a file)."""

    def __missing__(self, key: str) -> LoadedDocument | IngestError:
        self[key] = _load(SAMPLES / key)
        return self[key]


_OUTCOMES = _Outcomes()


@pytest.fixture(scope="module")
def outcomes() -> dict[str, LoadedDocument | IngestError]:
    return _OUTCOMES


def _slow(entry: dict) -> bool:
    """OCR (image-only pages, photos) and LibreOffice conversion take seconds a file on two cores."""
    return (Path(entry["file"]).suffix in CONVERTED | {".jpg"} or entry.get("text_chars") == 0
            or entry["file"].endswith("比对报告_宿迁市_2023vs2024-19.pdf"))


def _text(doc: LoadedDocument) -> str:
    return "\n".join(s.text for s in doc.sections)


@pytest.mark.parametrize("entry", [pytest.param(e, marks=[pytest.mark.slow] if _slow(e) else []) for e in MANIFEST],
                         ids=[e["file"] for e in MANIFEST])
def test_each_sample_gets_the_outcome_its_facts_call_for(entry, outcomes):
    outcome, want = outcomes[entry["file"]], expected(entry)
    name = Path(entry["file"]).name
    if Path(name).suffix in CONVERTED and not converter():
        pytest.skip("LibreOffice (soffice) is not on PATH: .ci/run installs it; .doc/.wps need it")
    if want is Status.READY:
        assert isinstance(outcome, LoadedDocument), f"{name}: {getattr(outcome, 'message', outcome)}"
        text = _text(outcome)
        assert text.strip() and outcome.title and outcome.source == name
        assert not KANGXI.search(text), "Kangxi radicals left in the text"
        if entry.get("cjk_chars", 0) > 0:
            assert re.search("[\u4e00-\u9fff]", text)
        if entry.get("pages"):
            assert all(1 <= s.page <= entry["pages"] for s in outcome.sections)
        if entry.get("text_chars") == 0:   # an image-only scan: its text came from OCR and says so
            assert outcome.ocr_pages and outcome.ocr_confidence and outcome.ocr_confidence > 0.9
            assert any("经 OCR 识别，请抽查" in w for w in outcome.warnings)
        return
    assert isinstance(outcome, IngestError), f"{name} should be {want.value}, got ready"
    assert outcome.status is want, outcome.message
    assert outcome.message.startswith(f"无法读取《{name}》：")
    hint = {Status.BROKEN: "损坏", Status.GARBLED: "乱码", Status.ENCRYPTED: "密码"}[want]
    assert hint in outcome.message


def test_encrypted_samples_open_with_the_password():
    encrypted = [e for e in MANIFEST if e["file"].startswith("pypdf_encryption/") and "unencrypted" not in e["file"]]
    assert len(encrypted) == 4
    for entry in encrypted:
        doc = load_document(SAMPLES / entry["file"], password=PASSWORD)
        assert PASSWORD in _text(doc)
    locked = next(e for e in encrypted if e.get("empty_password_ok") is False)
    err = _load(SAMPLES / locked["file"])
    assert err.message == f"无法读取《{Path(locked['file']).name}》：文件已加密，请提供密码或上传未加密版本。"
    assert "密码不正确" in _load(SAMPLES / locked["file"], password="wrong").message


def test_empty_password_pdf_opens_without_asking(outcomes):
    entry = next(e for e in MANIFEST if e.get("empty_password_ok"))
    assert isinstance(outcomes[entry["file"]], LoadedDocument)


def test_gb18030_text_decodes_like_gb18030(outcomes):
    entry = next(e for e in MANIFEST if "gb18030" in e.get("encoding", ""))
    raw = (SAMPLES / entry["file"]).read_bytes().decode("gb18030")
    text = _text(outcomes[entry["file"]])
    words = [w for w in raw.split() if re.fullmatch("[\u4e00-\u9fff]{2,}", w)]
    assert len(words) > 50 and all(w in text for w in words[:200])
    assert "\ufffd" not in text


def test_docx_table_cells_appear_in_the_text(outcomes):
    import docx

    checked = 0
    for entry in MANIFEST:
        if not entry["file"].endswith(".docx") or not entry.get("tables"):
            continue
        cells = [c.text.strip() for t in docx.Document(str(SAMPLES / entry["file"])).tables
                 for r in t.rows for c in r.cells]
        cell = next((c for c in cells if re.search("[\u4e00-\u9fff]{2,}", c) and "\n" not in c), None)
        if cell:
            compact = re.sub(r"\s+", "", _text(outcomes[entry["file"]]))
            assert re.sub(r"\s+", "", cell) in compact, entry["file"]
            checked += 1
    assert checked >= 5


@pytest.mark.slow
def test_pdf_with_some_image_only_pages_keeps_the_text_pages_and_names_the_others(outcomes):
    """The comparison report's image-only pages are OCR'd; they hold only empty frames, so OCR finds no text and
    the warning names them instead of indexing nothing."""
    mixed = [(e, o) for e, o in ((e, outcomes[e["file"]]) for e in MANIFEST)
             if isinstance(o, LoadedDocument) and e.get("pages") and len(o.sections) < e["pages"]
             and any("图片" in w for w in o.warnings)]
    assert mixed, "expected the 18-page comparison report to have image-only pages"
    for entry, doc in mixed:
        kept = {s.page for s in doc.sections}
        skipped = sorted(set(range(1, entry["pages"] + 1)) - kept)
        named = " ".join(doc.warnings)
        assert any(str(p) in named for p in skipped)


# ---------- scraped seed pages ----------

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
PINYIN = re.compile("[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")
BOILERPLATE = ("下载本文档", "版权说明", "已阅读", "举报", "免责声明", "温馨提示", "上一篇", "文档评论", "继续免费阅读")


@pytest.mark.skipif(not SEED_FILES, reason="../shared/seeds not present")
@pytest.mark.parametrize("path", SEED_FILES, ids=[p.name for p in SEED_FILES])
def test_seed_pages_come_out_clean(path):
    import opencc

    doc = load_document(path)
    text = _text(doc)
    assert len(text) > 1000
    assert opencc.OpenCC("t2s").convert(text) == text, "traditional characters left"
    for word in ("溝通", "總結", "報告"):
        assert word not in text
    assert not PINYIN.search(text), PINYIN.search(text)
    for marker in BOILERPLATE:
        assert marker not in text, marker
    paragraphs = [ln for ln in text.split("\n") if ln.strip()]
    repeated = {p for p in paragraphs if paragraphs.count(p) > 1}
    assert not repeated, repeated
