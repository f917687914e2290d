"""What an FAQ import would do, worked out before it is done: entries matched by their standard question."""
from __future__ import annotations

import pytest

from assistant.documents.model import FaqEntry
from assistant.feedback.faq_edit import FaqEditError, combine, compare


def _e(q: str, a: str, *similar: str) -> FaqEntry:
    return FaqEntry(question=q, answer=a, similar=list(similar))


CURRENT = [_e("居住证怎么办？", "到派出所办理。"), _e("社保怎么转？", "先在新地参保。"), _e("饭卡丢了怎么办？", "到服务台挂失。")]
FILE = [_e("居住证怎么办", "到派出所办理。"), _e("社保怎么转？", "先在新参保地参保，再申请转入。"), _e("公积金怎么取？", "带身份证。")]


def test_compare_counts_added_changed_removed_and_unchanged():
    change = compare(CURRENT, FILE)
    assert [e.question for e in change.added] == ["公积金怎么取？"]
    assert [(old.answer, new.answer) for old, new in change.changed] == [("先在新地参保。", "先在新参保地参保，再申请转入。")]
    assert [e.question for e in change.removed] == ["饭卡丢了怎么办？"]
    assert change.unchanged == 1  # "居住证怎么办" without its question mark is the same question
    assert change.summary("replace") == "新增 1 条，修改 1 条，删除 1 条，不变 1 条（整表替换）"
    assert change.summary("merge").startswith("新增 1 条，修改 1 条，删除 0 条，不变 1 条，保留表中原有而文件里没有的 1 条")
    assert compare(CURRENT, CURRENT).summary("replace") == "新增 0 条，修改 0 条，删除 0 条，不变 3 条（整表替换）"
    assert compare(CURRENT, [_e("居住证怎么办？", "到派出所办理。", "居住证在哪办")]).changed  # a new wording is a change


def test_merge_keeps_what_the_file_lacks_and_replace_takes_the_file():
    merged = combine(CURRENT, FILE, "merge")
    assert [e.question for e in merged] == ["居住证怎么办", "社保怎么转？", "饭卡丢了怎么办？", "公积金怎么取？"]
    assert merged[1].answer == "先在新参保地参保，再申请转入。"
    assert combine(CURRENT, FILE, "replace") == FILE
    with pytest.raises(FaqEditError, match="merge"):
        combine(CURRENT, FILE, "append")
