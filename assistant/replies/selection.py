"""Which source, if any, a reply may stand on: checked for the asked matter before anything is asserted.

The retriever ranks; it does not know that a 护照 question must not be answered from the 身份证 entry, or that
staff guidance is not an answer to a citizen. So the composer takes the ranked FAQ entries and passages and keeps
the first that is about the asked matter (``applicability``); entries that only look similar are handed back as
``related`` (shown to the clerk as "可能相关（未核实）", never quoted). When the question names no known matter, the
similarity thresholds decide as before. Within one matter, an elliptical follow-up ("那多久能拿到") prefers the
entry whose answer covers the aspect it asks about (时限, 费用, 地点, 材料, 代办, 网上办).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.replies.applicability import Verdict, about_text, check
from assistant.replies.checklist import TOPICS
from assistant.replies.grounding import MAX_CACHED_SENTENCES, STOP_BIGRAMS, on_topic, sentence_vectors, source_text
from assistant.replies.lexicons import guide_questions
from assistant.replies.text import bigrams, squash
from assistant.replies.vectors import embed_text, embed_texts
from assistant.replies.verifier import FEATURES, Candidate, Verifier, features, missing_words
from assistant.replies.verifier import load as load_verifier
from assistant.retrieval.matters import named
from assistant.retrieval.model import Hit, RetrievalResult

# an entry about the asked matter needs at least this cosine to be quoted (below it, the similarity is chance)
APPLIES_MIN_COS = 0.72
# an entry for a question that names no known matter needs this (the retriever's "related" level)
UNNAMED_MIN_COS = 0.82
# an aspect-covering entry may replace the top one when it ranks within this many places
ASPECT_WINDOW = 3
MAX_RELATED = 2
ASPECT_FOLLOW_CHARS = 10   # a follow-up this short (characters, punctuation aside) says little beyond its aspect
ASPECT_FOLLOW_MIN = 0.3
# the entry that answered the turn before keeps the conversation when within this much of the best (set at 0.1 as a
# prior; on all ten dialogue sets 0.1 and 0.2 change one follow-up, from a wrong neighbour to the right entry)
CONTINUITY_MARGIN = 0.1
SHORT_TURN = 16
GUIDANCE_MIN_SCORE = 3.0  # tune staff questions: the guide answers score >= 4, questions it does not cover <= 2
GUIDANCE_WEIGHTS = (0.5, 2.0, 4.0, 0.25)   # words, heading cosine ×10, text cosine ×10, per rank
GUIDANCE_TEXT_CHARS = 500
# A section's typical staff questions (knowledge/lexicons/guide_questions.csv, 6 per section, written by a helper who
# read only the guide): the closest one's cosine ×10 × this weight joins the section score, and a cosine of at least
# GUIDANCE_QUESTION_MIN says the guide answers the question even when few of its words are in the guide. Chosen on
# the fitted dialogue sets' staff rows (right section 59 → 65 of 76, wrong 7 → 8, refusals of what the guide does
# not cover 9 of 11 kept; weights 4–8 and thresholds 0.82–0.84 are within two answers of each other).
GUIDANCE_QUESTION_WEIGHT = 4.0
GUIDANCE_QUESTION_MIN = 0.83
_STAFF_TITLE = re.compile(r"沟通|接待|话术|培训|服务规范|服务礼仪|忌语|工作手册|岗位手册")
ASPECTS: dict[str, tuple[str, str]] = {   # aspect -> (asked in a question, covered by an answer)
    # the verifier was fitted with these question patterns: they are kept as they were when the 一次性告知 topics
    # (checklist.TOPICS, which choose what is said) learn more ways of asking
    "材料": (r"材料|证件|证明|资料|带什么|带哪些|准备什么|准备哪些|需要什么|要什么|提交|提供|携带|手续", TOPICS["材料"][1]),
    "条件": (r"条件|资格|符合|能不能(办|申请|领)|可以申请|谁可以|哪些人|什么人", TOPICS["条件"][1]),
    "费用": (r"费|收费|多少钱|价格|缴纳|交多少|标准", r"费|收费|免费|不收|标准|元|缴纳"),
    "时限": (r"时限|期限|多久|多长时间|几天|工作日|什么时候|截止|多少天", r"时限|期限|日内|工作日|之日起|截止|(当场|当天|即时)(领|发|拿|取|办结|出证|制卡)|实时|到账|办结"
                                r"|\d+\s*(天|日)(内|左右|以内)|[一二三四五六七八九十两]+(天|日)(内|左右|以内)"),
    "地点": (r"在哪|哪里|地点|地址|窗口|去哪|哪儿", r"地点|地址|窗口|大厅|办理点|派出所|中心|网点|街道|社区|乡镇|部门|机构|登记处|App|网上"),
    "代办": (r"代办|替我|替他|替她|帮我办|帮他办|委托|让家里人|让朋友|让我儿子|让我女儿|家长|监护人|代为",
             r"代办|委托|代为|监护人|代理|亲属"),
    "网上": (r"网上|线上|手机上|手机|App|APP|小程序|不想跑|不用跑|跑一趟|跑两趟",
             r"网上|线上|App|APP|小程序|掌上|电子|网办"),
    "金额": (r"多少钱|能拿多少|能领多少|发多少|报多少|给多少|补多少|补贴多少|百分之几|税率|比例是|几个点|怎么算",
             r"\d+(\.\d+)?\s*(元|%|％)|百分之|比例|标准|计发|按.{0,12}(计算|发放|核定)|倍"),
}
# a question that asks only about these does not need the source to cover them (every answer touches them)
_LOOSE = {"条件", "材料"}


def staff_material_title(kind: str, title: str) -> bool:
    """A guide for staff (how to talk to citizens), not policy a citizen is told: known by its title."""
    return kind != "faq" and bool(_STAFF_TITLE.search(title or ""))


def is_staff_material(hit: Hit) -> bool:
    return staff_material_title(hit.kind, hit.title)


@dataclass
class Choice:
    hit: Hit | None = None                 # the source the reply stands on (None: the KB does not hold it)
    cosine: float = 0.0
    verdict: Verdict | None = None
    related: list[Hit] = field(default_factory=list)
    probability: float | None = None       # the verifier's, when it chose

    @property
    def is_faq(self) -> bool:
        return self.hit is not None and self.hit.kind == "faq"


def aspects_of(text: str) -> list[str]:
    return [a for a, (q, _) in ASPECTS.items() if re.search(q, text or "")]


def covers(hit: Hit, aspect: str) -> bool:
    return bool(re.search(ASPECTS[aspect][1], source_text(hit)))


def stays_on(previous: Hit, turn: str) -> bool:
    """Does the entry that answered the last turn also answer this follow-up? Its answer must cover what the turn
    asks (时限, 费用 …), name any matter the turn names, and hold most of the turn's own words."""
    about, said = about_text(previous)
    if any(not m.named_in(about) for m in named(turn, "matter")) or any(
            not e.named_in(said) for e in named(turn, "event")):
        return False
    wanted = [a for a in aspects_of(turn) if a not in _LOOSE]
    if wanted:
        return all(covers(previous, a) for a in wanted)
    words = {b for b in bigrams(squash(turn)) if b not in STOP_BIGRAMS and re.fullmatch(r"\w{2}", b)}
    return bool(words) and len([b for b in words if b in squash(said)]) >= 0.5 * len(words)


def follows_on(result: RetrievalResult, turn: str) -> bool:
    """The turn leans on the one before: the rewriter carried the topic, or it is short ("对答复不服呢")."""
    return result.search_query != result.query or len(squash(turn)) <= SHORT_TURN


def choose(result: RetrievalResult, turn: str, *, staff: bool = False, previous: Hit | None = None) -> Choice:
    """The source to quote for the citizen's ``turn`` (or the guide passage for a staff question). ``previous``:
    the entry that answered the last turn; a follow-up stays on it when its answer covers what is now asked."""
    asked = result.asked or result.search_query or result.query
    if staff:
        return _choose_guidance(result, asked)
    staying = previous is not None and follows_on(result, turn) and stays_on(previous, turn)
    verifier = load_verifier()
    if verifier is not None:
        return _choose_verified(result, turn, asked, verifier, previous if staying else None,
                                previous if previous is not None and follows_on(result, turn) else None)
    # without a fitted verifier (a model folder that lacks verifier.json): the matter and aspect rules alone
    if staying:
        return Choice(hit=previous, cosine=1.0, verdict=check(asked, previous))
    ranked: list[tuple[Hit, float]] = [(h, c) for h, _, c in result.faq_candidates]
    if not ranked and result.faq is not None:
        ranked = [(result.faq.hit, result.faq.score)]
    passages = [h for h in result.hits if h.kind != "faq" and not is_staff_material(h)]
    out = Choice()
    applicable: list[tuple[Hit, float, Verdict]] = []
    for hit, cos in ranked:
        v = check(asked, hit)
        if v.applies is True and cos >= APPLIES_MIN_COS:
            applicable.append((hit, cos, v))
        elif v.applies is None and cos >= UNNAMED_MIN_COS and not result.refused and not applicable:
            applicable.append((hit, cos, v))
        elif len(out.related) < MAX_RELATED and v.applies is not True:
            out.related.append(hit)
    wanted = [a for a in aspects_of(turn) if a not in _LOOSE]
    if wanted:   # a source about the matter that says nothing on what is asked (要交钱吗, 能领多少) is no answer
        kept = [c for c in applicable if any(covers(c[0], a) for a in wanted)]
        out.related += [c[0] for c in applicable if c not in kept][:MAX_RELATED - len(out.related)]
        applicable = kept
    if applicable:
        hit, cos, v = _prefer_aspect(applicable, turn)
        out.hit, out.cosine, out.verdict = hit, cos, v
        return out
    for hit in passages:
        v = check(asked, hit)
        if v.applies is True or (v.applies is None and not result.refused and on_topic(asked, [hit.text])):
            out.hit, out.verdict = hit, v
            return out
        if len(out.related) < MAX_RELATED:
            out.related.append(hit)
    return out


def candidate_features(result: RetrievalResult, turn: str, asked: str,
                       staying: Hit | None) -> list[tuple[Candidate, list[float]]]:
    """Each FAQ candidate (and the entry a follow-up stays on) with its verifier features."""
    pool = result.faq_candidates or ([(result.faq.hit, result.faq.matched_question, result.faq.score)]
                                     if result.faq is not None else [])
    ranked = [Candidate(h, c, i) for i, (h, _, c) in enumerate(pool)]
    if staying is not None and all(c.hit.chunk_id != staying.chunk_id for c in ranked):
        ranked.append(Candidate(staying, max((c.cosine for c in ranked), default=0.0), len(ranked)))
    best = max((c.cosine for c in ranked), default=0.0)
    wanted = [a for a in aspects_of(turn) if a not in _LOOSE]
    follow = follows_on(result, turn)
    hits = [c.hit for c in ranked]
    alike = turn_similarities(turn, hits)
    top = max(alike, default=0.0)
    # every question of the entry (the 相似问法 trainers add for sub-questions and colloquial names), for the turn
    # alone and for what is asked with the topic carried
    turn_all = turn_similarities(turn, hits, None)
    asked_all = turn_all if asked == turn else turn_similarities(asked, hits, None)
    sent_turn = answer_similarities(turn, hits)
    sent_asked = sent_turn if asked == turn else answer_similarities(asked, hits)
    top_sent = max(sent_turn, default=0.0)
    out = []
    for c, a, t_all, a_all, s_t, s_a in zip(ranked, alike, turn_all, asked_all, sent_turn, sent_asked):
        covered = bool(wanted) and any(covers(c.hit, a) for a in wanted)
        stays = staying is not None and c.hit.chunk_id == staying.chunk_id
        out.append((c, features(asked, turn, c, best, result.known_share, (covered, bool(wanted) and not covered),
                                stays, result.known_terms, follow, (a, top - a), (t_all, a_all),
                                (s_t, s_a, top_sent - s_t))))
    return out


def turn_similarities(turn: str, hits: list[Hit], first: int | None = 4) -> list[float]:
    """Cosine between ``turn`` and the closest of each entry's questions (0 without the sentence model); with
    ``first``, only the entry's first questions (its 标准问题 and leading 相似问法). For "那要是审核没给批呢" after a
    低保 question the last turn alone singles out the 没通过 entry, which the search (run with the earlier turn
    carried in) ranks below the entry that answered the turn before. Questions not seen before are embedded in one
    batch (a knowledge base's questions are soon all cached)."""
    a = embed_text(turn)
    if a is None:
        return [0.0] * len(hits)
    asked = [(hit.questions or [hit.title])[:first] for hit in hits]
    new = list(dict.fromkeys(q for qs in asked for q in qs if q not in _QUESTION_VECTORS))
    if new:
        if len(_QUESTION_VECTORS) + len(new) > MAX_CACHED_QUESTIONS:
            _QUESTION_VECTORS.clear()
        _QUESTION_VECTORS.update(zip(new, embed_texts(new)))
    a = a.ravel() / (np.linalg.norm(a) or 1.0)
    out = []
    for qs in asked:
        best = 0.0
        for q in qs:
            b = np.asarray(_QUESTION_VECTORS[q]).ravel()
            best = max(best, float(np.dot(a, b) / (np.linalg.norm(b) or 1.0)))
        out.append(best)
    return out


MAX_CACHED_QUESTIONS = 20000
_QUESTION_VECTORS: dict[str, np.ndarray] = {}
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
MIN_SENTENCE_CHARS = 6


def answer_sentences(text: str) -> list[str]:
    """An answer's sentences (clauses ended by 。；！？ or a line break), the very short ones left out."""
    parts = [p.strip() for p in _SENTENCE_END.split(text or "")]
    return [p for p in parts if len(p) >= MIN_SENTENCE_CHARS] or [(text or "").strip()[:200] or "。"]


def answer_similarities(turn: str, hits: list[Hit]) -> list[float]:
    """Cosine between ``turn`` and the closest sentence of each entry's answer (0 without the sentence model); the
    sentence vectors are the ones the clause to read out is chosen with (``grounding.sentence_vectors``)."""
    a = embed_text(turn)
    if a is None or not hits:
        return [0.0] * len(hits)
    parts = [answer_sentences(h.answer or h.text) for h in hits]
    m = sentence_vectors([x for p in parts for x in p])
    if m is None:
        return [0.0] * len(hits)
    sims = m @ (a.ravel() / (np.linalg.norm(a) or 1.0))
    out, i = [], 0
    for p in parts:
        out.append(float(sims[i:i + len(p)].max()))
        i += len(p)
    return out


def remember_answers(answers: list[str]) -> None:
    """Split and embed a knowledge base's FAQ answers at start-up (up to half the shared cache; the clause splitting
    of ``grounding.remember_sources`` takes the other half, and most sentences are the same in both)."""
    sentence_vectors(list(dict.fromkeys(x for t in answers for x in answer_sentences(t)))[:MAX_CACHED_SENTENCES // 2])


def remember_questions(questions: list[str]) -> None:
    """Embed a knowledge base's FAQ questions ahead of the first citizen (one batch at start-up instead of a few
    per early suggestion); up to ``MAX_CACHED_QUESTIONS``."""
    new = list(dict.fromkeys(q for q in questions if q and q not in _QUESTION_VECTORS))
    new = new[:max(0, MAX_CACHED_QUESTIONS - len(_QUESTION_VECTORS))]
    if new and embed_text(new[0]) is not None:
        _QUESTION_VECTORS.update(zip(new, embed_texts(new)))


def unheld_matters(asked: str, entries: list[Hit], chosen: Hit | None = None) -> list[str]:
    """Matters the question names that none of the nearest entries is about (护照 when the FAQ has no 护照 entry):
    then no entry answers it, however alike the wording ("第一次办护照" / "第一次办身份证").

    With ``chosen`` (the entry the verifier would quote): when that entry is about one of the matters the question
    names, the others are the citizen's circumstances, not what is asked ("居住证要带什么，我住的是租的房子",
    "打印社保缴费记录，单位办落户要用"), and nothing is vetoed."""
    asked_matters = named(asked)
    if chosen is not None and any(m.named_in(about_text(chosen)[0]) for m in asked_matters):
        return []
    abouts = [about_text(h)[0] for h in entries]
    return [m.group for m in asked_matters if not any(m.named_in(a) for a in abouts)]


def off_matter(asked: str, chosen: Hit) -> bool:
    """The question names matters and the chosen entry is about none of them ("驾驶证到期了怎么换" against the
    残疾人证 entry, whose 相似问法 "残疾证到期了怎么换" reads alike): the verifier's words and similarities say
    yes, the matter says no, and a rule about another matter is never quoted (on the tuning dialogues this veto
    cost 1 right answer of 557 and stopped none, as the verifier had been fitted on them; it is for what it has
    not seen)."""
    asked_m = named(asked, "matter")
    return bool(asked_m) and not any(m.named_in(about_text(chosen)[0]) for m in asked_m)


# "无犯罪记录证明开出来以后有效期是多久", "备案以后住院报销比例是多少": the thing whose amount or length is asked
# (有效期, 比例, 利率, 产假) is named right before "是/有…多少/多久/几". When the chosen entry never names it, the
# entry says nothing about it, however close the rest of the question is; the time limit itself (期限, 时间 …) is
# left to the aspect signals, as an answer says it in many ways ("60日内").
_ASKED_AMOUNT = re.compile(r"(?P<x>[\u4e00-\u9fff]{2,10}?)(是|有|为|一共有|总共有|大概是|一般是|大约是|能有)(多少|多久|多长|几)")
_AMOUNT_LEAD = re.compile(r"^(那么|那个|那|这个|要是|如果|还有|请问|问下|问一下|我想问|我们|我|您|你|他|她|它|的|现在|目前|今年)+")
_AMOUNT_TAIL = re.compile(r"(一共|总共|大概|一般|大约|具体|分别|各自|都|还|要|得|能|可以|现在|目前|里|上|的)+$")
_GENERIC_AMOUNTS = {"期限", "时限", "时间", "多久", "金额", "费用", "价格", "标准", "规定", "具体", "分别"}


def asked_amount_of(turn: str) -> str:
    """The name of what the turn asks the amount or length of ("有效期" in "…有效期是多久"), or ""."""
    m = _ASKED_AMOUNT.search(turn or "")
    if not m:
        return ""
    x = _AMOUNT_TAIL.sub("", _AMOUNT_LEAD.sub("", m.group("x")))
    return x if len(x) >= 2 and x[-2:] not in _GENERIC_AMOUNTS else ""


def unnamed_amount(turn: str, hit: Hit) -> bool:
    """The turn asks the amount of something (its last two characters, the head of the phrase) the entry never names."""
    x = asked_amount_of(turn)
    return bool(x) and x[-2:] not in squash(about_text(hit)[1])


def _aspect_follow_up(scored: list[tuple[float, Candidate, list[float]]], turn: str) -> int | None:
    """"那要多久能办好" after "办居住证要带什么材料": a short follow-up that asks only another aspect of the same
    matter. When exactly one candidate is about the matter, says what is now asked, and the verifier gives it at
    least ``ASPECT_FOLLOW_MIN``, that entry is the answer even below the verifier's threshold (cross-validated on
    the fitted questions: 8 more right answers, 1 more wrong, of 1,492)."""
    if len(squash(re.sub(r"[\W_]", "", turn))) > ASPECT_FOLLOW_CHARS:
        return None
    i_applies, i_covered, i_follow = (FEATURES.index(n) for n in ("applies", "aspect_covered", "follow"))
    fits = [i for i, (p, _, x) in enumerate(scored)
            if x[i_applies] == 1 and x[i_covered] == 1 and x[i_follow] == 1 and p >= ASPECT_FOLLOW_MIN]
    return fits[0] if len(fits) == 1 else None


def _continues(scored: list[tuple[float, Candidate, list[float]]], turn: str, previous: Hit | None) -> int | None:
    """"能让家里人替我去换吗" after "身份证到期换领要带什么": the entry that answered the turn before is nearly as
    likely as the best one (within ``CONTINUITY_MARGIN``) and the turn names no matter or event it lacks: the
    conversation stays on it rather than jumping to a neighbour (身份证丢了怎么补办) on a word or two."""
    if previous is None or not scored:
        return None
    about, said = about_text(previous)
    if any(not m.named_in(about) for m in named(turn, "matter")) or any(not e.named_in(said) for e in named(turn, "event")):
        return None
    for i, (p, c, _) in enumerate(scored[1:ASPECT_WINDOW], start=1):
        if c.hit.chunk_id == previous.chunk_id and p >= scored[0][0] - CONTINUITY_MARGIN:
            return i
    return None


def _choose_verified(result: RetrievalResult, turn: str, asked: str, verifier: Verifier,
                     staying: Hit | None, previous: Hit | None = None) -> Choice:
    scored = sorted(((verifier.probability(x, missing_words(asked, c.hit)), c, x)
                     for c, x in candidate_features(result, turn, asked, staying)), key=lambda pcx: -pcx[0])
    out = Choice()
    pick = 0 if scored and scored[0][0] >= verifier.threshold else (_aspect_follow_up(scored, turn) if scored else None)
    if pick == 0:
        pick = _continues(scored, turn, previous) or 0
    if pick is not None and pick > 0:
        scored.insert(0, scored.pop(pick))
    if pick is not None and not unheld_matters(asked, [c.hit for _, c, _ in scored],
                                               scored[0][1].hit) and not off_matter(asked, scored[0][1].hit) \
            and not unnamed_amount(turn, scored[0][1].hit):
        p, c, _ = scored[0]
        out.hit, out.cosine, out.verdict, out.probability = c.hit, c.cosine, check(asked, c.hit), p
        out.related = [c.hit for _, c, _ in scored[1:1 + MAX_RELATED]]
        return out
    out.related = [c.hit for _, c, _ in scored[:MAX_RELATED]]
    for hit in result.hits:   # policy passages (not FAQ, not staff guides) keep the rule check
        if hit.kind == "faq" or is_staff_material(hit):
            continue
        v = check(asked, hit)
        if v.applies is True or (v.applies is None and not result.refused and on_topic(asked, [hit.text])):
            out.hit, out.verdict = hit, v
            return out
    return out


def _prefer_aspect(applicable: list[tuple[Hit, float, Verdict]], turn: str) -> tuple[Hit, float, Verdict]:
    best = applicable[0]
    wanted = aspects_of(turn)
    if not wanted or all(covers(best[0], a) for a in wanted):
        return best
    for cand in applicable[1:ASPECT_WINDOW]:
        if all(covers(cand[0], a) for a in wanted):
            return cand
    return best


def _choose_guidance(result: RetrievalResult, asked: str) -> Choice:
    """The guide section that answers a staff question. Whether the guide answers it at all: some retrieved guide
    passage's heading and text hold enough of the question's content words (``GUIDANCE_MIN_SCORE``; the guide's
    answers score >= 4, questions it does not cover <= 2). Which section: the same word score at half weight, plus
    how alike the question is to the section's heading and to its text (sentence vectors), less a little per rank;
    weights chosen on the fitted dialogue sets' staff questions (65 of 76 right against 55 for words alone; the
    reported halves 31 of 34 against 30)."""
    out = Choice()
    words = {b for b in bigrams(squash(asked)) if b not in STOP_BIGRAMS and re.fullmatch(r"\w{2}", b)}
    guides = [h for h in result.hits if is_staff_material(h)]
    lexical = []
    for hit in guides:
        heading, text = squash(hit.heading_path), squash(hit.text)
        lexical.append(sum(2 * (b in heading) + (b in text) for b in words))
    heads = _alike(asked, [h.heading_path.split(" > ")[-1] for h in guides])
    texts = _alike(asked, [h.text[:GUIDANCE_TEXT_CHARS] for h in guides])
    typical = [asked_like_section(asked, h) for h in guides]
    scored = sorted(((GUIDANCE_WEIGHTS[0] * lex + GUIDANCE_WEIGHTS[1] * 10 * hc + GUIDANCE_WEIGHTS[2] * 10 * tc
                      + GUIDANCE_QUESTION_WEIGHT * 10 * qc - GUIDANCE_WEIGHTS[3] * rank, -rank, hit)
                     for rank, (hit, lex, hc, tc, qc) in enumerate(zip(guides, lexical, heads, texts, typical))),
                    key=lambda x: (x[0], x[1]), reverse=True)
    if scored and (max(l - 0.5 * r for r, l in enumerate(lexical)) >= GUIDANCE_MIN_SCORE
                   or max(typical) >= GUIDANCE_QUESTION_MIN):
        out.hit = scored[0][2]
    out.related = [h for _, _, h in scored[1 if out.hit else 0:][:MAX_RELATED]]
    return out


def sections_in(hit: Hit, sections) -> list[str]:
    """The guide sections a passage holds: its own heading, and any section merged into it by the chunker."""
    path = [p.strip() for p in (hit.heading_path or "").split(" > ")]
    text = squash(hit.text)
    return [s for s in sections if s in path or squash(s) in text]


def asked_like_section(asked: str, hit: Hit) -> float:
    """How close a staff question is to the typical questions of the sections this passage holds (0 if none)."""
    by_section = guide_questions()
    questions = [q for s in sections_in(hit, by_section) for q in by_section[s]]
    return max(_alike(asked, questions)) if questions else 0.0


def _alike(text: str, others: list[str]) -> list[float]:
    """Cosine between ``text`` and each of ``others`` (0 without the sentence model)."""
    a = embed_text(text)
    if a is None or not others:
        return [0.0] * len(others)
    a = a.ravel() / (np.linalg.norm(a) or 1.0)
    new = list(dict.fromkeys(o for o in others if o not in _QUESTION_VECTORS))
    if new:
        _QUESTION_VECTORS.update(zip(new, embed_texts(new)))
    out = []
    for o in others:
        b = np.asarray(_QUESTION_VECTORS[o]).ravel()
        out.append(float(np.dot(a, b) / (np.linalg.norm(b) or 1.0)))
    return out
