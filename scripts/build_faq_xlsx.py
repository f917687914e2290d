"""Rebuild knowledge/faq/常见问题示例.xlsx from the CSV next to it.

The CSV is the source of truth (it diffs well in git); trainers who prefer Excel get the same rows
as a workbook. Run after editing the CSV:

    .venv/bin/python scripts/build_faq_xlsx.py [CSV] [XLSX]
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT / "knowledge" / "faq" / "常见问题示例.csv"
HEADER = ["标准问题", "相似问法", "标准答案", "分类", "依据"]
WIDTHS = [34, 34, 80, 14, 44]

NOTICE = [
    "说明",
    "本表是窗口助手项目自行编写的示例知识库（示例内容），用于演示和培训，不是任何地方的现行政策。",
    "各地政策、材料、时限和办理地点都不相同：上线前请培训人员按本地政策逐条替换或删除。",
    "表格结构：第一个工作表第 1 行为表头“标准问题、相似问法、标准答案、分类、依据”，从第 2 行起每行一条。",
    "“相似问法”一格可写多个问法，每个问法单独一行（单元格内换行，Alt+Enter）。",
    "“依据”写明答案所依据的法规或文件名称；示例条目以“示例：”开头。",
    "本表与同目录的 常见问题示例.csv 内容相同；应用默认只导入 CSV，若改用本表，请只导入其中一个，避免重复。",
    "许可：内容由本项目编写，与项目一同以 Apache-2.0 许可发布。",
]


def read_rows(csv_path: Path) -> list[list[str]]:
    """Rows after the header; refuses a CSV whose header the importer would not recognise."""
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if header != HEADER:
            raise SystemExit(f"{csv_path.name} 的表头应为 {','.join(HEADER)}，实际是 {','.join(header)}。")
        return [row for row in reader if any(cell.strip() for cell in row)]


def build(csv_path: Path, xlsx_path: Path) -> int:
    rows = read_rows(csv_path)
    book = Workbook()
    table = book.active
    table.title = "常见问题"
    table.append(HEADER)
    for cell in table[1]:
        cell.font = Font(bold=True)
    for row in rows:
        table.append(row)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDE", WIDTHS):
        table.column_dimensions[column].width = width
        for cell in table[column][1:]:
            cell.alignment = wrap
    table.freeze_panes = "A2"

    notice = book.create_sheet("说明")
    for line in NOTICE:
        notice.append([line])
    notice["A1"].font = Font(bold=True)
    notice.column_dimensions["A"].width = 110
    book.save(xlsx_path)
    return len(rows)


def main(argv: list[str]) -> None:
    csv_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    xlsx_path = Path(argv[2]) if len(argv) > 2 else csv_path.with_suffix(".xlsx")
    count = build(csv_path, xlsx_path)
    print(f"已写入 {xlsx_path}：{count} 条问答。")


if __name__ == "__main__":
    main(sys.argv)
