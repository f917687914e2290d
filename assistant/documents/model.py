"""Records that flow from loaders through cleaning and chunking into the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    READY = "ready"
    ENCRYPTED = "encrypted"
    SCANNED = "scanned"          # image-only pages, no text layer
    GARBLED = "garbled"          # mojibake / no text mapping
    EMPTY = "empty"
    UNSUPPORTED = "unsupported"  # .doc/.wps/.ofd/.pptx/images ...
    BROKEN = "broken"            # truncated / unreadable file
    FAILED = "failed"            # anything else (store error, crash)
    REVIEW = "review"            # indexed but not cited until a trainer confirms (not policy text, low OCR confidence)


class IngestError(Exception):
    """A file that cannot become ready chunks. ``message`` is the Chinese sentence shown to users."""

    def __init__(self, status: Status, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Section:
    """A run of cleaned text with where it came from (page, heading path)."""
    text: str
    page: int | None = None
    heading_path: list[str] = field(default_factory=list)


@dataclass
class FaqEntry:
    question: str
    answer: str
    similar: list[str] = field(default_factory=list)
    category: str = ""
    basis: str = ""  # 依据, stated in general terms

    @property
    def questions(self) -> list[str]:
        return [self.question, *self.similar]


@dataclass
class LoadedDocument:
    title: str
    source: str           # file name as uploaded
    kind: str             # "policy" or "faq"
    sections: list[Section] = field(default_factory=list)
    faq: list[FaqEntry] = field(default_factory=list)
    date: str = ""        # ISO date if the document states one (成文/发布日期), else ""
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)   # pages whose text came from OCR (1-based)
    ocr_confidence: float | None = None                   # character-weighted mean over those pages
    review: str = ""      # why a trainer must confirm before the document is cited ("" = ready)


@dataclass
class Chunk:
    """One indexed unit. ``text`` is what staff see; ``index_text`` is what retrieval matches."""
    doc_id: str
    ordinal: int
    text: str
    title: str
    kind: str = "passage"       # "passage" or "faq"
    heading_path: str = ""      # "第二章 参保登记 > 第八条"
    clause: str = ""            # "第八条" / "（三）" / ""
    page: int | None = None
    category: str = ""
    questions: list[str] = field(default_factory=list)  # faq only: standard question first
    answer: str = ""                                    # faq only
    date: str = ""
    # where and when the document applies (documents.jurisdiction.DocumentMeta); "" = unknown
    region: str = ""            # "河南省/南阳市"; "" national or unknown
    level: str = ""             # 全国 / 省 / 市 / 区县
    effective_from: str = ""    # YYYY-MM-DD
    valid_until: str = ""       # YYYY-MM-DD
    validity: str = ""          # current / expired / repealed as stated; "" unknown
    replaced_by: str = ""       # title of the replacing document

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.ordinal:05d}"

    @property
    def index_text(self) -> str:
        if self.kind == "faq":
            return "\n".join(self.questions)
        return f"{self.title}\n{self.text}"
