"""The sentences the template composer writes itself: feelings, needs by intent, the staff member's own next
steps, and the "not in the knowledge base" answer. They carry no policy content, so the validator lets them
through without a source (``TEMPLATE_SENTENCES``); composer and validator both read them from here.
"""
from __future__ import annotations

import re

from assistant.replies.text import squash

FEELINGS = {  # label -> (strong, mild); names the feeling, never the fault
    "anger": ("听得出来您现在非常生气，也很失望。", "听得出来您对这件事有些不满。"),
    "anxiety": ("您现在很着急，也很担心耽误事。", "您有点着急，想尽快有个准信。"),
    "sadness": ("您心里很难受，也挺无助的。", "您心里有些难过。"),
    "confusion": ("您对这些要求很困惑，不知道该怎么办。", "您对这件事还有些疑惑。"),
    "calm": ("您很关心这件事。", "您很关心这件事。"),
}
SITUATION_FEELINGS = {
    "bereavement": "家里遇到这样的事，请您节哀；这个时候还要来办这些手续，确实不容易。",
    "hardship": "您现在的难处我们能体谅，这些日子确实不容易。",
}
INTENT_NEEDS = {
    "咨询": "希望把政策弄清楚，知道自己能不能办、怎么办",
    "办事材料": "希望一次把材料准备齐，不再来回跑",
    "进度查询": "希望知道事情办到哪一步、什么时候能办好",
    "投诉": "希望问题被认真对待，得到公正的处理",
    "求助": "希望尽快得到实际的帮助",
    "表扬": "希望自己的认可被传达到",
    "建议": "希望自己的意见被听到、被认真考虑",
}
NEXT_STEP = {  # the staff member's own action after the quoted policy; no policy content here
    "咨询": "您看您的情况和这条是否对得上，有不清楚的地方我再给您解释。",
    "办事材料": "要准备的我都一次性列给您，您看还缺哪一样，我们一起核对。",
    "进度查询": "我现在帮您查一下办件进度，请您稍等。",
    "投诉": "我先把您反映的情况如实登记，按上面说的跟进处理，处理进展我会告诉您。",
    "求助": "我现在就按这个帮您办，您看可以吗？",
    "表扬": "谢谢您的认可，我会把您的话转达给同事。",
    "建议": "您的建议我会登记下来，转给负责的同事。",
}
LISTED_STEP = "这些我一次性都给您列出来了，您看还有哪里不清楚，我们一起核对。"
UNSUPPORTED = ("这个问题我在现有的政策资料里没有找到明确的说法，不能随便答复您，以免说错耽误您的事。"
               "我先把您的问题记下来，向负责的科室核实后再给您准确答复，您看可以吗？")
# UNSUPPORTED when the question names a matter none of the nearest entries is about: says which matter is not held
NOT_HELD = UNSUPPORTED.replace("这个问题我在", "关于{asked}，我在", 1)
NO_GUIDANCE = "现有的工作指南里没有找到这方面的做法，请向值班长或科室负责人请教；也可以请培训老师把它补进指南。"

TEMPLATE_SENTENCES: frozenset[str] = frozenset(
    squash(m.group(0)) for t in (*NEXT_STEP.values(), LISTED_STEP, UNSUPPORTED)
    for m in re.finditer(r"[^。！？]+[。！？]?", t))
