"""一次性告知: the items an FAQ answer lists for the citizen to bring or do, whether the citizen asked for them, and
which of them a reply named.

A reply names an item by any of its alternatives ("任选一项", "或"), by an everyday name for it (户口本 for 户口簿,
房本 for 不动产权证书), or, for a step, by most of its wording. A material must be named by its core noun: "户口所在地"
does not name 户口簿, and the 合同 of "租赁合同" does not also stand for the 劳动合同 another item asks for. Items
the answer lists only for some cases (代办的…, 已婚的…, 有抵押的…) are required when the citizen's own words put
them in that case; of branches for different places (户籍地办理的… / 异地办理的…) one is enough.
"""
from __future__ import annotations

import re

from assistant.replies.checklist import enumerations
from assistant.replies.text import squash

# the questions whose answer is a list to tell at once (materials, steps); "多久/条件/可以吗/不服怎么办" are not
_ASKS_LIST = re.compile(r"材料|带什么|带哪些|准备什么|准备哪些|需要什么|流程|步骤|手续|如何|怎么(办|申请|补|转|提取|注销|挂失|过户|上户口|认定"
                        r"|报销|申领|领|参保|登记|开|迁|换)")
_NOT_LIST = re.compile(r"多久|多长时间|条件|可以吗|能不能|不服|不满意|投诉|哪些(事项|便利|服务|问题)|(?<!流程)(?<!步骤)是什么|什么是|影响|会不会|泄露")
# what a citizen says when asking what to bring or do, and when asking only how long or for a favour
_CITIZEN_ASKS = re.compile(r"(带|准备|拿|要|交|提供)(点|些)?(啥|什么|哪些|哪几样|哪样)|材料|手续|流程|步骤|几步|先(干|去|办|做)(啥|什么|哪)"
                           r"|办啥|东西")
_CITIZEN_HOW = re.compile(r"(咋|怎么|如何)(个)?(办|弄|上|申请|补|挂失|转|提|取|注销|过户|开|领|报)")
_CITIZEN_OTHER = re.compile(r"多久|多长时间|几天|多少天|什么时候|快点|加急|能不能(先|快)|先(给|帮)?(我)?(办|收)|通融|可以先")


_HANDED_IN = re.compile(r"(已经|昨天|前天|上次|之前|都)[^，。？！]{0,3}(交|递|提交|送)(了|过|上去)")


def asks_for_list(question: str) -> bool:
    """Any one of the FAQ question's parts asks for the list ("失业保险金怎么申领？能领多久？": the first does; its
    其他 part asking how long does not undo that)."""
    parts = [p for p in re.split(r"[？?，,；;。]", question or "") if p.strip()] or [question or ""]
    return any(_ASKS_LIST.search(p) and not _NOT_LIST.search(p) for p in parts)


def checklist_applies(question: str, answer: str, said: str = "") -> bool:
    """The answer has a list, and the citizen asked for it: in their own words when they said what they want (要带啥、
    先干啥后干啥), else by the FAQ's question. Asking only how long it takes, or for an exception, is not asking
    for the list."""
    if not listed_items(answer, said):
        return False
    # "材料我昨天已经交了": materials already handed in are not asked for
    asked = "。".join(c for c in re.split(r"[，。！？；,!?;]", said or "") if not _HANDED_IN.search(c))
    if said and _CITIZEN_ASKS.search(asked):
        return True
    if said and _CITIZEN_HOW.search(said):     # "怎么办" asks for the steps only where the FAQ is about steps
        return asks_for_list(question)
    if said and _CITIZEN_OTHER.search(said):
        return False
    if said and re.search(r"[？?]", said):    # they asked their own questions (多少钱？去哪儿办？), none for the list
        return False
    return asks_for_list(question)


# --- the items ------------------------------------------------------------------------------------------------
_MATERIAL_SECTION = re.compile(r"(?:材料|请一次带齐|需带|需要带|带齐|请准备)[^：:。]{0,8}[：:](?P<body>[^。]*(?:。(?=\s*\d)[^。]*)*)")
_MATERIAL_INLINE = re.compile(r"材料(?:为|是|包括)(?P<body>[^。；]{4,80})")
_STEP_LABEL = re.compile(r"(?:^|[。；\s])(?P<first>先|再|然后|最后|第[一二三四五六]步)(?P<label>[^：:。，；\s]{1,8})[：:]")
_NUMBERED_LABEL = re.compile(r"(?:^|[。；\s])\d[.．、]\s*(?P<label>[^：:。，；\s]{1,8})[：:]")
_INLINES = re.compile(r"(?:带|提交|持)(?:上|齐)?(?P<body>[^。；：:，]{4,60}?)(?:到|去|向|申请|办理|提出|。|；|，|$)")
_NOT_ITEM = re.compile(r"不再要求|无需|不需要|不必")
_CONDITION = re.compile(r"^(?P<cond>[^，、（]{1,10})的(?:，)?(?:带|提供|加带|需|由)")
_BRANCH = re.compile(r"^[^，、]{0,4}地(办理|申请)的")   # 户籍地办理的… / 异地办理的…: where, not who


def _protect(text: str) -> str:
    return re.sub(r"（[^）]*）", lambda m: m.group(0).replace("、", "\0"), text)


def _split_list(body: str) -> list[str]:
    body = re.sub(r"\d{1,2}[.．、]\s*", "；", body)
    items = [i.strip(" ；;。\n") for i in re.split(r"[；;\n]", body) if i.strip(" ；;。\n")]
    if len(items) == 1:   # "材料：A、B、C等，以告知单为准": one sentence, items split at 、
        items = _split_dun(items[0])
    if len(items) == 1 and "，" in items[0]:    # "材料：户口簿或…身份信息，本人到场"
        items = [x for x in items[0].split("，") if x]
    return items


def _split_dun(body: str) -> list[str]:
    body = re.split(r"等[，,]|，以|，具体", body)[0]
    parts = [x.replace("\0", "、").strip(" ，,") for x in re.split(r"[、]|和|及(?!以上)", _protect(body))]
    return [re.sub(r"等$", "", p) for p in parts if p]


_SECTION = re.compile(r"(?m)^(?P<label>[^：:\n，。；]{2,8})[：:](?P<body>.+)$")
# sections that tell about the matter, not a case of it to bring things for
_NOT_CASE = re.compile(r"条件|时限|时间|地点|提醒|期限|费用|渠道|内容|对象|范围|方式|类型|含义|适用|责任|结算|前提|标准|限制|险种")
_OBJECTS = re.compile(r"(?:带|提交|持|交)(?:上|齐|好)?(?P<body>[^。；：:，]{2,40}?)(?=到|去|向|申请(?!书|表)|办理|提出|换|。|；|，|$)")
# what the citizen's words put them in, for choosing among case sections (随父落户 / 随母落户, 遗失补证 / 损坏换证)
_SAID_AS = (("爸", "父"), ("妈", "母"), ("丢", "遗失补"), ("找不到", "遗失补"), ("坏", "损坏换"), ("破", "损坏换"))


def _case_sections(answer: str) -> list[tuple[str, list[str]]]:
    """Line sections "label：body" for a case of the matter (遗失补证：…带身份证…提交补证申请书；随父落户：出生医学证明、
    父亲的身份证和户口簿，另需…) with what each says to bring: the objects of 带/提交/持, or the body's own list of
    documents."""
    out = []
    for m in _SECTION.finditer(answer or ""):
        if _NOT_CASE.search(m.group("label")):
            continue
        body = re.split(r"[；。]", m.group("body"))[0]
        objs = [o.group("body") for o in _OBJECTS.finditer(body)]
        mats = [x for o in objs for x in re.split(r"[、]|和", _protect(o))]
        if not objs:
            parts = [re.sub(r"^(另需|另外|还需|加带)", "", x) for x in re.split(r"[、，]|和", _protect(body))]
            mats = parts if all(_MATERIAL_HEAD.search(re.sub(r"（[^）]*）", "", x)) for x in parts if x) else []
        mats = [x.replace("\0", "、").strip() for x in mats if len(x.strip()) >= 2]
        if mats:
            out.append((m.group("label"), mats))
    return out


def _fits(label: str, said: str) -> int:
    for a, b in _SAID_AS:
        said = said.replace(a, b)
    return sum(1 for ch in set(label) if ch in said)


def listed_items(answer: str, said: str = "") -> list[str]:
    """What the FAQ answer lists for the citizen to do or bring: its steps (先挂失：… 再补办：…, 1. 申请：…) by their
    labels, its 材料 list item by item, and "带X、Y和Z" / "材料为X和Y" lists; notes that something is not needed are
    not items. A single "先X：" step is kept when the answer lists materials too (先挂失, then what to bring)."""
    answer = answer or ""
    items: list[str] = []
    labelled = list(_STEP_LABEL.finditer(answer))
    steps = [m.group("label") for m in labelled]
    if len(steps) < 2:
        steps = [m.group("label") for m in _NUMBERED_LABEL.finditer(answer)]
    if len(steps) >= 2:
        items += [re.sub(r"^(先|再)", "", x) for x in steps]
    m = _MATERIAL_SECTION.search(answer)
    mats = _split_list(m.group("body")) if m else []
    if len(mats) < 2 and len(steps) < 2:
        inline = _MATERIAL_INLINE.search(answer)
        if inline and re.search(r"[、和]", inline.group("body")):
            mats = _split_dun(inline.group("body"))
    if len(mats) < 2 and len(steps) < 2:
        first = _INLINES.search(answer)   # the first "带…" only: later ones are other cases (损坏换证、换领)
        body = first.group("body") if first and re.search(r"[、和]", first.group("body")) else ""
        mats = [x.replace("\0", "、") for x in re.split(r"[、]|和", _protect(body))] if body else []
    if len(steps) < 2:
        numbered = [lst for intro, lst in enumerations(answer) if len(lst) >= 2 and re.search(r"步骤|流程", intro)]
        items += [re.split(r"[，,]", x)[0] for x in numbered[0]] if numbered else []
    items += mats
    items = [i.strip(" ；;。\n") for i in items]
    items = [i for i in items if len(i) >= 2 and not _NOT_ITEM.search(re.sub(r"（[^）]*）", "", i))]
    if len(items) < 2:     # an answer told case by case: the items of the case the citizen's words fit (else the first)
        cases = _case_sections(answer)
        if cases:
            items = max(cases, key=lambda c: _fits(c[0], said or ""))[1]     # ties: the first
    if len(items) >= 2 and len(labelled) == 1 and labelled[0].group("first") == "先" and len(steps) < 2:
        items.insert(0, labelled[0].group("label"))
    return list(dict.fromkeys(items)) if len(items) >= 2 else []


# --- the cases an item holds for ------------------------------------------------------------------------------
# a condition in the answer (its words) -> what a citizen says that puts them in that case
CASES = (
    (r"代办|委托|他人|受托|代理|代为", r"替|代|委托|帮(他|她|我爸|我妈|老人|家里)|(让|叫)[^，。？]{1,4}(跑|来|办)|来不了|不能来|走不动"),
    (r"已婚|配偶|夫妻", r"(?<![没未])(结婚|已婚)|配偶|爱人|老婆|老公|夫妻|两口子|媳妇|丈夫|妻子|老伴"),
    (r"抵押|贷款", r"贷款|抵押|按揭|房贷"),
    (r"住院", r"住院|出院"),
    (r"门诊", r"门诊|看病拿药"),
    (r"遗嘱", r"遗嘱"),
    (r"难产|多胞胎", r"难产|双胞胎|多胞胎|龙凤胎"),
    (r"未满\d+周岁|未成年", r"孩子|小孩|儿子|女儿|闺女|未成年|\d+岁"),
)


def _applies_to(item: str, said: str) -> bool:
    """A conditional item ("代办的加带代办人身份证") holds when the citizen's words put them in its case."""
    m = _CONDITION.match(item) or re.match(r"^(?P<cond>[^，、（]{2,10})的，", item)
    if not m or _BRANCH.match(item):
        return True
    cond = m.group("cond")
    for case, words in CASES:
        if re.search(case, cond):
            return bool(re.search(words, said or ""))
    core = re.sub(r"^(卖方|买方|本人|房屋|有)", "", cond)
    return len(core) >= 2 and core in (said or "")


# --- naming an item -------------------------------------------------------------------------------------------
_SEP = re.compile(r"[、，,；;/：:]|或者|或|及|和|以及|加带|另需")
_DROP = re.compile(r"^(本人|双方|近期|有效|相关|其他|老人|经营者|继承人|被继承人|购房人|买卖双方|父母双方|父母|家庭成员|代办的|住院的|门诊的|已婚的|卖方已婚的|提供|需|的)+")
_HEADS = ("发票", "合同", "遗嘱", "清单", "证书", "照片", "合影", "回执", "声明", "申报", "协议书", "委托书", "申请书", "申请表")
# everyday names for the documents window staff ask for: any one of a group names the others
ALIAS_GROUPS = (
    ("不动产权证", "房产证", "产权证", "房本", "房产本", "不动产证"), ("户口簿", "户口本"), ("出生医学证明", "出生证"),
    ("居民身份证", "身份证"), ("身份证件", "身份证"), ("免冠合影", "合影", "合照", "结婚照"),
    ("免冠照片", "照片", "相片", "证件照", "寸照"), ("社保卡", "社会保障卡"), ("结婚证", "结婚证书"),
    ("银行卡", "银行账户", "银行账号", "存折", "卡号"), ("发票", "票据"), ("费用明细", "明细"),
    ("出院记录", "出院小结"), ("诊断证明", "诊断书"), ("亲属关系证明", "关系证明"), ("申请表", "申请书", "表格"),
    ("委托书", "授权书"), ("婚姻状况声明", "婚姻状况证明", "单身声明", "未婚声明", "婚姻状况"),
    ("租赁合同", "租房合同", "租房协议", "租赁协议"), ("营业执照", "执照"), ("残疾人证", "残疾证"),
    ("完税凭证", "完税证明", "税票"), ("购房合同", "买卖合同", "网签合同"), ("付款凭证", "付款记录", "转账记录"),
    ("病历", "病例"), ("疾病证明", "病情证明", "诊断证明"), ("检查报告", "检查单", "化验单"), ("劳动合同", "劳动关系证明"),
)
_MATERIAL_HEAD = re.compile(r"(证|簿|本|书|表|照片|合影|卡|合同|发票|证明|凭证|清单|记录|病历|资料|声明|账户|账号|执照|小结|报告|遗嘱)$")


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
        p = re.sub(r"(等)?(相关)?(情况)?的(?=(证明|材料|资料)$)", "", p)      # 疾病等情况的证明: 疾病证明
        if len(p) < 2:
            continue
        keys.append(p)
        for group in ALIAS_GROUPS:
            if any(g in p for g in group):
                keys += list(group)
        if len(p) >= 4:
            keys += [p[-4:], p[-3:]]
        keys += [h for h in _HEADS if p.endswith(h)]
    return list(dict.fromkeys(keys))


STEP_ALIASES = {"发证": ("领证", "发离婚证", "拿证", r"(领|拿|发)[^，。]{0,3}证"), "清税": ("税务",), "挂失": ("锁",)}
_WAIVED = re.compile(r"免了|免掉|给(您|你)免|省了|跳过|(不用|不需要|不必|无需)(?!.{0,2}(自带|回|跑|担心|着急|急|客气|怕))")


def _named(reply: str, key: str, item: str, others: list[str]) -> bool:
    """``key`` occurs in the reply, and a bare head noun (合同, 发票) not as the name of a different document: the 合同
    of "租赁合同" is not the 劳动合同 an item asks for, while "合同带上" or "签好的合同" may be."""
    if key not in reply:
        return False
    if len(key) > 2 or key in _ANY_PHOTO:
        return True          # a photo is a photo, whatever it is called before (双人合影照, 两寸照片)
    for m in re.finditer(re.escape(key), reply):
        before = reply[max(0, m.start() - 2):m.start()]
        if not before or before in item or before[-1] in _LOOSE_BEFORE:
            return True
        if any(before + key in o for o in others):
            continue
    return False


_ANY_PHOTO = ("照片", "合影", "相片", "合照")
_LOOSE_BEFORE = set("、，,。：:；;带交上拿和及的与或是把份张")


def _covered(reply: str, item: str, others: list[str], citizen: str = "") -> bool:
    """Every clause of the item told ("结婚证，配偶需到场或出具书面意见" needs both; a clause marked 如有 is optional;
    clauses for different cases need one), every part joined by 和/及 named ("身份证和户口簿" needs both), each part
    by any of its alternatives."""
    body = _CONDITION.sub("", item)
    subs = [x for x in re.split(r"[，,](?![^（]*）)", body) if x.strip()]
    if len(subs) >= 2:
        if any(x.startswith("如") for x in subs[1:]):      # "能证明劳动关系的材料，如劳动合同、工资流水…": the kind, or an example
            return any(_covered(reply, re.sub(r"^如|等$", "", x), others, citizen) for x in subs)
        if any(_CONDITION.match(x) or x.startswith("或") for x in subs[1:]):
            return any(_covered(reply, x, others, citizen) for x in subs)
        return all(_covered(reply, x, others, citizen) for x in subs if "如有" not in x)
    outside = re.sub(r"（[^）]*）", "", body)
    if re.match(r"^(需要?)?本人(须|需)?到场", outside):
        return bool(re.search(r"到场|亲自|本人(来|去|过来)", reply))
    parts = [p for p in re.split(r"和|及(?!以上)", outside) if len(p.strip()) >= 2]
    if len(parts) >= 2 and "或" not in outside and "：" not in outside:
        return all(_part_covered(reply, p, others, citizen) for p in parts)
    return _part_covered(reply, body, others, citizen)


def _step_alias(item: str) -> list[str]:
    out = list(STEP_ALIASES.get(item, ()))
    if len(item) == 2 and item[1] in "办领":     # 补办 / 补领 / 换领: "补一张", "换个新卡"
        out.append(item[0] + r"[^，。]{0,2}(张|个|份|本|卡|证|办|领)")
    return out


_PERSON = re.compile(r"^(代办人|受托人|监护人|委托人|代理人)(的)?(?P<noun>(有效)?(身份证|证件|户口)[^，、]{0,8})$")
_PERSON_SAID = (r"(代办|代理|受托|监护|委托(?!书)|代|她|他|闺女|儿子|女儿|家属|家人|子女|孩子|亲属|父|母|爸|妈|老人|老伴|爱人|丈夫|妻子"
                r"|弟|妹|哥|姐|朋友|亲戚|同事|孙|对方|您自己|您本人)")
# the 委托人 is the person at the window: "您的身份证" names theirs
_SELF_SAID = r"(委托人|您|你)(的|本人|自己)?"


_FOR_ANOTHER = re.compile(r"我(想|要|是|今天|这次)?(来)?(替|帮|代)(他|她|我|家里|老人|俺)|替(他|她)(来|办|跑|报|领|交|补|换)")
_FOR_ME = re.compile(r"(让|叫|请)[^，。？！]{1,6}(替|帮|代)我")


def _acts_for_another(citizen: str) -> bool:
    return bool(_FOR_ANOTHER.search(citizen or "")) and not _FOR_ME.search(citizen or "")


def _part_covered(reply: str, item: str, others: list[str], citizen: str = "") -> bool:
    """Named in the reply: one of its words, an everyday name for it, or most of its wording (a step told in other
    words: its last two characters and a fifth of its character pairs, or half of them). A material told in other
    words must still name its core noun."""
    person = _PERSON.match(re.sub(r"^(加带|带|提供)", "", item))
    if person:      # 代办人身份证: the citizen's own 身份证 does not name it
        noun = re.sub(r"(原件|复印件)(或(原件|复印件))?$", "", person.group("noun"))
        # the 委托人 is the person at the window; so is the 代办人 when the citizen says they act for someone
        # ("我替我妈来报销": "带您自己的身份证", not "妈妈的身份证")
        said = _SELF_SAID if person.group(1) == "委托人" or (person.group(1) in ("代办人", "受托人", "代理人")
                                                             and _acts_for_another(citizen)) else _PERSON_SAID
        if said == _SELF_SAID:      # the reply is read squashed: a short gap, or "您说带爸爸的身份证" would count
            return bool(re.search(r"(委托人|您|你|自己|代办人|受托人|代理人)[^，。；]{0,4}" + re.escape(noun[-3:]), reply))
        return bool(re.search(said + r"[^，。；]{0,6}" + re.escape(noun[-3:]), reply))
    if any(_named(reply, k, item, others) for k in item_keys(item)):
        return True
    if any(re.search(a, reply) for a in _step_alias(item)):
        return True
    if len(item) <= 4 and re.search(".{0,3}".join(map(re.escape, item)), reply):
        return True
    core = squash(re.split(r"[，,（]", _CONDITION.sub("", item))[0])
    grams = {core[i:i + 2] for i in range(len(core) - 1)}
    if not grams:
        return False
    recall = len(grams & {reply[i:i + 2] for i in range(len(reply) - 1)}) / len(grams)
    if _MATERIAL_HEAD.search(core):     # a material in other words still names its noun, and most of its wording
        return core[-2:] in reply and recall >= 0.5
    return recall >= 0.5 or (core[-2:] in reply and recall >= 0.2)


def missing_items(reply: str, answer: str, said: str = "") -> list[str]:
    """Items not named; items for a case the citizen is not in are not asked for; of items that hold for different
    places ("户籍地办理的带…" / "异地办理的带…") one is enough; a mention that waives an item (冷静期给您免了) does not
    tell it."""
    told = "。".join(c for c in re.split(r"[，。；！？,;!?]", reply or "") if not _WAIVED.search(c))
    r = squash(told)
    listed = listed_items(answer, said)
    items = [i for i in listed if _applies_to(i, said)]
    missing = [item for item in items if not _covered(r, item, [o for o in listed if o != item], said)]
    branches = [i for i in items if _CONDITION.match(i) and _BRANCH.match(i)]
    if len(branches) >= 2 and any(b not in missing for b in branches):
        missing = [m for m in missing if m not in branches]
    return missing
