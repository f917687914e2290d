"""知识库管理 · FAQ 编辑: add, edit and delete standard answers in a table; export; import as a reviewed change
(preview of added / changed / removed entries, merge or replace, explicit confirmation); undo to the kept version.

Saving writes a new table file and replaces the FAQ document through ingestion, so edits are searchable at once.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from assistant.documents.model import FaqEntry, IngestError
from assistant.feedback import versions
from assistant.feedback.faq_edit import (MODE_ZH, FaqEditError, clean_entries, compare, export_bytes, faq_documents,
                                         import_bytes, import_entries, load_entries, save_entries)
from assistant.ui import actions, auth, resources
from assistant.ui.common import local_time, page_header, plain, sample_notice
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
    st.caption(plain(f"《{doc.source}》") + f"共 {len(entries)} 条。直接在表格里改；最下面一行可新增，勾选行首后按 Delete 可删除。"
               "相似问法之间用“；”分隔；答案里的换行会保留。")


def _done(outcome, flash: str) -> None:
    if outcome.outcome == "failed":
        st.error(plain(outcome.message))
        return
    st.session_state.pop("faq_editor", None)  # the saved table is the new starting point
    st.session_state["faq_import_n"] = st.session_state.get("faq_import_n", 0) + 1  # empties the import box
    st.session_state["faq_flash"] = flash
    st.rerun()


def save(new_entries: list[FaqEntry], what: str) -> None:
    try:
        with actions.trainer_write(kb, account.username) as user:
            outcome = save_entries(kb, doc.id if doc else None, new_entries, actor=user)
    except (FaqEditError, actions.ActionError) as err:
        st.error(plain(err))
        return
    _done(outcome, f"{what}：现在共 {outcome.chunks} 条，检索已立即使用新内容。")


WIDTHS = {"标准问题": 160, "相似问法": 140, "标准答案": 320, "分类": 56, "依据": 110}  # all five fit at 1280 px
edited = st.data_editor(to_frame(entries), num_rows="dynamic", key="faq_editor", hide_index=True, width="stretch",
                        row_height=78, placeholder="", height=560,
                        column_config={c: st.column_config.TextColumn(c, width=WIDTHS[c], default="")
                                       for c in COLUMNS})
if st.button("保存修改", key="faq_save", type="primary"):
    save(from_frame(edited), "已保存")

if entries:
    with st.expander("查看一条的全文（答案按原样分行显示）"):
        pick = st.selectbox("标准问题", range(len(entries)), key="faq_view",
                            format_func=lambda i: entries[i].question)
        e = entries[pick]
        st.markdown("**相似问法**：" + plain("；".join(e.similar) or "（无）"))
        st.markdown("**标准答案**：  \n" + plain(e.answer))
        st.caption(plain(" ".join(x for x in (e.category, e.basis) if x)))

st.subheader("导出 / 导入")
col1, col2 = st.columns([1, 2])
with col1:
    stem = (doc.source.rsplit(".", 1)[0] if doc else "常见问题")
    st.download_button("导出 Excel（XLSX）", export_bytes(entries, ".xlsx"), f"{stem}.xlsx", key="faq_export_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.download_button("导出 CSV", export_bytes(entries, ".csv"), f"{stem}.csv", key="faq_export_csv",
                       mime="text/csv")
with col2:
    upload = st.file_uploader("导入 CSV/XLSX：先显示会新增、修改、删除哪些条目，确认后才生效", type=["csv", "xlsx"],
                              key=f"faq_import_{st.session_state.get('faq_import_n', 0)}")
if upload is not None:
    try:
        imported = clean_entries(import_bytes(upload.name, upload.getvalue()))
    except IngestError as err:
        st.error(plain(err.message))
    except FaqEditError as err:
        st.error(plain(f"《{upload.name}》不能导入：{err}"))
    else:
        change = compare(entries, imported)
        with st.container(border=True, key="faq_import_preview"):
            st.markdown(f"**导入《{plain(upload.name)}》前请核对**")
            mode = st.radio("导入方式", list(MODE_ZH), key="faq_import_mode", horizontal=True,
                            format_func=lambda m: {"merge": "合并：更新同名问题、加入新问题，表里其他条目保留",
                                                   "replace": "整表替换：表里有而文件里没有的条目会被删除"}[m])
            gone = len(change.removed) if mode == "replace" else 0
            m = st.columns(4)
            m[0].metric("新增", len(change.added))
            m[1].metric("修改", len(change.changed))
            m[2].metric("删除", gone)
            m[3].metric("不变", change.unchanged)
            if change.removed and mode == "merge":
                st.caption(f"表里另有 {len(change.removed)} 条导入文件中没有，合并时保留不动。")
            if change.added:
                with st.expander(f"新增的 {len(change.added)} 条"):
                    st.dataframe(pd.DataFrame([{"标准问题": e.question, "标准答案": e.answer} for e in change.added]),
                                 hide_index=True, width="stretch", placeholder="")
            if change.changed:
                with st.expander(f"修改的 {len(change.changed)} 条（现在 → 导入后）"):
                    st.dataframe(pd.DataFrame([{"标准问题": new.question, "现在的答案": old.answer,
                                                "导入后的答案": new.answer} for old, new in change.changed]),
                                 hide_index=True, width="stretch", placeholder="")
            if gone:
                st.warning(f"整表替换会删除下面 {gone} 条（导入文件里没有）：")
                st.dataframe(pd.DataFrame([{"标准问题": e.question, "标准答案": e.answer} for e in change.removed]),
                             hide_index=True, width="stretch", placeholder="", key="faq_import_removed")
            digest = hashlib.sha256(upload.getvalue()).hexdigest()[:12]
            sure = st.checkbox(f"我已核对：{change.summary(mode)}", key=f"faq_import_ok_{digest}_{mode}")
            if st.button("确认导入", key="faq_import_go", type="primary", disabled=not sure):
                try:
                    with actions.trainer_write(kb, account.username) as user:
                        outcome, done = import_entries(kb, doc.id if doc else None, imported, mode, actor=user)
                except (FaqEditError, actions.ActionError) as err:
                    st.error(plain(err))
                else:
                    _done(outcome, f"已导入《{upload.name}》：{done.summary(mode)}。"
                                   "如有问题，可在下方“撤销”恢复导入前的表。")

if doc is not None:
    kept = versions.versions(kb, doc.id)
    st.subheader("撤销")
    if not kept:
        st.caption("还没有可恢复的旧版本：每次保存、导入或替换前的表都会自动保留一份。")
    else:
        last = kept[0]
        st.caption(f"上一版本：{local_time(last.at)} {plain(last.reason)}前的表（{last.chunks} 条，操作人 {plain(last.by)}）。"
                   f"共保留 {len(kept)} 个旧版本。")
        if st.button("恢复到上一版本", key="faq_undo"):
            try:
                with actions.trainer_write(kb, account.username) as user:
                    outcome = versions.restore(kb, doc.id, last, actor=user)
            except (versions.VersionError, actions.ActionError) as err:
                st.error(plain(err))
            else:
                _done(outcome, f"已恢复到 {local_time(last.at)} 的版本：现在共 {outcome.chunks} 条。")
