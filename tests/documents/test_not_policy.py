"""Word lists, code tables, data dumps and logs are held for a trainer instead of being cited as policy."""
from __future__ import annotations

import json

import pytest

from assistant.documents.model import Status
from assistant.documents.quality import NOT_POLICY, not_policy_kind
from conftest import need_shared


def test_the_two_junk_samples_are_flagged_and_held_until_a_trainer_confirms(kb):
    from assistant.ingest import add_paths, confirm_document

    folder = need_shared("data", "ingestion_samples", "gbk")
    with kb.writing():
        summary = add_paths(kb, [folder / "stopword1_gb18030.txt", folder / "newdic1.txt"], user="trainer")
    assert [o.status for o in summary.outcomes] == [Status.REVIEW.value] * 2
    assert all(NOT_POLICY in o.message for o in summary.outcomes)
    assert not list(kb.iter_chunks()), "flagged documents must never be cited"
    stop = summary.outcomes[0]
    assert kb.preview_chunks(stop.doc_id), "the trainer can still see what would be indexed"
    confirm_document(kb, stop.doc_id, user="trainer")
    assert {c.doc_id for c in kb.iter_chunks()} == {stop.doc_id}
    with kb.writing():   # the same file again is 'unchanged', not a second flagged copy
        again = add_paths(kb, [folder / "newdic1.txt"], user="trainer")
    assert again.outcomes[0].outcome == "unchanged"


def test_generated_logs_code_tables_and_dumps_are_recognised():
    log = "\n".join(f"2024-03-{d:02d} 10:{d:02d}:00 INFO 同步任务完成 id={d}" for d in range(1, 25))
    codes = "\n".join(f"{110100 + i * 100} 某某市第{i}区" for i in range(30))
    dump = "\n".join(f"{i},张{i},窗口{i % 5},已办结,{i * 3}" for i in range(30))
    assert (not_policy_kind(log), not_policy_kind(codes), not_policy_kind(dump)) == ("日志", "代码表", "数据表或数据导出")


def test_no_real_policy_notice_is_flagged():
    corpus = need_shared("data", "ncpqa", "corpus.jsonl")
    with open(corpus, encoding="utf-8") as fh:
        flagged = [row["id"] for row in map(json.loads, fh) if not_policy_kind(row["text"])]
    assert flagged == []


@pytest.mark.parametrize("name", ["hzq2023_working.pdf", "hzq2024_working.pdf"])
def test_table_heavy_annual_reports_are_not_flagged(name):
    from assistant.documents.loaders import load_document

    doc = load_document(need_shared("data", "ingestion_samples", "kirogov", name))
    assert not_policy_kind("\n".join(s.text for s in doc.sections)) == ""
