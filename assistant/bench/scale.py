"""`python -m assistant.bench scale --chunks 50000`: query latency and memory at a large knowledge base.

Synthetic but realistic: passages are the NCPQA corpus's real chunks, shifted and recombined so the
lexical index sees real Chinese vocabulary; their vectors are the real chunk vectors (cached) with
small noise, so the store holds N distinct vectors without hours of embedding. Everything else is the
shipped path: a KnowledgeBase on chromadb (cached under .bench-cache/), the Retriever with its
lexical index rebuilt once, queries from the NCPQA eval embedded live.

Then what a trainer's change costs the next query: one more document of the same shape is added, replaced
(a tenth of its passages edited) and removed, and after each the index refresh is timed against the full rebuild
measured in the same run, with the peak memory of each phase. The store ends as it began, and the refreshed
index must score exactly as the first full rebuild did.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.bench.common import CACHE_DIR, SHARED_DATA, CachedEmbedder, Timer, percentiles, print_table, read_jsonl
from assistant.config import get_settings
from assistant.documents.chunking import chunk_document
from assistant.documents.model import Chunk
from assistant.retrieval.text import query_tokens

PER_DOC = 500  # chunks per synthetic document


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


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return rss_mb()


class PeakRss:
    """Highest resident memory while the block runs (sampled every 5 ms): the process peak would show the
    full rebuild's peak long after it ended."""

    def __enter__(self) -> "PeakRss":
        self.before = self.peak = current_rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, current_rss_mb())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss_mb())


def synthetic(corpus: Path, n: int, settings, embedder) -> tuple[list[list[Chunk]], dict[str, np.ndarray]]:
    from assistant.bench.retrieval import ncpqa_documents

    real = [c for did, d in ncpqa_documents(corpus) for c in chunk_document(d, did, settings)]
    vecs = CachedEmbedder(embedder).embed([c.index_text for c in real])
    rng = np.random.default_rng(0)
    docs: list[list[Chunk]] = []
    table: dict[str, np.ndarray] = {}
    for j in range(n):
        a, b = real[j % len(real)], real[(j * 7 + 3) % len(real)]
        cut = (j // len(real)) * 37 % max(1, len(a.text) // 2)
        text = (a.text[cut:] + b.text[: cut])[: settings.max_passage_chars] + f"（第{j}号）"
        doc_no = j // PER_DOC
        if doc_no == len(docs):
            docs.append([])
        c = Chunk(doc_id=f"syn{doc_no:04d}", ordinal=len(docs[-1]), text=text, title=f"{a.title}（汇编{doc_no}）")
        v = vecs[j % len(real)] + rng.normal(0, 0.02, vecs.shape[1]).astype(np.float32)
        table[c.index_text] = (v / np.linalg.norm(v)).astype(np.float32)
        docs[-1].append(c)
    return docs, table


def put(kb, chunks: list[Chunk]) -> None:
    kb.put_document(doc_id=chunks[0].doc_id, title=chunks[0].title, source=chunks[0].doc_id,
                    kind="policy", sha256=f"{chunks[0].doc_id}-{len(chunks[0].text)}", chunks=chunks, user="bench")


def edited(chunks: list[Chunk], table: dict[str, np.ndarray]) -> list[Chunk]:
    """A new version of the document: every tenth passage reworded (vectors reused: the store needs no model)."""
    out = []
    for c in chunks:
        if c.ordinal % 10 == 0:
            new = replace(c, text=c.text + "（修订）")
            table[new.index_text] = table[c.index_text]
            c = new
        out.append(c)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.bench scale")
    ap.add_argument("--chunks", type=int, default=50000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--corpus", type=Path, default=SHARED_DATA / "ncpqa" / "corpus.jsonl")
    ap.add_argument("--eval", type=Path, default=SHARED_DATA / "ncpqa" / "eval.jsonl")
    args = ap.parse_args(argv)
    if args.chunks % PER_DOC:
        ap.error(f"--chunks 须为 {PER_DOC} 的倍数（每篇 {PER_DOC} 段）")
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
    docs, table = synthetic(args.corpus, args.chunks + PER_DOC, bench_settings, embedder)
    docs, extra = docs[:-1], docs[-1]  # one more document of the same shape, for the refresh measurements
    kb = KnowledgeBase(bench_settings, embedder=LookupEmbedder(table, embedder))
    if not (data_dir / "complete").exists():
        t0 = time.perf_counter()
        with kb.writing():
            for chunks in docs:
                put(kb, chunks)
        (data_dir / "complete").write_text("ok")
        print(f"写入 {args.chunks} 段到 chromadb：{time.perf_counter() - t0:.0f} s")
    if kb.get_document(extra[0].doc_id) is not None:  # left by an interrupted run
        with kb.writing():
            kb.remove_document(extra[0].doc_id)
    base_rss = rss_mb()
    retriever = Retriever(kb, bench_settings, embedder, persist=True)
    shutil.rmtree(retriever.folder, ignore_errors=True)  # measure a full rebuild
    t0 = time.perf_counter()
    with PeakRss() as build_mem:
        st = retriever.state()
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    Retriever(kb, bench_settings, embedder).state()
    load_s = time.perf_counter() - t0
    queries = [r["query"] for r in read_jsonl(args.eval)][: args.queries]
    retriever.search(queries[0])  # warm-up
    total, emb, lex, vec, vec_full = Timer(), Timer(), Timer(), Timer(), Timer()
    for q in queries:
        with emb:
            qv = embedder.embed([q])[0]
        with lex:
            st.passage_bm25.scores(query_tokens(q))
        with vec:
            kb.vector_ids(qv, 60)
        with vec_full:  # baseline: the same search reading texts and metadata back, as before vector_ids
            kb.vector_search(qv, 60)
        with total:
            retriever.search(q)
    rows = [(name, f"{percentiles(t.ms)[0]:.1f}", f"{percentiles(t.ms)[1]:.1f}")
            for name, t in (("query embedding", emb), ("BM25 scores", lex), ("chromadb top-60 (ids)", vec),
                            ("baseline: chromadb top-60 with texts+metadata", vec_full),
                            ("Retriever.search (total)", total))]
    print_table(f"规模：{len(st.passages)} 段 / {len(st.doc_ids)} 篇，{len(queries)} 问",
                ["stage", "p50 ms", "p95 ms"], rows)
    disk = sum(p.stat().st_size for p in retriever.folder.rglob("*") if p.is_file()) / 1e6
    print(f"词面索引：重建 {build_s:.1f} s，从磁盘加载 {load_s:.1f} s，磁盘 {disk:.0f} MB；"
          f"进程峰值内存 {rss_mb():.0f} MB（建索引前 {base_rss:.0f} MB）")

    # what the index scored before the changes (kept as scores, not as a second index in memory)
    probes = [query_tokens(q) for q in queries[:50]]
    chunk_ids = [c.id for c in st.chunks]
    expected = [(st.passage_bm25.scores(qt), st.doc_bm25.scores(qt)) for qt in probes]
    del st
    changes = (("add one document", extra),
               ("replace it (1/10 of passages edited)", edited(extra, table)),
               ("remove it", None))
    rows = [("full rebuild", f"{build_s:.2f}", "1.000", f"{build_mem.peak:.0f}",
             f"{build_mem.peak - build_mem.before:+.0f}")]
    for name, chunks in changes:
        with kb.writing():
            if chunks is None:
                kb.remove_document(extra[0].doc_id)
            else:
                put(kb, chunks)
        t0 = time.perf_counter()
        with PeakRss() as mem:
            retriever.state()
        took = time.perf_counter() - t0
        rows.append((name, f"{took:.2f}", f"{took / build_s:.3f}", f"{mem.peak:.0f}", f"{mem.peak - mem.before:+.0f}"))
    print_table(f"培训人员改动一篇（{len(extra)} 段）之后的下一次查询：词面索引刷新（与同次运行的完整重建相比）",
                ["index after", "seconds", "x full rebuild", "peak RSS MB", "Δ RSS MB"], rows)
    after = retriever.state()
    same = [c.id for c in after.chunks] == chunk_ids and all(
        np.array_equal(after.passage_bm25.scores(qt), passage) and np.array_equal(after.doc_bm25.scores(qt), doc)
        for qt, (passage, doc) in zip(probes, expected))
    print(f"加、换、删之后刷新的索引与最初完整重建的逐项得分{'完全一致' if same else '不一致（错误）'}。")
    return 0 if same else 1

