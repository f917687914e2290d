"""Mask citizens' ID numbers, phone numbers and bank-card numbers before anything is logged or stored."""
from __future__ import annotations

import re

# 18-digit resident ID (last char may be X) and old 15-digit IDs
_ID = re.compile(r"(?<![0-9A-Za-z])(?:[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]|[1-9]\d{14})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
_CARD = re.compile(r"(?<![\d*])\d(?:[ -]?\d){15,18}(?![\d*])")
# a Chinese input method in full-width mode types １３８１２３４５６７８: the same number, which the patterns above miss
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _id(m: re.Match) -> str:
    whole = m.group(0)
    return whole[:3] + "*" * (len(whole) - 7) + whole[-4:]


def _card(m: re.Match) -> str:
    digits = re.sub(r"\D", "", m.group(0))
    return digits[:4] + " **** **** " + digits[-4:]


def mask(text: str) -> str:
    """Replace personal numbers with partly starred forms, keeping enough to recognise the kind."""
    if not text:
        return text
    folded = text.translate(_FULL_WIDTH_DIGITS)
    masked = _ID.sub(_id, folded)
    masked = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", masked)
    masked = _CARD.sub(_card, masked)
    masked = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", masked)
    return masked if masked != folded else text   # text without a number keeps its full-width digits


def _tail(kind: str):
    def sub(m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return f"{kind}尾号{digits[-4:]}"
    return sub


def speakable(text: str) -> str:
    """The text as it may be said or shown back to a citizen: every personal number becomes "尾号1234"."""
    if not text:
        return text
    folded = text.translate(_FULL_WIDTH_DIGITS)
    said = _ID.sub(_tail(""), folded)
    said = _MOBILE.sub(_tail(""), said)
    said = _CARD.sub(_tail(""), said)
    said = _LANDLINE.sub(_tail(""), said)
    return said if said != folded else text


def without_numbers(text: str) -> str:
    """The text with personal numbers removed: what retrieval searches with (an ID number says nothing about
    the matter, and its digits must not pull in entries about ID cards)."""
    if not text:
        return text
    folded = text.translate(_FULL_WIDTH_DIGITS)
    if folded != text and any(p.search(folded) for p in (_ID, _MOBILE, _CARD, _LANDLINE)):
        text = folded
    for pattern in (_ID, _MOBILE, _CARD, _LANDLINE):
        text = pattern.sub("\0", text)
    # the words that introduce a number ("身份证号是…，") go with it: they name the number, not the matter; a number
    # the sentence goes on about ("我身份证…丢了") leaves its word: then it is the matter
    text = _NUMBER_LABEL.sub("", text)
    return text.replace("\0", "")


_NUMBER_LABEL = re.compile(r"(?:我的|我|他的|她的|本人)?(?:身份证号码|身份证号|身份证|证件号码|证件号|手机号码|手机号|手机|电话号码|电话"
                           r"|联系方式|银行卡号|银行卡|卡号)(?:是|为|:|：)?\s*(?:这张卡)?\0(?=[，,。；;！!？?、\s]|$)"
                           r"|\0(?:这张卡|这个卡|这个号)?")
