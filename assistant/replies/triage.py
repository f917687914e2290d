"""One call that reads a citizen's sentence before any reply is composed: emotion, intent, department, risks.

Models load once per process (lru_cache in emotion/intent); ``warm_up()`` lets the app pay that cost at start-up
instead of on the first citizen.
"""
from __future__ import annotations

from assistant.replies.emotion import detect_emotion
from assistant.replies.intent import classify_intent, route_department
from assistant.replies.model import ProtocolCard, RiskFlag, Triage
from assistant.replies.risk import detect_risks, normalise
from assistant.replies.risk import protocol_for as _protocol_for

__all__ = ["triage", "protocol_for", "warm_up"]


def triage(text: str) -> Triage:
    clean = normalise(text)
    return Triage(
        emotion=detect_emotion(clean),
        intent=classify_intent(clean),
        department=route_department(clean),
        risks=detect_risks(clean),
    )


def protocol_for(risks: list[RiskFlag]) -> ProtocolCard:
    """What to say now, whom to call and what to record for the flagged risks (most urgent kind first)."""
    return _protocol_for(risks)


def warm_up() -> None:
    triage("你好，请问社保卡怎么补办？")
