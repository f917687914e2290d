"""The same suggestion said three ways: 窗口 (face to face), 电话 (12345: shorter, spoken, 先生/女士) and 书面
(a letter ending 特此答复). ``CHANNELS`` is the one list of channels; the page offers exactly these.
"""
from __future__ import annotations

import re

from assistant.replies.model import Suggestion

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"
CHANNELS = ("窗口", "电话", "书面")
_GROUNDED = re.compile(r"^根据(《[^》]*》[^：]{0,16})：「(.*)」(.*)$", re.S)


def build_variants(s: Suggestion) -> dict[str, str]:
    """One text per channel in ``CHANNELS``."""
    m = _GROUNDED.match(s.request)
    label, quote, tail = (m.group(1), m.group(2), m.group(3)) if m else ("", "", s.request)
    quote = quote.rstrip("。") + "。" if quote else ""
    if quote and any(quote.rstrip("。") in it or it in quote for it in s.checklist):
        quote = ""     # the list below says it: read once, not twice
    items = "；".join(f"{_CIRCLED[i % len(_CIRCLED)]}{it}" for i, it in enumerate(s.checklist))
    if len(s.checklist) == 1:      # one item is said as it is, not as "一共1项：①…"
        told = s.checklist[0].rstrip("；;。") + "。"
    else:
        told = f"一共{len(s.checklist)}项：{items}。" if s.checklist else ""
    window = f"{s.observation}{s.feeling}{s.need}{quote}{told}{tail}"
    short_obs = re.split(r"[，：]", s.observation.rstrip("。"))[0] + "。"
    phone = f"先生/女士，您好。{short_obs}{s.feeling}{told or quote}{tail}请问还有什么需要我帮您的吗？"
    numbered = "".join(f"\n{i + 1}. {it}" for i, it in enumerate(s.checklist))
    if not s.supported:
        basis = "经查，现有政策资料中暂未找到关于这一问题的明确规定。我们将向负责该业务的科室核实后，再给您准确答复。"
    elif m and quote:
        basis = f"经查，根据{label}：「{quote.rstrip('。')}」" + (f"\n具体事项如下：{numbered}" if numbered else "")
    elif m:     # the quote is one of the items: the letter lists them under the source, with no empty 「」
        basis = f"经查，根据{label}，" + (f"具体事项如下：{numbered}" if numbered else f"{m.group(2).strip()}")
    else:
        basis = f"经查，{s.request}" + (f"\n具体事项如下：{numbered}" if numbered else "")
    letter = (f"您好！\n您反映的问题已收悉。{s.observation}我们理解{s.feeling.replace('听得出来', '')}{s.need}"
              f"\n{basis}\n如有疑问，欢迎再与我们联系。感谢您的理解与支持。\n特此答复。")
    return {"窗口": window, "电话": phone, "书面": letter}
