"""The conflict-case library: masked on entry, CSV/XLSX round trip (formula-safe), a bad import keeps the library as
it was, and the workbench's similar-case lookup finds the related case and stays silent on an unrelated sentence."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.practice import cases as lib
from assistant.practice.similar import similar_cases

REPO = Path(__file__).resolve().parents[2]


def test_shipped_cases_load_once_and_are_marked_sample(engine):
    n = lib.load_shipped(engine, REPO / "knowledge")
    assert n >= 30 and lib.count(engine) == n
    assert all(c.sample and c.title.startswith("示例") for c in lib.list_cases(engine))
    lib.delete_case(engine, lib.list_cases(engine)[0].id, "t")
    assert lib.load_shipped(engine, REPO / "knowledge") == 0   # a trainer's deletion is not undone
    assert lib.count(engine) == n - 1


def test_numbers_are_masked_on_entry(engine):
    c = lib.save_case(engine, lib.Case(title="电话里报了身份证号", citizen_said="我身份证110101199003071234，电话13812345678"), "t")
    stored = lib.list_cases(engine)[0]
    assert "110101199003071234" not in stored.citizen_said and "13812345678" not in stored.citizen_said
    assert "1234" in stored.citizen_said and c.id == stored.id


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_cases(engine, suffix):
    lib.load_shipped(engine, REPO / "knowledge")
    lib.save_case(engine, lib.Case(title="=HYPERLINK(\"x\")", situation="+cmd 公式样的文字", emotion="angry"), "t")
    before = lib.list_cases(engine)
    data = lib.export_bytes(before, suffix)
    if suffix == "csv":
        assert b"'=HYPERLINK" in data   # opened in Excel, the cell is text
    again = lib.import_bytes(f"cases.{suffix}", data)
    assert [(c.id, c.title, c.situation, c.emotion) for c in again] == [(c.id, c.title, c.situation, c.emotion) for c in before]


def test_a_bad_import_changes_nothing_and_says_which_rows(engine):
    lib.load_shipped(engine, REPO / "knowledge")
    n = lib.count(engine)
    bad = "标题,情况,群众原话,情绪\n好的一行,情况,原话,愤怒\n,没有标题,原话,平静\n第三行,情况,原话,暴躁\n".encode("utf-8")
    with pytest.raises(lib.CaseError) as err:
        lib.import_bytes("坏表.csv", bad)
    assert "第 3 行" in str(err.value) and "第 4 行" in str(err.value) and "保持原样" in str(err.value)
    assert lib.count(engine) == n
    with pytest.raises(lib.CaseError):
        lib.import_bytes("坏表.xlsx", b"not a workbook")
    with pytest.raises(lib.CaseError):
        lib.import_bytes("案例.docx", b"x")


def test_similar_cases_find_the_related_case_only(engine):
    lib.load_shipped(engine, REPO / "knowledge")
    cases = lib.list_cases(engine)
    hits = similar_cases("我都跑了三趟了，每次都说缺一样材料", cases)
    assert hits and "第三次来办居住证" in hits[0].case.title and len(hits) <= 2
    assert "拍桌子" in similar_cases("信不信我把你这窗口砸了", cases)[0].case.title
    assert similar_cases("今天天气怎么样", cases) == []
