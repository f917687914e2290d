"""The model reply a trainee sees after each turn: built from the FAQ's 标准答案, the risk card or the "not held"
sentence, never from the composer's retrieval (a practice mode must not teach what the composer still gets wrong).
"""
from __future__ import annotations

from assistant.practice.scorer import Matter
from assistant.replies.composer import spoken_words
from assistant.replies.risk import protocol_for, KIND_ZH
from assistant.replies.model import RiskFlag
from assistant.replies.templates import FEELINGS, INTENT_NEEDS, NOT_HELD

_FEELING = {"calm": "calm", "anxious": "anxiety", "angry": "anger", "desperate": "sadness"}


def model_reply(matter: Matter, emotion: str) -> str:
    strong, _ = FEELINGS[_FEELING.get(emotion, "calm")]
    if matter.type == "risk":
        card = protocol_for([RiskFlag(matter.kind, KIND_ZH.get(matter.kind, ""), "")])
        words = "".join(spoken_words(card.say_now)[:2])
        return f"{strong}{words}（同时请：{'、'.join(card.call[:2])}）"
    if matter.type == "not_in_kb":
        return strong + NOT_HELD.format(asked=matter.topic)
    return (f"{strong}您{INTENT_NEEDS['办事材料']}，我一次性跟您说清楚。按标准答案：{matter.answer.strip()}"
            "您看还有哪里不清楚，我再给您解释，我们一起核对。")
