"""The retriever as a LangChain ``BaseRetriever``, so it plugs into LangChain chains and the LLM path.

Each Document's page_content is what staff see (the passage, or the standard answer for an FAQ
entry); its metadata carries the source: title, heading path, clause, page, score, kind.
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.retrieval.model import Hit


def hit_to_document(hit: Hit, *, standard_answer: bool = False) -> Document:
    meta = {"chunk_id": hit.chunk_id, "doc_id": hit.doc_id, "title": hit.title, "heading_path": hit.heading_path,
            "clause": hit.clause, "page": hit.page, "score": hit.score, "kind": hit.kind,
            "category": hit.category, "date": hit.date, "source": hit.source_label,
            "standard_answer": standard_answer}
    if hit.kind == "faq":
        meta["question"] = hit.questions[0] if hit.questions else ""
    return Document(page_content=hit.answer or hit.text if hit.kind == "faq" else hit.text, metadata=meta)


class KnowledgeRetriever(BaseRetriever):
    """``retriever.invoke("居住证怎么办理")`` -> Documents; an FAQ direct match comes first, marked standard_answer."""

    retriever: Any
    k: int = 5
    filters: dict | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.retriever.search(query, k=self.k, filters=self.filters)
        docs = []
        if result.faq is not None:
            docs.append(hit_to_document(result.faq.hit, standard_answer=True))
        docs += [hit_to_document(h) for h in result.hits
                 if result.faq is None or h.chunk_id != result.faq.hit.chunk_id]
        if result.refused:
            return []
        return docs[: self.k]
