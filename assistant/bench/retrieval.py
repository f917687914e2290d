"""`python -m assistant.bench retrieval --corpus ../shared/data/ncpqa/corpus.jsonl --eval ../shared/data/ncpqa/eval.jsonl`

Ingests the corpus through the shipped chunker and store (KnowledgeBase.put_document) into a store
cached under .bench-cache/, then prints one row per method with hit@1/@5, MRR, budget-hit@1500,
mean passage length and p50/p95 latency, plus hybrid/bm25 ratios measured in the same run. A hit
is a retrieved passage that contains the labelled answer (NFKC, whitespace removed on both sides).
``--tune`` prints the fusion grid on the tune half and the chosen weights on the held-out half.
Also prints refusal rates: out-of-domain (chit-chat, unrelated citizen messages) vs in-domain, and (see
``bench.rejection``) negative rejection with each answer's documents hidden, false refusal with nothing hidden,
hit@1/@5 per half before and after ranking by place and validity, and the wrong-place share of the top passage.
"""
from __future__ import annotations

import argparse
import inspect
import os
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.bench.common import (CACHE_DIR, SHARED_DATA, CachedEmbedder, Timer, answer_hit, budget_hit,
                                    file_hash, in_tune_half, percentiles, print_table, rank_of, read_jsonl,
                                    summarize, with_embedding)
from assistant.config import Settings, get_settings
from assistant.bench import rejection
from assistant.documents import chunking, jurisdiction, places
from assistant.documents.places import PLACES_FILE
from assistant.documents.model import Chunk, LoadedDocument, Section
from assistant.retrieval.fusion import PASSAGE_WEIGHTS, ChannelWeights, fuse
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.text import tokens

# Chit-chat and off-topic requests staff may type; written for this benchmark.
CHITCHAT = [
    "你好", "在吗", "谢谢你", "今天天气怎么样", "明天会下雨吗", "给我讲个笑话", "你叫什么名字", "你是机器人吗",
    "附近有什么好吃的餐馆", "推荐一部好看的电影", "周末去哪里玩比较好", "怎么做红烧肉", "世界杯冠军是谁",
    "帮我写一首关于春天的诗", "现在几点了", "我心情不好想聊聊天", "手机屏幕碎了去哪里修", "猫咪不吃饭怎么办",
    "怎么减肥最快", "学英语有什么好方法", "最近有什么热门的电视剧", "火锅底料怎么炒", "宝宝晚上总哭怎么办",
    "哪个牌子的洗衣机好用", "股票明天会涨吗", "比特币值得买吗", "如何提高打篮球的水平", "吉他入门先学什么",
    "你喜欢什么颜色", "地球到月球有多远", "为什么天空是蓝色的", "怎么养多肉植物", "跑步膝盖疼怎么办",
    "明天早上叫我起床", "唱首歌给我听", "帮我订一张去三亚的机票", "怎样才能睡个好觉", "电脑开机很慢怎么办",
    "有什么好听的流行歌曲", "狗狗掉毛严重怎么处理",
]
# Citizen-message topics the policy corpus (2020 epidemic notices) does not cover.
_CORPUS_TOPICS = re.compile("疫|新冠|肺炎|防控|复工|复产|口罩|隔离|社保|社会保险|公积金|税|补贴|补助|减免|缓缴|返岗|稳岗|"
                            "就业|企业|医保|核酸|健康码|物资|贷款|租金|开学|学校|招聘|返程|交通|通行|车辆|政务|审批|办理")


def ncpqa_title(text: str) -> str:
    head = re.split(r"\s", text.strip(), maxsplit=1)[0]
    return head if len(head) <= 60 else head[:30]


def ncpqa_documents(corpus: Path) -> list[tuple[str, LoadedDocument]]:
    return [(d["id"], LoadedDocument(title=ncpqa_title(d["text"]), source=f"{d['id']}.txt", kind="policy",
                                     sections=[Section(d["text"])]))
            for d in read_jsonl(corpus)]


def build_store(corpus: Path, settings: Settings, embedder) -> object:
    """A KnowledgeBase holding the corpus, cached by corpus, chunker code and chunk settings."""
    from assistant.store.kb import KnowledgeBase

    key = file_hash(corpus, PLACES_FILE, extra=inspect.getsource(chunking) + inspect.getsource(Chunk)
                    + inspect.getsource(places) + inspect.getsource(jurisdiction)
                    + f"{settings.chunk_size}/{settings.chunk_overlap}/{settings.max_passage_chars}/{embedder.key}")
    data_dir = CACHE_DIR / f"store-{corpus.stem}-{key}"
    bench_settings = replace(settings.with_data_dir(data_dir), chroma_host=None, collection="bench")
    kb = KnowledgeBase(bench_settings, embedder=embedder)
    if (data_dir / "complete").exists():
        return kb
    docs = ncpqa_documents(corpus)
    print(f"建立基准知识库（{len(docs)} 篇，首次需嵌入，之后使用缓存）：{data_dir}", flush=True)
    with kb.writing():
        for i, (doc_id, loaded) in enumerate(docs):
            chunks = chunking.chunk_document(loaded, doc_id, bench_settings)
            kb.put_document(doc_id=doc_id, title=loaded.title, source=loaded.source, kind="policy",
                            sha256=doc_id, chunks=chunks, user="bench")
            if (i + 1) % 100 == 0:
                print(f"  {i + 1}/{len(docs)} 篇", flush=True)
    (data_dir / "complete").write_text("ok")
    return kb


def _candidates(retriever: Retriever, query: str, qvec: np.ndarray):
    """Per-query raw scores (lexical, document, vector) so weight grids need no re-search."""
    st = retriever.state()
    qt = retriever_tokens(query)
    lex = st.passage_bm25.scores(qt)
    doc = st.doc_bm25.scores(qt)
    top = np.argsort(-lex)[:50]
    top = top[lex[top] > 0]
    lexical = {st.passages[i]: float(lex[i]) for i in top}
    vector = {}
    for chunk, sim in retriever.kb.vector_search(qvec, 60):
        if chunk.id in st.by_id:
            vector[st.by_id[chunk.id]] = sim
    pos = {ci: p for p, ci in enumerate(st.passages)}
    document = {ci: float(doc[st.passage_doc[pos[ci]]]) for ci in set(lexical) | set(vector)}
    return lexical, vector, document


def retriever_tokens(query: str) -> list[str]:
    from assistant.retrieval.text import query_tokens

    return query_tokens(query)


def _evaluate(ranked_texts: list[list[str]], answers: list[str], k: int, budget: int) -> dict[str, float]:
    ranks = [rank_of(answer_hit(a, texts[:k])) for a, texts in zip(answers, ranked_texts)]
    out = summarize(ranks)
    out["budget"] = sum(budget_hit(a, t, budget) for a, t in zip(answers, ranked_texts)) / max(1, len(answers))
    lens = [len(t) for texts in ranked_texts for t in texts[:k]]
    out["len"] = float(np.mean(lens)) if lens else 0.0
    return out


def tune(retriever: Retriever, rows: list[dict], qvecs: dict[str, np.ndarray], k: int, budget: int) -> None:
    st = retriever.state()
    cands = {r["query"]: _candidates(retriever, r["query"], qvecs[r["query"]]) for r in rows}
    tune_rows = [r for r in rows if in_tune_half(r.get("qid") or r["query"])]
    test_rows = [r for r in rows if not in_tune_half(r.get("qid") or r["query"])]
    grid = []
    for w in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        for d in (0.0, 0.25, 0.5, 0.75, 1.0):
            cw = ChannelWeights(lexical=w, document=d)
            res = {}
            for name, part in (("tune", tune_rows), ("test", test_rows)):
                texts = []
                for r in part:
                    lex, vec, doc = cands[r["query"]]
                    texts.append([st.chunks[ci].text for ci, _ in fuse(lex, vec, cw, doc)[:10]])
                res[name] = _evaluate(texts, [r["answer"] for r in part], k, budget)
            grid.append((w, d, res))
    best = max(grid, key=lambda g: (g[2]["tune"]["mrr"], g[2]["tune"]["hit@5"]))
    print_table(f"融合权重网格（调参半 n={len(tune_rows)}；留出半 n={len(test_rows)}）",
                ["lexical", "document", "tune hit@1", "tune hit@5", "tune MRR", "test hit@1", "test hit@5", "test MRR"],
                [(w, d, r["tune"]["hit@1"], r["tune"]["hit@5"], r["tune"]["mrr"], r["test"]["hit@1"],
                  r["test"]["hit@5"], r["test"]["mrr"]) for w, d, r in grid])
    print(f"按调参半 MRR 选出：lexical={best[0]} document={best[1]}；留出半："
          f"hit@1 {best[2]['test']['hit@1']:.3f} hit@5 {best[2]['test']['hit@5']:.3f} MRR {best[2]['test']['mrr']:.3f}")


def run_methods(retriever: Retriever, rows: list[dict], k: int, budget: int) -> dict[str, dict]:
    st = retriever.state()
    answers = [r["answer"] for r in rows]
    results: dict[str, dict] = {}

    def record(name, texts, timer):
        results[name] = _evaluate(texts, answers, k, budget)
        results[name]["p50"], results[name]["p95"] = percentiles(timer.ms)

    timer, texts = Timer(), []
    for r in rows:  # baseline: plain bigram BM25 on the same passages (whole query, no document score)
        with timer:
            s = st.passage_bm25.scores(tokens(r["query"]))
            top = np.argsort(-s)[:k]
        texts.append([st.chunks[st.passages[i]].text for i in top])
    record("bm25", texts, timer)

    lexical_only = Retriever(retriever.kb, retriever.settings, retriever.embedder, persist=False,
                             passage_weights=ChannelWeights(lexical=1.0, document=PASSAGE_WEIGHTS.document))
    lexical_only._state = st
    timer, texts = Timer(), []
    for r in rows:
        with timer:
            res = lexical_only.search(r["query"], k=k)
        texts.append([h.text for h in res.hits])
    record("lexical recipe", texts, timer)

    timer, texts = Timer(), []
    for r in rows:
        qvec = retriever.embedder.embed([r["query"]])[0]
        with timer:
            found = retriever.kb.vector_search(qvec, k)
        texts.append([c.text for c, _ in found])
    record("vector", texts, timer)

    timer, texts = Timer(), []
    for r in rows:
        with timer:
            res = retriever.search(r["query"], k=k)
        texts.append([h.text for h in res.hits])
    record("hybrid (shipped)", texts, timer)
    return results


def live_latency(retriever: Retriever, embedder, rows: list[dict], n: int = 100) -> tuple[Timer, Timer]:
    """Query embedding and the full shipped search with a live (uncached) embedder, on ``n`` queries."""
    live = Retriever(retriever.kb, retriever.settings, embedder, persist=False)
    live._state = retriever.state()
    emb, total = Timer(), Timer()
    for r in rows[:n]:
        with emb:
            embedder.embed([r["query"]])
        with total:
            live.search(r["query"])
    return emb, total


def refusal(retriever: Retriever, in_domain: list[str], messages: Path) -> None:
    """Calibrate the refusal threshold on the tune halves, report on the held-out halves."""
    ood = list(CHITCHAT)
    if messages.exists():
        titles = [m["title"] for m in read_jsonl(messages)]
        ood += [t for t in titles if not _CORPUS_TOPICS.search(t)]
    conf = {q: retriever.search(q).confidence for q in set(in_domain) | set(ood)}
    halves = {p: ([conf[q] for q in in_domain if in_tune_half(q) == (p == "tune")],
                  [conf[q] for q in ood if in_tune_half(q) == (p == "tune")]) for p in ("tune", "test")}
    grid = []
    for th in np.arange(0.30, 0.61, 0.025):
        th = round(float(th), 3)
        row = [th]
        for part in ("tune", "test"):
            ins, outs = halves[part]
            row += [sum(c < th for c in outs) / max(1, len(outs)), sum(c < th for c in ins) / max(1, len(ins))]
        grid.append(row)
    print_table("拒答阈值扫描（confidence = 最佳前 3 段/FAQ 问法覆盖查询二元组的比例）",
                ["threshold", "tune 域外拒答率", "tune 域内误拒率", "test 域外拒答率", "test 域内误拒率"], grid)
    ok = [g for g in grid if g[2] <= 0.04] or grid[:1]
    chosen = max(ok, key=lambda g: (g[1], -g[0]))
    shipped = retriever.thresholds.refuse_below
    at = next((g for g in grid if abs(g[0] - shipped) < 1e-6), None)
    print(f"调参半上选出（域内误拒 ≤ 0.04 时域外拒答最高）：{chosen[0]}；留出半：域外拒答 {chosen[3]:.3f}，"
          f"域内误拒 {chosen[4]:.3f}（域外 n={len(halves['test'][1])}，域内 n={len(halves['test'][0])}）")
    if at:
        print(f"已发布阈值 {shipped}：留出半域外拒答 {at[3]:.3f}，域内误拒 {at[4]:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.bench retrieval")
    ap.add_argument("--corpus", type=Path, default=SHARED_DATA / "ncpqa" / "corpus.jsonl")
    ap.add_argument("--eval", type=Path, default=SHARED_DATA / "ncpqa" / "eval.jsonl")
    ap.add_argument("--messages", type=Path, default=SHARED_DATA / "citizen_messages" / "messages_labeled.jsonl")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--budget", type=int, default=1500)
    ap.add_argument("--split", choices=["all", "tune", "test"], default="all")
    ap.add_argument("--model", help="EMBEDDING_MODEL for this run (m3e-small, use-multilingual, a folder)")
    ap.add_argument("--backend", help="EMBEDDING_BACKEND for this run (onnx-int8, torch)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N eval queries (quick runs)")
    ap.add_argument("--tune", action="store_true", help="print the fusion weight grid (tune half vs held-out half)")
    ap.add_argument("--no-refusal", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus.exists() or not args.eval.exists():
        print(f"找不到评测数据：{args.corpus} / {args.eval}（需要 ../shared/data）。")
        return 1
    from assistant.store.embedding import get_embedder

    settings = with_embedding(get_settings(), args.model, args.backend)
    embedder = get_embedder(settings)
    kb = build_store(args.corpus, settings, CachedEmbedder(embedder))
    # accuracy runs reuse cached query vectors; latency with live embedding is measured separately below
    retriever = Retriever(kb, kb.settings, CachedEmbedder(embedder), as_of=rejection.CORPUS_DAY)
    rows = read_jsonl(args.eval)
    if args.split != "all":
        rows = [r for r in rows if in_tune_half(r.get("qid") or r["query"]) == (args.split == "tune")]
    if args.limit:
        rows = rows[: args.limit]
    st = retriever.state()
    print(f"语料 {len(st.doc_ids)} 篇 / {len(st.passages)} 段；评测 {len(rows)} 问（{args.split}）；"
          f"嵌入模型 {embedder.key}；分段 {settings.chunk_size}/{settings.chunk_overlap}，展示上限 {settings.max_passage_chars} 字")
    qv = retriever.embedder.embed([r["query"] for r in rows])
    if args.tune:
        tune(retriever, rows, dict(zip([r["query"] for r in rows], qv)), args.k, args.budget)
    results = run_methods(retriever, rows, args.k, args.budget)
    base = results["bm25"]
    print_table(f"NCPQA 检索（k={args.k}，budget={args.budget} 字）",
                ["method", "hit@1", f"hit@{args.k}", "MRR", f"budget-hit@{args.budget}", "mean len", "p50 ms", "p95 ms"],
                [(m, r["hit@1"], r["hit@5"], r["mrr"], r["budget"], f"{r['len']:.0f}", f"{r['p50']:.1f}",
                  f"{r['p95']:.1f}") for m, r in results.items()])
    emb, total = live_latency(retriever, embedder, rows)
    print(f"（上表延迟不含查询嵌入。）实时查询嵌入 p50/p95 {percentiles(emb.ms)[0]:.1f}/{percentiles(emb.ms)[1]:.1f} ms；"
          f"含嵌入的完整 hybrid 检索 p50/p95 {percentiles(total.ms)[0]:.1f}/{percentiles(total.ms)[1]:.1f} ms"
          f"（{len(emb.ms)} 问）")
    hy = results["hybrid (shipped)"]
    print(f"hybrid / bm25: hit@1 ×{hy['hit@1'] / max(1e-9, base['hit@1']):.2f}, "
          f"hit@5 ×{hy['hit@5'] / max(1e-9, base['hit@5']):.2f}, MRR ×{hy['mrr'] / max(1e-9, base['mrr']):.2f}, "
          f"budget ×{hy['budget'] / max(1e-9, base['budget']):.2f}")
    if not args.no_refusal:
        refusal(retriever, [r["query"] for r in read_jsonl(args.eval)], args.messages)
        docs = {d["id"]: d["text"] for d in read_jsonl(args.corpus)}
        outcomes = rejection.collect(retriever, rows, docs)
        if os.environ.get("BENCH_DUMP_SIGNALS"):   # for working on the refusal rule offline
            import dataclasses
            import json as _json
            Path(os.environ["BENCH_DUMP_SIGNALS"]).write_text(
                _json.dumps([dataclasses.asdict(o) for o in outcomes], ensure_ascii=False), encoding="utf-8")
        rejection.report(outcomes, retriever.thresholds)
    return 0
