"""Helpers every loader shares: the user-facing error, the title and the document date."""
from __future__ import annotations

import re

from assistant.documents.model import IngestError, Status


def cannot_read(name: str, status: Status, reason: str) -> IngestError:
    """`无法读取《name》：reason` — reason says what happened and what to do, ending with 。"""
    reason = reason if reason.endswith(("。", "！")) else reason + "。"
    return IngestError(status, f"无法读取《{name}》：{reason}")


_PLACEHOLDER_TITLES = {"标题", "无标题", "文档", "标准名称", "文件名称", "文件标题", "题目", "untitled",
                       "document", "title", "microsoft word", "wps", "pdf", "word"}
_DOC_NUMBER = re.compile(r"[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d*\s*号?")
_DATE_ONLY = re.compile(r"^[\d\s年月日./:\-]+$")


def _han_count(s: str) -> int:
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")


def sensible_title(title: str | None) -> str:
    """A metadata title worth showing, or "" for template leftovers (标准名称, （填写标准名称）,
    Microsoft Word - x.doc, 发文字号 such as 甘审办发〔2011〕号)."""
    t = (title or "").strip().strip("\x00")
    t = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", t, flags=re.IGNORECASE)
    t = re.sub(r"\.(?:docx?|pdf|wps|txt)$", "", t, flags=re.IGNORECASE).strip()
    bare = re.sub(r"[\s（）()【】\[\]<>《》]", "", t).lower()
    if (not bare or bare in _PLACEHOLDER_TITLES or "填写" in t or "请输入" in t or len(t) > 80
            or _DOC_NUMBER.search(t) or _DATE_ONLY.match(t) or "_" in t):   # 比对报告_宿迁市_2023: a file name
        return ""
    if _han_count(t) < 2 and len(re.findall(r"[A-Za-z]{2,}", t)) < 2:
        return ""
    return t


_OFFICIAL_KIND = re.compile(r"(?:通知|意见|办法|规定|细则|决定|批复|报告|公告|通告|方案|规划|指南|条例|须知|说明|规范"
                            r"|标准|制度|守则|答复|函|纪要|指引|清单)$")


_OFFICIAL_KIND_ANYWHERE = re.compile(_OFFICIAL_KIND.pattern.rstrip("$"))
_ISSUER = re.compile(r"(?:人民政府|政府|办公厅|办公室|委员会|局|厅|委|中心)$")
_PART = re.compile(rf"^第[\d〇零一二三四五六七八九十]+(?:部分|册|卷|篇|分册)")
_GENERIC_KIND = re.compile(r"^(?:编制说明|起草说明|说明|附件\s*\d*|附表\s*\d*|前言|目录|报告)$")
_STANDARD_CODE = re.compile(r"^(?:GB|NB|DB|DL|HJ|JGJ|YY|WS)(?:/T)?\s*[\dXx.．]+\s*[－—-]\s*[\dXxYy]+\s*")


def _title_lines(text: str, look: int) -> list[str]:
    """Top lines with a title's pieces put back together: 摘要 run into the title line is cut off, a line ending
    in —— continues on the next one."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()][:look]
    out: list[str] = []
    for ln in lines:
        m = re.search(r"(?:摘\s*要|Abstract)\s*[:：]", ln)
        if m and 4 <= m.start() <= 50:
            ln = ln[:m.start()].strip()
        if out and out[-1].endswith(("——", "—", "－")):
            out[-1] = out[-1].rstrip("—－ ") + "——" + ln
            continue
        out.append(ln)
    return out


def _is_candidate(ln: str) -> bool:
    return (4 <= len(ln) <= 60 and _han_count(ln) >= 4 and not _DOC_NUMBER.search(ln) and not _DATE_ONLY.match(ln)
            and not ln.endswith(("：", ":", "，", ",", "；"))
            and not re.match(r"^(?:关键词|关键字|摘要|abstract|keywords)", ln, re.IGNORECASE))


def _complete(lines: list[str], i: int) -> str:
    """The title at ``lines[i]`` with what belongs to it: the issuer line above (淮安市洪泽区人民政府 / 2024年…年度报告),
    the subject above a bare 编制说明, the part line below (第1部分：通用要求)."""
    title = lines[i]
    prev = lines[i - 1] if i > 0 else ""
    if _GENERIC_KIND.match(title) and prev and _han_count(prev) >= 4 and not _DOC_NUMBER.search(prev):
        title = f"{_STANDARD_CODE.sub('', prev).strip()} {title}"
    elif prev and _ISSUER.search(prev) and len(prev) <= 25 and not _OFFICIAL_KIND.search(prev):
        title = prev + title
    if i + 1 < len(lines) and _PART.match(lines[i + 1]) and len(lines[i + 1]) <= 40 and not _PART.search(title):
        title = f"{title} {lines[i + 1]}"
    return title


def complete_title(title: str, text: str, look: int = 30) -> str:
    """A title taken from metadata or a style, completed from its own line in the text (part, issuer)."""
    if not title:
        return title
    lines = _title_lines(text, look)
    i = next((i for i, ln in enumerate(lines) if ln == title), None)
    return _complete(lines, i) if i is not None else title


def first_meaningful_line(text: str, look: int = 15) -> str:
    """The line a reader would call the title.

    An official-document title (…的通知 / 年度报告) near the top wins; otherwise the first line
    with some Chinese that is not a document number, a date, a code or a sentence. The 发文机关标志 of a 公文
    (XX文件 right above its 发文字号) is the letterhead, not the title.
    """
    lines = _title_lines(text, look)
    letterhead = {i for i, ln in enumerate(lines[:-1]) if ln.endswith("文件") and _DOC_NUMBER.search(lines[i + 1])}
    candidates = [i for i, ln in enumerate(lines) if _is_candidate(ln) and i not in letterhead]
    for i in candidates:   # a table header (2023年报告 2024年报告) names two documents, not this one
        if (_OFFICIAL_KIND.search(lines[i]) and len(_OFFICIAL_KIND_ANYWHERE.findall(lines[i])) == 1
                or _GENERIC_KIND.match(lines[i])):
            return _complete(lines, i)
    for i in candidates:
        if "。" not in lines[i][:-1]:
            return _complete(lines, i).rstrip("。")
    return ""


def choose_title(explicit: str | None, *options: str | None, fallback: str) -> str:
    """``explicit`` (a title the user typed) when given; else the first option, unless a later one (the document's
    own title line) says the same and more: metadata 政府信息公开工作年度报告 loses to the line
    淮安市洪泽区人民政府2024年政府信息公开工作年度报告."""
    if explicit and explicit.strip():
        return explicit.strip()
    given = [opt.strip() for opt in options if opt and opt.strip()]
    if not given:
        return fallback
    first = given[0]
    longer = [opt for opt in given[1:] if first in opt and len(opt) <= 80]
    return max(longer, key=len) if longer else first


_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def _cn_number(s: str) -> int | None:
    """二〇二〇 → 2020, 十二 → 12, 二十五 → 25."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    digits = [_CN_DIGITS.get(ch) for ch in s]
    if not digits or None in digits:
        return None
    return int("".join(str(d) for d in digits))


_NUM = r"(?:\d{1,4}|[〇○零O一二三四五六七八九十]{1,4})"
_DATE = rf"({_NUM})\s*[年\-/.]\s*({_NUM})\s*[月\-/.]\s*({_NUM})\s*日?"
_LABELLED = re.compile(rf"(?:成文日期|发布日期|发文日期|印发日期|发布时间|公布日期|日期)\s*[:：]?\s*{_DATE}")
_STANDALONE = re.compile(rf"^(?:[^\d\s〇○零一二三四五六七八九十]{{0,20}}\s*)?{_DATE}(?:\s*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*(?:印发|发布|公布)?$")


def _iso(groups: tuple[str, str, str]) -> str:
    y, m, d = (_cn_number(g) for g in groups)
    if y is None or m is None or d is None or not (1949 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def extract_date(text: str) -> str:
    """The date a document states for itself (成文/发布), as ISO; "" when it states none.

    A labelled date wins; otherwise the first line that is only a date (the 成文日期 under a
    signature, a page's publication stamp). Dates inside sentences (自2020年3月5日起施行) are not
    the document's own date and are ignored.
    """
    for m in _LABELLED.finditer(text):
        if iso := _iso(m.groups()):
            return iso
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, line in enumerate(lines):
        m = _STANDALONE.match(line)
        # 2020/03/05 alone on a line is a table cell unless it is a page's stamp at the top or end
        if m and ("年" in line or i < 5 or i >= len(lines) - 5) and (iso := _iso(m.groups())):
            return iso
    return ""
