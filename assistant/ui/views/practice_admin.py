"""知识库管理 · 练习与案例: the cohort's practice (weakest skills, progress over sessions), authoring scenarios, and the
conflict-case library (add, delete, import/export CSV or XLSX; numbers masked on entry)."""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assistant.practice import cases as case_lib
from assistant.practice import scenarios as scenario_lib
from assistant.practice.report import sessions, skill_rates, weakest
from assistant.practice.session import OUTCOME_ZH
from assistant.practice.skills import EMOTIONS, SKILL_ZH, TEMPERAMENTS
from assistant.replies.lexicons import RISK_KINDS
from assistant.replies.risk import KIND_ZH
from assistant.ui import auth, practice_common, resources
from assistant.ui.common import local_time, page_header, plain

account = auth.require_trainer()
engine = resources.engine()
resources.practice_ready()
page_header("练习与案例", "practice_flash")
cohort_tab, author_tab, case_tab = st.tabs(["班组练习情况", "编写练习场景", "服务矛盾案例库"])

with cohort_tab:
    rows = [r for r in sessions(engine) if r.score is not None]
    if not rows:
        st.caption("还没有练习记录：工作人员在“练习”页完成练习后，这里会显示各项技能的做到比例和进步情况。")
    else:
        rates = skill_rates(rows)
        weak = weakest(rows)
        st.markdown("**最薄弱的技能**：" + "、".join(f"{SKILL_ZH[k]}" for k in weak))
        frame = pd.DataFrame([{"技能": SKILL_ZH[r.skill], "做到比例": round(r.rate, 3), "评分次数": r.scored}
                              for r in rates if r.rate is not None])
        chart = alt.Chart(frame).mark_bar(color="#d62728").encode(
            y=alt.Y("技能:N", sort=list(frame["技能"]), title=None),
            x=alt.X("做到比例:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            tooltip=["技能", "做到比例", "评分次数"]).properties(height=40 * len(frame) + 30).configure(aria=False)
        st.altair_chart(chart, width="stretch")
        st.subheader("每次练习的得分（按人）")
        progress = []
        for user in sorted({r.user for r in rows}):
            for n, r in enumerate([x for x in rows if x.user == user], start=1):
                progress.append({"工作人员": user, "第几次": n, "得分": round(r.score, 3)})
        line = alt.Chart(pd.DataFrame(progress)).mark_line(point=True).encode(
            x=alt.X("第几次:O"), y=alt.Y("得分:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
            color="工作人员:N", tooltip=["工作人员", "第几次", "得分"]).configure(aria=False)
        st.altair_chart(line, width="stretch")
        st.dataframe(pd.DataFrame([{"时间": local_time(r.started_at), "工作人员": r.user, "场景": r.title,
                                    "结果": OUTCOME_ZH.get(r.outcome, r.outcome), "得分": f"{r.score:.0%}"} for r in reversed(rows)]),
                     hide_index=True, width="stretch")

with author_tab:
    st.caption("写一个模拟群众：性格、情绪、要办的事（知识库里的问答、知识库里没有的事，或风险情形），以及群众会怎么说。"
               "答得好时群众按“接下来会说”的顺序往下问；答得不好时群众说“答得不好时的反应”。")
    answers = practice_common.faq_answers()
    with st.form("scenario_form"):
        c1, c2 = st.columns(2)
        sid = c1.text_input("场景编号（字母或数字）", key="sc_id")
        title = c2.text_input("场景标题", key="sc_title")
        temperament = c1.selectbox("群众性格", list(TEMPERAMENTS), format_func=TEMPERAMENTS.get, key="sc_temp")
        emotion = c2.selectbox("开始时的情绪", list(EMOTIONS), format_func=EMOTIONS.get, key="sc_emotion")
        mtype = st.radio("要办的事", ["faq", "not_in_kb", "risk"], horizontal=True, key="sc_type",
                         format_func={"faq": "知识库里的问答", "not_in_kb": "知识库里没有的事", "risk": "风险情形"}.get)
        question = st.selectbox("问答（类型为“知识库里的问答”时）", sorted(answers), key="sc_question")
        topic = st.text_input("知识库里没有的是什么事（类型为“知识库里没有的事”时）", key="sc_topic")
        kind = st.selectbox("风险类别（类型为“风险情形”时）", list(RISK_KINDS), format_func=KIND_ZH.get, key="sc_kind")
        background = st.text_area("给学员看的情况说明", key="sc_background", height=68)
        opening = st.text_area("群众的开场白", key="sc_opening", height=68)
        nexts = st.text_area("答得好时，群众接下来会说（每行一句）", key="sc_next", height=90)
        escalate = st.text_area("答得不好时的反应（每行一句）", key="sc_escalate", height=90)
        calmed = st.text_input("满意离开时说的话", value="好，这下我清楚了，谢谢你。", key="sc_calmed")
        submitted = st.form_submit_button("保存场景", type="primary")
    if submitted:
        matter = {"faq": {"type": "faq", "question": question}, "not_in_kb": {"type": "not_in_kb", "topic": topic},
                  "risk": {"type": "risk", "kind": kind}}[mtype]
        sc = scenario_lib.Scenario(id=sid.strip(), title=title.strip(), temperament=temperament, emotion=emotion,
                                   matter=matter, opening=opening, background=background.strip(),
                                   next=nexts.splitlines(), escalate=escalate.splitlines(), calmed=calmed.strip())
        try:
            scenario_lib.save(engine, sc, account.username, set(answers))
        except scenario_lib.ScenarioError as err:
            st.error(str(err))
        else:
            st.session_state["practice_flash"] = f"已保存练习场景“{sc.title}”：工作人员在“练习”页即可选用。"
            st.rerun()
    own = scenario_lib.authored(engine)
    st.subheader(f"培训管理员编写的场景（{len(own)}）")
    for sc in own:
        c1, c2 = st.columns([5, 1])
        c1.markdown(f"**{plain(sc.title)}**　{plain(sc.matter_label())}")
        if c2.button("删除", key=f"sc_del_{sc.id}"):
            scenario_lib.remove(engine, sc.id, account.username)
            st.session_state["practice_flash"] = f"已删除练习场景“{sc.title}”。"
            st.rerun()
    st.caption(f"另有 {len(scenario_lib.shipped(resources.settings().knowledge_dir))} 个项目自带的示例场景"
               "（knowledge/practice/练习场景示例.json）。")

with case_tab:
    all_cases = case_lib.list_cases(engine)
    st.caption(f"共 {len(all_cases)} 个案例。工作台上，群众说的话会带出最相似的两个案例（“类似情况曾这样化解”）。"
               "身份证号、手机号、银行卡号在保存时自动打码。")
    if all_cases:
        st.dataframe(pd.DataFrame([{"标题": c.title, "情况": c.situation, "群众原话": c.citizen_said, "结果": c.outcome,
                                    "部门": c.department, "情绪": EMOTIONS.get(c.emotion, c.emotion),
                                    "风险": KIND_ZH.get(c.risk_kind, ""), "性格": c.temperament,
                                    "来源": "示例" if c.sample else "培训管理员"} for c in all_cases]),
                     hide_index=True, width="stretch")
        d1, d2 = st.columns(2)
        d1.download_button("导出 XLSX", case_lib.export_bytes(all_cases, "xlsx"), "服务矛盾案例.xlsx", key="case_xlsx")
        d2.download_button("导出 CSV", case_lib.export_bytes(all_cases, "csv"), "服务矛盾案例.csv", key="case_csv")
    with st.expander("新增案例"):
        with st.form("case_form"):
            c = {f: st.text_area(h, key=f"case_{f}", height=68) for h, f in case_lib.HEADER.items()
                 if f in case_lib.TEXT_FIELDS}
            c1, c2, c3 = st.columns(3)
            emo = c1.selectbox("情绪", [""] + list(EMOTIONS), format_func=lambda v: EMOTIONS.get(v, "（不填）"), key="case_emo")
            risk = c2.selectbox("风险类别", [""] + list(RISK_KINDS), format_func=lambda v: KIND_ZH.get(v, "（无）"),
                                key="case_risk")
            temp = c3.selectbox("性格类型", [""] + list(TEMPERAMENTS), format_func=lambda v: TEMPERAMENTS.get(v, "（不填）"),
                                key="case_temp")
            add = st.form_submit_button("保存案例", type="primary")
        if add:
            try:
                saved = case_lib.save_case(engine, case_lib.Case(**c, emotion=emo, risk_kind=risk, temperament=temp),
                                           account.username)
            except case_lib.CaseError as err:
                st.error(str(err))
            else:
                st.session_state["practice_flash"] = f"已保存案例“{saved.title}”。"
                st.rerun()
    with st.expander("导入案例表（CSV / XLSX）"):
        up = st.file_uploader("选择案例表", type=["csv", "xlsx"], key=f"case_upload_{st.session_state.get('case_n', 0)}")
        if up is not None and st.button("导入", key="case_import"):
            try:
                found = case_lib.import_bytes(up.name, up.getvalue())
                n = case_lib.import_cases(engine, found, account.username)
            except case_lib.CaseError as err:
                st.error(str(err))
            else:
                st.session_state["case_n"] = st.session_state.get("case_n", 0) + 1
                st.session_state["practice_flash"] = f"已导入 {n} 个案例（同标题、同原话的案例已更新）。"
                st.rerun()
    if all_cases:
        with st.expander("删除案例"):
            pick = st.selectbox("选择要删除的案例", [c.id for c in all_cases], key="case_del_pick",
                                format_func={c.id: c.title for c in all_cases}.get)
            if st.button("删除这个案例", key="case_delete"):
                try:
                    case_lib.delete_case(engine, pick, account.username)
                except case_lib.CaseError as err:
                    st.error(str(err))
                else:
                    st.session_state["practice_flash"] = "已删除案例。"
                    st.rerun()
