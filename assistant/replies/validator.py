"""Checks every suggestion before staff see it: four parts, grounded 请求, verbatim checklist, no 服务忌语.

The one thing a reply must never do is state a rule, deadline, fee or material the knowledge base does not say.
So any sentence of the 请求 that carries policy content (numbers, fees, time limits, required documents,
"应当/不予") must be found in a cited passage or the 标准答案 — verbatim, or as a close extract whose numbers all
appear in that source. The same check guards LLM drafts.
"""
from __future__ import annotations

import re

from assistant.replies.lexicons import banned_phrases
from assistant.replies.model import Suggestion
from assistant.replies.templates import TEMPLATE_SENTENCES
from assistant.replies.text import bigrams, squash

_POLICY_SIGNAL = re.compile(
    r"\d|[零一二三四五六七八九十百千万两半]+(元|天|日|个工作日|工作日|个月|月|年|周|小时|岁|周岁)|元|费|期限|时限|工作日|日内"
    r"|应当|必须|须|不予|规定|条件|提交|携带|原件|复印件|证明|可以申请|符合")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零一二三四五六七八九十百千万两]{1,6}(?=[元天日个月年周小时岁%])")
_ABOUT_PREFIX = re.compile(r"^关于[^，,。]{1,20}[，,]")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_FRAMING = re.compile(r"^(根据|按照|依据|依照)?《[^》]*》[^，,：:「」]{0,12}[，,：:]?|[「」“”\"]|^(规定|要求)[：:，,]")


def supported(claim: str, sources: list[str], min_cover: float = 0.8) -> bool:
    """True when ``claim`` is verbatim in a source, or a close extract of one that keeps every number."""
    core = squash(claim).strip("，,。；;：:！？!?")
    if not core:
        return True
    for source in sources:
        src = squash(source)
        if core in src:
            return True
        grams = bigrams(core)
        if grams and len(grams & bigrams(src)) / len(grams) >= min_cover:
            if all(n in src for n in _NUMBER.findall(core)):
                return True
    return False


def unsupported_claims(text: str, sources: list[str]) -> list[str]:
    """Parts of ``text`` with policy content that no source supports: each 「quote」, then each other sentence."""
    bad = []
    for quote in re.findall(r"「([^」]*)」", text or ""):
        if _POLICY_SIGNAL.search(quote) and not supported(quote, sources):
            bad.append(quote)
    rest = re.sub(r"「[^」]*」", "。", text or "")
    for m in _SENTENCE.finditer(rest):
        sentence = m.group(0).strip()
        if not sentence or squash(_ABOUT_PREFIX.sub("这个问题", sentence)) in TEMPLATE_SENTENCES:
            continue   # the template's own sentences, also when they name the matter ("关于护照，我在…")
        core = _FRAMING.sub("", _FRAMING.sub("", sentence))
        if _POLICY_SIGNAL.search(core) and not supported(core, sources):
            bad.append(sentence)
    return bad


def banned_in(text: str, allowed_sources: list[str]) -> list[str]:
    """服务忌语 found in ``text``, ignoring ones that are part of a quoted source passage."""
    found = []
    sources = [squash(s) for s in allowed_sources]
    for b in banned_phrases():
        if b.phrase in (text or "") and not any(b.phrase in s for s in sources):
            found.append(b.phrase)
    return found


def sources_of(s: Suggestion) -> list[str]:
    texts = [c.text for c in s.citations]
    if s.standard_answer:
        texts.append(s.standard_answer)
    return texts


def validate(s: Suggestion) -> list[str]:
    """Problems found, as Chinese sentences for the trainer's report (empty: the suggestion passed)."""
    problems: list[str] = []
    sources = sources_of(s)
    if s.protocol is not None:
        if not (s.protocol.say_now and s.protocol.call):
            problems.append("风险处置卡缺少“现在怎么说”或“联系谁”。")
    else:
        for name, value in (("观察", s.observation), ("感受", s.feeling), ("需要", s.need), ("请求", s.request)):
            if not (value or "").strip():
                problems.append(f"缺少“{name}”部分。")
        if s.supported and not sources:
            problems.append("请求没有引用任何政策原文或标准答案。")
        for claim in unsupported_claims(s.request, sources if s.supported else []):
            problems.append(f"请求中的“{claim}”在引用的原文里找不到依据。")
        for item in s.checklist:
            if not supported(item, sources, min_cover=1.01):
                problems.append(f"一次性告知清单中的“{item}”不是引用原文的内容。")
    texts = [s.observation, s.feeling, s.need, s.request, *s.variants.values()]
    for phrase in sorted({p for t in texts for p in banned_in(t, sources)}):
        problems.append(f"含有服务忌语“{phrase}”。")
    return problems
