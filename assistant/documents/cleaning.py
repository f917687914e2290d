"""Text cleaning shared by every loader: pure functions, str in, str out.

Why each step exists:
- PDFs printed from browsers map glyphs to Kangxi / CJK-radical code points (⽐ U+2F50), which look
  right but never match a query; NFKC plus a small radical map fixes them. Full-width punctuation
  and circled numbers are kept as they are, because staff read these passages and the chunker looks
  for （一） / ① at line starts.
- Scraped pages arrive in traditional characters with pinyin glosses (結(jié)), navigation,
  copyright and "download this document" lines, and the same sections pasted several times.
- Line breaks carry structure (第X条 / 一、 / （一） at line starts), so whitespace is collapsed
  inside lines only.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PROTECT = (
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width punctuation
    "\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf"  # circled / parenthesised numbers
)
_NFKC_RUN = re.compile(f"[^{_PROTECT}]+")

# CJK Radicals Supplement has no NFKC mapping; these are the ones that stand for whole characters.
_RADICALS = str.maketrans({
    "⺠": "民", "⻔": "门", "⻓": "长", "⻅": "见", "⻬": "齐", "⻛": "风", "⻥": "鱼", "⻋": "车",
    "⻚": "页", "⻜": "飞", "⻢": "马", "⻦": "鸟", "⻨": "麦", "⻩": "黄", "⻰": "龙", "⻳": "龟",
    "⻮": "齿", "⻉": "贝", "⻈": "讠", "⻐": "钅", "⻙": "韦", "⻠": "饣", "⻧": "卤", "⻪": "黾",
    "⺟": "母", "⻄": "西", "⻘": "青", "⻝": "食", "⻣": "骨", "⻤": "鬼", "⻆": "角", "⺩": "王",
    "⺁": "厂", "⺬": "示", "⺊": "卜", "⻌": "辶", "⻍": "辶",
    "⼾": "户",  # Kangxi DOOR: NFKC gives traditional 戶, the glyph printed is 户
})
_INVISIBLE = re.compile("[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\u00ad"
                        "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN = re.compile(
    f"(?<=[{_HAN}])[(（]\\s*[a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*\\s*[)）]")


def normalize_chars(text: str) -> str:
    """NFKC (outside protected punctuation), radicals → characters, drop invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text).translate(_RADICALS)
    return _NFKC_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # imported lazily: only documents with traditional characters need it

    return opencc.OpenCC("t2s")


def to_simplified(text: str, min_share: float = 0.02) -> str:
    """Convert to simplified Chinese when the text is noticeably traditional.

    Simplified documents are left untouched, so a stray variant in a policy is never rewritten.
    """
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return text
    converted = _t2s().convert(text)
    changed = sum(1 for a, b in zip(text, converted) if a != b)
    if len(converted) != len(text):
        changed = max(changed, 1 + int(min_share * han))
    return converted if changed / han >= min_share else text


def strip_pinyin(text: str) -> str:
    """Remove pinyin glosses after a character: 結(jié) → 結, 报(bào) → 报."""
    return _PINYIN.sub("", text)


_BULLET = re.compile(r"^[\s•●○▪■□◆◇►▶·∙◦‣⁃]+(?=\S)")
_MD_HEADING = re.compile(r"^#{1,6}\s*(?=[^#\s])")
_SPACES = re.compile(r"[ \t\u3000]+")
_CJK_GAP = re.compile(f"(?<=[{_HAN}、，。；：！？“”‘’（）《》〔〕【】]) +(?=[{_HAN}、，。；：！？“”‘’（）《》〔〕【】])")
_CLAUSE_HEAD = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+[章节条款])\s+")
_NUM_UNIT_GAP = re.compile(f"(?<=\\d) +(?=[年月日号条款项章节部个件次元人万亿%])|(?<=[第年月]) +(?=\\d)")


def tidy_line(line: str) -> str:
    """Collapse spaces inside a line; drop spaces PDF extraction puts between Chinese characters."""
    line = _SPACES.sub(" ", line).strip()
    line = _BULLET.sub("", line)
    line = _MD_HEADING.sub("", line)
    head = _CLAUSE_HEAD.match(line)
    if head:  # keep the space after 第三条 so the clause number stays a separate token
        rest = _NUM_UNIT_GAP.sub("", _CJK_GAP.sub("", line[head.end():]))
        return f"{head.group(1)} {rest}" if rest else head.group(1)
    line = _CJK_GAP.sub("", line)
    return _NUM_UNIT_GAP.sub("", line)


_PAGE_NUMBER = re.compile(
    r"^(?:[-–—―－_~·•\s]*\d{1,4}[-–—―－_~·•\s]*"
    r"|第\s*\d+\s*页(?:\s*[/,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE)
_DECORATED = re.compile(r"[-–—―－_~·•]")


def is_page_number(line: str, at_edge: bool = False) -> bool:
    """`- 1 -`, `–– 1 ––`, `第 3 页 共 9 页`; a bare number only at the top or bottom of a page."""
    s = line.strip()
    if not s or not _PAGE_NUMBER.match(s):
        return False
    if s.isdigit():
        return at_edge
    return bool(_DECORATED.search(s)) or not s[0].isdigit() or "/" in s


_BOILER_PREFIX = re.compile(
    r"^(?:免责声明|版权声明|版权说明|版权所有|本站声明|特别声明|温馨提示[:：]|上一篇|下一篇|上一页|下一页"
    r"|当前位置|您当前的位置|您的位置|copyright\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
_BOILER_SHORT = re.compile(
    r"下载本文档|下载文档|下载全文|阅读全文|展开全文|继续阅读|免费阅读|已阅读\s*\d+\s*页|还剩\s*\d+\s*页"
    r"|^点击(?:查看|下载|进入|阅读|关注|这里|此处|收藏|分享|展开|加载)|分享到|分享至|^扫一扫|扫码"
    r"|^关注(?:我们|公众号)|^(?:举报|收藏|打印|关闭|评论|分享|返回顶部|返回首页|返回列表|打印本页|关闭窗口)$"
    r"|【(?:打印|关闭|收藏)[^】]*】|字号[:：]?\s*[大中小]\s*[大中小]|^(?:文档评论|相关文档|相关推荐|相关阅读|猜你喜欢"
    r"|热门推荐|提交评论|发表评论|温馨提示|文档简介|添加企业微信|本课程名称)|^\d+/\d+$|^\d+/150$"
    r"|^1[vV]1|VIP.{0,6}文档|文档.{0,6}VIP|人人文库|专人与您(?:沟通|联系)|^填写信息|培训合作", re.IGNORECASE)
_SITE_NOTE = re.compile(r"本站|本网站.*(?:资源|下载|上传|侵权|版权|所有权|附件|文档)")
_WEB_META = re.compile(r"^(?:\d+|约\s*[\d.]+\s*(?:万字|千字|字|页)|\d{4}-\d{1,2}-\d{1,2}.{0,12}发布于.{0,10}"
                       r"|.{1,60}_第\s*\d+\s*页)$")
_TAIL_MARK = re.compile(r"^(?:免责声明|温馨提示|文档评论|相关文档|相关推荐|相关阅读|猜你喜欢|评论|上一篇|下一篇|添加企业微信)")
_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|pptx?|xlsx?|txt|wps)\s*(?:VIP)?\s*$", re.IGNORECASE)


def is_boilerplate(line: str, web: bool = False) -> bool:
    """A navigation / copyright / download-prompt line, not content.

    Only short lines are judged by keywords, so a real sentence that mentions 点击 or 分享 stays.
    ``web`` adds rules that are only safe for scraped pages (bare counters, 本站 notices).
    """
    s = line.strip()
    if not s:
        return False
    if _BOILER_PREFIX.match(s):
        return True
    if len(s) <= 40 and _BOILER_SHORT.search(s):
        return True
    if web and (_WEB_META.match(s) or (len(s) <= 160 and _SITE_NOTE.search(s))):
        return True
    return False


def cut_site_tail(lines: list[str], tail_share: float = 0.35) -> list[str]:
    """Scraped pages end with disclaimers, comments and related links: drop from the first marker
    that sits in the last part of the page."""
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    start = int(len(nonblank) * (1 - tail_share))
    for i in nonblank[start:]:
        if _TAIL_MARK.match(lines[i].strip()):
            return lines[:i]
    return lines


def _key(line: str) -> str:
    return re.sub(r"[\W_]+", "", line)


def dedupe_lines(lines: list[str], min_len: int = 12, head_zone: int = 8) -> list[str]:
    """Drop repeated paragraphs and repeated multi-paragraph blocks, keeping the first copy.

    Long lines are dropped when seen before; a long line that extends an earlier one (a re-pasted,
    expanded copy) is kept but marks its block as a repeat. A short line (a heading such as
    1.建立渠道) is dropped only when it repeats an earlier line *and* sits next to a repeat, i.e. it
    belongs to a pasted-again block; the same short heading used twice in real content survives.
    Short repeats of the title near the top (title, date, title) also go.
    """
    keys = [_key(line) for line in lines]
    first: dict[str, int] = {}
    prefixes: set[str] = set()
    drop = [False] * len(lines)
    echo = [False] * len(lines)
    for i, k in enumerate(keys):
        if not k:
            continue
        if k in first:
            drop[i] = echo[i] = len(k) >= min_len
        elif len(k) >= 6:
            echo[i] = (k in prefixes or (len(k) > 23 and k[:23] in prefixes)
                       or any(k[:n] in first for n in range(6, min(len(k), 40))))
            prefixes.update(k[:n] for n in range(6, min(len(k), 24)))
        first.setdefault(k, i)
    nonblank = [i for i, k in enumerate(keys) if k]
    changed = True
    while changed:
        changed = False
        for pos, i in enumerate(nonblank):
            if echo[i] or first[keys[i]] == i:
                continue
            near = [nonblank[p] for p in (pos - 1, pos + 1) if 0 <= p < len(nonblank)]
            if any(echo[j] for j in near) or pos < head_zone:
                drop[i] = echo[i] = changed = True
    prev = ""
    for i in nonblank:  # the same line twice in a row
        if not drop[i]:
            if keys[i] == prev:
                drop[i] = True
            prev = keys[i]
    return [line for line, d in zip(lines, drop) if not d]


_END_PUNCT = "。！？!?；;：:…"
_HEADING_START = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条款部分编]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]"
    r"|\d+(?:\.\d+)*[、.．\s]|[①-⑳]|附件|附表|注[:：])")


def join_wrapped(lines: list[str], min_len: int = 18) -> list[str]:
    """Re-join PDF lines that were wrapped mid-sentence (中华人民共和 / 国政府信息公开条例)."""
    out: list[str] = []
    for line in lines:
        if (out and out[-1] and line and len(out[-1]) >= min_len and out[-1][-1] not in _END_PUNCT
                and not _HEADING_START.match(line) and _has_han(out[-1][-1] + line[:1])):
            sep = " " if out[-1][-1].isascii() and line[0].isascii() else ""
            out[-1] = out[-1] + sep + line
        else:
            out.append(line)
    return out


def _has_han(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def clean_text(text: str, *, web: bool = False, dedupe: bool = True, wrapped: bool = False) -> str:
    """The full pipeline for one page / document body. Idempotent.

    ``web``: scraped page rules (site notices, counters, repeated blocks with short headings).
    ``wrapped``: the text comes from a PDF page whose lines break mid-sentence.
    """
    text = strip_pinyin(to_simplified(normalize_chars(text)))
    raw = [tidy_line(line) for line in text.split("\n")]
    if web:
        raw = cut_site_tail([_FILE_SUFFIX.sub("", line) for line in raw])
    content = [i for i, line in enumerate(raw) if line]
    edges = {content[0], content[-1]} if content else set()
    lines = [line for i, line in enumerate(raw)
             if not (line and (is_page_number(line, i in edges) or is_boilerplate(line, web)))]
    if wrapped:
        lines = join_wrapped(lines)
    if dedupe:
        lines = dedupe_lines(lines, min_len=12 if web else 30, head_zone=8 if web else 0)
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def clean_cell(text: str) -> str:
    """Light cleaning for table cells and FAQ fields: characters and spaces only, lines kept."""
    text = strip_pinyin(to_simplified(normalize_chars(text)))
    lines = [tidy_line(line) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
