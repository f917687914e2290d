"""Is a source about the matter the citizen asked? Checked before anything is asserted.

Two shared bigrams are not enough: a 护照 question shares 办理/证件 with the 身份证 entry, and a confident rule from
the wrong entry costs the citizen another trip. So the matters (事项) a question names are looked up in
knowledge/lexicons/matters.csv (``retrieval.matters``): a source applies only when it names every matter the
question names, and every situation or action it names (去世, 转移, 更正 …). An FAQ entry is judged by its
questions and category (its answer mentions neighbouring matters in passing: "急用的可申请临时身份证"); the
situations may also be named in its answer. A question that names no known matter gets ``applies=None``: the
caller decides by similarity instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.retrieval.matters import named
from assistant.retrieval.model import Hit


@dataclass(frozen=True)
class Verdict:
    applies: bool | None      # None: the question names no known matter or situation
    asked: tuple[str, ...]    # matters and situations the question names
    missing: tuple[str, ...]  # of those, what the source does not name


def about_text(hit: Hit) -> tuple[str, str]:
    """(what the source is about, everything it says): for an FAQ entry its questions and category, then its answer."""
    if hit.kind == "faq":
        about = " ".join([*hit.questions, hit.category, hit.title])
        return about, f"{about} {hit.answer or hit.text}"
    about = f"{hit.title} {hit.heading_path} {hit.text}"
    return about, about


def primary_text(hit: Hit) -> str:
    """What the source is first of all about: an FAQ entry's standard question (a passage: its headings)."""
    if hit.kind == "faq":
        return hit.questions[0] if hit.questions else hit.title
    return hit.heading_path or hit.title


def check(question: str, hit: Hit) -> Verdict:
    asked_m, asked_s, asked_e = named(question, "matter"), named(question, "service"), named(question, "event")
    if not asked_m and not asked_s and not asked_e:
        return Verdict(None, (), ())
    about, said = about_text(hit)
    if any(s.named_in(about) for s in asked_s):
        missing = []                 # a general service entry (预约, 代办) answers it for any matter
    else:
        missing = [m.group for m in asked_m if not m.named_in(about)]
        primary = named(primary_text(hit), "matter")
        if asked_m and primary and not any(p in asked_m for p in primary):
            missing += [p.group for p in primary]   # the entry is about something else that mentions this matter
        if asked_s and not asked_m:  # asked only how a service works: the source must be about that service
            missing += [s.group for s in asked_s]
    missing += [e.group for e in asked_e if not e.named_in(said)]
    return Verdict(not missing, tuple(m.group for m in asked_m + asked_s + asked_e), tuple(missing))
