"""Photos and scans (JPG/PNG/TIFF/BMP): every frame is OCR'd into one page-numbered Section.

The text then goes through the same cleaning, quality gate and chunking as any other page; the document says it was
read by OCR and with what confidence, and a page read with low confidence sends it to a trainer for a check.
"""
from __future__ import annotations

from pathlib import Path

from assistant.documents.cleaning import clean_text
from assistant.documents.common import cannot_read, choose_title, extract_date, first_meaningful_line
from assistant.documents.model import LoadedDocument, Section, Status
from assistant.documents.ocr import (OcrPage, PagesProgress, available, image_frames, low_confidence_note,
                                     mean_confidence, ocr_image)
from assistant.documents.quality import PageVerdict, page_verdict

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")


def load_image(path: Path, name: str, title: str | None = None, on_page: PagesProgress | None = None) -> LoadedDocument:
    if not available():
        raise cannot_read(name, Status.UNSUPPORTED, "本机没有安装文字识别（OCR）组件 rapidocr，图片无法识别；"
                                                    "请联系管理员安装后重试，或上传文字版 DOCX 或 PDF")
    from PIL import Image, UnidentifiedImageError

    try:
        frames = image_frames(path)
    except Image.DecompressionBombError as exc:
        raise cannot_read(name, Status.BROKEN, "图片像素过多（可能是异常文件），请缩小到 5000 万像素以内后再上传") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise cannot_read(name, Status.BROKEN, "图片已损坏或格式无法识别，请重新拍摄或导出为 JPG/PNG 后再上传") from exc
    read: dict[int, OcrPage] = {}
    for i, frame in enumerate(frames):
        if on_page is not None:
            on_page(i, len(frames))
        read[i + 1] = ocr_image(frame)
    if on_page is not None:
        on_page(len(frames), len(frames))
    sections = []
    for page, result in read.items():
        text = clean_text(result.text, wrapped=True)
        if page_verdict(text, False, expect_chinese=False) is PageVerdict.TEXT:
            sections.append(Section(text=text, page=page))
    if not sections:
        raise cannot_read(name, Status.SCANNED, "图片里没有识别出文字，请确认拍摄清晰、方向正确后重新上传，或上传文字版文件")
    kept = {s.page: read[s.page] for s in sections}
    body = "\n".join(s.text for s in sections)
    return LoadedDocument(
        title=choose_title(title, first_meaningful_line(body), fallback=path.stem), source=name, kind="policy",
        sections=sections, date=extract_date(body), warnings=[f"《{name}》经 OCR 识别，请抽查。"],
        ocr_pages=sorted(kept), ocr_confidence=mean_confidence(list(kept.values())), review=low_confidence_note(kept))
