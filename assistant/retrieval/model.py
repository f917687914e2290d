"""What retrieval returns to replies and the page, and what it reads from a store (``ChunkSource``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

import numpy as np

from assistant.documents.model import Chunk


class ChunkSource(Protocol):
    """All the retriever reads from a store: ``store.kb.KnowledgeBase`` in the app, ``bench.memory.MemoryKB`` in
    benchmarks. Typed by what is read, so retrieval never depends on how a store keeps its chunks.

    ``where`` is a chromadb ``where`` clause (see ``retrieval.filters``). ``version()`` moves whenever any document
    changes; ``document_stamps()`` says which documents did, so the index re-reads only those.
    """

    def version(self) -> int: ...

    def document_stamps(self) -> dict[str, str]: ...

    def iter_chunks(self, where: dict[str, Any] | None = None) -> Iterator[Chunk]: ...

    def vector_ids(self, query_vec: np.ndarray, k: int,
                   where: dict[str, Any] | None = None) -> list[tuple[str, float]]: ...


@dataclass
class Hit:
    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    kind: str = "passage"        # "passage" or "faq"
    heading_path: str = ""
    clause: str = ""
    page: int | None = None
    category: str = ""
    questions: list[str] = field(default_factory=list)
    answer: str = ""
    date: str = ""

    @property
    def source_label(self) -> str:
        parts = [f"《{self.title}》"]
        if self.kind == "faq":  # entries of one table share a category: number them so two never look alike
            ordinal = self.chunk_id.rsplit(":", 1)[-1]
            number = f" 第{int(ordinal) + 1}条" if ordinal.isdigit() else ""
            parts.append(f"{self.category or '问答'}{number}")
        elif self.clause:
            parts.append(self.clause)
        elif self.heading_path:
            parts.append(self.heading_path.split(" > ")[-1])
        if self.page:
            parts.append(f"第{self.page}页")
        return " ".join(parts)


@dataclass
class FaqMatch:
    """A standard answer returned verbatim (标准答案) because the question matched closely enough."""
    hit: Hit
    matched_question: str
    score: float


@dataclass
class RetrievalResult:
    query: str
    search_query: str                 # after follow-up rewriting
    hits: list[Hit] = field(default_factory=list)
    faq: FaqMatch | None = None
    refused: bool = False             # knowledge base has nothing on this
    confidence: float = 0.0
