"""A fake LLM that invents facts: 600 generated replies, each with one invented fee, deadline, material, place,
condition or amount in one of the four parts (观察/感受/需要/请求), must all fall back to the template; the same
replies without the invention are used. The fake sits at the network edge (langchain-core's fake chat model).
"""
from __future__ import annotations

import json
import random
from collections import Counter

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.replies.llm import compose_with_fallback

from test_llm_fallback import GROUNDED, PASSAGE, TEXT, llm_with, res, tri

PARTS = ("观察", "感受", "需要", "请求")
N = 600


def invented(rng: random.Random) -> tuple[str, str]:
    """(kind, clause) stating a fact the passage does not hold."""
    n = rng.choice([2, 3, 5, 7, 10, 20, 30, 45, 60, 90, 120, 200, 300, 500, 800])
    kind = rng.choice(["fee", "deadline", "material", "place", "condition", "amount"])
    pools = {
        "fee": [f"工本费{n}元", f"需要交{n}元手续费", f"加急费{n}元", f"要收{n}块钱", "办理要收费", "这个是免费办理的"],
        "deadline": [f"{n}个工作日内就能办好", f"{n}天就能拿到", "当天就能拿到", "当场就能办结", f"{n}小时内出证",
                     f"最晚{n}日内办结", "加急的话立等可取"],
        "material": ["还要带户口本原件", "需要结婚证复印件", "要开无犯罪记录证明", "得带房产证", "要交两寸蓝底照片",
                     "需要单位盖公章的在职证明", "要带租房合同", "需要社保缴费证明"],
        "place": ["要到市民中心三楼12号窗口办理", "到区政务服务中心B区办理", "去街道办的便民服务站办", "到派出所户籍室办理",
                  "可以在微信小程序上办", "在官网上就能办", f"到{n}号窗口取号"],
        "condition": [f"年满{n}周岁才能申请", "只有本地户籍才能办", f"社保缴满{n}个月才符合条件", "有本市户口才能办",
                      "必须本人到场", "不符合条件的不予受理"],
        "amount": [f"每月补贴{n}元", f"可以领{n}元补助", f"押金{n}元", f"最高补助{n * 10}元", f"逾期罚款{n}元"],
    }
    return kind, rng.choice(pools[kind])


def reply_with(part: str, clause: str, rng: random.Random) -> dict:
    draft = dict(GROUNDED)
    lead = {"观察": "您说", "感受": "您担心", "需要": "您希望", "请求": "另外，"}[part]
    where = rng.choice(["append", "prepend", "replace"])
    sentence = f"{lead}{clause}。"
    if where == "replace" and part != "请求":
        draft[part] = sentence
    elif where == "prepend":
        draft[part] = sentence + draft[part]
    else:
        draft[part] = draft[part] + sentence
    return draft


def test_six_hundred_replies_with_an_invented_fact_are_all_refused():
    rng = random.Random(16)
    seen: Counter = Counter()
    accepted = []
    for _ in range(N):
        part = rng.choice(PARTS)
        kind, clause = invented(rng)
        assert clause not in PASSAGE and clause not in TEXT
        draft = reply_with(part, clause, rng)
        llm = llm_with(FakeListChatModel(responses=[json.dumps(draft, ensure_ascii=False)]))
        s = compose_with_fallback(TEXT, tri(), res(), llm)
        seen[(part, kind)] += 1
        if s.backend == "llm" or any(clause in v for v in [s.observation, s.feeling, s.need, s.request,
                                                          *s.variants.values()]):
            accepted.append((part, clause))
    assert sum(seen.values()) == N and len(seen) == len(PARTS) * 6       # every part × every kind was tried
    assert accepted == [], sorted(set(accepted))


def test_the_same_replies_without_the_invention_are_used():
    rng = random.Random(61)
    observations = ["您说已经等了好久了，想知道居住证多久能办好。", "您等了好久，想问居住证办好要多久。", "您想知道居住证什么时候能办好。"]
    feelings = ["您有些着急。", "您心里有点着急。", "等了这么久，您有些不耐烦。"]
    needs_ = ["您希望心里有个准信。", "您希望早点知道结果。", "您希望事情能顺顺利利办好。"]
    used = 0
    for _ in range(60):
        draft = dict(GROUNDED, 观察=rng.choice(observations), 感受=rng.choice(feelings), 需要=rng.choice(needs_))
        llm = llm_with(FakeListChatModel(responses=[json.dumps(draft, ensure_ascii=False)]))
        used += compose_with_fallback(TEXT, tri(), res(), llm).backend == "llm"
    assert used == 60
