"""`python -m assistant.bench said`: does the sentence the clerk reads aloud hold the part of the answer asked for?

A right source is not yet a right reply: "辞职了公积金能全取出来不" answered from the right FAQ entry, but with its
closing reminder about 异地转移 read aloud, leaves the citizen without the rule ("单纯离职不能提取"). The questions
in labelled/clauses/ were written blind, each aimed at one piece of an FAQ answer (a yes/no rule, a fee, a time
limit, a place, an exception …) and labelled with that piece verbatim; about a quarter are elliptical follow-ups.

Two figures per half, in one run:

- **said** (end to end, through the engine as the staff page calls it): the window variant the clerk reads holds
  the labelled piece (its text, or 80% of its character bigrams); counted over all questions, and over those whose
  reply stands on the right entry;
- **chosen** (the extract alone, on the labelled entry's answer): the composer's choice of what to quote against
  two baselines measured in the same run — the one sentence sharing most words with the question (the choice
  before this bench existed) and the answer's first sentence.

Weights are chosen on ``tune``; ``test`` (other entries) is the figure to report.
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from assistant.bench.common import print_table
from assistant.config import PROJECT_ROOT, get_settings
from assistant.replies.text import bigrams, squash

CLAUSES = PROJECT_ROOT / "labelled" / "clauses"
ROLES = ("tune", "test")


def holds(said: str, piece: str) -> bool:
    """``said`` holds ``piece``: verbatim (punctuation aside), or 80% of its character bigrams."""
    p = squash(piece).rstrip("。；;，,：:")
    s = squash(said)
    if p and p in s:
        return True
    grams = bigrams(p)
    return bool(grams) and len(grams & bigrams(s)) / len(grams) >= 0.8


def answered(said: str, row: dict) -> bool:
    return holds(said, row["clause"]) or any(holds(said, a) for a in row.get("also", []))


def words_extract(query: str, source: str, topics: list[str] | None = None) -> str:
    """The baseline (the composer's choice before this bench): the one sentence sharing most character bigrams
    with the question, three points per match of the asked 一次性告知 topic, earliest on a tie."""
    from assistant.replies.checklist import TOPICS

    sentences = [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]?", source) if len(s.strip()) >= 6]
    if not sentences:
        return source
    q = bigrams(squash(query))
    topic_res = [TOPICS[t][1] for t in topics or []]

    def score(s: str) -> tuple[int, int]:
        return len(q & bigrams(squash(s))) + sum(3 * len(re.findall(r, s)) for r in topic_res), -sentences.index(s)

    return max(sentences, key=score)


def first_sentence(source: str) -> str:
    found = re.findall(r"[^。！？\n]+[。！？]?", source)
    return found[0] if found else source


def rows(role: str) -> list[dict]:
    path = CLAUSES / f"{role}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(items: list[dict], engine, answers: dict[str, str]) -> dict[str, tuple[int, int]]:
    from assistant.bench.dialogues import asserted_source
    from assistant.replies.checklist import topics_of
    from assistant.replies.grounding import best_extract
    from assistant.retrieval.rewrite import interpret

    out = {k: [0, 0] for k in ("said", "said | right entry", "right entry", "chosen (composer)",
                               "chosen (most shared words)", "chosen (first sentence)")}
    for r in items:
        turns = r["turns"]
        result, s = engine.suggest(turns[-1], turns[:-1])
        source = asserted_source(result, s)
        right = source is not None and source[0] == "faq" and source[1].strip() == r["question"].strip()
        said = s.variants.get("窗口", "")
        out["said"][0] += answered(said, r)
        out["said"][1] += 1
        out["right entry"][0] += right
        out["right entry"][1] += 1
        if right:
            out["said | right entry"][0] += answered(said, r)
            out["said | right entry"][1] += 1
        answer = answers[r["question"]]
        asked = interpret(turns[-1], turns[:-1]).asked
        topics = topics_of(turns[-1], "咨询")
        for key, text in (("chosen (composer)", best_extract(asked, answer, topics)),
                          ("chosen (most shared words)", words_extract(asked, answer, topics)),
                          ("chosen (first sentence)", first_sentence(answer))):
            out[key][0] += answered(text, r)
            out[key][1] += 1
    return {k: (a, b) for k, (a, b) in out.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m assistant.bench said", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--roles", nargs="+", choices=ROLES, default=list(ROLES))
    args = p.parse_args(argv)
    from assistant.firstrun import load_shipped
    from assistant.replies.engine import ReplyEngine

    tmp = tempfile.TemporaryDirectory(prefix="bench-said-")
    settings = get_settings().with_data_dir(Path(tmp.name))
    load_shipped(settings, quiet=True)
    engine = ReplyEngine(settings)
    engine.warm()
    answers = {}
    for c in engine.retriever.state().chunks:
        if c.kind == "faq" and c.questions:
            answers[c.questions[0]] = c.answer or c.text
    table = []
    for role in args.roles:
        figures = score(rows(role), engine, answers)
        table.append([role, *(f"{a / b:.3f} ({a}/{b})" if b else "—" for a, b in figures.values())])
    print_table("说出口的那句话里有没有问到的那一条（labelled/clauses）",
                ["半", "说到了", "说到了｜来源正确", "来源正确", "选句：现在的做法", "选句基线：原做法（共有字词最多的一句）",
                 "选句基线：第一句"], table)
    engine.kb.reopen()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
