"""The skills a reply is scored on: one vocabulary for the scorer, the scenarios, the trainee page and the cohort view.

The names match the labelled practice replies (labelled/practice/*.jsonl); a skill is True (met), False (missed) or
None (does not apply: no policy for a risk scenario, no list to tell at once, no protocol outside a risk).
"""
from __future__ import annotations

SKILLS = ("need_acknowledged", "policy_correct", "checklist_complete", "no_shirking", "no_blame", "no_overpromise",
          "protocol_followed")
SKILL_ZH = {
    "need_acknowledged": "回应感受和需要",
    "policy_correct": "政策说得准确",
    "checklist_complete": "一次性告知完整",
    "no_shirking": "不推诿",
    "no_blame": "不指责",
    "no_overpromise": "不越权承诺",
    "protocol_followed": "按风险处置卡处置",
}
TEMPERAMENTS = {"D": "支配型（急躁、要结果）", "I": "影响型（爱说、要被重视）", "S": "稳健型（犹豫、怕麻烦人）",
                "C": "谨慎型（较真、要依据）"}
EMOTIONS = {"calm": "平静", "anxious": "焦虑", "angry": "愤怒", "desperate": "绝望"}
MATTER_TYPES = ("faq", "not_in_kb", "risk")
