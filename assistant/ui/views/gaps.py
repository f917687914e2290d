"""知识库管理 · 知识缺口: questions the knowledge base could not answer well, not-useful answers, unused FAQ entries."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assistant.feedback.faq_edit import FaqEditError
from assistant.feedback.gaps import gap_report, group_to_faq
from assistant.feedback.records import close_feedback
from assistant.ui import actions, auth, resources
from assistant.ui.common import local_time, page_header, plain

account = auth.require_trainer()
kb = resources.knowledge_base()
page_header("知识缺口", "gap_flash")
days = st.select_slider("时间范围", options=[7, 30, 90, 365], value=30, key="gap_days",
                        format_func=lambda d: f"最近 {d} 天")
report = gap_report(kb, days=days)

st.subheader(f"没答上或把握不大的问题（{len(report.groups)} 组）")
st.caption("相似的问题归为一组，按提问次数排序。填上答案即可一步转为 FAQ 条目，工作台马上就能用。")
if not report.groups:
    st.caption("这段时间没有未答上的问题。")
for g in report.groups[:30]:
    gid = g.query_ids[0]
    with st.container(border=True):
        st.markdown(f"**{plain(g.question)}**　被问 {g.count} 次" + (f"，其中 {g.refused} 次无依据" if g.refused else "")
                    + f"　最近：{local_time(g.last_at)}")
        if g.wordings:
            st.caption("其他问法：" + plain("；".join(g.wordings)))
        with st.expander("转为 FAQ 条目"):
            question = st.text_input("标准问题", value=g.question, key=f"gap_q_{gid}")
            answer_text = st.text_area("标准答案", key=f"gap_answer_{gid}", height=100)
            category = st.text_input("分类（可选）", key=f"gap_cat_{gid}")
            if st.button("转为 FAQ 条目", key=f"gap_faq_{gid}", type="primary"):
                try:
                    with actions.trainer_write(kb, account.username) as user:
                        outcome = group_to_faq(kb, g, answer_text, actor=user, category=category, question=question)
                except (FaqEditError, actions.ActionError) as err:
                    st.error(str(err))
                else:
                    if outcome.outcome == "failed":
                        st.error(outcome.message)
                    else:
                        st.session_state["gap_flash"] = f"已把“{question}”加入 FAQ（含 {len(g.wordings)} 种其他问法）。"
                        st.rerun()

st.subheader(f"被标为“没用”的回答（{len(report.not_useful)} 条待处理）")
if any(report.reasons.values()):
    reasons = pd.DataFrame({"原因": list(report.reasons), "条数": list(report.reasons.values())})
    # one bar per reason, each tall enough to read, the count written at the end of the bar
    bars = alt.Chart(reasons).encode(x=alt.X("条数:Q", axis=alt.Axis(tickMinStep=1, format="d"), title="条数"),
                                     y=alt.Y("原因:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=14)))
    chart = (bars.mark_bar(color="#4c78a8", size=24) + bars.mark_text(align="left", dx=4, fontSize=13)
             .encode(text="条数:Q")).properties(height=44 * len(reasons) + 30).configure(aria=False)
    st.altair_chart(chart, width="stretch")
for item in report.not_useful[:50]:
    with st.container(border=True):
        st.markdown(f"**{plain(item.question)}**　〔{plain(item.reason)}〕　{plain(item.user)}　{local_time(item.at)}")
        if item.correction:
            st.markdown(f"建议的说法：{plain(item.correction)}")
        if st.button("标记已处理", key=f"fb_done_{item.id}"):
            close_feedback(kb.engine, item.id, account.username)
            st.rerun()

st.subheader(f"从未被命中的 FAQ 条目（{len(report.never_hit)} 条）")
st.caption("可能问法和群众的说法差得远（可补充相似问法），也可能已经过时。")
if report.never_hit:
    st.dataframe(pd.DataFrame([{"标准问题": n.question, "分类": n.category, "所在表": n.title}
                               for n in report.never_hit]), hide_index=True, width="stretch")
