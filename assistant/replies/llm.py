"""Optional LLM drafting through an OpenAI-compatible endpoint (Ollama, vLLM, Xinference).

The model only rewords: it sees the numbered passages and must answer in JSON with the four parts. Its draft then
goes through the same validator as the template (four parts, every policy statement found in a cited passage, no
服务忌语). A slow, broken or inventive model never reaches staff: on timeout, error or a failed check the template
composer answers and ``Suggestion.backend`` says "template". Every call has a total deadline (``LLM_DEADLINE_S``)
and goes through a circuit breaker (``replies.endpoint``): an endpoint that keeps failing is left alone for a while
and the page says so. The model sees the citizen's words with every ID/phone/card number said as "尾号1234".
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from assistant.config import Settings
from assistant.privacy import speakable
from assistant.replies import composer, validator
from assistant.replies.endpoint import CircuitBreaker, DeadlineExceeded, call_with_deadline
from assistant.replies.variants import build_variants
from assistant.replies.checklist import extract_checklist
from assistant.replies.model import Citation, Suggestion, Triage
from assistant.retrieval.model import Hit, RetrievalResult

log = logging.getLogger(__name__)

SYSTEM = (
    "你是政务服务窗口的答复助手。只能依据下面编号的政策原文和标准答案回答，不得编造任何规定、期限、费用或材料。"
    "按非暴力沟通写一段工作人员可以直接说的话，分四部分：观察（复述群众说的事实，不评判）、感受（说出对方的感受，不指责）、"
    "需要（对方背后的需要）、请求（依据原文的具体下一步；涉及政策的句子尽量照抄原文）。"
    "只输出一个 JSON 对象，键为 观察、感受、需要、请求、引用（引用为所依据原文的编号列表），不要输出其他文字。"
)


class LLMDraftError(RuntimeError):
    """The model's answer could not be used (bad JSON, missing parts, unsupported claims)."""


def make_chat_model(settings: Settings) -> Any:
    """ChatOpenAI with a short timeout and no retries: a hung server must not hold up the window. The timeout bounds
    each socket read (so an abandoned call's thread ends soon); the total deadline is ``LLMComposer``'s."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key, model=settings.llm_model,
                      timeout=min(settings.llm_timeout_s, settings.llm_deadline_s), max_retries=0, temperature=0.2)


def _prompt(text: str, triage: Triage, citations: list[Citation]) -> list[tuple[str, str]]:
    passages = "\n".join(f"[{i + 1}] {c.label}\n{c.text}" for i, c in enumerate(citations))
    user = (f"群众原话：{text}\n情绪：{triage.emotion.label_zh or triage.emotion.label}；诉求类型：{triage.intent}\n"
            f"可依据的原文：\n{passages}")
    return [("system", SYSTEM), ("human", user)]


def parse_draft(content: str) -> dict[str, Any]:
    """The JSON object in the model's reply (tolerates ```json fences and text around it)."""
    m = re.search(r"\{.*\}", content or "", re.S)
    if not m:
        raise LLMDraftError("模型没有返回 JSON。")
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError as exc:
        raise LLMDraftError(f"模型返回的 JSON 无法解析：{exc}") from exc
    for key in ("观察", "感受", "需要", "请求"):
        if not str(data.get(key, "")).strip():
            raise LLMDraftError(f"模型的草稿缺少“{key}”。")
    return data


class LLMComposer:
    def __init__(self, settings: Settings, chat_model: Any = None):
        self.settings = settings
        self._model = chat_model
        self.last_error = ""
        self.breaker = CircuitBreaker(settings.llm_breaker_failures, settings.llm_breaker_cooldown_s)

    def notice(self) -> str:
        """What the page says while the breaker keeps the endpoint paused ("" when it is not)."""
        if not self.breaker.is_open():
            return ""
        return (f"大模型服务连续 {self.breaker.consecutive} 次没有按时答复或出错，已暂停调用（约 "
                f"{max(1, round(self.breaker.seconds_left()))} 秒后再试）；在此期间建议答复由模板生成，内容同样只引用原文。")

    def _invoke(self, messages: list[tuple[str, str]], started: float | None = None) -> Any:
        """One call through the breaker, within the total deadline; an endpoint failure counts against it.

        ``started``: when the suggestion began (``time.monotonic()``). The deadline then counts from there, so time
        spent retrieving on a busy machine comes out of the model's share, not on top of it: under 20 clerks the
        suggestion otherwise arrived retrieval + deadline after the question (measured: 5.1 s at a 3 s deadline).
        """
        budget = self.settings.llm_deadline_s - (time.monotonic() - started if started is not None else 0.0)
        if budget <= 0.05:   # no time left: not the endpoint's fault, so not counted against the breaker
            raise DeadlineExceeded("no time left for the model within the suggestion's deadline")
        self.breaker.before_call()
        try:
            reply = call_with_deadline(lambda: self.model.invoke(messages), budget)
        except Exception as exc:
            self.breaker.failure(f"{type(exc).__name__}: {exc}")
            raise
        self.breaker.success()
        return reply

    @property
    def model(self) -> Any:
        if self._model is None:
            self._model = make_chat_model(self.settings)
        return self._model

    def draft(self, text: str, triage: Triage, result: RetrievalResult, channel: str = "窗口",
              previous: Hit | None = None, base: Suggestion | None = None,
              started: float | None = None) -> Suggestion:
        """An LLM-worded suggestion that passed the validator; raises LLMDraftError (or the client's error).
        ``base``: the template's suggestion when the caller has it (citations, checklist, standard answer, protocol)."""
        if base is None:
            base = composer.compose(text, triage, result, channel, previous=previous)
        if base.protocol is not None or not base.supported:
            raise LLMDraftError("风险情况或没有可依据的原文：不交给模型起草。")
        reply = self._invoke(_prompt(speakable(text), triage, base.citations), started)  # no raw ID/phone numbers sent
        data = parse_draft(getattr(reply, "content", reply))
        refs = [int(r) - 1 for r in data.get("引用", []) if str(r).strip().isdigit()]
        chosen = [base.citations[i] for i in refs if 0 <= i < len(base.citations)] or base.citations
        part = {k: speakable(str(data[k]).strip()) for k in ("观察", "感受", "需要", "请求")}
        s = Suggestion(triage=triage, observation=part["观察"], feeling=part["感受"],
                       need=part["需要"], request=part["请求"], citations=chosen,
                       standard_answer=base.standard_answer, backend="llm", channel=channel)
        s.checklist = extract_checklist(text, [c.text for c in chosen], triage.intent)
        s.variants = build_variants(s)
        problems = validator.validate(s, text)
        if problems:
            raise LLMDraftError("；".join(problems))
        return s


def compose_with_fallback(text: str, triage: Triage, result: RetrievalResult, llm: LLMComposer | None,
                          channel: str = "窗口", previous: Hit | None = None,
                          started: float | None = None) -> Suggestion:
    """LLM draft when configured and valid, else the template composer (``backend`` tells which answered).

    The template's suggestion is composed once, before the model is asked: the draft takes its citations from it, and
    when the model is late or wrong it is returned as is, so a fallback adds no second composition after the deadline
    (measured under 20 clerks: it pushed suggestions past the deadline + 1 s)."""
    if llm is not None and not triage.is_risk:
        base = composer.compose(text, triage, result, channel, previous=previous)
        try:
            drafted = llm.draft(text, triage, result, channel, previous, base=base, started=started)
        except Exception as exc:  # noqa: BLE001 - any model failure must fall back, never reach staff
            llm.last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.info("LLM draft not used, template answers: %s", type(exc).__name__)
            return base
        else:
            llm.last_error = ""     # the last call worked: an old error would mislead whoever reads it
            return drafted
    return composer.compose(text, triage, result, channel, previous=previous)
