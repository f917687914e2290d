"""“类似情况曾这样化解”: the past cases nearest to what a citizen just said, for the workbench.

The case vectors are derived (m3e-small sentence vectors of each case's situation and words), kept in this
process keyed by a hash of the cases' texts, never stored. A case is shown only when it is close enough: an
unrelated case beside a policy answer is noise a clerk learns to ignore.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import numpy as np

from assistant.practice.cases import Case
from assistant.replies.text import bigrams, squash
from assistant.replies.vectors import embed_text, sentence_embedder

# Vectors alone do not separate: on the shipped cases, a sentence about the same trouble scored 0.75-0.86 and an
# unrelated one up to 0.83 ("社保卡丢了怎么办" near a bereaved mother's 社保 case). So a case must reach MIN_SIM and
# share MIN_SHARED content character pairs with the sentence (function-word pairs like 怎么/什么/我们 do not count).
MIN_SIM = 0.74
MIN_SHARED_BIGRAMS = 2
_FUNCTION = set("怎么 什么 我们 你们 他们 一个 一下 这个 那个 可以 能不 不能 需要 要带 了怎 么办 是不 不是 就是 还是 有没 没有 "
                "办理 请问 一次 今天 现在 了， ，我 我都 都说 我的 的事".split())
_LOCK = threading.Lock()
_CACHE: dict[str, np.ndarray] = {}


@dataclass
class CaseHit:
    case: Case
    score: float


def _key(cases: list[Case]) -> str:
    h = hashlib.sha256()
    for c in cases:
        h.update(c.id.encode())
        h.update(c.text_for_match().encode())
    return h.hexdigest()


def _matrix(cases: list[Case]) -> np.ndarray | None:
    embedder = sentence_embedder()
    if embedder is None or not cases:
        return None
    key = _key(cases)
    with _LOCK:
        if key not in _CACHE:
            _CACHE.clear()
            m = np.asarray(embedder.embed([c.text_for_match()[:300] for c in cases]), dtype=np.float32)
            _CACHE[key] = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
        return _CACHE[key]


def similar_cases(text: str, cases: list[Case], k: int = 2, min_sim: float = MIN_SIM) -> list[CaseHit]:
    """Up to ``k`` cases close to ``text``, best first; [] when none is close or no sentence model is installed."""
    text = (text or "").strip()
    matrix = _matrix(cases)
    if not text or matrix is None:
        return []
    v = embed_text(text)
    if v is None:
        return []
    v = np.asarray(v, dtype=np.float32).reshape(-1)
    v = v / max(float(np.linalg.norm(v)), 1e-9)
    sims = matrix @ v
    grams = bigrams(squash(text)) - _FUNCTION
    out = []
    for i in np.argsort(-sims):
        if sims[i] < min_sim or len(out) == k:
            break
        if len(grams & bigrams(squash(cases[i].text_for_match()))) >= MIN_SHARED_BIGRAMS:
            out.append(CaseHit(cases[i], float(sims[i])))
    return out


def warm(cases: list[Case]) -> None:
    """Derive the case vectors now, so the first question at the workbench does not wait for them."""
    _matrix(cases)
