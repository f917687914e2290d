"""Numbers a reply states, read as values with units, the way staff say them aloud: 十五个工作日 = 15个工作日,
两百块 = 200元, 一年半 = 1.5年, 半个月, 一个礼拜 = 1周, 工本费40 = 40元. Two quantities agree when the value and
unit are the same, or when both are lengths of time and one converts to the other (三个月 ≈ 90日, 一周 = 7日);
工作日 never converts (how many calendar days they span depends on the week).
"""
from __future__ import annotations

import re

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_NUM = r"\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九十百千万]+"
_UNITS = r"工作日|周岁|小时|钟头|分钟|万元|元|块钱|块|天|日|月|年|周|星期|礼拜|岁|张|寸|%"
_QTY = re.compile(rf"(?:(?P<n>{_NUM})(?P<ge>个)?(?P<h>半)?|(?P<h0>半)(?P<ge0>个)?)(?P<u>{_UNITS})(?P<h2>半(?![夜天年]))?")
# a fee said without its unit: "工本费40", "交20"
# (not a count: "交一份申请书", "收两次")
_BARE_FEE = re.compile(rf"(?:工本费|费用|收费|费|收|交)(?P<n>\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
                       rf"(?![\d.零一二两三四五六七八九十百千个元块万张寸%年月日天周岁小时分份本次趟下遍项样套页条件位把封笔])")
_CANON = {"块钱": "元", "块": "元", "万元": "元", "天": "日", "周岁": "岁", "钟头": "小时", "星期": "周", "礼拜": "周"}
_DAYS = {"日": 1.0, "周": 7.0, "月": 365 / 12, "年": 365.0, "小时": 1 / 24}
_NOT_A_LIMIT_BEFORE = "同当这每哪"          # 同一天 / 这一年 / 每一天: not a time limit
_RATE_AFTER = re.compile(r"^(要|到头|都|下来|到晚)")   # 一天要接待上百人: a rate, not a rule
_TOLD_BEFORE = re.compile(r"(?<![满够])了$")        # 拖了两年 / 一个礼拜了: what happened, not a rule


def cn_number(s: str) -> float | None:
    """A number written in digits or in Chinese numerals (十五, 两百, 三千五, 两万)."""
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    total, section, num = 0, 0, 0
    for ch in s:
        if ch in _CN_DIGIT:
            num = _CN_DIGIT[ch]
        elif ch in "十百千":
            section += (num or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            num = 0
        elif ch == "万":
            total += (section + num or 1) * 10000
            section, num = 0, 0
        else:
            return None
    return float(total + section + num)


def quantities(text: str, *, events: bool = False) -> set[tuple[float, str]]:
    """(value, unit) for each number with a unit; counting words (一项项, 补一张) are left out, and so are told
    events (拖了两年) unless ``events`` (the citizen's own account, or a reply's case for a table)."""
    text = text or ""
    out = set()
    for m in _QTY.finditer(text):
        unit, num = m.group("u"), m.group("n")
        before, after = text[max(0, m.start() - 2):m.start()], text[m.end():m.end() + 3]
        if num is None:
            value: float | None = 0.5
        else:
            value = cn_number(num)
            if value is None:
                continue
            value += 0.5 if m.group("h") or m.group("h2") else 0
            if num in ("一", "两", "俩") and unit in ("张", "寸"):
                continue
            if num == "一" and unit in ("日", "天", "月", "年", "周") and before[-1:] and before[-1] in _NOT_A_LIMIT_BEFORE:
                continue
            if num == "一" and unit in ("天", "日", "年") and _RATE_AFTER.search(after):
                continue
        if not events and (_TOLD_BEFORE.search(before) or after.startswith("了")):
            continue
        if unit == "万元":
            value *= 10000
        out.add((value, _CANON.get(unit, unit)))
    for m in _BARE_FEE.finditer(text):
        v = cn_number(m.group("n"))
        if v is not None:
            out.add((v, "元"))
    return out


def same(a: tuple[float, str], b: tuple[float, str]) -> bool:
    """The same amount: equal, or two lengths of time that convert (within 3%: a month is not exactly 30 days)."""
    if a == b:
        return True
    (va, ua), (vb, ub) = a, b
    if ua in _DAYS and ub in _DAYS and ua != ub:
        da, db = va * _DAYS[ua], vb * _DAYS[ub]
        return abs(da - db) <= 0.03 * max(da, db)
    return False


def unmatched(stated: set[tuple[float, str]], known: set[tuple[float, str]]) -> list[tuple[float, str]]:
    return sorted(q for q in stated if not any(same(q, k) for k in known))


def fmt(q: tuple[float, str]) -> str:
    v, u = q
    return f"{int(v) if v == int(v) else v}{u}"
