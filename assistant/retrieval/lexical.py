"""BM25 over character bigrams, for passages, whole documents and FAQ questions.

Why our own BM25 and tokens: chromadb's local mode has no sparse index and its built-in BM25 stems
English, so Chinese scores 0 there. The formula is bm25s's default ("lucene"), the one the fusion weights
were tuned with: idf = ln(1 + (N - df + 0.5) / (df + 0.5)) and tf / (tf + k1 (1 - b + b dl / avgdl)); a test
checks the scores equal bm25s's. Parameters k1=1.2, b=0.75: the grid was flat on the policy set.

Why not bm25s itself: here an index is weighted from term counts (a sparse matrix, one row per passage,
document or question) that the caller keeps between refreshes. IDF and the average length are global, so one
changed document changes every weight; from kept counts that is a few vectorised numpy operations (about a
second at 50k chunks), whereas bm25s re-counts every token in Python (about 50 s). An empty row counts as one
token long, as in bm25s.
"""
from __future__ import annotations

from array import array
from collections import Counter
from typing import Iterable

import numpy as np
import scipy.sparse as sp

from assistant.retrieval.text import tokens

K1 = 1.2
B = 0.75

Vocab = dict[str, int]  # token -> column; it only grows, so kept counts stay valid


def count_rows(rows: Iterable[list[str]], vocab: Vocab) -> sp.csr_matrix:
    """One sparse row of term counts per token list; tokens new to ``vocab`` are added to it."""
    ids, tfs, indptr = array("i"), array("i"), array("q", [0])
    for row in rows:
        counts = Counter(row)
        ids.extend([vocab.setdefault(t, len(vocab)) for t in counts])
        tfs.extend(counts.values())
        indptr.append(len(ids))
    return sp.csr_matrix((np.frombuffer(tfs, dtype=np.int32), np.frombuffer(ids, dtype=np.int32),
                          np.frombuffer(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(vocab)))


def stack_rows(parts: list[sp.csr_matrix], n_terms: int) -> sp.csr_matrix:
    """Row-stack count matrices made while the vocabulary grew (older ones are narrower)."""
    out = [sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], n_terms)) for m in parts]
    return sp.vstack(out, format="csr", dtype=np.int32) if out else sp.csr_matrix((0, n_terms), dtype=np.int32)


class Bm25Index:
    """One BM25 index over rows of term counts; ``scores`` returns one float per row (0 where no overlap)."""

    def __init__(self, rows: list[list[str]] | None = None, k1: float = K1, b: float = B):
        self.k1, self.b = k1, b
        self.n = 0
        self.vocab: Vocab = {}
        self._indptr = np.zeros(1, dtype=np.int64)
        self._rows = np.zeros(0, dtype=np.int32)
        self._weights = np.zeros(0, dtype=np.float32)
        if rows is not None:
            vocab: Vocab = {}
            self.fit(count_rows(rows, vocab), vocab)

    @classmethod
    def from_texts(cls, texts: list[str], **kw) -> "Bm25Index":
        return cls([tokens(t) for t in texts], **kw)

    @classmethod
    def from_counts(cls, counts: sp.csr_matrix, vocab: Vocab, k1: float = K1, b: float = B) -> "Bm25Index":
        idx = cls(k1=k1, b=b)
        idx.fit(counts, vocab)
        return idx

    def fit(self, counts: sp.csr_matrix, vocab: Vocab) -> None:
        """Weight ``counts`` (rows x len(vocab)); weights are stored per term column, as bm25s does."""
        self.vocab, self.n = vocab, counts.shape[0]
        if self.n == 0:
            self._indptr = np.zeros(counts.shape[1] + 1, dtype=np.int64)
            self._rows, self._weights = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
            return
        length = np.maximum(np.asarray(counts.sum(axis=1)).ravel(), 1)
        norm = self.k1 * ((1 - self.b) + self.b * length / length.mean())
        by_term = counts.tocsc()
        df = np.diff(by_term.indptr)
        idf = np.log(1 + (self.n - df + 0.5) / (df + 0.5)).astype(np.float32)
        w = norm[by_term.indices]  # float64 throughout, then float32: bm25s's arithmetic, bit for bit
        w += by_term.data
        np.divide(by_term.data, w, out=w)
        w *= np.repeat(idf, df)
        self._indptr, self._rows, self._weights = by_term.indptr, by_term.indices, w.astype(np.float32)

    def idf(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 idf of each token over this index's rows (an unknown token: as rare as a term in no row)."""
        width = len(self._indptr) - 1
        df = np.array([self._indptr[t + 1] - self._indptr[t] if t is not None and t < width else 0
                       for t in (self.vocab.get(q) for q in query_tokens)], dtype=np.float64)
        return np.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        width = len(self._indptr) - 1
        for t in query_tokens:
            term = self.vocab.get(t) if t else None
            if term is None or term >= width:
                continue
            start, end = self._indptr[term], self._indptr[term + 1]
            np.add.at(out, self._rows[start:end], self._weights[start:end])
        return out
