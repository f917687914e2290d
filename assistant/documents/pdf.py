"""PDF files: one Section per page with its page number, every page judged before it is kept.

pypdf facts this module is built on (pypdf 7.1): decrypt() with a wrong password returns a falsy
PasswordType instead of raising; AES needs `cryptography` and its failures are not PyPdfError
subclasses; a truncated file raises PdfStreamError, an empty one EmptyFileError; a scanned page
returns "" without any error.
"""
from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from assistant.documents.cleaning import clean_cell, clean_text
from assistant.documents.common import (cannot_read, choose_title, extract_date, first_meaningful_line,
                                        sensible_title)
from assistant.documents.model import LoadedDocument, Section, Status
from assistant.documents.ocr import OcrPage, PagesProgress, low_confidence_note, mean_confidence
from assistant.documents.quality import PageVerdict, page_list, page_verdict

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about xref repairs are noise here


def _open(path: Path, name: str, password: str | None):
    import pypdf
    from pypdf.errors import DependencyError, EmptyFileError, PdfReadError

    try:
        reader = pypdf.PdfReader(path)
    except EmptyFileError:
        raise cannot_read(name, Status.EMPTY, "文件是空的（0 字节），请重新导出或上传原文件") from None
    except (PdfReadError, ValueError, OSError, KeyError, IndexError, AssertionError) as exc:
        raise cannot_read(name, Status.BROKEN, "文件已损坏或不完整（可能下载中断），请重新下载或导出后再上传") from exc
    if not reader.is_encrypted:
        return reader
    try:
        ok = reader.decrypt(password or "")
        if not ok and password:  # the user-supplied password may be the owner password of an empty-user file
            ok = reader.decrypt("")
    except DependencyError as exc:
        raise cannot_read(name, Status.FAILED,
                          "文件使用 AES 加密，本机缺少 cryptography 组件，请联系管理员安装后重试") from exc
    except Exception as exc:  # noqa: BLE001
        # cryptography raises its own exception types for bad keys/padding; all mean "cannot decrypt".
        raise cannot_read(name, Status.ENCRYPTED, "文件已加密且无法解密，请上传未加密版本") from exc
    if not ok:
        reason = ("密码不正确，请核对密码后重试或上传未加密版本" if password
                  else "文件已加密，请提供密码或上传未加密版本")
        raise cannot_read(name, Status.ENCRYPTED, reason)
    return reader


def _has_images(page) -> bool:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image" or obj.get("/Subtype") == "/Form":
                return True
    except Exception:  # noqa: BLE001 - a damaged resource dict just means "no images we can see"
        return False
    return False


def _drop_running_lines(pages: list[str]) -> list[str]:
    """Remove a header/footer line that starts or ends most pages (洪泽区人民政府…年度报告)."""
    if len(pages) < 3:
        return pages
    edges = Counter()
    for text in pages:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        edges.update({ln for ln in lines[:2] + lines[-2:] if len(ln) >= 4})
    running = {ln for ln, n in edges.items() if n >= max(3, 0.6 * len(pages))}
    if not running:
        return pages
    return ["\n".join(ln for ln in t.split("\n") if ln not in running) for t in pages]


def _ocr_scanned(path: Path, password: str | None, scanned: list[int],
                 on_page: PagesProgress | None) -> dict[int, OcrPage]:
    """OCR the image-only pages (0-based indexes); {} when no OCR engine is installed."""
    from assistant.documents import ocr

    if not scanned or not ocr.available():
        return {}
    scanned = scanned[:ocr.MAX_OCR_PAGES]
    out = {}
    for done, index in enumerate(scanned):
        if on_page is not None:
            on_page(done, len(scanned))
        out[index] = ocr.ocr_image(ocr.render_pdf_page(path, index, password))
    if on_page is not None:
        on_page(len(scanned), len(scanned))
    return out


def load_pdf(path: Path, name: str, password: str | None = None, title: str | None = None,
             on_page: PagesProgress | None = None) -> LoadedDocument:
    reader = _open(path, name, password)
    expect_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    try:
        pages = reader.pages
        raw = [(page.extract_text() or "", page) for page in pages]
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on damaged streams
        raise cannot_read(name, Status.BROKEN, "文件已损坏，无法提取文字，请重新导出 PDF 后再上传") from exc
    if not raw:
        raise cannot_read(name, Status.EMPTY, "文件没有任何页面，请检查文件")
    cleaned = [clean_text(t, wrapped=True) for t, _ in raw]
    images = [_has_images(page) for _, page in raw]
    first = [page_verdict(t, img, expect_chinese=expect_chinese) for t, img in zip(cleaned, images)]
    try:
        read = _ocr_scanned(path, password, [i for i, v in enumerate(first) if v is PageVerdict.SCANNED], on_page)
    except Exception as exc:  # noqa: BLE001 - pdfium/onnxruntime raise their own types on damaged images
        raise cannot_read(name, Status.BROKEN, "扫描页图片无法解析，请重新扫描或导出 PDF 后再上传") from exc
    for i, page in read.items():
        cleaned[i] = clean_text(page.text, wrapped=True)
    texts = _drop_running_lines(cleaned)
    verdicts = [page_verdict(t, img and i not in read, expect_chinese=expect_chinese)
                for i, (t, img) in enumerate(zip(texts, images))]
    kept = [Section(text=t, page=i + 1) for i, (t, v) in enumerate(zip(texts, verdicts)) if v is PageVerdict.TEXT]
    scanned = [i + 1 for i, v in enumerate(verdicts) if v is PageVerdict.SCANNED]
    garbled = [i + 1 for i, v in enumerate(verdicts) if v is PageVerdict.GARBLED]
    unread = [i + 1 for i in read if verdicts[i] is not PageVerdict.TEXT]  # images without any text
    if not kept and unread and not garbled:
        raise cannot_read(name, Status.SCANNED, "这是扫描图片版 PDF，文字识别（OCR）没有认出文字，"
                                                "请确认扫描清晰、方向正确后重新扫描上传，或上传文字版文件")
    if not kept:
        if scanned and len(scanned) >= len(garbled):
            raise cannot_read(name, Status.SCANNED,
                              "这是扫描图片版 PDF，没有文字层，请先做文字识别（OCR）或上传文字版文件")
        if garbled:
            raise cannot_read(name, Status.GARBLED,
                              "文字层是乱码（字体缺少文字映射），请从原始文档重新导出 PDF，或上传 DOCX/文字版")
        raise cannot_read(name, Status.EMPTY, "文件里没有可提取的文字，请检查是否选错了文件")
    warnings = []
    if scanned and read:   # OCR ran but stopped at its page limit
        warnings.append(f"《{name}》{page_list(scanned)}是扫描图片，一份文件最多识别 {len(read)} 页，已跳过；"
                        "请把文件拆分后分别上传。")
    elif scanned:
        warnings.append(f"《{name}》{page_list(scanned)}是扫描图片，没有文字层，已跳过；需要时请做文字识别（OCR）后重新上传。")
    if garbled:
        warnings.append(f"《{name}》{page_list(garbled)}的文字是乱码，已跳过；请从原始文档重新导出 PDF。")
    if unread:
        warnings.append(f"《{name}》{page_list(unread)}是图片，文字识别（OCR）没有认出文字，已跳过。")
    ocr_kept = {i: r for i, r in read.items() if verdicts[i] is PageVerdict.TEXT}
    if ocr_kept:
        warnings.append(f"《{name}》{page_list([i + 1 for i in sorted(ocr_kept)])}经 OCR 识别，请抽查。")
    body = "\n".join(s.text for s in kept)
    meta_title = ""
    try:
        meta_title = sensible_title(clean_cell(str(reader.metadata.title or "")) if reader.metadata else "")
    except Exception:  # noqa: BLE001 - broken info dictionaries are common and harmless
        meta_title = ""
    return LoadedDocument(
        title=choose_title(title, meta_title, first_meaningful_line(kept[0].text), fallback=path.stem),
        source=name, kind="policy", sections=kept, date=extract_date(body), warnings=warnings,
        ocr_pages=[i + 1 for i in sorted(ocr_kept)], ocr_confidence=mean_confidence(list(ocr_kept.values())),
        review=low_confidence_note({i + 1: r for i, r in ocr_kept.items()}))
