"""The reply pipeline the page and the CLI call: retrieve + triage + compose (LLM when configured).

Heavy objects (knowledge base, retriever, chat model) are built once per engine and reused, so one suggestion
costs a query, not a model load. Nothing here logs the citizen's words unmasked.
"""
from __future__ import annotations

import logging
from typing import Any

from assistant.config import Settings
from assistant.replies.model import Emotion, Suggestion, Triage
from assistant.retrieval.model import RetrievalResult

log = logging.getLogger(__name__)


def _mask(text: str) -> str:
    try:
        from assistant.privacy import mask
    except ImportError:  # pragma: no cover - privacy ships with the app
        return "***"
    return mask(text)


def run_triage(text: str) -> Triage:
    """The triage helper's classifier; until it is installed, risk flags alone (never skip the red flags)."""
    try:
        from assistant.replies.triage import triage
    except ImportError:
        from assistant.replies.risk import detect_risks

        return Triage(emotion=Emotion("calm", 0.0, "平静"), intent="咨询", risks=detect_risks(text))
    return triage(text)


class ReplyEngine:
    def __init__(self, settings: Settings, kb: Any = None, retriever: Any = None, llm: Any = None):
        self.settings = settings
        self._kb = kb
        self._retriever = retriever
        self._llm = llm

    @property
    def kb(self) -> Any:
        if self._kb is None:
            from assistant.store.kb import KnowledgeBase

            self._kb = KnowledgeBase(self.settings)
        return self._kb

    @property
    def retriever(self) -> Any:
        if self._retriever is None:
            from assistant.retrieval.retriever import Retriever

            self._retriever = Retriever(self.kb, self.settings)
        return self._retriever

    @property
    def llm(self) -> Any:
        """LLMComposer when LLM_BASE_URL is set, else None (template only)."""
        if self._llm is None and self.settings.llm_base_url:
            from assistant.replies.llm import LLMComposer

            self._llm = LLMComposer(self.settings)
        return self._llm

    def is_empty(self) -> bool:
        return int(self.kb.count()) == 0

    def retrieve(self, text: str, history: list[str] | None = None) -> RetrievalResult:
        return self.retriever.search(text, history=list(history or []))

    def suggest(self, text: str, history: list[str] | None = None,
                channel: str = "窗口") -> tuple[RetrievalResult, Suggestion]:
        from assistant.replies.llm import compose_with_fallback

        result = self.retrieve(text, history)
        triage = run_triage(text)
        suggestion = compose_with_fallback(text, triage, result, self.llm, channel)
        if suggestion.problems:
            log.warning("suggestion for %s failed checks: %s", _mask(text)[:40], suggestion.problems)
        return result, suggestion
