"""Is this text real? The gate that keeps scans, mojibake and unmapped fonts out of "ready".

pypdf returns "" for an image-only page and happily returns garbage for a font without a
ToUnicode map (`"7+%-`) or a broken one (`æ¿å”ä¿¡`); none of these raise. Indexing them would
give staff empty or unreadable passages, so each page gets a verdict before it is kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class PageVerdict(str, Enum):
    TEXT = "text"
    SCANNED = "scanned"   # no text layer but images
    GARBLED = "garbled"   # text layer that is not readable text
    BLANK = "blank"       # nothing at all (or only a page number)


@dataclass
class TextStats:
    chars: int = 0     # non-space characters
    cjk: int = 0
    letters: int = 0   # alphabetic characters (any script, CJK included)
    digits: int = 0
    odd: int = 0       # typical mojibake material: Latin-1 supplement / extended, PUA, U+FFFD, ligatures

    @property
    def odd_share(self) -> float:
        return self.odd / self.chars if self.chars else 0.0

    @property
    def cjk_share(self) -> float:
        return self.cjk / self.chars if self.chars else 0.0


def _is_odd(cp: int) -> bool:
    return (0x80 <= cp <= 0x24F or 0xE000 <= cp <= 0xF8FF or cp == 0xFFFD
            or 0xFB00 <= cp <= 0xFB06 or 0x2C0 <= cp <= 0x2FF)


def text_stats(text: str) -> TextStats:
    st = TextStats()
    for ch in text:
        if ch.isspace():
            continue
        st.chars += 1
        cp = ord(ch)
        if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF:
            st.cjk += 1
            st.letters += 1
            continue
        if ch.isdigit():
            st.digits += 1
        if _is_odd(cp):
            st.odd += 1
        elif ch.isalpha():
            st.letters += 1
    return st


def looks_garbled(text: str, *, expect_chinese: bool = False) -> bool:
    """Mojibake or glyph codes instead of text.

    - many Latin-1 / Latin-extended / private-use characters and few Chinese ones (UTF-8 read as
      Latin-1, broken ToUnicode maps); ordinary accented European text stays well below 15 %;
    - no letters at all, only punctuation and symbols (a font with no text mapping);
    - a document we know to be Chinese (Chinese file name) that yields almost no Chinese.
    """
    st = text_stats(text)
    if not st.chars:
        return False
    if st.odd_share > 0.15 and st.cjk_share < 0.3:
        return True
    if text.count("\ufffd") > max(3, 0.02 * st.chars):
        return True
    if st.letters == 0 and st.digits < 0.5 * st.chars:
        return True
    if expect_chinese and st.chars >= 40 and st.cjk_share < 0.02 and (
            st.odd_share > 0.03 or st.letters < 0.3 * st.chars):
        return True
    return False


def page_verdict(text: str, has_images: bool, *, expect_chinese: bool = False) -> PageVerdict:
    """Verdict for one cleaned page (page numbers already removed)."""
    st = text_stats(text)
    if st.letters == 0 and (st.chars == 0 or st.digits >= 0.5 * st.chars):
        return PageVerdict.SCANNED if has_images else PageVerdict.BLANK
    if looks_garbled(text, expect_chinese=expect_chinese):
        return PageVerdict.GARBLED
    return PageVerdict.TEXT


def page_list(pages: list[int]) -> str:
    """1-based page numbers as a short Chinese list: 第2、3、7页 / 第2–9页."""
    if not pages:
        return ""
    if len(pages) > 3 and pages == list(range(pages[0], pages[-1] + 1)):
        return f"第{pages[0]}–{pages[-1]}页"
    return "第" + "、".join(str(p) for p in pages) + "页"


NOT_POLICY = "内容不像政策或办事指南正文，请确认后再启用"
_TIMESTAMP = re.compile(r"^\[?\d{4}[-/]\d{2}[-/]\d{2}[ T]\d{2}:\d{2}|^\[?(?:DEBUG|INFO|WARN(?:ING)?|ERROR|TRACE)\b")
_CODE_LINE = re.compile(r"^[A-Za-z]?\d{3,}[\s,，\t:：|]")
_DELIMITED = re.compile(r"(?:[,\t|;].*){3,}")


def not_policy_kind(text: str) -> str:
    """"" for prose; otherwise what the text looks like instead: a word list (停用词表, 词典), a code table
    (行政区划代码), a data dump (CSV/JSON rows) or a log. Such files read as 可用 and get cited to staff, so they are
    held for a trainer. Policy text has sentences: tables inside a policy never make up most of its lines."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) < 15:
        return ""
    chars = sum(len(ln) for ln in lines)
    sentences = sum(text.count(p) for p in "。；！？") + len(re.findall(r"[.;!?](?:\s|$)", text))
    prose = sentences / max(1, chars) * 1000   # sentence ends per 1,000 characters; policy text has 15-40
    n = len(lines)
    if sum(bool(_TIMESTAMP.match(ln)) for ln in lines) >= 0.5 * n:
        return "日志"
    if prose >= 5:
        return ""
    if sum(bool(_CODE_LINE.match(ln)) for ln in lines) >= 0.5 * n:
        return "代码表"
    if sum(bool(_DELIMITED.search(ln)) for ln in lines) >= 0.5 * n or text.lstrip().startswith(("{", "[{")):
        return "数据表或数据导出"
    short = sum(len(ln) <= 8 and " " not in ln for ln in lines)
    if short >= 0.7 * n and chars / n <= 8:
        return "词表"
    return ""
