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
    department: str = ""              # "" unless a known matter or a confident model says which (intent.department_shown)
    department_confidence: float = 0.0
    risks: list[RiskFlag] = field(default_factory=list)

    @property
    def is_risk(self) -> bool:
        return bool(self.risks)


@dataclass
class Citation:
    chunk_id: str
    label: str            # 《title》 第八条 第3页
    text: str


# What a suggestion is (Suggestion.mode), and so what the page shows:
# reply      a reply to the citizen that states policy from the cited source(s)
# not_found  the KB does not hold the answer: says so and offers to check; nearest entries only in ``related``
# risk       a red flag: the protocol card, and the card's own first sentences as the reply
# staff      a staff member asked the KB for guidance: guide passages for the clerk, not a reply to a citizen
MODES = ("reply", "not_found", "risk", "staff")


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
    mode: str = "reply"       # one of MODES
    # nearest entries when the KB does not hold the answer: shown to the clerk as "可能相关（未核实）", never quoted
    related: list[Citation] = field(default_factory=list)
    guidance: str = ""        # staff mode: what the guide says to do, for the clerk (not to be read to a citizen)


def knowledge_gap(retrieval_refused: bool, s: "Suggestion | None") -> bool:
    """Whether a question goes to the trainers' knowledge-gap report: the reply found nothing the KB holds that
    answers it (not_found, or a staff question the guide does not cover), or retrieval itself refused."""
    if s is None:
        return retrieval_refused
    if s.mode == "not_found":
        return True
    if s.mode == "staff":
        return not s.citations
    return retrieval_refused
