"""One-vs-rest logistic regression over naive-Bayes-scaled n-gram features (the "NB-SVM" recipe of Wang & Manning,
with a logistic loss).

Each class gets its own view of the n-grams: every n-gram column is multiplied by the log-ratio of how often it
occurs in that class's texts against the others', so the regression starts from what naive Bayes already knows.
Columns past ``n_scaled`` (the sentence vector) are left as they are. After fitting, the scaling is folded into
the weights, so prediction is one sparse product like any linear model.

The per-class scores are turned into probabilities by a softmax with a temperature fitted on out-of-fold scores
(``calibration_folds``), so "the model is 0.55 sure" means what it means for a multinomial regression: the
emotion rules compare model probabilities against fixed thresholds.
"""
from __future__ import annotations

import numpy as np


class NBLogisticRegression:
    def __init__(self, C: float = 1.0, alpha: float = 0.5, n_scaled: int | None = None, max_iter: int = 3000,
                 calibration_folds: int = 4):
        self.C, self.alpha, self.n_scaled, self.max_iter = C, alpha, n_scaled, max_iter
        self.calibration_folds = calibration_folds
        self.temperature = 1.0

    def fit(self, x, y) -> "NBLogisticRegression":
        from scipy.sparse import csr_matrix

        x = csr_matrix(x)
        y = np.asarray(y)
        self._fit_weights(x, y)
        if self.calibration_folds and self.calibration_folds > 1:
            self.temperature = self._fit_temperature(x, y)
        return self

    def _fit_temperature(self, x, y) -> float:
        """The softmax temperature that minimises the log loss of out-of-fold scores."""
        from sklearn.model_selection import StratifiedKFold

        scores = np.zeros((x.shape[0], len(self.classes_)), dtype=np.float64)
        folds = StratifiedKFold(n_splits=self.calibration_folds, shuffle=True, random_state=0)
        for train, held in folds.split(np.zeros(len(y)), y):
            part = NBLogisticRegression(self.C, self.alpha, self.n_scaled, self.max_iter, calibration_folds=0)
            part._fit_weights(x[train], y[train])
            scores[held] = part.decision_function(x[held])
        truth = np.searchsorted(self.classes_, y)
        best, best_loss = 1.0, np.inf
        for t in np.exp(np.linspace(np.log(0.05), np.log(20.0), 121)):
            z = scores / t
            z -= z.max(axis=1, keepdims=True)
            loss = -(z[np.arange(len(y)), truth] - np.log(np.exp(z).sum(axis=1))).mean()
            if loss < best_loss:
                best, best_loss = float(t), loss
        return best

    def _fit_weights(self, x, y) -> None:
        from sklearn.linear_model import LogisticRegression

        n = x.shape[1] if self.n_scaled is None else self.n_scaled
        present = (x[:, :n] > 0).astype(np.float32)
        self.classes_ = np.unique(y)
        coef, intercept = [], []
        for c in self.classes_:
            mine = y == c
            p = self.alpha + np.asarray(present[mine].sum(0)).ravel()
            q = self.alpha + np.asarray(present[~mine].sum(0)).ravel()
            scale = np.ones(x.shape[1], dtype=np.float32)
            scale[:n] = np.log((p / p.sum()) / (q / q.sum()))
            lr = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight="balanced")
            lr.fit(x.multiply(scale).tocsr(), mine)
            coef.append(lr.coef_[0] * scale)
            intercept.append(lr.intercept_[0])
        self.coef_ = np.asarray(coef, dtype=np.float32)
        self.intercept_ = np.asarray(intercept, dtype=np.float32)

    def decision_function(self, x) -> np.ndarray:
        return np.asarray(x @ self.coef_.T) + self.intercept_

    def predict_proba(self, x) -> np.ndarray:
        z = self.decision_function(x).astype(np.float64) / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def predict(self, x) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(x), axis=1)]
