"""服务矛盾案例库: trainers record past window conflicts (what happened, what was said, why it went well or badly, how
it ended) and import/export them as CSV or XLSX like the FAQ.

Every text is masked (ID, phone and card numbers) before it is stored, so a case copied from a real 工单 cannot
carry a citizen's numbers. An import is checked whole before anything is written: one bad row refuses the file
and the library keeps what it had. A table is read only as far as its limits (bytes, unpacked XLSX size, rows,
characters in a field), so a zip bomb or a million-row file is refused without being held in memory.
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from assistant.documents.formula import neutralise, restore
from assistant.privacy import mask
from assistant.practice.skills import EMOTIONS, TEMPERAMENTS
from assistant.replies.lexicons import RISK_KINDS
from assistant.store import db

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024   # an XLSX unpacked (5000 real cases are under 15 MB): more is a zip bomb
MAX_ROWS = 5000
MAX_LINES = 50_000    # rows read, blank ones included, before a table is refused as too long
MAX_COLUMNS = 100     # columns read from a workbook (its dimension may claim 16384)
MAX_TEXT = 2000       # characters in one field: the shipped cases' longest is under 100
SHIPPED = "冲突案例示例.csv"


class CaseError(ValueError):
    """A case or an imported table that cannot be stored; ``str()`` is the Chinese sentence to show."""


@dataclass
class Case:
    title: str
    situation: str = ""
    citizen_said: str = ""
    staff_said: str = ""
    went: str = ""
    outcome: str = ""
    policy: str = ""
    department: str = ""
    emotion: str = ""
    risk_kind: str = ""
    temperament: str = ""
    id: str = ""
    sample: bool = False

    def text_for_match(self) -> str:
        """What a citizen's sentence is compared with: the situation and the citizen's words."""
        return f"{self.situation} {self.citizen_said}".strip()


# column header in the table (Chinese) -> field
HEADER = {"标题": "title", "情况": "situation", "群众原话": "citizen_said", "工作人员的回应": "staff_said",
          "得失分析": "went", "结果": "outcome", "涉及政策": "policy", "部门": "department", "情绪": "emotion",
          "风险类别": "risk_kind", "性格类型": "temperament"}
_ALIASES = {"案例标题": "title", "场景": "situation", "经过": "situation", "群众说": "citizen_said",
            "工作人员回应": "staff_said", "回应": "staff_said", "分析": "went", "成败原因": "went", "处理结果": "outcome",
            "政策": "policy", "依据": "policy", "分类": "department", "风险": "risk_kind", "性格": "temperament"}
TEXT_FIELDS = ("title", "situation", "citizen_said", "staff_said", "went", "outcome", "policy", "department")


def case_id(case: Case) -> str:
    """From the content, so importing the same case twice updates it instead of adding a copy."""
    return "c" + hashlib.sha256(f"{case.title}\n{case.citizen_said}".encode()).hexdigest()[:12]


def clean(case: Case) -> Case:
    """Masked, trimmed and checked; raises CaseError with what to fix."""
    zh = {f: h for h, f in HEADER.items()}
    for f in TEXT_FIELDS:
        if len(getattr(case, f) or "") > MAX_TEXT:
            raise CaseError(f"案例的“{zh[f]}”太长：每一项不超过 {MAX_TEXT} 个字，请精简。")
    values = {f: mask((getattr(case, f) or "").strip()) for f in TEXT_FIELDS}
    c = Case(**values, emotion=(case.emotion or "").strip(), risk_kind=(case.risk_kind or "").strip(),
             temperament=(case.temperament or "").strip().upper(), sample=case.sample)
    if not c.title:
        raise CaseError("案例缺少标题：请填写一句话概括这件事。")
    if not (c.situation or c.citizen_said):
        raise CaseError(f"案例“{c.title}”缺少情况或群众原话：至少填写其中一项，工作台才能找到相似案例。")
    if c.emotion and c.emotion not in EMOTIONS and c.emotion not in EMOTIONS.values():
        raise CaseError(f"案例“{c.title}”的情绪“{c.emotion}”不认识：请填 平静/焦虑/愤怒/绝望 之一。")
    c.emotion = {v: k for k, v in EMOTIONS.items()}.get(c.emotion, c.emotion)
    if c.risk_kind and c.risk_kind not in RISK_KINDS:
        zh = {"自伤": "self_harm", "暴力": "violence", "过激": "extreme", "弱势": "vulnerable", "群体": "mass_incident"}
        c.risk_kind = next((v for k, v in zh.items() if k in c.risk_kind), "")
        if not c.risk_kind:
            raise CaseError(f"案例“{c.title}”的风险类别不认识：请填 自伤/暴力/过激/弱势/群体 之一，或留空。")
    if c.temperament and c.temperament[:1] not in TEMPERAMENTS:
        raise CaseError(f"案例“{c.title}”的性格类型“{c.temperament}”不认识：请填 D/I/S/C 之一，或留空。")
    c.temperament = c.temperament[:1]
    c.id = case.id or case_id(c)
    return c


def _row(case: Case) -> dict:
    d = asdict(case)
    return d


def save_case(engine: Engine, case: Case, actor: str) -> Case:
    c = clean(case)
    with engine.begin() as conn:
        _upsert(conn, c, actor)
    db.audit_log(engine, actor, "case_save", c.title)
    return c


def update_case(engine: Engine, cid: str, case: Case, actor: str) -> Case:
    """The case ``cid`` edited in place: it keeps its id (and so its place) even when its title or words change."""
    with engine.connect() as conn:
        old = conn.execute(select(db.cases.c.sample).where(db.cases.c.id == cid)).first()
    if old is None:
        raise CaseError("这个案例已经不存在了：可能已被别人删除，请刷新页面。")
    case.id, case.sample = cid, bool(old.sample)
    c = clean(case)
    with engine.begin() as conn:
        _upsert(conn, c, actor)
    db.audit_log(engine, actor, "case_edit", c.title)
    return c


def _upsert(conn, c: Case, actor: str) -> None:
    values = {**_row(c), "updated_at": db.now(), "updated_by": actor}
    if conn.execute(select(db.cases.c.id).where(db.cases.c.id == c.id)).first():
        conn.execute(db.cases.update().where(db.cases.c.id == c.id).values(**values))
    else:
        conn.execute(db.cases.insert().values(**values))


def delete_case(engine: Engine, cid: str, actor: str) -> None:
    with engine.begin() as conn:
        row = conn.execute(select(db.cases.c.title).where(db.cases.c.id == cid)).first()
        if row is None:
            raise CaseError("这个案例已经不存在了：可能已被别人删除，请刷新页面。")
        conn.execute(delete(db.cases).where(db.cases.c.id == cid))
    db.audit_log(engine, actor, "case_delete", row.title)


def list_cases(engine: Engine) -> list[Case]:
    names = [f.name for f in fields(Case)]
    with engine.connect() as conn:
        rows = conn.execute(select(db.cases).order_by(db.cases.c.sample, db.cases.c.title)).all()
    return [Case(**{k: r._mapping[k] for k in names}) for r in rows]


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.cases)).scalar() or 0)


# --- tables -------------------------------------------------------------------------------------------------------

def _field_of(header: object) -> str | None:
    h = str(header or "").strip().replace(" ", "")
    return HEADER.get(h) or _ALIASES.get(h)


def _read(rows) -> list[list[object]]:
    """The table's non-blank rows, read only as far as needed to know it is too long (a million-row file or a
    workbook whose dimension claims every cell is refused without being held in memory)."""
    out = []
    for n, r in enumerate(rows, start=1):
        if n > MAX_LINES:
            raise CaseError(f"表格行数太多（含空行超过 {MAX_LINES} 行）：一次最多导入 {MAX_ROWS} 个案例，请删去空行或拆成几个文件。")
        if any(str(c or "").strip() for c in r):
            out.append(list(r))
            if len(out) > MAX_ROWS + 1:
                break   # rows_to_cases says there are too many
    return out


def rows_to_cases(rows: list[list[object]]) -> list[Case]:
    rows = [r for r in rows if any(str(c or "").strip() for c in r)]
    if not rows:
        raise CaseError("表格是空的：第一行应是表头（标题、情况、群众原话……），从第二行起每行一个案例。")
    cols = {i: f for i, h in enumerate(rows[0]) if (f := _field_of(h))}
    if "title" not in cols.values():
        raise CaseError("表头里没有“标题”列：请用导出的表格作模板（标题、情况、群众原话、工作人员的回应……）。")
    if len(rows) - 1 > MAX_ROWS:
        raise CaseError(f"一次最多导入 {MAX_ROWS} 个案例：请拆成几个文件分别导入。")
    out, problems = [], []
    for n, r in enumerate(rows[1:], start=2):
        values = {f: str(r[i]).strip() if i < len(r) and r[i] is not None else "" for i, f in cols.items()}
        try:
            out.append(clean(Case(**values)))
        except CaseError as err:
            problems.append(f"第 {n} 行：{err}")
    if problems:
        raise CaseError("导入没有进行，案例库保持原样。" + "；".join(problems[:5]) +
                        ("……" if len(problems) > 5 else "") + " 请改好这些行后重新导入。")
    return out


def import_bytes(name: str, data: bytes) -> list[Case]:
    """Cases from an uploaded CSV or XLSX (checked, masked); nothing is stored yet."""
    if len(data) > MAX_IMPORT_BYTES:
        raise CaseError(f"《{name}》太大：案例表不能超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB，请拆分后导入。")
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        try:
            unzipped = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, EOFError, OSError, ValueError):
            unzipped = 0   # openpyxl says it is damaged
        if unzipped > MAX_UNZIPPED_BYTES:   # reads stop at the sizes declared, so a lying header cannot exceed it
            raise CaseError(f"《{name}》太大：解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，不像案例表，"
                            "请用 Excel/WPS 另存为 XLSX 或拆分后导入。")
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows = _read(book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True))
            finally:
                book.close()
        except CaseError:
            raise
        except Exception as exc:  # noqa: BLE001 - zip/xml errors all mean a damaged workbook
            raise CaseError(f"无法读取《{name}》：文件已损坏或不是有效的 XLSX，请用 Excel/WPS 另存为 XLSX 后重试。") from exc
    elif suffix == ".csv":
        from assistant.documents.text import UndecodableError, decode_bytes

        try:
            text = decode_bytes(data)
        except UndecodableError:
            raise CaseError(f"无法识别《{name}》的文字编码：请在 Excel 中另存为“CSV UTF-8”后重试。") from None
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        try:
            rows = _read([restore(c) for c in r] for r in reader if not (r and r[0].startswith("#")))
        except csv.Error:   # a cell over the reader's 128 KB limit, or quoting it cannot parse
            raise CaseError(f"无法读取《{name}》第 {reader.line_num} 行：单元格太长或引号不成对，"
                            f"每一项不超过 {MAX_TEXT} 个字，请改好后重试。") from None
    else:
        raise CaseError(f"《{name}》不是 CSV 或 XLSX：案例表请用导出的格式。")
    return rows_to_cases(rows)


def import_cases(engine: Engine, cases: list[Case], actor: str) -> int:
    """Adds new cases and updates ones with the same title and words, in one transaction."""
    with engine.begin() as conn:
        for c in cases:
            _upsert(conn, c, actor)
    db.audit_log(engine, actor, "case_import", f"{len(cases)} 个案例")
    return len(cases)


def export_bytes(cases: list[Case], suffix: str) -> bytes:
    header = list(HEADER)
    rows = [[str(getattr(c, HEADER[h]) or "") for h in header] for c in cases]
    if suffix == "xlsx":
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "案例"
        ws.append(header)
        for r in rows:
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in r])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.data_type = "s"
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows([neutralise(v) for v in r] for r in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def load_shipped(engine: Engine, knowledge_dir: Path) -> int:
    """The project's 示例 cases, once per data folder (a trainer who deletes them does not get them back)."""
    with engine.connect() as conn:
        done = conn.execute(select(db.kb_meta.c.value).where(db.kb_meta.c.key == "cases_seeded")).scalar()
    path = Path(knowledge_dir) / "practice" / SHIPPED
    if done or not path.exists():
        return 0
    cases = import_bytes(path.name, path.read_bytes())
    for c in cases:
        c.sample = True
    with engine.begin() as conn:
        if conn.execute(select(db.kb_meta.c.value).where(db.kb_meta.c.key == "cases_seeded")).scalar():
            return 0
        for c in cases:
            _upsert(conn, c, "示例")
        conn.execute(db.kb_meta.insert().values(key="cases_seeded", value=1))
    return len(cases)
