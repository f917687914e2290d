"""Is this a staff member asking the knowledge base for guidance, not a citizen's words?

A small classifier decides (``models/staff``: char n-grams plus the sentence vector, fitted on labelled/staff by
``python -m assistant.training --only staff``); the patterns below are the fallback when the model or the
sentence-vector model is not installed. The patterns alone were written from the tune dialogues and recognised
only a quarter of the held-out staff questions; the classifier learned from 700 other lines.

"群众情绪激动时窗口人员应该怎么沟通？" wants the guide's advice for the clerk; answering it with a citizen-facing
NVC reply ("您说群众情绪激动……") is wrong, and logging it as a knowledge gap is wrong when the guide answers it.
Staff questions show on their surface: they speak of citizens in the third person (群众, 来访人, 对方), of the
clerk's own work (我们窗口, 接待, 登记时), or of the guide's craft (忌语, 复述, 一次性告知, 观察/感受/需要/请求), and
ask how to act or what to say. A citizen speaks of their own matter in the first person.
"""
from __future__ import annotations

import re

from assistant.replies import classifier
from assistant.replies.vectors import embed_text

# third-person talk about the public, or the clerk's own role
_ABOUT_CITIZENS = re.compile(r"群众|来访人|来访者|来访的人|办事人|办事群众|上访户|访民|对方|老百姓来|市民来|当事人"
                             r"|来电的人|来电人|打进来的人|打电话来的人")
_CLERK = re.compile(r"我们窗口|窗口人员|窗口工作人员|坐席|座席|话务员|接待员|工作人员应|我们工作人员|作为工作人员|接待时|接待上"
                    r"|登记时|新入职|岗前|值班|调休|排班|自查|下班前|交接班|工作人员该|自助机|叫号机|大厅设备")
# the guide's craft: how to speak, listen and hand over
_CRAFT = re.compile(r"忌语|服务用语|窗口用语|用语原则|复述|一次性告知|非暴力沟通|观察的时候|说观察|感受怎么说|提请求|说需要"
                    r"|降温|共情|倾听|开放式|封闭式|升级处置|逐级走访|越级|多人来访|重复来访|反复来访|说法|话术|怎么措辞")
# asking how to act or what to say (the clerk's own next move)
_HOW = re.compile(r"(我|我们|窗口|该|应该|应当|要)\S{0,6}(怎么|如何|怎样)(说|讲|回应|回答|回复|应对|处理|引导|安排|沟通|接待|调整|做)"
                  r"|(怎么|如何|怎样)(说|讲|回应|回答|应对|引导|安排|沟通|接待|复述)|说什么|换成什么|什么说法|怎么说才|哪几种"
                  r"|哪些\S{0,3}(内容|信息|原则|类型|要点)|够不够|要不要给|要不要(重新)?登记|第一句|第一步|正确的处理|处理方式|为什么说|举个例子|参考说法"
                  r"|课时|怎么排|找谁来修|找谁修|哪些话|什么话|哪些做法")
# a citizen complaining about staff ("窗口态度太差在哪投诉") is not a staff question
_CITIZEN_COMPLAINT = re.compile(r"投诉|举报|态度(太)?差|刁难|爱答不理|不满意")


# Cross-validated (5 folds) on the fitted rows (labelled/staff plus the fit dialogues' turns): at 0.7 the staff
# questions of the 700-line set were recognised 0.795 (false 0.017), at 0.6 0.886 (false 0.025; dialogue turns
# 0.982 / 0.009), at 0.5 0.941 (false 0.040). 0.6: a citizen read as staff loses the reply meant for them.
STAFF_MIN_P = 0.6


def is_staff_question(text: str) -> bool:
    if _CITIZEN_COMPLAINT.search(text or "") and not _ABOUT_CITIZENS.search(text or ""):
        return False          # "窗口态度太差在哪投诉" is a citizen's complaint about staff
    model = classifier.load("staff")
    vector = embed_text(text) if model is not None and (text or "").strip() else None
    p = classifier.proba(model, text, vector).get("staff") if vector is not None else None
    if p is not None:
        return p >= STAFF_MIN_P
    return staff_patterns(text)


def staff_patterns(text: str) -> bool:
    t = text or ""
    if _CITIZEN_COMPLAINT.search(t) and not _ABOUT_CITIZENS.search(t):
        return False
    cues = bool(_ABOUT_CITIZENS.search(t)) + bool(_CLERK.search(t)) + bool(_CRAFT.search(t))
    return bool(cues and _HOW.search(t)) or cues >= 2
