"""One turn of the staff page, rendered from a constructed Suggestion for each mode (reply / not_found / risk / staff).

Fast: the turn is drawn by ``assistant.ui.answer.render`` alone (AppTest.from_function), no knowledge base or model.
What a user sees is read through ``rendered.seen`` (each Markdown element rendered as CommonMark).
"""
from __future__ import annotations

import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from assistant.replies.model import Citation, Emotion, RiskFlag, Suggestion, Triage
from assistant.replies.risk import protocol_for
from assistant.retrieval.model import Hit, RetrievalResult
from assistant.ui.answer import RELATED_LABEL, STAFF_LABEL
from assistant.ui.common import NO_LINK, plain
from rendered import MD, rendered_html, seen
MASKED = "110*******1234"
TRICKY = "# 标题 <b>x</b> [链接](http://x) *斜体* `代码` 1. 列表 $5$ :red[红] ~~删~~ | a | b |"
POLICY = Citation("c1", "《居住证办理指南》 第八条 第3页", "申领居住证应当提交本人身份证件、近期一寸照片和居住证明。")
HIT = Hit(chunk_id="c1", doc_id="d1", title="居住证办理指南", text=POLICY.text, score=0.9, clause="第八条", page=3)


def _page(turn: dict) -> None:
    from assistant.ui import answer

    answer.render(turn, 0)


def _render(suggestion: Suggestion, result: RetrievalResult | None = None, question: str = "问") -> AppTest:
    result = result or RetrievalResult(query=question, search_query=question, hits=[HIT])
    turn = {"question": question, "result": result, "suggestion": suggestion, "query_id": 7, "elapsed": 0.4,
            "feedback": None}
    at = AppTest.from_function(_page, args=(turn,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def _triage(risks=(), department: str = "") -> Triage:
    return Triage(emotion=Emotion("anger", 0.8, "愤怒"), intent="投诉", department=department,
                  department_confidence=0.9 if department else 0.0, risks=list(risks))


def _everything(**kw) -> Suggestion:
    """A suggestion with every field filled, so a mode that must hide something has something to hide."""
    base = dict(observation="您跑了三趟，", feeling="很着急，", need="想一次办成，", request="请带好身份证。",
                citations=[POLICY], checklist=["身份证原件"], standard_answer="根据《居住证办理指南》第八条，需带身份证。",
                variants={"窗口": "根据《居住证办理指南》第八条……", "电话": "电话说法", "书面": "书面说法"},
                related=[Citation("r1", "《积分落户办法》 第三条", "积分落户须连续居住满五年。")],
                guidance="先核对身份，再登记。")
    base.update(kw)
    return Suggestion(**base)


def test_plain_escapes_every_markdown_special_and_keeps_the_text():
    for text in (MASKED, "尾号1234", TRICKY, "a\\b", "> 引用", "- 项", "***", "<script>alert(1)</script>"):
        rendered = MD.render(plain(text))
        assert rendered.startswith("<p>") and rendered.count("<") == 2, rendered  # one paragraph, nothing else
        assert html.unescape(rendered[3:-5]).replace(NO_LINK, "") == text
    assert MD.render(plain("第一行\n    第二行")) == "<p>第一行<br />\n第二行</p>\n"
    # GitHub-flavoured Markdown links bare addresses whatever the escapes: a word joiner keeps them text
    for address in ("http://example.org/a", "看https://x.cn", "www.gov.cn", "办事@gov.cn"):
        shown = plain(address)
        assert not re.search(r"(?i)https?:|www\.|@\w", shown.replace("\\", "")), shown


def test_risk_turn_is_the_card_only():
    risks = [RiskFlag("self_harm", "自伤/轻生", "跳下去")]
    card = protocol_for(risks)
    at = _render(_everything(triage=_triage(risks), protocol=card, mode="risk"))
    shown = seen(at)
    assert card.title in shown
    for head in ("现在说", "找谁", "记录"):
        assert head in shown
    for line in card.say_now + card.call + card.record:
        assert line in shown
    assert any("风险提示" in e.value and "跳下去" in e.value for e in at.error)
    # nothing but the card: no passages, no 标准答案, no four parts, no variants, no related entries, no checklist
    assert not at.expander and not at.tabs and not at.code
    for absent in ("标准答案", "观察", "感受", "依据", "相关", "未核实", "根据《", "身份证原件", "积分落户", "请带好身份证"):
        assert absent not in shown, absent
    assert "用时" in shown and at.radio(key="fb_useful_7")  # feedback still offered


def test_old_composer_reply_with_a_risk_card_is_shown_as_a_risk_turn():
    risks = [RiskFlag("violence", "暴力威胁", "弄死")]
    at = _render(_everything(triage=_triage(risks), protocol=protocol_for(risks), mode="reply"))
    assert "找谁" in seen(at) and not at.expander and not at.code and "标准答案" not in seen(at)


def test_risk_card_is_one_column_of_sections():
    risks = [RiskFlag("self_harm", "自伤/轻生", "跳下去")]
    at = _render(_everything(triage=_triage(risks), protocol=protocol_for(risks), mode="risk"))
    assert not at.columns  # the narrow three-column layout wrapped every few characters
    markdown = [str(m.value) for m in at.markdown]
    heads = [i for i, m in enumerate(markdown) for h in ("**现在说**", "**找谁**", "**记录**") if m.startswith(h)]
    assert len(heads) == 3 and heads == sorted(heads)


def test_not_found_says_so_offers_to_check_and_lists_related_as_unverified():
    request = "这个问题我现在没法给您准确答复，我帮您问清楚后再回复您，可以吗？"
    s = _everything(triage=_triage(), mode="not_found", observation="", feeling="", need="", request=request,
                    variants={}, standard_answer="", citations=[], checklist=[], supported=False)
    at = _render(s, RetrievalResult(query="q", search_query="q", hits=[HIT], refused=True))
    shown = seen(at)
    assert any("没有找到能明确回答" in w.value for w in at.warning)
    assert request in [c.value for c in at.code]  # the words that offer to check, copyable
    assert [e.label for e in at.expander] == [RELATED_LABEL]
    assert "《积分落户办法》 第三条" in shown and "积分落户须连续居住满五年。" in shown
    assert "未核实" in shown and "不要照着念给群众" in shown
    assert "根据《" not in shown and "依据" not in shown and "标准答案" not in shown
    assert "申领居住证应当提交" not in shown  # retrieval hits are not offered as passages either
    for part in ("观察", "感受", "需要"):
        assert f"{part}　" not in shown


def test_not_found_without_related_shows_no_related_section_and_hides_a_stray_standard_answer():
    s = _everything(triage=_triage(), mode="not_found", related=[], citations=[], variants={},
                    observation="", feeling="", need="", request="我帮您核实后回复您。")
    at = _render(s)
    assert not at.expander and RELATED_LABEL not in seen(at)
    assert "根据《" not in seen(at) and "标准答案" not in seen(at)


def test_staff_mode_is_guidance_for_the_clerk_with_the_guide_passages():
    guide = Citation("g1", "《窗口服务规范》 第五条", "群众情绪激动时，先请其就座，递上温水，再询问诉求。")
    s = _everything(triage=_triage(), mode="staff", guidance="先请群众就座，递上温水；等情绪平稳后再问诉求。",
                    citations=[guide])
    at = _render(s)
    shown = seen(at)
    assert STAFF_LABEL in shown
    assert "先请群众就座，递上温水；等情绪平稳后再问诉求。" in shown
    assert [e.label for e in at.expander] == [plain(guide.label)] and guide.text in shown
    assert not at.code and not at.tabs  # nothing to copy to the citizen, no channel variants
    for absent in ("观察", "感受", "标准答案", "复制", "可能相关", "情绪：愤怒"):
        assert absent not in shown, absent


def test_a_staff_question_with_a_red_flag_shows_the_card_then_the_guidance():
    flag = RiskFlag("self_harm", "自伤/轻生风险", "不想活")
    guide = Citation("g1", "《窗口沟通指南》 八、风险识别与升级处置", "立即报告值班负责人，不让来访人独处。")
    card = protocol_for([flag])
    s = _everything(triage=_triage([flag]), mode="staff", guidance="立即报告值班负责人，不让来访人独处。",
                    citations=[guide], protocol=card)
    at = _render(s, question="群众跟我说不想活了，我第一句话应该怎么回应他")
    shown = seen(at)
    assert card.title in shown and STAFF_LABEL in shown
    assert shown.index(card.title) < shown.index(STAFF_LABEL)
    assert "立即报告值班负责人，不让来访人独处。" in shown
    assert not at.code and not at.tabs


def test_reply_mode_is_as_before_and_department_only_when_routed():
    at = _render(_everything(triage=_triage(), mode="reply", related=[]))
    shown = seen(at)
    for part in ("观察", "感受", "需要", "请求", "标准答案", "一次性告知", "依据"):
        assert part in shown
    assert [t.label for t in at.tabs] == ["窗口面对面", "12345 电话", "书面答复"]
    assert len(at.code) == 3 and POLICY.text in shown
    assert "可能涉及" not in shown
    routed = _render(_everything(triage=_triage(department="公安局出入境管理处"), mode="reply"))
    assert "可能涉及：公安局出入境管理处" in seen(routed)


@pytest.mark.parametrize("mode", ["reply", "not_found", "staff", "risk"])
def test_user_text_shows_as_written_in_every_mode(mode):
    risks = [RiskFlag("self_harm", "自伤/轻生", f"{TRICKY}{MASKED}")] if mode == "risk" else []
    cite = Citation("c9", "《指南》 *第一条* [x](http://x)", f"尾号1234的卡号{MASKED}。{TRICKY}")
    s = _everything(triage=_triage(risks), mode=mode, protocol=protocol_for(risks) if risks else None,
                    observation=f"您说证件号是{MASKED}，", request=f"{TRICKY}我帮您核实。", citations=[cite],
                    related=[Citation("r9", "《办法》 <b>第二条</b>", f"号码{MASKED}")], guidance=f"核对{MASKED}。{TRICKY}",
                    checklist=[f"身份证{MASKED}"], variants={}, standard_answer=f"标准{MASKED}")
    at = _render(s)
    rendered = rendered_html(at)
    shown = seen(at)
    for tag in ("<a ", "<b>", "<em>", "<h1", "<script", "<del", "<table", "<ol"):
        # ordered lists are ours only in the risk card's 现在说
        if tag == "<ol" and mode == "risk":
            continue
        assert tag not in rendered, (tag, mode)
    assert MASKED in shown and TRICKY in shown  # the risk banner quotes the trigger words
    if mode in ("reply", "staff"):
        assert "《指南》 *第一条* [x](http://x)" in shown  # a citation's label


def test_staff_mode_without_guide_passages_offers_no_unrelated_hits():
    s = Suggestion(triage=_triage(), mode="staff", supported=False,
                   guidance="现有的工作指南里没有找到这方面的做法，请向值班长或科室负责人请教。")
    at = _render(s, RetrievalResult(query="q", search_query="q", hits=[HIT], refused=True))
    assert STAFF_LABEL in seen(at) and "请向值班长" in seen(at)
    assert not at.expander and "申领居住证" not in seen(at) and not at.code
