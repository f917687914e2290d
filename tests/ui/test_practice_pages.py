"""The practice pages through AppTest on the shipped knowledge base: a staff member completes a scenario (scored
turns, the model reply, the report) and nothing of it reaches 热点问题 / 知识缺口; a trainer authors a scenario, adds
and imports cases (masked) and sees the cohort view; the workbench shows 类似情况曾这样化解 apart from the sources."""
from __future__ import annotations

import sqlite3

import pytest

from app_harness import STAFF, TRAINER, ask, signed_in, texts
from app_harness import data  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow
PRACTICE = "assistant/ui/views/practice.py"
ADMIN = "assistant/ui/views/practice_admin.py"
GOOD = ("您跑了三趟，换谁都窝火，您就是想一次弄明白。请一次带齐：本人居民身份证原件；居住证明任选一项，房屋产权证明、"
        "已备案的房屋租赁合同或单位、学校出具的住宿证明；就业或就读证明任选一项，劳动合同、营业执照、在职证明或在读证明；照片多数受理点现场采集。")


def _count(data, table: str) -> int:
    con = sqlite3.connect(data / "assistant.db")
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def test_staff_completes_a_scenario_and_practice_stays_out_of_the_reports(data):
    at = signed_in(*STAFF)
    at.switch_page(PRACTICE).run()
    at.selectbox(key="practice_pick").select("s01").run()
    at.button(key="practice_start").click().run()
    assert "第三趟" in texts(at)
    at.chat_input(key="practice_reply").set_value("上次不是跟你说过了吗？你自己没看清楚。").run()
    shown = texts(at)
    assert "不指责" in shown and "参考答复" in shown and "怎么又成我的错了" in shown
    for _ in range(4):
        if at.chat_input and at.session_state["practice_run"].done is False:
            at.chat_input(key="practice_reply").set_value(GOOD).run()
    assert not at.exception
    shown = texts(at)
    assert "练习结束" in shown and "本次练习报告" in shown
    assert _count(data, "queries") == 0 and _count(data, "practice_turns") >= 2


def test_trainer_authors_a_scenario_and_manages_cases(data):
    at = signed_in(*TRAINER)
    at.switch_page(ADMIN).run()
    assert not at.exception
    at.text_input(key="sc_id").input("t01")
    at.text_input(key="sc_title").input("退休手续不会办")
    at.selectbox(key="sc_question").select("退休手续怎么办理？")
    at.text_area(key="sc_opening").input("我下个月退休，手续怎么办？我电话13812345678")
    at.text_area(key="sc_escalate").input("你说快了我听不懂。")
    at.button(key="FormSubmitter:scenario_form-保存场景").click().run()
    assert not at.exception
    assert "已保存练习场景" in texts(at)
    at.switch_page(PRACTICE).run()
    at.selectbox(key="practice_pick").select("t01").run()
    at.button(key="practice_start").click().run()
    assert "5678" in texts(at) and "13812345678" not in texts(at)

    at.switch_page(ADMIN).run()
    at.text_area(key="case_title").input("老人不会用自助机")
    at.text_area(key="case_citizen_said").input("这机器我不会弄，身份证110101199003071234")
    at.button(key="FormSubmitter:case_form-保存案例").click().run()
    assert "已保存案例" in texts(at)
    with sqlite3.connect(data / "assistant.db") as con:
        said = con.execute("select citizen_said from cases where title='老人不会用自助机'").fetchone()[0]
    assert "110101199003071234" not in said
    actions = {r[0] for r in sqlite3.connect(data / "assistant.db").execute("select action from audit")}
    assert {"scenario_save", "case_save", "practice_start"} <= actions


def test_the_workbench_brings_up_similar_past_cases_apart_from_the_sources(data):
    at = signed_in(*STAFF)
    ask(at, "我都跑了三趟了，每次都说缺一样材料，办居住证到底要带什么？")
    shown = texts(at)
    assert "类似情况曾这样化解" in shown and "不是政策依据" in shown
    assert any("第三次来办居住证" in e.label for e in at.expander)
    ask(at, "今天天气怎么样")
    assert "类似情况曾这样化解" not in texts(at)


def test_trainer_edits_a_scenario_and_a_case_in_place_and_imports_scenarios(data):
    import json

    at = signed_in(*TRAINER)
    at.switch_page(ADMIN).run()
    at.selectbox(key="sc_pick").select("s01").run()
    assert at.text_input(key="sc_id").value == "s01" and at.text_area(key="sc_opening").value   # the form is filled
    at.text_input(key="sc_title").input("第三趟办居住证（改）")
    at.button(key="FormSubmitter:scenario_form-保存场景").click().run()
    assert not at.exception and "已修改练习场景" in texts(at)
    with sqlite3.connect(data / "assistant.db") as con:
        assert con.execute("select title from practice_scenarios where id='s01'").fetchone()[0] == "第三趟办居住证（改）"

    entry = {"id": "imp1", "title": "排队太久发火", "temperament": "D", "emotion": "angry",
             "matter": {"type": "not_in_kb", "topic": "窗口排队叫号规则"}, "opening": "我都等了一个钟头了！",
             "escalate": ["你这是什么态度？"]}
    bad = dict(entry, id="imp2", emotion="furious")
    up = next(u for u in at.file_uploader if u.key.startswith("sc_upload_"))
    up.set_value(("场景.json", json.dumps({"scenarios": [entry, bad]}, ensure_ascii=False).encode(), "application/json")).run()
    at.button(key="sc_import").click().run()
    assert "导入没有进行" in texts(at) and "编号 imp2" in texts(at)
    up = next(u for u in at.file_uploader if u.key.startswith("sc_upload_"))
    up.set_value(("场景.json", json.dumps([entry], ensure_ascii=False).encode(), "application/json")).run()
    at.button(key="sc_import").click().run()
    assert "已导入 1 个练习场景" in texts(at)

    at.text_area(key="case_title").input("老人不会用自助机")
    at.text_area(key="case_citizen_said").input("这机器我不会弄")
    at.button(key="FormSubmitter:case_form-保存案例").click().run()
    with sqlite3.connect(data / "assistant.db") as con:
        cid = con.execute("select id from cases where title='老人不会用自助机'").fetchone()[0]
    at.selectbox(key="case_edit_pick").select(cid).run()
    at.text_area(key=f"case_edit_citizen_said_{cid}").input("这机器我不会弄，我电话13812345678")
    at.button(key="FormSubmitter:case_edit_form-保存修改").click().run()
    assert not at.exception and "已修改案例" in texts(at)
    with sqlite3.connect(data / "assistant.db") as con:
        said = con.execute("select citizen_said from cases where id=?", (cid,)).fetchone()[0]
    assert "不会弄" in said and "13812345678" not in said
