"""What a reply says about policy, checked against the FAQ's 标准答案: numbers compared as values, materials and
places the answer does not name, "X不用带" where the answer requires X, rules stated as absolute that the answer does
not carry, and the items the answer lists to tell at once (一次性告知). Used by the practice scorer.
"""
from __future__ import annotations

import re

from assistant.replies.checklist import enumerations
from assistant.replies.text import squash

# "保证/肯定/今天就…": a sentence that promises; its numbers are scored as an overpromise, not as policy
PROMISE = re.compile(r"保证|肯定|一定|绝对|包(您|你)|打包票|准能|放心|今天就|当天就|明天就|这个月就|马上就|都给(您|你)|没问题|特批"
                     r"|我(直接|先)?给(您|你)(先)?办了|(跟|找)领导说说|一个电话"
                     r"|[一二两三四五六七八九十\d]+(天|日|周|个月|小时|分钟)(之?内)?就")


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


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
    calm = "。".join(x for x in re.split(r"[。！？!?；;]", reply) if not PROMISE.search(x))
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
    stated = quantities("。".join(x for x in re.split(r"[。！？!?；;]", reply) if not PROMISE.search(x)))
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


