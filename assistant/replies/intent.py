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


def department_probabilities(text: str) -> dict[str, float]:
    return {k: float(np.round(v, 4)) for k, v in _proba("department", text).items()}
