"""一次性告知: pull the list a citizen needs (materials, conditions, fees, time limits, places) out of cited passages.

Staff are required to tell everything at once so nobody makes a second trip. Every item returned is a verbatim
substring of a passage, so the validator can check it and staff can read it out without fear of inventing a rule.
"""
from __future__ import annotations

import re

# question words -> topic; the intro words that mark a list on that topic inside a passage
TOPICS: dict[str, tuple[str, str]] = {
    "材料": (r"材料|证件|证明|资料|带什么|带哪些|准备什么|准备哪些|需要什么|要什么|提交|提供|携带|手续",
             r"材料|提交|提供|携带|证明|资料|证件|手续|准备|带齐|带上|清单|下列|以下"),
    "条件": (r"条件|资格|符合|能不能(办|申请|领)|可以申请|谁可以|哪些人|什么人",
             r"条件|符合|资格|情形|对象|人员"),
    "费用": (r"费|收费|多少钱|价格|缴纳|交多少|标准",
             r"费|收费|标准|元|缴纳"),
    "时限": (r"时限|期限|多久|多长时间|几天|工作日|什么时候|截止|多少天|几月|哪个月|几号|什么时间|啥时候|有效期|能用多久|管多久",
             r"时限|期限|日内|工作日|之日起|截止|时间|有效期|每年\d|\d+月\d+日"),
    "地点": (r"在哪|哪里|地点|地址|窗口|去哪|哪儿|哪个部门|什么部门|哪个单位|找谁|找哪",
             r"地点|地址|窗口|大厅|办理点|楼|受理部门|办理部门|向.{0,12}(申请|提出|反映)"),
}
_MAX_ITEMS = 15
_MAX_ITEM_CHARS = 90

# enumeration markers, by family so one list is not mixed with its sub-list
_MARKERS = {
    "paren_cn": r"[（(][一二三四五六七八九十]{1,3}[）)]",
    "paren_num": r"[（(]\d{1,2}[）)]",
    "circled": r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]",
    "num_dot": r"(?<![\d.．])\d{1,2}[.．、](?![\d])",
    "cn_dun": r"(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}、",
}
_COLON_LIST = re.compile(r"(材料|条件|提交|提供|携带|准备|包括|如下)[^。：:；]{0,20}[：:]([^。]+)")


def topics_of(question: str, intent: str = "") -> list[str]:
    """Which 一次性告知 topics a question is about (empty: no checklist needed)."""
    found = [t for t, (q, _) in TOPICS.items() if re.search(q, question or "")]
    # the intent says "materials" for most 办事 questions; a question that asks only where, when or how much is
    # told that, not the materials list ("残疾证在哪办")
    if intent == "办事材料" and "材料" not in found and not any(t in found for t in ("费用", "时限", "地点")):
        found.insert(0, "材料")
    return found


def _clean_item(item: str) -> str:
    item = item.strip().strip("；;。，,、 \n\t")
    if len(item) > _MAX_ITEM_CHARS:
        cut = max(item.rfind("，", 0, _MAX_ITEM_CHARS), item.rfind("；", 0, _MAX_ITEM_CHARS))
        item = item[:cut] if cut > 8 else item[:_MAX_ITEM_CHARS]
    return item.strip("；;。，,、 ")


def enumerations(passage: str) -> list[tuple[str, list[str]]]:
    """(intro, items) for each enumerated list in a passage; items verbatim."""
    lists: list[tuple[str, list[str]]] = []
    for pattern in _MARKERS.values():
        marks = list(re.finditer(pattern, passage))
        if len(marks) < 2:
            continue
        run: list[re.Match] = [marks[0]]
        for prev, cur in zip(marks, marks[1:]):
            if cur.start() - prev.end() > 200:      # too far apart: a new list
                lists.append(_collect(passage, run))
                run = []
            run.append(cur)
        lists.append(_collect(passage, run))
    any_marker = re.compile("|".join(_MARKERS.values()))
    for m in _COLON_LIST.finditer(passage):
        if any_marker.search(m.group(2)):      # already taken as an enumerated list
            continue
        items = [i for i in (_clean_item(x) for x in re.split(r"[；;]", m.group(2))) if i]
        if len(items) >= 2:
            lists.append((passage[max(0, m.start() - 30):m.start(2)], items))
    return [(intro, items) for intro, items in lists if len(items) >= 2]


def _collect(passage: str, run: list[re.Match]) -> tuple[str, list[str]]:
    items = []
    for i, m in enumerate(run):
        end = run[i + 1].start() if i + 1 < len(run) else len(passage)
        body = passage[m.end():end]
        stop = re.search(r"[。\n]", body)
        if i + 1 == len(run) and stop:          # the last item ends at the sentence end
            body = body[:stop.start()]
        item = _clean_item(body)
        if item:
            items.append(item)
    intro = passage[max(0, run[0].start() - 40):run[0].start()] if run else ""
    return intro, items


def _topic_sentences(passage: str, intro_re: str) -> list[str]:
    sentences = [s for s in re.split(r"(?<=[。；])", passage) if s.strip()]
    # a fee or a time limit is a number; a place is a name ("区残联或乡镇（街道）残疾人服务窗口")
    numeric = intro_re != TOPICS["地点"][1]
    return [_clean_item(s) for s in sentences if re.search(intro_re, s)
            and (not numeric or re.search(r"\d|[一二三四五六七八九十]", s))]


def extract_checklist(question: str, passages: list[str], intent: str = "") -> list[str]:
    """Items to tell at once, verbatim from ``passages`` (best passage first); [] when not a list-type question."""
    topics = topics_of(question, intent)
    if not topics:
        return []
    items: list[str] = []
    for passage in passages:
        for topic in topics:
            intro_re = TOPICS[topic][1]
            # a place is a sentence, not a list: "窗口" in the words before a list of materials says nothing
            found = [] if topic == "地点" else [lst for intro, lst in enumerations(passage) if re.search(intro_re, intro)]
            if not found and topic in ("费用", "时限", "地点"):
                found = [_topic_sentences(passage, intro_re)]
            for lst in found:
                items.extend(lst)
        if items:        # the best passage with a matching list wins; do not mix lists across documents
            break
    seen: set[str] = set()
    unique = [i for i in items if i and not (i in seen or seen.add(i))]
    return unique[:_MAX_ITEMS]
