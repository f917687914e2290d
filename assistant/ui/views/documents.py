"""知识库管理 · 文档: upload several files with progress and a report that stays (downloadable as CSV), a document list
with search, status filter and sorting, chunk preview, replace with a preview of the change and an undo, delete."""
from __future__ import annotations

from datetime import timezone

import pandas as pd
import streamlit as st

from assistant.feedback import versions
from assistant.store import db
from assistant.ui import actions, auth, resources
from assistant.ui.common import KIND_ZH, LOCAL, STATUS_ZH, is_sample, local_time, page_header, plain, sample_notice

account = auth.require_trainer()
kb = resources.knowledge_base()
page_header("知识库管理", "flash")
sample_notice(kb)

OUTCOME_ZH = {"added": "已加入", "replaced": "已替换", "unchanged": "内容未变，已跳过", "failed": "失败"}
REPORTS = "upload_reports"  # this session's upload batches, newest first


def _name(o) -> str:
    return o.path.replace("\\", "/").rsplit("/", 1)[-1]


def outcome_line(o) -> str:
    name = _name(o)
    if o.outcome == "failed":
        return o.message if name in o.message else f"《{name}》{o.message}"
    if o.outcome == "unchanged":
        return o.message or f"《{name}》内容未变，已跳过。"
    note = f"　提示：{o.message}" if o.message else ""
    return f"《{name}》{OUTCOME_ZH[o.outcome]}：{o.title}，共 {o.chunks} 段。{note}"


def show_outcome(o) -> None:
    {"failed": st.error, "unchanged": st.info}.get(o.outcome, st.success)(plain(outcome_line(o)))


def _attempt(action, *args, **kwargs):
    """Run a trainer action; its refusal (busy lock, permission, bad file) is shown as text, and None returned."""
    try:
        return action(*args, **kwargs)
    except actions.ActionError as err:
        st.error(plain(str(err)))
        return None


def _csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_rows(summary) -> list[dict]:
    return [{"文件": _name(o), "结果": OUTCOME_ZH.get(o.outcome, o.outcome), "标题": o.title, "段数": o.chunks,
             "状态": STATUS_ZH.get(o.status, o.status), "原因或提示": o.message} for o in summary.outcomes]


st.subheader("上传文档或 FAQ 表")
files = st.file_uploader("可一次选多个文件：PDF、Word（DOCX/DOC）、WPS、OFD、演示文稿（PPTX/PPT）、图片（JPG/PNG/TIFF/BMP，"
                         "自动文字识别）、TXT/MD、网页（HTML）、FAQ 表（CSV/XLSX/XLS）",
                         accept_multiple_files=True, key="upload_files")
password = st.text_input("PDF 密码（只有加密的 PDF 需要；同一批的加密 PDF 都用这个密码，不会被保存）", type="password",
                         key="upload_password")
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

    summary = _attempt(actions.upload, kb, [(f.name, f.getvalue()) for f in files], account.username, on_file,
                       password=password, on_page=on_page)
    if summary is not None:
        bar.progress(1.0, text=summary.line())
        batches = st.session_state.setdefault(REPORTS, [])
        batches.insert(0, {"at": local_time(db.now()),
                           "line": summary.line(), "rows": report_rows(summary),
                           "encrypted": any(o.status == "encrypted" for o in summary.outcomes)})
        del batches[5:]

for n, batch in enumerate(st.session_state.get(REPORTS, [])):
    with st.container(border=True, key=f"upload_report_{n}"):
        st.markdown(f"**上传结果**　{batch['at']}　{batch['line']}" + ("　（较早的一批）" if n else ""))
        report = pd.DataFrame(batch["rows"])
        st.dataframe(report, hide_index=True, width="stretch", placeholder="", key=f"upload_report_table_{n}",
                     column_config={"文件": st.column_config.TextColumn(width=200),
                                    "结果": st.column_config.TextColumn(width=90),
                                    "标题": st.column_config.TextColumn(width=180),
                                    "段数": st.column_config.NumberColumn(width=50),
                                    "状态": st.column_config.TextColumn(width=80),
                                    "原因或提示": st.column_config.TextColumn(width="large")})
        failed = [r for r in batch["rows"] if r["结果"] == "失败"]
        for row in failed[:20]:  # the reasons in full, not cut to a column's width
            st.error(plain(row["原因或提示"] if row["文件"] in row["原因或提示"] else f"《{row['文件']}》{row['原因或提示']}"))
        if len(failed) > 20:
            st.caption(f"另有 {len(failed) - 20} 个失败的文件，原因见下载的结果表。")
        if batch["encrypted"] and n == 0:
            st.warning("有加密的 PDF：在上面“PDF 密码”里填写密码，再选这些文件点“加入知识库”。")
        c1, c2 = st.columns([1, 4])
        c1.download_button("下载结果（CSV）", report.map(_csv_cell).to_csv(index=False).encode("utf-8-sig"),
                           f"上传结果-{batch['at'].replace(' ', '-').replace(':', '')}.csv", mime="text/csv",
                           key=f"upload_report_csv_{n}")
        if c2.button("关闭这份结果", key=f"upload_report_close_{n}"):
            st.session_state[REPORTS].pop(n)
            st.rerun()

def _when(at):
    """Local time without the time zone (the grid shows and sorts it as a date)."""
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(LOCAL).replace(tzinfo=None)


st.subheader("文档列表")
docs = kb.documents()
if not docs:
    st.caption("知识库还是空的：请先上传文档。")
    st.stop()
table = pd.DataFrame([{
    "标题": d.title + ("（示例）" if is_sample(d.source, kb.settings) and "示例" not in d.title else ""), "文件": d.source,
    "类型": KIND_ZH.get(d.kind, d.kind), "状态": STATUS_ZH.get(d.status, d.status), "段数": d.chunk_count,
    "更新时间": _when(d.replaced_at or d.added_at), "操作人": d.added_by, "原因": d.error,
    "文字识别": f"经 OCR 识别，请抽查（置信度 {d.ocr_confidence}）" if d.ocr_confidence else "",
} for d in docs]).sort_values("更新时间", ascending=False)
f1, f2 = st.columns([2, 3])
query = f1.text_input("搜索（标题、文件名、操作人、原因）", key="doc_search", placeholder="例如：居住证")
statuses = f2.multiselect("状态", sorted(set(table["状态"])), key="doc_status", placeholder="全部状态")
shown = table
if query.strip():
    q = query.strip().casefold()
    shown = shown[shown[["标题", "文件", "操作人", "原因"]].apply(
        lambda row: any(q in str(v).casefold() for v in row), axis=1)]
if statuses:
    shown = shown[shown["状态"].isin(statuses)]
st.caption(f"共 {len(table)} 个文档，显示 {len(shown)} 个；点列名可排序。")
st.dataframe(shown, hide_index=True, width="stretch", key="doc_table", placeholder="",
             height=min(38 + 56 * max(len(shown), 1), 38 + 56 * 12), row_height=56,
             column_config={"标题": st.column_config.TextColumn(width=130), "文件": st.column_config.TextColumn(width=120),
                            "类型": st.column_config.TextColumn(width=60), "状态": st.column_config.TextColumn(width=64),
                            "段数": st.column_config.NumberColumn(width=44),
                            "更新时间": st.column_config.DatetimeColumn(width=92, format="MM-DD HH:mm"),
                            "操作人": st.column_config.TextColumn(width=64),
                            "原因": st.column_config.TextColumn(width="large"),
                            "文字识别": st.column_config.TextColumn(width=150)})

by_id = {d.id: d for d in docs}
pick = st.selectbox("选择一个文档", list(by_id), key="doc_pick",
                    format_func=lambda i: f"{by_id[i].title}（{by_id[i].source}）")
doc = by_id[pick]
preview, change, remove = st.tabs(["预览分段", "替换 / 撤销", "删除"])
with preview:
    chunks = kb.preview_chunks(doc.id) if doc.status in ("ready", "review") else []
    if doc.ocr_confidence:
        st.info(f"经 OCR 识别，请抽查：第 {doc.ocr_pages} 页的文字由图片识别得到，平均识别置信度 {doc.ocr_confidence}。")
    if doc.status == "review":
        st.warning("待确认，暂不引用：" + plain(doc.error or ""))
        if st.button("已核对，确认启用", key="confirm_go"):
            row = _attempt(actions.confirm, kb, doc.id, account.username)
            if row is not None:
                st.session_state["flash"] = f"已确认启用《{row.title}》，现在可以被检索引用。"
                st.rerun()
    elif doc.status != "ready":
        st.warning(plain(doc.error or "这个文档没有可用内容。"))
    st.caption(f"检索时看到的分段：共 {len(chunks)} 段" + ("，下面显示前 20 段。" if len(chunks) > 20 else "。"))
    for c in chunks[:20]:
        where = " ".join(x for x in (c.heading_path, f"第{c.page}页" if c.page else "") if x) or "（无标题）"
        if c.kind == "faq" and c.questions:
            where = f"{c.category}：{c.questions[0]}" if c.category else c.questions[0]
        with st.expander(plain(f"{c.ordinal + 1}. {where}")):
            if c.kind == "faq":
                st.markdown("**问题**：" + plain("；".join(c.questions)))
                st.markdown("**答案**：  \n" + plain(c.answer))
            else:
                st.markdown(plain(c.text))
with change:
    new = st.file_uploader("选择新版本文件：先显示会变化的内容，确认后才替换（检索在替换完成的一瞬间切换到新版本）",
                           key=f"replace_file_{st.session_state.get('replace_n', 0)}")
    new_password = st.text_input("新文件的 PDF 密码（不加密可不填）", type="password", key="replace_password")
    if new is not None:
        found = actions.preview_replace(kb, doc.id, new.name, new.getvalue(), new_password)
        if found.error:
            st.error(plain(found.error))
        else:
            with st.container(border=True, key="replace_preview"):
                st.markdown(f"**《{plain(doc.source)}》→《{plain(new.name)}》**　{plain(found.title)}")
                m = st.columns(4)
                m[0].metric("现在", f"{doc.chunk_count} 段")
                m[1].metric("新增", found.added)
                m[2].metric("删除", found.removed)
                m[3].metric("不变", found.unchanged)
                if found.faq is not None:
                    st.caption("按 FAQ 条目：" + found.faq.summary("replace"))
                sure = st.checkbox(f"我已核对：{found.summary()}", key=f"replace_ok_{doc.id}_{new.file_id}")
                if st.button("确认替换", key="replace_go", type="primary", disabled=not sure):
                    outcome = _attempt(actions.replace, kb, doc.id, new.name, new.getvalue(), account.username,
                                       new_password)
                    if outcome is not None:
                        if outcome.outcome == "failed":
                            show_outcome(outcome)
                        else:
                            st.session_state["replace_n"] = st.session_state.get("replace_n", 0) + 1
                            st.session_state["flash"] = outcome_line(outcome) + "　可在“替换 / 撤销”里恢复旧版本。"
                            st.rerun()
    kept = versions.versions(kb, doc.id)
    if kept:
        last = kept[0]
        st.caption(f"上一版本：{local_time(last.at)} {plain(last.reason)}前的《{plain(last.path.name)}》"
                   f"（{last.chunks} 段，操作人 {plain(last.by)}）；共保留 {len(kept)} 个旧版本。")
        if st.button("撤销：恢复到上一版本", key="undo_go"):
            outcome = _attempt(actions.undo, kb, doc.id, account.username)
            if outcome is not None:
                if outcome.outcome == "failed":
                    show_outcome(outcome)
                else:
                    st.session_state["flash"] = f"已恢复《{outcome.title}》{local_time(last.at)} 前的版本，共 {outcome.chunks} 段。"
                    st.rerun()
with remove:
    sure = st.checkbox(plain(f"确认删除《{doc.title}》及其全部分段"), key="delete_confirm")
    if st.button("删除", key="delete_go", disabled=not sure):
        row = _attempt(actions.delete, kb, doc.id, account.username)
        if row is not None:
            st.session_state["flash"] = f"已删除《{row.title}》。"
            st.session_state.pop("delete_confirm", None)
            st.rerun()
