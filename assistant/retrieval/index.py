"""The retriever's derived state: BM25 indexes over the store's chunks, plus FAQ question vectors.

The store is the one source of truth; this is a cache of it, stamped with ``kb.version()``.
When the stamp moves the cache is rebuilt from ``kb.iter_chunks()`` (no ghost chunk survives a
remove or replace, lexically either), and saved under ``data_dir/lexical`` so the next start loads
it instead of re-tokenising. FAQ questions are embedded one vector per question (a chunk holds a
standard question and its 相似问法) and vectors are reused across rebuilds by question text.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from assistant.documents.model import Chunk
from assistant.retrieval.lexical import Bm25Index
from assistant.retrieval.text import tokens

FORMAT = 2


def _qkey(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


class IndexState:
    """Rows: every passage chunk (``passages``) and every FAQ question (``faq_rows`` -> chunk index)."""

    def __init__(self, chunks: list[Chunk], version: int, model: str,
                 faq_vectors: np.ndarray | None = None):
        self.version = version
        self.model = model
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
        self.passage_bm25: Bm25Index | None = None
        self.doc_bm25: Bm25Index | None = None
        self.faq_bm25: Bm25Index | None = None

    # ---- building -------------------------------------------------------------------------
    def build(self, embed=None, previous: "IndexState | None" = None) -> "IndexState":
        rows = [tokens(self.chunks[i].index_text) for i in self.passages]
        self.passage_bm25 = Bm25Index(rows)
        per_doc: dict[int, list[str]] = {}
        for row, d in zip(rows, self.passage_doc):
            per_doc.setdefault(int(d), []).extend(row)
        self.doc_bm25 = Bm25Index([per_doc.get(j, []) for j in range(len(self.doc_ids))])
        self.faq_bm25 = Bm25Index([tokens(q) for _, q in self.faq_rows])
        if embed is not None and self.faq_rows:
            self.faq_vectors = self._faq_vectors(embed, previous)
        return self

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
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as f:
            for c in self.chunks:
                f.write(json.dumps(asdict(c), ensure_ascii=False) + "\n")
        for name in ("passage_bm25", "doc_bm25", "faq_bm25"):
            getattr(self, name).save(tmp / name)
        if self.faq_vectors is not None:
            np.save(tmp / "faq_vectors.npy", self.faq_vectors)
        (tmp / "state.json").write_text(json.dumps(
            {"format": FORMAT, "version": self.version, "model": self.model}))
        old = folder.with_name(folder.name + f".old-{os.getpid()}")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "IndexState | None":
        try:
            meta = json.loads((folder / "state.json").read_text())
            if meta.get("format") != FORMAT:
                return None
            with open(folder / "chunks.jsonl", encoding="utf-8") as f:
                chunks = [Chunk(**json.loads(line)) for line in f if line.strip()]
            vec_path = folder / "faq_vectors.npy"
            vectors = np.load(vec_path) if vec_path.exists() else None
            state = cls(chunks, int(meta["version"]), meta["model"], vectors)
            state.passage_bm25 = Bm25Index.load(folder / "passage_bm25")
            state.doc_bm25 = Bm25Index.load(folder / "doc_bm25")
            state.faq_bm25 = Bm25Index.load(folder / "faq_bm25")
            return state
        except (OSError, ValueError, KeyError, TypeError):
            return None
