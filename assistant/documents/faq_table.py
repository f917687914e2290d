"""FAQ / 标准话术 tables (CSV or XLSX): read the column sets trainers use, write one canonical set.

Trainers keep standard answers in spreadsheets exported from other systems, so several header
conventions are accepted. Export always writes 标准问题/相似问法/标准答案/分类/依据, which reads
back into identical entries (the UI's export → edit → import loop).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.cleaning import clean_cell
from assistant.documents.common import cannot_read
from assistant.documents.model import FaqEntry, IngestError, LoadedDocument, Status

EXPORT_HEADER = ["标准问题", "相似问法", "标准答案", "分类", "依据"]
ACCEPTED_COLUMNS = "“问题/答案”、“标准问题/相似问法/标准答案”（可加“分类”“依据”）或“分段标题/分段内容/问题”"

# canonical role -> header spellings (compared after NFKC, lower-case, spaces removed)
_ROLES: dict[str, tuple[str, ...]] = {
    "question": ("标准问题", "问题", "标准问", "问句", "问", "常见问题", "question", "q"),
    "similar": ("相似问法", "相似问题", "相似问", "扩展问", "扩展问法", "其他问法", "同义问法", "similar"),
    "answer": ("标准答案", "答案", "回答", "答复", "答", "标准答复", "标准话术", "分段内容", "answer", "a"),
    "title": ("分段标题",),
    "category": ("分类", "类别", "类型", "业务分类", "category"),
    "basis": ("依据", "来源", "政策依据", "出处", "basis", "source"),
}
_SIMILAR_SPLIT = re.compile(r"\s*(?:\n|；|;|\|)\s*")
_QUESTIONS_SPLIT = re.compile(r"\s*(?:\n|；|;|\||/|／)\s*")  # 分段 format: several questions in one cell


def _norm_header(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text)  # 标准答案（必填） / 相似问法[多个换行]
    return re.sub(r"[\s*:]", "", text).lower()


@dataclass
class _Columns:
    question: int | None = None
    similar: int | None = None
    answer: int | None = None
    title: int | None = None
    category: int | None = None
    basis: int | None = None

    @property
    def ok(self) -> bool:
        return self.answer is not None and (self.question is not None or self.title is not None)


def match_header(row: list[object]) -> _Columns | None:
    cols = _Columns()
    for idx, cell in enumerate(row):
        key = _norm_header(cell)
        for role, names in _ROLES.items():
            if key in names and getattr(cols, role) is None:
                setattr(cols, role, idx)
                break
    return cols if cols.ok else None


def _cell(row: list[object], idx: int | None) -> str:
    if idx is None or idx >= len(row) or row[idx] is None:
        return ""
    value = row[idx]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_cell(str(value))


def _split(text: str, pattern: re.Pattern[str]) -> list[str]:
    seen: list[str] = []
    for part in pattern.split(text):
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return seen


def rows_to_entries(rows: list[list[object]], name: str) -> tuple[list[FaqEntry], list[str]]:
    """Entries and warnings from raw rows; the header may sit below a title row or two."""
    for start, row in enumerate(rows[:10]):
        cols = match_header(row)
        if cols:
            break
    else:
        raise cannot_read(name, Status.UNSUPPORTED,
                          f"表格没有可识别的问答表头，请使用以下列名之一：{ACCEPTED_COLUMNS}；"
                          "政策文件请另存为 DOCX 或 PDF 后上传")
    entries: list[FaqEntry] = []
    warnings: list[str] = []
    for offset, row in enumerate(rows[start + 1:], start=start + 2):
        answer = _cell(row, cols.answer)
        question = _cell(row, cols.question)
        if cols.similar is not None:  # one standard question; the variants have their own column
            questions = [question] if question else []
            questions += [q for q in _split(_cell(row, cols.similar), _SIMILAR_SPLIT) if q not in questions]
        else:
            questions = _split(question, _QUESTIONS_SPLIT if cols.title is not None else _SIMILAR_SPLIT)
        title = _cell(row, cols.title)
        if not questions and title:
            questions = [title]
        if not questions and not answer:
            continue
        if not questions:
            warnings.append(f"《{name}》第{offset}行只有答案没有问题，已跳过。")
            continue
        if not answer:
            warnings.append(f"《{name}》第{offset}行“{questions[0][:30]}”没有答案，已跳过；请补充答案后重新导入。")
            continue
        category = _cell(row, cols.category) or (title if title and title != questions[0] else "")
        entries.append(FaqEntry(question=questions[0], answer=answer, similar=questions[1:],
                                category=category, basis=_cell(row, cols.basis)))
    return entries, warnings


def _csv_rows(path: Path, name: str) -> list[list[object]]:
    from assistant.documents.text import UndecodableError, decode_bytes

    try:
        text = decode_bytes(path.read_bytes())
    except UndecodableError:
        raise cannot_read(name, Status.GARBLED, "无法识别表格的文字编码，请在 Excel 中另存为“CSV UTF-8”或 XLSX") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    from assistant.documents.formula import restore

    return [[restore(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_sheets(path: Path, name: str) -> list[list[list[object]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip/xml/openpyxl errors all mean a damaged workbook
        raise cannot_read(name, Status.BROKEN, "表格文件已损坏或不是有效的 XLSX，请用 Excel/WPS 另存为 XLSX 再上传") from exc
    try:
        return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets]
    finally:
        book.close()


def read_faq_table(path: Path, name: str | None = None) -> list[FaqEntry]:
    """Entries from a CSV/XLSX FAQ table (warnings dropped; see load_faq_table for them)."""
    return load_faq_table(Path(path), name or Path(path).name).faq


def load_faq_table(path: Path, name: str, title: str | None = None) -> LoadedDocument:
    sheets = _xlsx_sheets(path, name) if path.suffix.lower() in (".xlsx", ".xlsm") else [_csv_rows(path, name)]
    entries: list[FaqEntry] = []
    warnings: list[str] = []
    first_error: IngestError | None = None
    for rows in sheets:
        try:
            found, notes = rows_to_entries(rows, name)
        except IngestError as exc:
            first_error = first_error or exc
            continue
        entries.extend(found)
        warnings.extend(notes)
    if not entries:
        if first_error and not warnings:
            raise first_error
        raise cannot_read(name, Status.EMPTY, "表格里没有完整的问答（问题和答案都要填写），请补充后重新导入")
    return LoadedDocument(title=title or path.stem, source=name, kind="faq", faq=entries, warnings=warnings)


def _export_row(e: FaqEntry) -> list[str]:
    return [e.question, "\n".join(e.similar), e.answer, e.category, e.basis]


def write_faq_table(entries: list[FaqEntry], path: Path) -> None:
    """Write entries as XLSX (by suffix) or CSV in UTF-8 with BOM, which Excel opens correctly."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "问答"
        ws.append(EXPORT_HEADER)
        for e in entries:
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in _export_row(e)])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.data_type = "s"  # an answer starting with "=" is text, not a formula
        book.save(path)
        return
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(EXPORT_HEADER)
        from assistant.documents.formula import neutralise

        writer.writerows([neutralise(v) for v in _export_row(e)] for e in entries)
