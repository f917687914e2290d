"""Loads the project's own lexicon files in knowledge/lexicons/.

The word lists live in CSV files rather than in code so that trainers can add a word their citizens use
without touching Python; each file starts with ``#`` comment lines saying what it is, then a column header.
"""
from __future__ import annotations

import csv
import json
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
    type: str       # word / regex / except
    pattern: re.Pattern[str]
    note: str


def read_labelled(path: Path) -> list[dict]:
    """The project's labelled sentences (assistant/bench/data/*.jsonl): one JSON object per line; a line
    without "text" (the file's "about" header) is skipped."""
    with open(path, encoding="utf-8") as f:
        return [r for r in (json.loads(line) for line in f if line.strip()) if "text" in r]


def distinct_labelled(files, key) -> list[dict]:
    """Rows of several labelled files, the first occurrence of each ``key(text)`` kept."""
    seen: dict[str, dict] = {}
    for path in files:
        for r in read_labelled(path):
            seen.setdefault(key(r["text"]), r)
    return list(seen.values())


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


def need_for(text: str, emotion: str, folder: Path = LEXICON_DIR) -> Need:
    """The need whose cues the text mentions most, preferring needs tied to ``emotion``; a default otherwise."""
    best, best_score = None, 0.0
    for n in needs(folder):
        score = sum(1.0 for c in n.cues if c in text) + (0.5 if n.emotion == emotion else 0.0)
        if score > best_score and score >= 1.0:
            best, best_score = n, score
    if best is not None:
        return best
    same = [n for n in needs(folder) if n.emotion == emotion]
    return same[0] if same else needs(folder)[0]


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
