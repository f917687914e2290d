"""FAQ entries <-> the editor's table. 相似问法 sit in one cell separated by ；."""
from __future__ import annotations

import re

import pandas as pd

from assistant.documents.model import FaqEntry

COLUMNS = ["标准问题", "相似问法", "标准答案", "分类", "依据"]
_SEP = re.compile(r"[；;\n]+")


def to_frame(entries: list[FaqEntry]) -> pd.DataFrame:
    return pd.DataFrame([[e.question, "；".join(e.similar), e.answer, e.category, e.basis] for e in entries],
                        columns=COLUMNS, dtype="string")


def _cell(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def from_frame(frame: pd.DataFrame) -> list[FaqEntry]:
    out = []
    for row in frame.itertuples(index=False):
        q, sim, a, cat, basis = (_cell(v) for v in row[:5])
        out.append(FaqEntry(question=q, answer=a, similar=[s.strip() for s in _SEP.split(sim) if s.strip()],
                            category=cat, basis=basis))
    return out
