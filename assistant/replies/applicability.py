"""Is a source about the matter the citizen asked? Checked before anything is asserted.

Two shared bigrams are not enough: a 护照 question shares 办理/证件 with the 身份证 entry, and a confident rule from
the wrong entry costs the citizen another trip. So the matters (事项) a question names are looked up in
knowledge/lexicons/matters.csv, and a source applies only when it names at least one of them too; a situation the
question names (去世) must also be in the source. A question that names no known matter falls back to the
content-bigram gate.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.replies.lexicons import LEXICON_DIR, LexiconError, read_rows

KINDS = ("matter", "event")


@dataclass(frozen=True)
class Matter:
    group: str
    kind: str                 # matter / event
    terms: tuple[str, ...]

    def named_in(self, text: str) -> bool:
        return any(t in text for t in self.terms)


@lru_cache(maxsize=4)
def matters(folder: Path = LEXICON_DIR) -> tuple[Matter, ...]:
    out = []
    for i, r in enumerate(read_rows(folder / "matters.csv"), start=1):
        if r["kind"] not in KINDS:
            raise LexiconError(f"matters.csv 第 {i} 条的 kind “{r['kind']}” 不认识：应为 matter 或 event。")
        terms = tuple(t for t in r["terms"].split("|") if t)
        if not terms:
            raise LexiconError(f"matters.csv 第 {i} 条（{r['group']}）没有 terms：请至少写一个说法。")
        out.append(Matter(r["group"], r["kind"], terms))
    return tuple(out)


def named(text: str, kind: str = "matter") -> list[Matter]:
    return [m for m in matters() if m.kind == kind and m.named_in(text or "")]


@dataclass(frozen=True)
class Verdict:
    applies: bool | None      # None: the question names no known matter (the caller decides another way)
    asked: tuple[str, ...]    # matters and situations the question names
    missing: tuple[str, ...]  # of those, what the source does not name
    held: tuple[str, ...]     # matters the source is about


def check(question: str, source: str) -> Verdict:
    asked_m, asked_e = named(question, "matter"), named(question, "event")
    held = tuple(m.group for m in named(source, "matter"))
    if not asked_m and not asked_e:
        return Verdict(None, (), (), held)
    missing: list[str] = []
    if asked_m and not any(m.named_in(source) for m in asked_m):
        missing += [m.group for m in asked_m]
    missing += [e.group for e in asked_e if not e.named_in(source)]
    asked = tuple(m.group for m in asked_m + asked_e)
    return Verdict(not missing, asked, tuple(missing), held)
