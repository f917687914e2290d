"""The first three NVC parts, from the citizen's own words and the triage: 观察 (what was said, restated without
judgement), 感受 (the feeling, never the fault), 需要 (the need behind it). None of them says anything about policy.
"""
from __future__ import annotations

import re

from assistant.replies.lexicons import banned_phrases, needs
from assistant.replies.model import Triage
from assistant.replies.templates import FEELINGS, INTENT_NEEDS, SITUATION_FEELINGS

_JUDGEMENT = re.compile(r"垃圾|什么破|破地方|玩意|真行|太过分|过分|气死|骗子|混蛋|他妈|滚|烦死|凭什么|搞什么|搞没搞错|有没有搞错"
                        r"|不像话|欺负人|黑心|无能|废物|官僚|吃干饭|不要脸|恶心|效率太低|什么态度|有病"
                        r"|效率.{0,3}(低|差)|太差|太烂|太慢了|差劲|磨洋工|踢皮球|推来推去")
_QUESTION = re.compile(r"[？?]|吗$|呢$|什么|怎么|哪|多少|几|是否|能不能|可不可以|要不要|有没有|还是|谁|咋|啥|多久|多长"
                       r"|(能|可以|行|要|用|得|会|够|是)[^，。！？]{0,8}(不|没|没有)[。？?]?$|(了|过)没[有]?[。？?]?$")
_ASKING = re.compile(r"^(我)?(想|要)?(问一下|问问|问|咨询一下|咨询|了解一下|了解)|^(麻烦|请)?(你|您)?帮(我|忙)?(查一下|查下|查查|查|看一下|看看|问问)?")
# numbers (already "尾号1234" when spoken) are never restated
_NUMBER = re.compile(r"尾号\d{4}|\d{5,}")
# 您爸 / 您家孩子 stay as they are: dropping 您 in front of a relative would say "爸去世了"
_KIN = re.compile(r"^您(爸|妈|父|母|爷|奶|外公|外婆|姥|老公|老婆|丈夫|妻子|爱人|孩子|儿子|女儿|家|哥|姐|弟|妹|公公|婆婆|岳)")
BEREAVEMENT = re.compile(r"去世|过世|离世|病逝|走了|没了|死了|身故|丧事|丧葬|刚走|火化|殡")
HARDSHIP = re.compile(r"困难|低保|特困|救助|没钱|交不起|看不起病|揭不开锅|失业|下岗|残疾|重病|大病|生病|住院|孤寡|独居|欠债|没工作"
                      r"|瘫|一大笔|负担重|借遍|花光|一个人带|一个人住|拖欠|欠我"
                      # serious illness and money that has run out ("尿毒症，每周透析三次，药费压得喘不过气")
                      r"|尿毒症|透析|化疗|放疗|癌|白血病|肿瘤|绝症|中风|偏瘫|脑梗|治不起|付不起|拿不出|撑不住|扛不住"
                      r"|喘不过气|压得|花了[十几百千万]+|入不敷出|吃不上饭|生活不下去|没有收入|没了收入")
# hardship is met with understanding when the citizen tells their own or their family's situation; a plain "残疾证在哪办"
# or "低保怎么申请" names a service, not a hardship
_TOLD = re.compile(r"我|俺|咱|自己|家|孩子|娃|儿子|女儿|闺女|老人|爸|妈|父|母|爷|奶|老伴|老公|老婆|男人|媳妇|丈夫|妻子|爱人|兄弟|姐妹"
                   r"|了[，,。！!]|没了|住院|欠")
_LEAD = re.compile(r"^(那么|那|还有|另外|然后|再问一下)\s*")   # a follow-up's connective is not restated
_GREETING = re.compile(r"^(你好|您好|请问|同志|麻烦问一下|打扰一下)[，,！!。\s]*")


def _swap_person(text: str) -> str:
    """Citizen's 我/你们 become the staff member's 您/我们 when restated."""
    # "我们两个想去扯结婚证" / "我们俩还没领结婚证": the couple at the window, "你们俩"
    text = re.sub(r"我们(两个|俩|两人|二人|两口子)", "\0E", text).replace("咱俩", "\0E").replace("我俩", "\0E")
    for a, b in (("我们", "\0A"), ("你们", "\0B"), ("我", "\0C"), ("您", "\0D"), ("你", "\0D")):
        text = text.replace(a, b)
    return text.replace("\0A", "您").replace("\0B", "我们").replace("\0C", "您").replace("\0D", "我们").replace("\0E", "你们俩")


def observe(text: str) -> str:
    """Restate what the citizen said, without judgement words, insults or 服务忌语: facts, then the question."""
    clauses = [c.strip() for c in re.split(r"[，,。！!；;…~\n]+", _GREETING.sub("", text.strip())) if c.strip()]
    banned = [b.phrase for b in banned_phrases()]
    facts: list[str] = []
    asks: list[str] = []
    for c in clauses:
        c = _LEAD.sub("", c)
        if not c or _JUDGEMENT.search(c) or _NUMBER.search(c) or any(p in c for p in banned):
            continue
        if sum(map(len, facts + asks)) + len(c) > 70:
            break
        if _QUESTION.search(c):
            # a question particle ends a question, not the sentence that restates it ("公积金呢" → "公积金")
            asks.append(re.sub(r"呢$", "", _ASKING.sub("", c).rstrip("？?")))
        else:
            facts.append(c)
    if not facts and not asks:
        return "您来反映了自己遇到的情况。"
    said = "，".join(_swap_person(f) for f in facts)
    asked = "，".join(_swap_person(a) for a in asks if a)
    said = said[1:] if said.startswith("您") and not _KIN.match(said) else said
    if said and asked:
        return f"您说{said}，想了解{asked}。"
    return f"您说{said}。" if said else f"您想了解{asked}。"


def plain_question(text: str) -> bool:
    """A question with no sign of anger: no judgement words, no exclamation, no complaint about waiting."""
    return bool(text and _QUESTION.search(text) and not _JUDGEMENT.search(text)
                and not re.search(r"[!！]|凭什么|到底|怎么还|还不|一直|拖", text))


def feel(triage: Triage, text: str = "") -> str:
    """The feeling the situation shows: condolence for a death in the family, understanding for hardship, then
    the emotion triage read (a calm question stays calm)."""
    if BEREAVEMENT.search(text):
        return SITUATION_FEELINGS["bereavement"]
    if HARDSHIP.search(text) and _TOLD.search(text) and (triage.emotion.label != "anger" or not _JUDGEMENT.search(text)):
        return SITUATION_FEELINGS["hardship"]   # hardship told without blame is met with understanding
    label = triage.emotion.label
    if label == "anger" and plain_question(text):
        label = "calm"     # a calm "养条狗要办什么证" is not anger, whatever the model's guess
    strong, mild = FEELINGS.get(label, FEELINGS["calm"])
    return strong if triage.emotion.intensity >= 0.6 else mild


def need_of(text: str, triage: Triage) -> str:
    """The first need whose cues the text mentions (one tied to the emotion first), else the intent's need."""
    matching = [(n.emotion, n.phrase) for n in needs() if any(c in text for c in n.cues)]
    for emo, phrase in matching:
        if emo in (triage.emotion.label, "any"):
            return f"您{phrase}。"
    if matching:
        return f"您{matching[0][1]}。"
    return f"您{INTENT_NEEDS.get(triage.intent, INTENT_NEEDS['咨询'])}。"
