"""`python -m assistant.bench ingest [--parts ocr,samples,pdf,corpus] --corpus ../shared/data/ncpqa/corpus.jsonl`

Parts: OCR accuracy and speed on rendered pages (bench.ocr), the real sample files and a 100-page text PDF end to
end (bench.ingest_files), and the corpus run below. Corpus: ingests a JSONL corpus ({id, text}) through the real path (files on disk -> loaders -> cleaning -> chunking ->
embedding -> chromadb + registry) into a temporary store, and prints time, docs/s and chunks/s. Baselines measured
in the same run: the very same chunk texts embedded alone by the torch reference path (today's path before the int8
graph), by the configured path in order and length-sorted, so the ratios show the encoder's gain and what the rest of
the pipeline costs.
"""
from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from assistant.config import PROJECT_ROOT, get_settings

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "data" / "ncpqa" / "corpus.jsonl"


def write_corpus_files(corpus: Path, folder: Path, limit: int | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with open(corpus, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            row = json.loads(line)
            path = folder / f"{row['id']}.txt"
            path.write_text(row["text"], encoding="utf-8")
            paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.bench ingest")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--parts", default="ocr,samples,pdf,corpus",
                    help="comma-separated: ocr (rendered pages), samples (ingestion_samples), pdf (100 pages), corpus")
    ap.add_argument("--ocr-pages", type=int, default=2, help="rendered pages per OCR condition and engine")
    args = ap.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if "ocr" in parts:
        from assistant.bench import ocr

        ocr.print_table(ocr.run(args.ocr_pages))
        ocr.sample_scans(PROJECT_ROOT.parent / "shared" / "data" / "ingestion_samples")
    if parts & {"samples", "pdf"}:
        from assistant.bench import ingest_files

        if "samples" in parts:
            ingest_files.samples(get_settings())
        if "pdf" in parts:
            ingest_files.hundred_page_pdf(get_settings())
    if "corpus" not in parts:
        return 0
    if not args.corpus.exists():
        print(f"找不到语料 {args.corpus}（需要 ../shared/data）。")
        return 2
    from assistant.ingest import add_paths
    from assistant.store.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        settings = get_settings().with_data_dir(Path(tmp) / "data")
        files = write_corpus_files(args.corpus, Path(tmp) / "corpus", args.limit)
        kb = KnowledgeBase(settings)
        kb.embedder.embed(["预热"])  # model load is not ingestion time
        t0 = time.perf_counter()
        summary = add_paths(kb, files, user="bench")
        total = time.perf_counter() - t0
        chunks = list(kb.iter_chunks())
        texts = [c.index_text for c in chunks]
        from assistant.store.embedding import get_embedder

        reference = get_embedder(replace(settings, embedding_backend="torch"))
        reference.embed(["预热"])

        def embed_all(embedder, order: list[int]) -> float:
            t = time.perf_counter()
            for start in range(0, len(order), settings.embedding_batch):
                embedder.embed([texts[i] for i in order[start:start + settings.embedding_batch]])
            return time.perf_counter() - t

        in_order = list(range(len(texts)))
        by_length = sorted(in_order, key=lambda i: len(texts[i]))   # similar lengths share a batch: less padding
        timed = {  # interleaved, so load on the machine falls on both paths alike
            "baseline: embedding only, torch": embed_all(reference, in_order),
            f"embedding only, {kb.embedder.key}": embed_all(kb.embedder, in_order),
            f"  length-sorted, {kb.embedder.key}": embed_all(kb.embedder, by_length),
        }
        lengths = sorted(len(c.text) for c in chunks)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(files)
    print(f"语料 {args.corpus.name}: {n} 个文档 -> {len(chunks)} 段（{summary.line()}）")
    print(f"嵌入模型 {settings.embedding_model}（{settings.embedding_backend}），分段 {settings.chunk_size}/"
          f"{settings.chunk_overlap}，段长中位数 {lengths[len(lengths) // 2] if lengths else 0} 字，"
          f"最长 {lengths[-1] if lengths else 0} 字")
    print(f"{'method':36} {'seconds':>9} {'docs/s':>8} {'chunks/s':>9}")
    print(f"{'ingest (full real path)':36} {total:9.1f} {n / total:8.2f} {len(chunks) / total:9.1f}")
    for label, secs in timed.items():
        print(f"{label:36} {secs:9.1f} {n / secs:8.2f} {len(chunks) / secs:9.1f}")
    base, fast, srt = timed.values()
    print(f"embedding only: {kb.embedder.key} {base / fast:.2f}x the torch path; length-sorted/in-order "
          f"{fast / srt:.2f}x; full/embedding-only {total / fast:.2f}x   peak RSS {rss_mb:.0f} MB")
    return 0 if not summary.failed else 1
