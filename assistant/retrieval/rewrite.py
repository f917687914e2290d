"""Follow-up rewriting: what to search with, and what is being asked, given the earlier turns.

Why rules and not an LLM by default: the app must work offline with no LLM, and a follow-up shows on its surface.
Three cases, told apart with the matter list (``retrieval.matters``):

- another aspect of the same matter ("居住证要带什么" → "那多久能拿到"; "补卡要等多久"): the turn names no matter of
  its own, so the topic (the latest earlier question that names one) is searched with it, plus any statements made
  since ("我是自己提的辞职");
- the same question about another matter ("换城市了养老保险怎么转" → "那公积金呢"): the turn is only the new matter,
  so it replaces the old one in the earlier question;
- a new question ("那户口本丢了又该怎么办"): it names its own matter and says what it wants, so it stands alone.

``Turn.asked`` is the text whose matters say what is asked (the topic and the turn, not the statements in between:
"我户口不在这里" tells the clerk something, it does not change the matter to 户口).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval.matters import named, without_context
from assistant.retrieval.text import strip_question_words

_OPENERS = ("那么", "那", "还有", "还要", "还需", "还得", "还能", "另外", "再问", "然后", "如果是", "要是",
            "这样的话", "这种情况", "此外", "以及", "同时")
_POINTERS = ("这个", "那个", "这些", "那些", "上述", "上面", "刚才", "刚刚", "它", "他们", "其", "该", "此事", "这种", "这样")
# generic words that carry no topic on their own
_GENERIC = ("需要", "要", "带", "准备", "提供", "提交", "办理", "办", "材料", "资料", "手续", "流程", "时间",
            "地点", "地方", "费用", "钱", "收费", "可以", "能", "必须", "得", "去", "到", "交", "在", "有", "没有",
            "的", "了", "吗", "呢", "是", "我", "你", "们", "也", "那", "么", "就", "要求", "条件", "多长",
            "多", "长", "几", "个", "天", "一下", "网上", "线上", "本人", "自己", "代办", "别人", "去哪")
_PUNCT = re.compile(r"[\s\W_]+")
_GEN_RE = re.compile("|".join(sorted(map(re.escape, _GENERIC), key=len, reverse=True)))
_QUESTION = re.compile(r"[？?]|吗|呢|怎么|怎样|什么|啥|哪|多久|多少|多长|几[天个次年月]|能不能|可不可以|可以|要不要|是否"
                       r"|有没有|行不行|行吗|如何|咋")
_ELLIPSIS_FILLER = re.compile(r"那么|那|还有|另外|呢|吗|怎么办|怎么弄|咋办|咋弄|的话|也是|一样|也|是|又|[\s\W_]")
MIN_OWN_CONTENT = 2  # characters of topic a question needs to stand on its own


@dataclass(frozen=True)
class Turn:
    search: str   # what to search with
    asked: str    # whose matters say what is asked: the turn itself, or the topic + the turn


def _content(text: str) -> str:
    return _PUNCT.sub("", _GEN_RE.sub("", strip_question_words(text)))


def is_follow_up(query: str) -> bool:
    q = query.strip()
    if not q:
        return False
    body = _PUNCT.sub("", q)
    if body.startswith(_OPENERS) and len(_content(q)) < 8:
        return True
    if any(p in body for p in _POINTERS) and len(_content(q)) < 6:
        return True
    return len(_content(q)) < MIN_OWN_CONTENT


def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text or ""))


def _topic(text: str) -> str:
    """An earlier question minus its scaffolding: what it was about."""
    t = re.sub(r"^(?:[\s，,。？?！!]|请问|我想问一下|想问一下|问一下|咨询一下|我想|我要|您好|你好)+", "", text.strip())
    return re.sub(r"\s+", " ", t).strip(" ，,。？?！!")


def _only_a_matter(query: str, terms: list[str]) -> bool:
    """"那公积金呢": nothing left once the matter and the connective are taken away."""
    rest = query
    for t in sorted(terms, key=len, reverse=True):
        rest = rest.replace(t, "")
    return len(_ELLIPSIS_FILLER.sub("", rest)) <= 1


_LEAD = re.compile(r"^(?:那么|那|还有|另外|要是|如果是|如果|假如)+")
_ALSO = re.compile(r"也|一起|一样|同样|照样")


def _same_question_about(query: str, term: str) -> bool:
    """"那公积金呢，也能一起转过来吗": the new matter leads and the rest says "the same as before"."""
    body = _LEAD.sub("", _PUNCT.sub("", query))
    return bool(term) and body.startswith(term) and bool(_ALSO.search(body[len(term):]))


def interpret(query: str, history: list[str] | None = None) -> Turn:
    """The turn to search with and what it asks. ``history``: earlier user messages, oldest first."""
    q = query.strip()
    history = [h for h in (history or []) if h and h.strip()]
    if not history:
        return Turn(q, q)
    at = next((i for i in range(len(history) - 1, -1, -1)
               if named(history[i]) and is_question(history[i])), None)
    if at is None:
        at = next((i for i in range(len(history) - 1, -1, -1)
                   if not is_follow_up(history[i]) and len(_content(history[i])) >= MIN_OWN_CONTENT), None)
    if at is None:
        return Turn(q, q)
    topic = _topic(history[at])
    own = named(q)
    if own:
        before = [m for m in named(topic) if m not in own]
        new_terms = [m.term_in(without_context(q)) for m in own]
        only = _only_a_matter(without_context(q), new_terms)
        if before and (only or _same_question_about(without_context(q), new_terms[0])):
            old = before[0].term_in(topic)
            swapped = topic.replace(old, new_terms[0], 1) if old else f"{new_terms[0]} {topic}"
            return Turn(swapped, swapped) if only else Turn(f"{swapped} {q}", f"{swapped} {q}")
        return Turn(q, q)
    if not named(topic) and not is_follow_up(q):
        return Turn(q, q)
    said_since = [h.strip() for h in history[at + 1:] if not is_question(h)]
    return Turn(" ".join([topic, *said_since, q]), f"{topic} {q}")


def rewrite(query: str, history: list[str] | None = None) -> str:
    """The query to search with (``interpret(...).search``)."""
    return interpret(query, history).search
