"""The pages in daily use, driven through AppTest on a real knowledge base: reviewed FAQ import with undo, reviewed
document replace with undo, the upload report that stays, the PDF password, accounts, the first-run guide, and
user-written text (masked numbers, Markdown) shown exactly as written."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app_harness import APP, STAFF, TRAINER, ask, sign_in, signed_in, texts
from app_harness import data  # noqa: F401  (fixture)
from rendered import seen

pytestmark = pytest.mark.slow
NEW_Q = "单位食堂的饭卡丢了怎么挂失？"
RULES = ("停车收费办法.txt", "关于停车收费的办法\n第一条 政务中心停车场对办事群众前两小时免费。\n"
         "第二条 超过两小时的，每小时收费五元，当日最高四十元。\n")
RULES_NEW = RULES[1].replace("每小时收费五元，当日最高四十元", "每小时收费三元，当日最高二十元")


@pytest.fixture
def trainer(data):
    return signed_in(*TRAINER)


def _uploader(at, prefix: str):
    return next(u for u in at.file_uploader if u.key.startswith(prefix))


def _checkbox(at, prefix: str):
    return next(c for c in at.checkbox if c.key.startswith(prefix))


def _frames(at, column: str) -> list:
    """The tables on the page that have this column, top to bottom (AppTest keeps no key on a plain st.dataframe)."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _audit(at) -> list[tuple[str, str]]:
    at.switch_page("assistant/ui/views/audit.py").run()
    log = at.dataframe[0].value
    return list(zip(log["操作"], log["说明"]))


def test_importing_an_older_export_previews_the_loss_and_undo_brings_the_entry_back(trainer):
    """The issue's case: export, save a new entry, import the earlier export. The preview says what would go; merge
    keeps the entry; replace needs a confirmation, says 删除 1 in the audit, and undo restores the entry."""
    from assistant.config import get_settings
    from assistant.feedback.faq_edit import export_bytes, faq_documents, load_entries
    from assistant.store.kb import KnowledgeBase

    kb = KnowledgeBase(get_settings())
    exported = export_bytes(load_entries(kb, faq_documents(kb)[0]), ".csv")  # what 导出 CSV hands out
    kb.engine.dispose()
    trainer.switch_page("assistant/ui/views/faq.py").run()
    n = len(trainer.data_editor(key="faq_editor").value)
    trainer.session_state["faq_editor"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"标准问题": NEW_Q, "标准答案": "请到行政楼一楼服务台凭工作证挂失。", "分类": "后勤"}]}
    trainer.run()
    trainer.button(key="faq_save").click().run()
    assert len(trainer.data_editor(key="faq_editor").value) == n + 1

    _uploader(trainer, "faq_import_").set_value(("导出.csv", exported, "text/csv")).run()
    assert _metrics(trainer) == {"新增": "0", "修改": "0", "删除": "0", "不变": str(n)}
    assert f"另有 1 条导入文件中没有，合并时保留不动" in texts(trainer)
    trainer.radio(key="faq_import_mode").set_value("replace").run()
    assert _metrics(trainer)["删除"] == "1"
    removed = _frames(trainer, "标准答案")[-1]
    assert removed["标准问题"].tolist() == [NEW_Q]
    assert trainer.button(key="faq_import_go").disabled  # nothing happens without the confirmation
    _checkbox(trainer, "faq_import_ok_").check().run()
    trainer.button(key="faq_import_go").click().run()
    assert not trainer.exception
    assert any("删除 1 条" in s.value for s in trainer.success)
    assert NEW_Q not in set(trainer.data_editor(key="faq_editor").value["标准问题"])

    assert "上一版本" in texts(trainer)
    trainer.button(key="faq_undo").click().run()
    table = trainer.data_editor(key="faq_editor").value
    assert len(table) == n + 1 and NEW_Q in set(table["标准问题"])
    log = _audit(trainer)
    assert any(a == "导入FAQ" and "新增 0 条，修改 0 条，删除 1 条" in d and "整表替换" in d for a, d in log)
    assert any(a == "撤销（恢复旧版本）" for a, _ in log)

    trainer.switch_page("assistant/ui/views/workbench.py").run()
    ask(trainer, "饭卡丢了怎么挂失")
    assert any("行政楼一楼服务台" in s.value for s in trainer.success)  # the restored entry answers again


def test_replace_shows_what_changes_needs_confirmation_and_can_be_undone(trainer):
    trainer.switch_page("assistant/ui/views/documents.py").run()
    trainer.file_uploader(key="upload_files").set_value([(RULES[0], RULES[1].encode(), "text/plain")]).run()
    trainer.button(key="upload_go").click().run()
    from assistant.config import get_settings
    from assistant.store.kb import KnowledgeBase

    doc_id = KnowledgeBase(get_settings()).get_document(RULES[0]).id
    trainer.selectbox(key="doc_pick").set_value(doc_id).run()
    _uploader(trainer, "replace_file_").set_value((RULES[0], RULES_NEW.encode(), "text/plain")).run()
    m = _metrics(trainer)
    assert int(m["新增"]) >= 1 and int(m["删除"]) >= 1
    assert trainer.button(key="replace_go").disabled
    _checkbox(trainer, "replace_ok_").check().run()
    trainer.button(key="replace_go").click().run()
    assert not trainer.exception and any("已替换" in s.value for s in trainer.success)
    assert "每小时收费三元" in texts(trainer) and "每小时收费五元" not in texts(trainer)

    trainer.button(key="undo_go").click().run()
    assert any("已恢复" in s.value for s in trainer.success)
    assert "每小时收费五元" in texts(trainer) and "每小时收费三元" not in texts(trainer)
    trainer.switch_page("assistant/ui/views/workbench.py").run()
    ask(trainer, "政务中心停车超过两小时怎么收费？")
    assert any("五元" in e.label or "停车" in e.label for e in trainer.expander)
    assert {"替换文档", "撤销（恢复旧版本）"} <= {a for a, _ in _audit(trainer)}


def test_upload_report_stays_filters_and_the_pdf_password_is_on_the_page(trainer):
    from conftest import need_shared

    locked = need_shared("data", "ingestion_samples", "pypdf_encryption", "r4-aes-user-password.pdf").read_bytes()
    trainer.switch_page("assistant/ui/views/documents.py").run()
    trainer.file_uploader(key="upload_files").set_value([
        (RULES[0], RULES[1].encode(), "text/plain"), ("加密.pdf", locked, "application/pdf"),
        ("坏文件.pdf", b"%PDF-1.4\n1 0 obj broken", "application/pdf")]).run()
    trainer.button(key="upload_go").click().run()
    report = _frames(trainer, "结果")[0].set_index("文件")
    assert report.loc[RULES[0], "结果"] == "已加入"
    assert report.loc["加密.pdf", "结果"] == "失败" and "已加密" in report.loc["加密.pdf", "原因或提示"]
    assert "请" in report.loc["坏文件.pdf", "原因或提示"]
    assert any("PDF 密码" in w.value for w in trainer.warning)

    trainer.text_input(key="doc_search").input("坏文件").run()  # another click: the report is still there
    assert _frames(trainer, "结果")[0]["文件"].tolist() == report.index.tolist()
    assert _frames(trainer, "类型")[0]["文件"].tolist() == ["坏文件.pdf"]
    trainer.text_input(key="doc_search").input("").run()
    trainer.multiselect(key="doc_status").set_value(["已加密"]).run()
    assert _frames(trainer, "类型")[0]["文件"].tolist() == ["加密.pdf"]

    trainer.file_uploader(key="upload_files").set_value([("加密.pdf", locked, "application/pdf")]).run()
    trainer.text_input(key="upload_password").input("asdfzxcv").run()
    trainer.button(key="upload_go").click().run()
    again = _frames(trainer, "结果")[0].set_index("文件")
    assert "已加密" not in again.loc["加密.pdf", "状态"] and "密码" not in again.loc["加密.pdf", "原因或提示"]
    assert len(_frames(trainer, "结果")[1]) == 3  # the earlier batch is kept below


def test_accounts_reset_disable_enable_and_role(trainer):
    from assistant.config import get_settings
    from assistant.store import db
    from assistant.users import authenticate, get_account

    engine = db.get_engine(get_settings().db_url)
    trainer.switch_page("assistant/ui/views/accounts.py").run()
    assert "python -m" not in texts(trainer)
    trainer.selectbox(key="acct_pick").set_value(STAFF[0]).run()
    trainer.button(key="acct_reset").click().run()
    temp = trainer.code[0].value
    assert len(temp) == 12 and "只显示这一次" in texts(trainer)
    assert authenticate(engine, STAFF[0], temp) and not authenticate(engine, STAFF[0], STAFF[1])
    trainer.run()
    assert not trainer.code  # shown once

    trainer.button(key="acct_disable").click().run()
    assert any("已停用" in s.value for s in trainer.success) and get_account(engine, STAFF[0]).disabled
    staff = AppTest.from_file(APP, default_timeout=120).run()
    sign_in(staff, STAFF[0], temp)
    assert any("账号已停用" in e.value for e in staff.error)
    trainer.button(key="acct_enable").click().run()
    assert not get_account(engine, STAFF[0]).disabled
    trainer.selectbox(key=f"acct_role_{STAFF[0]}").set_value("trainer").run()
    trainer.button(key="acct_role_go").click().run()
    assert get_account(engine, STAFF[0]).is_trainer
    table = _frames(trainer, "用户名")[0].set_index("用户名")
    assert table.loc[STAFF[0], "角色"] == "培训管理员" and table.loc[TRAINER[0], "最近登录"]


def test_first_trainer_gets_a_next_step_guide_and_staff_a_typing_hint(tmp_path, monkeypatch, data):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "empty"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    for key, value in (("first_user", "boss"), ("first_password", "long-enough-1"), ("first_password2", "long-enough-1")):
        at.text_input(key=key).input(value)
    at.button(key="first_submit").click().run()
    shown = texts(at)
    assert "下一步" in shown and "添加账号" in shown and "删除" in shown and "示例" in shown
    assert {p.label for p in at.get("page_link")} >= {"去添加账号", "去上传文档"}
    at.button(key="guide_dismiss").click().run()
    assert "下一步" not in texts(at)

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    staff = AppTest.from_file(APP, default_timeout=120).run()
    assert "python -m" not in texts(staff)
    sign_in(staff, *STAFF)
    assert "下一步" not in texts(staff) and "群众说的话" in texts(staff) and "新群众" in texts(staff)


def test_masked_numbers_and_markdown_in_user_text_show_as_written_on_the_gap_page(trainer):
    tricky = "无人机航拍要去哪里备案？我身份证号110101199003071234 **急** <b>x</b> [链接](http://x)"
    ask(trainer, tricky)
    ask(trainer, tricky)
    trainer.switch_page("assistant/ui/views/gaps.py").run()
    shown = seen(trainer)
    from assistant.privacy import mask

    masked = mask("110101199003071234")
    assert masked.count("*") >= 8 and masked in shown  # the masked number keeps its asterisks
    assert "**急** <b>x</b> [链接](http://x)" in shown
    assert "110101199003071234" not in shown


def test_a_numbered_standard_answer_keeps_its_lines_in_the_faq_view_and_on_the_workbench(trainer):
    trainer.switch_page("assistant/ui/views/faq.py").run()
    table = trainer.data_editor(key="faq_editor").value
    row = next(i for i, a in enumerate(table["标准答案"]) if "\n2. " in a and "办理地点" in a)
    trainer.selectbox(key="faq_view").set_value(row).run()
    shown = seen(trainer)
    lines = [line.strip() for line in table["标准答案"][row].split("\n")]
    assert all(f"\n{line}" in shown for line in lines[1:]), shown  # each item, and 办理地点, on a line of its own

    trainer.switch_page("assistant/ui/views/workbench.py").run()
    ask(trainer, table["标准问题"][row])
    answer = next(s.value for s in trainer.success if "标准答案" in s.value)
    rendered = seen_markdown(answer)
    assert all(f"\n{line}" in rendered for line in lines[1:]), rendered


def seen_markdown(source: str) -> str:
    import html
    import re

    from rendered import MD

    return html.unescape(re.sub(r"<[^>]+>", "", MD.render(source))).replace("\u2060", "")


def test_replacing_the_faq_table_previews_entry_counts(trainer):
    from app_harness import REPO
    from assistant.config import get_settings
    from assistant.feedback.faq_edit import faq_documents
    from assistant.store.kb import KnowledgeBase

    doc = faq_documents(KnowledgeBase(get_settings()))[0]
    trainer.switch_page("assistant/ui/views/documents.py").run()
    trainer.selectbox(key="doc_pick").set_value(doc.id).run()
    shipped = (REPO / "knowledge" / "faq" / "常见问题示例.csv").read_text(encoding="utf-8-sig")
    longer = shipped.rstrip("\n") + \
        "\n图书馆几点开门？,,周一至周五九点开门。,图书馆,\n"
    _uploader(trainer, "replace_file_").set_value((doc.source, longer.encode("utf-8"), "text/csv")).run()
    assert not trainer.exception
    assert any("按 FAQ 条目：新增 1 条，修改 0 条，删除 0 条" in c.value for c in trainer.caption)
