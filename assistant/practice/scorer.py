"""Scores one trainee reply on the practice skills, with the project's own checks.

- 推诿 / 指责 / 越权承诺: the workbench's tone check (``replies.tone``: patterns plus its classifier), with its rewrites.
- 回应感受和需要: words that name the citizen's feeling or need (the feeling lexicon's words said of 您, and the
  phrases staff use for it), not only a 您好.
- 政策说得准确: every number, fee, time limit, material and place the reply states must be in the FAQ answer
  (numbers compared as values: 十五日 = 15日); saying "不用带X" when the answer lists X is wrong. For a matter the
  knowledge base does not hold: no rule stated as fact, and an offer to verify or refer.
- 一次性告知: each item the FAQ answer lists (材料 or numbered steps) named in the reply.
- 按处置卡: for a risk: safety first, calm, no arguing, the person the card says to call.

Each rule reads the reply's surface, not the phrasing of any labelled example: the labelled sets are written by
someone who has not read this file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.practice.skills import SKILLS
from assistant.replies.checklist import enumerations
from assistant.replies.lexicons import feelings
from assistant.replies.text import squash
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


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


# --- feelings and needs ---------------------------------------------------------------------------------------
_EMPATHY = re.compile(
    r"理解|明白您|知道您|听得出|看得出|感受到|能体会|体谅|换(做|作|成)?(是)?(谁|我)|着急|急坏|担心|担忧|辛苦|不容易|委屈|难过|伤心"
    r"|生气|恼火|窝火|不满|心情|抱歉|对不起|不好意思|让您久等|让您跑|白跑|节哀|慢慢说|难处|为难|无助|害怕"
    r"|心里[^。，！？]{0,3}(很|挺|有点|不好受|难受|乱|慌|急|没底|不踏实|不舒服|憋)|烦心|闹心|受累|累了|折腾|失望|在意|放心不下|惦记"
    r"|不方便|腿脚|年纪大|恭喜|心疼|压力|赶时间|时间紧|催得急|憋屈|受罪|冤|您觉得|您要记下来|利利索索|(您|你)[^。，]{0,3}关心"
    r"|陪着您|陪您|我听到|听到了|(您|你)[^。，！？]{0,4}(怕|难|揪心|无奈|不踏实|慌)|挺难|不好受"
    r"|我(也)?(知道|明白|懂|理解)|(您|你)[^。，！？]{0,4}(急|忙)")
_NEED = re.compile(r"(您|你)(是|就是)?(想|希望|需要|要的是|最关心|关心的是|在意的是|盼着)|想(尽快|早点|一次|赶紧|把|今天|这趟)"
                   r"|一次(就)?(办|弄|说|准备)"
                   r"|不想(再)?(白)?跑|少跑|不用再跑|不再跑")


def _feeling_words() -> list[str]:
    return [f.word for f in feelings() if f.label in ("anger", "anxiety", "sadness", "confusion") and len(f.word) >= 2]


_DISMISS = re.compile(r"没用|有什么用|不至于|别.{0,2}了|怪谁|比你|不算太少|干嘛")


def acknowledges(reply: str) -> bool:
    """A feeling or need named in a clause that does not wave it away ("现在着急也没用" does not count)."""
    clauses = [c for c in re.split(r"[，。！？；,!?;]", reply) if c and not _DISMISS.search(c)]
    if any(_EMPATHY.search(c) or _NEED.search(c) for c in clauses):
        return True
    return any(w in reply for w in _feeling_words() if re.search(rf"您[^。！？]{{0,6}}{re.escape(w)}", reply))


# --- policy facts ---------------------------------------------------------------------------------------------
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = r"(个工作日|工作日|个月|周岁|小时|分钟|元|天|日|月|年|周|岁|张|寸|%)"
_NUM_UNIT = re.compile(rf"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+){_UNITS}|(\d+|[一二两三四五六七八九十]*[十百千]+)(块)")


def cn_number(s: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    total, section, num = 0, 0, 0
    for ch in s:
        if ch in _CN_DIGIT:
            num = _CN_DIGIT[ch]
        elif ch in "十百千":
            mult = {"十": 10, "百": 100, "千": 1000}[ch]
            section += (num or 1) * mult
            num = 0
        else:
            return None
    return float(total + section + num)


def _unit(u: str) -> str:
    return {"个工作日": "工作日", "块": "元", "个月": "月", "周岁": "岁", "天": "日"}.get(u, u)


def quantities(text: str) -> set[tuple[float, str]]:
    out = set()
    for m in _NUM_UNIT.finditer(text or ""):
        num, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if num.startswith("一") and unit in ("日", "天", "月", "年", "周") and m.start() and text[m.start() - 1] in "同当这每":
            continue  # 同一天 / 这一年: not a time limit
        if num in ("一", "两") and unit in ("张", "寸"):
            continue  # 补一张: not a count the answer states
        v = cn_number(num)
        if v is not None:
            out.add((v, _unit(unit)))
    return out


# things a citizen brings or goes to: named in a reply, they must be in the answer
MATERIALS = ("身份证", "户口簿", "户口本", "结婚证", "离婚证", "出生医学证明", "出生证", "照片", "合同", "发票", "病历", "诊断证明",
             "社保卡", "营业执照", "公章", "委托书", "申请表", "申请书", "死亡证明", "残疾人证", "银行卡", "存折", "房产证",
             "不动产权证", "居住证", "复印件", "原件", "证明", "公证", "完税", "工资流水", "学籍", "准迁证", "单位介绍信",
             "无犯罪记录")
PLACES = ("派出所", "公积金中心", "民政", "街道", "社区", "残联", "税务", "法院", "银行", "公安", "婚姻登记处", "12333")
_NEG_NEED = re.compile(r"(不用|不需要|不必|无需|没必要|用不着)(带|提供|交|准备|开)?(?P<x>[^，。；！？]{1,8})")
_FREE = re.compile(r"免费|不收费|不要钱|不花钱")
_FEE = re.compile(r"\d+\s*元|工本费|收费")


def _answer_has(answer: str, term: str) -> bool:
    a = squash(answer)
    alias = {"户口本": "户口簿", "出生证": "出生医学证明", "房产证": "不动产权证"}
    return term in a or alias.get(term, "\0") in a


_NO_NEED = re.compile(r"不用|不需要|不必|无需|没关系|用不着|不要求|不再要求|不收|免征|免费|可以不|也可以|也可|可先")
_MUST = re.compile(r"必须|一定要|得先|要先|先得|得带|必须带|一律|才能|才受理|不受理|办不了|只能")
_CLAUSES = re.compile(r"[^，。；！？,;!?\n]+")
REQUIREMENTS = MATERIALS + ("备案", "公证", "到场", "契税", "登记费", "本人")


def _clauses_with(text: str, term: str) -> list[str]:
    return [c for c in _CLAUSES.findall(text or "") if term in c]


def contradictions(reply: str, answer: str) -> list[str]:
    """"X不用带" where the answer requires X, and "X必须…" where the answer says X is not needed or optional."""
    out = []
    for term in REQUIREMENTS:
        ans = _clauses_with(answer, term) or _clauses_with(answer, {"户口本": "户口簿", "房产证": "不动产权证"}.get(term, "\0"))
        if not ans:
            continue
        optional = any(_NO_NEED.search(c) for c in ans)
        for c in _clauses_with(reply, term):
            if _NO_NEED.search(c) and not optional and not re.search(r"不用(自带|回|跑)", c):
                out.append(f"“{c}”与标准答案不符：标准答案要求{term}")
            elif _MUST.search(c) and optional and not _NO_NEED.search(c):
                out.append(f"“{c}”与标准答案不符：标准答案里{term}不是必须的")
    return out


_ABSOLUTE = re.compile(r"只有|只能|必须|一律|都得|就得|得回|什么.{0,3}都(能|可以)|没有固定|也没事|没事|就能全|一次性把|当面|就能恢复|以后再说"
                       r"|缺了就是|就是办不了|一直有效|不用挂失|都不影响")
_HEDGED = re.compile(r"是不是|是否|要不要|以.{0,8}为准|可能|一般|我帮您问|核实")


def absolute_claims(reply: str, answer: str) -> list[str]:
    """A rule stated as absolute ("只有一级才能领", "每年都得当面认证") whose wording the answer does not carry."""
    out = []
    a = squash(answer)
    calm = "。".join(x for x in re.split(r"[。！？!?；;]", reply) if not _PROMISE.search(x))
    for c in _CLAUSES.findall(calm):
        if not _ABSOLUTE.search(c) or _HEDGED.search(c):
            continue
        core = squash(re.sub(r"您|你|我们|我|就|了|的|吧|呢", "", c))
        grams = _grams(core)
        if grams and len(grams & _grams(a)) / len(grams) < 0.5:
            out.append(f"“{c}”说得太绝对，标准答案里没有这样的规定")
    return out


def policy_problems(reply: str, answer: str, said: str = "") -> list[str]:
    """What the reply states that the FAQ answer does not say (empty: nothing wrong found)."""
    problems = []
    known = quantities(answer) | quantities(said)
    # a number inside a promise ("保证十分钟就拿到") is an overpromise, scored under no_overpromise
    stated = quantities("。".join(x for x in re.split(r"[。！？!?；;]", reply) if not _PROMISE.search(x)))
    for q in sorted(stated - known):
        v, u = q
        # "三个月" in the answer and "90天" in the reply are not compared: only what has no match at all
        problems.append(f"说了“{int(v) if v == int(v) else v}{u}”，标准答案里没有这个数")
    for term in MATERIALS + PLACES:
        if term in reply and not _answer_has(answer, term) and term not in (said or ""):
            problems.append(f"提到了“{term}”，标准答案里没有")
    problems += contradictions(reply, answer)
    problems += absolute_claims(reply, answer)
    if _FREE.search(reply) and _FEE.search(answer) and not _FREE.search(answer):
        problems.append("说不收费，但标准答案写了费用")
    return problems


_OFFER = re.compile(r"核实|核对|确认|查一下|查查|查清|问一下|问问|问清|请示|咨询|联系|转给|转交|转到|记下|登记|回复您|答复您|回电|告诉您"
                    r"|帮您(查|问|找|联系|打听|了解)|打听|了解清楚|弄清楚|负责的(科室|部门|同事)|业务科室")
_RULE = re.compile(r"需要(带|提供|准备|满足|交)|要带|得带|必须|只要|就能|就可以办|可以办|不能办|办不了|不符合|符合条件|规定是|规定要")


_REFER = re.compile(r"(去|找|到|打|跟|问|联系)[^，。！？]{0,10}(局|中心|银行|派出所|窗口|机构|单位|网点|社区|街道|12345|12333|热线|部门|公司|处)"
                    r"|(打电话|去|帮您|给您|替您|我来)问")


def not_in_kb_ok(reply: str, said: str = "") -> bool:
    """Says no rule as fact (no numbers, materials or conditions of its own) and offers to check, or says where to
    ask."""
    stated = quantities(reply) - quantities(said)
    hedged = re.search(r"可能|不确定|不清楚|要核实|需要核实|以.{0,6}为准|没写|没有写|资料里没有|不能乱说|不敢", reply)
    asserts = bool(stated) or bool(_RULE.search(reply) and not hedged)
    return bool(_OFFER.search(reply) or _REFER.search(reply)) and not asserts


# --- 一次性告知 -----------------------------------------------------------------------------------------------
_MATERIAL_SECTION = re.compile(r"(?:材料|请一次带齐|需带|需要带|带齐)[^：:。]{0,8}[：:](?P<body>[^。]*(?:。(?=\s*\d)[^。]*)*)")
_INLINE = re.compile(r"带(?:上|齐)?(?P<body>[^。；：]{4,60}?)(?:到|去|向|申请|办理|提出|。)")
_SEP = re.compile(r"[、，,；;/：:]|或者|或|及|和|以及|加带|另需")
_DROP = re.compile(r"^(本人|双方|近期|有效|相关|其他|老人|经营者|继承人|被继承人|购房人|买卖双方|父母双方|父母|家庭成员|代办的|住院的|门诊的|已婚的|卖方已婚的|提供|需|的)+")
_NOT_ITEM = re.compile(r"不再要求|无需|不需要|不必")
_CONDITION = re.compile(r"^[^，、（]{1,10}的(?:，)?(?:带|提供|加带|需)")
_HEADS = ("发票", "合同", "遗嘱", "清单", "证书", "照片", "合影", "回执", "声明", "申报", "协议书", "委托书", "申请书", "申请表")
ALIASES = {"不动产权证": ("房产证", "产权证", "房本"), "户口簿": ("户口本",), "出生医学证明": ("出生证",),
           "居民身份证": ("身份证",), "身份证件": ("身份证",), "免冠合影": ("合影", "合照"), "免冠照片": ("照片",),
           "社保卡": ("社会保障卡",), "结婚证": ("结婚证书",)}


_STEP_LABEL = re.compile(r"(?:^|[。；\s])(?:先|再|然后|最后|第[一二三四五六]步)(?P<label>[^：:。，；\s]{1,8})[：:]")
_NUMBERED_LABEL = re.compile(r"(?:^|[。；\s])\d[.．、]\s*(?P<label>[^：:。，；\s]{1,8})[：:]")
_INLINES = re.compile(r"(?:带|提交|持)(?:上|齐)?(?P<body>[^。；：:，]{4,60}?)(?:到|去|向|申请|办理|提出|。|；|，|$)")
# the questions whose answer is a list to tell at once (materials, steps); "多久/条件/可以吗/不服怎么办" are not
_ASKS_LIST = re.compile(r"材料|带什么|带哪些|准备什么|准备哪些|需要什么|流程|步骤|手续|如何|怎么(办|申请|补|转|提取|注销|挂失|过户|上户口|认定"
                        r"|报销|申领|领|参保|登记|开|迁|换)")
_NOT_LIST = re.compile(r"多久|多长时间|条件|可以吗|能不能|不服|不满意|投诉|哪些(事项|便利|服务|问题)|(?<!流程)(?<!步骤)是什么|什么是|影响|会不会|泄露")


def asks_for_list(question: str) -> bool:
    return bool(_ASKS_LIST.search(question or "")) and not _NOT_LIST.search(question or "")


def _split_list(body: str) -> list[str]:
    body = re.sub(r"\d{1,2}[.．、]\s*", "；", body)
    return [i.strip(" ；;。\n") for i in re.split(r"[；;\n]", body)]


def listed_items(answer: str) -> list[str]:
    """What the FAQ answer lists for the citizen to do or bring: its steps (先挂失：… 再补办：…, 1. 申请：…) by their
    labels, its 材料 list item by item, and "带X、Y和Z" lists; notes that something is not needed are not items."""
    answer = answer or ""
    items: list[str] = []
    steps = [m.group("label") for m in _STEP_LABEL.finditer(answer)]
    if len(steps) < 2:
        steps = [m.group("label") for m in _NUMBERED_LABEL.finditer(answer)]
    if len(steps) >= 2:
        items += [re.sub(r"^(先|再)", "", x) for x in steps]
    m = _MATERIAL_SECTION.search(answer)
    mats = _split_list(m.group("body")) if m else []
    if len(mats) < 2 and len(steps) < 2:
        first = _INLINES.search(answer)   # the first "带…" only: later ones are other cases (损坏换证、换领)
        inline = first.group("body") if first and re.search(r"[、和]", first.group("body")) else ""
        protected = re.sub(r"（[^）]*）", lambda m: m.group(0).replace("、", "\0"), inline)
        mats = [x.replace("\0", "、") for x in re.split(r"[、]|和", protected)] if inline else []
    if len(steps) < 2:
        numbered = [lst for intro, lst in enumerations(answer) if len(lst) >= 2 and re.search(r"步骤|流程", intro)]
        items += [re.split(r"[，,]", x)[0] for x in numbered[0]] if numbered else []
    items += mats
    items = [i.strip(" ；;。\n") for i in items]
    items = [i for i in items if len(i) >= 2 and not _NOT_ITEM.search(re.sub(r"（[^）]*）", "", i))]
    return list(dict.fromkeys(items)) if len(items) >= 2 else []


def item_keys(item: str) -> list[str]:
    """Words any of which shows the item was named: its alternatives (split at 、/或/及), each trimmed of
    qualifiers, with the everyday names for them."""
    core = re.sub(r"（(?![^）]*或)(?!如)[^）]*）|\([^)]*\)", "", item)
    core = core.replace("（如", "、").replace("（", "、").replace("）", "")
    core = _CONDITION.sub("", core)
    keys = []
    for p in _SEP.split(core):
        p = _DROP.sub("", p.strip())
        p = re.sub(r"(原件|复印件|\d+张|[一二三]张)$", "", p)
        p = re.sub(r"证件$", "证", p)
        if len(p) < 2:
            continue
        keys.append(p)
        for long, short in ALIASES.items():
            if long in p:
                keys += list(short)
        if len(p) >= 4:
            keys += [p[-4:], p[-3:]]
        keys += [h for h in _HEADS if p.endswith(h)]
    return keys


STEP_ALIASES = {"发证": ("领证", "发离婚证", "拿证"), "清税": ("税务",), "挂失": ("锁",)}


def _covered(reply: str, item: str) -> bool:
    """Every part joined by 和/及 named ("身份证和户口簿" needs both); each part by any of its alternatives."""
    outside = re.sub(r"（[^）]*）", "", item)
    parts = [p for p in re.split(r"和|及(?!以上)", outside) if len(p.strip()) >= 2]
    if len(parts) >= 2 and "或" not in outside and "：" not in outside:
        return all(_part_covered(reply, p) for p in parts)
    return _part_covered(reply, item)


def _part_covered(reply: str, item: str) -> bool:
    """Named in the reply: one of its words, an everyday name for it, or most of its wording (a step told in other
    words: its last two characters and a fifth of its character pairs, or half of them)."""
    if any(k in reply for k in item_keys(item)) or any(a in reply for a in STEP_ALIASES.get(item, ())):
        return True
    if len(item) <= 4 and re.search(".{0,3}".join(map(re.escape, item)), reply):
        return True
    core = squash(re.split(r"[，,（]", item)[0])
    grams = _grams(core)
    if not grams:
        return False
    recall = len(grams & _grams(reply)) / len(grams)
    return recall >= 0.5 or (core[-2:] in reply and recall >= 0.2)


def missing_items(reply: str, answer: str) -> list[str]:
    """Items not named; of items that hold for different cases ("户籍地办理的带…" / "异地办理的带…") one is enough."""
    r = squash(reply)
    items = listed_items(answer)
    missing = [item for item in items if not _covered(r, item)]
    branches = [i for i in items if _CONDITION.match(i) and re.match(r"^[^，、]{1,6}(办理|申请)的", i)]
    if len(branches) >= 2 and any(b not in missing for b in branches):
        missing = [m for m in missing if m not in branches]
    return missing


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


def protocol_problems(reply: str, kind: str) -> list[str]:
    problems = []
    if not (_SAFETY.search(reply) or acknowledges(reply) or _NOW.search(reply)):
        problems.append("没有先稳住对方、先顾安全")
    if not re.search(_GET_HELP.get(kind, _GET_HELP["extreme"]), reply):
        problems.append("没有按处置卡请人到场或联系相关方")
    if _ARGUE.search(reply) or _BLAME.search(reply):
        problems.append("与对方争辩、说教或重复威胁的话")
    if _SEND_AWAY.search(reply):
        problems.append("让对方离开或往后拖，处置卡要求当场处置、不让对方独自离开")
    if _BUSINESS.search(reply) and not (_SAFETY.search(reply) or _NOW.search(reply)):
        problems.append("风险当前只谈业务")
    return problems


# --- 越权承诺 and 指责 beyond the tone check -------------------------------------------------------------------
_PROMISE = re.compile(r"保证|肯定|一定|绝对|包(您|你)|打包票|准能|放心|今天就|当天就|明天就|这个月就|马上就|都给(您|你)|没问题|特批"
                      r"|我(直接|先)?给(您|你)(先)?办了|(跟|找)领导说说|一个电话")
_OUTCOME = re.compile(r"办下来|办好|办成|拿到|领到|拿证|领证|通过|批|认成|认定|发给|发到|补上|补给|搞定|到账|转好|问题都不会有|绿色通道"
                      r"|办得了|能办|能领|能拿|能过|能报|报销|恢复|道歉|停业|整改|落实|撤销|退回|不影响|接上|免了|扣光|取出来|拿到手|先办了|特批")
_HEDGE = re.compile(r"以.{0,8}为准|要看|不能保证|没法保证|无法保证|不一定|审核.{0,4}(决定|说了算)|尽量|争取")
_BLAME = re.compile(r"下回(自己)?注意|自己注意|(怎么|为什么|咋)(不|没)(先|早|提前)?|早(该|干嘛)|谁让|你自己(没|不)|(你|你们)最好(还是)?"
                    r"|才.{0,4}就想|上次不是(跟你|和你)?(说|讲)|说过(多少遍|了)|跟你说了|不戴|没看清|不看清|不听|看不住|这么.{0,8}都能|吵也没用|你吵"
                    r"|干嘛不|(您|你)还.{0,4}信了|天天播|是不是真|心里清楚|比你.{0,3}的人多了|不算太少|再想想吧|怎么不看看|清清楚楚"
                    r"|着急也没用|急也没用|有什么好|还好意思|至于吗|想开点|别想不开|不上心|都记不住|乱试|这么在意|在意干嘛|自己多回去|也太")
_SHIRK = re.compile(r"(我们|这儿|这里|我这)[^，。]{0,4}(办不了|管不了|不管|没法办)|不归我们|不是我们(这儿|这里)?(的事|管|办)|你(去|得去)?问(别人|别处|他们|.{1,6}那边|.{1,4}去)"
                    r"|(回去)?等通知吧|自己(去)?(上网|网上)?查|你去找|(我们|我|这儿|这里)[^，。]{0,3}说不(清|了|准)|不归我管|只管|不是办这个|跟我说没用"
                    r"|(直接)?找他们去|你去[^，。]{0,10}问吧|你打\d+吧|^这个去[^，。]{1,8}问|改天再来|下一位[。！]?$")


_OWN_ACTION = re.compile(r"转交|登记|回电|告诉您|跟进|写给您|记下|报上去|反映上去|如实")
_GUARANTEE = re.compile(r"保证|包(您|你)|打包票|特批")


def overpromises(reply: str, pattern_flags: set[str]) -> bool:
    """An outcome promised that someone else decides; promising one's own actions (转交、回电、跟进) is fine."""
    if "越权承诺" in pattern_flags:
        return True
    for sentence in re.split(r"[。！？!?；;]", reply):
        if _HEDGE.search(sentence) or re.search(r"不到|不能|没法|办不|拿不", sentence):
            continue
        if _PROMISE.search(sentence) and _OUTCOME.search(sentence):
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
    patterns = {f.category for f in check_tone(reply, use_model=False)} if reply else set()
    cats = {f.category for f in flags}
    s = Score(skills={}, tone=flags)
    s.skills["need_acknowledged"] = acknowledges(reply)
    s.skills["no_shirking"] = "推诿" not in patterns and not _SHIRK.search(reply)
    s.skills["no_blame"] = "指责" not in cats and not _BLAME.search(reply)
    s.skills["no_overpromise"] = not overpromises(reply, patterns)
    s.skills["policy_correct"] = None
    s.skills["checklist_complete"] = None
    s.skills["protocol_followed"] = None
    if matter.type == "faq":
        problems = policy_problems(reply, matter.answer, said)
        s.skills["policy_correct"] = not problems
        s.notes += problems
        if asks_for_list(matter.question) and listed_items(matter.answer):
            s.missing_items = missing_items(reply, matter.answer)
            s.skills["checklist_complete"] = not s.missing_items
    elif matter.type == "not_in_kb":
        s.skills["policy_correct"] = not_in_kb_ok(reply, said)
        if not s.skills["policy_correct"]:
            s.notes.append("知识库里没有的事，不要当作规定说出来；应说明要核实，并提出帮对方查清或转给负责的部门")
    elif matter.type == "risk":
        problems = protocol_problems(reply, matter.kind)
        s.skills["protocol_followed"] = not problems
        s.notes += problems
    if not reply:
        s.skills = {k: (False if v is not None else None) for k, v in s.skills.items()}
    s.nvc = {"观察": bool(_OBSERVE.search(reply)), "感受": bool(_EMPATHY.search(reply)),
             "需要": bool(_NEED.search(reply)), "请求": bool(_REQUEST.search(reply))}
    return s
