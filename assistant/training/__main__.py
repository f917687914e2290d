"""``python -m assistant.training``: refit the shipped triage models and write them to assistant/replies/models/.

Emotion and department models come from ../shared data; intent, the risk classifier and the tone classifier from
labelled/ (train and tune roles; the final sets, risk v9 and tone v2, are never used). The risk exemplar vectors
are not written here: the app derives them from labelled/risk on first use.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant.replies.classifier import MODEL_DIR, save
from assistant.replies.text import normalise
from assistant.replies.vectors import embed_texts
from assistant.training import data, fit

PARTS = ("emotion", "department", "intent", "risk", "tone", "staff", "verifier")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.training",
                                 description="重新训练分诊模型（情绪、部门分流、意图、风险、语气）并写入 assistant/replies/models/")
    ap.add_argument("--cache", type=Path, default=None, help="句向量缓存文件（.npz），可省去重复编码的时间")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS),
                    help="只重训这几部分（默认全部；情绪模型要编码约 9 千条微博，2 核上需要几分钟）")
    args = ap.parse_args(argv)
    needs_shared = {"emotion", "department"} & set(args.only)
    if needs_shared and (not data.EMOTION_FILE.exists() or not data.MESSAGES_FILE.exists()):
        print(f"找不到训练数据 {data.SHARED_DATA}：请把共享数据目录放在仓库旁边的 ../shared 后重试"
              "（风险、语气、意图模型只用本项目的数据：可用 --only risk tone intent）。")
        return 1
    if "emotion" in args.only:
        t0 = time.time()
        pairs = data.emotion_training()
        texts, labels = [t for t, _ in pairs], [y for _, y in pairs]
        source = {"source": "../shared/data/emotion (train+dev)", "rows": len(pairs), "rows_sha256": data.pairs_hash(pairs)}
        vectors = data.embed_cached(texts, fit.EMOTION_PARAMS["embedder"], args.cache)
        save(fit.fit_text_model("emotion", texts, labels, vectors, fit.EMOTION_PARAMS, source), args.out)
        # fallback when the sentence-vector model is not installed: char n-grams only
        save(fit.fit_text_model("emotion_char", texts, labels, None, fit.EMOTION_PARAMS, source), args.out)
        print(f"emotion: {len(texts)} distinct texts (train+dev) in {time.time() - t0:.0f}s")
    if "department" in args.only:
        pairs = data.department_training()
        source = {"source": "../shared/data/citizen_messages (train+dev)", "rows": len(pairs),
                  "rows_sha256": data.pairs_hash(pairs)}
        save(fit.fit_text_model("department", [t for t, _ in pairs], [y for _, y in pairs], None, fit.DEPT_PARAMS,
                                source), args.out)
        print(f"department: {len(pairs)} messages (train+dev)")
    if "intent" in args.only:
        rows = data.intent_rows()
        save(fit.fit_intent(rows, fit.labelled_source("intent", ("train",), rows, ("intent",))), args.out)
        print(f"intent: {len(rows)} labelled utterances")
    if "risk" in args.only:
        rows = data.risk_rows()
        vectors = embed_texts([normalise(r["text"]) for r in rows])
        save(fit.fit_risk(rows, vectors, fit.labelled_source("risk", ("train", "tune"), rows, ("risk",))), args.out)
        print(f"risk: {len(rows)} labelled sentences ({sum(1 for r in rows if r['risk'])} red flags)")
    if "tone" in args.only:
        rows = data.tone_rows()
        vectors = embed_texts([r["text"].strip() for r in rows])
        save(fit.fit_tone(rows, vectors, fit.labelled_source("tone", ("train", "tune"), rows, ("labels",))), args.out)
        print(f"tone: {len(rows)} labelled drafts ({sum(1 for r in rows if r['labels'])} with a problem)")
    if "staff" in args.only:
        rows = data.staff_rows()
        vectors = embed_texts([r["text"].strip() for r in rows])
        save(fit.fit_staff(rows, vectors, fit.labelled_source(
            "staff", ("train", *(f"dialogues/{r}" for r in data.FIT_DIALOGUES)), rows, ("staff",))), args.out)
        print(f"staff: {len(rows)} labelled lines ({sum(1 for r in rows if r['staff'])} staff questions)")
    if "verifier" in args.only:
        from assistant.training import verifier

        made = verifier.fit(args.out)
        print(f"verifier: {made['trained_on']['rows']} questions, {made['trained_on']['examples']} candidates; "
              f"threshold {made['threshold']} (cross-validated)")
    for p in sorted(args.out.glob("*.npz")):
        print(f"  {p.name}: {p.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
