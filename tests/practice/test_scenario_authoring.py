"""Authoring outside the form: scenarios exported and imported as JSON (checked whole: one bad entry refuses the
file, naming it, and nothing changes), and a case edited in place keeps its id and is masked again."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.bench.practice import faq_answers
from assistant.practice import cases as case_lib
from assistant.practice import scenarios as lib

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = set(faq_answers())


def test_export_then_import_gives_the_same_scenarios(engine):
    shipped = lib.shipped(REPO / "knowledge")
    data = lib.export_bytes(shipped)
    found = lib.import_bytes("练习场景.json", data, QUESTIONS)
    assert [s.id for s in found] == [s.id for s in shipped]
    assert lib.import_scenarios(engine, found, "t") == len(shipped)
    assert {s.id for s in lib.authored(engine)} == {s.id for s in shipped}
    assert lib.authored(engine)[0].opening == shipped[0].opening


def test_an_import_masks_numbers_and_replaces_the_same_id(engine, scenario_entry):
    lib.import_scenarios(engine, lib.import_bytes("a.json", json.dumps({"scenarios": [scenario_entry()]}).encode()), "t")
    again = scenario_entry(title="排队太久发火（改）", opening="我电话13812345678，等了一个钟头！")
    lib.import_scenarios(engine, lib.import_bytes("a.json", json.dumps([again]).encode()), "t")
    (only,) = lib.authored(engine)
    assert only.title == "排队太久发火（改）" and "13812345678" not in only.opening


@pytest.mark.parametrize("bad, said", [
    ({"emotion": "furious"}, "第 2 个场景（编号 x02）"),
    ({"matter": {"type": "faq", "question": "这个问题不在知识库里"}}, "不在知识库里"),
    ({"escalate": "一句话"}, "escalate（答得不好时的反应）应是若干句话的列表"),
    ({"opening": ""}, "缺少群众的开场白"),
    ({"id": "x01"}, "编号与前面的场景重复"),
])
def test_one_bad_entry_refuses_the_whole_file_and_names_it(engine, bad, said, scenario_entry):
    good, wrong = scenario_entry(), scenario_entry(id="x02", **{k: v for k, v in bad.items() if k != "id"})
    if "id" in bad:
        wrong["id"] = bad["id"]
    with pytest.raises(lib.ScenarioError) as err:
        lib.import_bytes("a.json", json.dumps({"scenarios": [good, wrong]}).encode(), QUESTIONS)
    assert said in str(err.value) and "导入没有进行" in str(err.value)
    assert lib.authored(engine) == []


def test_a_file_that_is_not_scenarios_is_refused_in_chinese():
    for name, data, said in [("a.txt", b"{}", "不是 JSON 文件"), ("a.json", b"{oops", "不是有效的 JSON"),
                             ("a.json", b'{"scenarios": []}', "没有场景"),
                             ("a.json", json.dumps([{"id": "y"}]).encode(), "缺少 title")]:
        with pytest.raises(lib.ScenarioError, match=said):
            lib.import_bytes(name, data, QUESTIONS)


def test_a_case_edited_in_place_keeps_its_id_and_is_masked(engine):
    c = case_lib.save_case(engine, case_lib.Case(title="老人不会用自助机", citizen_said="这机器我不会弄"), "t")
    edited = case_lib.update_case(engine, c.id, case_lib.Case(title="老人不会用自助取号机",
                                                                citizen_said="不会弄，我电话13812345678"), "t")
    (stored,) = case_lib.list_cases(engine)
    assert stored.id == c.id == edited.id and stored.title == "老人不会用自助取号机"
    assert "13812345678" not in stored.citizen_said
    with pytest.raises(case_lib.CaseError, match="不存在"):
        case_lib.update_case(engine, "c000000000000", case_lib.Case(title="x", situation="y"), "t")
