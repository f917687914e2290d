"""What a reply says about policy, checked against the FAQ's 标准答案: numbers compared as values (numbers.py),
materials and places the answer does not name, "X不用带" / "不用等X" where the answer requires X, rules stated as
absolute that the answer does not carry, a time promised for the outcome that the answer does not give, and a tier
of a table ("满5年不足10年的，最长18个月") applied to the wrong case. Used by the practice scorer; the items to tell at
once (一次性告知) are in items.py.
"""
from __future__ import annotations

import re

from assistant.practice.items import (ALIAS_GROUPS, asks_for_list, checklist_applies, item_keys,  # noqa: F401
                                     listed_items, missing_items)
from assistant.practice.numbers import cn_number, fmt, quantities, same, unmatched
from assistant.replies.text import squash

# "保证/肯定/今天就…": a sentence that promises; its numbers are scored as an overpromise, not as policy
PROMISE = re.compile(r"保证|肯定|一定|绝对|包(您|你)|打包票|准能|放心|今天就|当天就|明天就|这个月就|马上就|都给(您|你)|没问题|特批"
                     r"|我(直接|先)?给(您|你)(先)?办了|(跟|找)领导说说|一个电话"
                     r"|[一二两三四五六七八九十\d]+(天|日|周|个月|小时|分钟)(之?内)?就")


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


# --- policy facts ---------------------------------------------------------------------------------------------
# things a citizen brings or goes to: named in a reply, they must be in the answer
MATERIALS = ("身份证", "户口簿", "户口本", "结婚证", "离婚证", "出生医学证明", "出生证", "照片", "合同", "发票", "病历", "诊断证明",
             "社保卡", "营业执照", "公章", "委托书", "申请表", "申请书", "死亡证明", "残疾人证", "银行卡", "存折", "房产证",
             "不动产权证", "居住证", "复印件", "原件", "证明", "公证", "完税", "工资流水", "学籍", "准迁证", "单位介绍信",
             "无犯罪记录")
PLACES = ("派出所", "公积金中心", "民政", "街道", "社区", "残联", "税务", "法院", "银行", "公安", "婚姻登记处", "12333")
# a sanction the reply threatens ("超过一个月再申报要交罚款"): named, not denied, it must be in the answer
SANCTIONS = ("罚款", "罚金", "滞纳金", "违约金", "扣分", "拘留", "黑名单", "征信", "不良记录", "信用记录")
_NOT_BEFORE = re.compile(r"(不|没|无|免|别)[^，。；！？]{0,4}$")
_NEG_NEED = re.compile(r"(不用|不需要|不必|无需|没必要|用不着)(带|提供|交|准备|开)?(?P<x>[^，。；！？]{1,8})")
_FREE = re.compile(r"免费|不收费|不要钱|不花钱")
_FEE = re.compile(r"\d+\s*元|工本费|收费")


def aliases(term: str) -> list[str]:
    """``term`` and the everyday names of the same document (items.py's groups: 房产证 = 产权证 = 不动产权证书 …)."""
    out = [term]
    for group in ALIAS_GROUPS:
        if term in group or any(g in term for g in group if len(g) >= 3):
            out += [g for g in group if len(g) >= 3 or g == term]
    return list(dict.fromkeys(out))


def _answer_has(answer: str, term: str) -> bool:
    a = squash(answer)
    return any(t in a for t in aliases(term))


_NO_NEED = re.compile(r"不用|不需要|不必|无需|没关系|用不着|不要求|不再要求|不收|免征|免费|可以不|也可以|也可|可先")
_REPLY_NO_NEED = re.compile(r"不用|不需要|不必|无需|用不着|可以不|不要求|没关系|免(了|掉|交|收|带|除)")
_MUST = re.compile(r"必须|一定要|得先|要先|先得|得带|必须带|一律|才能|才受理|不受理|办不了|只能")
_CLAUSES = re.compile(r"[^，。；！？,;!?\n]+")
REQUIREMENTS = MATERIALS + ("备案", "公证", "到场", "契税", "登记费", "本人", "签字")
_SKIP_STEP = re.compile(r"(不用|不需要|不必|无需|用不着)(再)?(等|先|办|做|走|开)?"
                        r"(?!担心|着急|急|跑|客气|怕|自带|回|您|你|操心)(?P<x>[^，。；！？]{2,8})")


# steps a reply may say are skipped, named with a verb before them (登公告, 做公示, 走审批)
_STEPS = ("公告", "公示", "审批", "审核", "备案", "公证", "体检", "面谈", "冷静期", "登报", "挂失", "核查", "调查")
# "公告就不用等了": the step named before the no-need word
_SKIPPED_BEFORE = re.compile(r"(?P<x>[^，。；！？\s]{2,6}?)(就|也|都)?(不用|不需要|不必|无需|用不着|免了)(再)?(等|走|做|办|交|带)?了")
# "您还得先回原参保地开一份缴费凭证": a step required where the answer says it is not needed
_MUST_DO = re.compile(r"还得|得先|必须|一定要|需要先|要先|还要")
_NOT_REQUIRED = re.compile(r"(不需要|无需|不必|不用|不再要求)(?P<x>[^，。；（）()]{4,20})")


def _shared_run(a: str, b: str) -> int:
    """Length of the longest run of Chinese characters found in both texts."""
    a, b = re.sub(r"[^\u4e00-\u9fff]", "|", a), re.sub(r"[^\u4e00-\u9fff]", "|", b)
    best = 0
    for i in range(len(a)):
        n = best + 1
        while i + n <= len(a) and "|" not in a[i:i + n] and a[i:i + n] in b:
            best, n = n, n + 1
    return best


def _optional(clause: str, term: str) -> bool:
    """The answer offers the step rather than requires it: "可在网上提前预约"."""
    return bool(re.search(r"(?<!不)可(以)?[^，。；！？不]{0,6}" + re.escape(term), clause))


def _clauses_with(text: str, term: str) -> list[str]:
    return [c for c in _CLAUSES.findall(text or "") if term in c]


def _waived_case(reply: str, at: int, answer: str, term: str) -> bool:
    """Whether the reply's sentence around ``at`` names the case of an answer sentence that waives ``term``."""
    start = max(reply.rfind(p, 0, at) for p in "。！？；!?;")
    ends = [e for e in (reply.find(p, at) for p in "。！？；!?;") if e >= 0]
    sentence = squash(reply[start + 1:min(ends) if ends else len(reply)])
    for k in re.split(r"[。\n]", answer or ""):
        if term in k and _NO_NEED.search(k):
            shared = (_grams(sentence) & _grams(squash(k))) - _grams(term) - {"不需", "需要", "不用"}
            if len(shared) >= 2:
                return True
    return False


def contradictions(reply: str, answer: str) -> list[str]:
    """"X不用带" / "不用等X" where the answer requires X, and "X必须…" where the answer says X is not needed or
    optional; a clause that asks or hedges ("是不是必须公证，以本市规定为准") states nothing."""
    out = []
    for term in REQUIREMENTS:
        ans = next((found for t in aliases(term) if (found := _clauses_with(answer, t))), [])
        if not ans:
            continue
        optional = any(_NO_NEED.search(c) for c in ans)
        for c in _clauses_with(reply, term):
            if _HEDGED.search(c):
                continue
            if _REPLY_NO_NEED.search(c) and not optional and not re.search(r"不用(自带|回|跑)", c):
                out.append(f"“{c}”与标准答案不符：标准答案要求{term}")
            elif _MUST.search(c) and optional and not _REPLY_NO_NEED.search(c):
                out.append(f"“{c}”与标准答案不符：标准答案里{term}不是必须的")
    a = squash(answer)
    for c in _CLAUSES.findall(reply):
        m = _SKIPPED_BEFORE.search(c)
        if m and not _HEDGED.search(c):
            x = m.group("x")
            term = next((x[i:] for i in range(len(x) - 1) if len(x) - i >= 2 and x[i:] in a), "")
            # required unless every mention in the answer waives it (补证要公告；换证不需要公告: still required)
            if term and term not in REQUIREMENTS and not all(_NO_NEED.search(k) for k in _clauses_with(answer, term)):
                out.append(f"“{c}”与标准答案不符：标准答案要求{term}")
    for c in _CLAUSES.findall(reply):
        if not _MUST_DO.search(c) or _REPLY_NO_NEED.search(c) or _HEDGED.search(c):
            continue
        for k in _CLAUSES.findall(answer or ""):
            n = _NOT_REQUIRED.search(k)
            if not n:
                continue
            grams = _grams(squash(n.group("x")))
            # most of its words, or a name of four characters or more ("缴费凭证" in "回老家社保局开一张参保缴费凭证")
            if grams and (len(grams & _grams(c)) / len(grams) >= 0.5 or _shared_run(n.group("x"), c) >= 4):
                out.append(f"“{c}”与标准答案不符：标准答案说明{n.group(0)}")
    for m in _SKIP_STEP.finditer(reply):
        x = m.group("x")
        term = next((x[:n] for n in range(len(x), 1, -1) if x[:n] in a and (n >= 3 or n == len(x))), "") \
            or next((x[i:] for i in range(1, min(len(x) - 1, 2)) if x[i:] in a and x[i:] in _STEPS), "")   # 登公告: 公告
        # required unless every mention in the answer waives it (补证要公告；换证不需要公告: still required), or the
        # reply speaks of the case that waives it ("要是只是损坏了，那是换证，不用公告")
        if term and term not in REQUIREMENTS and not all(_NO_NEED.search(c) or _optional(c, term) for c in _clauses_with(answer, term)) \
                and not _waived_case(reply, m.start(), answer, term):
            out.append(f"“{m.group(0)}”与标准答案不符：标准答案要求{term}")
    return out


_ABSOLUTE = re.compile(r"只有|只能|必须|一律|都得|就得|得回|什么.{0,3}都(能|可以)|没有固定|也没事|没事|就能全|一次性把|当面|就能恢复|以后再说"
                       r"|缺了就是|就是办不了|一直有效|不用挂失|都不影响")
_MODAL = re.compile(r"只有|只能|必须|一律|都得|就得")     # how strongly it is said, not what is said
# a clause that asks or leaves it to be checked states nothing; 一般/大多/差不多 still state the rule ("一般不能改名")
_HEDGED = re.compile(r"是不是|是否|要不要|以.{0,8}为准|可能|我帮您问|核实")


def absolute_claims(reply: str, answer: str) -> list[str]:
    """A rule stated as absolute ("只有一级才能领", "每年都得当面认证") whose wording the answer does not carry."""
    out = []
    a = squash(answer)
    calm = "。".join(x for x in re.split(r"[。！？!?；;]", reply) if not PROMISE.search(x))
    for c in _CLAUSES.findall(calm):
        m = _ABSOLUTE.search(c)
        if not m or _HEDGED.search(c):
            continue
        said = squash(c[m.start():m.end() + 1])
        if any(len(_grams(squash(c)) & _grams(k)) >= 0.25 * len(_grams(squash(c))) for k in _clauses_with(a, said)):
            continue        # the answer's own words: "同一套住房只能提取一次" said as "同一套房子只能提一次"
        if re.search(r"到场|亲自|本人(来|去|过来)", c) and _ANSWER_IN_PERSON.search(answer or ""):
            continue        # "两个人必须一起亲自到场" where the answer says "须本人双方亲自到场"
        c = re.sub(r"^[^：:]{0,6}[：:]", "", c)      # "先说结论：…": a lead-in, not part of the rule
        core = squash(re.sub(r"您|你|我们|我|就|了|的|吧|呢", "", _MODAL.sub("", c)))
        grams = _grams(core)
        if grams and len(grams & _grams(a)) / len(grams) < 0.5:
            out.append(f"“{c}”说得太绝对，标准答案里没有这样的规定")
    return out


_ANY_TIME = re.compile(r"(什么时候|哪天|随时)[^，。；！？]{0,10}都(行|可以|能|成)|随时(都)?(可以|能)(来|去)?(领|办|取|申请)|不限(时|期)|没有(时间|期限)限制")
_DEADLINE = re.compile(r"(\d+|[一二两三四五六七八九十]+)(个)?(工作日|日|天|个月|月|年)(以)?内")
_ONLY = re.compile(r"只能|只有|必须|就得")
_BOTH = re.compile(r"本人(及|和|与)配偶|夫妻双方|本人和家庭成员|家庭成员")
_ONE_ONLY = re.compile(r"只要[^，。；]{0,4}(本人|自己)|(本人|自己)[^，。；]{0,10}就(行|可以|符合)")
_SPOUSE = re.compile(r"配偶|爱人|夫妻|双方|老婆|老公|两口子|家里人|家庭|媳妇|丈夫|妻子")


def narrowed_rules(reply: str, answer: str) -> list[str]:
    """A rule said more narrowly or loosely than the answer: no deadline where the answer sets one ("冷静期过了什么时候
    来领都行" against "期满后30日内"), "只能X" where the answer gives X or another way, a condition the answer sets
    for both spouses said of the person alone ("只要您本人名下没房就行")."""
    out = []
    clauses = [c for c in _CLAUSES.findall(reply or "") if not _HEDGED.search(c) and not PROMISE.search(c)]
    for c in clauses:
        if _ANY_TIME.search(c) and _DEADLINE.search(answer or ""):
            out.append(f"“{c}”：标准答案有时限（{_DEADLINE.search(answer).group(0)}）")
        m = _ONLY.search(c)
        if m and not re.search(r"或|也可|还可|也能", c):
            rest = squash(c[m.end():])
            for n in range(min(len(rest), 8), 2, -1):
                hit = next((rest[i:i + n] for i in range(len(rest) - n + 1) if rest[i:i + n] in (answer or "")), "")
                if hit:
                    around = [k for k in re.split(r"[。；\n]", answer) if hit in k]
                    if around and all(re.search(rf"{re.escape(hit)}[^。；]{{0,12}}(，|、)?(或|也可|还可)|(或|也可|还可)[^。；]{{0,20}}{re.escape(hit)}", k)
                                      for k in around):
                        out.append(f"“{c}”说得太窄：标准答案里{hit}之外还有别的办法")
                    break
    if _BOTH.search(answer or "") and not _SPOUSE.search(reply or ""):
        for c in clauses:
            if _ONE_ONLY.search(c):
                out.append(f"“{c}”：标准答案的条件是{_BOTH.search(answer).group(0)}")
    return out


_QUESTION = re.compile(r"是不是|是否|要不要|能不能|会不会|难道|吗|听说|听人说|说是")


def said_quantities(said: str) -> set[tuple[float, str]]:
    """Numbers the citizen stated about their own case (我交了十二年), not those they asked about or heard
    (是不是要住满一年？): a reply that repeats a hearsay number as the rule is wrong."""
    clauses = [c for c in re.split(r"[，。！？；,!?;…]", said or "") if c and not _QUESTION.search(c)]
    return quantities("。".join(clauses), events=True)


_WHEN = re.compile(r"今天|明天|当天|马上|立马|这个月|这周|本周|下周|礼拜|[一二两三四五六七八九十半\d]+(天|日|周|个月|小时|分钟)")
_OUTCOME = re.compile(r"办下来|办好|办完|做出来|做好|拿到|领到|拿(新)?证|出证|发(下来|给|放|到)|到账|报(回来|下来)|批(下来|了)|恢复|补发"
                      r"|拿卡|领卡|制好|带走|申上|审批通过")
_SAME_DAY = re.compile(r"当场|当天|即时|实时|立等")


_PERSONAL = re.compile(r"我|保证|给(您|你)|帮(您|你)|肯定|包(您|你)")


def promised_times(reply: str, answer: str) -> list[str]:
    """A time for the outcome stated as the rule ("流程走完当天就能拿新证") that the answer's time limit does not
    give."""
    out = []
    for sentence in re.split(r"[。！？!?；;]", reply or ""):
        when = _WHEN.search(sentence)
        if _PERSONAL.search(sentence):
            continue        # "我保证明天就给您办好": the clerk's own overpromise, scored under no_overpromise
        if not (PROMISE.search(sentence) and when and _OUTCOME.search(sentence)):
            continue
        if re.match(r"今天|当天|马上|立马", when.group(0)) and _SAME_DAY.search(answer):
            continue
        if quantities(when.group(0)) and not unmatched(quantities(when.group(0)), quantities(answer)):
            continue
        out.append(f"“{sentence.strip()}”：承诺的时间标准答案里没有")
    return out


_TIER = re.compile(r"(?P<cond>[^，。；：:]*?(?:满|不足|不满|未满|以上|以下|超过)[^，。；：:]*?)的，(?P<rule>[^；。]+)")
_TIER_WORDS = re.compile(r"满|不足|不满|未满|以上|以下|超过|至")


def _range(cond: str) -> tuple[str, float, float] | None:
    lo, hi, unit = 0.0, float("inf"), ""
    for m in re.finditer(r"(?P<pre>满|不足|不满|未满|超过)?(?P<n>\d+|[一二两三四五六七八九十]+)(?P<u>年|个月|月|岁|周岁)(?P<post>以上|以下)?", cond):
        n, unit = cn_number(m.group("n")), m.group("u")
        if n is None:
            continue
        if m.group("pre") in ("不足", "不满", "未满") or m.group("post") == "以下":
            hi = n
        else:
            lo = n
    return (unit, lo, hi) if unit else None


def tier_mistakes(reply: str, answer: str, said: str = "") -> list[str]:
    """A value from one tier of the answer's table ("满5年不足10年的，最长18个月") given for a case that falls in
    another tier (the reply's or the citizen's own number: 干了六年 → 24个月 is the 10年以上 tier)."""
    tiers = []
    for m in _TIER.finditer(answer or ""):
        rng = _range(m.group("cond"))
        if rng:
            tiers.append((rng, quantities(m.group("rule"))))
    if len(tiers) < 2:
        return []
    out = []
    for sentence in re.split(r"[。！？!?；;]", reply or ""):
        if _TIER_WORDS.search(sentence):
            continue        # the reply recites the table itself
        values = quantities(sentence, events=True)
        for (unit, lo, hi), rule in tiers:
            given = [q for q in values if q in rule and len([t for t in tiers if q in t[1]]) == 1]
            if not given:
                continue
            unit = {"个月": "月", "周岁": "岁"}.get(unit, unit)
            case = [v for v, u in values if u == unit] or [v for v, u in said_quantities(said) if u == unit]
            if case and not any(lo <= v < hi for v in case):
                out.append(f"“{sentence.strip()}”：按标准答案，{fmt((case[0], unit))}不是这一档")
    return out


_ORIGINAL = re.compile(r"(?P<who>代办人|受托人|监护人|委托人|代理人|本人)?(的)?(有效)?(居民)?(?P<noun>[^\s，、；：:。（）()]{1,6}?"
                       r"(证|簿|本|书|合同|发票|执照))原件(?![^，、；。]{0,2}(或|及|和|、)[^，、；。]{0,4}复印件)")
_THIRD = (r"(代办|代理|受托|监护|她|他|闺女|儿子|女儿|家属|家人|子女|孩子|亲属|父|母|爸|妈|老人|老伴|爱人|丈夫|妻子"
          r"|弟|妹|哥|姐|朋友|亲戚|同事|孙|对方)")


def copies_for_originals(reply: str, answer: str) -> list[str]:
    """A document the answer asks for in the original ("受托人身份证原件") said to be enough as a copy ("您弟弟的身份证
    复印件"); the person's own document is told apart from the proxy's by who is named before it."""
    out = []
    for m in _ORIGINAL.finditer(answer or ""):
        noun, who = m.group("noun")[-3:], m.group("who") or ""
        if who in ("代办人", "受托人", "监护人", "代理人"):
            said = re.search(_THIRD + r"[^，。；]{0,4}" + re.escape(noun) + r"(的)?复印件", reply or "")
        elif re.search(re.escape(noun) + r"[^，。；]{0,6}复印件", answer):
            continue        # a copy of the same document is accepted elsewhere in the answer (委托人身份证原件或复印件)
        else:
            said = re.search(re.escape(noun) + r"(的)?复印件", reply or "")
        if said and "原件" not in next(c for c in _CLAUSES.findall(reply) if said.group(0) in c):
            out.append(f"“{said.group(0)}”与标准答案不符：标准答案要{m.group(0)}")
    return out


# a case said not to qualify ("二级的不行", "合同到期不续签…领不了") that the answer lets in
_DENY = re.compile(r"不行|不能(?!不)|领不了|办不了|报不了|提不了|享受不了|不属于|不算|不符合|不可以|没(有)?资格|不给(办|报|领)")
_UNMET = re.compile(r"不到|不满|不足|未满|未|没|过了|超过|逾期|过期|超期")
_ANSWER_DENIES = re.compile(r"不予|不能|不得|不可|不符合|不属于|除外|不包括|不受理|无法|不再")
_FILLER = re.compile(r"您|你|我们|我|这里|这儿|这边|那边|咱们|这个|那个|这种|那种|情况|现在|的|就|也|都|是|可|还|了|吧|呢|啊|所以|但|不过")


def denied_cases(reply: str, answer: str) -> list[str]:
    """A case the reply says does not qualify ("二级的不行", "合同到期不续签…领不了失业金") where the answer lists it
    among those that do: the words before the denial (or the clause before, when the denial names nothing) found in
    an answer sentence that denies nothing."""
    out = []
    units = [u for u in re.split(r"[。\n；;]", answer or "") if u.strip()]
    for sentence in re.split(r"[。！？!?；;]", reply or ""):
        if PROMISE.search(sentence):
            continue
        clauses = _CLAUSES.findall(sentence)
        for i, c in enumerate(clauses):
            d = _DENY.search(c)
            if not d or _HEDGED.search(c) or _QUESTION.search(c):
                continue
            case = squash(_FILLER.sub("", c[:d.start()] + (c[d.end():] if d.group(0) in ("不属于", "不算") else "")))
            if len(case) < 2 and i:
                case = squash(_FILLER.sub("", clauses[i - 1]))
            if _UNMET.search(case):
                continue        # "不到年龄办不了": a case that does not meet the rule
            hit = next((case[j:j + n] for n in range(min(len(case), 8), 1, -1) for j in range(len(case) - n + 1)
                        if (n >= 3 or re.search(r"[一二三四五六七八九十\d]", case[j:j + n]) or case[j:j + n] in MATERIALS)
                        and any(case[j:j + n] in squash(u) for u in units)), "")
            # the answer sentence most like the case must let it in ("必须本人到场的事项：…，不能委托" does not)
            best = max((u for u in units if hit and hit in squash(u)),
                       key=lambda u: (len(_grams(case) & _grams(squash(u))), len(_grams(squash(c)) & _grams(squash(u)))),
                       default="")
            if hit and not _ANSWER_DENIES.search(best):
                out.append(f"“{c}”与标准答案不符：标准答案里{hit}是可以的")
    return out


# who a time limit is for: the person themselves or their employer
_PARTIES = {"本人": re.compile(r"本人|自己|个人"), "单位": re.compile(r"单位|公司|老板|企业|厂里")}
# in a reply, the party who acts (您自己能申请), not a qualifier of a document (本人银行卡, 单位的证明)
_ACTORS = {"本人": re.compile(r"(自己|本人|个人)(?!银行|身份|账|名下|户口|签|的|到场|照片)"),
           "单位": re.compile(r"(单位|公司|老板|企业|厂里)(?!的)")}
_TIME_UNITS = ("日", "月", "年", "工作日", "周", "小时")
# said to the citizen, "您" who acts is the person themself ("单位不报，您作为近亲属可以在1年内申请")
_REPLY_ACTORS = {"本人": re.compile(_ACTORS["本人"].pattern + r"|^(您|你)|(您|你)(作为|可以|也可以|也能|能|得|要|就)"),
                 "单位": _ACTORS["单位"]}


def _limits_by_party(text: str, units_rx: str, actors: dict) -> list[tuple[str, tuple, str]]:
    """(party, time quantity, sentence) for each time limit in ``text``: the party named in the quantity's own clause,
    or else in the nearest clause before it in the same sentence ("单位不申请的，您自己也能申请，不过得在30天内提出":
    the 30 天 is 本人's). A clause naming both parties, or none before it, gives nothing."""
    out = []
    for sentence in re.split(units_rx, text or ""):
        party = None
        for clause in re.split(r"[，,：:]", sentence):
            named = [p for p, rx in actors.items() if rx.search(clause)]
            if len(named) == 1:
                party = named[0]
            elif len(named) > 1:
                party = None
            for q in quantities(clause):
                if q[1] in _TIME_UNITS and party is not None:
                    out.append((party, q, sentence))
    return out


def misattributed_limits(reply: str, answer: str) -> list[str]:
    """A time limit the answer sets for one party given to another ("您自己能申请，不过得在30天内" where the answer
    gives the employer 30日 and the person 1年)."""
    out = []
    theirs = _limits_by_party(answer, r"[。\n；;]", _PARTIES)
    for party, q, sentence in _limits_by_party(reply, r"[。！？!?；;]", _REPLY_ACTORS):
        if PROMISE.search(sentence) or _HEDGED.search(sentence):
            continue
        other = [k for p, k, _ in theirs if p != party and same(q, k)]
        own = [k for p, k, _ in theirs if p == party and not same(q, k)]
        mine = [k for p, k, _ in theirs if p == party and same(q, k)]
        if other and own and not mine:
            out.append(f"“{sentence.strip()}”：按标准答案，{fmt(q)}不是{party}的时限")
    return list(dict.fromkeys(out))


_DENIED = re.compile(r"不需要|不用|不必|无需|不是|没有|用不着")    # "不需要住满一年": a number denied is not stated


def _free_as_answered(reply: str, answer: str) -> bool:
    """Every 免费 in the reply is about what the answer itself makes free: a word of the answer's 免费 sentence that
    occurs nowhere else in the answer ("临时乘车乘机身份证明，免费" next to "工本费10元") is in the reply's clause too."""
    free_sentences = [x for x in re.split(r"[。；;\n]", answer) if _FREE.search(x)]
    if not free_sentences:
        return False
    marks = set()
    for sentence in free_sentences:
        rest = answer.replace(sentence, "")
        marks |= {g for g in _grams(sentence) if g not in rest and not _FREE.search(g) and re.fullmatch(r"\w\w", g)}
    return all(_grams(x) & marks for x in re.split(r"[。！？；!?;\n]", reply) if _FREE.search(x))


# a proof the answer asks for by kind ("残疾、疾病等情况的证明"): the documents that are such a proof
_PROOF_KINDS = ((re.compile(r"(疾病|患病|病情|大病|重病)[^。；;\n]{0,10}证明"), ("诊断证明", "病历", "出院记录", "出院小结", "住院记录")),
                (re.compile(r"残疾[^。；;\n]{0,10}证明"), ("残疾证", "残疾人证")))


def _kind_of_proof(term: str, answer: str) -> bool:
    return any(term in docs and rx.search(answer or "") for rx, docs in _PROOF_KINDS)


def policy_problems(reply: str, answer: str, said: str = "") -> list[str]:
    """What the reply states that the FAQ answer does not say (empty: nothing wrong found)."""
    problems = []
    known = quantities(answer) | said_quantities(said)
    # a number inside a promise ("保证十分钟就拿到") is an overpromise, scored under no_overpromise
    calm = "。".join(x for x in re.split(r"[。！？!?；;]", reply) if not PROMISE.search(x))
    stated = quantities("。".join(c for c in _CLAUSES.findall(calm) if not _DENIED.search(c)))
    for q in unmatched(stated, known):
        problems.append(f"说了“{fmt(q)}”，标准答案里没有这个数")
    named = reply.replace("保证", "")      # 保证明天: not a 证明
    for term in MATERIALS + PLACES:
        if term in named and not _answer_has(answer, term) and term not in (said or "") and not _kind_of_proof(term, answer):
            problems.append(f"提到了“{term}”，标准答案里没有")
    for term in SANCTIONS:
        if term in named and not _answer_has(answer, term) and term not in (said or "") and any(
                not _NOT_BEFORE.search(named[max(0, m.start() - 6):m.start()]) for m in re.finditer(term, named)):
            problems.append(f"说了会有“{term}”，标准答案里没有")
    problems += contradictions(reply, answer)
    problems += copies_for_originals(reply, answer)
    problems += denied_cases(reply, answer)
    problems += misattributed_limits(reply, answer)
    problems += absolute_claims(reply, answer)
    problems += promised_times(reply, answer)
    problems += tier_mistakes(reply, answer, said)
    problems += narrowed_rules(reply, answer)
    problems += proxy_mistakes(reply, answer, said)
    problems += flipped_rules(reply, answer)
    problems += widened_relations(reply, answer, said)
    if _FREE.search(reply) and _FEE.search(answer) and not _free_as_answered(reply, answer):
        problems.append("说不收费，但标准答案写了费用")
    return list(dict.fromkeys(problems))


# who may do it for the person: the answer lets a proxy act (代办的加带代办人身份证) or asks for the person in person
_ANSWER_PROXY = re.compile(r"代办|委托(他人|别人|亲属|家属)|受托人|代理人|委托书|授权委托")
_ANSWER_IN_PERSON = re.compile(r"(须|需|需要|必须|应当|要)?(本人|双方|当事人)(双方)?(亲自)?到场|不能委托|不得委托|不可(以)?委托|不能代办|不可代办"
                               r"|亲自(到场|办理)")
_REPLY_NO_PROXY = re.compile(r"代办不了|不能代办|不可以代办|没法代办|不让代办|不能替|替不了|代不了|不能委托|不接受代办"
                             r"|(必须|得|只能|一定要)[^，。；！？]{0,4}本人[^，。；！？]{0,2}(来|到场|亲自|过来)")
_REPLY_PROXY = re.compile(r"(可以|能|也行|就行|没问题)[^，。；！？]{0,6}(代办|代为|替(他|她|您|你)|帮(他|她|您|你)办)"
                          r"|(代办|替(他|她|您|你)办|帮(他|她|您|你)办)[^，。；！？]{0,4}(也行|就行|可以|没问题|行)")


_FOR_ANOTHER = re.compile(r"替|代办|代(他|她|我|您|你)|帮(他|她|我爸|我妈|老人|家里)[^，。；！？]{0,4}办|委托|让[^，。；！？]{1,6}(去|来)(办|领|取|交)")


def proxy_mistakes(reply: str, answer: str, said: str = "") -> list[str]:
    """"代办不了，得老人本人来" where the answer lets a proxy act, and "让家里人替您办就行" where it asks for the
    person in person (an answer that says both, for different cases, decides nothing here)."""
    proxy, in_person = bool(_ANSWER_PROXY.search(answer or "")), bool(_ANSWER_IN_PERSON.search(answer or ""))
    if proxy == in_person:
        return []
    # "双方都得本人到场" said to two people who are both coming is a reminder; it is wrong when someone wants to act
    # for another (the citizen's words, or the reply's, speak of doing it for someone)
    for_another = bool(_FOR_ANOTHER.search(said or "") or _FOR_ANOTHER.search(reply or ""))
    out = []
    for c in _CLAUSES.findall(reply or ""):
        if _HEDGED.search(c) or _QUESTION.search(c):
            continue
        if proxy and for_another and _REPLY_NO_PROXY.search(c):
            out.append(f"“{c}”与标准答案不符：标准答案允许代办")
        elif in_person and _REPLY_PROXY.search(c) and not _REPLY_NO_PROXY.search(c):
            out.append(f"“{c}”与标准答案不符：标准答案要求本人到场")
    return out


# "单纯离职不能提取": a rule the answer states in the negative, said in the affirmative ("离职了就可以全部取出来")
_ANSWER_RULE_NOT = re.compile(r"(?P<x>[\u4e00-\u9fff]{2,6})(不能|不得|不可以|不予)(?P<y>[\u4e00-\u9fff]{1,2})")
_AFFIRM = re.compile(r"(?<![不没])(可以|就能|能|就可以|都能|都可以|照样|照常)")
_NEGATED = re.compile(r"不|没|无|别|非")


def flipped_rules(reply: str, answer: str) -> list[str]:
    """A clause that names the case of one of the answer's "X不能Y" rules (a two-character word of X) and says it can
    (能/可以 and the verb's last character), with no negation of its own."""
    out = []
    for m in _ANSWER_RULE_NOT.finditer(answer or ""):
        x, verb = m.group("x"), m.group("y")[-1]
        cases = {x[i:i + 2] for i in range(len(x) - 1)} - {"单纯", "一般", "原则", "暂时", "目前", "本市", "我们"}
        for c in _CLAUSES.findall(reply or ""):
            if _HEDGED.search(c) or _QUESTION.search(c) or _NEGATED.search(c) or PROMISE.search(c):
                continue
            a = _AFFIRM.search(c)
            if a and any(k in c for k in cases) and verb in c[a.end():]:
                out.append(f"“{c}”与标准答案不符：标准答案说{m.group(0)}")
    return list(dict.fromkeys(out))


# the answer's own list of who is covered (配偶、父母、子女) widened to others ("兄弟姐妹也在共济范围里")
RELATIONS = ("兄弟姐妹", "兄弟", "姐妹", "祖父母", "外祖父母", "爷爷奶奶", "外公外婆", "孙子女", "孙子", "孙女", "外孙",
             "岳父母", "公婆", "亲戚", "叔伯", "侄子", "外甥")
_FAMILY = re.compile(r"配偶|父母|子女|直系亲属|近亲属|家庭成员")
_INCLUDED = re.compile(r"(也|都|同样|一样)(在|能|可以|属于|算|包括)|范围|也行|也可以")


def widened_relations(reply: str, answer: str, said: str = "") -> list[str]:
    if not _FAMILY.search(answer or ""):
        return []
    out = []
    for c in _CLAUSES.findall(reply or ""):
        if _HEDGED.search(c) or _QUESTION.search(c) or _NEGATED.search(c) or not _INCLUDED.search(c):
            continue
        for r in RELATIONS:
            if r in c and r not in answer:
                out.append(f"“{c}”与标准答案不符：标准答案的范围里没有{r}")
                break
    return out


_OFFER = re.compile(r"核实|核对|确认|查一下|查查|查清|问一下|问问|问清|请示|咨询|联系|转给|转交|转到|记下|登记|回复您|答复您|回电|告诉您"
                    r"|帮您(查|问|找|联系|打听|了解)|打听|了解清楚|弄清楚|负责的(科室|部门|同事)|业务科室")
_RULE = re.compile(r"需要(带|提供|准备|满足|交)|要带|得带|带上|带好|必须|只要|就能|就可以办|可以办|不能办|办不了|不符合|符合条件|规定是|规定要"
                   r"|就得|都得|重新办|从头算|不用[^，。]{0,3}同意|不需要[^，。]{0,3}同意|不收费|免费|当场(上|办|发|出|拿|领)")


_REFER = re.compile(r"(去|找|到|打|跟|问|联系)[^，。！？]{0,10}(局|中心|银行|派出所|窗口|机构|单位|网点|社区|街道|12345|12333|热线|部门|公司|处"
                    r"|残联|民政|医保|人社|社保|税务|公安|法院|信访|居委会?|村委会?|办事处|交警|交管|车管所|出入境|公证处|市场监管)"
                    r"|(打电话|去|帮您|给您|替您|我来)问")


# "您回去自己上网查查吧", "你去别的地方问问吧": no offer, the person is left to it
_SELF = re.compile(r"自己|您回去|你回去|想办法|别的(地方|部门|窗口)|别处|其他(地方|部门|窗口)")
_WAIT = re.compile(r"稍等|等我|等一下|等一会")      # "您稍等我一分钟": the clerk's own minute, not a rule
_UNSURE = re.compile(r"可能|不确定|不清楚|要核实|需要核实|以.{0,6}为准|没写|没有写|资料里没有|不能乱说|不敢|没有准确|没有确切|不掌握"
                     r"|手头没有|怕说错|不能随便")


def not_in_kb_ok(reply: str, said: str = "") -> bool:
    """Says no rule as fact (no numbers, materials or conditions of its own) and offers to check, or says where to
    ask. An offer is the clerk's ("我帮您问一下"), not the person sent to find out alone ("您自己上网查查吧"); a rule
    word inside a question or the offer itself ("核实清楚要带什么") states no rule."""
    clauses = _CLAUSES.findall(reply or "")
    stated = set(unmatched(quantities("。".join(c for c in clauses if not _WAIT.search(c))), said_quantities(said)))
    offered = any((_OFFER.search(c) or _REFER.search(c)) and not _SELF.search(c) for c in clauses)
    hedged = _UNSURE.search(reply)
    # a promise ("保证您去了当天就能换好") is scored as an overpromise, not as a rule stated
    ruled = any(_RULE.search(c) and not (_OFFER.search(c) or (PROMISE.search(c) and _PERSONAL.search(c)) or re.search(r"什么|哪(?!个)|多久|吗|收不收|要不要", c))
                for c in clauses)
    asserts = bool(stated) or (ruled and not hedged)
    return offered and not asserts
