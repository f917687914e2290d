"""`python -m assistant.bench scale --chunks 50000`: query latency and memory at a large knowledge base.

Synthetic but realistic: passages are the NCPQA corpus's real chunks, shifted and recombined so the
lexical index sees real Chinese vocabulary; their vectors are the real chunk vectors (cached) with
small noise, so the store holds N distinct vectors without hours of embedding. Everything else is the
shipped path: a KnowledgeBase on chromadb (cached under .bench-cache/), the Retriever with its
lexical index rebuilt once, queries from the NCPQA eval embedded live.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.bench.common import CACHE_DIR, SHARED_DATA, CachedEmbedder, Timer, percentiles, print_table, read_jsonl
from assistant.config import get_settings
from assistant.documents.chunking import chunk_document
from assistant.documents.model import Chunk
from assistant.retrieval.text import query_tokens


class LookupEmbedder:
    """Vectors for known texts from a table; anything else (queries) from the real model."""

    def __init__(self, table: dict[str, np.ndarray], inner):
        self.table, self.inner, self.name, self.dim = table, inner, inner.name, inner.dim

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.table]
        if missing:
            for t, v in zip(missing, self.inner.embed(missing)):
                self.table[t] = v
        return np.stack([self.table[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def synthetic(corpus: Path, n: int, settings, embedder) -> tuple[list[list[Chunk]], dict[str, np.ndarray]]:
    from assistant.bench.retrieval import ncpqa_documents

    real = [c for did, d in ncpqa_documents(corpus) for c in chunk_document(d, did, settings)]
    vecs = CachedEmbedder(embedder).embed([c.index_text for c in real])
    rng = np.random.default_rng(0)
    docs: list[list[Chunk]] = []
    table: dict[str, np.ndarray] = {}
    per_doc = 500
    for j in range(n):
        a, b = real[j % len(real)], real[(j * 7 + 3) % len(real)]
        cut = (j // len(real)) * 37 % max(1, len(a.text) // 2)
        text = (a.text[cut:] + b.text[: cut])[: settings.max_passage_chars] + f"（第{j}号）"
        doc_no = j // per_doc
        if doc_no == len(docs):
            docs.append([])
        c = Chunk(doc_id=f"syn{doc_no:04d}", ordinal=len(docs[-1]), text=text, title=f"{a.title}（汇编{doc_no}）")
        v = vecs[j % len(real)] + rng.normal(0, 0.02, vecs.shape[1]).astype(np.float32)
        table[c.index_text] = (v / np.linalg.norm(v)).astype(np.float32)
        docs[-1].append(c)
    return docs, table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.bench scale")
    ap.add_argument("--chunks", type=int, default=50000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--corpus", type=Path, default=SHARED_DATA / "ncpqa" / "corpus.jsonl")
    ap.add_argument("--eval", type=Path, default=SHARED_DATA / "ncpqa" / "eval.jsonl")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"找不到 {args.corpus}（需要 ../shared/data）。")
        return 1
    from assistant.retrieval.retriever import Retriever
    from assistant.store.embedding import get_embedder
    from assistant.store.kb import KnowledgeBase

    settings = get_settings()
    embedder = get_embedder(settings)
    data_dir = CACHE_DIR / f"scale-{args.chunks}"
    bench_settings = replace(settings.with_data_dir(data_dir), chroma_host=None, collection="scale")
    docs, table = synthetic(args.corpus, args.chunks, bench_settings, embedder)
    kb = KnowledgeBase(bench_settings, embedder=LookupEmbedder(table, embedder))
    if not (data_dir / "complete").exists():
        t0 = time.perf_counter()
        with kb.writing():
            for chunks in docs:
                kb.put_document(doc_id=chunks[0].doc_id, title=chunks[0].title, source=chunks[0].doc_id,
                                kind="policy", sha256=chunks[0].doc_id, chunks=chunks, user="bench")
        (data_dir / "complete").write_text("ok")
        print(f"写入 {args.chunks} 段到 chromadb：{time.perf_counter() - t0:.0f} s")
    base_rss = rss_mb()
    retriever = Retriever(kb, bench_settings, embedder, persist=True)
    shutil.rmtree(retriever.folder, ignore_errors=True)  # measure a full rebuild
    t0 = time.perf_counter()
    st = retriever.state()
    build_s = time.perf_counter() - t0
    fresh = Retriever(kb, bench_settings, embedder)
    t0 = time.perf_counter()
    fresh.state()
    load_s = time.perf_counter() - t0
    queries = [r["query"] for r in read_jsonl(args.eval)][: args.queries]
    retriever.search(queries[0])  # warm-up
    total, emb, lex, vec = Timer(), Timer(), Timer(), Timer()
    for q in queries:
        with emb:
            qv = embedder.embed([q])[0]
        with lex:
            st.passage_bm25.scores(query_tokens(q))
        with vec:
            kb.vector_search(qv, 60)
        with total:
            retriever.search(q)
    rows = [(name, f"{percentiles(t.ms)[0]:.1f}", f"{percentiles(t.ms)[1]:.1f}")
            for name, t in (("query embedding", emb), ("BM25 scores", lex), ("chromadb top-60", vec),
                            ("Retriever.search (total)", total))]
    print_table(f"规模：{len(st.passages)} 段 / {len(st.doc_ids)} 篇，{len(queries)} 问",
                ["stage", "p50 ms", "p95 ms"], rows)
    disk = sum(p.stat().st_size for p in retriever.folder.rglob("*") if p.is_file()) / 1e6
    print(f"词面索引：重建 {build_s:.1f} s，从磁盘加载 {load_s:.1f} s，磁盘 {disk:.0f} MB；"
          f"进程峰值内存 {rss_mb():.0f} MB（建索引前 {base_rss:.0f} MB）")
    return 0
