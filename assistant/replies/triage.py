"""One call that reads a citizen's sentence before any reply is composed: emotion, intent, department, risks.

Models load once per process; ``warm_up()`` lets the app pay that cost (and, on a first start, deriving the risk
exemplar vectors) at start-up instead of on the first citizen.
"""
from __future__ import annotations

from assistant.privacy import without_numbers
from assistant.replies.emotion import detect_emotion
from assistant.replies.intent import classify_intent, department_shown
from assistant.replies.model import Triage
from assistant.replies.risk import detect_risks
from assistant.replies.text import normalise

__all__ = ["triage", "warm_up"]


def triage(text: str) -> Triage:
    clean = normalise(text)
    department, confidence = department_shown(without_numbers(clean))  # "身份证号…" names a number, not a matter
    return Triage(
        emotion=detect_emotion(clean),
        intent=classify_intent(clean),
        department=department,
        department_confidence=confidence,
        risks=detect_risks(clean),
    )


def warm_up() -> None:
    triage("你好，请问社保卡怎么补办？")
