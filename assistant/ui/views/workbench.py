"""工作台: staff type what the citizen said and get passages, a reply they can say, and a tone check of their draft."""
from __future__ import annotations

import time

import streamlit as st

from assistant.feedback.records import record_query
from assistant.practice.cases import list_cases
from assistant.practice.similar import similar_cases
from assistant.replies.engine import cited_hit
from assistant.replies.tone import check_tone
from assistant.replies.variants import CHANNELS
from assistant.ui import answer, auth, guide, resources, styles
from assistant.ui.common import plain, sample_notice

account = auth.current_account()
if account is None:  # navigation only lists this page after sign-in; guard direct runs anyway
    st.stop()
if "turns" not in st.session_state:  # a refreshed page picks up this session's conversation where it was
    key = auth.session_key()
    st.session_state["turns"] = resources.conversations().for_session(key) if key else []
turns: list[dict] = st.session_state["turns"]

styles.apply(styles.WORKBENCH)  # narrow content area: the two columns stack
main_col, side_col = st.columns([3, 2], gap="large")
main, side = main_col.container(key="wb_main"), side_col.container(key="wb_side")

with side:
    if st.button("新群众（清空对话）", key="new_citizen", icon=":material/person_add:", width="stretch"):
        turns.clear()
        st.rerun()
    channel = st.radio("服务渠道", CHANNELS, horizontal=True, key="channel",
                       format_func=lambda v: answer.VARIANT_LABEL[v])
    st.markdown("##### 我的答复草稿：语气检查")
    draft = st.text_area("把准备说的话粘贴在这里", key="draft", height=120,
                         placeholder="例如：这个不归我们管，你去别的窗口问吧。")
    if st.button("检查语气", key="tone_check"):
        flags = check_tone(draft or "")
        if not (draft or "").strip():
            st.info("请先输入草稿。")
        elif not flags:
            st.success("没有发现推诿、指责、冷漠、越权承诺或官腔的问题。")
        for flag in flags:
            with st.container(border=True):
                st.markdown(f"**{plain(flag.category)}**：“{plain(flag.span)}”")
                st.caption(plain(flag.reason))
                st.markdown(f"建议改为：{plain(flag.rewrite)}")
    found = turns[-1].get("cases") if turns else None
    if found:   # past cases, apart from the policy sources: how a similar conflict was handled, not what the rule is
        st.markdown("##### 类似情况曾这样化解")
        st.caption("来自服务矛盾案例库的过往案例，仅供沟通参考，不是政策依据；政策以左侧引用的原文为准。")
        for hit in found:
            c = hit.case
            with st.expander(plain(("【示例】" if c.sample else "") + c.title.removeprefix("示例：")), icon=":material/cases:"):
                for label, value in (("情况", c.situation), ("群众说", c.citizen_said), ("当时的回应", c.staff_said),
                                     ("得失", c.went), ("结果", c.outcome)):
                    if value:
                        st.markdown(f"**{label}**：{plain(value)}")

with main:
    st.title("工作台")
    kb = resources.knowledge_base()
    reply = resources.reply_engine()  # loads the model once per process, before the first question
    resources.practice_ready()        # the 示例 cases and their vectors, before the first question too
    sample_notice(kb)
    guide.trainer_guide(kb, account)
    if notice := reply.llm_notice():   # the LLM endpoint keeps failing: say so, the template answers meanwhile
        st.warning(notice)
    if not turns:
        st.caption(guide.STAFF_HINT)
    for i, turn in enumerate(turns):
        with st.chat_message("user", avatar=":material/person:"):
            st.markdown(plain(turn["question"]))  # the citizen's words, shown as typed (never as Markdown)
        with st.chat_message("assistant", avatar=":material/support_agent:"):
            answer.render(turn, i)

question = st.chat_input("群众说了什么？", key="ask")
if question and question.strip():
    history = [t["question"] for t in turns]
    with main:
        with st.spinner("正在检索政策并拟写回复……"):
            started = time.perf_counter()
            last = turns[-1] if turns else {}
            result, suggestion = reply.suggest(question.strip(), history=history, channel=channel,
                                               previous=cited_hit(last.get("result"), last.get("suggestion")))
            elapsed = time.perf_counter() - started
    query_id = record_query(resources.engine(), account.username, question.strip(), result, suggestion)
    cases = similar_cases(question.strip(), list_cases(resources.engine()))
    turns.append({"question": question.strip(), "result": result, "suggestion": suggestion,
                  "query_id": query_id, "elapsed": elapsed, "feedback": None, "cases": cases})
    st.rerun()
