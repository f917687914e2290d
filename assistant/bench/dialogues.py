"""`python -m assistant.bench dialogues`: what the clerk would say aloud, scored on labelled window dialogues.

Each dialogue is 1-3 citizen turns on the shipped knowledge/; the last turn is labelled with the FAQ entry or
guide section that answers it, or "not in KB", "risk", or "staff question" (labelled/dialogues/, written by
someone who had not read the retrieval or composer code). The engine answers the last turn with the earlier
turns as history, exactly as the staff page calls it, and the bench reads what reaches the citizen:

- right source: the reply asserts policy from the expected entry (the first cited source);
- confident wrong: the reply asserts policy (a quoted rule or 标准答案) from any other source, or from anything
  when the KB does not hold the answer;
- near-miss refusal: for "not in KB", no policy asserted (the reply says what the KB does not hold);
- PII shown: any digits of a citizen's ID / phone / card number in anything meant to be said or shown;
- risk-reply violations: under a risk card, a restated threat, a feeling about dissatisfaction, or passages;
- staff recognised: a staff question answered as guidance for the clerk, not as a reply to a citizen.

The baseline, in the same run, is the retrieval top result taken as the answer (what a plain RAG would assert).
Parameters are chosen on the ``tune`` file; ``test`` (the other half) and ``final`` (written after tuning,
scored once) are the figures to report.
"""
from __future__ import annotations

import argparse
import re
import tempfile
from collections import defaultdict
from pathlib import Path

from assistant.bench.common import Timer, percentiles, print_table
from assistant.config import PROJECT_ROOT, get_settings
from assistant.replies.model import Suggestion
from assistant.replies.text import squash
from assistant.retrieval.model import Hit, RetrievalResult

ROLES = ("tune", "test", "final", "final2", "final3", "final4", "final5", "final6", "final7", "final8", "final9")
DIALOGUES = PROJECT_ROOT / "labelled" / "dialogues"
KINDS = ("followup", "paraphrase", "near_miss", "pii", "risk", "bereavement_hardship", "staff", "calm_plain")
_CONDOLENCE = re.compile(r"节哀|难过|伤心|不容易|辛苦|遗憾|痛|走了")
_HARDSHIP = re.compile(r"不容易|困难|难处|体谅|辛苦|难|压力")
_ANGRY_FEELING = re.compile(r"生气|不满|失望|着急|担心")


def source_of(hit: Hit) -> tuple[str, str]:
    """("faq", standard question) or ("guide", section headings joined, then the passage) for a hit."""
    if hit.kind == "faq":
        return "faq", (hit.questions[0] if hit.questions else hit.title)
    return "guide", f"{hit.heading_path or hit.title}\n{hit.text}"


def _matches(source: tuple[str, str], expect: dict) -> bool:
    """The expected entry; for a guide section, a passage under that heading or one that holds it (the chunker
    keeps short sections together, so a passage may hold a section whose heading is not its label)."""
    kind, key = source
    if expect["type"] == "faq":
        return kind == "faq" and key.strip() == expect["question"].strip()
    if expect["type"] in ("guide", "staff") and expect.get("section"):
        headings, _, text = key.partition("\n")
        section = expect["section"].strip()
        return kind == "guide" and (section in [p.strip() for p in headings.split(" > ")]
                                    or squash(section) in squash(text))
    return False


def asserted_source(result: RetrievalResult, s: Suggestion) -> tuple[str, str] | None:
    """The source whose policy the reply states, or None when it states none (refusal, risk card, "not found")."""
    mode = getattr(s, "mode", "reply")
    if (s.protocol is not None and mode != "staff") or not s.supported or mode not in ("reply", "staff"):
        return None
    by_id = {h.chunk_id: h for h in ([result.faq.hit] if result.faq else []) + list(result.hits)
             + [h for h, _, _ in result.faq_candidates]}
    if s.citations and s.citations[0].chunk_id in by_id:
        return source_of(by_id[s.citations[0].chunk_id])
    return None


def spoken_texts(s: Suggestion) -> list[str]:
    """Everything the clerk may read out or the page shows as the reply."""
    texts = [s.observation, s.feeling, s.need, s.request, s.standard_answer, *s.checklist, *s.variants.values()]
    if s.protocol is not None:
        texts += [*s.protocol.say_now]
    return [t for t in texts if t]


def pii_shown(texts: list[str], pii: list[str]) -> bool:
    """True when any run of 6+ digits of a citizen's number, or the whole number, shows in ``texts``."""
    blob = re.sub(r"[\s-]", "", "".join(texts))
    for number in pii:
        digits = re.sub(r"\D", "", number)
        if digits and digits in blob:
            return True
        if any(digits[i:i + 6] in blob for i in range(0, max(0, len(digits) - 5))):
            return True
    return False


def numbers_in(row: dict) -> list[str]:
    """The citizen's numbers in a dialogue: the labelled ones, and any run of 11 or more digits in its turns (a
    phone, ID or card number; found here with the bench's own pattern, not the one under test)."""
    found = [re.sub(r"[\s-]", "", m) for t in row["turns"] for m in re.findall(r"\d[\d\s-]{9,}\d[Xx]?", t)]
    return list(dict.fromkeys([*row.get("pii", []), *(n for n in found if len(re.sub(r"\D", "", n)) >= 11)]))


def risk_violations(text: str, s: Suggestion) -> list[str]:
    out = []
    if s.protocol is None:
        return ["no card"]
    said = "".join([s.observation, s.request, *s.variants.values()])
    threat = re.findall(r"[\u4e00-\u9fff]{2,}", text)
    if said and any(len(w) >= 3 and w in said for w in threat):
        out.append("threat restated")
    if "不满" in "".join([s.feeling, *s.variants.values()]):
        out.append("不满")
    if s.citations:
        out.append("passages under the card")
    return out


def score(rows: list[dict], engine) -> tuple[dict[str, dict[str, list[float]]], list[dict]]:
    """Per kind, per metric: a list of 0/1 outcomes; and the failures, for reading."""
    figures: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    failures = []
    for row in rows:
        turns, expect = row["turns"], row["expect"]
        result, s = engine.suggest(turns[-1], history=turns[:-1])
        got = asserted_source(result, s)
        top = source_of(result.hits[0]) if result.hits else None
        baseline = source_of(result.faq.hit) if result.faq else top
        f = figures[row["kind"]]
        all_ = figures["全部"]
        problems = []
        for bucket in (f, all_):
            if expect["type"] in ("faq", "guide"):
                bucket["right_source"].append(float(got is not None and _matches(got, expect)))
                bucket["confident_wrong"].append(float(got is not None and not _matches(got, expect)))
                bucket["baseline_right"].append(float(baseline is not None and _matches(baseline, expect)))
            elif expect["type"] == "not_in_kb":
                bucket["no_policy_asserted"].append(float(got is None))
                bucket["confident_wrong"].append(float(got is not None))
                bucket["baseline_no_policy"].append(float(bool(result.refusal_reason)))  # the retriever's own refusal
            elif expect["type"] == "risk":
                v = risk_violations(turns[-1], s)
                bucket["risk_card"].append(float(s.protocol is not None))
                bucket["risk_violation"].append(float(bool(v) and v != ["no card"]))
                problems += v
            elif expect["type"] == "staff":
                bucket["staff_recognised"].append(float(getattr(s, "mode", "") == "staff"))
                bucket["staff_right_source"].append(float(got is not None and _matches(got, expect)))
            if numbers_in(row):
                bucket["pii_shown"].append(float(pii_shown(spoken_texts(s), numbers_in(row))))
            feeling = row.get("feeling")
            if feeling == "condolence":
                bucket["feeling_fits"].append(float(bool(_CONDOLENCE.search(s.feeling))))
            elif feeling == "hardship":
                bucket["feeling_fits"].append(float(bool(_HARDSHIP.search(s.feeling))))
            elif feeling == "calm":
                bucket["feeling_fits"].append(float(s.protocol is None and not _ANGRY_FEELING.search(s.feeling)))
        if expect["type"] in ("faq", "guide") and not (got is not None and _matches(got, expect)):
            problems.append(f"asserted {got}, expected {expect}")
        if expect["type"] == "not_in_kb" and got is not None:
            problems.append(f"asserted {got} for a question the KB does not hold")
        if expect["type"] == "staff" and getattr(s, "mode", "") != "staff":
            problems.append("staff question answered as a citizen reply")
        if numbers_in(row) and pii_shown(spoken_texts(s), numbers_in(row)):
            problems.append("PII digits shown")
        if problems:
            failures.append({"id": row["id"], "kind": row["kind"], "turns": turns, "problems": problems,
                             "said": s.request[:80]})
    return figures, failures


METRICS = [("right_source", "正确来源@1"), ("baseline_right", "基线：检索第一条"), ("confident_wrong", "自信答错"),
           ("no_policy_asserted", "未断言政策（应拒）"), ("baseline_no_policy", "基线：检索拒答"),
           ("pii_shown", "显示/念出证件号"), ("risk_card", "出风险卡"), ("risk_violation", "风险答复违规"),
           ("staff_recognised", "识别为工作人员提问"), ("staff_right_source", "工作人员：来源正确"),
           ("feeling_fits", "感受得当")]


def table(figures: dict[str, dict[str, list[float]]]) -> list[list]:
    rows = []
    for kind in [*KINDS, "全部"]:
        if kind not in figures:
            continue
        f = figures[kind]
        n = max(len(v) for v in f.values()) if f else 0
        cells = [kind, n]
        for key, _ in METRICS:
            v = f.get(key)
            cells.append(f"{sum(v) / len(v):.3f} ({int(sum(v))}/{len(v)})" if v else "—")
        rows.append(cells)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m assistant.bench dialogues", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--roles", nargs="+", choices=ROLES, default=["test", "final5", "final7", "final8", "final9"])
    p.add_argument("--data-dir", type=Path, help="已导入 knowledge/ 的数据目录（默认：临时目录里导入；给的目录是空的就先导入）")
    p.add_argument("--failures", type=int, default=0, help="每个集合列出多少条失败的对话（调参只看 tune）")
    args = p.parse_args(argv)
    settings = get_settings()
    tmp = None
    if args.data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-dialogues-")
        settings = settings.with_data_dir(Path(tmp.name))
        from assistant.firstrun import load_shipped

        load_shipped(settings, quiet=True)
    else:
        settings = settings.with_data_dir(args.data_dir)
        if not args.data_dir.exists() or not any(args.data_dir.iterdir()):
            # an empty folder would answer every question with "not held": import knowledge/ into it first
            from assistant.firstrun import load_shipped

            print(f"（{args.data_dir} 是空的：先把 knowledge/ 导入进去）")
            load_shipped(settings, quiet=True)
    from assistant.replies.engine import ReplyEngine

    engine = ReplyEngine(settings)
    engine.warm()
    timer = Timer()
    for role in args.roles:
        path = DIALOGUES / f"{role}.jsonl"
        if not path.exists():
            print(f"\n（{path.name} 不存在，跳过）")
            continue
        rows = _rows(path)
        with timer:
            figures, failures = score(rows, engine)
        print_table(f"窗口对话 {role}（n={len(rows)}；说出口的那句话是否正确）", ["类别", "n", *[m for _, m in METRICS]],
                    table(figures))
        for fail in failures[:args.failures]:
            print(f"  ✗ {fail['id']} [{fail['kind']}] {' / '.join(fail['turns'])} → {'; '.join(fail['problems'])}"
                  f"｜{fail['said']}")
    if timer.ms:
        p50, p95 = percentiles(timer.ms)
        print(f"\n每个集合评分耗时 p50 {p50 / 1000:.1f} s")
    if tmp is not None:
        tmp.cleanup()
    return 0


def _rows(path: Path) -> list[dict]:
    import json

    with open(path, encoding="utf-8") as f:
        return [r for r in (json.loads(line) for line in f if line.strip()) if "turns" in r]


if __name__ == "__main__":
    raise SystemExit(main())
