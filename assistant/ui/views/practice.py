"""练习: a trainee picks a scenario, answers the simulated citizen turn by turn, sees each reply scored (skills, tone
flags with rewrites, NVC parts, the model reply) and a report at the end. Nothing here reaches 热点问题 or 知识缺口.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.practice import session as practice
from assistant.practice.report import sessions as past_sessions
from assistant.practice.skills import EMOTIONS, SKILL_ZH, SKILLS, TEMPERAMENTS
from assistant.ui import auth, practice_common, resources
from assistant.ui.common import local_time, plain

account = auth.current_account()
if account is None:
    st.stop()
engine = resources.engine()
st.title("练习")
st.caption("模拟不同性格、不同情绪的群众，一句一句练习答复；每句答复按“回应感受和需要、政策准确、一次性告知、不推诿、"
           "不指责、不越权承诺、风险处置”打分，并给出参考答复。练习内容不计入热点问题和知识缺口。")

scenarios = practice_common.scenarios()
if not scenarios:
    st.info("还没有练习场景：请培训管理员在“练习与案例”页编写场景。")
    st.stop()
by_id = {s.id: s for s in scenarios}
run: practice.Run | None = st.session_state.get("practice_run")
if run is not None and not run.done:
    # read the reply before drawing the conversation: one script run per turn (the box stays at the bottom)
    text = st.chat_input("你的答复（按回车提交）", key="practice_reply")
    if text and text.strip():
        practice.reply(run, text, engine, vary=practice_common.vary())

if run is None:
    pick = st.selectbox("选择练习场景", list(by_id), key="practice_pick",
                        format_func=lambda i: f"{by_id[i].title}（{by_id[i].sample and '示例' or '培训管理员编写'}）")
    sc = by_id[pick]
    with st.container(border=True):
        st.markdown(f"**{plain(sc.title)}**")
        st.markdown(f"群众性格：{TEMPERAMENTS[sc.temperament]}　情绪：{EMOTIONS[sc.emotion]}")
        st.markdown(plain(sc.matter_label()))
        if sc.background:
            st.caption(plain(sc.background))
        if sc.case:
            st.caption("改编自案例：" + plain(sc.case))
    if st.button("开始练习", key="practice_start", type="primary"):
        try:
            matter = practice_common.matter_for(sc)
        except practice_common.MatterError as err:
            st.error(plain(str(err)))
            st.stop()
        st.session_state["practice_run"] = practice.start(sc, matter, engine, account.username)
        st.rerun()
else:
    sc = run.scenario
    st.subheader(plain(sc.title))
    st.caption(f"群众性格：{TEMPERAMENTS[sc.temperament]}　{plain(sc.matter_label())}　"
               f"群众现在的情绪：{practice.MOOD_ZH[min(run.mood, 4)]}")
    for i, turn in enumerate(run.turns):
        with st.chat_message("user", avatar=":material/person:"):
            st.markdown(plain(turn.citizen))
        if turn.score is not None:
            with st.chat_message("assistant", avatar=":material/support_agent:"):
                st.markdown(plain(turn.reply))
                practice_common.render_score(turn.score, run, i)
    if run.done:
        line = practice.closing_line(run)
        with st.chat_message("user", avatar=":material/person:"):
            st.markdown(plain(line))
        if run.outcome == "calmed":
            st.success(f"练习结束：{practice.OUTCOME_ZH[run.outcome]}。")
        else:
            st.error(f"练习结束：{practice.OUTCOME_ZH[run.outcome]}。看看下面哪几项没做到，再练一次。")
        practice_common.session_report(run)
        if st.button("再练一个场景", key="practice_again"):
            st.session_state.pop("practice_run", None)
            st.rerun()
    else:
        if st.button("放弃本次练习", key="practice_quit"):
            st.session_state.pop("practice_run", None)
            st.rerun()

mine = [r for r in past_sessions(engine, account.username) if r.score is not None]
if mine:
    with st.expander(f"我的练习记录（{len(mine)} 次）"):
        st.dataframe(pd.DataFrame([{"时间": local_time(r.started_at), "场景": r.title,
                                    "结果": practice.OUTCOME_ZH.get(r.outcome, r.outcome),
                                    "得分": f"{r.score:.0%}",
                                    **{SKILL_ZH[k]: (f"{r.rates[k].met}/{r.rates[k].scored}" if k in r.rates else "—")
                                       for k in SKILLS}} for r in reversed(mine)]),
                     hide_index=True, width="stretch")
