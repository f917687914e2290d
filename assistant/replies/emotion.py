"""Emotion of a citizen's sentence: anger / anxiety / sadness / confusion / calm, with an intensity.

A model fitted on 7-label Weibo posts (models/emotion.npz: char n-grams + the m3e-small sentence vector) gives
the base; its labels fold into the product's five: anger+disgust→anger, fear→anxiety, sadness→sadness,
optimism+gratitude→calm, surprise→confusion (at a window "怎么会这样？" is bewilderment more than delight).
The corpus has no neutral class and no window talk, so rules from knowledge/lexicons/feelings.csv add what it can't
teach: negation (不生气), degree adverbs (非常/有点), rhetorical questions (凭什么), sarcasm (你们可真行) and
confusion cues (看不懂); a plain question with no cue and no confident model reads as calm.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from assistant.replies import classifier
from assistant.replies.classifier import TextModel
from assistant.replies.lexicons import EMOTIONS, LEXICON_DIR, feelings
from assistant.replies.model import Emotion
from assistant.replies.text import normalise
from assistant.replies.vectors import embed_text, sentence_embedder

FOLD = {"anger": "anger", "disgust": "anger", "fear": "anxiety", "sadness": "sadness",
        "optimism": "calm", "gratitude": "calm", "surprise": "confusion"}
LABEL_ZH = {"anger": "愤怒", "anxiety": "焦虑", "sadness": "难过", "confusion": "困惑", "calm": "平静"}
MODEL_WEIGHT = 0.6      # model probability vs. lexicon cue weight
CONFIDENT = 0.55        # without a cue, the model must be at least this sure to leave "calm"
CONFIDENT_FOR_QUESTIONS = 0.85
PLAIN_QUESTION = re.compile(r"[？?]\s*$|怎么|什么|哪里|哪儿|在哪|哪个|哪些|多久|多少|吗|能不能|可不可以|需不需要|如何|"
                            r"请问|了解一下|想了解")
LOOKBACK = 3            # characters before a cue searched for a negation or degree word


def active_model() -> TextModel | None:
    """The full model when the sentence vectors are available, else the char-only fallback, else None."""
    full = classifier.load("emotion")
    if full is not None and (not full.uses_embedding or sentence_embedder() is not None):
        return full
    return classifier.load("emotion_char")


def model_probs(text: str) -> dict[str, float]:
    """The fitted model's 7-label probabilities ({} when no model is shipped)."""
    model = active_model()
    if model is None:
        return {}
    return classifier.proba(model, text, embed_text(text) if model.uses_embedding else None)


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
