"""The template composer: four NVC parts, policy only from cited passages, 一次性告知, channel variants, risk cards.

Passages here are written by the project in the style of a local implementing rule; the retrieval result is built
by hand so each test controls exactly what the composer may quote.
"""
from __future__ import annotations

import re

import pytest

from assistant.replies.checklist import extract_checklist
from assistant.replies.composer import compose
from assistant.replies.model import Citation, Emotion, RiskFlag, Suggestion, Triage
from assistant.replies.text import squash as normalise
from assistant.replies.validator import validate
from assistant.retrieval.model import FaqMatch, Hit, RetrievalResult

RESIDENCE = ("第八条 申请办理居住证，应当提交下列材料：（一）本人居民身份证原件；（二）近期一寸白底免冠照片两张；"
             "（三）居住地住址证明，包括已备案的房屋租赁合同、房屋产权证明或者单位出具的住宿证明。"
             "受理机关应当自受理之日起十五个工作日内制作发放居住证。")
FEE = "第十二条 首次申领居住证不收取费用。因遗失补领的，工本费按每证二十元收取，办理地点为居住地派出所户籍窗口。"
HARDSHIP = ("申请临时救助的，可以由本人或者家属向户籍所在地或者经常居住地的乡镇（街道）提出；"
            "情况紧急的，可以先行救助，再补齐手续。")


def hit(text: str, clause: str, n: int = 1, title: str = "某市居住证办理实施细则（示例）") -> Hit:
    return Hit(chunk_id=f"doc1:{n:05d}", doc_id="doc1", title=title, text=text, score=0.9, clause=clause)


def result(*hits: Hit, query: str = "", refused: bool = False, faq: FaqMatch | None = None) -> RetrievalResult:
    return RetrievalResult(query=query, search_query=query, hits=list(hits), refused=refused, faq=faq, confidence=0.8)


def triage(label: str = "calm", intensity: float = 0.2, intent: str = "咨询", risks=None) -> Triage:
    return Triage(emotion=Emotion(label, intensity), intent=intent, risks=list(risks or []))


def test_angry_materials_question_gets_four_parts_a_quoted_rule_and_the_full_list():
    text = "我都跑了三趟了，你们可真行！办居住证到底要带什么材料？"
    s = compose(text, triage("anger", 0.85, "办事材料"), result(hit(RESIDENCE, "第八条"), query=text))

    assert s.problems == []
    assert s.supported and s.backend == "template"
    assert "三趟" in s.observation and "真行" not in s.observation          # facts kept, sarcasm dropped
    assert "生气" in s.feeling and "你" not in s.feeling.replace("您", "")   # names the feeling, blames nobody
    assert s.need and s.request
    quote = re.search(r"「(.+?)」", s.request).group(1)
    assert normalise(quote) in normalise(RESIDENCE)
    assert s.checklist == ["本人居民身份证原件", "近期一寸白底免冠照片两张",
                           "居住地住址证明，包括已备案的房屋租赁合同、房屋产权证明或者单位出具的住宿证明"]
    assert s.citations[0].label == "《某市居住证办理实施细则（示例）》 第八条"


def test_variants_differ_in_form_of_address_and_length():
    text = "办居住证要带什么材料？"
    s = compose(text, triage(intent="办事材料"), result(hit(RESIDENCE, "第八条"), query=text))

    assert set(s.variants) == {"窗口", "电话", "书面"}
    assert s.variants["电话"].startswith("先生/女士，您好")
    assert s.variants["书面"].startswith("您好！") and s.variants["书面"].rstrip().endswith("特此答复。")
    assert len(s.variants["电话"]) < len(s.variants["窗口"]) < len(s.variants["书面"])
    for variant in s.variants.values():                                 # everyone hears the whole list at once
        assert all(item in variant for item in s.checklist)


def test_fee_and_place_questions_get_their_sentences_verbatim():
    text = "居住证丢了补办要交多少钱，在哪里办？"
    s = compose(text, triage(), result(hit(FEE, "第十二条"), query=text))

    assert s.problems == []
    assert "工本费按每证二十元收取" in "".join(s.checklist)
    assert any("派出所户籍窗口" in item for item in s.checklist)
    assert all(normalise(i) in normalise(FEE) for i in s.checklist)


@pytest.mark.parametrize("res", [result(query="二手房契税是多少"), result(hit(RESIDENCE, "第八条"),
                                                                       query="二手房契税是多少", refused=True)])
def test_without_a_supporting_passage_it_says_so_and_invents_nothing(res):
    s = compose("二手房契税是多少？", triage(intent="咨询"), res)

    assert not s.supported and s.citations == [] and s.checklist == []
    assert "没有找到" in s.request and "核实" in s.request
    assert not re.search(r"\d|[一二三四五六七八九十]+(元|天|日|个月)|%", s.request)
    assert "暂未找到" in s.variants["书面"]
    assert s.problems == []


def test_an_unrelated_passage_is_not_treated_as_support():
    text = "二手房契税税率是多少？"
    s = compose(text, triage(), result(hit(HARDSHIP, "第五条"), query=text))
    assert not s.supported and "没有找到" in s.request


def test_standard_answer_is_quoted_and_shown():
    answer = "可以。未满16周岁的，由监护人代为申领居住证，需带监护人身份证和户口簿。"
    faq_hit = Hit(chunk_id="faq:00002", doc_id="faq", title="常见问题", text="孩子能办居住证吗", score=0.95,
                  kind="faq", questions=["未成年人能办居住证吗"], answer=answer, category="居住证")
    text = "我家孩子八岁，能办居住证吗？"
    s = compose(text, triage(), result(faq=FaqMatch(hit=faq_hit, matched_question="未成年人能办居住证吗", score=0.95),
                                       query=text))

    assert s.standard_answer == answer
    assert s.citations[0].text == answer
    assert normalise(re.search(r"「(.+?)」", s.request).group(1)) in normalise(answer)
    assert s.problems == []


def test_a_red_flag_replaces_the_canned_reply_with_the_protocol_card():
    t = triage("anger", 0.95, "投诉", risks=[RiskFlag("self_harm", "自伤/轻生风险", "跳下去")])
    s = compose("你们再不给我办，我就从这楼上跳下去！", t, result(hit(RESIDENCE, "第八条"), query="办证"))

    assert s.protocol is not None and s.protocol.say_now and s.protocol.call
    assert s.mode == "risk" and s.citations == [] and not s.standard_answer
    said = [s.observation, s.feeling, s.need, s.request, *s.variants.values()]
    assert s.request and all(v == s.request for v in s.variants.values())   # the card's own words, every channel
    card = "".join(s.protocol.say_now)
    assert all(sentence in card for sentence in re.findall(r"[^。？！]+[。？！]", s.request))
    assert not any(w in t for t in said for w in ("跳下去", "这楼上", "不给我办", "不满"))
    assert s.problems == []


def test_validator_catches_an_invented_fee_a_missing_part_and_a_banned_phrase():
    cite = Citation(chunk_id="doc1:00001", label="《细则》 第八条", text=RESIDENCE)
    invented = Suggestion(triage=triage(), observation="您想了解办居住证。", feeling="您很关心这件事。",
                          need="您希望一次办成。", request="根据《细则》：「办理居住证需缴纳工本费50元」。", citations=[cite])
    assert any("找不到依据" in p for p in validate(invented))

    missing = Suggestion(triage=triage(), observation="您想了解办居住证。", feeling="", need="您希望一次办成。",
                         request="「申请办理居住证，应当提交下列材料」", citations=[cite])
    assert any("感受" in p for p in validate(missing))

    rude = Suggestion(triage=triage(), observation="您想了解办居住证。", feeling="您很关心这件事。", need="您希望办成。",
                      request="「申请办理居住证，应当提交下列材料」等着吧。", citations=[cite])
    assert any("等着吧" in p for p in validate(rude))


def test_validator_rejects_checklist_items_not_in_the_passages():
    cite = Citation(chunk_id="doc1:00001", label="《细则》 第八条", text=RESIDENCE)
    s = Suggestion(triage=triage(), observation="您想了解办居住证。", feeling="您很关心这件事。", need="您希望办成。",
                   request="「申请办理居住证，应当提交下列材料」", citations=[cite], checklist=["户口簿原件"])
    assert any("户口簿原件" in p for p in validate(s))


@pytest.mark.parametrize("passage, expected", [
    ("申请低保应当提供以下材料：1.申请书；2.家庭成员身份证明；3.收入证明。", ["申请书", "家庭成员身份证明", "收入证明"]),
    ("需要准备的材料：①营业执照副本②法定代表人身份证③变更登记申请书。", ["营业执照副本", "法定代表人身份证", "变更登记申请书"]),
    ("申请人应当携带下列材料：身份证原件；户口簿；结婚证。", ["身份证原件", "户口簿", "结婚证"]),
])
def test_checklist_reads_the_usual_enumeration_styles(passage, expected):
    assert extract_checklist("需要什么材料", [passage]) == expected


def test_no_checklist_for_a_question_that_is_not_about_a_list():
    assert extract_checklist("你们几点上班", [RESIDENCE]) == []


@pytest.mark.parametrize("intent", ["咨询", "办事材料", "进度查询", "投诉", "求助", "表扬", "建议"])
@pytest.mark.parametrize("emotion", ["anger", "anxiety", "sadness", "confusion", "calm"])
def test_the_composers_own_wording_passes_the_tone_check(intent, emotion):
    from assistant.replies.tone import check_tone

    text = "居住证丢了补办要交多少钱，在哪里办？"
    for res in (result(hit(FEE, "第十二条"), query=text), result(query=text)):
        s = compose(text, triage(emotion, 0.8, intent), res)
        for channel, variant in s.variants.items():
            assert check_tone(variant) == [], (channel, variant)
