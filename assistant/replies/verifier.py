"""Does this FAQ entry answer what was asked? A small learned check over plain, explainable signals.

The matter list and aspect rules alone over-fitted the dialogues they were written from (held out, near misses
were refused only half the time and some right answers were blocked). So the hard gate became features, and a
logistic regression fitted on labelled window dialogues and FAQ paraphrases (``python -m assistant.training
--only verifier``) weighs them: similarity (cosine, its gap to the best entry, rank), word coverage of the question
by the entry (its questions, its whole text; IDF-free so it means the same on any KB), the matter verdict, whether
the entry speaks to the asked aspect, and how much of the question the KB has never heard of; plus one weight per
word (character bigram) of the question that the entry lacks, so it learns that a missing 护照 or 公租 matters and a
missing 俺们 does not (cross-validated on the training questions: 399 against 360 for the signals alone, scored as
right answers minus twice the wrong ones). The model is plain JSON (``models/verifier.json``: feature names,
scaling, weights, the per-word weights, the decision threshold, the training rows' hash).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.replies.applicability import about_text, check, primary_text
from assistant.replies.classifier import ModelFileError, model_dir
from assistant.replies.grounding import STOP_BIGRAMS, source_text
from assistant.replies.text import bigrams, squash
from assistant.retrieval.matters import named
from assistant.retrieval.model import Hit

FEATURES = ("cos", "cos_gap", "rank", "cov_about", "cov_all", "cov_turn", "applies", "not_applies", "n_missing",
            "primary_mismatch", "aspect_covered", "aspect_missing", "unknown", "stays", "missing_known",
            "missing_unknown", "follow", "top_follow", "cos_turn", "cos_turn_gap",
            "cos_turn_all", "cos_asked_all", "sent_turn", "sent_asked", "sent_turn_gap")
MODEL_FILE = "verifier.json"


def content_bigrams(text: str) -> set[str]:
    return {b for b in bigrams(squash(text or "")) if b not in STOP_BIGRAMS and re.fullmatch(r"\w{2}", b)}


def _share(words: set[str], text: str) -> float:
    if not words:
        return 0.0
    flat = squash(text)
    return sum(1 for b in words if b in flat) / len(words)


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    cosine: float
    rank: int


def features(asked: str, turn: str, cand: Candidate, best_cos: float, known_share: float,
             aspects: tuple[bool, bool], stays: bool, known_terms: frozenset[str] = frozenset(),
             follow: bool = False, turn_cos: tuple[float, float] = (0.0, 0.0),
             all_cos: tuple[float, float] = (0.0, 0.0),
             sent_cos: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> list[float]:
    """The signals for one (question, entry) pair, in ``FEATURES`` order. ``aspects``: (asked aspect covered,
    asked aspect not covered); ``known_terms``: the question's bigrams some document holds; ``follow``: the turn
    leans on the one before (its own words say little, so word coverage means less); ``turn_cos``: how alike
    the last turn alone and the entry's questions are, and how far that is below the best entry's (a follow-up
    is searched with the topic carried, which favours the entry that answered the turn before); ``all_cos``: the
    closest of all the entry's questions to the turn alone and to what is asked (the topic carried); ``sent_cos``:
    the closest sentence of the entry's answer to the turn alone and to what is asked, and how far the first is
    below the best entry's (a follow-up such as "户口本还用不用带" or "过了一个月了还能上吗" is answered by one
    sentence of the answer, not by its questions). A word the KB holds
    elsewhere but this entry lacks (驾驶 in "驾驶证到期了怎么换" against the 身份证 entry) says the entry is about
    something else; a word no document holds is as often a colloquial word as an unknown matter."""
    about, said = about_text(cand.hit)
    verdict = check(asked, cand.hit)
    asked_m = named(asked)
    primary = named(primary_text(cand.hit))
    q = content_bigrams(asked)
    full = f"{said} {source_text(cand.hit)}"
    return [
        cand.cosine,
        best_cos - cand.cosine,
        float(min(cand.rank, 7)),
        _share(q, about),
        _share(q, f"{said} {source_text(cand.hit)}"),
        _share(content_bigrams(turn), f"{said} {source_text(cand.hit)}"),
        float(verdict.applies is True),
        float(verdict.applies is False),
        float(len(verdict.missing)),
        float(bool(asked_m and primary and not any(p in asked_m for p in primary))),
        float(aspects[0]),
        float(aspects[1]),
        1.0 - known_share,
        float(stays),
        _absent(q & known_terms, full),
        _absent(q - known_terms, full),
        float(follow),
        float(follow and cand.rank == 0),   # a follow-up's best-ranked entry: searched with the topic carried
        turn_cos[0],
        turn_cos[1],
        all_cos[0],
        all_cos[1],
        sent_cos[0],
        sent_cos[1],
        sent_cos[2],
    ]


def missing_words(asked: str, hit: Hit) -> set[str]:
    """The question's content bigrams that the entry (questions, category, answer) does not hold."""
    about, said = about_text(hit)
    flat = squash(f"{said} {source_text(hit)}")
    return {b for b in content_bigrams(asked) if b not in flat}


def _absent(words: set[str], text: str) -> float:
    """How many of ``words`` the text lacks (a count: one missing specific word matters however long the question)."""
    flat = squash(text)
    return float(sum(1 for b in words if b not in flat))


@dataclass(frozen=True)
class Verifier:
    weights: tuple[float, ...]
    intercept: float
    threshold: float
    meta: dict
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    missing_weights: dict[str, float] = field(default_factory=dict)

    def probability(self, x: list[float], missing: set[str] | frozenset[str] = frozenset()) -> float:
        mean = self.mean or (0.0,) * len(x)
        scale = self.scale or (1.0,) * len(x)
        z = self.intercept + sum(w * (v - m) / sd for w, v, m, sd in zip(self.weights, x, mean, scale))
        z += sum(self.missing_weights.get(b, 0.0) for b in missing)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load(folder: Path | None = None) -> Verifier | None:
    return _load(Path(folder) if folder is not None else model_dir())


@lru_cache(maxsize=4)
def _load(folder: Path) -> Verifier | None:
    path = folder / MODEL_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        # a model fitted before signals were appended still works on its own (the new ones get no weight)
        if tuple(data["features"]) != FEATURES[:len(data["features"])]:
            raise ModelFileError(f"{path} 的特征与本版本不一致：请运行 python -m assistant.training --only verifier 重新生成。")
        return Verifier(tuple(float(w) for w in data["weights"]), float(data["intercept"]),
                        float(data["threshold"]), data, tuple(data.get("mean", ())), tuple(data.get("scale", ())),
                        {k: float(v) for k, v in data.get("missing_weights", {}).items()})
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelFileError(f"{path} 已损坏（{exc}）：请运行 python -m assistant.training --only verifier 重新生成。") from exc
