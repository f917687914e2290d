"""With ``LLM_BASE_URL`` set, the simulated citizen's scripted line may be reworded in the temperament's voice.

The script bounds it: the model may only say the same thing in other words. A reworded line that is much longer,
carries a number the script did not, or fails, is dropped and the scripted line is used (every call has a total
deadline and goes through a breaker, as the reply composer's calls do).
"""
from __future__ import annotations

import re

from assistant.config import Settings
from assistant.practice.scenarios import Scenario
from assistant.practice.skills import EMOTIONS, TEMPERAMENTS
from assistant.replies.endpoint import CircuitBreaker, call_with_deadline

PROMPT = ("你在政务服务窗口培训中扮演一位来办事的群众。性格：{temperament}；情绪：{emotion}。"
          "把下面这句话换一种说法说出来，意思、事实和数字都不能变，不能加新的要求或信息，只输出这一句话：\n{line}")


class Rewording:
    def __init__(self, settings: Settings, model=None):
        self.settings = settings
        self._model = model
        self.breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown_s)

    def model(self):
        if self._model is None:
            from assistant.replies.llm import make_chat_model

            self._model = make_chat_model(self.settings)
        return self._model

    def __call__(self, line: str, scenario: Scenario) -> str:
        prompt = PROMPT.format(temperament=TEMPERAMENTS.get(scenario.temperament, ""),
                               emotion=EMOTIONS.get(scenario.emotion, ""), line=line)
        try:
            self.breaker.before_call()
        except Exception:  # noqa: BLE001 - breaker open: the scripted line
            return line
        try:
            content = call_with_deadline(lambda: self.model().invoke([("human", prompt)]).content,
                                         self.settings.llm_deadline_s)
        except Exception as exc:  # noqa: BLE001 - any failure: the scripted line
            self.breaker.failure(f"{type(exc).__name__}: {exc}")
            return line
        self.breaker.success()
        return bounded(line, str(content or ""))


def bounded(line: str, reworded: str) -> str:
    """``reworded`` if it stays within the script's line, else ``line``."""
    text = reworded.strip().strip("“”\"")
    if not text or len(text) > 2 * len(line) + 10 or "\n" in text:
        return line
    if set(re.findall(r"\d+", text)) - set(re.findall(r"\d+", line)):
        return line
    return text
