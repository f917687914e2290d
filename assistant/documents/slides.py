"""PPTX read directly from its slide XML (a zip of XML): one Section per slide, page = slide number.

Lighter than converting through LibreOffice and gives the same text runs; table rows become one line of cells.
Text inside pictures is not read.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from assistant.documents.cleaning import clean_cell, clean_text
from assistant.documents.common import cannot_read, choose_title, extract_date, first_meaningful_line
from assistant.documents.model import LoadedDocument, Section, Status

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
MAX_XML_BYTES = 20 << 20


def _paragraphs(element) -> list[str]:
    return [t for p in element.iter(f"{A}p") if (t := clean_cell("".join(r.text or "" for r in p.iter(f"{A}t"))))]


def _slide_lines(root) -> list[str]:
    lines: list[str] = []
    tables = list(root.iter(f"{A}tbl"))
    for shape in root.iter(f"{P}sp"):
        body = shape.find(f"{P}txBody")
        if body is not None:
            lines.extend(_paragraphs(body))
    for tbl in tables:
        for row in tbl.iter(f"{A}tr"):
            cells = [" ".join(_paragraphs(tc)) for tc in row.iter(f"{A}tc")]
            if any(cells):
                lines.append(" | ".join(c for c in cells if c))
    return lines


def _slide_number(name: str) -> int:
    m = re.search(r"slide(\d+)\.xml$", name)
    return int(m.group(1)) if m else 0


def load_pptx(path: Path, name: str, title: str | None = None) -> LoadedDocument:
    try:
        with zipfile.ZipFile(path) as zf:
            slides = sorted((n for n in zf.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                            key=_slide_number)
            roots = []
            for n in slides:
                if zf.getinfo(n).file_size > MAX_XML_BYTES:
                    raise cannot_read(name, Status.BROKEN, "演示文稿中有异常巨大的页面，请另存为 PDF 后再上传")
                roots.append((_slide_number(n), ElementTree.fromstring(zf.read(n))))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError) as exc:
        raise cannot_read(name, Status.BROKEN, "文件已损坏或不是有效的 PPTX，请用 PowerPoint/WPS 另存为 PDF 后再上传") from exc
    sections = [Section(text=text, page=number) for number, root in roots
                if (text := clean_text("\n".join(_slide_lines(root))))]
    if not sections:
        raise cannot_read(name, Status.EMPTY, "演示文稿里没有文字内容（图片中的文字不会被读取），请上传文字版文件")
    body = "\n".join(s.text for s in sections)
    return LoadedDocument(title=choose_title(title, first_meaningful_line(sections[0].text), fallback=Path(name).stem),
                          source=name, kind="policy", sections=sections, date=extract_date(body))
