"""Template NVC composer: 观察 → 感受 → 需要 → 请求, grounded in retrieved passages; no LLM needed.

观察/感受/需要 come from the citizen's own words and the triage (nvc.py); only the 请求 says anything about policy,
and that part is a verbatim extract of the 标准答案 or the best passage (quoted in 「」, grounding.py), followed by
the staff member's own next step (templates.py). With nothing to quote it says so and offers to find out: a wrong
rule told at a window costs a citizen another trip, a wrong "I'll check" costs nothing. A red flag replaces all of
it with the protocol card.
"""
from __future__ import annotations

from dataclasses import replace

import re

from assistant.privacy import speakable, without_numbers
from assistant.replies import validator
from assistant.replies.applicability import check
from assistant.replies.checklist import extract_checklist, topics_of
from assistant.replies.grounding import best_extract, on_topic, source_text
from assistant.replies.model import Citation, Suggestion, Triage
from assistant.replies.nvc import feel, need_of, observe
from assistant.replies.risk import protocol_for
from assistant.replies.selection import Choice, choose, is_staff_material, unheld_matters
from assistant.replies.templates import LISTED_STEP, NEXT_STEP, NO_GUIDANCE, NOT_HELD, UNSUPPORTED
from assistant.replies.variants import CHANNELS, build_variants
from assistant.retrieval.matters import named
from assistant.retrieval.rewrite import is_question
from assistant.retrieval.model import Hit, RetrievalResult

_MARKER_TAIL = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[①-⑳]|\d{1,2}[.．、]|[一二三四五六七八九十]{1,3}、)\s*$")
MAX_CITATIONS = 3
_EXISTING_CASE = re.compile(r"进度|到哪一步|办到哪|办得怎么样|怎么还没|还没(下来|办好|批|出|到)|工单|受理号|查一下|查查|帮我查")
RISK_SAY = 2  # the card's first sentences are the reply under a red flag


def compose(text: str, triage: Triage, result: RetrievalResult, channel: str = "窗口", *,
            staff: bool = False, previous: Hit | None = None) -> Suggestion:
    """The suggestion for what the citizen said (``staff``: a staff member's question to the guide).

    ``channel`` (one of ``CHANNELS``) is the one the staff member serves on: ``Suggestion.channel`` records it and
    the page shows that variant first. Every number ``assistant.privacy`` masks is said as "尾号1234".
    ``previous``: the source that answered the last turn (a follow-up may stay on it, see ``selection``).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}: use one of {CHANNELS}")
    s = Suggestion(triage=triage, channel=channel)
    if staff:
        return _guidance(s, result)
    if triage.is_risk:
        return _risk(s, text)
    spoken = speakable(text)
    intent = triage.intent
    if intent == "进度查询" and not _EXISTING_CASE.search(text):
        intent = "咨询"   # "多久能拿到" asks a time limit; "查一下办到哪一步" asks about a case already filed
    # numbers are not restated at all ("您说您身份证丢了"), elsewhere they are said as "尾号1234"
    s.observation, s.feeling = observe(without_numbers(text)), feel(triage, spoken)
    s.need = need_of(spoken, replace(triage, intent=intent))
    choice = choose(result, text, previous=previous)
    if choice.hit is None:
        s.mode, s.supported, s.request = "not_found", False, _not_held(result, choice)
        s.related = [_citation(h) for h in choice.related]
        s.variants = build_variants(s)
        s.problems = validator.validate(s, text)
        return s
    cited = _cited(choice, result)
    s.citations = [c for _, c in cited]
    first = s.citations[0]
    if choice.is_faq:
        s.standard_answer = source_text(choice.hit)
    question = result.asked or result.search_query or text
    s.checklist = extract_checklist(text, [c.text for c in s.citations[:1]], triage.intent)
    quote = best_extract(question, first.text, topics_of(text, triage.intent))
    lead_end = first.text.find(s.checklist[0]) if s.checklist else -1
    before = _MARKER_TAIL.sub("", first.text[:lead_end].rstrip()) if lead_end > 0 else ""
    if before.rstrip().endswith(("：", ":")):   # the list is told item by item; quote the sentence introducing it
        pieces = re.split(r"[。！？\n]", before)
        lead = next((p.strip() for p in reversed(pieces) if p.strip()), "").rstrip("：:，, ")
        quote = lead if len(lead) >= 4 else quote
    quote = re.sub(r"^第[一二三四五六七八九十百零\d]+条\s*", "", quote)
    step = NEXT_STEP.get(intent, NEXT_STEP["咨询"])
    if s.checklist and triage.intent in ("咨询", "办事材料"):
        step = LISTED_STEP
    s.request = f"根据{first.label}：「{quote}」{step}"
    s.variants = build_variants(s)
    s.problems = validator.validate(s, text)
    return s


def _not_held(result: RetrievalResult, choice: Choice) -> str:
    """"关于护照，我在现有的政策资料里没有找到明确的说法……" when the question names a matter none of the nearest entries
    is about (what the KB does not hold, said plainly); the general sentence otherwise."""
    asked = result.asked or result.search_query or result.query
    # every FAQ entry the search brought back, not only the two shown as related: "关于失业，资料里没有" must not
    # be said when a 失业 entry was found and only judged not to answer this question (a passage's whole text is
    # not what it is about: one that lists "身份证、护照" does not hold 护照)
    found = list({h.chunk_id: h for h in [*choice.related, *(h for h, _, _ in result.faq_candidates)]}.values())
    missing = unheld_matters(asked, found) if found else []
    missing = [m for m in missing if not _only_circumstance(asked, m, missing)]
    return NOT_HELD.format(asked=missing[0]) if missing else UNSUPPORTED


def _only_circumstance(asked: str, group: str, missing: list[str]) -> bool:
    """A matter named only where the citizen tells their situation, while the question itself names a matter the
    KB does hold: "我失业了，家里还有两个老人要养，失业金能领几个月" asks about 失业金, and "关于老年人，资料里没有"
    would answer a question nobody asked. ("护照过期了，换个新的要带什么材料" keeps 护照: its question names no matter.)"""
    clauses = [c for c in re.split(r"[，,。；;！!？?\s]+", asked) if c]
    in_questions = {m.group for c in clauses if is_question(c) for m in named(c)}
    return group not in in_questions and bool(in_questions - set(missing))


def _citation(hit: Hit) -> Citation:
    return Citation(chunk_id=hit.chunk_id, label=hit.source_label, text=source_text(hit))


def _cited(choice: Choice, result: RetrievalResult) -> list[tuple[Hit, Citation]]:
    """The chosen source first, then passages that are about the same matter (never staff guidance)."""
    assert choice.hit is not None
    out = [(choice.hit, _citation(choice.hit))]
    seen = {choice.hit.chunk_id}
    asked = result.asked or result.search_query or result.query
    for h in result.hits:
        if len(out) == MAX_CITATIONS:
            break
        if h.chunk_id in seen or h.kind == "faq" or is_staff_material(h):
            continue
        v = check(asked, h)
        if v.applies is True or (v.applies is None and on_topic(asked, [h.text])):
            out.append((h, _citation(h)))
            seen.add(h.chunk_id)
    return out


def spoken_words(lines: list[str]) -> list[str]:
    """The words to say from the card's 现在说 lines: the quoted speech where a line has it (the rest of such a
    line tells the clerk how to say it), else nothing from that line."""
    return [q for line in lines for q in re.findall(r"“([^”]+)”", line) if len(q) >= 6]


_VICTIM = re.compile(r"打我|打了我|把我打|被打|挨打|家暴|打伤我|要杀我|威胁我|跟踪我|不敢回家|骚扰我|逼我")
_FOR_VICTIM = re.compile(r"被别人伤害|受害")     # a card line meant for a victim (knowledge/lexicons/protocol_cards.csv)
_FOR_ANGRY = re.compile(r"很生气|消消气")           # …and one meant for calming an angry citizen


def _risk(s: Suggestion, text: str = "") -> Suggestion:
    """Under a red flag the card is the reply: its own first sentences, nothing restated, no passages."""
    s.mode = "risk"
    s.protocol = protocol_for(s.triage.risks)
    s.supported = False
    # the violence card speaks to two people: one who threatens ("我听到您很生气…") and one hurt by someone else
    # ("您现在安全吗？…"); a person who says they were beaten or threatened ("我老公一喝酒就打我") hears the second
    victim = bool(_VICTIM.search(text + " ".join(f.evidence for f in s.triage.risks)))
    lines = [line for line in s.protocol.say_now if not (_FOR_ANGRY if victim else _FOR_VICTIM).search(line)]
    words = "".join(spoken_words(lines)[:RISK_SAY])
    s.request = words
    s.variants = {ch: words for ch in CHANNELS}
    s.problems = validator.validate(s)
    return s


def _guidance(s: Suggestion, result: RetrievalResult) -> Suggestion:
    """A staff member's question: what the guide says, for the clerk; not a reply to a citizen. When the words also
    carry a red flag ("群众跟我说不想活了，我第一句话应该怎么回应他", or a citizen's own threat the staff model misread),
    the protocol card comes with the guidance: the card is never hidden behind a guide passage."""
    s.mode = "staff"
    if s.triage.is_risk:
        s.protocol = protocol_for(s.triage.risks)
    choice = choose(result, result.query, staff=True)
    if choice.hit is None:
        s.supported = False
        s.guidance = NO_GUIDANCE
        s.related = [_citation(h) for h in choice.related]
        return s
    s.citations = [_citation(choice.hit)]
    s.guidance = choice.hit.text.strip()
    return s
