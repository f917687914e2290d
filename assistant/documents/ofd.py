"""OFD (GB/T 33190, the national format for electronic official documents), read directly: it is a zip of XML.

OFD.xml names the document root; Document.xml lists the pages; each page's Content.xml holds TextObjects whose
TextCode runs carry the characters and their positions (mm). Runs are grouped into lines by their baseline and read
left to right, one Section per page with its page number. Seals (signature files) and template furniture are not
text objects of the page and are not read.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from assistant.documents.cleaning import clean_cell, clean_text
from assistant.documents.common import (cannot_read, choose_title, extract_date, first_meaningful_line,
                                        sensible_title)
from assistant.documents.model import LoadedDocument, Section, Status

MAX_XML_BYTES = 20 << 20
MAX_PAGES = 5000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root, name: str):
    return next((el for el in root.iter() if _local(el.tag) == name), None)


def _floats(value: str | None, n: int) -> list[float]:
    parts = re.findall(r"-?\d+(?:\.\d+)?", value or "")
    return [float(x) for x in parts[:n]] + [0.0] * (n - len(parts[:n]))


def _read(zf: zipfile.ZipFile, name: str, file: str):
    try:
        info = zf.getinfo(file)
    except KeyError:
        raise cannot_read(name, Status.BROKEN, "OFD 文件不完整（缺少页面内容），请重新导出后再上传") from None
    if info.file_size > MAX_XML_BYTES:
        raise cannot_read(name, Status.BROKEN, "OFD 文件中有异常巨大的页面，请导出为 PDF 后再上传")
    return ElementTree.fromstring(zf.read(info))


def _resolve(base: str, loc: str) -> str:
    loc = loc.strip().lstrip("/") if loc.strip().startswith("/") else posixpath.join(posixpath.dirname(base), loc.strip())
    return posixpath.normpath(loc)


def _page_lines(root) -> list[str]:
    runs: list[tuple[float, float, float, str]] = []   # baseline y, x, size, text
    for obj in root.iter():
        if _local(obj.tag) != "TextObject":
            continue
        bx, by, _, _ = _floats(obj.get("Boundary"), 4)
        size = _floats(obj.get("Size"), 1)[0] or 3.5
        for code in obj:
            if _local(code.tag) == "TextCode" and code.text:
                x, y = _floats(code.get("X"), 1)[0], _floats(code.get("Y"), 1)[0]
                runs.append((by + y, bx + x, size, code.text))
    lines: list[list[tuple[float, float, float, str]]] = []
    for run in sorted(runs):
        if lines and abs(run[0] - lines[-1][0][0]) < 0.5 * run[2]:
            lines[-1].append(run)
        else:
            lines.append([run])
    out = []
    for line in lines:
        parts, end = [], None
        for y, x, size, text in sorted(line, key=lambda r: r[1]):
            if end is not None and x - end > 1.5 * size:
                parts.append(" ")
            parts.append(text)
            end = x + size * len(text)
        out.append(clean_cell("".join(parts)))
    return [ln for ln in out if ln]


def load_ofd(path: Path, name: str, title: str | None = None) -> LoadedDocument:
    try:
        with zipfile.ZipFile(path) as zf:
            ofd = _read(zf, name, "OFD.xml")
            doc_root = _find(ofd, "DocRoot")
            if doc_root is None or not (doc_root.text or "").strip():
                raise cannot_read(name, Status.BROKEN, "OFD 文件缺少文档入口（DocRoot），请重新导出后再上传")
            doc_path = _resolve("OFD.xml", doc_root.text)
            document = _read(zf, name, doc_path)
            locs = [el.get("BaseLoc", "") for el in document.iter() if _local(el.tag) == "Page"][:MAX_PAGES]
            pages = [_page_lines(_read(zf, name, _resolve(doc_path, loc))) for loc in locs if loc]
            info = _find(ofd, "Title")
            meta_title = sensible_title(clean_cell(info.text or "")) if info is not None else ""
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as exc:
        raise cannot_read(name, Status.BROKEN, "文件已损坏或不是有效的 OFD，请用 OFD 阅读器重新导出后再上传") from exc
    sections = [Section(text=text, page=i + 1) for i, lines in enumerate(pages)
                if (text := clean_text("\n".join(lines)))]
    if not sections:
        raise cannot_read(name, Status.EMPTY, "OFD 文件里没有可提取的文字（可能是扫描件），请上传文字版 OFD、PDF 或 DOCX")
    body = "\n".join(s.text for s in sections)
    return LoadedDocument(
        title=choose_title(title, meta_title, first_meaningful_line(sections[0].text), fallback=Path(name).stem),
        source=name, kind="policy", sections=sections, date=extract_date(body))
