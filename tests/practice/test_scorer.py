"""The practice scorer on replies written here (not from the labelled sets): each flaw is found under the skill a
trainer would name, and the model reply every shipped scenario shows passes every check that applies."""
from __future__ import annotations

import pytest

from assistant.bench.practice import faq_answers, matter_of
from assistant.config import Settings
from assistant.practice.model_reply import model_reply
from assistant.practice.scenarios import shipped
from assistant.practice.items import listed_items
from assistant.practice.numbers import quantities
from assistant.practice.scorer import Matter, score_reply

ANSWERS = faq_answers()


def faq(question: str) -> Matter:
    return Matter("faq", question=question, answer=ANSWERS[question])


def test_every_shipped_scenarios_model_reply_passes_its_own_checks():
    scenarios = shipped(Settings().knowledge_dir)
    assert len(scenarios) >= 20
    for sc in scenarios:
        matter = matter_of({"matter": sc.matter}, ANSWERS)
        score = score_reply(model_reply(matter, sc.emotion), matter, [sc.opening])
        assert score.passed, (sc.id, score.failed(), score.notes, score.missing_items)


def test_numbers_are_compared_as_values():
    assert quantities("十五日内") == quantities("15日内") == {(15.0, "日")}
    assert quantities("两百块") == {(200.0, "元")}
    assert not quantities("我一项项说，一次说清楚")   # counting words are not policy facts


LIST_Q = "新生儿怎么办理出生登记上户口？"


def test_a_good_reply_meets_every_skill():
    s = score_reply("恭喜您添了宝宝，您是想一次带齐、别跑两趟。要带出生医学证明、父母双方的身份证和户口簿、你们的结婚证，"
                    "到父亲或母亲户口所在地派出所办理。", faq(LIST_Q), ["孩子刚满月，上户口要带什么？"])
    assert s.passed, (s.failed(), s.notes, s.missing_items)


@pytest.mark.parametrize("reply, skill", [
    ("带出生医学证明和身份证就行。", "checklist_complete"),                       # 户口簿、结婚证 left out
    ("孩子上户口要带出生医学证明、身份证、户口簿，结婚证不用带。", "policy_correct"),      # the answer requires it
    ("要带出生医学证明、身份证和户口簿、结婚证，三个月内办就行。", "policy_correct"),    # a time limit not in the answer
    ("这个不归我们管，你去别的地方问吧。", "no_shirking"),
    ("你怎么不早点来问？材料是出生医学证明、身份证和户口簿、结婚证。", "no_blame"),
    ("出生医学证明、身份证和户口簿、结婚证带齐，我保证今天就给您办好。", "no_overpromise"),
    ("出生医学证明、身份证和户口簿、结婚证。", "need_acknowledged"),
])
def test_each_flaw_is_found_under_its_skill(reply, skill):
    assert score_reply(reply, faq(LIST_Q), ["孩子上户口要带什么？"]).skills[skill] is False


def test_a_matter_the_kb_does_not_hold_must_not_be_answered_as_fact():
    m = Matter("not_in_kb", topic="无人机航拍备案")
    good = score_reply("您想把这事问清楚，我理解。这个我们的资料里没有明确说法，我先向负责的科室核实，再给您回电话。", m)
    bad = score_reply("去公安局备案就行，要带身份证，5个工作日办好。", m)
    assert good.skills["policy_correct"] is True and bad.skills["policy_correct"] is False
    assert good.skills["checklist_complete"] is None


def test_a_risk_reply_is_scored_against_the_protocol_card():
    m = Matter("risk", kind="self_harm")
    good = score_reply("您刚才的话我很在意，您现在安全吗？我们先不谈材料，我陪您坐一会儿，我请值班长过来。", m)
    argue = score_reply("别想不开，至于吗？您先把材料交了再说。", m)
    assert good.skills["protocol_followed"] is True
    assert argue.skills["protocol_followed"] is False
    assert good.skills["policy_correct"] is None


def test_the_lists_a_reply_must_tell_come_from_the_faq_answer():
    assert len(listed_items(ANSWERS["开个体工商户需要什么材料？"])) == 4
    assert "挂失" in listed_items(ANSWERS["社保卡丢了怎么挂失和补办？"])
    assert listed_items(ANSWERS["办理居住证需要满足什么条件？"]) == []
