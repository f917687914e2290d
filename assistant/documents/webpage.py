"""Saved web pages (.html/.htm): the article text without scripts, menus, footers and share bars.

Many policies reach trainers as a page saved from a government site; the page chrome (navigation,
breadcrumb, 打印/关闭, related links, copyright footer) would otherwise become passages.
"""
from __future__ import annotations

import re
from pathlib import Path

from assistant.documents.cleaning import clean_cell, clean_text
from assistant.documents.common import (cannot_read, choose_title, extract_date, first_meaningful_line,
                                        sensible_title)
from assistant.documents.model import LoadedDocument, Section, Status
from assistant.documents.quality import looks_garbled
from assistant.documents.text import UndecodableError, decode_bytes

_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "svg", "button", "select", "template", "head")
_CHROME = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|crumb|footer|header|sidebar|share|social"
                     r"|comment|copyright|related|recommend|toolbar|pager|pagination|advert|banner|login"
                     r"|topbar|bottom)(?:$|[\s_-])", re.IGNORECASE)
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2",
          "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tbody", "thead", "tr", "br", "hr",
          "center", "address", "figure", "figcaption"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def _decode(data: bytes) -> str:
    m = _META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        enc = "gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_bytes(data)


def html_to_text(markup: str) -> tuple[str, str]:
    """(page title, article text with one block per line)."""
    import lxml.html

    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    root = lxml.html.document_fromstring(markup or "<html></html>")
    head_title = root.findtext(".//title") or ""
    for el in list(root.iter(*_DROP_TAGS)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        marker = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if el.tag not in ("html", "body") and _CHROME.search(marker):
            el.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ("td", "th"):
            el.tail = " | " + (el.tail or "")
        elif el.tag in _BLOCK:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    h1 = root.find(".//h1")
    body = root.find(".//body")
    text = (body if body is not None else root).text_content()
    text = re.sub(r"[ \t]*\|[ \t]*(?=\n|$)", "", text)
    if h1 is not None and h1.text_content().strip():
        return h1.text_content().strip(), text
    # "关于…的通知 - 某市人民政府": drop the site name after the last separator
    return re.split(r"\s+[-_|｜]\s+(?=[^-_|｜]*$)", head_title.strip())[0], text


MAX_DEPTH = 255   # libxml2 stops building the tree past this depth and drops what is deeper, without an error
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*?(/?)>")
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr",
         "param", "keygen"}


def nesting_depth(markup: str) -> int:
    """The deepest element nesting in the markup, from the tags alone (no tree is built)."""
    depth = deepest = 0
    for closing, tag, selfclosing in _TAG.findall(markup):
        if tag.lower() in _VOID or selfclosing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def load_html(path: Path, name: str, title: str | None = None) -> LoadedDocument:
    try:
        markup = _decode(path.read_bytes())
    except UndecodableError:
        raise cannot_read(name, Status.GARBLED, "无法识别网页的文字编码，请在浏览器中另存为 UTF-8 网页后再上传") from None
    try:
        page_title, raw = html_to_text(markup)
    except Exception as exc:  # noqa: BLE001 - lxml raises parser errors of several kinds
        raise cannot_read(name, Status.BROKEN, "网页文件无法解析，请重新保存网页或复制正文为 TXT 后上传") from exc
    text = clean_text(raw, web=True)
    if not text and nesting_depth(markup) >= MAX_DEPTH:
        raise cannot_read(name, Status.BROKEN, f"网页的标签嵌套超过 {MAX_DEPTH} 层（可能是异常或自动生成的页面），"
                          "解析器读不到里面的文字；请在浏览器中打开，把正文复制到 TXT 文件后再上传")
    if not text:
        raise cannot_read(name, Status.EMPTY, "网页里没有正文文字，请确认保存的是正文页面")
    if looks_garbled(text, expect_chinese=any("\u4e00" <= ch <= "\u9fff" for ch in name)):
        raise cannot_read(name, Status.GARBLED, "网页文字是乱码，请在浏览器中另存为 UTF-8 网页后再上传")
    page_title = sensible_title(clean_cell(page_title))
    return LoadedDocument(
        title=choose_title(title, page_title, first_meaningful_line(text), fallback=path.stem),
        source=name, kind="policy", sections=[Section(text=text)], date=extract_date(text))
