"""DOCX files: body paragraphs and tables in document order, split into sections at headings.

Tables carry much of a policy's substance (材料清单, 办理时限), so each row becomes one readable
line — `项目：值；项目：值` when the table has a header row, cells joined by ` | ` otherwise — and
stays where it was in the text, next to the clause that refers to it.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.cleaning import clean_cell, clean_text
from assistant.documents.common import (cannot_read, choose_title, complete_title, extract_date,
                                        first_meaningful_line, sensible_title)
from assistant.documents.model import LoadedDocument, Section, Status
from assistant.documents.quality import looks_garbled

# Style names that mark headings in Word and in the Chinese standard / 公文 templates seen in practice.
_LEVEL_STYLES = {"章标题": 1, "一级条标题": 2, "二级条标题": 3, "三级条标题": 4, "四级条标题": 5}
_TITLE_STYLES = ("title", "标题", "封面标准名称", "文件标题", "公文标题")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _heading_level(paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if m := _HEADING_STYLE.match(name.strip()):
        return int(m.group(1))
    if name in _LEVEL_STYLES:
        return _LEVEL_STYLES[name]
    ppr = paragraph._p.pPr
    outline = ppr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl") \
        if ppr is not None else None
    if outline is not None:
        val = outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
        if val and val.isdigit() and int(val) < 9:
            return int(val) + 1
    return None


def _row_cells(row) -> list[str]:
    """Cell texts of a row, merged cells once, newlines inside a cell flattened."""
    cells, last = [], None
    for cell in row.cells:
        if cell._tc is last:
            continue
        last = cell._tc
        cells.append(re.sub(r"\s*\n\s*", " ", clean_cell(cell.text)))
    return cells


def table_lines(table) -> list[str]:
    rows = [cells for cells in (_row_cells(r) for r in table.rows) if any(cells)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    if width == 1:
        return [ln for r in rows for ln in r[0].split("\n") if ln.strip()]
    header = rows[0]
    has_header = (len(rows) >= 2 and len(header) == width and all(header)
                  and all(len(h) <= 20 and not h.replace(".", "").isdigit() for h in header))
    lines = [] if has_header else [" | ".join(c for c in rows[0] if c)]
    for r in rows[1:]:
        if has_header and len(r) == width:
            lines.append("；".join(f"{h}：{v}" for h, v in zip(header, r) if v))
        else:
            lines.append(" | ".join(c for c in r if c))
    return [ln for ln in lines if ln]


@dataclass
class _Builder:
    sections: list[Section] = field(default_factory=list)
    path: list[tuple[int, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def flush(self) -> None:
        text = clean_text("\n".join(self.lines))
        if text:
            self.sections.append(Section(text=text, heading_path=[h for _, h in self.path]))
        self.lines = []

    def heading(self, level: int, text: str) -> None:
        self.flush()
        self.path = [(lv, h) for lv, h in self.path if lv < level] + [(level, text)]
        self.lines.append(text)


def load_docx(path: Path, name: str, title: str | None = None) -> LoadedDocument:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise cannot_read(name, Status.BROKEN, "文件已损坏或不是有效的 DOCX，请用 Word/WPS 打开后另存为 DOCX 再上传") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx raises assorted lxml/package errors
        raise cannot_read(name, Status.BROKEN, "文件无法解析，请用 Word/WPS 打开后另存为 DOCX 再上传") from exc
    built = _Builder()
    style_title = ""
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            built.lines.extend(table_lines(block))
            continue
        text = clean_cell(block.text)
        if not text:
            continue
        style = ((block.style.name if block.style is not None else "") or "").strip().lower()
        if not style_title and style in _TITLE_STYLES:
            style_title = re.sub(r"\s+", " ", text)
        level = _heading_level(block)
        if level is not None and len(text) <= 60:
            built.heading(level, text)
        else:
            built.lines.append(text)
    built.flush()
    body = "\n".join(s.text for s in built.sections)
    if not body.strip():
        raise cannot_read(name, Status.EMPTY, "文件里没有文字内容，请检查是否选错了文件")
    if looks_garbled(body, expect_chinese=any("\u4e00" <= ch <= "\u9fff" for ch in name)):
        raise cannot_read(name, Status.GARBLED, "文字是乱码，请检查文件后重新保存为 DOCX")
    core = sensible_title(clean_cell(document.core_properties.title or ""))
    return LoadedDocument(
        title=choose_title(title, complete_title(core, body), complete_title(style_title, body),
                           first_meaningful_line(body), fallback=path.stem),
        source=name, kind="policy", sections=built.sections, date=extract_date(body))
