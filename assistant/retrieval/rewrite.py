"""Rule-based follow-up rewriting: "那需要带什么材料？" after a 居住证 question searches for 居住证.

Why rules and not an LLM by default: the app must work offline with no LLM, and a follow-up is
recognisable from its surface: it opens with a connective (那/那么/还/另外…), points back (这个/它/
上述…), or has almost no content of its own once question words are removed. Then the topic of the
most recent substantive earlier question is put in front of it.
"""
from __future__ import annotations

import re

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
MIN_OWN_CONTENT = 2  # characters of topic a question needs to stand on its own


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


def _topic(text: str) -> str:
    """An earlier question minus its scaffolding: what it was about."""
    t = text
    t = re.sub(r"^(?:[\s，,。？?！!]|请问|我想问一下|想问一下|问一下|咨询一下|我想|我要|您好|你好)+", "", t.strip())
    return re.sub(r"\s+", " ", t).strip(" ，,。？?！!")


def rewrite(query: str, history: list[str] | None = None) -> str:
    """The query to search with. ``history``: earlier user messages, oldest first."""
    if not history or not is_follow_up(query):
        return query
    for earlier in reversed(history):
        if not is_follow_up(earlier) and len(_content(earlier)) >= MIN_OWN_CONTENT:
            return f"{_topic(earlier)} {query.strip()}"
    return query
