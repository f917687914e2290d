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
    # where and when the passage's document applies (see ``assistant.documents.jurisdiction``); "" = unknown
    region: str = ""             # "河南省/南阳市"; "" for national or unknown documents
    level: str = ""              # 全国 / 省 / 市 / 区县 / ""
    effective_from: str = ""     # YYYY-MM-DD 施行日期
    valid_until: str = ""        # YYYY-MM-DD 有效期至
    validity: str = ""           # on the day of the search: current / expired / repealed / pending (尚未施行) / ""
    replaced_by: str = ""        # title of the document that replaced it
    # how the document's region relates to the place asked about (or the centre's own region):
    # "same" (that place, a place within it, or the province containing it), "national", "unknown" (no region),
    # "named" (filed under another place, but this passage names the asked one),
    # "other" (another place: not to be read out as the rule here); "" when no place was asked and none is set
    place_match: str = ""

    @property
    def quotable(self) -> bool:
        """Whether the passage may be read aloud as the rule that applies now and here."""
        return self.validity not in ("expired", "repealed", "pending") and self.place_match != "other"

    @property
    def validity_label(self) -> str:
        """现行有效 / 已过有效期 / 已废止 / 尚未施行 / 未标注, for the page beside the source."""
        return {"current": "现行有效", "expired": "已过有效期", "repealed": "已废止", "pending": "尚未施行"}.get(
            self.validity, "未标注")

    @property
    def source_label(self) -> str:
        parts = [f"《{self.title}》"]
        if self.kind == "faq":  # entries of one table share a category: number them so two never look alike
            ordinal = self.chunk_id.rsplit(":", 1)[-1]
            number = f" 第{int(ordinal) + 1}条" if ordinal.isdigit() else ""
            parts.append(f"{self.category or '问答'}{number}")
        elif self.clause:
            # a bare enumerator ("（四）") says little when the heading it opens says more ("（四）引导依法逐级走访")
            last = self.heading_path.split(" > ")[-1].strip() if self.heading_path else ""
            parts.append(last if last.startswith(self.clause) and len(last) <= 40 else self.clause)
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
    places: list[str] = field(default_factory=list)   # regions the question names ("河南省/南阳市"), in order
    home_region: str = ""             # the centre's region (Settings.region) used when the question names none
    refusal_reason: str = ""          # when refused: "empty", "coverage", "missing_terms", "wrong_place"
    signals: dict[str, float] = field(default_factory=dict)  # the values the refusal looked at (for the bench)
    known_share: float = 1.0          # share of the asked words' bigrams found anywhere in the KB
    known_terms: frozenset[str] = frozenset()   # those bigrams themselves
    asked: str = ""                   # whose matters say what is asked (the turn, or topic + turn; see rewrite)
    # the best FAQ entries, best first: (entry, its closest stored question, cosine); the composer checks each
    # is about the asked matter before one is quoted
    faq_candidates: list[tuple[Hit, str, float]] = field(default_factory=list)
