"""Risk red flags and the protocol card that replaces the canned reply when one fires.

A missed red flag costs far more than a false alarm, but false alarms on business words (刀具经营许可,
死亡证明, 问信访在哪) teach staff to ignore the card. So harmless senses are blanked out first, then patterns
look for what plain keywords miss: veiled threats, sit-ins, announced group visits, self-harm preparations.
The patterns live in knowledge/lexicons/risk_words.csv.

Hand-written patterns generalise poorly: on a blind set written by someone who had not seen them they caught 40%
of red flags. So two learned tiers follow when no pattern fires, both from the project's labelled sentences
(labelled/risk/train.jsonl and tune.jsonl; the classifier is refitted by ``python -m assistant.training``):

1. nearest examples (exemplars.py, vectors derived on first use): fires when the closest red-flag example is similar enough and
   most of the five closest examples are red flags (one close red look-alike among harmless ones is not enough);
2. a classifier (models/risk_clf: char n-grams + the sentence vector, logistic regression): fires only when
   it is very sure, for red flags phrased unlike any example.

A pattern hit is dropped when the classifier is all but sure the sentence is harmless and the nearest labelled
sentence is a harmless one (``RULE_VETO``): the patterns fire on "我们厂两百人集体体检" and "自杀干预志愿者培训在哪
报名", and the classifier has seen such questions.

The thresholds were chosen on blind sets v1-v8 (labelled/risk/tune.jsonl), each left out of training in turn; the
reported figure is blind set v9 (labelled/risk/final.jsonl), which no model or threshold has seen.
The card texts are in knowledge/lexicons/protocol_cards.csv, for trainers to fit their own duty roster.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.replies import classifier
from assistant.replies.classifier import TextModel
from assistant.replies.exemplars import ExemplarIndex, derived_index
from assistant.replies.lexicons import LEXICON_DIR, protocol_cards, risk_patterns
from assistant.replies.model import ProtocolCard, RiskFlag
from assistant.replies.text import normalise
from assistant.replies.vectors import embed_text

KIND_ZH = {
    "self_harm": "自伤/轻生风险",
    "violence": "暴力或威胁",
    "extreme": "过激行为",
    "vulnerable": "弱势人员需要紧急照护",
    "mass_incident": "群体性事件苗头",
}
# most urgent first: the card's title and order of steps follow it
PRIORITY = ("vulnerable", "self_harm", "violence", "mass_incident", "extreme")

_MASK = "□"
# Chosen on blind sets v1-v8 (labelled/risk/tune.jsonl), each left out of training in turn, and on 68 short blunt
# statements ("我要跳楼", "他打我") that must all fire. Mean recall / false alarms over the eight: 0.971 / 0.025 with
# the nearest red example having to beat the nearest harmless one by 0.01 (the earlier similar-example rule),
# 0.984 / 0.026 with the majority of five; its neighbours (three or ten neighbours, agreement 0.2 or 0.4,
# classifier alone at 0.8) land within a sentence or two of it, so no single set decided it.
KNN_MIN_SIM = 0.74    # cosine similarity the closest red example must reach
CLASSIFIER_MIN = 0.75  # red-flag probability the classifier needs on its own
KNN_NEEDS_CLASSIFIER = 0.3  # ...and at least this much for a similar-example flag to stand
RULE_VETO = 0.05      # a pattern hit stands unless the classifier gives it less than this and the nearest
                      # labelled sentence is a harmless one
# A question about a service ("…能吃低保吗", "认证她去不了，怎么认证", "要带什么", "会有啥后果", "那要是…呢") is what
# the citizen came for, and the learned tiers alone (no pattern hit) do not turn it into a card unless the
# classifier is nearly sure. Chosen at stop 23 on the dialogue sets fitted on (tune, final–final4, final6: 31 → 26
# false cards), the risk sets v1-v8 and the tune fold of the hard set (no red flag lost below 0.9); "怎么办", "在哪"
# and "能不能" alone are not in it: "孩子抽过去了，怎么办" and "你孩子在哪上学我也知道" are red.
ASKS_SERVICE = re.compile(
    r"怎么(办理|申请|补|认证|领|查|算|弄|整|交|开)|咋(办理|弄|整|补|领|查|认证|申请|交|开)|怎样(办|申请|补)|如何(办|申请)"
    r"|(能|可以)(不能)?(再)?(申请|领|补|办|报|吃|享受|提|取|转|查)|有没有.{0,6}(救助|补助|补贴|政策|办法)"
    r"|让.{0,6}(帮|替|代).{0,2}(办|开|取|领|交|补)"
    r"|(啥|什么)后果|找谁|要(带|交|准备)(些)?(什么|啥)|什么材料|怎么回事|多久"
    r"|^(那|要是|如果|假如|万一|不是).{0,24}呢[？?]*$")
SERVICE_QUESTION_P = 0.9
# A pattern for a person who cannot get up or is left alone ("起不来", "瘫在床上") in a sentence that asks how to
# get a service done for them ("他瘫在床上起不来，咋认证", "我妈起不来床，护理补贴怎么申请") describes the
# citizen's circumstances, not an emergency in progress: with the classifier below SERVICE_QUESTION_P it brings no
# card. Only the vulnerable kind, and only these 办事 verbs ("找谁", "怎么办" and "多久" are left out: "我妈晕倒在
# 大厅了，找谁" is an emergency); a threat or a wish to die always keeps its card.
RULE_ASKS_SERVICE = re.compile(
    r"(怎么|咋|怎样|如何)(办理|申请|认证|领|补办|交|开)|(能|可以)(不能)?(再)?(申请|领|补办|报销|享受|代办)"
    r"|要(带|交|准备)(些)?(什么|啥)|什么材料")


@dataclass(frozen=True)
class Detector:
    """The learned tiers; ``detect_risks`` uses the shipped one unless given another (benchmarks refit them)."""
    exemplars: ExemplarIndex | None
    classifier: TextModel | None = None


@lru_cache(maxsize=1)
def shipped_detector() -> Detector:
    """The exemplar vectors (derived on first use) and the shipped classifier (models/risk_clf)."""
    return Detector(derived_index(), classifier.load("risk_clf"))


def _red_probability(model: TextModel, text: str, vector) -> float:
    return classifier.proba(model, text, vector).get("red", 0.0)


def similar_risk(near: int, sim: float, red_share: float, index: ExemplarIndex) -> RiskFlag | None:
    """A flag of the nearest red example's kind when it is close and most of the nearest examples are red."""
    if sim < KNN_MIN_SIM or red_share <= 0.5:
        return None
    kind = index.kinds[near]
    return RiskFlag(kind=kind, kind_zh=KIND_ZH[kind], evidence=f"与风险例句相似（{sim:.2f}）：{index.texts[near]}")


def _mask_harmless(text: str, folder: Path) -> str:
    for p in risk_patterns(folder):
        if p.type == "except":
            text = p.pattern.sub(lambda m: _MASK * len(m.group(0)), text)
    return text


def detect_risks(text: str, folder: Path = LEXICON_DIR, similarity: bool = True,
                 detector: Detector | None = None) -> list[RiskFlag]:
    """One flag per risk kind found, most urgent first, with the words that triggered it.

    With ``similarity`` on, the learned tiers (``detector``, by default the shipped one) may drop a pattern hit
    the classifier is all but sure is harmless, and may raise a flag when no pattern fires; without a
    sentence-vector model they are skipped and only the patterns answer.
    """
    if settled(text, folder):
        return []
    flags = rule_risks(text, folder)
    if not similarity:
        return flags
    det = detector if detector is not None else shipped_detector()
    if det.exemplars is None or not len(det.exemplars.red):
        return flags
    clean = normalise(text)
    vector = embed_text(clean)
    if vector is None:
        return flags
    p = _red_probability(det.classifier, clean, vector) if det.classifier is not None else None
    near, sim, best_safe, red_share = det.exemplars.nearest(vector)
    if flags:
        # the same words in a harmless question ("自杀干预的培训在哪报名", "两百人集体体检在哪预约"); a blunt
        # "我要跳楼" sits nearest a red example and keeps its flag whatever the classifier says
        if p is not None and p < RULE_VETO and best_safe > sim:
            return []
        if (p is not None and p < SERVICE_QUESTION_P and all(f.kind == "vulnerable" for f in flags)
                and RULE_ASKS_SERVICE.search(clean)):
            return []
        return flags
    if p is not None and p < SERVICE_QUESTION_P and ASKS_SERVICE.search(clean):
        return []
    hit = similar_risk(near, sim, red_share, det.exemplars)
    if hit is not None and p is not None and p < KNN_NEEDS_CLASSIFIER:
        hit = None  # a look-alike topic ("孩子上学的学区怎么查" near a threat about a child's school)
    if hit is None and p is not None and p >= CLASSIFIER_MIN:
        # the classifier says "red" but not which kind: take the kind of the nearest red example
        kind = det.exemplars.kinds[near]
        hit = RiskFlag(kind=kind, kind_zh=KIND_ZH[kind],
                       evidence=f"风险分类器判断（把握 {p:.2f}），最接近的例句：{det.exemplars.texts[near]}")
    return [hit] if hit else []


FIRM_SIMILARITY = 0.9   # a similar-example flag this close is carried into the next turn (see ``firm_risks``)


def firm_risks(text: str, folder: Path = LEXICON_DIR) -> list[RiskFlag]:
    """The flags of ``text`` that stand on firm ground: a pattern hit, the classifier nearly sure (SERVICE_QUESTION_P),
    or a labelled red example almost word for word (FIRM_SIMILARITY). The engine keeps these up for the citizen's next
    turn; a flag from a loose likeness ("好的我记下了" near "你记住我这张脸…") is not carried."""
    flags = detect_risks(text, folder)
    if not flags:
        return []
    rules = {f.kind for f in rule_risks(text, folder)}
    det = shipped_detector()
    clean = normalise(text)
    vector = embed_text(clean) if det.exemplars is not None else None
    if vector is None:
        return [f for f in flags if f.kind in rules]
    p = _red_probability(det.classifier, clean, vector) if det.classifier is not None else 0.0
    _, sim, _, _ = det.exemplars.nearest(vector)
    return [f for f in flags if f.kind in rules or p >= SERVICE_QUESTION_P or sim >= FIRM_SIMILARITY]


_STILL_OPEN = re.compile(r"(没|不|未|还没|没有)(能)?(解决|处理好|办好|找到|找回|出院)|解决不了|又|还要|再不|这回|这次|下回|下次|再来")


def settled(text: str, folder: Path = LEXICON_DIR) -> bool:
    """The sentence reports the matter as over ("上次晕倒那位大爷已经出院了", "那事后来解决了") and does not
    also say it is still open: thanks and follow-ups about past incidents must not bring up a protocol card."""
    clean = normalise(text)
    if _STILL_OPEN.search(clean):
        return False
    return any(p.type == "settled" and p.pattern.search(clean) for p in risk_patterns(folder))


def rule_risks(text: str, folder: Path = LEXICON_DIR) -> list[RiskFlag]:
    masked = _mask_harmless(normalise(text), folder)
    found: dict[str, list[str]] = {}
    for p in risk_patterns(folder):
        if p.type in ("except", "settled"):
            continue
        m = p.pattern.search(masked)
        if m:
            found.setdefault(p.kind, []).append(m.group(0))
    return [RiskFlag(kind=k, kind_zh=KIND_ZH[k], evidence="、".join(dict.fromkeys(found[k])))
            for k in PRIORITY if k in found]


def protocol_for(risks: list[RiskFlag], folder: Path = LEXICON_DIR) -> ProtocolCard:
    """Merges the steps for every flagged kind, most urgent first, without repeating a line."""
    kinds = [k for k in PRIORITY if any(r.kind == k for r in risks)]
    if not kinds:
        return ProtocolCard(title="未发现风险信号", say_now=[], call=[], record=[])
    say, call, record = [], [], []
    cards = protocol_cards(folder)
    for k in kinds:
        card = cards[k]
        say += [s for s in card["say"] if s not in say]
        call += [c for c in card["call"] if c not in call]
        record += [r for r in card["record"] if r not in record]
    title = "风险提示：" + "、".join(KIND_ZH[k] for k in kinds) + "——请暂停常规答复，按以下步骤处理"
    return ProtocolCard(title=title, say_now=say, call=call, record=record)

