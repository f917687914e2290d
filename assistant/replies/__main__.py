"""`python -m assistant.replies "群众的话"`: triage, then the protocol card or the four-part suggestion with sources.

`--tone "草稿"` checks a staff draft instead. Runs against the configured knowledge base (ASSISTANT_DATA_DIR;
the shipped knowledge/ once it has been ingested).
"""
from __future__ import annotations

import argparse
import sys

from assistant.config import get_settings
from assistant.replies.composer import compose
from assistant.replies.engine import ReplyEngine
from assistant.replies.model import ProtocolCard, Suggestion, Triage
from assistant.replies.tone import check_tone
from assistant.replies.triage import triage as run_triage
from assistant.replies.variants import CHANNELS
from assistant.retrieval.model import RetrievalResult

EMPTY_STORE = "知识库是空的，没有可引用的政策原文。请先运行 python -m assistant.firstrun 导入示例知识（或用 python ingest.py add 文件 导入您自己的文件），再试一次。"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant.replies", description="窗口助手：为群众的一句话生成答复建议。")
    p.add_argument("text", nargs="?", help="群众说的话（用引号括起来）")
    p.add_argument("--channel", choices=list(CHANNELS), default="窗口", help="答复渠道（默认：窗口）")
    p.add_argument("--history", action="append", default=[], help="之前的对话（可多次给出，按先后顺序）")
    p.add_argument("--tone", metavar="草稿", help="检查工作人员的答复草稿的语气，而不是生成建议")
    return p


def print_triage(t: Triage) -> None:
    e = t.emotion
    print(f"【分诊】情绪：{e.label_zh or e.label}（强度 {e.intensity:.2f}）  诉求：{t.intent}"
          + (f"  部门：{t.department}" if t.department else ""))
    for r in t.risks:
        print(f"【风险】{r.kind_zh}：“{r.evidence}”")


def print_protocol(card: ProtocolCard) -> None:
    print(f"【风险处置卡】{card.title}（请不要使用普通答复）")
    for name, lines in (("现在就说", card.say_now), ("立即联系", card.call), ("需要记录", card.record)):
        print(f"  {name}：")
        for line in lines:
            print(f"    - {line}")


def print_suggestion(s: Suggestion, channel: str) -> None:
    source = "模型起草，已通过核对" if s.backend == "llm" else "模板生成"
    print(f"【建议答复】（{source}{'' if s.supported else '；资料中没有依据，请勿自行答复政策'}）")
    for name, value in (("观察", s.observation), ("感受", s.feeling), ("需要", s.need), ("请求", s.request)):
        print(f"  {name}：{value}")
    if s.standard_answer:
        print(f"  标准答案：{s.standard_answer}")
    if s.checklist:
        print("  一次性告知：")
        for i, item in enumerate(s.checklist, 1):
            print(f"    {i}. {item}")
    if s.variants.get(channel):
        print(f"【{channel}话术】")
        print("  " + s.variants[channel].replace("\n", "\n  "))


def print_sources(s: Suggestion) -> None:
    if s.citations:
        print("【依据】")
        for i, c in enumerate(s.citations, 1):
            snippet = c.text.replace("\n", " ")
            print(f"  [{i}] {c.label}：{snippet[:90]}{'…' if len(snippet) > 90 else ''}")
    if s.problems:
        print("【未通过自动检查，请人工核对】")
        for p in s.problems:
            print(f"  - {p}")


def check_draft(draft: str) -> int:
    flags = check_tone(draft)
    if not flags:
        print("语气检查：没有发现问题。")
        return 0
    for f in flags:
        print(f"【{f.category}】“{f.span}”：{f.reason}\n  可以改成：{f.rewrite}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.tone:
        return check_draft(args.tone)
    if not args.text or not args.text.strip():
        print("请给出群众说的话，例如：python -m assistant.replies \"办居住证要带什么材料？\"")
        return 2
    engine = ReplyEngine(get_settings())
    try:
        empty = engine.is_empty()
    except Exception as exc:  # noqa: BLE001 - a store problem is reported as a sentence, not a traceback
        print(f"无法打开知识库（{type(exc).__name__}）：请检查 ASSISTANT_DATA_DIR 设置，或确认没有其他程序正在写入。")
        return 1
    if empty:
        triage = run_triage(args.text)
        print_triage(triage)
        if triage.is_risk:
            s = compose(args.text, triage, RetrievalResult(query=args.text, search_query=args.text, refused=True))
            print_protocol(s.protocol)
        print(EMPTY_STORE)
        return 0 if triage.is_risk else 1
    _, s = engine.suggest(args.text, history=args.history, channel=args.channel)
    print_triage(s.triage)
    if s.protocol is not None:
        print_protocol(s.protocol)
        print(f"【建议先说】{s.request}")
    elif s.mode == "staff":
        print("【给工作人员的做法（来自指南；不是对群众的答复）】")
        print("  " + (s.guidance or "").replace("\n", "\n  "))
    else:
        print_suggestion(s, args.channel)
    print_sources(s)
    if s.related:
        print("【可能相关（未核实，不要当作答案念给群众）】")
        for c in s.related:
            print(f"  - {c.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
