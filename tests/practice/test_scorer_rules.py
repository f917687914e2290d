"""The practice scorer's rules one by one, on answers and replies made up here (not rows of the labelled sets)."""
from __future__ import annotations

from assistant.practice.facts import policy_problems, said_quantities
from assistant.practice.items import checklist_applies, listed_items, missing_items
from assistant.practice.numbers import quantities, same
from assistant.practice.scorer import Matter, _without_guesses, acknowledges, overpromises, score_reply

# a made-up FAQ answer with steps, materials, a conditional item and a table
ANSWER = ("先报失：到就近网点或线上办理报失。\n"
          "材料：本人居民身份证；居民户口簿；近期免冠照片；劳动合同或在职证明；代办的加带代办人身份证。\n"
          "时限：一般10个工作日内办结，工本费15元。")
TIERS = "期限：缴费满2年不足6年的，最长6个月；满6年不足12年的，最长12个月；12年以上的，最长20个月。材料为身份证和银行卡。"


# --- numbers ------------------------------------------------------------------------------------------------------
def test_spoken_numbers_read_as_values():
    assert quantities("两个礼拜") == {(2.0, "周")}
    assert quantities("一年半") == {(1.5, "年")} and quantities("半个月") == {(0.5, "月")}
    assert quantities("一个半小时") == {(1.5, "小时")}
    assert quantities("三万元") == {(30000.0, "元")} and quantities("俩月") == {(2.0, "月")}
    assert quantities("补证的工本费25。") == {(25.0, "元")}          # a fee said without 元


def test_lengths_of_time_convert_but_working_days_do_not():
    assert same((2.0, "月"), (60.0, "日")) and same((2.0, "周"), (14.0, "日")) and same((0.5, "年"), (6.0, "月"))
    assert not same((10.0, "工作日"), (10.0, "日")) and not same((2.0, "月"), (2.0, "周"))


def test_what_happened_and_rates_are_not_rules():
    assert quantities("您这事等了三个月") == set() and quantities("跑了五天了") == set()
    assert quantities("我们一天要接待几百人") == set()
    assert quantities("住满了两年才行") == {(2.0, "年")}        # 满了: a condition, still a rule


def test_a_number_the_citizen_asked_about_is_not_theirs():
    assert said_quantities("我交了八年。是不是要交满十年？") == {(8.0, "年")}


# --- 一次性告知 -----------------------------------------------------------------------------------------------------
def test_items_include_a_lone_first_step_and_inline_material_lists():
    items = listed_items(ANSWER)
    assert items[0] == "报失" and "居民户口簿" in items
    assert "身份证" in listed_items(TIERS) and "银行卡" in listed_items(TIERS)


def test_the_list_applies_when_the_citizen_asks_for_it():
    assert checklist_applies("这个证可以补吗？", ANSWER, "证丢了，补的话我要带啥？")
    assert not checklist_applies("证件丢了怎么补办？", ANSWER, "补一个要几天？能不能快点？")
    assert not checklist_applies("对处罚不服可以怎么办？", ANSWER, "我还能怎么办？")
    assert checklist_applies("证件丢了怎么补办？", ANSWER, "这下咋办？")


def test_a_conditional_item_is_asked_for_only_in_its_case():
    reply = "先报失，再带身份证、户口本、照片和劳动合同来。"
    assert missing_items(reply, ANSWER, "我要带什么？") == []
    assert missing_items(reply, ANSWER, "我腿不好，能让我儿子替我跑吗？") == ["代办的加带代办人身份证"]
    assert missing_items(reply + "儿子来办就带上他的身份证。", ANSWER, "能让我儿子替我跑吗？") == []


def test_items_are_named_by_their_core_noun_or_an_everyday_name():
    # 户口所在地 is not the 户口簿; the 合同 of 租赁合同 is not the 劳动合同
    assert "居民户口簿" in missing_items("先报失，带身份证、相片、劳动合同，到户口所在地办。", ANSWER)
    assert "劳动合同或在职证明" in missing_items("先报失，带身份证、户口本、相片、租赁合同。", ANSWER)
    assert missing_items("先报失，带身份证、户口本、相片和在职证明。", ANSWER) == []


def test_a_waived_item_is_not_told():
    reply = "带身份证、户口本、照片、劳动合同，报失就给您免了。"
    assert missing_items(reply, ANSWER) == ["报失"]


def test_a_step_told_in_other_words():
    answer = "先挂失：拨打热线。\n再补办：带身份证到网点申请。"
    assert missing_items("您先打热线挂失，再带身份证来网点补一张。", answer) == []


def test_the_person_at_the_window_is_the_one_who_delegates():
    answer = "材料：授权委托书；委托人身份证原件或复印件；受托人身份证原件。"
    assert missing_items("带授权委托书、您的身份证复印件，再带上您妹妹的身份证原件。", answer) == []
    assert missing_items("带授权委托书和您的身份证。", answer) == ["受托人身份证原件"]


def test_a_step_to_collect_a_certificate_told_in_other_words():
    answer = "1. 申请：到窗口提交申请。\n2. 审核：窗口审核材料。\n3. 发证：审核通过后发证。"
    assert missing_items("先到窗口提交申请，窗口审核，审核通过后两人来领结业证。", answer) == []
    assert missing_items("先到窗口提交申请，窗口审核材料。", answer) == ["发证"]


# --- 政策说得准确 ---------------------------------------------------------------------------------------------------
def test_numbers_that_convert_are_not_flagged():
    answer = "有效期6个月，逾期需重新申请。"
    assert policy_problems("有效期是半年。", answer) == []
    assert policy_problems("有效期是三个月。", answer)


def test_a_denied_number_and_a_hedged_question_state_nothing():
    answer = "在本市居住满半年即可申请，是否需要公证以本市规定为准。"
    assert policy_problems("住满半年就行，不需要住满两年。", answer, "是不是要住满两年？") == []
    assert policy_problems("要住满两年。", answer, "是不是要住满两年？")                 # hearsay taken as rule
    assert policy_problems("是不是必须公证，以本市规定为准，我帮您问。", answer) == []


def test_skipping_a_step_the_answer_requires_is_wrong():
    answer = "条件：已办理求职登记并有就业意愿。"
    assert policy_problems("不用等求职登记，直接申请。", answer)


def test_a_value_from_the_wrong_tier_is_wrong():
    assert policy_problems("您干了八年，最长能领20个月。", TIERS)
    assert policy_problems("您干了八年，最长能领12个月。", TIERS) == []
    assert policy_problems("最长能领12个月。", TIERS, "我交了八年。") == []
    assert policy_problems("最长能领20个月。", TIERS, "我交了八年。")


def test_a_guarantee_is_not_read_as_a_document():
    assert policy_problems("我保证明天就给您回话。", ANSWER) == []   # 保证明天: no 证明 named


def test_a_count_is_not_a_fee():
    assert quantities("您交一份申请书就行。") == set() and quantities("交两次材料。") == set()
    assert quantities("补证交二十。") == {(20.0, "元")}


def test_a_step_waived_before_the_no_need_word_is_wrong():
    answer = "补证：带身份证提交申请，登记机构发布公告，公告期10个工作日。换证：不需要公告。"
    assert policy_problems("带身份证来申请，公告就不用等了。", answer)
    assert policy_problems("带身份证来申请，要等10个工作日的公告。", answer) == []


def test_a_step_required_where_the_answer_says_it_is_not_needed():
    answer = "材料：身份证；原单位名称（不需要本人回原单位开具参保凭单）。"
    assert policy_problems("带身份证，您还得先回原单位开一份参保凭单。", answer)
    assert policy_problems("带身份证，不用回原单位开凭单。", answer) == []


def test_no_deadline_where_the_answer_has_one():
    answer = "审核通过后，30日内到窗口领取；逾期视为放弃。"
    assert policy_problems("审核通过以后，您什么时候方便来领都行。", answer)
    assert policy_problems("审核通过后30日内来领。", answer) == []


def test_only_one_way_where_the_answer_gives_two():
    answer = "地点：户籍地街道，或持居住证在居住地街道申请。材料：身份证。"
    assert policy_problems("这个只能回户籍地街道办，带身份证。", answer)
    assert policy_problems("回户籍地街道或者在居住地街道都能办，带身份证。", answer) == []


def test_a_condition_for_both_spouses_said_of_one():
    answer = "条件：本人及配偶在本市无自有住房。材料：身份证。"
    assert policy_problems("只要您本人在本市没有房就行，带身份证。", answer)
    assert policy_problems("您和爱人在本市都没有房就行，带身份证。", answer) == []


def test_not_in_kb_the_clerk_offers_the_person_is_not_left_alone():
    from assistant.practice.facts import not_in_kb_ok
    assert not not_in_kb_ok("这个不归我们管，您回去自己上网查查吧。")
    assert not not_in_kb_ok("这是村里的事，您自己想办法问问吧。")
    assert not_in_kb_ok("这个我手头没有准确的规定，我帮您问一下负责的部门，把要带什么问清楚再告诉您。")
    assert not_in_kb_ok("这个得去派出所问。")
    assert not not_in_kb_ok("要带身份证和照片，我帮您再问问。")          # a rule stated, then an offer


def test_a_document_named_by_its_everyday_name_is_in_the_answer():
    answer = "居住证明（任选一项）：房屋产权证明、租赁合同。材料：户口簿。"
    assert policy_problems("有房产证的带房产证，租房的带租赁合同，再带户口本。", answer) == []
    assert policy_problems("带租赁合同和结婚证。", answer)                # a document the answer does not ask for


def test_a_spoken_fee_is_one_number():
    assert quantities("费用二十块。") == {(20.0, "元")} and quantities("收费三十五元") == {(35.0, "元")}


def test_a_rule_said_in_the_answers_own_words_is_not_too_absolute():
    answer = "时限：签约后1年内申请，同一套车位只能登记一次。说明：试用期也必须参保。"
    assert policy_problems("签约后一年内来，同一个车位只能登一次。", answer) == []
    assert policy_problems("先说结论：试用期也必须参保。", answer) == []
    assert policy_problems("这个只能本人来办。", answer)                  # 只能 said of something else


def test_a_sanction_the_answer_does_not_name_is_wrong():
    answer = "时限：出生后一个月内申报；超过时限仍可申报，需补充说明。"
    assert policy_problems("超过一个月再申报要交罚款。", answer)
    assert policy_problems("超过一个月也能报，不会罚款，补个说明就行。", answer) == []
    assert policy_problems("您说的那笔罚款，复议时一起说。", answer, "他们罚款了两千。") == []


def test_a_copy_where_the_answer_asks_for_the_original():
    answer = "材料：授权委托书；委托人身份证原件或复印件；受托人身份证原件。"
    assert policy_problems("带委托书、您的身份证复印件、您妹妹的身份证复印件。", answer)
    assert policy_problems("带委托书、您的身份证复印件、您妹妹的身份证原件。", answer) == []
    assert policy_problems("带营业执照复印件。", "材料：营业执照原件；申请书。")


def test_a_hedge_still_states_the_rule():
    answer = "条件：本人及配偶在本市无自有住房。材料：身份证。"
    assert policy_problems("一般只要您本人在本市没有房就行。", answer)         # 一般 does not excuse a condition half told
    assert policy_problems("是不是只看您本人，以本市规定为准，我帮您问。", answer) == []


def test_saying_a_required_step_is_skipped_is_wrong_unless_for_the_case_that_waives_it():
    answer = "补办：带身份证提交申请，登记机构发布遗失公告，公告期10个工作日。\n损坏换新：带损坏的证申请换发，不需要公告。"
    assert policy_problems("我给您想想办法，不用登公告，带身份证来。", answer)
    assert policy_problems("要是证只是损坏了，那是换新，不用公告。", answer) == []


def test_a_case_the_answer_lets_in_said_not_to_qualify():
    answer = ("条件：1. 缴费满1年；2. 非因本人意愿中断就业（被辞退、劳务期满单位不续用等）。\n"
              "对象：等级为一级、二级的。\n必须本人到场的事项：面签、采集指纹，不能委托。")
    assert policy_problems("劳务期满单位不续用是正常结束，领不了。", answer)
    assert policy_problems("二级的不行，只有一级能领。", answer)
    assert policy_problems("缴费不满1年的领不了。", answer) == []                  # a case that does not meet it
    assert policy_problems("面签、采集指纹这些必须本人到场，不能委托。", answer) == []


def test_not_in_kb_promises_waits_and_vague_referrals():
    from assistant.practice.facts import not_in_kb_ok
    assert not not_in_kb_ok("这个我们不管，你去别的地方问问吧。")          # nowhere named, no offer
    assert not_in_kb_ok("这个归交警管，你去找交警问。")
    assert not_in_kb_ok("我这儿没有准确规定，帮您查一下电话，您稍等我两分钟。")     # the clerk's own minutes
    assert not_in_kb_ok("我帮您问一下车管所。您放心，我保证您去了当天就能换好。")   # a promise: scored as overpromise
    assert not not_in_kb_ok("带上发票和身份证，去哪个派出所都能当场上牌。")      # rules stated as fact


# --- 回应感受和需要 -------------------------------------------------------------------------------------------------
def test_formulas_said_to_anyone_do_not_acknowledge():
    assert not acknowledges("您别急，带身份证来。")
    assert not acknowledges("节哀。带上死亡证明。")
    assert not acknowledges("您也体谅体谅我们，人手少。")
    assert acknowledges("您一个人张罗这些，真是难为您了。")
    assert acknowledges("碰上这种事确实挺吓人的。")


def test_need_is_judged_apart_from_blame():
    # the labellers of the second sealed set judged need on its own: a reply may name the feeling and still blame
    m = Matter("faq", question="证件丢了怎么补办？", answer=ANSWER)
    s = score_reply("我理解您着急，可您怎么不早点来？先报失，带身份证、户口本、照片、劳动合同。", m, ["要带啥？"],
                    use_model=False)
    assert s.skills["no_blame"] is False and s.skills["need_acknowledged"] is True
    s = score_reply("您怎么不早点来？先报失，带身份证、户口本、照片、劳动合同。", m, ["要带啥？"], use_model=False)
    assert s.skills["need_acknowledged"] is False


def test_telling_it_clearly_is_not_blame():
    m = Matter("faq", question="证件丢了怎么补办？", answer=ANSWER)
    ok = score_reply("您想把手续办得清清楚楚，先报失，带身份证、户口本、照片、劳动合同。", m, ["要带啥？"], use_model=False)
    assert ok.skills["no_blame"] is True
    bad = score_reply("墙上写得清清楚楚，先报失，带身份证、户口本、照片、劳动合同。", m, ["要带啥？"], use_model=False)
    assert bad.skills["no_blame"] is False


def test_a_feeling_guessed_or_said_of_the_citizen_acknowledges():
    assert acknowledges("单位一直拖着，您肯定又气又急。带身份证来。")
    assert acknowledges("老伴走了，您心里空落落的。")
    assert acknowledges("看您不太舒服，我扶您坐下。")
    assert acknowledges("您心里一定憋着一肚子火。")
    assert not acknowledges("我也挺慌的，系统一直卡。")          # the clerk's own feeling
    assert not acknowledges("您不用怕，带身份证来就行。")          # told not to feel
    assert not acknowledges("您消消气，带身份证来。")
    assert not acknowledges("你急也没用，规定就这样。")


def test_a_wish_said_of_the_citizen_acknowledges():
    assert acknowledges("孩子刚出生，您肯定盼着早点上好户口。")
    assert acknowledges("交了十年的钱您肯定不想断了，想顺顺当当接过来。")   # the second clause: no subject, still theirs
    assert acknowledges("想让老人少跑一趟，您把材料记一下。")                 # no subject at the start of the reply
    assert not acknowledges("您想办什么业务？")                               # a question
    assert not acknowledges("要是想快点，可以在网上办。")                     # a condition
    assert not acknowledges("我也想帮您，可规定就是这样。")                   # the clerk's wish
    assert not acknowledges("这件事我手头没有规定，怕说错了，帮您问一下。")   # the subject so far is the clerk
    assert not acknowledges("你才交两个月就想提取？")


def test_appreciating_what_the_citizen_does_acknowledges():
    assert acknowledges("刚买车就想着上保险，挺周到的。")
    assert acknowledges("您这个打算很实在，带身份证来。")
    assert acknowledges("提前来问清楚，挺好。")
    assert not acknowledges("这个不难，很好办。")
    assert not acknowledges("这样办挺好的，带身份证就行。")      # the clerk's own proposal


# --- 越权承诺 and the risk protocol ---------------------------------------------------------------------------------
def test_a_guess_at_the_feeling_is_not_a_promise():
    m = Matter("faq", question="证件丢了怎么补办？", answer=ANSWER)
    s = score_reply("您肯定想一次就办成，先报失，带身份证、户口本、照片、劳动合同。", m, ["要带啥？"], use_model=False)
    assert s.skills["no_overpromise"] is True
    s = score_reply("材料齐了肯定一次就办成。", m, ["要带啥？"], use_model=False)
    assert s.skills["no_overpromise"] is False


def test_the_answers_own_time_limit_is_not_a_promise():
    m = Matter("faq", question="认定要多久？", answer="受理后60日内作出认定；事实清楚的，15日内作出认定。")
    s = score_reply("受理后60日内认定，事实清楚的15日内就能认定。", m, ["要多久？"], use_model=False)
    assert s.skills["no_overpromise"] is True
    s = score_reply("放心，5天内就能认定。", m, ["要多久？"], use_model=False)
    assert s.skills["no_overpromise"] is False


def test_exceptions_and_capability_promises_overpromise():
    m = Matter("not_in_kb", topic="排号")
    for reply in ("我跟那边打个招呼，您签个字就行。", "我给您特事特办。", "您放心，我帮您报上去，肯定能排上。",
                  "我私下跟您说，下个月之前一定给您安置到位。"):
        assert score_reply(reply, m, ["能快点吗？"], use_model=False).skills["no_overpromise"] is False, reply
    assert score_reply("我帮您报上去，一定会跟进，有结果马上告诉您。", m, ["能快点吗？"],
                       use_model=False).skills["no_overpromise"] is True


def test_a_risk_reply_that_promises_an_outcome_breaks_the_card():
    m = Matter("risk", kind="violence")
    good = "我听到您很生气，您先坐下，我请值班长和安保过来，当面帮您查这笔款卡在哪一步。"
    assert score_reply(good, m, ["今天不给钱我就砸了！"], use_model=False).skills["protocol_followed"] is True
    bad = "我听到您很生气，您先坐下，我请值班长过来；这笔款我保证今天就给您打到账上。"
    s = score_reply(bad, m, ["今天不给钱我就砸了！"], use_model=False)
    assert s.skills["protocol_followed"] is False and any("承诺" in n for n in s.notes)


def test_staying_calling_and_working_it_out_together_promise_no_result():
    m = Matter("risk", kind="self_harm")
    reply = ("我很担心您。一个人照顾老人，报销一次次被退，您一定觉得没有路了。我们先不管材料，您现在安全吗？"
             "我让同事请值班长马上过来，我就在这儿陪着您。等您缓一缓，我陪您一起打12356，报销的事咱们之后再一起想办法。")
    s = score_reply(reply, m, ["我撑不下去了，不想活了。"], use_model=False)
    assert s.skills["no_overpromise"] is True and s.skills["protocol_followed"] is True
    assert s.skills["no_shirking"] is True                       # 先不管材料: set aside, not turned away
    bad = "您先坐下，我请值班长过来，您放心，报销的事我一定给您办好。"
    assert score_reply(bad, m, ["不想活了。"], use_model=False).skills["no_overpromise"] is False


def test_advising_the_citizen_to_tell_someone_is_no_exception():
    m = Matter("not_in_kb", topic="开证明")
    ok = "今天能不能拿到要看核实情况；建议您现在就去，同时跟新公司先打个招呼，看能不能宽限几天。"
    assert score_reply(ok, m, ["明天就要交。"], use_model=False).skills["no_overpromise"] is True
    bad = "您放心，我跟那边打个招呼，明天就能拿。"
    assert score_reply(bad, m, ["明天就要交。"], use_model=False).skills["no_overpromise"] is False


def test_turning_the_person_away_is_shirking_getting_help_is_not():
    m = Matter("not_in_kb", topic="补证")
    for reply in ("这种事我们窗口处理不了，你回去找社区吧。", "投诉别找我，你打12345去。", "能不能办不是我说了算，你去问值班长吧。",
                  "认证的事您去问社区吧，我们这儿不太清楚。"):
        assert score_reply(reply, m, ["怎么办？"], use_model=False).skills["no_shirking"] is False, reply
    for reply in ("您先别急，在这儿等着，我去找领导过来一起看。", "受理后可以凭回执在网上查进度。"):
        assert score_reply(reply, m, ["怎么办？"], use_model=False).skills["no_shirking"] is True, reply


def test_a_time_limit_given_to_the_wrong_party():
    answer = "时限：单位应在15日内提出申请；单位不提出的，职工本人可在事发之日起2年内提出。材料：本人银行卡。"
    assert policy_problems("您自己能申请，不过得在15天内。", answer)
    assert policy_problems("单位不申请的，您自己两年内都能提。", answer) == []
    assert policy_problems("单位应在15日内申请，拨到本人银行卡。", answer) == []     # 本人 of a document, not the party


def test_materials_already_handed_in_are_not_asked_for():
    assert not checklist_applies("证件多久能拿到？", ANSWER, "材料我昨天已经交了。大概多久能拿到？")
    assert checklist_applies("证件丢了怎么补办？", ANSWER, "补证要带什么材料？")


def test_a_kind_of_material_told_by_its_kind_or_an_example():
    answer = "材料：本人身份证；能证明劳动关系的材料，如劳动合同、工资流水等；近期2寸照片2张。"
    assert missing_items("带身份证、劳动关系证明和两张照片。", answer) == []
    assert missing_items("带身份证、工资流水，另外照片得带两张。", answer) == []
    assert missing_items("带身份证和两张照片。", answer) == ["能证明劳动关系的材料，如劳动合同、工资流水等"]


def test_what_they_should_have_done_and_lectures_are_blame():
    m = Matter("faq", question="证件丢了怎么补办？", answer=ANSWER)
    for reply in ("买车的时候就该问清楚，现在才来问也是您自己没注意。", "这么要紧的东西，怎么能弄丢呢。",
                  "罚你总有罚你的道理，你先想想自己哪里做得不对。", "您是不是当时电话留错了？", "这种事早几年就该来问了。",
                  "您来之前应该先看看指南。"):
        assert score_reply(reply, m, ["要带啥？"], use_model=False).skills["no_blame"] is False, reply
    for reply in ("来办的时候应该带上户口本和照片。", "办之前应该先在网上预约。", "您平时上班忙，想一次办好，我理解。"):
        assert score_reply(reply, m, ["要带啥？"], use_model=False).skills["no_blame"] is True, reply


CASES_ANSWER = ("可以。\n随母落户：出生医学证明、母亲的身份证和户口簿。\n"
                "随父落户：出生医学证明、父亲的身份证和户口簿，另需具有资质的鉴定机构出具的亲子鉴定证明。\n地点：户籍窗口。")
LOST_ANSWER = ("遗失补证：权利人带身份证到登记窗口提交补证申请书；登记机构发布公告，公告期15个工作日。\n"
               "损坏换证：带身份证和损坏的证书申请换发。")


def test_case_sections_give_the_items_of_the_citizens_case():
    assert "亲子鉴定证明" in "".join(listed_items(CASES_ANSWER, "想让孩子随他爸落户"))
    assert listed_items(LOST_ANSWER, "房本找不到了") == ["身份证", "补证申请书"]
    assert checklist_applies("证书丢了怎么补办？", LOST_ANSWER, "房本找不到了，要带什么过来？")
    assert listed_items("材料：户口簿或派出所可核实的身份信息，本人到场。\n时限：当场。") != []


def test_list_asked_by_any_part_of_the_question_and_not_when_citizen_asked_other_things():
    tiers = "申领：线上或到窗口办理，材料为身份证和银行卡。"
    assert checklist_applies("失业金怎么申领？能领多久？", tiers, "能领多久？怎么申请？")
    assert not checklist_applies("临时身份证怎么办理？", "材料：户口簿、身份证。", "临时身份证多少钱？今天能拿到吗？")


def test_protocol_needs_the_clerks_own_contact_the_urgent_call_and_no_paperwork():
    from assistant.practice.scorer import protocol_problems
    said = "我来之前吃了一瓶安眠药。"
    assert protocol_problems("您先别走，我陪您坐一会儿。值班长马上过来，我们一会儿一起打12356。", "self_harm", said=said)
    assert not protocol_problems("我很担心您，我现在马上叫120，您先坐着别动，同事去请值班长过来。", "self_harm", said=said)
    assert protocol_problems("换谁都着急。您可以通过信访窗口、12345反映，我把渠道写给您。", "extreme", said="明天去拉横幅")
    assert protocol_problems("我马上叫120。趁救护车还没到，您先把这张表签个字。", "vulnerable", said="心口疼得厉害")


def test_a_guess_at_how_hard_it_has_been_is_not_a_promise():
    reply = "孩子病着、补助又没批下来，您这些天一定熬得很辛苦。我陪您坐一会儿，也请值班长过来。"
    assert not overpromises(_without_guesses(reply), set())


def test_free_is_wrong_unless_it_is_what_the_answer_makes_free():
    answer = "材料：户口簿，本人到场。费用：工本费10元。提醒：只坐火车的，可在车站公安窗口办临时乘车证明，免费。"
    assert "说不收费，但标准答案写了费用" in policy_problems("这个是免费的，带户口簿来就行。", answer)
    assert not policy_problems("工本费10块，只坐火车的话去车站办个乘车证明，那个免费。", answer)


def test_a_limit_given_to_the_wrong_party_across_clauses():
    answer = "时限：用人单位应在30日内提出申请；单位不申请的，职工本人可在事故发生之日起1年内直接提出。"
    assert policy_problems("单位不申请的，您自己也能申请，不过得在受伤后30天内提出。", answer)
    assert not policy_problems("单位不申请的，您自己也能申请，一年内提出就行。", answer)
    assert not policy_problems("单位不报，您作为家属可以在事故发生之日起1年内直接申请。", answer)


def test_saying_a_signature_is_not_needed_when_the_answer_requires_it():
    answer = "一般材料：委托人签字的授权委托书（写明委托事项和权限）；委托人身份证原件或复印件；受托人身份证原件。"
    assert policy_problems("写一份委托书就行，不用她签字，再带上你们俩的身份证。", answer)


def test_who_may_act_for_the_person_follows_the_answer():
    allows = "材料：身份证；近期照片（多可现场拍摄）；代办的加带代办人身份证。"
    in_person = "材料：双方本人有效身份证件。须本人双方亲自到场，当场发证。"
    # the citizen wants to act for a parent: "代办不了" is wrong where the answer lets a proxy act
    assert policy_problems("优待证得老人本人到场拍照核验，代办不了。", allows, "我想替我爸办")
    assert not policy_problems("带上您爸的身份证和您自己的身份证，代办就行。", allows, "我想替我爸办")
    # and "让家里人替您办就行" is wrong where the answer asks for the person in person
    assert policy_problems("您让家里人替您办就行，带上身份证。", in_person, "我去不了")
    # "两个人必须一起亲自到场" is the answer's own rule, not an absolute claim of the clerk's
    assert not policy_problems("两个人必须一起亲自到场，带好身份证件。", in_person)


def test_a_rule_the_answer_states_in_the_negative_said_in_the_affirmative():
    answer = "单纯离职不能提取。符合下列情形之一的，可以申请销户提取：与单位终止劳动关系且账户封存满半年仍未重新就业。"
    assert policy_problems("离职了就可以把公积金全部取出来，带身份证来办。", answer)
    assert not policy_problems("单纯离职是不能取的，得封存满半年没再就业才能销户提取。", answer)


def test_a_step_the_answer_says_is_not_needed_named_in_other_words():
    answer = "材料：身份证或社保卡；原参保地名称（不需要本人回原参保地开具缴费凭证）。"
    assert policy_problems("您得先回老家社保局开一张参保缴费凭证，拿回来交到我们这边。", answer)
    assert not policy_problems("带身份证和原参保地名称就行，不用回老家开凭证。", answer)


def test_the_covered_family_is_not_widened():
    answer = "可以。职工医保个人账户可用于支付配偶、父母、子女在定点医疗机构就医的个人负担费用。"
    assert policy_problems("配偶、父母、子女都能用，兄弟姐妹也在共济范围里。", answer)
    assert not policy_problems("配偶、父母、子女都能用，您弟弟不在范围里。", answer, "我弟弟能用吗")


def test_a_proof_asked_for_by_kind_and_an_offered_step():
    answer = "材料：家庭成员身份证和户口簿；残疾、疾病等情况的证明。地点：可在网上提前预约。"
    assert not policy_problems("带上全家的身份证、户口簿，还有您爱人的诊断证明和病历。", answer)
    assert not policy_problems("不用预约，直接来窗口就行。", answer)


def test_hindsight_and_rhetorical_reproaches_are_blame():
    matter = Matter(type="faq", question="q", answer="材料：身份证。")
    for reply in ("这些网上都写着，您来之前没看吗？带身份证就行。", "您调动之前就该先把这事问清楚。带身份证。",
                  "怎么拖了半个月才来？带身份证。", "身份证都能弄丢，也是太不小心了。", "没办证本来就是您不对。"):
        assert score_reply(reply, matter).skills["no_blame"] is False, reply
    assert score_reply("单位本该在30日内提出申请，它不申请，您自己也能申请。", matter).skills["no_blame"] is True


def test_a_citizen_acting_for_a_parent_is_the_proxy_whose_id_is_asked_for():
    answer = "材料：身份证；近期照片（多可现场拍摄）；代办的加带代办人身份证。"
    said = "我爸腿脚不好出不了门。我想替他办个老年人优待证，需要带什么？"
    assert missing_items("带爸爸的身份证和近期照片，照片也能现场拍。", answer, said) == ["代办的加带代办人身份证"]
    assert missing_items("爸爸的身份证、近期照片，您代办还要带自己的身份证。", answer, said) == []
    # someone else acting for the citizen: the proxy is that person
    assert missing_items("带您的身份证和照片，您儿子再带上他的身份证。", answer, "我想让我儿子替我来办") == []
