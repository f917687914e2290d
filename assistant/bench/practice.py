"""`python -m assistant.bench practice [--set tune]`: the practice scorer's agreement with labelled trainee replies.

Reads labelled/practice/NAME.jsonl (replies written to practice situations by someone who has not read the scorer,
each with its skill labels) and prints, per skill, the scorer's agreement beside two baselines measured in the same
run: "always pass" (every applicable skill met) and a naive keyword scorer (the 服务忌语 list, a few empathy words,
值班长/110 for risk). Agreement counts the replies whose label for the skill is not null; a scorer answer of
"not applicable" there counts as a disagreement. Then the confusion counts, the rows it got wrong, and the time one
practice turn takes (scoring + storing) over 5-turn runs of every shipped scenario.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings
from assistant.practice.scorer import Matter, score_reply
from assistant.practice.skills import SKILLS, SKILL_ZH

LABELLED = PROJECT_ROOT / "labelled" / "practice"
FAQ = PROJECT_ROOT / "knowledge" / "faq" / "常见问题示例.csv"


def faq_answers(path: Path = FAQ) -> dict[str, str]:
    with path.open(encoding="utf-8-sig") as fh:
        return {r["标准问题"].strip(): r["标准答案"] for r in csv.DictReader(fh)}


def matter_of(situation: dict, answers: dict[str, str]) -> Matter:
    m = situation["matter"]
    if m["type"] == "faq":
        if m["question"] not in answers:
            raise SystemExit(f"标注数据引用的问题“{m['question']}”不在 {FAQ.name} 里：请核对标注文件。")
        return Matter("faq", question=m["question"], answer=answers[m["question"]])
    if m["type"] == "not_in_kb":
        return Matter("not_in_kb", topic=m.get("topic", ""))
    return Matter("risk", kind=m.get("kind", ""))


_EMPATHY_WORDS = re.compile(r"理解|着急|抱歉|辛苦")


def naive(reply: str, matter: Matter) -> dict[str, bool | None]:
    """The keyword baseline: the 服务忌语 list by category, a few empathy words, a call word for risk."""
    from assistant.replies.lexicons import banned_phrases

    hit = {b.category for b in banned_phrases() if b.phrase in reply}
    out: dict[str, bool | None] = {
        "need_acknowledged": bool(_EMPATHY_WORDS.search(reply)), "no_shirking": "推诿" not in hit,
        "no_blame": "指责" not in hit, "no_overpromise": "越权承诺" not in hit,
        "policy_correct": None if matter.type == "risk" else True,
        "checklist_complete": True if matter.type == "faq" else None,
        "protocol_followed": bool(re.search(r"值班长|110|120|安保", reply)) if matter.type == "risk" else None}
    return out


def always(matter: Matter) -> dict[str, bool | None]:
    return {k: True for k in SKILLS} | {
        "policy_correct": None if matter.type == "risk" else True,
        "checklist_complete": True if matter.type == "faq" else None,
        "protocol_followed": True if matter.type == "risk" else None}


def agreement(rows: list[dict], preds: list[dict], skill: str) -> tuple[float | None, dict[str, int]]:
    conf = {"TP": 0, "FN": 0, "FP": 0, "TN": 0, "na": 0, "extra": 0}
    for r, p in zip(rows, preds):
        gold, got = r["labels"].get(skill), p.get(skill)
        if gold is None:
            conf["extra"] += got is not None
            continue
        if got is None:
            conf["na"] += 1
        elif gold and got:
            conf["TP"] += 1
        elif gold:
            conf["FN"] += 1
        elif got:
            conf["FP"] += 1
        else:
            conf["TN"] += 1
    n = sum(conf[k] for k in ("TP", "FN", "FP", "TN", "na"))
    return ((conf["TP"] + conf["TN"]) / n if n else None), conf


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def timing(runs: int = 1) -> list[float]:
    """Seconds per practice turn (score + store) over 5-turn runs of every shipped scenario, mixed replies."""
    from assistant.practice import session
    from assistant.practice.model_reply import model_reply
    from assistant.practice.scenarios import shipped
    from assistant.store import db

    answers = faq_answers()
    with tempfile.TemporaryDirectory() as tmp:
        engine = db.get_engine(f"sqlite:///{tmp}/bench.db")
        out = []
        for _ in range(runs):
            for sc in shipped(Settings().knowledge_dir):
                matter = matter_of({"matter": sc.matter}, answers)
                run = session.start(sc, matter, engine, "bench")
                replies = ["你自己没看清楚吧，不归我们管。", model_reply(matter, sc.emotion)]
                i = 0
                while not run.done:
                    t = time.perf_counter()
                    session.reply(run, replies[i % 2], engine)
                    out.append(time.perf_counter() - t)
                    i += 1
        engine.dispose()
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.bench practice")
    ap.add_argument("--set", default="tune", help="labelled/practice/NAME.jsonl（默认 tune）")
    ap.add_argument("--no-timing", action="store_true", help="不测每轮耗时")
    ap.add_argument("--show", type=int, default=12, help="列出多少条判错的回复")
    args = ap.parse_args(argv)
    path = LABELLED / f"{args.set}.jsonl"
    if not path.exists():
        print(f"找不到 {path}：请把标注文件放到 labelled/practice/ 下，或用 --set 指定已有的集合。")
        return 2
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answers = faq_answers()
    matters = [matter_of(r["situation"], answers) for r in rows]
    started = time.perf_counter()
    scores = [score_reply(r["reply"], m, r["citizen"]) for r, m in zip(rows, matters)]
    elapsed = time.perf_counter() - started
    preds = [s.skills for s in scores]
    base_naive = [naive(r["reply"], m) for r, m in zip(rows, matters)]
    base_always = [always(m) for m in matters]
    print(f"练习评分与人工标注的一致率：{path.relative_to(PROJECT_ROOT)}，{len(rows)} 条回复")
    print(f"{'技能':<14}{'标注数':>6}{'评分器':>8}{'全判通过':>9}{'关键词':>8}{'比值(评分器/较好基线)':>16}   混淆 TP FN FP TN 判不适用 多判")
    for skill in SKILLS:
        ours, conf = agreement(rows, preds, skill)
        a_always, _ = agreement(rows, base_always, skill)
        a_naive, _ = agreement(rows, base_naive, skill)
        n = sum(1 for r in rows if r["labels"].get(skill) is not None)
        best = max([x for x in (a_always, a_naive) if x is not None], default=None)
        ratio = f"{ours / best:.2f}" if ours is not None and best else "  -"
        print(f"{SKILL_ZH[skill]:<12}{n:>6}  {_fmt(ours):>7} {_fmt(a_always):>8} {_fmt(a_naive):>8}   {ratio:>10}"
              f"          {conf['TP']:>3}{conf['FN']:>3}{conf['FP']:>3}{conf['TN']:>3}{conf['na']:>5}{conf['extra']:>6}")
    print(f"评分 {len(rows)} 条用时 {elapsed:.2f} 秒（含首次加载模型）")
    wrong = []
    for r, s in zip(rows, scores):
        bad = [k for k in SKILLS if r["labels"].get(k) is not None and s.skills.get(k) != r["labels"][k]]
        if bad:
            wrong.append((r, s, bad))
    print(f"\n判错的回复：{len(wrong)} 条" + (f"（列出前 {args.show} 条）" if len(wrong) > args.show else ""))
    for r, s, bad in wrong[:args.show]:
        got = ",".join(f"{k}={r['labels'][k]}→{s.skills.get(k)}" for k in bad)
        print(f"- {r['id']} {got}：{r['reply'][:80]}")
        if s.notes or s.tone:
            print(f"    评分器依据：{'；'.join(s.notes[:3])} {' '.join(f.category for f in s.tone)}")
    if not args.no_timing:
        times = timing()
        base = []
        for _ in range(3):
            for r in rows[:20]:
                t = time.perf_counter()
                from assistant.replies.tone import check_tone
                check_tone(r["reply"])
                base.append(time.perf_counter() - t)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
        b95 = statistics.quantiles(base, n=20)[-1] if len(base) >= 20 else max(base)
        print(f"\n每轮练习（评分+保存）{len(times)} 轮：p50 {statistics.median(times) * 1000:.0f} ms，p95 {p95 * 1000:.0f} ms；"
              f"基线（工作台语气检查一次）p95 {b95 * 1000:.0f} ms；比值 {p95 / b95:.1f}")
    return 0
