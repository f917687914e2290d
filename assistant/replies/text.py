"""Text helpers every reply module shares: one way to normalise a citizen's sentence, one way to compare texts.

Two normal forms on purpose: ``normalise`` keeps punctuation (triage reads "！" and "？" as signals), ``squash``
drops whitespace and quote marks (the validator asks "is this claim in that passage?", where quoting and line
breaks must not matter).
"""
from __future__ import annotations

import re
import unicodedata

_SQUASH = re.compile(r"[\s「」“”\"'‘’]")


def normalise(text: str) -> str:
    """NFKC, no whitespace, ASCII , ? ! as their full-width forms: what triage reads."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).replace(",", "，").replace("?", "？").replace("!", "！")


def squash(text: str) -> str:
    """NFKC without whitespace or quote marks: for asking whether one text occurs in another."""
    return _SQUASH.sub("", unicodedata.normalize("NFKC", text or ""))


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}
