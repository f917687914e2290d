"""Signals that the knowledge base does not hold the answer, measured on the passages a search found.

Why more than bigram coverage: a policy corpus shares its common words (疫情防控, 企业, 办理) with almost any
question, so when the one document that answers is missing, the next-best passage still covers half the question's
bigrams. What the missing document takes with it are the question's specific terms: rare bigrams (high IDF over
documents), quoted names (“不见面审批”), the place asked about; and the channels stop agreeing on the best passage.
Each signal is in [0, 1]; the thresholds that
turn them into a refusal are chosen on the tune half by ``python -m assistant.bench retrieval`` (see
``retriever.Thresholds``).
"""
from __future__ import annotations

import re

from assistant.retrieval.lexical import Bm25Index
from assistant.retrieval.model import Hit
from assistant.retrieval.text import normalize, tokens

_SUFFIX = re.compile(r"(?:省|市|自治区|特别行政区|地区|盟|区|县)$")
QUOTED = re.compile(r"[「“\"《『【]([^」”\"》』】]{2,40})[」”\"》』】]")
TOP = 3  # passages looked at: the answer is read from the first few


def _texts(hits: list[Hit]) -> list[str]:
    return [f"{h.title}\n{h.text}" for h in hits[:TOP] if h.kind != "faq"]


def idf_coverage(qtoks: list[str], hits: list[Hit], doc_index: Bm25Index | None) -> float:
    """Best share of the question's IDF mass (document IDF) that one of the top passages holds: 1.0 = all terms."""
    q = list(dict.fromkeys(qtoks))
    texts = _texts(hits)
    if not q or not texts or doc_index is None:
        return 0.0
    idf = doc_index.idf(q)
    total = float(idf.sum()) or 1.0
    best = 0.0
    for t in texts:
        have = set(tokens(t))
        best = max(best, float(sum(w for tok, w in zip(q, idf) if tok in have)) / total)
    return best


def rare_coverage(qtoks: list[str], hits: list[Hit], doc_index: Bm25Index | None, min_idf: float) -> float:
    """Best share of the question's rare bigrams (idf >= ``min_idf``) found in one top passage; 1.0 if it has none."""
    q = list(dict.fromkeys(qtoks))
    texts = _texts(hits)
    if doc_index is None or not q:
        return 1.0
    idf = doc_index.idf(q)
    rare = [t for t, w in zip(q, idf) if w >= min_idf]
    if not rare:
        return 1.0
    if not texts:
        return 0.0
    return max(sum(t in have for t in rare) / len(rare) for have in (set(tokens(x)) for x in texts))


def entity_coverage(query: str, hits: list[Hit]) -> float:
    """Share of the names the question quotes (“健康码”, 《办法》) found in the top passages; 1.0 if it quotes none."""
    names = [normalize(n) for n in QUOTED.findall(query)]
    names = [n for n in names if len(n) >= 2]
    if not names:
        return 1.0
    joined = normalize("\n".join(_texts(hits)))
    return sum(n in joined for n in names) / len(names)


def place_named(hits: list[Hit]) -> float:
    """1.0 unless the question named a place and the top passage's document is about another place."""
    if not hits:
        return 0.0
    return 0.0 if hits[0].place_match == "other" else 1.0


def place_covered(places: list[str], hits: list[Hit]) -> float:
    """1.0 unless the question named a place and no top passage is that place's document or names it in its text.

    A national passage that never names the asked province is the frame, not that province's answer.
    """
    if not places:
        return 1.0
    top = hits[:TOP]
    if any(h.place_match == "same" for h in top):
        return 1.0
    names = {_SUFFIX.sub("", p.rsplit("/", 1)[-1]) for p in places}
    joined = "\n".join(_texts(top))
    return 1.0 if any(n and n in joined for n in names) else 0.0


def measure(query: str, qtoks: list[str], hits: list[Hit], doc_index: Bm25Index | None,
            rare_idf: float, places: list[str] | None = None) -> dict[str, float]:
    passages = [h for h in hits if h.kind != "faq"]
    return {
        "place_covered": place_covered(list(places or []), passages),
        "idf_coverage": idf_coverage(qtoks, passages, doc_index),
        "rare_coverage": rare_coverage(qtoks, passages, doc_index, rare_idf),
        "entity_coverage": entity_coverage(query, passages),
        "place_ok": place_named(hits),
        # the best passage's fused score: 1.0 when the lexical side, its document and the vector side all put it
        # first; when the answer is missing the channels disagree on what comes closest
        "agreement": max((h.score for h in passages), default=0.0),
        "n_passages": float(len(passages)),
    }

