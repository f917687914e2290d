"""What to quote from a source: the verbatim extract closest to the question, and the gate that a passage shares
content words with the question (which source a reply stands on is ``selection``'s decision).
"""
from __future__ import annotations

import re

from assistant.replies.checklist import TOPICS
from assistant.replies.text import bigrams, squash
from assistant.retrieval.model import Hit

_EXTRACT_CHARS = 160


def source_text(hit: Hit) -> str:
    return hit.answer if hit.kind == "faq" and hit.answer else hit.text


def best_extract(query: str, source: str, topics: list[str] | None = None) -> str:
    """The sentence of ``source`` closest to the question (and its 一次性告知 topic), cut at a clause boundary;
    always verbatim."""
    sentences = [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]?", source) if len(s.strip()) >= 6]
    if not sentences:
        return source.strip()[:_EXTRACT_CHARS]
    q = bigrams(squash(query))
    topic_res = [TOPICS[t][1] for t in topics or []]

    def score(s: str) -> tuple[int, int]:
        topical = sum(3 * len(re.findall(r, s)) for r in topic_res)
        return len(q & bigrams(squash(s))) + topical, -sentences.index(s)

    best = max(sentences, key=score)
    if len(best) > _EXTRACT_CHARS:
        cut = max(best.rfind(p, 0, _EXTRACT_CHARS) for p in "，；：,;:")
        best = best[:cut + 1] if cut > 10 else best[:_EXTRACT_CHARS]
    return best.rstrip("，；：,;:")


# bigrams too common to show that a passage is about the question
STOP_BIGRAMS = set("什么 怎么 多少 可以 需要 我们 你们 请问 一下 是不 不是 这个 那个 办理 要求 问题 情况 现在 已经 自己 没有 "
                    "能不 不能 有没 没有 为什 什么 时候 的话 如果 还是 或者 就是 知道 告诉 谢谢 你好 您好 到底 怎样 哪些 "
                    "是否 一个 这样 然后 但是 因为 所以 一定 应该 我想 想问 问一 咨询 了解".split())


def on_topic(query: str, sources: list[str]) -> bool:
    """At least two content bigrams of the question occur in the sources: a passage sharing no content word
    with the question does not support an answer to it, whatever its rank."""
    q = {b for b in bigrams(squash(query)) if b not in STOP_BIGRAMS and re.fullmatch(r"[\w]{2}", b)}
    src = "".join(squash(s) for s in sources)
    return sum(1 for b in q if b in src) >= min(2, len(q))
