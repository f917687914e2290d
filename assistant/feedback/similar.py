"""Group short questions by character-bigram overlap.

Why bigrams and not the embedder: the gap report groups a few hundred logged questions on every page view, must be
deterministic for tests and cheap on 2 cores; citizens asking the same missing thing reuse its key words
(居住证, 补办, 社保卡), which bigram Jaccard catches. Question words and punctuation are dropped first so
"请问怎么补办社保卡？" and "社保卡丢了如何补办" share their content bigrams only.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_NOISE = re.compile(r"请问|你好|您好|怎么办|怎么样|怎么|如何|哪些|哪里|哪儿|什么|是否|能不能|可不可以|可以吗|吗|呢|吧|啊|呀|的|了"
                    r"|[\s\W_]+")
DEFAULT_THRESHOLD = 0.3


def normalise(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "").lower())


def bigrams(text: str) -> frozenset[str]:
    t = normalise(text)
    if len(t) < 2:
        return frozenset({t}) if t else frozenset()
    return frozenset(t[i:i + 2] for i in range(len(t) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Group:
    """Indexes into the input list; ``lead`` is the most frequent wording (the group's name)."""
    lead: int
    members: list[int] = field(default_factory=list)


def group_texts(texts: list[str], threshold: float = DEFAULT_THRESHOLD) -> list[Group]:
    """Average-linkage leader clustering: a text joins the group it overlaps most on average, if above threshold.

    Most frequent wordings go first so they lead their group; groups come back largest first.
    """
    grams = [bigrams(t) for t in texts]
    freq: dict[str, int] = {}
    for t in texts:
        key = normalise(t)
        freq[key] = freq.get(key, 0) + 1
    order = sorted(range(len(texts)), key=lambda i: (-freq[normalise(texts[i])], i))
    groups: list[Group] = []
    for i in order:
        best, best_score = None, threshold
        for g in groups:
            score = sum(jaccard(grams[i], grams[m]) for m in g.members) / len(g.members)
            if score >= best_score:
                best, best_score = g, score
        if best is None:
            groups.append(Group(lead=i, members=[i]))
        else:
            best.members.append(i)
    groups.sort(key=lambda g: (-len(g.members), g.lead))
    return groups
