"""Template NVC composer: 观察 → 感受 → 需要 → 请求, grounded in retrieved passages; no LLM needed.

观察/感受/需要 come from the citizen's own words and the triage; only the 请求 says anything about policy, and that
part is a verbatim extract of the 标准答案 or the best passage (quoted in 「」), followed by the staff member's own
next step. With nothing to quote it says so and offers to find out: a wrong rule told at a window costs a citizen
another trip, a wrong "I'll check" costs nothing.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from assistant.replies import validator
from assistant.replies.checklist import TOPICS, extract_checklist, topics_of
from assistant.replies.model import Citation, ProtocolCard, RiskFlag, Suggestion, Triage
from assistant.retrieval.model import Hit, RetrievalResult

NEEDS_CSV = Path(__file__).resolve().parents[2] / "knowledge" / "lexicons" / "needs.csv"
MAX_CITATIONS = 3
_EXTRACT_CHARS = 160

FEELINGS = {  # label -> (strong, mild); names the feeling, never the fault
    "anger": ("听得出来您现在非常生气，也很失望。", "听得出来您对这件事有些不满。"),
    "anxiety": ("您现在很着急，也很担心耽误事。", "您有点着急，想尽快有个准信。"),
    "sadness": ("您心里很难受，也挺无助的。", "您心里有些难过。"),
    "confusion": ("您对这些要求很困惑，不知道该怎么办。", "您对这件事还有些疑惑。"),
    "calm": ("您很关心这件事。", "您很关心这件事。"),
}
INTENT_NEEDS = {
    "咨询": "希望把政策弄清楚，知道自己能不能办、怎么办",
    "办事材料": "希望一次把材料准备齐，不再来回跑",
    "进度查询": "希望知道事情办到哪一步、什么时候能办好",
    "投诉": "希望问题被认真对待，得到公正的处理",
    "求助": "希望尽快得到实际的帮助",
    "表扬": "希望自己的认可被传达到",
    "建议": "希望自己的意见被听到、被认真考虑",
}
NEXT_STEP = {  # the staff member's own action after the quoted policy; no policy content here
    "咨询": "您看您的情况和这条是否对得上，有不清楚的地方我再给您解释。",
    "办事材料": "要准备的我都一次性列给您，您看还缺哪一样，我们一起核对。",
    "进度查询": "我现在帮您查一下办件进度，请您稍等。",
    "投诉": "我先把您反映的情况如实登记，按上面说的跟进处理，处理进展我会告诉您。",
    "求助": "我现在就按这个帮您办，您看可以吗？",
    "表扬": "谢谢您的认可，我会把您的话转达给同事。",
    "建议": "您的建议我会登记下来，转给负责的同事。",
}
LISTED_STEP = "这些我一次性都给您列出来了，您看还有哪里不清楚，我们一起核对。"
UNSUPPORTED = ("这个问题我在现有的政策资料里没有找到明确的说法，不能随便答复您，以免说错耽误您的事。"
               "我先把您的问题记下来，向负责的科室核实后再给您准确答复，您看可以吗？")
validator.TEMPLATE_SENTENCES.update(
    validator.normalise(m.group(0)) for t in (*NEXT_STEP.values(), LISTED_STEP, UNSUPPORTED)
    for m in re.finditer(r"[^。！？]+[。！？]?", t))

_JUDGEMENT = re.compile(r"垃圾|什么破|破地方|玩意|真行|太过分|过分|气死|骗子|混蛋|他妈|滚|烦死|凭什么|搞什么|搞没搞错|有没有搞错"
                        r"|不像话|欺负人|黑心|无能|废物|官僚|吃干饭|不要脸|恶心|效率太低|什么态度|有病")
_QUESTION = re.compile(r"[？?]|吗$|呢$|什么|怎么|哪|多少|几|是否|能不能|可不可以|要不要|有没有")
_ASKING = re.compile(r"^(我)?(想|要)?(问一下|问问|问|咨询一下|咨询|了解一下|了解)")
_MARKER_TAIL = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[①-⑳]|\d{1,2}[.．、]|[一二三四五六七八九十]{1,3}、)\s*$")
_GREETING = re.compile(r"^(你好|您好|请问|同志|麻烦问一下|打扰一下)[，,！!。\s]*")


def _swap_person(text: str) -> str:
    """Citizen's 我/你们 become the staff member's 您/我们 when restated."""
    for a, b in (("我们", "\0A"), ("你们", "\0B"), ("我", "\0C"), ("您", "\0D"), ("你", "\0D")):
        text = text.replace(a, b)
    return text.replace("\0A", "您这边").replace("\0B", "我们").replace("\0C", "您").replace("\0D", "我们")


def observe(text: str) -> str:
    """Restate what the citizen said, without judgement words, insults or 服务忌语: facts, then the question."""
    clauses = [c.strip() for c in re.split(r"[，,。！!；;…~\n]+", _GREETING.sub("", text.strip())) if c.strip()]
    banned = [b.phrase for b in validator.load_banned()]
    facts: list[str] = []
    asks: list[str] = []
    for c in clauses:
        if _JUDGEMENT.search(c) or any(p in c for p in banned):
            continue
        if sum(map(len, facts + asks)) + len(c) > 70:
            break
        if _QUESTION.search(c):
            asks.append(_ASKING.sub("", c).rstrip("？?"))
        else:
            facts.append(c)
    if not facts and not asks:
        return "您来反映了自己遇到的情况。"
    said = "，".join(_swap_person(f) for f in facts)
    asked = "，".join(_swap_person(a) for a in asks if a)
    said = said[1:] if said.startswith("您") else said
    if said and asked:
        return f"您说{said}，想了解{asked}。"
    return f"您说{said}。" if said else f"您想了解{asked}。"


def feel(triage: Triage) -> str:
    strong, mild = FEELINGS.get(triage.emotion.label, FEELINGS["calm"])
    return strong if triage.emotion.intensity >= 0.6 else mild


@lru_cache(maxsize=2)
def _needs_rows(path: Path = NEEDS_CSV) -> tuple[tuple[str, list[str], str], ...]:
    if not path.exists():
        return ()
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return tuple((r["emotion"], [c for c in r["cues"].split("|") if c], r["phrase"]) for r in rows)


def need_of(text: str, triage: Triage) -> str:
    rows = _needs_rows()
    matching = [(emo, phrase) for emo, cues, phrase in rows if any(c in text for c in cues)]
    for emo, phrase in matching:
        if emo in (triage.emotion.label, "any"):
            return f"您{phrase}。"
    if matching:
        return f"您{matching[0][1]}。"
    return f"您{INTENT_NEEDS.get(triage.intent, INTENT_NEEDS['咨询'])}。"


def _source_text(hit: Hit) -> str:
    return hit.answer if hit.kind == "faq" and hit.answer else hit.text


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def best_extract(query: str, source: str, topics: list[str] | None = None) -> str:
    """The sentence of ``source`` closest to the question (and its 一次性告知 topic), cut at a clause boundary;
    always verbatim."""
    sentences = [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]?", source) if len(s.strip()) >= 6]
    if not sentences:
        return source.strip()[:_EXTRACT_CHARS]
    q = _bigrams(validator.normalise(query))
    topic_res = [TOPICS[t][1] for t in topics or []]

    def score(s: str) -> tuple[int, int]:
        topical = sum(3 * len(re.findall(r, s)) for r in topic_res)
        return len(q & _bigrams(validator.normalise(s))) + topical, -sentences.index(s)

    best = max(sentences, key=score)
    if len(best) > _EXTRACT_CHARS:
        cut = max(best.rfind(p, 0, _EXTRACT_CHARS) for p in "，；：,;:")
        best = best[:cut + 1] if cut > 10 else best[:_EXTRACT_CHARS]
    return best.rstrip("，；：,;:")


# bigrams too common to show that a passage is about the question
_STOP_BIGRAMS = set("什么 怎么 多少 可以 需要 我们 你们 请问 一下 是不 不是 这个 那个 办理 要求 问题 情况 现在 已经 自己 没有 "
                    "能不 不能 有没 没有 为什 什么 时候 的话 如果 还是 或者 就是 知道 告诉 谢谢 你好 您好 到底 怎样 哪些 "
                    "是否 一个 这样 然后 但是 因为 所以 一定 应该 我想 想问 问一 咨询 了解".split())


def on_topic(query: str, sources: list[str]) -> bool:
    """At least two content bigrams of the question occur in the sources: a passage sharing no content word
    with the question does not support an answer to it, whatever its rank."""
    q = {b for b in _bigrams(validator.normalise(query)) if b not in _STOP_BIGRAMS and re.fullmatch(r"[\w]{2}", b)}
    src = "".join(validator.normalise(s) for s in sources)
    return sum(1 for b in q if b in src) >= min(2, len(q))


def _citations(result: RetrievalResult) -> list[tuple[Hit, Citation]]:
    hits = ([result.faq.hit] if result.faq else []) + list(result.hits)
    out, seen = [], set()
    for h in hits:
        key = validator.normalise(_source_text(h))
        if h.chunk_id in seen or key in seen or not key:
            continue
        seen.update((h.chunk_id, key))
        if out and not on_topic(result.search_query or result.query, [_source_text(h)]):
            continue      # cite only passages about the question, beyond the best one
        out.append((h, Citation(chunk_id=h.chunk_id, label=h.source_label, text=_source_text(h))))
        if len(out) == MAX_CITATIONS:
            break
    return out


def _protocol(risks: list[RiskFlag]) -> ProtocolCard:
    try:
        from assistant.replies.risk import protocol_for  # written by the triage work
    except ImportError:
        try:
            from assistant.replies.triage import protocol_for  # type: ignore[no-redef]
        except ImportError:
            return ProtocolCard(title="风险情况：请立即按应急流程处置",
                                say_now=["我听到了，您的安全最重要，我们现在就一起想办法。"],
                                call=["值班长"], record=["时间、对方原话、在场人员"])
    return protocol_for(risks)


def compose(text: str, triage: Triage, result: RetrievalResult, channel: str = "窗口") -> Suggestion:
    """Four-part suggestion with citations, checklist and channel variants; ``problems`` holds validator findings."""
    s = Suggestion(triage=triage, observation=observe(text), feeling=feel(triage), need=need_of(text, triage))
    cited = [] if result.refused else _citations(result)
    if cited and result.faq is None and not on_topic(result.search_query or text, [c.text for _, c in cited]):
        cited = []
    s.citations = [c for _, c in cited]
    if triage.is_risk:
        s.protocol = _protocol(triage.risks)
        s.problems = validator.validate(s)
        return s
    if result.faq and not result.refused:
        s.standard_answer = _source_text(result.faq.hit)
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


# --- channel variants -----------------------------------------------------------------------------------
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"
CHANNELS = ("窗口", "电话", "书面")
_GROUNDED = re.compile(r"^根据(《[^》]*》[^：]{0,16})：「(.*)」(.*)$", re.S)


def build_variants(s: Suggestion) -> dict[str, str]:
    """窗口 (face to face), 电话 (12345: shorter, spoken, 先生/女士) and 书面 (letter ending 特此答复)."""
    m = _GROUNDED.match(s.request)
    label, quote, tail = (m.group(1), m.group(2), m.group(3)) if m else ("", "", s.request)
    quote = quote.rstrip("。") + "。" if quote else ""
    items = "；".join(f"{_CIRCLED[i % len(_CIRCLED)]}{it}" for i, it in enumerate(s.checklist))
    told = f"一共{len(s.checklist)}项：{items}。" if s.checklist else ""
    window = f"{s.observation}{s.feeling}{s.need}{quote}{told}{tail}"
    short_obs = re.split(r"[，：]", s.observation.rstrip("。"))[0] + "。"
    phone = f"先生/女士，您好。{short_obs}{s.feeling}{told or quote}{tail}请问还有什么需要我帮您的吗？"
    numbered = "".join(f"\n{i + 1}. {it}" for i, it in enumerate(s.checklist))
    if not s.supported:
        basis = "经查，现有政策资料中暂未找到关于这一问题的明确规定。我们将向负责该业务的科室核实后，再给您准确答复。"
    elif m:
        basis = f"经查，根据{label}：「{quote.rstrip('。')}」" + (f"\n具体事项如下：{numbered}" if numbered else "")
    else:
        basis = f"经查，{s.request}" + (f"\n具体事项如下：{numbered}" if numbered else "")
    letter = (f"您好！\n您反映的问题已收悉。{s.observation}我们理解{s.feeling.replace('听得出来', '')}{s.need}"
              f"\n{basis}\n如有疑问，欢迎再与我们联系。感谢您的理解与支持。\n特此答复。")
    return {"窗口": window, "电话": phone, "书面": letter}
