"""Rendering one answer on the staff page: risk banner and protocol, 标准答案, the four NVC parts with copyable
variants, 一次性告知, cited passages, and the feedback widgets. Pure display plus calls into assistant.feedback."""
from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from assistant.feedback.records import REASONS, FeedbackError, record_feedback
from assistant.replies.variants import CHANNELS
from assistant.ui import resources

VARIANT_LABEL = {"窗口": "窗口面对面", "电话": "12345 电话", "书面": "书面答复"}
NVC_PARTS = (("观察", "observation"), ("感受", "feeling"), ("需要", "need"), ("请求", "request"))


def _risk(suggestion: Any) -> None:
    triage = suggestion.triage
    kinds = "、".join(dict.fromkeys(r.kind_zh for r in triage.risks)) or "风险"
    evidence = "；".join(dict.fromkeys(r.evidence for r in triage.risks if r.evidence))
    st.error(f"**风险提示：{kinds}**" + (f"（触发：{evidence}）" if evidence else "") +
             "　请先按下面的处置卡稳定情况，再谈业务。", icon=":material/warning:")
    card = suggestion.protocol
    if card is None:
        return
    with st.container(border=True):
        st.markdown(f"#### {card.title}")
        cols = st.columns(3)
        for col, head, items in zip(cols, ("现在就说", "立即联系", "需要记录"), (card.say_now, card.call, card.record)):
            with col:
                st.markdown(f"**{head}**")
                st.markdown("\n".join(f"- {x}" for x in items) or "—")


def _triage_line(suggestion: Any) -> None:
    t = suggestion.triage
    emo = t.emotion
    level = "强" if emo.intensity >= 0.67 else ("中" if emo.intensity >= 0.34 else "弱")
    parts = [f"情绪：{emo.label_zh or emo.label}（{level}）", f"意图：{t.intent}"]
    if t.department:
        parts.append(f"可能涉及：{t.department}")
    st.caption("　｜　".join(parts))


def _full_text(suggestion: Any) -> str:
    return "".join(getattr(suggestion, attr) for _, attr in NVC_PARTS if getattr(suggestion, attr))


def _nvc(suggestion: Any, turn: int) -> None:
    st.markdown("**建议回复**（观察 → 感受 → 需要 → 请求）")
    for label, attr in NVC_PARTS:
        text = getattr(suggestion, attr)
        if text:
            st.markdown(f"**{label}**　{text}")
    # the channel the clerk serves on comes first (the tab that opens), the others follow
    chosen = getattr(suggestion, "channel", CHANNELS[0])
    order = [chosen, *(c for c in CHANNELS if c != chosen)]
    tabs = st.tabs([VARIANT_LABEL[v] for v in order])
    for tab, variant in zip(tabs, order):
        with tab:
            st.code(suggestion.variants.get(variant) or _full_text(suggestion), language=None, wrap_lines=True)
    st.caption("点代码框右上角的复制按钮，可直接粘贴使用。")


def distinct_labels(items: list[tuple[str, str]]) -> list[str]:
    """(label, text) -> labels, where two passages of one section also show how each begins, so staff can tell
    "《指南》（五）" from "《指南》（五）" apart before opening them."""
    counts = Counter(label for label, _ in items)
    out = []
    for label, text in items:
        if counts[label] > 1:
            start = " ".join(text.split())[:14]
            label = f"{label} · {start}…"
        out.append(label)
    return out


def _citations(result: Any, suggestion: Any) -> None:
    cites = list(suggestion.citations)
    if cites:
        st.markdown("**依据**")
        for c, label in zip(cites, distinct_labels([(c.label, c.text) for c in cites])):
            with st.expander(label, icon=":material/description:"):
                st.markdown(c.text)
        return
    hits = [h for h in result.hits if h.kind != "faq"][:3]
    if hits:
        st.markdown("**相关段落**（仅供参考，未作为答复依据）")
        for h, label in zip(hits, distinct_labels([(h.source_label, h.text) for h in hits])):
            with st.expander(label, icon=":material/description:"):
                st.markdown(h.text)


def render(turn: dict, index: int) -> None:
    result, suggestion = turn["result"], turn["suggestion"]
    if suggestion.triage.is_risk:
        _risk(suggestion)
    _triage_line(suggestion)
    if suggestion.standard_answer:
        src = f"\n\n来源：{result.faq.hit.source_label}" if result.faq is not None else ""
        st.success(f"**标准答案**\n\n{suggestion.standard_answer}{src}")
    if result.refused or not suggestion.supported:
        st.warning("知识库里没有找到能直接回答这个问题的政策依据：下面的回复只表达理解并承诺核实，"
                   "不要承诺具体规定；这个问题已记入培训管理员的知识缺口报告。")
    if not suggestion.triage.is_risk or suggestion.protocol is None or _full_text(suggestion):
        _nvc(suggestion, index)
    if suggestion.checklist:
        st.markdown("**一次性告知**（请一次说全）")
        st.markdown("\n".join(f"- [ ] {item}" for item in suggestion.checklist))
    _citations(result, suggestion)
    st.caption(f"用时 {turn.get('elapsed', 0):.2f} 秒" + (f"　｜　{suggestion.backend}" if suggestion.backend != "template" else ""))
    feedback(turn, index)


def feedback(turn: dict, index: int) -> None:
    """Useful / not useful (+ reason, optional correction) per answer; it lands in the trainers' queue."""
    if turn.get("feedback"):
        st.caption(f"已反馈：{turn['feedback']}，谢谢。")
        return
    qid = turn.get("query_id") or index
    choice = st.radio("这条建议有用吗？", ["有用", "没用"], index=None, horizontal=True, key=f"fb_useful_{qid}")
    if choice is None:
        return
    reason, correction = "", ""
    if choice == "没用":
        reason = st.selectbox("原因", REASONS, index=None, placeholder="请选择原因", key=f"fb_reason_{qid}")
        correction = st.text_area("正确的说法（可选，会转给培训管理员）", key=f"fb_fix_{qid}", height=80)
    if st.button("提交反馈", key=f"fb_send_{qid}"):
        from assistant.ui.auth import current_account

        account = current_account()
        try:
            record_feedback(resources.engine(), account.username if account else "", turn["question"],
                            choice == "有用", reason or "", correction, turn.get("query_id"))
        except FeedbackError as err:
            st.error(str(err))
            return
        turn["feedback"] = choice + (f"（{reason}）" if reason else "")
        st.rerun()
