"""Where a document applies (region, level) and when (施行日期, 有效期至, 废止/替代), derived from its own words.

Why: a clerk reads a passage aloud as the rule for the citizen in front of them. A rule of another province, or one
that has lapsed, read as current is a wrong answer however well it matches the question. The values are guesses
from the title and the opening (the issuing body is usually its first words), so every one of them can be corrected
by a trainer (``python ingest.py meta``); an empty value means "unknown" and never excludes a document.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from datetime import date

from assistant.documents.places import Gazetteer, gazetteer, level_of

VALIDITY = ("current", "expired", "repealed")   # stored; "" = unknown
VALIDITY_LABELS = {"current": "现行有效", "expired": "已过有效期", "repealed": "已废止", "pending": "尚未施行", "": "未标注"}

# National issuers at the very start of a title or notice: 国务院, 国家XX局, XX部 (without a place before them)
_NATIONAL = re.compile(
    r"(?:中共中央|国务院|全国人大|全国人民代表大会|全国政协|最高人民法院|最高人民检察院|中央[\u4e00-\u9fff]{0,8}?(?:办公厅|委员会|小组)"
    r"|国家[\u4e00-\u9fff]{1,10}?(?:总局|局|委员会|委|署|院|部|中心|办公室)|[\u4e00-\u9fff]{2,10}?部(?:办公厅)?"
    r"|(?:税务|海关|市场监管|广电|体育)总[局署]|中国人民银行|人民银行|银保监会|证监会|中国民用航空局|国资委)")
# addressed to every province: a national document even when it names none of its own issuers
_TO_ALL_PROVINCES = re.compile(r"各省、自治区、直辖市|各省（区、市）|各省\(区、市\)|各省区市|全国各省")
_DATE = r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?"
_FROM = [re.compile(p) for p in (rf"自\s*{_DATE}\s*起(?:施行|执行|实施|生效)", rf"{_DATE}\s*起(?:施行|执行|实施|生效)",
                                 rf"(?:施行|实施|生效)日期[:：为]?\s*{_DATE}")]
_UNTIL = [re.compile(p) for p in (rf"有效期至\s*{_DATE}", rf"有效期(?:为|自)?[^。；\n]{{0,30}}?至\s*{_DATE}",
                                  rf"(?:执行|实施|施行)(?:期限|时间)?(?:为|到|至)\s*{_DATE}",
                                  rf"{_DATE}\s*(?:后|起)?(?:废止|失效)")]
_YEARS = re.compile(r"有效期\s*(?:为)?\s*(\d+|[一二三四五两十])\s*年")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "十": 10}
_REPEALED_TITLE = re.compile(r"[（(【\[]\s*(?:已废止|已失效|废止|失效)\s*[)）】\]]|^已废止|^已失效")
_REPEALED_SELF = re.compile(r"(?:本|此|该)(?:办法|规定|通知|意见|细则|决定|公告|通告|文件|条例|规则|方案|措施|政策|件)"
                            r"(?:已|现已|业已)(?:被?(?:宣布)?(?:废止|失效|停止执行))")
_REPLACED = re.compile(r"(?:已|现已)?被《([^《》]{2,80})》(?:所)?(?:替代|取代|代替|废止)")


@dataclass(frozen=True)
class DocumentMeta:
    """Jurisdiction and validity of one document; "" everywhere means unknown (applies everywhere, treated as current)."""
    region: str = ""          # "河南省/南阳市"; "" for national or unknown
    level: str = ""           # 全国 / 省 / 市 / 区县; "" unknown
    effective_from: str = ""  # YYYY-MM-DD 施行日期
    valid_until: str = ""     # YYYY-MM-DD 有效期至 (inclusive)
    validity: str = ""        # current / expired / repealed as stated or set by a trainer; "" unknown
    replaced_by: str = ""     # title of the document that replaced it, when the text says so

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def merged(self, **changes: str | None) -> "DocumentMeta":
        """A copy with the given fields changed (None leaves a field as it is)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def iso_date(text: str) -> str:
    """The first date in ``text`` as YYYY-MM-DD, or ""; a trainer may type 2025-12-31, 2025/12/31 or 2025年12月31日."""
    m = re.search(_DATE, unicodedata.normalize("NFKC", text or ""))
    if not m:
        return ""
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return ""


def _first(patterns: list[re.Pattern], text: str) -> str:
    for p in patterns:
        m = p.search(text)
        if m:
            found = iso_date(m.group(0))
            if found:
                return found
    return ""


def _years_after(start: str, text: str) -> str:
    m = _YEARS.search(text)
    if not (m and start):
        return ""
    n = int(m.group(1)) if m.group(1).isdigit() else _CN_NUM.get(m.group(1), 0)
    y, mo, d = (int(x) for x in start.split("-"))
    try:
        end = date(y + n, mo, d)
    except ValueError:
        end = date(y + n, mo, 28)
    return date.fromordinal(end.toordinal() - 1).isoformat() if n else ""


def region_of(title: str, text: str, gz: Gazetteer | None = None) -> tuple[str, str]:
    """(region, level) of a document: the issuing body at the start of the title or notice, else the places its
    title and opening name (title counts three times), else one place its body keeps naming."""
    gz = gz or gazetteer()
    title = unicodedata.normalize("NFKC", title or "").strip()
    body = unicodedata.normalize("NFKC", text or "")
    if title and body.startswith(title):
        body = body[len(title):]
    opening = body[:300]
    head = title or opening.lstrip()
    m = _NATIONAL.match(head)
    if m and not gz.mentions(head[: m.end() + 3]):  # "国家税务总局南阳市税务局" is a city's tax bureau
        return "", "全国"
    if not gz.mentions(title) and (_TO_ALL_PROVINCES.search(opening) or (title and _NATIONAL.match(opening.lstrip())
                                                                         and not gz.mentions(opening[:20]))):
        return "", "全国"
    weighted = [(m, 3.0) for m in gz.mentions(title)] + [(m, 1.0) for m in gz.mentions(opening)]
    region = gz.resolve(weighted)
    if region:
        return region, level_of(region)
    rest = gz.mentions(body[:3000])
    region = gz.resolve([(m, 1.0) for m in rest])
    if region:
        top = region.split("/")[0]
        count = sum(1 for m in rest if any(p.split("/")[0] == top for p in m.paths))
        if count >= 3 and count / len(rest) >= 0.75:  # news that names a place now and then stays unknown
            return region, level_of(region)
    return "", ""


def validity_of(title: str, text: str) -> tuple[str, str, str, str]:
    """(effective_from, valid_until, validity, replaced_by) as the document itself states them."""
    title = unicodedata.normalize("NFKC", title or "")
    text = unicodedata.normalize("NFKC", text or "")
    start = _first(_FROM, text)
    until = _first(_UNTIL, text) or _years_after(start, text)
    replaced = _REPLACED.search(text[:2000]) or _REPLACED.search(title)
    repealed = bool(_REPEALED_TITLE.search(title) or _REPEALED_TITLE.search(text[:40]) or _REPEALED_SELF.search(text)
                    or replaced)
    return start, until, "repealed" if repealed else "", replaced.group(1) if replaced else ""


def derive(title: str, text: str) -> DocumentMeta:
    """Everything ``DocumentMeta`` holds, guessed from a document's title and text at ingestion."""
    region, level = region_of(title, text)
    start, until, validity, replaced_by = validity_of(title, text)
    return DocumentMeta(region, level, start, until, validity, replaced_by)


def status_on(meta: DocumentMeta, today: date | None = None) -> str:
    """The validity that holds on ``today``: a stated repeal or expiry wins, then the dates; "" when nothing is known.

    Computed when asked, not stored: "有效期至 2025-12-31" is current until that day and expired after it.
    """
    if meta.validity in ("repealed", "expired"):
        return meta.validity
    today_s = (today or date.today()).isoformat()
    if meta.valid_until and meta.valid_until < today_s:
        return "expired"
    if meta.effective_from and meta.effective_from > today_s:
        return "pending"
    return meta.validity
