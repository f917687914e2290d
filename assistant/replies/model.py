"""Records the reply engine produces and the page renders."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Emotion:
    label: str            # anger / anxiety / sadness / confusion / calm
    intensity: float      # 0..1
    label_zh: str = ""    # 愤怒 / 焦虑 / 难过 / 困惑 / 平静
    cues: list[str] = field(default_factory=list)


@dataclass
class RiskFlag:
    kind: str             # self_harm / violence / extreme / vulnerable / mass_incident
    kind_zh: str
    evidence: str         # the words that triggered it


@dataclass
class ProtocolCard:
    """Replaces the canned reply when a red flag fires."""
    title: str
    say_now: list[str]
    call: list[str]       # 值班长 / 安保 / 110 / 120 ...
    record: list[str]


@dataclass
class Triage:
    emotion: Emotion
    intent: str                       # 咨询/办事材料/进度查询/投诉/求助/表扬/建议
    department: str = ""              # routing guess (citizen_messages label_l1 taxonomy)
    risks: list[RiskFlag] = field(default_factory=list)

    @property
    def is_risk(self) -> bool:
        return bool(self.risks)


@dataclass
class Citation:
    chunk_id: str
    label: str            # 《title》 第八条 第3页
    text: str


@dataclass
class Suggestion:
    triage: Triage
    observation: str = ""   # 观察
    feeling: str = ""       # 感受
    need: str = ""          # 需要
    request: str = ""       # 请求
    citations: list[Citation] = field(default_factory=list)
    checklist: list[str] = field(default_factory=list)       # 一次性告知
    variants: dict[str, str] = field(default_factory=dict)   # 窗口 / 电话 / 书面 -> full text
    standard_answer: str = ""                                # 标准答案 when an FAQ matched
    protocol: ProtocolCard | None = None
    channel: str = "窗口"     # the channel the staff member serves on (one of variants.CHANNELS)
    supported: bool = True    # False: no passage supports a policy answer; says so and offers to find out
    backend: str = "template" # "template" or "llm"
    problems: list[str] = field(default_factory=list)        # validator findings (empty = passed)
