"""Plain text / Markdown files, and the byte decoding that CSV and HTML share.

Chinese office machines still save GBK/GB18030 by default, so decoding is strict and ordered:
UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 when the result is ordinary simplified
Chinese, then charset-normalizer's guess. Nothing is decoded with errors="replace": a file we
cannot decode is reported, never stored as mojibake.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from assistant.documents.cleaning import clean_text
from assistant.documents.common import cannot_read, choose_title, extract_date, first_meaningful_line
from assistant.documents.model import LoadedDocument, Section, Status
from assistant.documents.quality import looks_garbled


class UndecodableError(ValueError):
    """Bytes that are in no encoding we can trust."""


def _gb2312_share(text: str) -> float:
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return 1.0
    ok = 0
    for ch in han:
        try:
            ch.encode("gb2312")
            ok += 1
        except UnicodeEncodeError:
            pass
    return ok / len(han)


def decode_bytes(data: bytes) -> str:
    """Decode text bytes strictly; raise UndecodableError rather than guess into mojibake."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    gb = None
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    # Big5 bytes also decode as GB18030, into rare characters; real GBK text is ~all GB2312.
    if gb is not None and _gb2312_share(gb) >= 0.9:
        return gb
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    if gb is not None:
        return gb
    raise UndecodableError("unknown encoding")


def read_text_file(path: Path, name: str) -> str:
    try:
        return decode_bytes(path.read_bytes())
    except UndecodableError:
        raise cannot_read(name, Status.GARBLED, "无法识别文件的文字编码，请用记事本另存为 UTF-8 编码后再上传") from None


def load_text(path: Path, name: str, title: str | None = None) -> LoadedDocument:
    raw = read_text_file(path, name)
    text = clean_text(raw, web=True)
    expect_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in name)
    if not text.strip():
        raise cannot_read(name, Status.EMPTY, "文件里没有文字内容，请检查是否选错了文件")
    if looks_garbled(text, expect_chinese=expect_chinese):
        raise cannot_read(name, Status.GARBLED, "文字是乱码，请用记事本另存为 UTF-8 编码后再上传")
    return LoadedDocument(
        title=choose_title(title, first_meaningful_line(text), fallback=path.stem),
        source=name, kind="policy", sections=[Section(text=text)], date=extract_date(text))
