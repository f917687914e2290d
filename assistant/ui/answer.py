"""Rendering one answer on the staff page, by the suggestion's mode (see assistant.replies.model.MODES):

reply      标准答案, the four NVC parts with copyable channel variants, 一次性告知, cited passages
not_found  a plain notice that the KB holds no clear answer, the words that offer to check, and the nearest entries
           under "可能相关（未核实）" (never as the answer)
risk       the banner and the protocol card (现在说 / 找谁 / 记录) only: the card's words are the reply
staff      guidance for the clerk from the guide, with the guide passages; nothing to copy to the citizen

Every piece of text that came from a user or a document goes through ``common.plain`` (or st.code), so it shows as
written. Pure display plus calls into assistant.feedback.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from assistant.feedback.records import REASONS, FeedbackError, record_feedback
from assistant.replies.model import MODES, knowledge_gap
from assistant.replies.variants import CHANNELS
from assistant.ui import resources
from assistant.ui.common import plain

VARIANT_LABEL = {"窗口": "窗口面对面", "电话": "12345 电话", "书面": "书面答复"}
NVC_PARTS = (("观察", "observation"), ("感受", "feeling"), ("需要", "need"), ("请求", "request"))
CARD_SECTIONS = (("现在说", "（先稳住情绪）", "say_now"), ("找谁", "（立即联系）", "call"),
                 ("记录", "（事后补记）", "record"))
RELATED_LABEL = "可能相关（未核实）"
STAFF_LABEL = "给工作人员的做法（来自指南）"
GAP_NOTE = "这个问题已记入培训管理员的知识缺口报告。"


def mode_of(suggestion: Any) -> str:
    """The mode to render. A suggestion still marked "reply" that carries a risk flag and a protocol card is shown
    as a risk turn: under a card, only the card's words."""
    mode = getattr(suggestion, "mode", "reply")
    mode = mode if mode in MODES else "reply"
    card = getattr(suggestion, "protocol", None)
    if mode == "reply" and suggestion.triage.is_risk and card is not None and card.say_now:
        return "risk"
    return mode


def _bullets(items: list[str], numbered: bool = False) -> str:
    return "\n".join(f"{i}. {plain(x)}" if numbered else f"- {plain(x)}" for i, x in enumerate(items, 1))


def _risk_banner(suggestion: Any, card_follows: bool) -> None:
    triage = suggestion.triage
    kinds = "、".join(dict.fromkeys(r.kind_zh for r in triage.risks)) or "风险"
    evidence = "；".join(dict.fromkeys(r.evidence for r in triage.risks if r.evidence))
    # the card's title says what to do; without a card the banner says it
    st.error(f"**风险提示：{plain(kinds)}**" + (f"（触发：{plain(evidence)}）" if evidence else "") +
             ("" if card_follows else "  \n请先稳定情况、必要时请值班长到场，再谈业务。"), icon=":material/warning:")


def _risk(suggestion: Any, index: int) -> None:
    card = suggestion.protocol
    _risk_banner(suggestion, card_follows=card is not None)
    if card is None:
        words = _full_text(suggestion)
        if words:
            st.markdown("**现在说**")
            st.markdown(plain(words))
        return
    # one column of stacked sections: the card sits in the chat column, which is narrow at common screen widths
    with st.container(border=True, key=f"protocol_card_{index}"):
        st.markdown(f"##### {plain(card.title)}")
        for head, hint, attr in CARD_SECTIONS:
            items = [x for x in getattr(card, attr) if x and x.strip()]
            st.markdown(f"**{head}**{hint}")
            st.markdown(_bullets(items, numbered=attr == "say_now") or "—")


def _triage_line(suggestion: Any, mode: str) -> None:
    t = suggestion.triage
    parts = []
    if mode != "staff":  # a clerk asking the guide has no emotion or intent to read
        emo = t.emotion
        level = "强" if emo.intensity >= 0.67 else ("中" if emo.intensity >= 0.34 else "弱")
        parts += [f"情绪：{emo.label_zh or emo.label}（{level}）", f"意图：{t.intent}"]
    if t.department:  # the router leaves it empty unless it is confident
        parts.append(f"可能涉及：{t.department}")
    if parts:
        st.caption(plain("　｜　".join(parts)))


def _full_text(suggestion: Any) -> str:
    return "".join(getattr(suggestion, attr) for _, attr in NVC_PARTS if getattr(suggestion, attr))


def _nvc(suggestion: Any, turn: int) -> None:
    st.markdown("**建议回复**（观察 → 感受 → 需要 → 请求）")
    for label, attr in NVC_PARTS:
        text = getattr(suggestion, attr)
        if text:
            st.markdown(f"**{label}**　{plain(text)}")
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
    "《指南》（五）" from "《指南》（五）" apart before opening them. Plain strings: escape before rendering."""
    counts = Counter(label for label, _ in items)
    out = []
    for label, text in items:
        if counts[label] > 1:
            start = " ".join(text.split())[:14]
            label = f"{label} · {start}…"
        out.append(label)
    return out


def _passages(items: list[tuple[str, str]]) -> None:
    for (_, text), label in zip(items, distinct_labels(items)):
        with st.expander(plain(label), icon=":material/description:"):
            st.markdown(plain(text))


def _citations(result: Any, suggestion: Any, heading: str = "依据", nearest: bool = True) -> None:
    """The cited passages; with none cited (and ``nearest``), up to three retrieved passages marked as reference."""
    cites = list(suggestion.citations)
    if cites:
        st.markdown(f"**{heading}**")
        _passages([(c.label, c.text) for c in cites])
        return
    if not nearest:
        return
    hits = [h for h in result.hits if h.kind != "faq"][:3]
    if hits:
        st.markdown("**相关段落**（仅供参考，未作为答复依据）")
        _passages([(h.source_label, h.text) for h in hits])


def _not_found(result: Any, suggestion: Any) -> None:
    st.warning("**知识库里没有找到能明确回答这个问题的内容。**  \n请不要凭印象答复具体规定；可以主动提出帮群众核实，"
               "问清后再答复。" + (GAP_NOTE if knowledge_gap(result.refused, suggestion) else ""), icon=":material/search_off:")
    chosen = getattr(suggestion, "channel", CHANNELS[0])
    words = suggestion.variants.get(chosen) or _full_text(suggestion) or suggestion.request
    if words:
        st.markdown("**建议这样说**")
        st.code(words, language=None, wrap_lines=True)
    related = list(getattr(suggestion, "related", []) or [])
    if related:
        with st.expander(RELATED_LABEL, icon=":material/help:"):
            st.caption("知识库里与这个问题最接近的条目，尚未核实是否适用：只供您查证，不是答案，不要照着念给群众。")
            for c, label in zip(related, distinct_labels([(c.label, c.text) for c in related])):
                with st.container(border=True):
                    st.markdown(f"**{plain(label)}**")
                    st.markdown(plain(c.text))


def _staff(result: Any, suggestion: Any) -> None:
    st.markdown(f"**{STAFF_LABEL}**")
    st.caption("这是给您的操作指引，不是对群众的答复。")
    guidance = getattr(suggestion, "guidance", "")
    if guidance:
        with st.container(border=True):
            st.markdown(plain(guidance))
    else:
        st.info("指南里没有直接写明做法，请看下面的原文，或请教值班长。")
    _citations(result, suggestion, heading="指南原文", nearest=False)  # only the guide passages the guidance cites


def _reply(result: Any, suggestion: Any, index: int) -> None:
    if suggestion.triage.is_risk:  # flagged but no card to show: warn, then the reply
        _risk_banner(suggestion, card_follows=False)
    if suggestion.standard_answer:
        src = f"  \n来源：{plain(result.faq.hit.source_label)}" if result.faq is not None else ""
        st.success(f"**标准答案**  \n{plain(suggestion.standard_answer)}{src}")
    if result.refused or not suggestion.supported:
        st.warning("知识库里没有找到能直接回答这个问题的政策依据：下面的回复只表达理解并承诺核实，"
                   "不要承诺具体规定。" + (GAP_NOTE if knowledge_gap(result.refused, suggestion) else ""))
    _nvc(suggestion, index)
    if suggestion.checklist:
        st.markdown("**一次性告知**（请一次说全）")
        st.markdown("\n".join(f"- [ ] {plain(item)}" for item in suggestion.checklist))
    _citations(result, suggestion)


def render(turn: dict, index: int) -> None:
    result, suggestion = turn["result"], turn["suggestion"]
    mode = mode_of(suggestion)
    if mode == "risk":
        _risk(suggestion, index)
        _triage_line(suggestion, mode)
    elif mode == "not_found":
        _triage_line(suggestion, mode)
        _not_found(result, suggestion)
    elif mode == "staff":
        if suggestion.protocol is not None and suggestion.protocol.say_now:
            _risk(suggestion, index)     # a red flag in a staff question: the card first, then the guide
        _triage_line(suggestion, mode)
        _staff(result, suggestion)
    else:
        _triage_line(suggestion, mode)
        _reply(result, suggestion, index)
    st.caption(f"用时 {turn.get('elapsed', 0):.2f} 秒" + (f"　｜　{suggestion.backend}" if suggestion.backend != "template" else ""))
    feedback(turn, index)


def feedback(turn: dict, index: int) -> None:
    """Useful / not useful (+ reason, optional correction) per answer; it lands in the trainers' queue."""
    if turn.get("feedback"):
        st.caption(f"已反馈：{plain(turn['feedback'])}，谢谢。")
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
