"""What the clerk reads aloud, on the shipped knowledge/ through the real engine (chromadb, m3e, the FAQ and guide):
follow-ups keep or switch the matter, near misses are not answered from a neighbouring entry, numbers are never
read back, a risk card's own words are the reply, staff questions get the guide."""
from __future__ import annotations

import re

import pytest

from assistant.config import Settings
from assistant.firstrun import load_shipped
from assistant.privacy import speakable, without_numbers
from assistant.replies.engine import ReplyEngine
from assistant.replies.model import knowledge_gap
from assistant.replies.staff import is_staff_question
from assistant.retrieval.rewrite import interpret

from conftest import REPO


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("shipped") / "data", knowledge_dir=REPO / "knowledge")
    assert load_shipped(settings, quiet=True) == 0
    eng = ReplyEngine(settings)
    yield eng
    eng.kb.reopen()


def said(s) -> str:
    return "".join([s.observation, s.feeling, s.need, s.request, s.standard_answer, s.guidance, *s.checklist,
                    *s.variants.values()])


def first_source(s) -> str:
    return s.citations[0].label if s.citations else ""


def entry_of(result, s) -> str:
    """The standard question of the FAQ entry the reply quotes ("" when it quotes none)."""
    if not s.citations:
        return ""
    hits = [h for h, _, _ in result.faq_candidates] + list(result.hits)
    hit = next((h for h in hits if h.chunk_id == s.citations[0].chunk_id), None)
    return hit.questions[0] if hit is not None and hit.kind == "faq" and hit.questions else ""


# --- follow-ups ------------------------------------------------------------------------------------------------

def test_rewriting_carries_the_topic_swaps_the_matter_or_lets_a_new_question_stand():
    assert interpret("那公积金呢", ["换城市了养老保险怎么转"]).search == "换城市了公积金怎么转"
    carried = interpret("补卡要等多久", ["社保卡丢了怎么办"])
    assert "社保卡" in carried.search and "补卡要等多久" in carried.search
    assert interpret("那户口本丢了又该怎么办", ["身份证换领要带啥"]).search == "那户口本丢了又该怎么办"
    # the new matter leads and the rest says "the same": the earlier question, about the new matter
    also = interpret("那公积金呢，也能一起转过来吗？", ["换城市了养老保险怎么转"])
    assert also.search.startswith("换城市了公积金怎么转") and "养老保险" not in also.asked
    said_since = interpret("那在这边补要带什么", ["身份证丢了怎么补", "我户口不在这里"])
    assert "我户口不在这里" in said_since.search and "户口不在" not in said_since.asked


def test_a_follow_up_that_switches_aspect_stays_on_the_matter(engine):
    result, s = engine.suggest("那多久能拿到？", history=["办居住证要带什么材料？"])
    assert s.mode == "reply" and "居住证" in entry_of(result, s)
    assert re.search(r"日|工作日", s.request)      # the time limit is quoted, not the materials again


def test_a_follow_up_that_switches_matter_answers_the_new_matter(engine):
    result, s = engine.suggest("那公积金呢", history=["换城市工作了养老保险怎么转"])
    assert entry_of(result, s) == "换城市工作后住房公积金怎么转移？"


# --- near misses and applicability -------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["第一次办护照要带什么材料", "公租房怎么申请，外地户口能申请吗",
                                      "驾驶证到期了怎么换", "养条狗要办什么证"])
def test_a_near_miss_is_not_answered_from_a_neighbouring_entry(engine, question):
    result, s = engine.suggest(question)
    assert s.mode == "not_found" and not s.supported and s.citations == []
    assert "根据《" not in said(s) and not s.standard_answer
    assert "我现在就按这个帮您办" not in said(s)


@pytest.mark.parametrize("question,matter", [("退役军人优待证怎么办", "退役军人"), ("评职称要准备什么材料", "职称")])
def test_a_matter_the_kb_does_not_hold_is_named_in_the_refusal(engine, question, matter):
    # matters.csv lists common matters the shipped FAQ does not hold; a neighbouring entry (老年人优待证) is not quoted
    result, s = engine.suggest(question)
    assert s.mode == "not_found" and not s.standard_answer
    assert matter in said(s) and "根据《" not in said(s)


def test_near_miss_entries_are_offered_to_the_clerk_as_unverified(engine):
    result, s = engine.suggest("第一次办护照要带什么材料")
    assert s.related and all(c.label for c in s.related)
    assert knowledge_gap(result.refused, s)          # a question the KB does not hold goes to the gap report


def test_the_page_can_hand_over_the_last_source_instead_of_recomputing_it(engine):
    from assistant.replies.engine import cited_hit

    first = engine.suggest("办居住证要带什么材料？")
    kept = cited_hit(*first)
    assert kept is not None and "居住证" in kept.questions[0]
    by_page = engine.suggest("那多久能拿到？", history=["办居住证要带什么材料？"], previous=kept)[1]
    recomputed = engine.suggest("那多久能拿到？", history=["办居住证要带什么材料？"])[1]
    assert by_page.citations[0].chunk_id == recomputed.citations[0].chunk_id


def test_the_right_entry_is_kept_when_it_is_about_the_matter(engine):
    result, s = engine.suggest("我爸去世了，房子怎么转到我名下")
    assert entry_of(result, s) == "继承的房屋怎么办理过户？"
    assert "节哀" in s.feeling and "您爸" in s.observation


def test_an_id_number_does_not_pull_in_the_id_card_entry(engine):
    result, s = engine.suggest("我身份证号是110105198803127718，帮我看看社保一共交了几年，能打个明细吗")
    assert entry_of(result, s) == "怎样查询个人社保缴费记录？"
    assert "身份证" not in entry_of(result, s)


# --- numbers --------------------------------------------------------------------------------------------------

def test_numbers_are_never_read_back():
    text = "身份证110101199003071234，电话13912345678，卡号6222021234567890123"
    spoken = speakable(text)
    assert not re.search(r"\d{5,}", spoken) and "尾号1234" in spoken and "尾号5678" in spoken
    assert not re.search(r"\d", without_numbers(text))


def test_numbers_typed_in_full_width_are_never_read_back_either():
    text = "身份证１１０１０１１９９００３０７１２３４，电话１３９１２３４５６７８"
    spoken = speakable(text)
    assert "尾号1234" in spoken and "尾号5678" in spoken and not re.search(r"[0-9０-９]{5,}", spoken)
    assert not re.search(r"[0-9０-９]", without_numbers(text))
    assert speakable("第１条") == "第１条" and without_numbers("第１条") == "第１条"   # no number: left as typed


def test_no_digits_of_a_citizens_number_in_anything_said_or_shown(engine):
    _, s = engine.suggest("我手机号13971820456，上周打12345反映小区垃圾的事，帮我查查工单到哪一步了")
    blob = re.sub(r"\D", "", said(s) + "".join(c.text for c in s.citations))
    assert not any("13971820456"[i:i + 6] in blob for i in range(6))


# --- risk ---------------------------------------------------------------------------------------------------

def test_under_a_risk_card_only_the_cards_words_are_said(engine):
    _, s = engine.suggest("你们再不给我办，我就从这楼上跳下去！")
    assert s.mode == "risk" and s.protocol is not None
    assert s.citations == [] and s.related == [] and not s.standard_answer
    assert not any(w in said(s) for w in ("跳下去", "楼上", "不满", "不给我办"))


# --- staff --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["群众情绪激动时窗口人员应该怎么沟通？", "群众材料没带齐，我们窗口这边正确的处理方式是什么"])
def test_a_staff_question_gets_the_guide_not_a_citizen_reply(engine, question):
    assert is_staff_question(question)
    result, s = engine.suggest(question)
    assert s.mode == "staff" and s.guidance and s.citations
    assert "指南" in s.citations[0].label and not s.observation and not s.variants
    assert not knowledge_gap(result.refused, s)   # what the query log stores and the page shows: not a gap


def test_a_staff_question_in_everyday_words_finds_its_section(engine):
    # few of its words are in the guide; the section's typical questions (guide_questions.csv) carry it
    result, s = engine.suggest("上访的人非要跳过区里直接去省里，我咋跟他说")
    assert s.mode == "staff" and s.citations
    assert "逐级" in s.citations[0].text


def test_every_typical_staff_question_names_a_section_of_the_shipped_guide():
    from assistant.config import PROJECT_ROOT
    from assistant.replies.lexicons import guide_questions

    guide = (PROJECT_ROOT / "knowledge" / "guide" / "窗口沟通指南.md").read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in guide.splitlines() if line.startswith("#")}
    by_section = guide_questions()
    assert by_section and set(by_section) <= headings
    assert all(len(qs) >= 3 for qs in by_section.values())


def test_a_staff_question_that_carries_a_red_flag_keeps_the_card_beside_the_guidance(engine):
    result, s = engine.suggest("群众跟我说不想活了，我第一句话应该怎么回应他")
    assert s.mode == "staff" and s.guidance and s.citations
    assert s.triage.is_risk and s.protocol is not None and s.protocol.say_now


@pytest.mark.parametrize("question", ["窗口态度太差在哪投诉", "身份证丢了怎么补办", "我想问一下公积金怎么提取"])
def test_citizens_are_not_taken_for_staff(question):
    assert not is_staff_question(question)


# --- feelings and routing -----------------------------------------------------------------------------------

def test_a_calm_question_is_not_answered_as_anger_and_residence_goes_to_police(engine):
    _, s = engine.suggest("养条狗要办什么证")
    assert not re.search(r"生气|不满|失望", s.feeling)
    _, s = engine.suggest("办理居住证要带哪些材料？")
    assert s.triage.department == "公安"


@pytest.mark.parametrize("question", ["辞职了公积金能全取出来不", "新房买了多久能办下来房本", "社保卡补好了没有"])
def test_a_plain_question_in_colloquial_form_stays_calm(question):
    from assistant.replies.model import Emotion, Triage
    from assistant.replies.nvc import feel

    angry = Triage(emotion=Emotion(label="anger", intensity=0.34, label_zh="愤怒", cues=[]), intent="咨询",
                   department="", department_confidence=0.0, risks=[])
    assert not re.search(r"生气|不满|失望", feel(angry, question))


def test_a_time_limit_question_is_not_met_with_a_progress_need(engine):
    """"多久能拿到" asks a rule, not how far a filed case has got: the need and the next step say so."""
    _, s = engine.suggest("辞职了公积金能全取出来不")
    assert "办到哪一步" not in s.need and "查一下办件进度" not in s.request


def test_the_letter_never_quotes_an_empty_clause(engine):
    for turns in (["我想办个居住证，要带啥", "那多久能拿到"], ["办理居住证要带哪些材料？"]):
        _, s = engine.suggest(turns[-1], turns[:-1])
        assert "「」" not in s.variants["书面"], s.variants["书面"]


def test_the_clerk_says_the_rule_that_was_asked_about(engine):
    """A yes/no question is answered with the rule, not with the entry's closing reminder."""
    _, s = engine.suggest("辞职了公积金能全取出来不")
    assert "单纯离职不能提取" in s.variants["窗口"]
    _, s = engine.suggest("换身份证要多少钱")
    assert "20元" in s.variants["窗口"], s.variants["窗口"]


def test_a_time_question_is_told_the_clause_labelled_with_the_time_limit(engine):
    """The 居住证 entry's answer has 制证时限, 签注 (…满前30日内) and 逾期 clauses: asked how long it takes, the clerk
    reads the 制证时限 clause, alone or as a follow-up."""
    for history, turn in (([], "居住证多久能拿到"), (["办理居住证要带哪些材料"], "那多久能拿到")):
        _, s = engine.suggest(turn, history=history)
        assert s.mode == "reply" and "制证时限" in s.request, s.request


def test_a_where_question_is_told_the_place_and_a_plain_service_question_is_not_pitied(engine):
    _, s = engine.suggest("残疾证在哪办")
    assert "残联" in s.variants["窗口"]
    assert "难处" not in s.feeling and "不容易" not in s.feeling
    _, s = engine.suggest("我家孩子残疾了，残疾证在哪办")
    assert "体谅" in s.feeling or "不容易" in s.feeling


def test_one_item_is_said_without_counting():
    from assistant.replies.model import Emotion, Suggestion, Triage
    from assistant.replies.variants import build_variants

    calm = Triage(emotion=Emotion(label="calm", intensity=0.1), intent="咨询", department="",
                  department_confidence=0.0, risks=[])
    s = Suggestion(triage=calm, observation="您想了解换身份证要多少钱。", feeling="", need="", checklist=["换领工本费20元"],
                   request="根据《示例》 第1条：「换领工本费20元」您看您的情况和这条是否对得上。")
    assert "一共1项" not in build_variants(s)["窗口"]


def test_the_dialogue_bench_finds_the_citizens_numbers_itself():
    from assistant.bench.dialogues import numbers_in

    row = {"turns": ["我手机号139 1234 5678，身份证11010119900307123X", "补办要多久"], "pii": []}
    assert numbers_in(row) == ["13912345678", "11010119900307123X"]
    assert numbers_in({"turns": ["社保交了15年，2024年退休"]}) == []


def test_a_short_aspect_follow_up_moves_to_the_entry_that_answers_it(engine):
    """The issue's own example: materials, then "how long" — the time-limit entry answers, said aloud."""
    _, s = engine.suggest("那要多久能办好？", ["办居住证需要带什么材料？"])
    assert s.supported and "居住证" in first_source(s), s.request
    assert re.search(r"15日|7个工作日", s.variants["窗口"]), s.variants["窗口"]


def test_the_said_bench_scores_pieces_of_an_answer():
    from assistant.bench.said import answered, holds, words_extract

    assert holds("您说…单纯离职不能提取。提醒：…", "单纯离职不能提取。")
    assert not holds("提醒：到新城市工作的，建议办理异地转移接续。", "单纯离职不能提取。")
    assert answered("工本费20元。", {"clause": "换领工本费20元；", "also": []}) is False
    assert answered("换领工本费20元。", {"clause": "x", "also": ["换领工本费20元；"]})
    assert words_extract("多少钱", "材料：户口簿。换领工本费20元。", ["费用"]) == "换领工本费20元。"


def test_a_restated_follow_up_drops_its_question_particle():
    from assistant.replies.nvc import observe

    assert observe("那公积金呢，也能一起转过来吗？") == "您想了解公积金，也能一起转过来吗。"


def test_a_refusal_names_the_matter_asked_not_the_citizens_circumstances():
    from assistant.replies.composer import _only_circumstance

    asked = "我下岗了，家里还有两个老人要照顾，失业保险金能领多久"
    assert _only_circumstance(asked, "老年人", ["老年人"])
    assert not _only_circumstance("护照过期了，换个新的要带什么材料", "护照", ["护照"])
    assert not _only_circumstance("我是退役军人，想问退役军人优待证怎么办", "退役军人", ["退役军人"])


def test_the_verifier_reads_each_sentence_of_an_answer(engine):
    """``sent_turn``: a turn that asks what one sentence of an entry's answer says is closest to that entry, though
    it shares no words with the entry's questions."""
    from assistant.replies.selection import answer_sentences, answer_similarities

    assert answer_sentences("制证时限：受理后15日内制发。\n签注：每年签注一次；逾期就不能再用了。好") == [
        "制证时限：受理后15日内制发", "签注：每年签注一次", "逾期就不能再用了"]
    pool = {h.questions[0]: h for h, _, _ in engine.retrieve("结婚登记和离婚登记").faq_candidates}
    marry, divorce = pool["结婚登记需要带什么材料？"], pool["协议离婚登记的流程是什么？"]
    near, far = answer_similarities("领结婚证还要不要带户口簿", [marry, divorce])
    assert near > far


def test_the_amount_of_something_the_entry_never_names_is_not_answered_from_it(engine):
    """"…有效期是多久" about the 无犯罪记录证明 entry, which says where to get it and how long issuing takes but
    never names an 有效期: refused, not answered with the issuing time."""
    from assistant.replies.selection import asked_amount_of

    assert asked_amount_of("无犯罪记录证明开出来以后有效期是多久？").endswith("有效期")
    assert asked_amount_of("那要多少钱") == "" and asked_amount_of("申请复议的期限是多久") == ""
    _, s = engine.suggest("无犯罪记录证明开出来以后有效期是多久？")
    assert s.mode == "not_found" and not s.standard_answer
    _, s = engine.suggest("中间那个冷静期有多长", history=["协议离婚登记的流程是什么"])
    assert s.mode == "reply" and "冷静期" in s.standard_answer


def test_a_refusal_does_not_say_a_held_matter_is_missing(engine):
    """The 失业 entries exist: refusing "下岗…能不能吃低保" must not say "关于失业，资料里没有"."""
    for q in ("我下岗好几年了，还有糖尿病，老婆也没工作，家里实在揭不开锅，能不能吃低保",
              "失业半年了房租都交不起，社保也断了，断了以后前面的是不是白交了？"):
        _, s = engine.suggest(q)
        assert "关于失业" not in s.request, s.request


def test_a_follow_up_stays_on_the_entry_that_answered_unless_it_names_something_else(engine):
    _, s = engine.suggest("能让家里人替我去换吗", history=["身份证到期换领要带什么"])
    assert s.mode == "reply" and "换领" in s.citations[0].text, s.citations[0].text
    _, s = engine.suggest("那要是办好以后弄丢了呢", history=["身份证到期换领要带什么"])
    assert not s.citations or "补领" in s.citations[0].text


def test_a_red_flag_on_firm_ground_stays_up_for_the_next_turn(engine):
    """The protocol card does not drop because the citizen in danger asks a practical question next."""
    _, s = engine.suggest("我能不能今天先把离婚办了", history=["我老公一喝酒就打我，这回胳膊都打青了，我不敢回家"])
    assert s.mode == "risk" and s.protocol is not None
    assert any(f.evidence.startswith("上一句") for f in s.triage.risks)
    # a loose likeness on the turn before (bereavement near a red example) is not carried
    _, s = engine.suggest("要交契税不", history=["我爸不在了，他那套房子怎么过到我名下"])
    assert s.mode != "risk"


def test_a_couple_is_restated_as_a_couple():
    from assistant.replies.nvc import observe

    assert observe("我们两个想去扯结婚证，要拿些啥子东西嘛？").startswith("您说你们俩想去扯结婚证")
    assert "这边单位" not in observe("我们单位不给交社保")


def test_a_victim_of_violence_is_asked_about_safety_not_told_they_sound_angry(engine):
    _, s = engine.suggest("我老公天天打我，我不敢回家了")
    assert s.mode == "risk" and "安全" in s.request and "生气" not in s.request
    _, s = engine.suggest("你们再不给我办，我就拿刀砍人！")
    assert s.mode == "risk" and "生气" in s.request and "伤害您" not in s.request


def test_sentence_vectors_of_nothing_is_nothing():
    """An empty knowledge base at first start warms up with no answers: no sentences, no vectors, no error."""
    from assistant.replies.grounding import sentence_vectors
    from assistant.replies.selection import remember_answers

    assert sentence_vectors([]) is None
    remember_answers([])
