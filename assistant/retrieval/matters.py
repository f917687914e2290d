"""Which matters (办事事项) and situations a question names: knowledge/lexicons/matters.csv.

Two shared bigrams do not make a source about the asked matter: a 护照 question shares 办理/材料 with the 身份证
entry. So the matters a question names are looked up in a word list trainers can edit, and a source applies only
when it names them too (``replies.applicability``). Follow-up rewriting reads the same list to tell "那公积金呢"
(same question, another matter) from "那要多久" (same matter, another aspect). Lives in retrieval/ because the
rewriter needs it; replies/ imports it from here.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.config import PROJECT_ROOT

MATTERS_CSV = PROJECT_ROOT / "knowledge" / "lexicons" / "matters.csv"
KINDS = ("matter", "service", "event", "context")


class MatterListError(ValueError):
    """matters.csv is missing or has a malformed line; the message names the line and what to write."""


@dataclass(frozen=True)
class Matter:
    group: str
    kind: str                 # one of KINDS (see the file's header)
    terms: tuple[str, ...]

    def named_in(self, text: str) -> bool:
        return any(t in text for t in self.terms)

    def term_in(self, text: str) -> str:
        """The longest of this matter's terms that occurs in ``text`` ("" when none)."""
        return max((t for t in self.terms if t in text), key=len, default="")


@lru_cache(maxsize=4)
def matters(path: Path = MATTERS_CSV) -> tuple[Matter, ...]:
    if not path.exists():
        raise MatterListError(f"找不到事项词表 {path}：请确认 knowledge/lexicons 目录完整。")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    out = []
    for i, r in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=1):
        kind = (r.get("kind") or "").strip()
        if kind not in KINDS:
            raise MatterListError(f"matters.csv 第 {i} 条的 kind “{kind}” 不认识：应为 matter、service、event 或 context。")
        terms = tuple(t.strip() for t in (r.get("terms") or "").split("|") if t.strip())
        if not terms:
            raise MatterListError(f"matters.csv 第 {i} 条（{r.get('group')}）没有 terms：请至少写一个说法。")
        out.append(Matter((r.get("group") or "").strip(), kind, terms))
    return tuple(out)


def without_context(text: str) -> str:
    """``text`` with background phrases ("外地户口") blanked: they say who is asking, not what is asked."""
    for m in matters():
        if m.kind == "context":
            for t in sorted(m.terms, key=len, reverse=True):
                text = text.replace(t, "，")
    return text


def named(text: str, kind: str = "matter") -> list[Matter]:
    """The matters (or services, events) ``text`` names, in list order, background phrases aside. Overlapping
    terms both count: "临时身份证" names 临时身份证 and 身份证."""
    text = without_context(text or "") if kind != "context" else (text or "")
    return [m for m in matters() if m.kind == kind and m.named_in(text)]
