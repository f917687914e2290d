"""Fitting the triage models, written out as plain-array ``TextModel``s (see assistant/replies/classifier.py).

Every model is char n-gram TF-IDF, optionally followed by the m3e-small sentence vector, into one logistic
regression (or, for emotion, one regression per class over naive-Bayes-scaled n-grams: nblr.py). Each records
what it was fitted on: the task and roles, the number of rows and their content hash, and the library versions.
"""
from __future__ import annotations

from importlib.metadata import version

import numpy as np

from assistant.replies.classifier import TextModel
from assistant.replies.exemplars import ExemplarIndex, index_of
from assistant.replies.labelled import rows_hash
from assistant.replies.text import normalise
from assistant.replies.vectors import SENTENCE_MODEL, embed_texts
from assistant.training.nblr import NBLogisticRegression

# chosen by 4-fold cross-validation on train+dev (macro-F1): char 1-3 grams capped at 30k plus the m3e-small
# sentence vector, one logistic regression per class over naive-Bayes-scaled n-grams (nblr.py), C=1, balanced
# classes. CV 0.7163 against 0.7089 for one multinomial regression (vector weight 0.7, C=4) on the same folds;
# neighbours: NB smoothing 1.0 0.7158, C=2 0.7162, vector weight 0.5 / 1.5 0.7131 / 0.7083.
EMOTION_PARAMS = {"ngram": (1, 3), "max_features": 30000, "emb_weight": 1.0, "C": 1.0, "nb_alpha": 0.5,
                  "embedder": SENTENCE_MODEL}
DEPT_PARAMS = {"ngram": (1, 3), "max_features": 20000, "C": 10.0}
INTENT_PARAMS = {"ngram": (1, 2), "max_features": 5000, "C": 10.0}
# risk: chosen on blind sets v1-v8 left out in turn (see assistant/replies/risk.py)
RISK_PARAMS = {"ngram": (1, 3), "max_features": 20000, "emb_weight": 2.0, "C": 32.0, "embedder": SENTENCE_MODEL}
TONE_PARAMS = {"ngram": (1, 3), "max_features": 20000, "emb_weight": 1.0, "C": 4.0, "embedder": SENTENCE_MODEL}
# staff question or citizen's words: chosen by 5-fold CV on labelled/staff (accuracy 0.912; C 1 / 16: 0.904 / 0.913,
# n-grams only 0.885); the threshold in replies/staff.py on the tune dialogues
STAFF_PARAMS = {"ngram": (1, 3), "max_features": 20000, "emb_weight": 1.0, "C": 4.0, "embedder": SENTENCE_MODEL}
OK = "ok"
LIBRARIES = ("scikit-learn", "numpy", "scipy")


def versions() -> dict[str, str]:
    return {lib: version(lib) for lib in LIBRARIES}


def char_vectorizer(ngram: tuple[int, int], max_features: int):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char", ngram_range=ngram, sublinear_tf=True, min_df=2,
                           max_features=max_features, dtype=np.float32)


def as_text_model(name: str, vec, clf, params: dict, uses_embedding: bool, trained_on: dict) -> TextModel:
    """The fitted sklearn pieces as plain arrays (the vocabulary in column order)."""
    vocabulary = tuple(sorted(vec.vocabulary_, key=vec.vocabulary_.get))
    nb = isinstance(clf, NBLogisticRegression)
    coef = np.asarray(clf.coef_, dtype=np.float32)
    link = "softmax" if nb or coef.shape[0] > 1 else "sigmoid"
    return TextModel(name=name, classes=tuple(str(c) for c in clf.classes_), vocabulary=vocabulary,
                     idf=np.asarray(vec.idf_, dtype=np.float32), coef=coef,
                     intercept=np.asarray(clf.intercept_, dtype=np.float32).ravel(), ngram=tuple(params["ngram"]),
                     link=link, temperature=float(clf.temperature) if nb else 1.0,
                     emb_weight=float(params["emb_weight"]) if uses_embedding else None,
                     meta={"params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
                           "trained_on": trained_on, "versions": versions()})


def fit_text_model(name: str, texts: list[str], labels: list[str], vectors: np.ndarray | None, params: dict,
                   trained_on: dict | None = None) -> TextModel:
    """Char n-gram TF-IDF (+ sentence vector when given) into one logistic regression (one per class over
    naive-Bayes-scaled n-grams when ``params`` names ``nb_alpha``)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    vec = char_vectorizer(tuple(params["ngram"]), params["max_features"])
    x = vec.fit_transform(texts)
    n_grams = x.shape[1]
    if vectors is not None:
        x = hstack([x, csr_matrix(vectors * params["emb_weight"])]).tocsr()
    if params.get("nb_alpha") is not None:
        clf = NBLogisticRegression(C=params["C"], alpha=params["nb_alpha"], n_scaled=n_grams).fit(x, labels)
    else:
        clf = LogisticRegression(C=params["C"], max_iter=3000, class_weight="balanced").fit(x, labels)
    return as_text_model(name, vec, clf, params, vectors is not None, trained_on or {"rows": len(texts)})


def fit_risk(rows: list[dict], vectors: np.ndarray, trained_on: dict | None = None) -> TextModel:
    """Red flag or not, from char n-grams plus the sentence vector (``vectors`` in the order of ``rows``)."""
    return fit_text_model("risk_clf", [normalise(r["text"]) for r in rows],
                          ["red" if r["risk"] else "safe" for r in rows], vectors, RISK_PARAMS, trained_on)


def fit_tone(rows: list[dict], vectors: np.ndarray, trained_on: dict | None = None) -> TextModel:
    """One label per draft (its first category, or "ok") from char n-grams plus the sentence vector."""
    return fit_text_model("tone", [r["text"].strip() for r in rows], [(r["labels"] or [OK])[0] for r in rows],
                          vectors, TONE_PARAMS, trained_on)


def fit_staff(rows: list[dict], vectors: np.ndarray, trained_on: dict | None = None) -> TextModel:
    """A staff member's own question ("staff") or a citizen's words ("citizen")."""
    return fit_text_model("staff", [r["text"].strip() for r in rows], ["staff" if r["staff"] else "citizen" for r in rows],
                          vectors, STAFF_PARAMS, trained_on)


def fit_intent(rows: list[dict], trained_on: dict | None = None) -> TextModel:
    return fit_text_model("intent", [r["text"] for r in rows], [r["intent"] for r in rows], None, INTENT_PARAMS,
                          trained_on)


def build_exemplars(rows: list[dict], vectors: np.ndarray | None = None) -> ExemplarIndex:
    """An exemplar index over ``rows`` (the benches refit one without the set they score)."""
    if vectors is None:
        vectors = embed_texts([normalise(r["text"]) for r in rows])
    return index_of(rows, vectors)


def labelled_source(task: str, roles: tuple[str, ...], rows: list[dict], fields: tuple[str, ...]) -> dict:
    return {"task": task, "roles": list(roles), "rows": len(rows), "rows_sha256": rows_hash(rows, fields)}
