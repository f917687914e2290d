"""Checks every suggestion before staff see it: four parts, grounded 请求, grounded facts in every part and variant,
verbatim checklist, no 服务忌语.

The one thing a reply must never do is state a rule, deadline, fee or material the knowledge base does not say.
So any sentence of the 请求 that carries policy content (numbers, fees, time limits, required documents,
"应当/不予") must be found in a cited passage or the 标准答案 — verbatim, or as a close extract whose numbers all
appear in that source. The other parts (观察/感受/需要) and every channel variant may not state a fact either — a fee,
deadline, material, place, condition or amount — unless each such term is in a cited passage, the 标准答案, the
citizen's own words or the template's phrases: an LLM that writes "工本费200元" into 观察 is refused as surely as one
that writes it into 请求. The same check guards LLM drafts.
"""
from __future__ import annotations

import re

from assistant.privacy import speakable
from assistant.replies.lexicons import banned_phrases, needs
from assistant.replies.model import Suggestion
from assistant.replies.templates import (FEELINGS, INTENT_NEEDS, LISTED_STEP, NEXT_STEP, SITUATION_FEELINGS,
                                        TEMPLATE_SENTENCES, UNSUPPORTED)
from assistant.replies.text import bigrams, squash

_POLICY_SIGNAL = re.compile(
    r"\d|[零一二三四五六七八九十百千万两半]+(元|天|日|个工作日|工作日|个月|月|年|周|小时|岁|周岁)|元|费|期限|时限|工作日|日内"
    r"|应当|必须|须|不予|规定|条件|提交|携带|原件|复印件|证明|可以申请|符合")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零一二三四五六七八九十百千万两]{1,6}(?=[元天日个月年周小时岁%])")
_ABOUT_PREFIX = re.compile(r"^关于[^，,。]{1,20}[，,]")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_FRAMING = re.compile(r"^(根据|按照|依据|依照)?《[^》]*》[^，,：:「」]{0,12}[，,：:]?|[「」“”\"]|^(规定|要求)[：:，,]")


# the terms that make a sentence state a fact a citizen would act on; each must be found in an allowed text
_UNIT = r"(?:个?工作日|个月|周岁|小时|分钟|星期|万元|元|块|角|天|日|月|年|周|岁|次|份|张|页|%|％|倍|号|楼|层|点)"
_FACT_TERM = re.compile(
    r"(?:带|交|提供|提交|准备|出具|开具|持|凭)[^，。；,;]{0,6}?(?:证|表|书|单|卡|照)|"  # a document one must bring
    rf"\d+(?:\.\d+)?{_UNIT}?|[零一二三四五六七八九十百千万两半]+{_UNIT}"  # numbers (with their unit)
    r"|[^\s，。、；：]{0,4}(?:费|收费|免费|补贴|补助|津贴|罚款|押金|金额)"         # fees and amounts
    r"|工作日|日内|天内|期限|时限|当天|当场|即时办结|立等可取|加急|截止"            # deadlines
    r"|原件|复印件|证明|户口本|户口簿|身份证|照片|申请表|结婚证|离婚证|出生证|营业执照|公章|合同|病历|发票"  # materials
    r"|窗口|大厅|服务中心|政务中心|办事处|派出所|街道办|网上办|线上|小程序|APP|官网|公众号|热线"  # places, channels
    r"|年满|周岁|符合|条件|必须|应当|不予|可以申请|有资格|才能|只有|户籍|户口")      # conditions


def fact_terms(text: str) -> list[str]:
    return [m.group(0) for m in _FACT_TERM.finditer(text or "") if m.group(0).strip()]


def _template_phrases() -> list[str]:
    """The template's own words for feelings and needs: project-written, never a fact about a case."""
    out = [t for pair in FEELINGS.values() for t in pair] + list(SITUATION_FEELINGS.values())
    out += list(INTENT_NEEDS.values()) + [n.phrase for n in needs()]
    return out


_CLAUSE = re.compile(r"[^。！？!?；;，,：:「」\n]+")
_WHO = re.compile(r"您这边|我们|你们|您|你|我|一共\d+项|^\d+[.、．]|[「」]")
_FRAME = re.compile(r"^(?:说|想了解|想知道|想问|问|反映|关于|担心|希望)")


_TOPIC = re.compile(r"^关于[^\d，,]{1,12}$")   # "关于户口，我在现有的政策资料里没有找到…": names the matter only


def _norm(text: str) -> str:
    return _FRAME.sub("", _WHO.sub("", squash(re.sub(r"[①-⑮]", "", text))))


def unfounded_facts(text: str, allowed: list[str]) -> list[str]:
    """Clauses of ``text`` that state a fact none of the ``allowed`` texts says: the clause (without pronouns and
    "您说/想了解" framing) must be in an allowed text, or a close extract of one that keeps every number."""
    pool = [_norm(a) for a in allowed if a]
    bad = []
    for m in _CLAUSE.finditer(text or ""):
        clause = m.group(0).strip()
        if not clause or not fact_terms(clause) or _TOPIC.match(clause):
            continue
        core = _norm(clause)
        if core and not any(core in p for p in pool) and not supported(core, pool):
            bad.append(clause)
    return bad


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


def validate(s: Suggestion, said: str = "") -> list[str]:
    """Problems found, as Chinese sentences for the trainer's report (empty: the suggestion passed). ``said``: the
    citizen's words (观察 may restate them; 请求 may not lean on them)."""
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
        grounded = sources if s.supported else []
        said_forms = [said, speakable(said)] if said else []
        allowed = grounded + said_forms + _template_phrases()
        labels = [c.label for c in s.citations]
        steps = [*NEXT_STEP.values(), LISTED_STEP, UNSUPPORTED]
        for sentence in unfounded_facts(s.request, grounded + said_forms + labels + steps):
            problems.append(f"请求中的“{sentence}”说了原文里没有的事实。")
        for name, value in (("观察", s.observation), ("感受", s.feeling), ("需要", s.need)):
            for sentence in unfounded_facts(value, allowed):
                problems.append(f"{name}中的“{sentence}”说了原文里没有的事实。")
        parts = [s.observation, s.feeling, s.need, s.request, *s.checklist, *labels]
        for channel, text in s.variants.items():
            for sentence in unfounded_facts(text, allowed + parts + _VARIANT_FRAME):
                problems.append(f"{channel}说法中的“{sentence}”说了原文里没有的事实。")
        for item in s.checklist:
            if not supported(item, sources, min_cover=1.01):
                problems.append(f"一次性告知清单中的“{item}”不是引用原文的内容。")
    texts = [s.observation, s.feeling, s.need, s.request, *s.variants.values()]
    for phrase in sorted({p for t in texts for p in banned_in(t, sources)}):
        problems.append(f"含有服务忌语“{phrase}”。")
    return problems


# the words the channel variants add around the parts (variants.build_variants)
_VARIANT_FRAME = ["先生/女士，您好。请问还有什么需要我帮您的吗？", "您好！您反映的问题已收悉。我们理解",
                  "经查，现有政策资料中暂未找到关于这一问题的明确规定。我们将向负责该业务的科室核实后，再给您准确答复。",
                  "具体事项如下：如有疑问，欢迎再与我们联系。感谢您的理解与支持。特此答复。"]
