"""The one loader and the one ``proba`` for every shipped triage model (emotion, department, intent, risk, tone).

Each model is plain numbers, not a pickled class: ``models/<name>.npz`` holds the char n-gram vocabulary and IDF
weights and the linear weights, ``models/<name>.json`` the classes, how scores become probabilities, the
hyper-parameters, and what it was fitted on (a hash of the training rows, the library versions). So renaming a
module cannot break a model, and a test can check that a model still matches the labelled files it claims.

A model reads a sentence as TF-IDF char n-grams, optionally followed by the sentence vector times ``emb_weight``;
scores are one product with the weights; probabilities are a sigmoid (two classes, one weight row), a softmax,
or a softmax with a fitted temperature.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import get_settings

MODEL_DIR = Path(__file__).resolve().parent / "models"
LINKS = ("sigmoid", "softmax")


class ModelFileError(RuntimeError):
    """A model file is damaged or from an incompatible version; the message says which and how to rebuild it."""


@dataclass(frozen=True, eq=False)
class TextModel:
    name: str
    classes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: np.ndarray              # one weight per n-gram
    coef: np.ndarray             # (rows, n-grams [+ vector dims]); one row for a two-class sigmoid
    intercept: np.ndarray
    ngram: tuple[int, int]
    link: str = "softmax"
    temperature: float = 1.0
    emb_weight: float | None = None   # None: n-grams only; else the sentence vector is appended times this
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_embedding(self) -> bool:
        return self.emb_weight is not None

    @cached_property
    def vectorizer(self):
        """sklearn's char TF-IDF transform, rebuilt from the stored vocabulary and IDF (no pickle)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(analyzer="char", ngram_range=self.ngram, sublinear_tf=True, dtype=np.float32,
                              vocabulary={t: i for i, t in enumerate(self.vocabulary)})
        vec.idf_ = self.idf
        return vec


def features(model: TextModel, texts: list[str], vectors: np.ndarray | None = None):
    """The sparse rows the model scores: n-grams, then the sentence vectors when the model uses them."""
    x = model.vectorizer.transform(texts)
    if model.uses_embedding:
        from scipy.sparse import csr_matrix, hstack

        x = hstack([x, csr_matrix(np.asarray(vectors).reshape(len(texts), -1) * model.emb_weight)]).tocsr()
    return x


def scores_to_proba(model: TextModel, scores: np.ndarray) -> np.ndarray:
    if model.link == "sigmoid":
        p1 = 1.0 / (1.0 + np.exp(-scores[:, 0].astype(np.float64)))
        return np.column_stack([1.0 - p1, p1])
    z = scores.astype(np.float64) / model.temperature
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def proba_matrix(model: TextModel, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray:
    """One row of class probabilities (in ``model.classes`` order) per text."""
    scores = np.asarray(features(model, texts, vectors) @ model.coef.T) + model.intercept
    return scores_to_proba(model, scores)


def predict(model: TextModel, texts: list[str], vectors: np.ndarray | None = None) -> list[str]:
    return [model.classes[i] for i in np.argmax(proba_matrix(model, texts, vectors), axis=1)]


def proba(model: TextModel | None, text: str, vector: np.ndarray | None = None) -> dict[str, float]:
    """Class probabilities for one text; {} when there is no model, or it needs a sentence vector and got none."""
    if model is None or (model.uses_embedding and vector is None):
        return {}
    p = proba_matrix(model, [text], None if vector is None else np.asarray(vector).reshape(1, -1))
    return dict(zip(model.classes, p[0].tolist()))


def save(model: TextModel, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / f"{model.name}.npz", vocabulary=np.array(model.vocabulary), idf=model.idf,
                        coef=model.coef.astype(np.float32), intercept=model.intercept.astype(np.float32))
    head = {"name": model.name, "classes": list(model.classes), "ngram": list(model.ngram), "link": model.link,
            "temperature": model.temperature, "emb_weight": model.emb_weight, **model.meta}
    path = folder / f"{model.name}.json"
    path.write_text(json.dumps(head, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read_meta(name: str, folder: Path) -> dict[str, Any] | None:
    path = folder / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def model_dir() -> Path:
    """Where models are read from: ``ASSISTANT_MODEL_DIR`` when set, else the models shipped in the package."""
    return get_settings().model_dir or MODEL_DIR


def load(name: str, folder: Path | None = None) -> TextModel | None:
    """The model ``name`` from ``folder`` (default: ``model_dir()``), loaded once per process; None when absent."""
    return _load(name, Path(folder) if folder is not None else model_dir())


@lru_cache(maxsize=32)
def _load(name: str, folder: Path) -> TextModel | None:
    head = read_meta(name, folder)
    if head is None or not (folder / f"{name}.npz").exists():
        return None
    known = {"name", "classes", "ngram", "link", "temperature", "emb_weight"}
    try:
        with np.load(folder / f"{name}.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("vocabulary", "idf", "coef", "intercept")}
        if head["link"] not in LINKS:
            raise ValueError(f"link {head['link']!r}")
        return TextModel(name=name, classes=tuple(head["classes"]), vocabulary=tuple(arrays["vocabulary"].tolist()),
                         idf=arrays["idf"].astype(np.float32), coef=arrays["coef"], intercept=arrays["intercept"],
                         ngram=tuple(head["ngram"]), link=head["link"], temperature=float(head["temperature"]),
                         emb_weight=head["emb_weight"], meta={k: v for k, v in head.items() if k not in known})
    except (KeyError, ValueError, TypeError, OSError) as exc:
        raise ModelFileError(f"模型文件 {folder / name}.npz/.json 已损坏或版本不符（{exc!r}）："
                             "请用 python -m assistant.training 重新生成。") from exc
