"""知识库管理 · FAQ 编辑: add, edit and delete standard answers in a table; import and export CSV/XLSX.

Saving writes a new table file and replaces the FAQ document through ingestion, so edits are searchable at once.
"""
from __future__ import annotations

import streamlit as st

from assistant.documents.model import FaqEntry, IngestError
from assistant.feedback.faq_edit import (FaqEditError, export_bytes, faq_documents, import_bytes, load_entries,
                                         save_entries)
from assistant.ui import actions, auth, resources
from assistant.ui.common import page_header, sample_notice
from assistant.ui.faq_frame import COLUMNS, from_frame, to_frame

account = auth.require_trainer()
kb = resources.knowledge_base()
page_header("FAQ 编辑", "faq_flash")
sample_notice(kb)

docs = faq_documents(kb)
by_id = {d.id: d for d in docs}
if len(docs) > 1:
    doc_id = st.selectbox("FAQ 表", list(by_id), key="faq_doc", format_func=lambda i: by_id[i].source)
else:
    doc_id = docs[0].id if docs else None
doc = by_id.get(doc_id)
entries = load_entries(kb, doc) if doc is not None else []
if doc is None:
    st.caption("还没有 FAQ 表：在下面填写后保存，会新建“常见问题.csv”。")
else:
    st.caption(f"《{doc.source}》共 {len(entries)} 条。直接在表格里改；最下面一行可新增，勾选行首后按 Delete 可删除。"
               "相似问法之间用“；”分隔。")


def save(new_entries: list[FaqEntry], what: str) -> None:
    try:
        with actions.trainer_write(kb, account.username) as user:
            outcome = save_entries(kb, doc.id if doc else None, new_entries, actor=user)
    except (FaqEditError, actions.ActionError) as err:
        st.error(str(err))
        return
    if outcome.outcome == "failed":
        st.error(outcome.message)
        return
    st.session_state.pop("faq_editor", None)  # the saved table is the new starting point
    st.session_state["faq_flash"] = f"{what}：现在共 {outcome.chunks} 条，检索已立即使用新内容。"
    st.rerun()


edited = st.data_editor(to_frame(entries), num_rows="dynamic", key="faq_editor", hide_index=True,
                        width="stretch", column_config={c: st.column_config.TextColumn(c) for c in COLUMNS})
if st.button("保存修改", key="faq_save", type="primary"):
    save(from_frame(edited), "已保存")

st.subheader("导出 / 导入")
col1, col2 = st.columns(2)
with col1:
    stem = (doc.source.rsplit(".", 1)[0] if doc else "常见问题")
    st.download_button("导出 Excel（XLSX）", export_bytes(entries, ".xlsx"), f"{stem}.xlsx", key="faq_export_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.download_button("导出 CSV", export_bytes(entries, ".csv"), f"{stem}.csv", key="faq_export_csv",
                       mime="text/csv")
with col2:
    upload = st.file_uploader("导入 CSV/XLSX（替换当前整张表）", type=["csv", "xlsx"], key="faq_import")
    if st.button("导入", key="faq_import_go", disabled=upload is None):
        try:
            imported = import_bytes(upload.name, upload.getvalue())
        except IngestError as err:
            st.error(err.message)
        else:
            save(imported, f"已导入《{upload.name}》")
