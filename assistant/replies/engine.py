"""The reply pipeline the page and the CLI call: retrieve + triage + compose (LLM when configured).

Heavy objects (knowledge base, retriever, chat model) are built once per engine and reused, so one suggestion
costs a query, not a model load. Nothing here logs the citizen's words unmasked.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace

from assistant.config import Settings
from assistant.privacy import mask, without_numbers
from assistant.replies.composer import compose
from assistant.replies.grounding import remember_sources
from assistant.replies.lexicons import guide_questions
from assistant.replies.llm import LLMComposer, compose_with_fallback
from assistant.replies.model import Suggestion
from assistant.replies.selection import choose, remember_answers, remember_questions, staff_material_title
from assistant.replies.staff import is_staff_question
from assistant.replies.risk import firm_risks, settled
from assistant.replies.triage import triage
from assistant.retrieval.model import Hit, RetrievalResult
from assistant.retrieval.retriever import Retriever
from assistant.store.kb import KnowledgeBase

log = logging.getLogger(__name__)


_RECOMPUTE = object()


def cited_hit(result: RetrievalResult | None, suggestion: Suggestion | None) -> Hit | None:
    """The source a reply stood on (its first citation), found among what retrieval returned; None for anything
    but a policy reply."""
    if result is None or suggestion is None or suggestion.mode != "reply" or not suggestion.citations:
        return None
    pool = [h for h, _, _ in result.faq_candidates] + list(result.hits) + ([result.faq.hit] if result.faq else [])
    return next((h for h in pool if h.chunk_id == suggestion.citations[0].chunk_id), None)


class ReplyEngine:
    def __init__(self, settings: Settings, kb: KnowledgeBase | None = None, retriever: Retriever | None = None,
                 llm: LLMComposer | None = None):
        self.settings = settings
        self._kb = kb
        self._retriever = retriever
        self._llm = llm

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase(self.settings)
        return self._kb

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            self._retriever = Retriever(self.kb, self.settings)
        return self._retriever

    @property
    def llm(self) -> LLMComposer | None:
        """LLMComposer when LLM_BASE_URL is set, else None (template only)."""
        if self._llm is None and self.settings.llm_base_url:
            self._llm = LLMComposer(self.settings)
        return self._llm

    def llm_notice(self) -> str:
        """The page's line while the LLM endpoint is paused by its breaker ("" otherwise, and with no LLM)."""
        return self._llm.notice() if self._llm is not None else ""

    def warm(self) -> None:
        """Load what the first suggestion would otherwise wait for: the index, the models, the FAQ questions' and
        answers' sentence vectors (the verifier compares the last turn with them)."""
        questions = [q for c in self.retriever.state().chunks if c.kind == "faq" for q in c.questions]
        remember_questions(questions + [q for qs in guide_questions().values() for q in qs])
        faq = [c for c in self.retriever.state().chunks if c.kind == "faq"]
        remember_answers([c.answer or c.text for c in faq])
        remember_sources([c.answer or c.text for c in faq])
        if self.llm is not None:
            # the HTTP client (langchain-openai's import) is built now: inside the first question's deadline it
            # took longer than the deadline on a busy machine, and each such failure counts against the breaker
            self.llm.model
        self.suggest("请问办理需要带什么材料？")
        # a staff question compares itself with every guide section's heading and text: their vectors are made
        # now, not while the first clerk who asks one waits (about 2 s on two cores)
        self.suggest("群众情绪激动时窗口人员应该怎么沟通？")

    def is_empty(self) -> bool:
        return int(self.kb.count()) == 0

    def retrieve(self, text: str, history: list[str] | None = None, k: int = 5) -> RetrievalResult:
        """Searches without the citizen's ID/phone/card numbers: they say nothing about the matter, and their digits
        must not pull in entries about ID cards (or reach any log)."""
        return self.retriever.search(without_numbers(text), history=[without_numbers(h) for h in history or []], k=k)

    def suggest(self, text: str, history: list[str] | None = None, channel: str = "窗口",
                previous: Hit | None | object = _RECOMPUTE) -> tuple[RetrievalResult, Suggestion]:
        """``previous``: the source the last turn's reply stood on, when the caller kept it (the page does, see
        ``cited_hit``); left out, it is recomputed from ``history``. The LLM's deadline counts from here."""
        started = time.monotonic()
        tri = triage(text)
        carried = carried_risks(text, history, tri.risks)
        if carried:
            tri.risks = tri.risks + carried
        staff = is_staff_question(text)
        result = self.guidance(text) if staff else self.retrieve(text, history)
        if staff:
            suggestion = compose(text, tri, result, channel, staff=True)
        else:
            if previous is _RECOMPUTE:
                previous = self.previous_source(history)
            suggestion = compose_with_fallback(text, tri, result, self.llm, channel, previous, started=started)
        if suggestion.problems:
            log.warning("suggestion for %s failed checks: %s", mask(text)[:40], suggestion.problems)
        return result, suggestion


    def guidance(self, text: str) -> RetrievalResult:
        """A staff question searched in the staff guides only (every guide passage ranked, for the composer to
        re-order by headings); the whole KB when no guide is loaded."""
        guides = sorted({c.doc_id for c in self.retriever.state().chunks if staff_material_title(c.kind, c.title)})
        if not guides:
            return self.retrieve(text, [], k=STAFF_K)
        return self.retriever.search(without_numbers(text), k=STAFF_K, filters={"doc_id": guides})

    def previous_source(self, history: list[str] | None) -> Hit | None:
        """The source the last turn's reply stood on (recomputed: the engine keeps no per-citizen state)."""
        history = [h for h in history or [] if h and h.strip()]
        if not history or is_staff_question(history[-1]):
            return None
        earlier = self.retrieve(history[-1], history[:-1])
        return choose(earlier, history[-1]).hit


def carried_risks(text: str, history: list[str] | None, present: list) -> list:
    """Red flags of the citizen's turn just before, not raised again by this one: "我老公一喝酒就打我，我不敢回家"
    and then "我能不能今天先把离婚办了" is still a person in danger, and the protocol card stays up while the same
    citizen is at the window (a turn that reports the matter as over, see ``risk.settled``, lifts it). Only flags
    on firm ground are carried (``risk.firm_risks``): a loose likeness on the turn before would card every turn after."""
    history = [h for h in history or [] if h and h.strip()]
    if not history or is_staff_question(history[-1]) or settled(text):
        return []
    have = {f.kind for f in present}
    out = []
    for f in firm_risks(history[-1]):
        if f.kind not in have:
            out.append(replace(f, evidence=f"上一句：{f.evidence}"))
            have.add(f.kind)
    return out


STAFF_K = 40  # a staff question ranks the guide's passages this far down (a guide has tens of sections)
