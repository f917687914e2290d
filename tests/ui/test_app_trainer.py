"""The trainer workspace (知识库管理) and the role checks, driven through AppTest on a real knowledge base."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_harness import APP, REPO, STAFF, TRAINER, ask, sign_in, signed_in, texts
from app_harness import data  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow
BIKE = ("自行车停放规定.txt",
        "关于非机动车停放和充电的规定\n第一条 自行车和电动自行车应当停放在小区指定的非机动车停放区。\n"
        "第二条 电动自行车不得在楼道、楼梯间充电，违者由物业劝阻，拒不改正的报消防部门处理。\n")


@pytest.fixture
def trainer(data):
    return signed_in(*TRAINER)


def _doc_table(at):
    """The document list (the upload report above it has no 类型 column)."""
    return next(d.value for d in at.dataframe if "类型" in d.value.columns)


def _docs(at) -> list[str]:
    return _doc_table(at)["文件"].tolist()


def test_upload_several_files_failed_one_says_why_and_new_one_is_answered(trainer):
    trainer.switch_page("assistant/ui/views/documents.py").run()
    before = _doc_table(trainer).set_index("文件")["段数"].to_dict()
    trainer.file_uploader(key="upload_files").set_value([
        (BIKE[0], BIKE[1].encode("gb18030"), "text/plain"),
        ("坏文件.pdf", b"%PDF-1.4\n1 0 obj broken", "application/pdf"),
    ]).run()
    trainer.button(key="upload_go").click().run()
    assert not trainer.exception
    report = next(d.value for d in trainer.dataframe if "结果" in d.value.columns).set_index("文件")
    assert report.loc["自行车停放规定.txt", "结果"] == "已加入"
    assert report.loc["坏文件.pdf", "结果"] == "失败" and "请" in report.loc["坏文件.pdf", "原因或提示"]
    assert "失败 1 个" in texts(trainer)
    table = _doc_table(trainer).set_index("文件")
    for name, chunks in before.items():  # nothing else changed
        assert table.loc[name, "段数"] == chunks
    assert table.loc[BIKE[0], "状态"] == "可用" and table.loc[BIKE[0], "操作人"] == TRAINER[0]

    trainer.switch_page("assistant/ui/views/workbench.py").run()
    ask(trainer, "电动自行车能不能在楼道里充电？")
    assert any("自行车停放规定" in e.label or "非机动车" in e.label for e in trainer.expander)


def test_preview_and_delete_a_document_leaves_an_audit_trail(trainer):
    trainer.switch_page("assistant/ui/views/documents.py").run()
    trainer.file_uploader(key="upload_files").set_value([(BIKE[0], BIKE[1].encode(), "text/plain")]).run()
    trainer.button(key="upload_go").click().run()
    trainer.selectbox(key="doc_pick").set_value(_doc_id(BIKE[0])).run()
    assert "电动自行车不得在楼道" in texts(trainer)  # preview shows the chunks as retrieval sees them
    assert trainer.button(key="delete_go").disabled  # not confirmed yet: deleting is not possible
    trainer.checkbox(key="delete_confirm").check().run()
    trainer.button(key="delete_go").click().run()
    assert BIKE[0] not in _docs(trainer)
    assert any("已删除" in s.value for s in trainer.success)

    trainer.switch_page("assistant/ui/views/audit.py").run()
    log = trainer.dataframe[0].value
    assert {"新增文档", "删除文档"} <= set(log["操作"]) and BIKE[0] in set(log["对象"])


def test_a_word_list_waits_for_confirmation_and_a_photo_says_it_was_ocrd(trainer):
    from conftest import need_shared

    photo = need_shared("data", "ingestion_samples", "chatchat", "ocr_test.jpg")
    words = "\n".join(f"词语{i:03d}" for i in range(60))   # a stopword-style list the project makes here
    trainer.switch_page("assistant/ui/views/documents.py").run()
    trainer.file_uploader(key="upload_files").set_value([
        ("停用词表.txt", words.encode(), "text/plain"), (photo.name, photo.read_bytes(), "image/jpeg")]).run()
    trainer.button(key="upload_go").click().run()
    assert not trainer.exception
    table = _doc_table(trainer).set_index("文件")
    assert table.loc["停用词表.txt", "状态"] == "待确认（暂不引用）"
    assert "内容不像政策或办事指南正文" in table.loc["停用词表.txt", "原因"]
    assert table.loc[photo.name, "状态"] == "可用"
    assert table.loc[photo.name, "文字识别"].startswith("经 OCR 识别，请抽查（置信度 ")

    trainer.selectbox(key="doc_pick").set_value(_doc_id(photo.name)).run()
    assert any("经 OCR 识别，请抽查" in i.value for i in trainer.info)
    trainer.selectbox(key="doc_pick").set_value(_doc_id("停用词表.txt")).run()
    assert any("待确认，暂不引用" in w.value for w in trainer.warning)
    assert "词语001" in texts(trainer)   # the trainer sees what would be indexed before confirming
    trainer.button(key="confirm_go").click().run()
    assert _doc_table(trainer).set_index("文件").loc["停用词表.txt", "状态"] == "可用"

    trainer.switch_page("assistant/ui/views/audit.py").run()
    assert "确认启用文档" in set(trainer.dataframe[0].value["操作"])


def _doc_id(source: str) -> str:
    from assistant.config import get_settings
    from assistant.store.kb import KnowledgeBase

    return KnowledgeBase(get_settings()).get_document(source).id


def test_faq_edit_in_the_table_is_answered_at_once(trainer):
    trainer.switch_page("assistant/ui/views/faq.py").run()
    table = trainer.data_editor(key="faq_editor").value
    n = len(table)
    trainer.session_state["faq_editor"] = {
        "edited_rows": {},
        "added_rows": [{"标准问题": "单位食堂的饭卡丢了怎么挂失？", "相似问法": "饭卡丢了；食堂卡挂失",
                        "标准答案": "请到行政楼一楼服务台凭工作证挂失，补卡工本费十元。", "分类": "后勤"}],
        "deleted_rows": [0],
    }
    trainer.run()
    trainer.button(key="faq_save").click().run()
    assert not trainer.exception
    assert any("已保存" in s.value and f"共 {n} 条" in s.value for s in trainer.success)
    after = trainer.data_editor(key="faq_editor").value
    assert table["标准问题"][0] not in set(after["标准问题"]) and "单位食堂的饭卡丢了怎么挂失？" in set(after["标准问题"])

    trainer.switch_page("assistant/ui/views/workbench.py").run()
    ask(trainer, "饭卡丢了怎么挂失")
    assert any("行政楼一楼服务台" in s.value and "标准答案" in s.value for s in trainer.success)


def test_faq_import_of_an_exported_table_round_trips(trainer, tmp_path):
    from assistant.documents.faq_table import read_faq_table

    shipped = REPO / "knowledge" / "faq" / "常见问题示例.xlsx"
    trainer.switch_page("assistant/ui/views/faq.py").run()
    n = len(trainer.data_editor(key="faq_editor").value)
    trainer.file_uploader(key="faq_import_0").set_value(
        ("导入.xlsx", shipped.read_bytes(),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert [m.value for m in trainer.metric][:3] == ["0", "0", "0"]  # the same table: nothing added/changed/removed
    next(c for c in trainer.checkbox if c.key.startswith("faq_import_ok_")).check().run()
    trainer.button(key="faq_import_go").click().run()
    assert not trainer.exception
    assert any("已导入" in s.value for s in trainer.success)
    assert len(trainer.data_editor(key="faq_editor").value) == len(read_faq_table(shipped)) == n


def test_gap_group_becomes_an_faq_entry_in_one_step(trainer):
    for q in ("小区门口的共享单车太多了谁来管？", "小区门口共享单车乱停谁管？"):
        ask(trainer, q)
    trainer.switch_page("assistant/ui/views/gaps.py").run()
    groups = [m.value for m in trainer.markdown if "共享单车" in m.value and "被问" in m.value]
    assert len(groups) == 1 and "被问 2 次" in groups[0]
    key = next(t.key for t in trainer.text_area if t.key.startswith("gap_answer_"))
    qid = key.removeprefix("gap_answer_")
    trainer.text_area(key=key).input("共享单车乱停可拨打 12345 反映，由城管部门协调运营企业清理。").run()
    trainer.button(key=f"gap_faq_{qid}").click().run()
    assert not trainer.exception
    assert any("已把" in s.value for s in trainer.success)
    assert not [m for m in trainer.markdown if "共享单车" in m.value and "被问" in m.value]

    trainer.switch_page("assistant/ui/views/workbench.py").run()
    ask(trainer, "共享单车乱停谁管？")
    assert any("城管部门" in s.value for s in trainer.success)


def test_hot_questions_chart_compares_weeks(trainer):
    ask(trainer, "办居住证要带什么材料？")
    ask(trainer, "请问办居住证要带哪些材料")
    trainer.switch_page("assistant/ui/views/hot.py").run()
    assert not trainer.exception
    assert trainer.get("arrow_vega_lite_chart") or trainer.get("vega_lite_chart")
    top = trainer.dataframe[0].value
    assert top["本周"].max() >= 2


def test_staff_cannot_reach_trainer_pages_or_actions(data):
    at = AppTest.from_file(APP, default_timeout=120).run()
    sign_in(at, *STAFF)
    with pytest.raises(ValueError):  # trainer pages are not registered for staff: a URL leads nowhere
        at.switch_page("assistant/ui/views/documents.py")
    # tampering with session state: a made-up token (or another's name) is no session: back to the sign-in form
    at.session_state["auth_token"] = "made-up.0123456789abcdef0123456789abcdef"
    at.session_state["auth_user"] = TRAINER[0]
    at.run()
    assert "工作台" not in [t.value for t in at.title] and at.text_input(key="login_user")

    # the trainer page itself, run directly with a staff session, refuses and shows no controls
    page = AppTest.from_file(str(REPO / "assistant/ui/views/documents.py"), default_timeout=120)
    from assistant import sessions
    from assistant.config import get_settings
    from assistant.store import db
    from assistant.ui import auth
    from assistant.users import get_account

    cfg = get_settings()
    engine = db.get_engine(cfg.db_url)
    page.session_state[auth.TOKEN_KEY] = sessions.start(engine, cfg.data_dir, get_account(engine, STAFF[0])).token
    page.run()
    assert any("仅限培训管理员" in e.value for e in page.error)
    assert not page.file_uploader and not page.button

    # and the actions themselves re-check the role in the database
    from assistant.config import get_settings
    from assistant.store.kb import KnowledgeBase
    from assistant.ui import actions
    from assistant.users import PermissionDenied

    kb = KnowledgeBase(get_settings())
    with pytest.raises(PermissionDenied):
        actions.delete(kb, kb.documents()[0].id, STAFF[0])
    assert len(kb.documents()) == 2
