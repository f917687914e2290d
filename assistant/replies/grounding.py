"""What to quote from a source: the verbatim extract closest to the question, and the gate that a passage shares
content words with the question (which source a reply stands on is ``selection``'s decision).
"""
from __future__ import annotations

import re

import numpy as np

from assistant.replies.checklist import TOPICS
from assistant.replies.text import bigrams, squash
from assistant.retrieval.model import Hit

_EXTRACT_CHARS = 160
EXTRACT_SENTENCES = 2   # a clerk says the two sentences that answer best (one missed the asked clause 0.29 of the time)
_W_ALIKE, _W_WORDS, _W_TOPIC = 2.0, 0.5, 0.3
# FAQ answers are often written as "标签：内容" ("制证时限：受理后15日内…", "签注：…在有效期满前30日内…"): a clause
# whose own label names the asked topic is the one that answers it, though another clause may mention a date too
# (labelled/clauses tune: the asked clause chosen 144 → 145 of 164, nothing lost; 0.4–1.0 alike; test 113 → 114)
_W_LABEL = 0.4
_LABEL = re.compile(r"^\W*([^：:，。,]{1,10})[：:]")


def source_text(hit: Hit) -> str:
    return hit.answer if hit.kind == "faq" and hit.answer else hit.text


def best_extract(query: str, source: str, topics: list[str] | None = None, most: int = EXTRACT_SENTENCES) -> str:
    """The sentences of ``source`` that answer the question (at most ``most``, in the source's order), each cut at
    a clause boundary; always verbatim. A sentence scores by how alike it is to the question (sentence vectors),
    the share of the question's words it holds, and whether it speaks to the asked 一次性告知 topic (时限, 费用 …).
    Weights chosen on labelled/clauses/tune.jsonl (questions aimed at one clause of an FAQ answer, written blind):
    the clause asked about is in what is said for 0.86 of the held-out half's questions, against 0.61 when the
    one sentence sharing most words was quoted."""
    sentences = _sentences(source)
    if not sentences:
        return source.strip()[:_EXTRACT_CHARS]
    q = bigrams(squash(query))
    topic_res = [TOPICS[t][1] for t in topics or []]
    # a label counts only for a topic the question itself asks about (not one the intent added: "…咋办" is not
    # a question about materials)
    label_res = [TOPICS[t][1] for t in topics or [] if re.search(TOPICS[t][0], query or "")]
    alike = _alike(query, sentences)

    def score(i: int) -> float:
        s = sentences[i]
        topical = 1.0 if any(re.search(r, s) for r in topic_res) else 0.0
        label = _LABEL.match(s)
        labelled = 1.0 if label and any(re.search(r, label.group(1)) for r in label_res) else 0.0
        words = len(q & bigrams(squash(s))) / max(1, len(q))
        return _W_ALIKE * alike[i] + _W_WORDS * words + _W_TOPIC * topical + _W_LABEL * labelled

    chosen = sorted(sorted(range(len(sentences)), key=lambda i: (-score(i), i))[:most])
    return "".join(_cut(sentences[i]) + ("" if sentences[i][-1:] in "。！？" else "。") for i in chosen[:-1]) \
        + _cut(sentences[chosen[-1]])


def _sentences(source: str) -> list[str]:
    return [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]?", source or "") if len(s.strip()) >= 4]


def remember_sources(texts: list[str]) -> None:
    """Embed the sentences of sources (a knowledge base's FAQ answers) ahead of the first citizen: the two sentences
    to read out are chosen by their likeness to the question, and embedding an answer's sentences on first use
    took 60–90 ms of a suggestion."""
    sentence_vectors(list(dict.fromkeys(x for t in texts for x in _sentences(t)))[:MAX_CACHED_SENTENCES // 2])


def sentence_vectors(sentences: list[str]) -> np.ndarray | None:
    """Unit vectors of ``sentences`` (one row each); None without the sentence model or without sentences. One cache for every sentence
    of a source that is compared with a question: the clause to read out here, the verifier's answer sentences
    (``selection.answer_similarities``)."""
    from assistant.replies.vectors import embed_texts, sentence_embedder

    if not sentences or sentence_embedder() is None:      # nothing to embed (an empty knowledge base at start-up)
        return None
    new = [x for x in dict.fromkeys(sentences) if x not in _SENTENCE_VECTORS]
    if new:
        if len(_SENTENCE_VECTORS) + len(new) > MAX_CACHED_SENTENCES:
            _SENTENCE_VECTORS.clear()
            new = list(dict.fromkeys(sentences))
        _SENTENCE_VECTORS.update(zip(new, embed_texts(new)))
    m = np.array([np.asarray(_SENTENCE_VECTORS[x], dtype=float).ravel() for x in sentences])
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def _cut(sentence: str) -> str:
    if len(sentence) > _EXTRACT_CHARS:
        cut = max(sentence.rfind(p, 0, _EXTRACT_CHARS) for p in "，；：,;:")
        sentence = sentence[:cut + 1] if cut > 10 else sentence[:_EXTRACT_CHARS]
    return sentence.rstrip("，；：,;:")


def _alike(query: str, sentences: list[str]) -> list[float]:
    """Cosine between the question and each sentence (0 for all without the sentence model)."""
    from assistant.replies.vectors import embed_text

    a = embed_text(query)
    m = sentence_vectors(sentences) if a is not None else None
    if m is None:
        return [0.0] * len(sentences)
    a = np.asarray(a, dtype=float).ravel()
    return [float(x) for x in m @ (a / (np.linalg.norm(a) or 1.0))]


MAX_CACHED_SENTENCES = 20000
_SENTENCE_VECTORS: dict[str, np.ndarray] = {}


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
