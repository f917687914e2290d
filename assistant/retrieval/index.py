"""The retriever's derived state: BM25 indexes over the store's chunks, plus FAQ question vectors.

The store is the one source of truth; this is a cache of it, stamped with ``kb.version()`` and with the content
stamp of every document it holds (``kb.document_stamps()``). When the version moves, ``Retriever.state`` refreshes
it at about the cost of what changed (measured by ``python -m assistant.bench scale``):

- It keeps the chunks of documents whose stamp is unchanged and reads only added or replaced documents from
  chromadb (reading all 50k chunks back takes 10-20 s). A removed document, or a replaced version, goes with its
  stamp, so no ghost chunk survives, lexically either.
- ``build(previous=...)`` reuses the term counts of every row whose text was counted before (counts depend on
  the text alone) and tokenises only new text (tokenising all 50k chunks takes about 20 s). The BM25 weights are then computed again from all counts, because
  IDF and the average length are global; from counts that is a few vectorised operations, and the scores equal a
  from-scratch build exactly (tests/test_index_refresh.py checks).

Chunks are kept in (doc_id, ordinal) order, so a refreshed state and a rebuilt one are the same state. It is saved
under ``data_dir/lexical`` by writing a temp folder and swapping it in, so a crash mid-refresh never leaves half an
index that a later start loads; the next start loads it and refreshes from there. FAQ questions are embedded one
vector per question (a chunk holds a standard question and its 相似问法), reused across refreshes by question text.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import fields
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from assistant.documents.model import Chunk
from assistant.retrieval.lexical import Bm25Index, Vocab, count_rows, stack_rows
from assistant.retrieval.text import tokens

FORMAT = 4  # 4: chunks carry region and validity
CHUNK_FIELDS = [f.name for f in fields(Chunk)]
COUNTS = ("passage_counts", "faq_counts")


def _qkey(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


class IndexState:
    """Rows: every passage chunk (``passages``) and every FAQ question (``faq_rows`` -> chunk index).

    ``stamps`` (doc_id -> content stamp) says which version of each document the chunks are; None when the state
    was not built from a knowledge base (benchmarks build one from a list of chunks).
    """

    def __init__(self, chunks: list[Chunk], version: int, model: str,
                 faq_vectors: np.ndarray | None = None, stamps: dict[str, str] | None = None):
        self.version = version
        self.model = model
        self.stamps = stamps
        self.chunks = chunks
        self.by_id = {c.id: i for i, c in enumerate(chunks)}
        self.passages = [i for i, c in enumerate(chunks) if c.kind != "faq"]
        self.faq_rows: list[tuple[int, str]] = [
            (i, q) for i, c in enumerate(chunks) if c.kind == "faq" for q in c.questions
        ]
        self.doc_ids = sorted({chunks[i].doc_id for i in self.passages})
        self.doc_pos = {d: j for j, d in enumerate(self.doc_ids)}
        self.passage_doc = np.array([self.doc_pos[chunks[i].doc_id] for i in self.passages], dtype=np.int64)
        self.faq_vectors = faq_vectors
        self.vocab: Vocab = {}
        self.passage_counts: sp.csr_matrix | None = None   # one row of term counts per passage
        self.faq_counts: sp.csr_matrix | None = None       # one row per FAQ question
        self.passage_bm25: Bm25Index | None = None
        self.doc_bm25: Bm25Index | None = None
        self.faq_bm25: Bm25Index | None = None

    # ---- building -------------------------------------------------------------------------
    def build(self, embed=None, previous: "IndexState | None" = None) -> "IndexState":
        """Count terms (reusing ``previous``'s counts for text it already counted), weigh, embed FAQ questions.

        ``previous`` is only read, never changed: other threads may still be searching it.
        """
        prev = previous if previous is not None and previous.passage_counts is not None else None
        self.vocab = dict(prev.vocab) if prev is not None else {}
        self.passage_counts = self._counts(
            [self.chunks[i].index_text for i in self.passages],
            prev and ([prev.chunks[i].index_text for i in prev.passages], prev.passage_counts))
        self.faq_counts = self._counts(
            [q for _, q in self.faq_rows], prev and ([q for _, q in prev.faq_rows], prev.faq_counts))
        self._drop_unused_terms()
        self._weigh()
        if embed is not None and self.faq_rows:
            self.faq_vectors = self._faq_vectors(embed, previous)
        return self

    def _counts(self, texts: list[str], previous: tuple[list[str], sp.csr_matrix] | None) -> sp.csr_matrix:
        """One row of term counts per text: the row of ``previous`` that counted the same text, else a new one."""
        known: dict[str, int] = {t: r for r, t in enumerate(previous[0])} if previous else {}
        base = len(previous[0]) if previous else 0
        todo: list[str] = []
        source = np.empty(len(texts), dtype=np.int64)
        for j, text in enumerate(texts):
            row = known.get(text)
            if row is None:
                row = known[text] = base + len(todo)
                todo.append(text)
            source[j] = row
        fresh = count_rows((tokens(t) for t in todo), self.vocab)
        parts = [previous[1], fresh] if previous else [fresh]
        return stack_rows(parts, len(self.vocab))[source]

    def _drop_unused_terms(self) -> None:
        """Renumber the vocabulary once half of it is terms no row uses any more (text that was removed)."""
        used = np.zeros(len(self.vocab), dtype=bool)
        for name in COUNTS:
            used[getattr(self, name).indices] = True
        n_used = int(used.sum())
        if 2 * n_used >= len(self.vocab):
            return
        new_id = (np.cumsum(used) - 1).astype(np.int32)
        self.vocab = {t: int(new_id[i]) for t, i in self.vocab.items() if used[i]}
        for name in COUNTS:
            m = getattr(self, name)
            setattr(self, name, sp.csr_matrix((m.data, new_id[m.indices], m.indptr), shape=(m.shape[0], n_used)))

    def _weigh(self) -> None:
        """BM25 weights from the counts; a document's row is the sum of its passages' rows."""
        self.passage_bm25 = Bm25Index.from_counts(self.passage_counts, self.vocab)
        n = len(self.passages)
        member = sp.csr_matrix((np.ones(n, dtype=np.int32), (self.passage_doc, np.arange(n))),
                               shape=(len(self.doc_ids), n))
        self.doc_bm25 = Bm25Index.from_counts((member @ self.passage_counts).tocsr(), self.vocab)
        self.faq_bm25 = Bm25Index.from_counts(self.faq_counts, self.vocab)

    def _faq_vectors(self, embed, previous: "IndexState | None") -> np.ndarray:
        known: dict[str, np.ndarray] = {}
        if previous is not None and previous.faq_vectors is not None and previous.model == self.model:
            for (_, q), v in zip(previous.faq_rows, previous.faq_vectors):
                known[_qkey(self.model, q)] = v
        todo = sorted({q for _, q in self.faq_rows if _qkey(self.model, q) not in known})
        if todo:
            for q, v in zip(todo, embed(todo)):
                known[_qkey(self.model, q)] = v
        return np.stack([known[_qkey(self.model, q)] for _, q in self.faq_rows]).astype(np.float32)

    # ---- persistence ----------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write to a temp folder and swap it in, so a reader never sees half an index."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
        try:
            self._write(tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = folder.with_name(folder.name + f".old-{os.getpid()}")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    def _write(self, tmp: Path) -> None:
        columns = {name: [getattr(c, name) for c in self.chunks] for name in CHUNK_FIELDS}
        (tmp / "chunks.json").write_text(json.dumps(columns, ensure_ascii=False), encoding="utf-8")
        (tmp / "vocab.json").write_text(json.dumps(list(self.vocab), ensure_ascii=False), encoding="utf-8")
        arrays = {}
        for name in COUNTS:
            m = getattr(self, name)
            arrays.update({f"{name}.data": m.data, f"{name}.indices": m.indices, f"{name}.indptr": m.indptr})
        np.savez(tmp / "counts.npz", **arrays)
        if self.faq_vectors is not None:
            np.save(tmp / "faq_vectors.npy", self.faq_vectors)
        (tmp / "state.json").write_text(json.dumps(
            {"format": FORMAT, "version": self.version, "model": self.model, "stamps": self.stamps},
            ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "IndexState | None":
        """The saved state, or None when there is none, it has another format, or it does not add up."""
        try:
            meta = json.loads((folder / "state.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            columns = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
            chunks = [Chunk(*values) for values in zip(*(columns[name] for name in CHUNK_FIELDS))]
            vec_path = folder / "faq_vectors.npy"
            vectors = np.load(vec_path) if vec_path.exists() else None
            state = cls(chunks, int(meta["version"]), meta["model"], vectors, meta.get("stamps"))
            state.vocab = {t: i for i, t in enumerate(json.loads((folder / "vocab.json").read_text(encoding="utf-8")))}
            rows = {"passage_counts": len(state.passages), "faq_counts": len(state.faq_rows)}
            with np.load(folder / "counts.npz") as z:
                for name in COUNTS:
                    m = sp.csr_matrix((z[f"{name}.data"], z[f"{name}.indices"], z[f"{name}.indptr"]),
                                      shape=(rows[name], len(state.vocab)))
                    setattr(state, name, m)
            if vectors is not None and len(vectors) != len(state.faq_rows):
                return None
            state._weigh()
            return state
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile):
            return None
