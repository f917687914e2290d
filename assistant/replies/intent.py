"""What the citizen wants (intent) and which department it most likely belongs to.

No labelled intent data exists, so intent is cue rules (written from how citizens phrase each request) plus a small
char n-gram model fitted on labelled/intent/train.jsonl; the rules carry most of the weight
because a model fitted on ~100 sentences generalises poorly. Department routing is a char n-gram model fitted on
../shared citizen messages (label_l1), shipped as models/department.npz.
"""
from __future__ import annotations

import re

import numpy as np

from assistant.replies import classifier

INTENTS = ("咨询", "办事材料", "进度查询", "投诉", "求助", "表扬", "建议")
MODEL_WEIGHT = 1.2

# (pattern, weight) per intent; a sentence may hit several intents, the weights decide
_CUES: dict[str, list[tuple[str, float]]] = {
    "进度查询": [(r"进度|到哪一?步|哪个环节|卡在|排到第?几|单号|待受理|还在审核", 2.0),
                (r"(怎么|为什么|咋)还没|还没(下来|好|批|到|办好|回复|动静)", 1.5),
                (r"(出来|办好|批下来|下来|到账|寄出来?|寄到|制好|调过来|通过|有结果)了?(吗|没有|没)", 2.0),
                (r"什么时候(能|可以)?(拿|取|到账|发|寄到|下来)|今天能取", 1.5), (r"结果", 0.8), (r"(交|提交|申请)的", 0.5)],
    "办事材料": [(r"(带|准备|提供|交|开|要|需要|拿)[^，。？]{0,3}(什么|哪些|啥|几份|几寸)[^，。？]{0,3}(材料|资料|证件|东西|证明|手续|单据|照片|原件)?", 2.0),
                (r"材料|资料|证件|证明|复印件?|原件|照片|委托书|手续|单据", 1.0)],
    "投诉": [(r"投诉|举报|踢皮球|推来推去|刁难|乱收费|不负责|太过分|什么服务|可真行|折腾人|白跑|弄丢", 2.0),
            (r"态度|没人(管|接|理|处理)|不理人|不(给|予)?(解决|处理)|也不(修|来|管)|区别对待|凭什么|玩手机|大吼大叫", 1.5),
            (r"(再|还)?不给(我|我们)?办|拖着不办|再(拖|推)", 1.5),
            (r"天天|好几趟|三趟|几十遍|两个小时|一个月了|说法都?不一样", 0.8)],
    "求助": [(r"帮帮|帮我|帮忙|求求|求你们|救助|想想办法|协调", 1.5),
            (r"不会用|不识字|看不清|听不(太)?懂|腿脚不方便|迷路|身无分文|丢了|被偷|被骗|没地方住|凑不齐|困难|断水|没电了", 1.5),
            (r"怎么办|该找谁|能不能帮", 1.0)],
    "表扬": [(r"表扬|锦旗|感谢信|点个?赞|好评|感动", 2.5),
            (r"谢谢|感谢|辛苦", 1.5),
            (r"耐心|热情|贴心|细心|满意|专业|服务真好|越来越好|方便多了|好用|很快就|一次就办成", 1.2)],
    "建议": [(r"建议|提个意见|可以考虑|最好能|如果能|就好了", 2.5),
            (r"希望|能不能(把|在|增加|开通|设|改)|可以把|多开|多放|统一一下|简化", 1.5)],
    "咨询": [(r"请问|政策|条件|标准|多少|怎么算|有没有|能不能|可以吗|是否|吗[？?]?$|包括哪些|适用", 0.8),
            (r"了解一下|咨询|想问", 1.5)],
}
_COMPILED = {k: [(re.compile(p), w) for p, w in v] for k, v in _CUES.items()}


def rule_scores(text: str) -> dict[str, float]:
    return {k: sum(w for p, w in pats if p.search(text)) for k, pats in _COMPILED.items()}


def _proba(name: str, text: str) -> dict[str, float]:
    return classifier.proba(classifier.load(name), text)


def classify_intent(text: str, use_model: bool = True) -> str:
    scores = rule_scores(text)
    if use_model:
        for k, p in _proba("intent", text).items():
            scores[k] = scores.get(k, 0.0) + MODEL_WEIGHT * p
    best = max(INTENTS, key=lambda k: (scores.get(k, 0.0), k == "咨询"))
    return best if scores.get(best, 0.0) > 0 else "咨询"


def route_department(text: str) -> str:
    """Most likely label_l1 department, or "" when the routing model is not shipped."""
    probs = _proba("department", text)
    return max(probs, key=probs.get) if probs else ""


# matters whose department is known from the words alone (the routing model was trained on letters to a city
# leader and has no 公安 or 民政 class); first match wins
_KNOWN_ROUTES = (
    ("教育文体", re.compile(r"入学|上学|学区|小学|初中|幼儿园|学籍|转学|学位")),   # "户口不在学区" is a school matter
    ("公安", re.compile(r"居住证|暂住证|户口|户籍|落户|身份证|无犯罪|护照|通行证|出入境|驾驶证|驾照|养犬|狗证")),
    ("民政", re.compile(r"婚姻登记|结婚|离婚|低保|最低生活保障|特困|临时救助|残疾人|高龄|养老服务|殡葬|丧葬")),
    ("住房公积金", re.compile(r"公积金")),
    ("不动产登记", re.compile(r"不动产|房产证|房本|产权证|过户|抵押")),
    ("市场监管", re.compile(r"个体户|个体工商户|营业执照|食品经营")),
    ("人力资源和社会保障", re.compile(r"社保|社会保险|养老保险|养老金|退休|工伤|失业|就业|社保卡")),
    ("医疗保障", re.compile(r"医保|医疗保险|异地就医|报销|慢特病|生育津贴")),
)
# below this the routing model's best guess is not shown (held-out accuracy of guesses above it: see README)
DEPARTMENT_MIN_P = 0.6


def department_shown(text: str) -> tuple[str, float]:
    """(department, confidence) to show the clerk, or ("", p) when neither a known matter nor a confident model
    guess says which: a wrong department sends the citizen to the wrong counter."""
    for name, pattern in _KNOWN_ROUTES:
        if pattern.search(text or ""):
            return name, 1.0
    probs = _proba("department", text)
    if not probs:
        return "", 0.0
    best = max(probs, key=probs.get)
    p = float(probs[best])
    return (best, p) if p >= DEPARTMENT_MIN_P else ("", p)


def department_probabilities(text: str) -> dict[str, float]:
    return {k: float(np.round(v, 4)) for k, v in _proba("department", text).items()}
