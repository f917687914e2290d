"""One entry point, `load_document`, that turns a file into a LoadedDocument or an IngestError.

The format is decided by content as well as by suffix: a legacy Word file renamed to .docx or a
web page saved as .pdf gets the message that fits what it really is.
"""
from __future__ import annotations

from pathlib import Path

from assistant.documents.common import cannot_read
from assistant.documents.faq_table import read_faq_table, write_faq_table  # noqa: F401 - public API
from assistant.documents.image import IMAGE_SUFFIXES
from assistant.documents.model import IngestError, LoadedDocument, Status
from assistant.documents.ocr import PagesProgress

CONVERTED_SUFFIXES = (".doc", ".wps", ".ppt", ".dps", ".xls", ".et")   # through LibreOffice (documents.convert)
POLICY_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm", ".ofd", ".pptx", ".doc", ".wps", ".ppt",
                   ".dps") + IMAGE_SUFFIXES
FAQ_SUFFIXES = (".csv", ".xlsx", ".xls", ".et")
SUPPORTED_SUFFIXES: tuple[str, ...] = POLICY_SUFFIXES + FAQ_SUFFIXES

_SAVE_AS = "请另存为 DOCX 或 PDF 后再上传"
_UNSUPPORTED: dict[str, str] = {
    ".rtf": f"暂不支持 RTF 格式，{_SAVE_AS}",
    ".odt": f"暂不支持 ODT 格式，{_SAVE_AS}",
}
_IMAGE = {".gif", ".webp"}
_ARCHIVE = {".zip", ".rar", ".7z", ".gz", ".tar"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff(head: bytes) -> str:
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_OLE2):
        return "ole2"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")):
        return "image"
    return "other"


def _unsupported(name: str, suffix: str, kind: str) -> IngestError | None:
    if suffix in _UNSUPPORTED:
        return cannot_read(name, Status.UNSUPPORTED, _UNSUPPORTED[suffix])
    if suffix in _IMAGE or (kind == "image" and suffix not in IMAGE_SUFFIXES):
        return cannot_read(name, Status.UNSUPPORTED,
                           "暂不支持这种图片格式，请另存为 JPG、PNG 或 TIFF 后再上传，或上传文字版 DOCX 或 PDF")
    if suffix in _ARCHIVE:
        return cannot_read(name, Status.UNSUPPORTED, "暂不支持压缩包，请解压后逐个上传 DOCX、PDF 等文件")
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "无扩展名"
        return cannot_read(name, Status.UNSUPPORTED,
                           f"暂不支持“{shown}”格式，政策文件{_SAVE_AS}，问答表请使用 XLSX 或 CSV")
    return None


def load_document(path: Path, *, password: str | None = None, title: str | None = None,
                  source: str | None = None, on_page: PagesProgress | None = None) -> LoadedDocument:
    """Load one uploaded file. ``source`` is the name users know it by (defaults to the file name);
    ``title`` overrides the detected title; ``on_page(done, total)`` reports OCR progress (seconds a page).
    Raises IngestError with a Chinese message."""
    path = Path(path)
    name = source or path.name
    suffix = Path(name).suffix.lower() or path.suffix.lower()
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except FileNotFoundError:
        raise cannot_read(name, Status.FAILED, "找不到文件，请重新上传") from None
    except OSError as exc:
        raise cannot_read(name, Status.FAILED, "文件无法打开，请检查文件权限后重试") from exc
    kind = _sniff(head)
    if error := _unsupported(name, suffix, kind):
        raise error
    if not head:
        raise cannot_read(name, Status.EMPTY, "文件是空的（0 字节），请重新导出或上传原文件")
    if suffix in CONVERTED_SUFFIXES:
        from assistant.documents.convert import load_converted

        if kind != "ole2":
            raise cannot_read(name, Status.BROKEN, "文件不是有效的旧版 Office/WPS 文件（内容已损坏或扩展名不对），"
                                                   "请用 Word/WPS 打开后另存为 DOCX 或 PDF 再上传")
        return load_converted(path, name, suffix, title=title)
    if kind == "ole2":
        raise cannot_read(name, Status.UNSUPPORTED,
                          f"这是旧版 Word/WPS/Excel 格式（扩展名被改过），请改回 .doc/.wps/.xls 扩展名，或{_SAVE_AS[1:]}")
    if suffix == ".pdf":
        from assistant.documents.pdf import load_pdf

        if kind != "pdf":
            raise cannot_read(name, Status.BROKEN, "文件不是有效的 PDF（内容已损坏或扩展名不对），请重新导出 PDF 后再上传")
        return load_pdf(path, name, password=password, title=title, on_page=on_page)
    if suffix in IMAGE_SUFFIXES:
        from assistant.documents.image import load_image

        if kind != "image":
            raise cannot_read(name, Status.BROKEN, "文件不是有效的图片（内容已损坏或扩展名不对），请重新拍摄或导出后再上传")
        return load_image(path, name, title=title, on_page=on_page)
    if suffix in (".ofd", ".pptx"):
        from assistant.documents.ofd import load_ofd
        from assistant.documents.slides import load_pptx

        if kind != "zip":
            raise cannot_read(name, Status.BROKEN, "文件已损坏或扩展名不对，请重新导出后再上传")
        return (load_ofd if suffix == ".ofd" else load_pptx)(path, name, title=title)
    if suffix == ".docx":
        from assistant.documents.office import load_docx

        if kind != "zip":
            raise cannot_read(name, Status.BROKEN, "文件不是有效的 DOCX（内容已损坏或扩展名不对），请用 Word/WPS 另存为 DOCX 再上传")
        return load_docx(path, name, title=title)
    if suffix in (".html", ".htm"):
        from assistant.documents.webpage import load_html

        return load_html(path, name, title=title)
    if suffix in FAQ_SUFFIXES:
        from assistant.documents.faq_table import load_faq_table

        if suffix == ".xlsx" and kind != "zip":
            raise cannot_read(name, Status.BROKEN, "文件不是有效的 XLSX，请用 Excel/WPS 另存为 XLSX 再上传")
        return load_faq_table(path, name, title=title)
    from assistant.documents.text import load_text

    if kind in ("pdf", "zip"):
        raise cannot_read(name, Status.UNSUPPORTED, "文件内容不是纯文本（扩展名可能不对），请改回正确的扩展名后再上传")
    return load_text(path, name, title=title)
