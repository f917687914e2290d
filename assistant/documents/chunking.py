"""Cut a loaded document into passages that follow its structure.

Why this shape: an answer cut in two is an answer nobody finds, and staff read what we show, so
passages stay short (``settings.max_passage_chars``). The text is split into sentence-sized units
(ends at 。；！？ or a line break) that remember the heading they sit under (第X章 > 第X条 > （一）…);
units are packed greedily into windows of about ``settings.chunk_size`` characters, a window prefers
to end where a clause ends, and consecutive windows share about ``settings.chunk_overlap`` characters
of whole sentences. FAQ documents give one chunk per entry: the answer is what staff see, the
questions are what retrieval matches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.config import Settings
from assistant.documents.model import Chunk, LoadedDocument, Section

_CN_NUM = "零〇一二三四五六七八九十百千两"
# (level, pattern matched at the start of a unit). Lower level = outer heading.
_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{_CN_NUM}\d]+[编篇]")),
    (2, re.compile(rf"^第[{_CN_NUM}\d]+章")),
    (3, re.compile(rf"^第[{_CN_NUM}\d]+节")),
    (4, re.compile(rf"^第[{_CN_NUM}\d]+条")),
    (5, re.compile(rf"^[{_CN_NUM}]+、")),
    (6, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (7, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    (8, re.compile(r"^[（(]\d{1,2}[）)]")),
]
# Where a heading may start inside running text: after a line break, a sentence end, or a wide gap.
_HEAD_START = re.compile(
    rf"(?:(?<=[\n。；！？：:])|(?<=\s\s)|(?<=[。；！？：:]\s)|(?<=^))\s*"
    rf"(?=第[{_CN_NUM}\d]+[编篇章节条]|[{_CN_NUM}]{{1,3}}、|[（(][{_CN_NUM}]{{1,3}}[）)]|\d{{1,2}}[、．]|[（(]\d{{1,2}}[）)])"
)
_SENT_END = re.compile(r"(?<=[。；！？;!?\n])")
_SOFT_END = re.compile(r"(?<=[，,、：:）)])")
_TITLE_END = re.compile(r"[\n。；！？：:]|\s")


@dataclass
class _Unit:
    text: str
    page: int | None
    path: tuple[str, ...]   # heading labels, outermost first
    clause: str             # innermost clause label ("第八条", "（三）", "")
    starts_clause: bool     # first unit under a new heading
    level: int = 0          # the level of the heading that starts here (0: none)


# 一、 headings: a Markdown file's own top sections, never packed together; （一） and below are packed within one
# (each （一） its own passage left the staff-question chooser 32 of 71 tuning questions, top sections 43, none 41)
OWN_SECTION_LEVEL = 5

_NUMBER_CELL = re.compile(r"(?:(?<=\s)|^)[-+]?\d+(?:\.\d+)?%?(?=\s|$)")
_CROSS_REF = re.compile(r"^\s*(?:第[（(]?[一二三四五六七八九十\d]+[）)]?[款项目]|之[一二三四五六七八九十]|规定|的规定|所称|所列)")


def _table_row(line: str) -> bool:
    """A row of a table flattened to text: a label followed by three or more numeric cells (一、上年结转 0 0 0 0)."""
    return len(_NUMBER_CELL.findall(line)) >= 3


def _heading(unit: str) -> tuple[int, str, str] | None:
    """(level, label, display) for a unit that opens a heading, else None.

    Not headings: table rows (a numbered label followed by numeric cells) and labels of row groups, cross-references
    to another text's
    article (第二十条第（一）项), and arabic-numbered list items that are sentences or formulas ((16)S1为空，输出 / (3)).
    """
    s = unit.lstrip()
    lines = [ln for ln in s.split("\n") if ln.strip()]
    if not lines or _table_row(lines[0]):
        return None
    below = lines[1:4]
    if below and sum(map(_table_row, below)) * 2 > len(below) and len(lines[0]) <= 20:
        return None   # the label of a group of table rows ((三)不予公开 above 1.属于国家秘密 0 0 0 …)
    for level, pat in _HEADINGS:
        m = pat.match(s)
        if m:
            label = m.group(0)
            rest = s[m.end():]
            if level <= 4 and _CROSS_REF.match(rest):
                return None
            if level >= 5:  # 一、标题 / （一）标题: show the short title with the number
                cut = _TITLE_END.search(rest)
                title = rest[: cut.start() if cut else len(rest)][:20]
                if level >= 7 and (re.search(r"[，,=]", title) or not re.search("[\u4e00-\u9fff]", title)):
                    return None   # 1. / (1) items that are sentences or formulas; 一、/（一） titles may hold commas
                display = (m.group(0) + title).strip()
            else:
                display = label
            return level, label, display
    return None


def _split_long(text: str, limit: int) -> list[str]:
    """A sentence longer than a passage: cut at commas, then hard at ``limit``."""
    if len(text) <= limit:
        return [text]
    parts, cur = [], ""
    for piece in _SOFT_END.split(text):
        while len(piece) > limit:
            if cur:
                parts.append(cur)
                cur = ""
            parts.append(piece[:limit])
            piece = piece[limit:]
        if len(cur) + len(piece) > limit:
            parts.append(cur)
            cur = piece
        else:
            cur += piece
    if cur:
        parts.append(cur)
    return [p for p in parts if p.strip()]


def _units(sections: list[Section], limit: int) -> list[_Unit]:
    out: list[_Unit] = []
    stack: list[tuple[int, str, str]] = []  # (level, label, display)
    for section in sections:
        base = tuple(h for h in section.heading_path if h)
        for block in _HEAD_START.split(section.text):
            if not block.strip():
                continue
            head = _heading(block)
            if head:
                while stack and stack[-1][0] >= head[0]:
                    stack.pop()
                stack.append(head)
            path = base + tuple(d for _, _, d in stack)
            clause = stack[-1][1] if stack else ""
            first = head is not None
            level = head[0] if head else 0
            for sent in _SENT_END.split(block):
                if not sent.strip():
                    continue
                for piece in _split_long(sent, limit):
                    out.append(_Unit(piece, section.page, path, clause, first, level if first else 0))
                    first = False
        stack = [] if section.heading_path else stack
    return out


def _bare_heading(u: _Unit) -> bool:
    return u.starts_clause and len(u.text.strip()) <= 30 and not re.search(r"[。；！？]", u.text)


def _pack(units: list[_Unit], size: int, overlap: int, limit: int, *, own_level: int = 0) -> list[list[_Unit]]:
    """Greedy windows of whole units; prefer ending where a clause ends; overlap by whole units. ``own_level``:
    a heading of this level or an outer one always starts a new window, however short the one before."""
    windows: list[list[_Unit]] = []
    i, n = 0, len(units)
    while i < n:
        win: list[_Unit] = []
        length = 0
        j = i
        while j < n:
            u = len(units[j].text)
            if win and length + u > size:
                # let a clause finish if it fits the hard limit and ends right after this unit
                ends_clause = j + 1 >= n or units[j + 1].starts_clause
                if not (ends_clause and length + u <= limit and not units[j].starts_clause):
                    break
            if win and units[j].starts_clause and length >= size * 0.6:
                break  # a new clause starts and this window is already well filled
            if win and 0 < units[j].level <= own_level and not _bare_heading(win[-1]):
                break
            win.append(units[j])
            length += u
            j += 1
        while len(win) > 1 and j < n and _bare_heading(win[-1]):
            win.pop()  # a heading belongs with the text under it, not at the end of a window
            j -= 1
        windows.append(win)
        if j >= n:
            break
        # next window starts `overlap` characters back, in whole units, but always moves forward
        back, k = 0, j
        while k - 1 > i and back + len(units[k - 1].text) <= overlap and not units[k].starts_clause:
            k -= 1
            back += len(units[k].text)
        i = max(k, i + 1)
    return windows


def _dominant(win: list[_Unit]) -> _Unit:
    """The unit whose heading covers most of the window: that is the source label staff see."""
    weight: dict[tuple[str, ...], int] = {}
    for u in win:
        weight[u.path] = weight.get(u.path, 0) + len(u.text)
    best = max(weight, key=lambda k: weight[k])
    return next(u for u in win if u.path == best)


def _strip_joined(parts: list[str]) -> str:
    text = "".join(parts)
    return re.sub(r"[ \t\u3000\xa0]{2,}", " ", text).strip()


def chunk_document(doc: LoadedDocument, doc_id: str, settings: Settings) -> list[Chunk]:
    """Chunks for one document, ordinals from 0; passages never exceed ``settings.max_passage_chars``."""
    if doc.kind == "faq":
        return [
            Chunk(doc_id=doc_id, ordinal=i, text=e.answer.strip(), title=doc.title, kind="faq",
                  heading_path=e.category, category=e.category, questions=[q for q in e.questions if q],
                  answer=e.answer.strip(), date=doc.date)
            for i, e in enumerate(doc.faq)
            if e.question.strip() and e.answer.strip()
        ]
    limit = max(50, settings.max_passage_chars)
    size = min(max(50, settings.chunk_size), limit)
    overlap = max(0, min(settings.chunk_overlap, size // 2))
    units = _units(doc.sections, limit)
    chunks: list[Chunk] = []
    # a Markdown file's sections are marked by its author: a passage never runs from one top section of a guide
    # into the next ("八、风险识别与升级处置" into "九、服务忌语与替代说法"), so its label names what it holds
    own = OWN_SECTION_LEVEL if doc.source.lower().endswith((".md", ".markdown")) else 0
    for win in _pack(units, size, overlap, limit, own_level=own):
        text = _strip_joined([u.text for u in win])[:limit]
        if not text:
            continue
        lead = _dominant(win)
        chunks.append(Chunk(doc_id=doc_id, ordinal=len(chunks), text=text, title=doc.title,
                            kind="passage", heading_path=" > ".join(lead.path), clause=lead.clause,
                            page=win[0].page, date=doc.date))
    return chunks
