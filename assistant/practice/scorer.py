"""Scores one trainee reply on the practice skills, with the project's own checks.

- 推诿 / 指责 / 越权承诺: the workbench's tone check (``replies.tone``: patterns plus its classifier), with its rewrites.
- 回应感受和需要: a clause said of the citizen (您/你, or no subject at the start of the reply) that guesses what they
  feel (您肯定又气又急), says what they want (想一趟就把事办成) or appreciates what they do (挺负责的), and the phrases
  staff use for it; not a question, a condition, a formula said to anyone (您别急), or only a 您好. Judged apart
  from blame: a reply may acknowledge and lecture.
- 政策说得准确 (facts.py): every number, fee, time limit, material and place the reply states must be in the FAQ answer
  (numbers compared as values: 十五日 = 15日); saying "不用带X" when the answer lists X is wrong. For a matter the
  knowledge base does not hold: no rule stated as fact, and an offer to verify or refer.
- 一次性告知 (items.py): when the citizen asked what to bring or do, each item the FAQ answer lists (材料 or steps)
  named in the reply; items for a case the citizen is not in are not asked for.
- 按处置卡: for a risk: safety first, calm, no arguing, the person the card says to call, and no promise of an
  outcome (the cards: 不承诺做不到的事, 不私下承诺结果).

The rules were tuned on labelled/practice/tune.jsonl, final.jsonl, final2.jsonl, final3.jsonl and final4.jsonl (replies written by
people who had not read this file), so their figures are optimistic; the figure that counts is a set written after
tuning (``bench practice --set``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.practice.facts import PROMISE, not_in_kb_ok, policy_problems
from assistant.practice.items import checklist_applies, missing_items
from assistant.practice.numbers import quantities, unmatched
from assistant.practice.skills import SKILLS
from assistant.replies.lexicons import feelings
from assistant.replies.tone import ToneFlag, check_tone


@dataclass
class Matter:
    type: str                 # faq / not_in_kb / risk
    question: str = ""        # the FAQ's 标准问题 (faq)
    answer: str = ""          # its 标准答案 (faq)
    topic: str = ""           # not_in_kb
    kind: str = ""            # risk kind


@dataclass
class Score:
    skills: dict[str, bool | None]
    tone: list[ToneFlag] = field(default_factory=list)
    nvc: dict[str, bool] = field(default_factory=dict)     # 观察 / 感受 / 需要 / 请求 present
    notes: list[str] = field(default_factory=list)          # what was missed, in Chinese, for the trainee
    missing_items: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(v is not False for v in self.skills.values())

    def failed(self) -> list[str]:
        return [k for k in SKILLS if self.skills.get(k) is False]


# --- feelings and needs ---------------------------------------------------------------------------------------
_EMPATHY = re.compile(
    r"理解|明白您|知道您|听得出|看得出|感受到|能体会|体谅|换(做|作|成)?(是)?(谁|我)|着急|急坏|担心|担忧|辛苦|不容易|委屈|难过|伤心"
    r"|生气|恼火|窝火|(您|你)[^，。]{0,4}不满|心情|抱歉|对不起|不好意思|让您久等|让您跑|白跑|节哀|慢慢说|难处|为难|无助|害怕"
    r"|心里[^。，！？]{0,3}(很|挺|有点|不好受|难受|乱|慌|急|没底|不踏实|不舒服|憋)|烦心|闹心|受累|累了|折腾|失望|在意|放心不下|惦记"
    r"|不方便|腿脚|年纪大|恭喜|心疼|压力|赶时间|时间紧|催得急|憋屈|受罪|冤|您觉得|您要记下来|利利索索|(您|你)[^。，]{0,3}关心"
    r"|陪着您|陪您|我听到|听到了|(大家|您)的(诉求|心情|难处|事)[^。，]{0,3}我|(您|你)[^。，！？]{0,4}(怕|难|揪心|无奈|不踏实|慌)|挺难|太难了|真难|难为|不好受|不痛快|不舒坦|吓人|吓坏|吓一跳|后怕|揪心"
    r"|(很|挺|也)正常|人之常情|情有可原|(您|你)(现在)?(还好吗|安全吗|哪里不舒服|哪儿不舒服|身上)|先坐下"
    r"|我(也)?(知道|明白|懂|理解)|(您|你)[^。，！？]{0,4}(急|忙)")
_NEED = re.compile(r"(您|你)(是|就是)?(想|希望|需要|要的是|最关心|关心的是|在意的是|盼着)|想(尽快|早点|一次|赶紧|把|今天|这趟)"
                   r"|一次(就)?(办|弄|说|准备)"
                   r"|不想(再)?(白)?跑|少跑|不用再跑|不再跑")


def _feeling_words() -> list[str]:
    return [f.word for f in feelings() if f.label in ("anger", "anxiety", "sadness", "confusion") and len(f.word) >= 2]


_DISMISS = re.compile(r"没用|有什么用|不至于|至于吗|别.{0,2}了|怪谁|比你|不算太少|干嘛|想多了|想太多|哪能")
# what is said to anyone, whatever they feel: telling someone not to feel (别急、别担心、别难过), 节哀, 恭喜
_FORMULA = re.compile(r"(您|你)?(先)?(别|不要|不用)(太)?(着急|急|担心|难过|伤心|害怕|怕|慌|生气)(了)?|(您|你)?(先)?消消气|(您)?息怒"
                      r"|(您)?节哀(顺变)?"
                      r"|(您|你)也?体谅(体谅|一下)?")       # asking them to understand us is not understanding them


# --- the structure of an acknowledgement: a clause about the citizen that says what they feel or want --------------
# feelings and states said of a person (肯定又气又急, 心里空落落的, 太难受了, 不太舒服)
_FEELING = (r"(气|急|累|委屈|难受|不好受|难过|伤心|心酸|慌|烦|憋屈|窝火|上火|冤|心疼|失望|不甘心?|不服|无奈|不安|不踏实|没底"
            r"|揪心|发愁|犯愁|犯难|为难|头疼|头大|怕|害怕|后怕|担心|着急|紧张|不放心|放心不下|舍不得|撑不住|受不了|熬不住|压力"
            r"|不(太)?舒服|空落落|不是滋味|堵得慌|郁闷|闹心|烦心|苦)")
_DEGREE = r"(又|很|挺|特别|非常|有点|有些|太|够|更|真|多|好|实在|一定|肯定|也|都|是|会|得|会有点)*"
# a guess at how they feel: 肯定/一定/应该/估计 … + a feeling
_GUESS = re.compile(rf"(肯定|一定|准|应该|估计|想必|怕是|难免|确实|真是|也是)(是|也|都|会)?{_DEGREE}{_FEELING}")
# a feeling said of 您/你 (or of no one named: 太难受了), not negated (您别怕, 用不着担心)
_STATE = re.compile(rf"(您|你)(们)?(这)?(心里|一个人|这会儿|现在|这段时间)?[^，。！？；我他她]{{0,4}}?{_DEGREE}{_FEELING}"
                    rf"|心里[^，。！？；]{{1,4}}的|^(太|真|多|好|挺)(难受|难过|委屈|心酸|不容易|憋屈|揪心)")
_NEGATED = re.compile(r"别|不要|不用|不必|用不着|没必要|何必|犯不着|没什么好|有什么好|心里清楚|心里有数")
# a wish or goal: 想/希望/盼/打算/怕/担心 + what they want, said of them (您想…, 想顺顺当当接过来)
_WISH = re.compile(r"(想|希望|盼着?|打算|想着|惦记着?|不想|怕|担心|生怕|就怕)(?!想|开|不开|多|清楚|好了|到|办法|一想|通|什么|啥)"
                   r"(?P<goal>[^，。！？；]{2,})")
_QUESTION_CLAUSE = re.compile(r"[？?]$|吗|什么|哪(?!怕)|啥|怎么|多少|是不是|要不要")
_CONDITIONAL = re.compile(r"如果|要是|假如|假设|若|的话|万一")
_OTHER_SUBJECT = re.compile(r"我|咱|他|她|它|单位|人家|别人|谁|大家|同事|领导|那边|这边")
# appreciation of what they are doing or planning (挺负责的, 挺好的打算, 想法挺实际, 提前问清楚挺好, 是对的)
_APPRECIATE = re.compile(r"(挺|很|真|特别|非常|也|还|蛮)(负责|周到|周全|细心|用心|有心|上心|孝顺|难得|实在|实际|在理|明智|稳妥|有远见|仔细|懂事)"
                         r"|(好|对|实在|实际|周到|在理)的(打算|想法|主意|做法|选择)"
                         r"|(打算|想法|主意|考虑|做法|心意|心情)[^，。！？；]{0,3}(挺|很|真|特别|蛮)?(好|对|实际|实在|周到|在理|合理|理解)"
                         r"|^(?!这|那|也|就|都)[^，。！？；]{2,}(是对的|挺好的?|很好|真好|是好事|没错)$")
_GOOD = re.compile(r"^(挺|很|真|特别|蛮)?(好|对)(的)?$|^(是对的|没错|是好事)$")     # "提前来问清楚，挺好。"


def _clauses(reply: str) -> list[str]:
    """Clauses with their closing mark (a clause ending in ？ asks; it does not tell)."""
    return [c.strip() for c in re.findall(r"[^，。！？；,!?;]+[，。！？；,!?;]?", reply) if c.strip(" ，。！？；,!?;")]


def _about_citizen(clause: str, at: int, subject: str) -> bool:
    """Whether the words at ``at`` are said of the citizen: 您/你 before them in the clause, or no one else named
    before them and the sentence's subject so far the citizen (or none yet at the start of the reply)."""
    before = clause[:at]
    if re.search(r"(您|你)(们)?(?!好)", before):
        return not re.search(r"(我|咱们?)[^，。您你]{0,3}(帮|给|替|跟|和|让|请)(您|你)", before)
    if _OTHER_SUBJECT.search(before):
        return False
    return subject == "citizen"


def _clause_acknowledges(c: str, subject: str) -> bool:
    if _DISMISS.search(c):
        return False
    body = c.rstrip("，。！？；,!?;")
    asking = bool(_QUESTION_CLAUSE.search(c))
    if _EMPATHY.search(c) or (_NEED.search(c) and not asking):
        return True
    for m in _GUESS.finditer(body):
        if not _NEGATED.search(body[:m.end()]) and _about_citizen(body, m.start(), subject):
            return True
    for m in _STATE.finditer(body):
        if not asking and not _NEGATED.search(body[:m.end()]) and _about_citizen(body, m.start(), subject):
            return True
    for m in _WISH.finditer(body):
        if asking or _CONDITIONAL.search(body) or re.search(r"才.{0,4}就想", body):
            continue
        if _about_citizen(body, m.start(), subject):
            return True
    if _GOOD.match(body):
        return subject == "citizen"         # said of what was said just before: their own plan or step
    return not asking and bool(_APPRECIATE.search(body))


def _subject(clause: str, subject: str) -> str:
    """Who the next clause is about when it names no one: the first person named in this one, else as before."""
    m = re.search(r"您|你|我|咱|他|她|单位|人家|别人", clause)
    if not m:
        return subject
    return "citizen" if m.group(0) in ("您", "你") and not re.match(r"(您|你)好", clause[m.start():]) else "other"


def acknowledges(reply: str) -> bool:
    """A clause said of the citizen that names what they feel (您肯定又气又急, 心里空落落的) or want (想一趟就把事办成),
    or that appreciates what they are doing (刚养狗就想着登记，挺负责的); the project's empathy phrases (理解、着急、
    辛苦…) in a clause that does not wave the feeling away ("现在着急也没用" does not count). A formula said to anyone
    ("您别急", "节哀") does not name this person's feeling, and neither does a question or a condition
    ("您想办什么？", "要是想快点…"). "恭喜" does count: six of the seven writers who used it marked it as meeting the
    citizen's joy (44 of 45 replies), the seventh did not. Judged on its own: a reply may acknowledge and still blame."""
    reply = _FORMULA.sub("", reply)
    subject = "citizen"          # at the start of a reply, a clause with no subject is said of the person addressed
    for c in _clauses(reply):
        if _clause_acknowledges(c, subject):
            return True
        subject = _subject(c, subject)
    return any(w in reply for w in _feeling_words() if any(
        re.search(rf"您[^。！？]{{0,6}}{re.escape(w)}", c) and not _QUESTION_CLAUSE.search(c) for c in _clauses(reply)))


# --- risk -----------------------------------------------------------------------------------------------------
_SAFETY = re.compile(r"安全|先坐|坐下|别着急|别急|慢慢说|我在这|陪着您|陪您|先不谈|先不说|先放一放|深呼吸|喝(口|点)水|休息|冷静一下|您先"
                     r"|先别|不要动|别动|躺|扶")
_GET_HELP = {
    "self_harm": r"值班长|同事|心理|12356|120|110|医生|家人|负责人|领导|帮忙",
    "violence": r"安保|保安|值班长|110|警察|负责人|领导|同事",
    "extreme": r"值班长|负责人|领导|信访|同事|安保|接待室",
    "vulnerable": r"120|急救|医生|值班长|同事|社区|民政|110|家属",
    "mass_incident": r"领导|值班长|负责人|代表|信访|报告|上报",
}
_ARGUE = re.compile(r"别想不开|至于吗|想开点|不至于|别吓唬|吓唬|威胁|你敢|不可能|别闹|闹也没用|没用的|冷静点|你冷静|抓你|报警抓"
                    r"|违法的|要负法律责任|后果自负|别这样|随便你|那是你的事|跟我没关系")
_BUSINESS = re.compile(r"材料|带齐|先取号|排队|按规定|按流程|手续|表格")


_NOW = re.compile(r"马上|立即|立刻|这就|现在就|赶紧")
_SEND_AWAY = re.compile(r"回去|回家|改天|先走|下次再|回头|抽空|有空|过两天|等会儿再|自己打")


# a channel the citizen is told to use themselves ("您可以通过信访窗口、12345反映") is not the clerk contacting anyone
_TOLD_CHANNEL = re.compile(r"^(您|你)(可以|也可以|自己|去|再去|赶紧|最好)|^(可以|建议)(您|你)?(通过|去|打|拨)")
# the card's calls that hold for a case (120 已有伤害或服药时, 120 晕倒、呼吸困难、剧痛): what the citizen says of it
_URGENT = {
    "self_harm": ((r"120|急救|救护车", r"(吃|服|喝)(了|下)[^，。！？]{0,6}(药|农药)|割|流血|伤了自己"),),
    "vulnerable": ((r"120|急救|救护车", r"喘不上气|呼吸困难|晕倒|抽搐|(心口|胸口|肚子)[^，。！？]{0,3}(疼|痛)得|剧痛|往下(滑|倒)|昏"),),
    "violence": ((r"110|警察|报警", r"刀|凶器|动手|打人|砍|捅"),),
}
# asking the person to get on with the business now (签字、填表、补材料), not putting it aside (表先放着、等您好了再办)
_BUSINESS_ASKED = re.compile(r"把[^，。]{0,6}(签|填)|签(个)?字|填(个)?表|先(签|填)")
_DEFER = re.compile(r"放一放|放一边|先放|放着|先不|不谈|等您|改天|好了再|回头再|不急|别管")


def _own_contacts(reply: str) -> str:
    """The clauses in which the clerk (or a colleague) contacts or sends for someone; channels told to the citizen
    are left out."""
    return "。".join(c for c in re.split(r"[。！？；!?;]", reply) if not _TOLD_CHANNEL.search(c.strip()))


def protocol_problems(reply: str, kind: str, *, promised: bool | None = None, said: str = "") -> list[str]:
    """What a risk reply misses of the card (knowledge/lexicons/protocol_cards.csv): steady the person and see to
    safety first, call whom the card names, no arguing or lecturing, do not send them away, and no promise of an
    outcome (the cards: 不承诺做不到的事, 不私下承诺结果, 不当场答复结论)."""
    problems = []
    if promised is None:
        promised = overpromises(_without_guesses(reply), set())
    if promised:
        problems.append("承诺了做不到或不由自己决定的结果，处置卡要求不承诺、不私下许诺")
    if not (_SAFETY.search(reply) or acknowledges(reply) or _NOW.search(reply)):
        problems.append("没有先稳住对方、先顾安全")
    own = _own_contacts(reply)
    if not re.search(_GET_HELP.get(kind, _GET_HELP["extreme"]), own):
        problems.append("没有按处置卡请人到场或联系相关方")
    elif said:
        for callee, when in _URGENT.get(kind, ()):
            if re.search(when, said) and not re.search(callee, own):
                problems.append(f"对方的情况按处置卡要立即联系{callee.split('|')[0]}，回复里没有")
                break
    if any(_BUSINESS_ASKED.search(c) and not _DEFER.search(c) for c in _clauses(reply)):
        problems.append("风险当前还在让对方办业务（签字、填表、补材料），处置卡要求先停下业务")
    if _ARGUE.search(reply) or _BLAME.search(reply):
        problems.append("与对方争辩、说教或重复威胁的话")
    if _SEND_AWAY.search(reply):
        problems.append("让对方离开或往后拖，处置卡要求当场处置、不让对方独自离开")
    if _BUSINESS.search(reply) and not (_SAFETY.search(reply) or _NOW.search(reply)):
        problems.append("风险当前只谈业务")
    return problems


# --- 越权承诺 and 指责 beyond the tone check -------------------------------------------------------------------
_OUTCOME = re.compile(r"办下来|开出来|补出来|批下来|办出来|办好|办成|做出来|安置|到位|解决|结清|排上|拿到|领到|拿证|领证|通过|批|认成|认定|发给|发到|补上|补给|搞定|到账|转好|问题都不会有|绿色通道"
                      r"|办得了|能办|能领|能拿|能过|能报|报销|恢复|道歉|停业|整改|落实|撤销|退回|不影响|接上|免了|扣光|取出来|拿到手|先办了|特批")
_HEDGE = re.compile(r"以.{0,8}为准|要看|不能保证|没法保证|无法保证|不一定|审核.{0,4}(决定|说了算)|尽量|争取")
_BLAME = re.compile(r"下回(自己)?注意|自己注意|(怎么|为什么|咋)(不|没)(先|早|提前)?|早(该|干嘛)|谁让|你自己(没|不)|(你|你们)最好(还是)?"
                    r"|才.{0,4}就想|上次不是(跟你|和你)?(说|讲)|说过(多少遍|了)|跟你说了|不戴|没看清|不看清|不听|看不住|这么.{0,8}都能|吵也没用|你吵"
                    r"|干嘛不|(您|你)还.{0,4}信了|天天播|是不是真|心里清楚|比你.{0,3}的人多了|不算太少|再想想吧|怎么不看看|(写|说|贴|标|印|讲)得清清楚楚"
                    r"|着急也没用|急也没用|有什么好|还好意思|至于吗|想开点|别想不开|不上心|都记不住|乱试|这么在意|在意干嘛|自己多回去|也太"
                   # what they should have done before (当初就该…, 早几年就该来问, 来之前应该先看看), and lectures
                   r"|(当初|平时|当时|那时候|早几年|早点|早就)[^，。？！]{0,8}(就)?(该|不该|应该)|的时候就(该|不该|应该)"
                   r"|来之前(就)?(应该|该)(先)?(看|问|查)|就不该|拖到现在|现在才想起|也晚了|有点晚了"
                   # rhetorical reproaches and hindsight (这些网上都写着，您没看吗 / 这都不会吗 / 调动之前就该问清楚 /
                   # 怎么拖了半个月才来 / 也太不小心了 / 您自己也反思反思 / 本来就是您不对 / 下次可得注意)
                   r"|没看吗|(不会|没看到|不知道)吗[？?]|这都不会|不就(行|得|完)了[？?]|(之前|以前|那会儿|那时|出院)[^，。？！]{0,4}就(该|应该)"
                   r"|早(两|几)?年就(该|应该)|怎么拖了|才来[？?]|太不小心|太马虎|太粗心|反思|(来|老)催也没用|催也没用"
                   r"|(就|本来就|那)是(您|你)(自己)?(的)?不对|下次(可)?(得|要)注意|也不先看看|不先看看"
                   r"|怎么能(弄丢|丢|说这种话|这么)|自己没(看|注意|问|留意)|没看仔细|自己(平时)?也得|别光怪|想想自己|做得不对|总有.{0,6}的道理"
                   r"|是不是[^，。？]{0,10}(没说清楚|留错|填错|写错|搞错)|不是过家家|再好好(想想|考虑)|闹事|(您|你)想多了|来干嘛|(您|你)也体谅"
                   r"|怎么还跟")
_SHIRK = re.compile(r"(我们|这儿|这里|我这)[^，。]{0,4}(办不了|管不了|处理不了|解决不了|(?<!先)(?<!暂时)不管|没法办|(?<!先)不办)|你自己去|不归我们|不是我们(这儿|这里)?(的事|管|办)|你(去|得去)?问(别人|别处|他们|.{1,6}那边|.{1,4}去)"
                    r"|(回去)?等通知吧|自己(去)?(上网|网上)?查|你去找|(我们|我|这儿|这里)[^，。]{0,3}说不(清|了|准)|不归我管|只管|不是办这个|跟我说没用"
                    r"|(直接)?找他们去|你去[^，。]{0,10}问吧|你打\d+吧|^这个去[^，。]{1,8}问|改天再来|下一位[。！]?$"
                    r"|别找我|忙着呢|不是我说了算|(我们|这儿|这里|我这)[^，。]{0,4}不太?清楚|(你|您)(去|得去)问[^，。]{1,8}吧"
                    r"|(你|您)(直接)?打[^，。]{1,8}去[。！]?$|(你|您)直接打[^，。]{1,8}电话吧")


# the tone check's 推诿 on the clerk's own step ("我去找领导") or on telling how to follow progress ("凭回执在网上查进度")
_OWN_STEP = re.compile(r"^我(去|来|帮|给|马上|现在)|查进度")
_OWN_ACTION = re.compile(r"转交|登记|回电|告诉您|跟进|写给您|记下|报上去|反映上去|如实")
_GUARANTEE = re.compile(r"保证|包(您|你)|打包票|特批|私下(跟|和)?(您|你)?(说|讲|承诺|保证)")
# an outcome promised as a capability: 肯定能排上, 一定会批
_CAN = re.compile(r"(保证|肯定|一定|绝对)(能|会|可以)(?!理解|明白|感觉|觉得|想到|遇到|碰到)")
# an exception granted by the clerk: pulling strings, special handling, paying out before the rule allows
_EXCEPTION = re.compile(r"特批|给(您|你)免了|通融|特殊处理|特事特办|打(个|声)?招呼|开(个)?口子|走(个)?后门|先发着|直接给(您|你)改")
# what the citizen is advised to do themselves: "建议您…跟新公司先打个招呼" pulls no strings
_ADVISED = re.compile(r"(建议|劝)(您|你)|(您|你)(可以|最好|不妨|也可以|先)")


def _TOLD_TO(reply: str, m: re.Match) -> bool:
    start = max(reply.rfind(p, 0, m.start()) for p in "。！？；!?;")
    before = reply[start + 1:m.start()]
    clause = re.split(r"[，,]", before)[-1]
    return bool(_ADVISED.search(before)) and "我" not in clause and "打" in m.group(0)


# sitting with the person and working it out together ("我陪您…之后再一起想办法") is the clerk's own action, no result
_TOGETHER = re.compile(r"一起想办法|一起想想办法|(再|慢慢)?想想办法|一起商量|陪(着)?(您|你)")
_GUESS_WISH = re.compile(r"(肯定|一定|应该|估计|想必)(是)?(也)?(很|挺|特别)?(想|希望|盼|不想|怕|担心|觉得|感觉|感到|认为|以为)"
                         # a guess at how hard it has been ("您一定撑得特别辛苦", "肯定熬得很难受"): about the person
                         r"|(肯定|一定|想必)[^，。？！；]{0,5}(辛苦|不容易|难受|煎熬|委屈|难熬|憋屈|心酸)")


def _without_guesses(reply: str) -> str:
    """The reply without the clauses that guess how the citizen feels or what they want ("您肯定想一趟就把事办成",
    "心里一定又累又绝望"): their 肯定/一定 is about the person, not a promise."""
    subject, kept = "citizen", []
    for c in _clauses(reply):
        body = c.rstrip("，。！？；,!?;")
        wishes = [] if _QUESTION_CLAUSE.search(c) or _CONDITIONAL.search(body) else list(_WISH.finditer(body))
        guess = [m for m in list(_GUESS.finditer(body)) + list(_GUESS_WISH.finditer(body)) + wishes
                 if _about_citizen(body, m.start(), subject)]
        kept.append(c[-1:] if guess and c[-1:] in "，。！？；,!?;" else c)
        subject = _subject(c, subject)
    return "".join(kept)


def overpromises(reply: str, pattern_flags: set[str], answer: str = "") -> bool:
    """An outcome promised that someone else decides, or an exception the clerk grants; promising one's own actions
    (转交、回电、跟进) is fine, and so is a time limit the FAQ answer gives ("事实清楚的15日内就能出结果")."""
    if "越权承诺" in pattern_flags:
        return True
    if any(not _TOLD_TO(reply, m) for m in _EXCEPTION.finditer(reply)):
        return True   # waiving a rule is never the clerk's to promise, hedged or not
    known = quantities(answer) if answer else set()
    for sentence in re.split(r"[。！？!?；;]", reply):
        if _HEDGE.search(sentence) or re.search(r"不到|不能|没法|办不|拿不", sentence):
            continue
        promise = PROMISE.search(sentence)
        if promise and _TOGETHER.search(sentence) and not re.search(r"保证|肯定|一定|绝对|包(您|你)|打包票", sentence):
            promise = None
        if promise and known and quantities(promise.group(0)) and not unmatched(quantities(promise.group(0)), known) \
                and not PROMISE.search(sentence[:promise.start()] + sentence[promise.end():]):
            promise = None    # the answer's own time limit, said as it is
        if promise and _OUTCOME.search(sentence):
            return True
        if _CAN.search(sentence) and not _OWN_ACTION.search(sentence[_CAN.search(sentence).end():][:8]):
            return True
        if _GUARANTEE.search(sentence) and not _OWN_ACTION.search(sentence):
            return True
    return False


# --- the whole score ------------------------------------------------------------------------------------------
_OBSERVE = re.compile(r"您(刚才)?(说|提到|反映|讲)|您是说|您的意思|您这(次|边)|您(已经)?(跑|来)了")
_REQUEST = re.compile(r"您可以|请您|我(现在|马上|先|来|帮|给|把|去|会)|要不|好吗|可以吗|行吗|您看")


def score_reply(reply: str, matter: Matter, citizen: list[str] | None = None, *, use_model: bool = True) -> Score:
    """The skills for one reply to the last of ``citizen``'s turns (True met, False missed, None not applicable)."""
    reply = (reply or "").strip()
    said = " ".join(citizen or [])
    flags = check_tone(reply, use_model=use_model) if reply else []
    patterns_flags = check_tone(reply, use_model=False) if reply else []
    patterns = {f.category for f in patterns_flags}
    cats = {f.category for f in flags}
    s = Score(skills={}, tone=flags)
    no_blame = "指责" not in cats and not _BLAME.search(reply)
    # judged on its own: "跑了五趟您肯定很累很委屈，可您也别想不开…" acknowledges, and argues (scored elsewhere)
    s.skills["need_acknowledged"] = acknowledges(reply)
    s.skills["no_shirking"] = not any(f.category == "推诿" and not _OWN_STEP.search(f.span) for f in patterns_flags) \
        and not _SHIRK.search(reply)
    s.skills["no_blame"] = no_blame
    calm = _without_guesses(reply)
    promised = overpromises(calm, {f.category for f in check_tone(calm, use_model=False)} if calm != reply else patterns,
                            matter.answer)
    s.skills["no_overpromise"] = not promised
    s.skills["policy_correct"] = None
    s.skills["checklist_complete"] = None
    s.skills["protocol_followed"] = None
    if matter.type == "faq":
        problems = policy_problems(reply, matter.answer, said)
        s.skills["policy_correct"] = not problems
        s.notes += problems
        if checklist_applies(matter.question, matter.answer, said):
            s.missing_items = missing_items(reply, matter.answer, said)
            s.skills["checklist_complete"] = not s.missing_items
    elif matter.type == "not_in_kb":
        s.skills["policy_correct"] = not_in_kb_ok(reply, said)
        if not s.skills["policy_correct"]:
            s.notes.append("知识库里没有的事，不要当作规定说出来；应说明要核实，并提出帮对方查清或转给负责的部门")
    elif matter.type == "risk":
        problems = protocol_problems(reply, matter.kind, promised=promised, said=said)
        s.skills["protocol_followed"] = not problems
        s.notes += problems
    if not reply:
        s.skills = {k: (False if v is not None else None) for k, v in s.skills.items()}
    s.nvc = {"观察": bool(_OBSERVE.search(reply)), "感受": bool(_EMPATHY.search(reply)),
             "需要": bool(_NEED.search(reply)), "请求": bool(_REQUEST.search(reply))}
    return s
