"""知识库管理 · 文档: upload several files with progress, list, preview chunks, replace and delete."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.ui import actions, auth, resources
from assistant.ui.common import KIND_ZH, STATUS_ZH, is_sample, local_time, page_header, plain, sample_notice

account = auth.require_trainer()
kb = resources.knowledge_base()
page_header("知识库管理", "flash")
sample_notice(kb)

OUTCOME_ZH = {"added": "已加入", "replaced": "已替换", "unchanged": "内容未变，已跳过", "failed": "失败"}


def show_outcome(o) -> None:
    name = o.path.rsplit("/", 1)[-1]
    if o.outcome == "failed":
        st.error(o.message if name in o.message else f"《{name}》{o.message}")
    elif o.outcome == "unchanged":
        st.info(o.message or f"《{name}》内容未变，已跳过。")
    else:
        note = f"　提示：{o.message}" if o.message else ""
        st.success(f"《{name}》{OUTCOME_ZH[o.outcome]}：{o.title}，共 {o.chunks} 段。{note}")


st.subheader("上传文档或 FAQ 表")
files = st.file_uploader("可一次选多个文件：PDF、Word（DOCX/DOC）、WPS、OFD、演示文稿（PPTX/PPT）、图片（JPG/PNG/TIFF/BMP，"
                         "自动文字识别）、TXT/MD、网页（HTML）、FAQ 表（CSV/XLSX/XLS）",
                         accept_multiple_files=True, key="upload_files")
if st.button("加入知识库", key="upload_go", type="primary", disabled=not files):
    bar = st.progress(0.0, text="准备中……")
    total = len(files)

    current = {"n": 1, "name": ""}

    def on_file(n: int, name: str) -> None:
        current.update(n=n, name=name)
        bar.progress((n - 1) / total, text=f"正在处理第 {n}/{total} 个：{name}")

    def on_page(done: int, pages: int) -> None:
        n = current["n"]
        bar.progress(min(1.0, (n - 1 + done / max(1, pages)) / total),
                     text=f"正在处理第 {n}/{total} 个：{current['name']}，文字识别第 {min(done + 1, pages)}/{pages} 页")

    try:
        summary = actions.upload(kb, [(f.name, f.getvalue()) for f in files], account.username, on_file, on_page)
    except actions.ActionError as err:
        st.error(str(err))
    else:
        bar.progress(1.0, text=summary.line())
        for outcome in summary.outcomes:
            show_outcome(outcome)

st.subheader("文档列表")
docs = kb.documents()
if not docs:
    st.caption("知识库还是空的：请先上传文档。")
    st.stop()
table = pd.DataFrame([{
    "标题": d.title + ("（示例）" if is_sample(d.source, kb.settings) and "示例" not in d.title else ""), "文件": d.source,
    "类型": KIND_ZH.get(d.kind, d.kind), "状态": STATUS_ZH.get(d.status, d.status), "段数": d.chunk_count,
    "更新时间": local_time(d.replaced_at or d.added_at), "操作人": d.added_by, "原因": d.error,
    "文字识别": f"经 OCR 识别，请抽查（置信度 {d.ocr_confidence}）" if d.ocr_confidence else "",
} for d in docs])
st.dataframe(table, hide_index=True, width="stretch", key="doc_table")

by_id = {d.id: d for d in docs}
pick = st.selectbox("选择一个文档", list(by_id), key="doc_pick",
                    format_func=lambda i: f"{by_id[i].title}（{by_id[i].source}）")
doc = by_id[pick]
preview, change, remove = st.tabs(["预览分段", "替换", "删除"])
with preview:
    chunks = kb.preview_chunks(doc.id) if doc.status in ("ready", "review") else []
    if doc.ocr_confidence:
        st.info(f"经 OCR 识别，请抽查：第 {doc.ocr_pages} 页的文字由图片识别得到，平均识别置信度 {doc.ocr_confidence}。")
    if doc.status == "review":
        st.warning(f"待确认，暂不引用：{doc.error}")
        if st.button("已核对，确认启用", key="confirm_go"):
            try:
                row = actions.confirm(kb, doc.id, account.username)
            except actions.ActionError as err:
                st.error(str(err))
            else:
                st.session_state["flash"] = f"已确认启用《{row.title}》，现在可以被检索引用。"
                st.rerun()
    elif doc.status != "ready":
        st.warning(doc.error or "这个文档没有可用内容。")
    st.caption(f"检索时看到的分段：共 {len(chunks)} 段" + ("，下面显示前 20 段。" if len(chunks) > 20 else "。"))
    for c in chunks[:20]:
        where = " ".join(x for x in (c.heading_path, f"第{c.page}页" if c.page else "") if x) or "（无标题）"
        if c.kind == "faq" and c.questions:
            where = f"{c.category}：{c.questions[0]}" if c.category else c.questions[0]
        with st.expander(plain(f"{c.ordinal + 1}. {where}")):
            if c.kind == "faq":
                st.markdown("**问题**：" + plain("；".join(c.questions)))
                st.markdown("**答案**：" + plain(c.answer))
            else:
                st.markdown(plain(c.text))
with change:
    new = st.file_uploader("选择新版本文件（检索会在替换完成的一瞬间切换到新版本）", key="replace_file")
    if st.button("替换", key="replace_go", disabled=new is None):
        try:
            show_outcome(actions.replace(kb, doc.id, new.name, new.getvalue(), account.username))
        except actions.ActionError as err:
            st.error(str(err))
with remove:
    sure = st.checkbox(f"确认删除《{doc.title}》及其全部分段", key="delete_confirm")
    if st.button("删除", key="delete_go", disabled=not sure):
        try:
            row = actions.delete(kb, doc.id, account.username)
        except actions.ActionError as err:
            st.error(str(err))
        else:
            st.session_state["flash"] = f"已删除《{row.title}》。"
            st.session_state.pop("delete_confirm", None)
            st.rerun()
