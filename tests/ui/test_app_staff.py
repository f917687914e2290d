"""The staff page (工作台) driven through Streamlit's AppTest on a real knowledge base loaded from knowledge/."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from app_harness import APP, STAFF, TRAINER, ask, sign_in, signed_in, texts
from app_harness import data  # noqa: F401  (fixture)
from rendered import rendered_html, seen

pytestmark = pytest.mark.slow
ANGRY = "你们这办事效率也太差了！我都跑了三趟了，办个居住证到底要带什么材料？"


@pytest.fixture
def staff(data):
    return signed_in(*STAFF)


def test_first_start_asks_for_the_first_trainer_and_has_no_default_password(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "empty"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "还没有任何账号" in texts(at)
    assert not at.text_input(key="first_user").value
    at.text_input(key="first_user").input("boss")
    at.text_input(key="first_password").input("short")
    at.text_input(key="first_password2").input("short")
    at.button(key="first_submit").click().run()
    assert any("密码太短" in e.value for e in at.error)
    at.text_input(key="first_password").input("long-enough-1")
    at.text_input(key="first_password2").input("long-enough-1")
    at.button(key="first_submit").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["工作台"]
    assert "培训管理员" in texts(at)

    again = AppTest.from_file(APP, default_timeout=60).run()  # a new browser: login, no second set-up form
    assert "还没有任何账号" not in texts(again)
    sign_in(again, "boss", "wrong-password")
    assert any("用户名或密码不正确" in e.value for e in again.error)


def test_angry_question_gets_four_parts_variants_citations_and_is_logged_masked(staff, data):
    assert "示例" in texts(staff)  # shipped demo content is labelled as such
    ask(staff, ANGRY + "我电话13812345678")
    assert not staff.exception
    shown = texts(staff)
    for part in ("**观察**", "**感受**", "**需要**", "**请求**"):
        assert part in shown
    assert [t.label for t in staff.tabs] == ["窗口面对面", "12345 电话", "书面答复"]
    assert len([c for c in staff.code if c.value.strip()]) == 3  # each variant copyable
    labels = [e.label for e in staff.expander]
    assert any("《" in label for label in labels)  # cited passages: document and clause
    assert len(set(labels)) == len(labels)          # two passages of one section are told apart
    assert "居住证" in shown and "用时" in shown

    from assistant.store import db
    engine = db.get_engine(f"sqlite:///{data / 'assistant.db'}")
    with engine.connect() as conn:
        logged = conn.execute(select(db.queries.c.text, db.queries.c.user)).all()
    assert logged[-1].user == STAFF[0]
    assert "13812345678" not in logged[-1].text and "138****5678" in logged[-1].text


def test_follow_up_uses_the_conversation_and_new_citizen_resets_it(staff):
    ask(staff, "办居住证需要带什么材料？")
    ask(staff, "那要多久能办好？")
    turns = staff.session_state["turns"]
    assert len(turns) == 2
    assert "居住证" in turns[1]["result"].search_query
    assert texts(staff).count("**观察**") == 2
    staff.button(key="new_citizen").click().run()
    assert staff.session_state["turns"] == []
    assert "**观察**" not in texts(staff)


def test_not_useful_feedback_with_reason_reaches_the_trainers_queue(staff, data):
    ask(staff, "办居住证需要带什么材料？")
    qid = staff.session_state["turns"][0]["query_id"]
    staff.radio(key=f"fb_useful_{qid}").set_value("没用").run()
    staff.button(key=f"fb_send_{qid}").click().run()
    assert any("请选择" in e.value for e in staff.error)  # a reason is required
    staff.selectbox(key=f"fb_reason_{qid}").set_value("缺少材料").run()
    staff.text_area(key=f"fb_fix_{qid}").input("还要带一寸照片，身份证号110101199003071234 的那位也问过").run()
    staff.button(key=f"fb_send_{qid}").click().run()
    assert "已反馈：没用（缺少材料）" in texts(staff)

    trainer = signed_in(*TRAINER)
    trainer.switch_page("assistant/ui/views/gaps.py").run()
    shown = texts(trainer)
    assert "办居住证需要带什么材料？" in shown and "缺少材料" in shown and "一寸照片" in shown
    assert "110101199003071234" not in shown  # masked before it was stored


def test_risk_question_shows_banner_and_protocol_card_only(staff):
    ask(staff, "你们再不给我办，我就从这楼上跳下去！")
    assert any("风险提示" in e.value for e in staff.error)
    shown = seen(staff)
    assert "现在说" in shown and "找谁" in shown and "记录" in shown
    # under a risk card, only the card's words: no passages, no 标准答案, no four parts, no variants to copy
    assert not staff.expander and not staff.code and not staff.tabs
    assert not any("标准答案" in e.value for e in staff.success)
    assert "观察" not in shown and "相关" not in shown


def test_the_question_and_user_text_show_as_typed(staff):
    """A masked number keeps its asterisks; a question that looks like Markdown or HTML is shown literally."""
    from assistant.replies.model import Citation, Emotion, Suggestion, Triage
    from assistant.retrieval.model import RetrievalResult

    question = "# 标题 <b>x</b> [链接](http://x) 我卡号尾号1234，证件号110*******1234，*急*"
    suggestion = Suggestion(triage=Triage(Emotion("anxiety", 0.5, "焦虑"), "咨询"), mode="not_found",
                            request="我帮您核实后回复您。", supported=False,
                            related=[Citation("r1", "《示例》 第一条", "号码 110*******1234 的 *说明*")])
    staff.session_state["turns"] = [{"question": question, "result": RetrievalResult(question, question),
                                     "suggestion": suggestion, "query_id": None, "elapsed": 0.1, "feedback": None}]
    staff.run()
    assert not staff.exception
    shown, html = seen(staff), rendered_html(staff)
    assert question in shown and "号码 110*******1234 的 *说明*" in shown
    for tag in ("<h1", "<b>", "<a ", "<em>"):
        assert tag not in html, tag


def test_question_outside_the_knowledge_base_is_flagged_honestly(staff):
    ask(staff, "你们食堂今天中午吃红烧肉还是清蒸鱼？")
    assert any("没有找到" in w.value for w in staff.warning)


def test_draft_tone_check_flags_and_suggests_rewrites(staff):
    staff.text_area(key="draft").input("这不归我们管，你自己去别的部门问吧。").run()
    staff.button(key="tone_check").click().run()
    shown = texts(staff)
    assert "推诿" in shown and "建议改为" in shown
