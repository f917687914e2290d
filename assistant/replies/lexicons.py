"""Every word list and card text the reply engine reads, from the project's own files in knowledge/lexicons/.

They live in CSV files rather than in code so that trainers can add a word their citizens use, or change whom
to call on a risk card, without touching Python; each file starts with ``#`` lines saying what it is, then a
column header. A malformed line fails with a message naming the file and line.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.config import PROJECT_ROOT

LEXICON_DIR = PROJECT_ROOT / "knowledge" / "lexicons"
EMOTIONS = ("anger", "anxiety", "sadness", "confusion", "calm")
MODIFIERS = ("degree", "negation", "sarcasm", "rhetorical")
RISK_KINDS = ("self_harm", "violence", "extreme", "vulnerable", "mass_incident")
CARD_PARTS = ("say", "call", "record")


class LexiconError(ValueError):
    """A lexicon file is missing or has a malformed line; the message names the file and line."""


@dataclass(frozen=True)
class FeelingWord:
    word: str
    label: str      # an emotion, or degree / negation / sarcasm / rhetorical
    weight: float


@dataclass(frozen=True)
class Need:
    need: str
    emotion: str    # the emotion it most often sits behind, or "any"
    cues: tuple[str, ...]
    phrase: str     # what staff can say in the 需要 part


@dataclass(frozen=True)
class RiskPattern:
    kind: str       # a risk kind, or "any" for an exception
    type: str       # word / regex / except / settled
    pattern: re.Pattern[str]
    note: str


@dataclass(frozen=True)
class BannedPhrase:
    phrase: str
    category: str   # 推诿 / 指责 / 冷漠命令 / 越权承诺 / 官腔术语
    better: str


def read_rows(path: Path) -> list[dict[str, str]]:
    """CSV rows as dicts, skipping the leading ``#`` comment lines and blank lines."""
    if not path.exists():
        raise LexiconError(f"找不到词表文件 {path}：请确认 knowledge/lexicons 目录完整。")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(io.StringIO("\n".join(lines)))]


@lru_cache(maxsize=4)
def feelings(folder: Path = LEXICON_DIR) -> tuple[FeelingWord, ...]:
    out = []
    for i, row in enumerate(read_rows(folder / "feelings.csv"), start=1):
        if row["label"] not in EMOTIONS + MODIFIERS:
            raise LexiconError(f"feelings.csv 第 {i} 条的 label “{row['label']}” 不认识：应为 {EMOTIONS + MODIFIERS} 之一。")
        out.append(FeelingWord(row["word"], row["label"], float(row["weight"] or 0)))
    # longest first, so 气死 wins over 气 and 并没有 over 没
    return tuple(sorted(out, key=lambda f: -len(f.word)))


@lru_cache(maxsize=4)
def needs(folder: Path = LEXICON_DIR) -> tuple[Need, ...]:
    return tuple(Need(r["need"], r["emotion"], tuple(c for c in r["cues"].split("|") if c), r["phrase"])
                 for r in read_rows(folder / "needs.csv"))


@lru_cache(maxsize=4)
def banned_phrases(folder: Path = LEXICON_DIR) -> tuple[BannedPhrase, ...]:
    """The project's 服务忌语 list with a better way to say each."""
    return tuple(BannedPhrase(r["phrase"], r["category"], r["better"])
                 for r in read_rows(folder / "banned_phrases.csv") if r.get("phrase"))


@lru_cache(maxsize=4)
def risk_patterns(folder: Path = LEXICON_DIR) -> tuple[RiskPattern, ...]:
    out = []
    for i, r in enumerate(read_rows(folder / "risk_words.csv"), start=1):
        if r["type"] not in ("word", "regex", "except", "settled"):
            raise LexiconError(f"risk_words.csv 第 {i} 条的 type “{r['type']}” 不认识：应为 word / regex / except / settled。")
        if r["kind"] not in RISK_KINDS + ("any",):
            raise LexiconError(f"risk_words.csv 第 {i} 条的 kind “{r['kind']}” 不认识：应为 {RISK_KINDS} 或 any。")
        text = re.escape(r["pattern"]) if r["type"] == "word" else r["pattern"]
        try:
            compiled = re.compile(text)
        except re.error as exc:
            raise LexiconError(f"risk_words.csv 第 {i} 条的正则写错了（{exc}）：请修改后重试。") from exc
        out.append(RiskPattern(r["kind"], r["type"], compiled, r.get("note", "")))
    return tuple(out)


@lru_cache(maxsize=4)
def protocol_cards(folder: Path = LEXICON_DIR) -> dict[str, dict[str, tuple[str, ...]]]:
    """kind -> part (say / call / record) -> lines, in file order; every kind needs a say and a call line."""
    cards: dict[str, dict[str, list[str]]] = {k: {p: [] for p in CARD_PARTS} for k in RISK_KINDS}
    for i, r in enumerate(read_rows(folder / "protocol_cards.csv"), start=1):
        if r["kind"] not in RISK_KINDS:
            raise LexiconError(f"protocol_cards.csv 第 {i} 条的 kind “{r['kind']}” 不认识：应为 {RISK_KINDS} 之一。")
        if r["part"] not in CARD_PARTS:
            raise LexiconError(f"protocol_cards.csv 第 {i} 条的 part “{r['part']}” 不认识：应为 say / call / record。")
        if r["text"]:
            cards[r["kind"]][r["part"]].append(r["text"])
    for kind, parts in cards.items():
        if not (parts["say"] and parts["call"]):
            raise LexiconError(f"protocol_cards.csv 缺少 {kind} 的“现在就说”(say) 或“立即联系”(call) 行：请补上后重试。")
    return {k: {p: tuple(v) for p, v in parts.items()} for k, parts in cards.items()}


@lru_cache(maxsize=4)
def guide_questions(folder: Path = LEXICON_DIR) -> dict[str, tuple[str, ...]]:
    """Guide section heading -> questions staff ask that the section answers (guide_questions.csv).

    Optional: without the file, staff questions are matched on the guide's own words only. Trainers who add a
    section to the guide add a few questions for it here, in the words their colleagues use."""
    path = folder / "guide_questions.csv"
    if not path.exists():
        return {}
    out: dict[str, list[str]] = {}
    for i, r in enumerate(read_rows(path), start=1):
        if not r.get("section") or not r.get("question"):
            raise LexiconError(f"guide_questions.csv 第 {i} 条缺少 section 或 question：两列都要填写。")
        out.setdefault(r["section"], []).append(r["question"])
    return {k: tuple(v) for k, v in out.items()}
