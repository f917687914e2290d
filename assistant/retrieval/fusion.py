"""Hybrid fusion: one pure function, weights per channel chosen by measurement.

Why not RRF: equal-weight reciprocal-rank fusion was measured *worse* than BM25 alone on policy
passages (hit@5 0.68 vs 0.72), because it throws away how far ahead the best lexical match is.
Scores are instead max-normalised per side and mixed linearly, and a passage also earns part of its
document's score, because an answer usually sits in the document that is about the whole question
(the recipe: top-50 rescored as chunk/max + 0.5 x doc/max).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class ChannelWeights:
    """``lexical`` in [0, 1] weighs the lexical side; the vector side gets ``1 - lexical``.
    ``document`` is how much of its document's lexical score a passage adds to its own."""
    lexical: float
    document: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.lexical <= 1.0:
            raise ValueError(f"lexical weight must be in [0, 1], got {self.lexical}: use e.g. 0.3 or 0.8")
        if self.document < 0.0:
            raise ValueError(f"document weight must be >= 0, got {self.document}")


# Chosen on tune halves, reported on held-out halves (assistant/bench/retrieval.py --tune, faq.py --tune).
# Passages (NCPQA, 600/200 windows): best tune MRR at lexical 0.9 / document 0.75; held-out hit@1 0.823,
# hit@5 0.957 (lexical alone 0.809 / 0.957). FAQ questions (LCQMC dev): the grid is flat from 0.0 to 0.3
# (tune MRR 0.903 -> 0.901) and falls above it; 0.3 wins on the shipped FAQ's colloquial paraphrases
# (hit@1 0.862 vs 0.840 vector-only, 0.761 lexical-only).
PASSAGE_WEIGHTS = ChannelWeights(lexical=0.9, document=0.75)
FAQ_WEIGHTS = ChannelWeights(lexical=0.3, document=0.0)


def _max_norm(scores: Mapping[K, float]) -> dict[K, float]:
    top = max(scores.values(), default=0.0)
    return {k: v / top for k, v in scores.items()} if top > 0 else {k: 0.0 for k in scores}


def _min_max(scores: Mapping[K, float]) -> dict[K, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    return {k: (v - lo) / span if span > 1e-9 else 1.0 for k, v in scores.items()}


def fuse(lexical: Mapping[K, float], vector: Mapping[K, float], weights: ChannelWeights,
         document: Mapping[K, float] | None = None) -> list[tuple[K, float]]:
    """Candidates ranked best first by

        w * (lex/max_lex + d * doc/max_doc) / (1 + d)  +  (1 - w) * minmax(vector)

    ``lexical``: BM25 per candidate (>= 0); ``document``: the BM25 of each candidate's document;
    ``vector``: cosine per candidate. A candidate missing from a side scores 0 on it. The result is
    in [0, 1]; it ranks, it is not a probability (refusal uses absolute similarities instead).
    """
    keys = set(lexical) | set(vector)
    lex = _max_norm({k: lexical.get(k, 0.0) for k in keys})
    doc = _max_norm({k: (document or {}).get(k, 0.0) for k in keys})
    vec = _min_max(dict(vector))
    w, d = weights.lexical, weights.document
    fused = {
        k: w * (lex[k] + d * doc[k]) / (1.0 + d) + (1.0 - w) * vec.get(k, 0.0)
        for k in keys
    }
    return sorted(fused.items(), key=lambda kv: (-kv[1], str(kv[0])))


VECTOR_MARGIN = 0.08  # cosine lead of the best vector match over the runner-up that counts as "clear"


def rescue_clear_vector_winner(ranked: list[tuple[str, float]], vector: dict[str, float]) -> list[tuple[str, float]]:
    """Keep a passage the vector side is clearly sure of within the first two hits.

    The passage weights favour the lexical side (policy questions reuse the policy's words), so a colloquial
    question with other words for the same thing (养狗 vs 养犬) can bury the one passage the vectors single out.
    It goes to rank 2, never rank 1: hit@1 is untouched and at most one passage leaves the top k.
    """
    if len(vector) < 2:
        return ranked
    (best, top), (_, second) = sorted(vector.items(), key=lambda kv: -kv[1])[:2]
    position = next((i for i, (cid, _) in enumerate(ranked) if cid == best), None)
    if top - second < VECTOR_MARGIN or position is None or position <= 1:
        return ranked
    item = ranked.pop(position)
    ranked.insert(1, item)
    return ranked
