"""知识库管理 · 热点问题: this week against last week, by category and intent, as charts."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assistant.feedback.trends import hot_report
from assistant.ui import auth, resources

auth.require_trainer()
st.title("热点问题")
report = hot_report(resources.engine())
delta = report.this_week_total - report.last_week_total
st.metric("最近 7 天提问", report.this_week_total, delta=f"{delta:+d}（与之前 7 天相比）")
if not report.rows:
    st.caption("还没有提问记录：工作台上有人提问后，这里会按周对比显示。")
    st.stop()

rows = pd.DataFrame([{"维度": r.dimension, "名称": r.name, "本周": r.this_week, "上周": r.last_week,
                      "变化": r.change} for r in report.rows])
long = rows.melt(id_vars=["维度", "名称"], value_vars=["本周", "上周"], var_name="周", value_name="提问数")
for dim in ("分类", "意图"):
    part = long[long["维度"] == dim]
    if part.empty:
        continue
    st.subheader(f"按{dim}")
    order = rows[rows["维度"] == dim].sort_values("本周", ascending=False)["名称"].tolist()
    chart = alt.Chart(part).mark_bar().encode(
        y=alt.Y("名称:N", sort=order, title=None), x=alt.X("提问数:Q", axis=alt.Axis(tickMinStep=1)),
        yOffset=alt.YOffset("周:N", sort=["本周", "上周"]),
        color=alt.Color("周:N", sort=["本周", "上周"], scale=alt.Scale(range=["#d62728", "#c7c7c7"])),
        tooltip=["名称", "周", "提问数"],
    ).properties(height=max(120, 44 * len(order) + 30)).configure(aria=False)  # no English screen-reader text
    st.altair_chart(chart, width="stretch")

st.subheader("本周问得最多的问题")
st.dataframe(pd.DataFrame([{"问题": h.question, "本周": h.count, "上周": h.last_week}
                           for h in report.top_questions]), hide_index=True, width="stretch")
