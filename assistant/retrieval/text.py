"""Text normalisation and tokenisation for the lexical side.

Chinese has no spaces, and a word segmenter splits policy terms inconsistently between a
question and a document (measured: jieba tokens clearly worse than character bigrams). So every
text is NFKC-normalised, lower-cased, stripped of punctuation/space, and indexed as overlapping
character bigrams; runs of ASCII letters/digits stay whole tokens ("2020", "app").
"""
from __future__ import annotations

import re
import unicodedata

_KEEP = re.compile(r"[0-9a-z]+|[\u3400-\u9fff\uf900-\ufaff]+")
_WS = re.compile(r"\s+")

# Question scaffolding that every question shares and no answer contains; dropping it from the
# query stops BM25 from rewarding passages that merely ask questions.
QUESTION_WORDS = (
    "请问一下", "请问", "请教", "想问一下", "想问", "问一下", "咨询一下", "咨询",
    "为什么", "怎么样", "怎样", "怎么", "如何", "哪些", "哪个", "哪里", "哪儿", "哪家",
    "什么样", "什么", "多少", "多久", "几天", "是否", "能否", "可否", "可不可以", "能不能",
    "是不是", "有没有", "需不需要", "要不要", "吗", "呢", "吧", "呀", "啊",
)
_QW = re.compile("|".join(sorted(map(re.escape, QUESTION_WORDS), key=len, reverse=True)))


def normalize(text: str) -> str:
    """NFKC + lower-case + no whitespace: the form both answers and passages are compared in."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or "").lower())


def tokens(text: str) -> list[str]:
    """Overlapping CJK character bigrams plus whole ASCII alphanumeric runs."""
    out: list[str] = []
    for run in _KEEP.findall(unicodedata.normalize("NFKC", text or "").lower()):
        if run[0].isascii():
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def strip_question_words(query: str) -> str:
    """The query with question scaffolding replaced by a gap (so no false bigram bridges it)."""
    return _QW.sub(" ", unicodedata.normalize("NFKC", query or ""))


def query_tokens(query: str) -> list[str]:
    toks = tokens(strip_question_words(query))
    return toks or tokens(query)
