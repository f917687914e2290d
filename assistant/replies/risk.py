"""Risk red flags and the protocol card that replaces the canned reply when one fires.

A missed red flag costs far more than a false alarm, but false alarms on business words (刀具经营许可,
死亡证明, 问信访在哪) teach staff to ignore the card. So harmless senses are blanked out first, then patterns
look for what plain keywords miss: veiled threats, sit-ins, announced group visits, self-harm preparations.
The patterns live in knowledge/lexicons/risk_words.csv.

Hand-written patterns generalise poorly: on a blind set written by someone who had not seen them they caught 40%
of red flags. So two learned tiers follow when no pattern fires, both fitted on the project's labelled sentences
(``TRAINING_FILES``; rebuilt by ``python -m assistant.replies.train``):

1. nearest examples (models/risk_exemplars.npz): fires when the closest red-flag example is similar enough and
   most of the five closest examples are red flags (one close red look-alike among harmless ones is not enough);
2. a classifier (models/risk_clf.joblib: char n-grams + the sentence vector, logistic regression): fires only when
   it is very sure, for red flags phrased unlike any example.

A pattern hit is dropped when the classifier is all but sure the sentence is harmless and the nearest labelled
sentence is a harmless one (``RULE_VETO``): the patterns fire on "我们厂两百人集体体检" and "自杀干预志愿者培训在哪
报名", and the classifier has seen such questions.

The thresholds were chosen on blind sets v1-v8 (assistant/bench/data/risk_blind*.jsonl), each left out of
training in turn; the reported figure is blind set v9, which no model or threshold has seen.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from assistant.replies.lexicons import LEXICON_DIR, distinct_labelled, read_labelled, risk_patterns
from assistant.replies.model import ProtocolCard, RiskFlag

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
EXEMPLAR_FILE = Path(__file__).resolve().parent / "models" / "risk_exemplars.npz"
CLASSIFIER_FILE = Path(__file__).resolve().parent / "models" / "risk_clf.joblib"
DATA_DIR = Path(__file__).resolve().parents[1] / "bench" / "data"
EXAMPLES_FILE = DATA_DIR / "risk_utterances.jsonl"
# blind sets v1-v9, in the order they were written; the last one is the reported figure and is never trained on
BLIND_SETS = tuple(DATA_DIR / f"risk_blind{n}.jsonl" for n in ("", "2", "3", "4", "5", "6", "7", "8", "9"))
FINAL_BLIND = BLIND_SETS[-1]
# what the shipped tiers learn from
TRAINING_FILES = (EXAMPLES_FILE, *(DATA_DIR / f"risk_more{n}.jsonl" for n in ("", "2", "3", "4", "5", "6")),
                  DATA_DIR / "risk_short.jsonl", *BLIND_SETS[:-1])
# Chosen on blind sets v1-v8, each left out of training in turn, and on 68 short blunt statements ("我要跳楼",
# "他打我") that must all fire. Mean recall / false alarms over the eight: 0.971 / 0.025 with the nearest red example
# having to beat the nearest harmless one by 0.01 (the earlier similar-example rule), 0.984 / 0.026 with the
# majority of five; its neighbours (three or ten neighbours, agreement 0.2 or 0.4, classifier alone at 0.8) land
# within a sentence or two of it, so no single set decided it.
KNN_MIN_SIM = 0.74    # cosine similarity the closest red example must reach
KNN_K = 5             # ...and most of this many nearest examples must be red ones
CLASSIFIER_MIN = 0.75  # red-flag probability the classifier needs on its own
KNN_NEEDS_CLASSIFIER = 0.3  # ...and at least this much for a similar-example flag to stand
RULE_VETO = 0.05      # a pattern hit stands unless the classifier gives it less than this and the nearest
                      # labelled sentence is a harmless one
CLASSIFIER_PARAMS = {"ngram": (1, 3), "max_features": 20000, "emb_weight": 2.0, "C": 32.0, "embedder": "m3e-small"}


@dataclass(frozen=True)
class ExemplarIndex:
    texts: tuple[str, ...]
    kinds: tuple[str, ...]   # "" for a harmless example
    vectors: np.ndarray      # unit vectors, one row per text

    @cached_property
    def is_red(self) -> np.ndarray:
        """One boolean per row (computed once, not per query)."""
        return np.array([bool(k) for k in self.kinds], dtype=bool)

    @cached_property
    def red(self) -> np.ndarray:
        return np.flatnonzero(self.is_red)

    @cached_property
    def safe(self) -> np.ndarray:
        return np.flatnonzero(~self.is_red)

    def nearest(self, vector: np.ndarray, k: int = KNN_K) -> tuple[int, float, float, float]:
        """(row of the closest red example, its cosine, the closest harmless example's cosine, the share of red
        examples among the ``k`` closest)."""
        sims = self.vectors @ np.asarray(vector, dtype=np.float32).ravel()
        near = int(self.red[np.argmax(sims[self.red])])
        best_safe = float(sims[self.safe].max()) if len(self.safe) else -1.0
        top = np.argpartition(-sims, k - 1)[:k] if len(sims) > k else np.arange(len(sims))
        red_share = float(self.is_red[top].mean())
        return near, float(sims[near]), best_safe, red_share


def load_examples(path: Path = EXAMPLES_FILE) -> list[dict]:
    return read_labelled(path)


def training_examples(files: tuple[Path, ...] = TRAINING_FILES) -> list[dict]:
    """Every labelled sentence the shipped tiers learn from, first occurrence of a text kept."""
    return distinct_labelled(files, normalise)


def build_exemplars(rows: list[dict], vectors: np.ndarray | None = None) -> ExemplarIndex:
    from assistant.replies.emotion import embed_texts

    texts = tuple(normalise(r["text"]) for r in rows)
    if vectors is None:
        vectors = embed_texts(list(texts))
    return ExemplarIndex(texts, tuple(r["risk"] or "" for r in rows), np.asarray(vectors, dtype=np.float32))


def fit_classifier(rows: list[dict], vectors: np.ndarray) -> dict:
    """Red flag or not, from char n-grams plus the sentence vector (``vectors`` in the order of ``rows``)."""
    from assistant.replies.train import fit_emotion

    return fit_emotion([normalise(r["text"]) for r in rows], ["red" if r["risk"] else "safe" for r in rows],
                       vectors, CLASSIFIER_PARAMS)


@dataclass(frozen=True)
class Detector:
    """The learned tiers; ``detect_risks`` uses the shipped one unless given another (benchmarks refit them)."""
    exemplars: ExemplarIndex | None
    classifier: dict | None = None


@lru_cache(maxsize=1)
def shipped_detector() -> Detector:
    exemplars = None
    if EXEMPLAR_FILE.exists():
        z = np.load(EXEMPLAR_FILE, allow_pickle=False)
        exemplars = ExemplarIndex(tuple(z["texts"].tolist()), tuple(z["kinds"].tolist()), z["vectors"])
    classifier = None
    if CLASSIFIER_FILE.exists():
        import joblib

        classifier = joblib.load(CLASSIFIER_FILE)
    return Detector(exemplars, classifier)


def shipped_exemplars() -> ExemplarIndex | None:
    return shipped_detector().exemplars


def _red_probability(classifier: dict, text: str, vector: np.ndarray) -> float:
    from assistant.replies.emotion import proba

    return proba(classifier, text, vector).get("red", 0.0)


def similar_risk(near: int, sim: float, red_share: float, index: ExemplarIndex) -> RiskFlag | None:
    """A flag of the nearest red example's kind when it is close and most of the nearest examples are red."""
    if sim < KNN_MIN_SIM or red_share <= 0.5:
        return None
    kind = index.kinds[near]
    return RiskFlag(kind=kind, kind_zh=KIND_ZH[kind], evidence=f"与风险例句相似（{sim:.2f}）：{index.texts[near]}")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split()).replace(",", "，").replace("?", "？").replace("!", "！")


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
    from assistant.replies.emotion import embed_text

    clean = normalise(text)
    vector = embed_text(clean)
    if vector is None:
        return flags
    p = _red_probability(det.classifier, clean, vector) if det.classifier is not None else None
    near, sim, best_safe, red_share = det.exemplars.nearest(vector)
    if flags:
        # the same words in a harmless question ("自杀干预的培训在哪报名", "两百人集体体检在哪预约"); a blunt
        # "我要跳楼" sits nearest a red example and keeps its flag whatever the classifier says
        return [] if p is not None and p < RULE_VETO and best_safe > sim else flags
    hit = similar_risk(near, sim, red_share, det.exemplars)
    if hit is not None and p is not None and p < KNN_NEEDS_CLASSIFIER:
        hit = None  # a look-alike topic ("孩子上学的学区怎么查" near a threat about a child's school)
    if hit is None and p is not None and p >= CLASSIFIER_MIN:
        # the classifier says "red" but not which kind: take the kind of the nearest red example
        kind = det.exemplars.kinds[near]
        hit = RiskFlag(kind=kind, kind_zh=KIND_ZH[kind],
                       evidence=f"风险分类器判断（把握 {p:.2f}），最接近的例句：{det.exemplars.texts[near]}")
    return [hit] if hit else []


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


_CARDS: dict[str, dict[str, list[str]]] = {
    "self_harm": {
        "say": ["先停下手上的业务，语气放慢：“您刚才说的话我很在意，您现在安全吗？我们先不谈材料，我陪您坐一会儿。”",
                "认真听，不争辩、不说教，不说“别想不开”“至于吗”；可以问“您愿意和我说说发生了什么吗？”",
                "不要让对方独自离开；请同事陪同到安静的房间，移开身边的危险物品。"],
        "call": ["值班长（立即到场）", "心理援助热线 12356（陪同对方拨打）", "120（已有伤害或服药时）", "110（正在实施或无法劝阻时）"],
        "record": ["原话和时间", "对方提到的方式或准备（药物、地点、遗书等）", "联系过的家属或紧急联系人", "交接给了谁、几点"],
    },
    "violence": {
        "say": ["保持距离和平稳语气：“我听到您很生气，我们一起把事情说清楚，您先坐下来好吗？”",
                "不还口、不对峙，不承诺做不到的事；对方被别人伤害时，先确认对方现在是否安全。",
                "与对方隔着柜台或桌子，留出自己的退路，不单独跟随对方离开。"],
        "call": ["安保（立即到窗口）", "值班长", "110（有凶器、已动手或威胁具体的人）", "120（有人受伤时）"],
        "record": ["威胁或伤害的原话、时间", "对方的体貌特征和携带物品", "在场人员和监控位置", "受害人的联系方式（家暴时同时告知可求助妇联）"],
    },
    "extreme": {
        "say": ["承认对方的诉求：“您的事拖了这么久，换谁都着急，我现在就请负责的同事过来当面跟您说。”",
                "说明合法反映渠道（信访窗口、12345、网上信访），不威胁、不嘲讽，也不私下承诺结果。",
                "不在大厅里争执，请对方到接待室慢慢谈。"],
        "call": ["值班长（立即到场）", "安保（维持秩序，不与对方肢体接触）", "信访接待负责人", "110（堵门、堵路或影响他人安全时）"],
        "record": ["诉求和已办经过（受理号、时间）", "对方说出的行动计划（时间、地点、人数、媒体）", "已告知的渠道", "交接人"],
    },
    "vulnerable": {
        "say": ["先救人后办事：“您别着急，先坐下/躺平，我马上叫人来帮您。”",
                "不要随意挪动倒地的人；询问是否有药、有无家属，保持对方呼吸通畅。",
                "涉及无人照看的儿童或老人：“谢谢您告诉我们，我们马上联系社区和相关部门。”"],
        "call": ["120（晕倒、抽搐、呼吸困难、剧痛）", "值班长", "社区/民政（儿童或老人无人照看）", "110（走失、被锁在家、受到虐待）"],
        "record": ["发现时间和当时状况", "当事人身份、住址和家属联系方式", "已采取的措施和到场人员", "交接给了谁"],
    },
    "mass_incident": {
        "say": ["表示重视：“您说的人数和时间我记下了，我现在就报告领导，请先派两三位代表来谈，效率更高。”",
                "不激化、不指责组织者，不当场答复结论；说明会尽快给一个明确的答复时间。"],
        "call": ["值班长（立即报告）", "单位领导和信访负责人", "安保", "110（人员已经聚集或有冲击行为时）"],
        "record": ["计划的时间、地点、人数和组织方式（群、车辆）", "共同诉求和涉及的单位", "联系人和代表姓名", "报告给了谁、几点"],
    },
}


def protocol_for(risks: list[RiskFlag]) -> ProtocolCard:
    """Merges the steps for every flagged kind, most urgent first, without repeating a line."""
    kinds = [k for k in PRIORITY if any(r.kind == k for r in risks)]
    if not kinds:
        return ProtocolCard(title="未发现风险信号", say_now=[], call=[], record=[])
    say, call, record = [], [], []
    for k in kinds:
        card = _CARDS[k]
        say += [s for s in card["say"] if s not in say]
        call += [c for c in card["call"] if c not in call]
        record += [r for r in card["record"] if r not in record]
    title = "风险提示：" + "、".join(KIND_ZH[k] for k in kinds) + "——请暂停常规答复，按以下步骤处理"
    return ProtocolCard(title=title, say_now=say, call=call, record=record)

