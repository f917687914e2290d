"""Template NVC composer: 观察 → 感受 → 需要 → 请求, grounded in retrieved passages; no LLM needed.

观察/感受/需要 come from the citizen's own words and the triage (nvc.py); only the 请求 says anything about policy,
and that part is a verbatim extract of the 标准答案 or the best passage (quoted in 「」, grounding.py), followed by
the staff member's own next step (templates.py). With nothing to quote it says so and offers to find out: a wrong
rule told at a window costs a citizen another trip, a wrong "I'll check" costs nothing. A red flag replaces all of
it with the protocol card.
"""
from __future__ import annotations

import re

from assistant.replies import validator
from assistant.replies.checklist import extract_checklist, topics_of
from assistant.replies.grounding import best_extract, citations, on_topic, source_text
from assistant.replies.model import Suggestion, Triage
from assistant.replies.nvc import feel, need_of, observe
from assistant.replies.risk import protocol_for
from assistant.replies.templates import LISTED_STEP, NEXT_STEP, UNSUPPORTED
from assistant.replies.variants import CHANNELS, build_variants
from assistant.retrieval.model import RetrievalResult

_MARKER_TAIL = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[①-⑳]|\d{1,2}[.．、]|[一二三四五六七八九十]{1,3}、)\s*$")


def compose(text: str, triage: Triage, result: RetrievalResult, channel: str = "窗口") -> Suggestion:
    """Four-part suggestion with citations, checklist and channel variants; ``problems`` holds validator findings.

    ``channel`` (one of ``CHANNELS``) is the one the staff member serves on: ``Suggestion.channel`` records it and
    the page shows that variant first.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}: use one of {CHANNELS}")
    s = Suggestion(triage=triage, channel=channel, observation=observe(text), feeling=feel(triage), need=need_of(text, triage))
    cited = [] if result.refused else citations(result)
    if cited and result.faq is None and not on_topic(result.search_query or text, [c.text for _, c in cited]):
        cited = []
    s.citations = [c for _, c in cited]
    if triage.is_risk:
        s.protocol = protocol_for(triage.risks)
        s.problems = validator.validate(s)
        return s
    if result.faq and not result.refused:
        s.standard_answer = source_text(result.faq.hit)
    if not cited:
        s.supported = False
        s.request = UNSUPPORTED
    else:
        hit, first = cited[0]
        s.checklist = extract_checklist(text, [c.text for _, c in cited], triage.intent)
        quote = best_extract(result.search_query or text, first.text, topics_of(text, triage.intent))
        lead_end = first.text.find(s.checklist[0]) if s.checklist else -1
        if lead_end > 0:       # the list is told item by item; quote the sentence that introduces it
            pieces = re.split(r"[。！？\n]", _MARKER_TAIL.sub("", first.text[:lead_end].rstrip()))
            lead = next((p.strip() for p in reversed(pieces) if p.strip()), "").rstrip("：:，, ")
            quote = lead if len(lead) >= 4 else quote
        quote = re.sub(r"^第[一二三四五六七八九十百零\d]+条\s*", "", quote)
        step = NEXT_STEP.get(triage.intent, NEXT_STEP["咨询"])
        if s.checklist and triage.intent in ("咨询", "办事材料"):
            step = LISTED_STEP
        s.request = f"根据{first.label}：「{quote}」{step}"
    s.variants = build_variants(s)
    s.problems = validator.validate(s)
    return s
