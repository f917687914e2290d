"""知识库管理 · 练习与案例: the cohort's practice (weakest skills, progress over sessions), authoring scenarios (new, or
an existing one edited in place; import/export JSON), and the conflict-case library (add, edit in place, delete,
import/export CSV or XLSX; numbers masked on entry)."""
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

_CALMED = "好，这下我清楚了，谢谢你。"
_FORM_KEYS = ("sc_id", "sc_title", "sc_background", "sc_opening", "sc_next", "sc_escalate", "sc_topic")


def _load_scenario() -> None:
    """Fills the form with the picked scenario, so saving it (same 编号) edits it in place."""
    sc = scenario_lib.get(engine, resources.settings().knowledge_dir, st.session_state.get("sc_pick") or "")
    if sc is None:
        st.session_state.update({k: "" for k in _FORM_KEYS} | {"sc_calmed": _CALMED})
        return
    m = sc.matter
    st.session_state.update(
        sc_id=sc.id, sc_title=sc.title, sc_temp=sc.temperament, sc_emotion=sc.emotion, sc_type=sc.matter_type,
        sc_topic=m.get("topic", ""), sc_background=sc.background, sc_opening=sc.opening, sc_next="\n".join(sc.next),
        sc_escalate="\n".join(sc.escalate), sc_calmed=sc.calmed)
    if m.get("question") in practice_common.faq_answers():
        st.session_state["sc_question"] = m["question"]
    if m.get("kind") in RISK_KINDS:
        st.session_state["sc_kind"] = m["kind"]


with author_tab:
    st.caption("写一个模拟群众：性格、情绪、要办的事（知识库里的问答、知识库里没有的事，或风险情形），以及群众会怎么说。"
               "答得好时群众按“接下来会说”的顺序往下问；答得不好时群众说“答得不好时的反应”。")
    answers = practice_common.faq_answers()
    knowledge_dir = resources.settings().knowledge_dir
    every = scenario_lib.all_scenarios(engine, knowledge_dir)
    st.selectbox("修改已有场景（选中后下面的表单会填好，改完按“保存场景”；编号不变即覆盖原场景）", [""] + [x.id for x in every],
                 key="sc_pick", on_change=_load_scenario,
                 format_func=lambda v: {x.id: f"{x.title}（{x.id}{'，示例' if x.sample else ''}）" for x in every}.get(v, "（新建场景）"))
    st.session_state.setdefault("sc_calmed", _CALMED)
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
        calmed = st.text_input("满意离开时说的话", key="sc_calmed")
        submitted = st.form_submit_button("保存场景", type="primary")
    if submitted:
        matter = {"faq": {"type": "faq", "question": question}, "not_in_kb": {"type": "not_in_kb", "topic": topic},
                  "risk": {"type": "risk", "kind": kind}}[mtype]
        before = scenario_lib.get(engine, knowledge_dir, sid.strip())
        sc = scenario_lib.Scenario(id=sid.strip(), title=title.strip(), temperament=temperament, emotion=emotion,
                                   matter=matter, opening=opening, background=background.strip(),
                                   next=nexts.splitlines(), escalate=escalate.splitlines(), calmed=calmed.strip(),
                                   case=before.case if before else "")
        try:
            scenario_lib.save(engine, sc, account.username, set(answers))
        except scenario_lib.ScenarioError as err:
            st.error(plain(str(err)))
        else:
            done = "已修改" if before else "已保存"
            st.session_state["practice_flash"] = f"{done}练习场景“{sc.title}”：工作人员在“练习”页即可选用。"
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
    st.caption(f"另有 {len(scenario_lib.shipped(knowledge_dir))} 个项目自带的示例场景；"
               "修改示例场景会另存为培训管理员的版本，同编号时练习页用修改后的。")
    st.download_button("导出全部场景（JSON）", scenario_lib.export_bytes(every), "练习场景.json", key="sc_export")
    with st.expander("导入场景（JSON）"):
        st.caption("文件格式与“导出全部场景”得到的文件相同。整个文件先逐个检查，有一个场景不合格就整个不导入，并指出是哪一个；"
                   "编号与已有场景相同的会被替换。")
        up = st.file_uploader("选择场景文件", type=["json"], key=f"sc_upload_{st.session_state.get('sc_n', 0)}")
        if up is not None and st.button("导入", key="sc_import"):
            try:
                found = scenario_lib.import_bytes(up.name, up.getvalue(), set(answers))
                n = scenario_lib.import_scenarios(engine, found, account.username)
            except scenario_lib.ScenarioError as err:
                st.error(plain(str(err)))
            else:
                st.session_state["sc_n"] = st.session_state.get("sc_n", 0) + 1
                st.session_state["practice_flash"] = f"已导入 {n} 个练习场景（同编号的已替换）。"
                st.rerun()

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
                st.error(plain(str(err)))
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
                st.error(plain(str(err)))
            else:
                st.session_state["case_n"] = st.session_state.get("case_n", 0) + 1
                st.session_state["practice_flash"] = f"已导入 {n} 个案例（同标题、同原话的案例已更新）。"
                st.rerun()
    if all_cases:
        with st.expander("修改案例"):
            by_id = {c.id: c for c in all_cases}
            cid = st.selectbox("选择要修改的案例", list(by_id), key="case_edit_pick", format_func=lambda v: by_id[v].title)
            old = by_id[cid]
            with st.form("case_edit_form"):
                e = {f: st.text_area(h, value=getattr(old, f), key=f"case_edit_{f}_{cid}", height=68)
                     for h, f in case_lib.HEADER.items() if f in case_lib.TEXT_FIELDS}
                c1, c2, c3 = st.columns(3)
                emos, risks, temps = [""] + list(EMOTIONS), [""] + list(RISK_KINDS), [""] + list(TEMPERAMENTS)
                e_emo = c1.selectbox("情绪", emos, index=emos.index(old.emotion) if old.emotion in emos else 0,
                                     format_func=lambda v: EMOTIONS.get(v, "（不填）"), key=f"case_edit_emo_{cid}")
                e_risk = c2.selectbox("风险类别", risks, index=risks.index(old.risk_kind) if old.risk_kind in risks else 0,
                                      format_func=lambda v: KIND_ZH.get(v, "（无）"), key=f"case_edit_risk_{cid}")
                e_temp = c3.selectbox("性格类型", temps, index=temps.index(old.temperament) if old.temperament in temps else 0,
                                      format_func=lambda v: TEMPERAMENTS.get(v, "（不填）"), key=f"case_edit_temp_{cid}")
                edit = st.form_submit_button("保存修改", type="primary")
            if edit:
                try:
                    saved = case_lib.update_case(engine, cid, case_lib.Case(**e, emotion=e_emo, risk_kind=e_risk,
                                                                            temperament=e_temp), account.username)
                except case_lib.CaseError as err:
                    st.error(plain(str(err)))
                else:
                    st.session_state["practice_flash"] = f"已修改案例“{saved.title}”。"
                    st.rerun()
        with st.expander("删除案例"):
            pick = st.selectbox("选择要删除的案例", [c.id for c in all_cases], key="case_del_pick",
                                format_func={c.id: c.title for c in all_cases}.get)
            if st.button("删除这个案例", key="case_delete"):
                try:
                    case_lib.delete_case(engine, pick, account.username)
                except case_lib.CaseError as err:
                    st.error(plain(str(err)))
                else:
                    st.session_state["practice_flash"] = "已删除案例。"
                    st.rerun()
