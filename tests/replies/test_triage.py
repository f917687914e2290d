"""Triage as staff meet it: the feeling named right, the request understood, red flags caught, traps left alone."""
from __future__ import annotations

import pytest

from assistant.replies.emotion import detect_emotion
from assistant.replies.intent import classify_intent
from assistant.replies.risk import detect_risks, protocol_for
from assistant.replies.triage import triage


# --- emotion -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "你们这帮人太过分了，我跑了三趟还是办不成，气死我了！",
    "凭什么别人能办我就不能办？你们讲不讲理！",
])
def test_angry_citizen_reads_as_anger(text):
    assert detect_emotion(text).label == "anger"


@pytest.mark.parametrize("text", [
    "护照下周就要用，现在还没办好，我真的很着急，怕来不及",
    "社保断缴了会不会影响孩子上学啊，我很担心",
])
def test_worried_citizen_reads_as_anxiety(text):
    assert detect_emotion(text).label == "anxiety"


@pytest.mark.parametrize("text", ["请问居住证办理需要带什么材料？", "好的，谢谢你，我明白了。"])
def test_plain_question_reads_as_calm(text):
    e = detect_emotion(text)
    assert e.label == "calm" and e.label_zh == "平静"
    assert e.intensity < 0.3


def test_confusion_cues_read_as_confusion():
    e = detect_emotion("这个表我看不懂，你们到底要什么材料，我搞不明白")
    assert e.label == "confusion" and e.label_zh == "困惑"


@pytest.mark.parametrize("text", ["我不生气，就是想问问流程", "我没有生气，你慢慢说"])
def test_negated_anger_is_not_anger(text):
    e = detect_emotion(text)
    assert e.label != "anger"
    assert any("否定" in c for c in e.cues)


def test_degree_adverbs_scale_intensity():
    strong = detect_emotion("我非常生气")
    weak = detect_emotion("我有点生气")
    assert strong.label == weak.label == "anger"
    assert strong.intensity > weak.intensity


def test_sarcasm_is_read_as_anger_not_praise():
    e = detect_emotion("你们可真行，一个章盖了一个月，真是好样的")
    assert e.label == "anger"
    assert any("反讽" in c for c in e.cues)


def test_rhetorical_question_adds_anger_cue():
    e = detect_emotion("材料都交齐了，还要我怎样？")
    assert e.label == "anger" and any("反问" in c for c in e.cues)


# --- intent and routing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,intent", [
    ("办理居住证需要带哪些材料？", "办事材料"),
    ("我上周交的低保申请，现在审批到哪一步了？", "进度查询"),
    ("我要投诉你们窗口那个人，态度太差了", "投诉"),
    ("我不识字，能不能帮我填一下这张表", "求助"),
    ("上次帮我办事的小张特别耐心，我想表扬他", "表扬"),
    ("建议你们周六也开放几个窗口", "建议"),
    ("灵活就业人员可以交职工医保吗？", "咨询"),
])
def test_clear_intents(text, intent):
    assert classify_intent(text) == intent


def test_triage_routes_a_school_question_to_education():
    t = triage("孩子小学入学划片的问题，学校说我们户口不在学区不能报名")
    assert t.department == "教育文体"
    assert t.intent in ("咨询", "投诉", "求助")


# --- risk ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,kind", [
    ("你们再不给我办，我就从这楼上跳下去！", "self_harm"),
    ("遗书都写好了，今天办不成我就不回去了", "self_harm"),
    ("药我已经买好了，你们看着办吧", "self_harm"),
    ("我知道你住哪，下班路上你小心点", "violence"),
    ("他天天打我，我不敢回家", "violence"),
    ("我今天就坐这不走了", "extreme"),
    ("不解决我就到北京上访，再找媒体曝光你们", "extreme"),
    ("大厅里有个老人晕倒了", "vulnerable"),
    ("邻居家孩子三天没人管了", "vulnerable"),
    ("明天我们几十个人一起来", "mass_incident"),
])
def test_red_flags_of_each_kind(text, kind):
    assert kind in [r.kind for r in detect_risks(text)]


@pytest.mark.parametrize("text", [
    "这一步能跳过吗？", "社保卡补办请到楼上办理吗", "刀具经营许可怎么申请", "开死亡证明要什么材料",
    "死亡登记在哪个窗口", "请问信访接待在哪里", "我想去信访，怎么去方便", "这里能打印吗", "我打车过来的",
    "单位要买杀毒软件", "我开了家炸鸡店，执照怎么办", "我们全家三个人一起来办护照",
])
def test_harmless_senses_raise_no_flag(text):
    assert detect_risks(text) == []


@pytest.mark.parametrize("kind,must_call", [
    ("self_harm", "心理援助热线"), ("violence", "安保"), ("extreme", "值班长"),
    ("vulnerable", "120"), ("mass_incident", "值班长"),
])
def test_protocol_card_says_whom_to_call_per_kind(kind, must_call):
    text = {"self_harm": "我不想活了", "violence": "你给我等着", "extreme": "我要拉横幅",
            "vulnerable": "有人晕倒了", "mass_incident": "外面聚了一百多人"}[kind]
    card = protocol_for(detect_risks(text))
    assert any(must_call in c for c in card.call)
    assert card.say_now and card.record
    assert "风险提示" in card.title


def test_self_harm_card_keeps_the_citizen_company_and_records_preparations():
    card = protocol_for(detect_risks("遗书我都写好了"))
    assert any("陪" in s for s in card.say_now)
    assert any("遗书" in r or "准备" in r for r in card.record)


def test_triage_puts_it_together():
    t = triage("你们再拖，我就从这楼上跳下去！")
    assert t.is_risk and t.risks[0].kind == "self_harm" and t.risks[0].evidence
    assert t.emotion.label in ("anger", "sadness", "anxiety")
    calm = triage("请问新生儿落户要准备哪些材料？")
    assert not calm.is_risk and calm.intent == "办事材料" and calm.emotion.label == "calm"


def test_a_threat_to_press_a_matter_reads_as_a_complaint_not_praise():
    t = triage("你们再不给我办，我就从这楼上跳下去！")
    assert t.intent == "投诉" and t.emotion.label == "anger"


def test_a_plain_question_without_a_question_mark_reads_as_calm():
    assert detect_emotion("我是社区网格员，想了解一下自杀干预培训在哪报名").label == "calm"


def test_need_lexicon_names_the_need_behind_a_repeat_visit():
    from assistant.replies.lexicons import needs
    from assistant.replies.nvc import need_of

    repeat = next(n for n in needs() if n.need == "少跑腿")
    assert need_of("我已经跑了好几趟了", triage("我已经跑了好几趟了")) == f"您{repeat.phrase}。"


@pytest.mark.parametrize("text,kind", [
    ("我跟我妈已经道过别了", "self_harm"),
    ("门口有个人拎着铁棍走来走去", "violence"),
])
def test_paraphrased_red_flag_no_pattern_names_is_caught_by_similar_examples(text, kind):
    flags = detect_risks(text)
    assert flags and flags[0].kind == kind
    assert "相似" in flags[0].evidence or "分类器" in flags[0].evidence


@pytest.mark.slow
def test_risk_bench_scores_each_set_with_tiers_that_never_saw_it():
    """Refits both learned tiers nine times (minutes): in the full run only. Eleven sets: the first set's test
    fold, blind v1-v8, v9 and the hard cases (hard-luck stories against real intent)."""
    from assistant.bench.triage_eval import risk_rows

    figures = risk_rows()["figures"]
    assert len(figures) == 11
    for name, by_method in figures.items():
        shipped = by_method["规则+相似例句+分类器（发布）"]
        keywords = by_method["关键词表（基线）"]
        assert shipped["recall"] > keywords["recall"] and shipped["false_alarm_rate"] < keywords["false_alarm_rate"]
    first = next(v for k, v in figures.items() if k.startswith("自编集"))["规则+相似例句+分类器（发布）"]
    assert first["recall"] == 1.0


@pytest.mark.parametrize("text", [
    "我要跳楼", "我想死", "活够了", "我要绝食", "我要拉横幅", "拉横幅", "我要找媒体曝光", "我去天安门",
    "我老公拿皮带抽我", "他打我", "我带了汽油", "我要炸了这里", "捅死他", "我奶奶倒了叫不醒", "小孩被关在车里",
    "有个人躺地上不动", "工友们都在路上了", "全厂的人都来了", "大家明早一起去区政府",
])
def test_short_blunt_red_flags_fire(text):
    """Short lines give the classifier little to go on; none of these may be dropped or missed."""
    assert detect_risks(text), text


@pytest.mark.parametrize("text", [
    "我是社区网格员，想了解一下自杀干预培训在哪报名",
    "我们单位要组织三百人集体体检，在哪预约",
    "绝食的来访人一般怎么处置，我是新来的",
])
def test_a_pattern_hit_the_classifier_is_sure_is_harmless_is_dropped(text):
    from assistant.replies.risk import rule_risks

    assert rule_risks(text)          # the patterns alone would raise a card here
    assert detect_risks(text) == []  # the classifier has seen questions like these


def test_learned_risk_tiers_do_not_depend_on_the_emotion_model(tmp_path, monkeypatch):
    """Deleting the shared-data emotion model (see README) must not switch off the risk tiers."""
    import shutil

    from assistant.replies import classifier, emotion, risk

    for name in ("emotion_char", "risk_clf"):
        for ext in (".npz", ".json"):
            shutil.copy(classifier.MODEL_DIR / f"{name}{ext}", tmp_path / f"{name}{ext}")
    monkeypatch.setenv("ASSISTANT_MODEL_DIR", str(tmp_path))
    risk.shipped_detector.cache_clear()
    try:
        assert emotion.active_model().name == "emotion_char"   # emotion falls back to char n-grams
        flags = detect_risks("我跟我妈已经道过别了")       # no pattern names this one
        assert flags and flags[0].kind == "self_harm"
    finally:
        risk.shipped_detector.cache_clear()


@pytest.mark.parametrize("text", [
    "上周在窗口晕倒的那位阿姨已经出院了，家属今天来送锦旗",
    "前阵子说要拉横幅那事后来解决了，谢谢你们跑前跑后",
    "走丢的外公昨晚已经找回来了，麻烦把登记撤了",
])
def test_a_matter_reported_as_over_raises_no_flag(text):
    assert detect_risks(text) == []


@pytest.mark.parametrize("text,kind", [
    ("上回的事是解决了，这回再拖着不办我就去北京", "extreme"),
    ("问题到现在也没解决，我今天就坐这不走了", "extreme"),
])
def test_a_past_matter_with_a_new_threat_still_fires(text, kind):
    assert kind in [f.kind for f in detect_risks(text)]


@pytest.mark.parametrize("text", [
    "我老伴年初走了，家里就剩我一个，低保能不能申请？",
    "闺女住院花了十几万，家里掏空了，有没有什么救助政策",
    "我爸躺床上好几年了，下不了楼，今年的养老金认证怎么认证",
    "那要是证件被水泡坏了呢",
])
def test_a_service_question_from_hardship_is_answered_not_carded(text):
    # the learned tiers alone do not turn a question about a service into a card (risk.ASKS_SERVICE)
    assert detect_risks(text) == []


@pytest.mark.parametrize("text,kind", [
    ("孩子烧到四十度突然抽过去了，人就在门口，怎么办！", "vulnerable"),
    ("我晓得你家娃在哪个学校念书，你自己掂量", "violence"),
    ("我要是走了，抚恤金能不能给我闺女，反正我也决定了不想活了", "self_harm"),
])
def test_an_emergency_or_threat_phrased_as_a_question_still_fires(text, kind):
    assert kind in [f.kind for f in detect_risks(text)]


def test_a_bedridden_parent_in_a_service_question_is_circumstance_but_a_fall_is_an_emergency():
    # the pattern "起不来" alone: asked how to get a service done for them, no card (risk.RULE_ASKS_SERVICE) …
    assert detect_risks("他瘫在床上起不来，咋认证") == []
    # … reported as it happens, or with a threat, the card stays
    assert "vulnerable" in [f.kind for f in detect_risks("我妈摔倒了起不来")]
    assert "vulnerable" in [f.kind for f in detect_risks("我妈晕倒在你们大厅了起不来，找谁")]
    assert "self_harm" in [f.kind for f in detect_risks("我瘫在床上起不来，不想活了，低保怎么申请")]
