"""Size limits for one document, checked before the expensive work (parsing, unzipping, embedding).

A 745 KB DOCX that unzips to 300 MB of paragraphs, or a 50 MB text that becomes 44,000 passages, must be refused
from what the file says about itself (its size, its zip directory, its page count) before a parser or the embedder
sees it: otherwise one upload holds the write lock for hours or takes the shared page process down. Each refusal is
an ``IngestError`` whose sentence names the limit and what to do. The values come from ``Settings`` (env vars).
"""
from __future__ import annotations

import os
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.documents.common import cannot_read
from assistant.documents.model import IngestError, Status

MB = 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".csv", ".tsv", ".json", ".xml")
_ADMIN = "如确需放宽，请管理员调整设置 {env}"
_EOCD = b"PK\x05\x06"


@dataclass(frozen=True)
class Limits:
    max_file_mb: float = 50.0
    max_text_file_mb: float = 10.0
    max_inflated_mb: float = 100.0
    max_zip_entries: int = 5000
    max_pages: int = 1000
    max_chars: int = 1_000_000
    max_chunks: int = 3000

    @classmethod
    def of(cls, settings: Settings) -> "Limits":
        return cls(**{k: getattr(settings, k) for k in cls.__dataclass_fields__})


def _mb(n: float) -> str:
    return f"{n / MB:.1f} MB" if n < 10 * MB else f"{n / MB:.0f} MB"


def _limit_mb(v: float) -> str:
    return f"{v:g} MB"


def _too_big(name: str, what: str, todo: str, env: str) -> IngestError:
    return cannot_read(name, Status.UNSUPPORTED, f"{what}；{todo}（{_ADMIN.format(env=env)}）")


def check_file(path: Path, name: str, limits: Limits) -> None:
    """Refuse a file whose size, zip directory or page count is over a limit, reading only its headers."""
    size = check_size(path, name, limits)
    suffix = Path(name).suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        _check_zip(path, name, size, limits)
    elif head.startswith(b"%PDF") or suffix == ".pdf":
        _check_pdf_pages(path, name, limits)


def check_size(path: Path, name: str, limits: Limits) -> int:
    """The file's size in bytes, refused when over a size limit (from the directory entry: nothing is read)."""
    size = os.stat(path).st_size
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_SUFFIXES and size > limits.max_text_file_mb * MB:
        raise _too_big(name, f"文字类文件有 {_mb(size)}，超过 {_limit_mb(limits.max_text_file_mb)} 的上限",
                       "请按章节拆分成几个文件后再上传", "MAX_TEXT_FILE_MB")
    if size > limits.max_file_mb * MB:
        raise _too_big(name, f"文件有 {_mb(size)}，超过单个文件 {_limit_mb(limits.max_file_mb)} 的上限",
                       "请拆分成几个较小的文件，或删去其中的图片后再上传", "MAX_FILE_MB")
    return size


def _declared_entries(path: Path, size: int) -> int | None:
    """The member count the end-of-central-directory record declares (read before zipfile builds one object per
    member: a 50 MB zip can declare a million members). None when the record is not found."""
    with open(path, "rb") as fh:
        fh.seek(max(0, size - 65_557))
        tail = fh.read()
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        return None
    return struct.unpack("<H", tail[at + 10:at + 12])[0]


def _check_zip(path: Path, name: str, size: int, limits: Limits) -> None:
    declared = _declared_entries(path, size)
    if declared is not None and (declared == 0xFFFF or declared > limits.max_zip_entries):
        shown = "六万五千个以上" if declared == 0xFFFF else f"{declared} 个"
        raise _too_big(name, f"文件内部有{shown}部件，超过 {limits.max_zip_entries} 个的上限（可能是异常文件）",
                       "请用 Word/WPS/Excel 打开后另存一份再上传", "MAX_ZIP_ENTRIES")
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > limits.max_zip_entries:
                raise _too_big(name, f"文件内部有 {len(members)} 个部件，超过 {limits.max_zip_entries} 个的上限"
                               "（可能是异常文件）", "请用 Word/WPS/Excel 打开后另存一份再上传", "MAX_ZIP_ENTRIES")
            # zipfile stops each member at its declared size (and fails the CRC past it), so the declared total
            # bounds what any reader of this container can inflate
            inflated = sum(m.file_size for m in members)
            if inflated > limits.max_inflated_mb * MB:
                raise _too_big(name, f"文件解压后有 {_mb(inflated)}，超过 {_limit_mb(limits.max_inflated_mb)} 的上限"
                               f"（压缩前只有 {_mb(size)}，可能是异常文件或“压缩炸弹”）",
                               "请用 Word/WPS 打开后另存，或拆分成几个文件后再上传", "MAX_INFLATED_MB")
            pages = _container_pages([m.filename for m in members])
    except zipfile.BadZipFile:
        return   # the loader says the file is damaged, in its own words
    if pages > limits.max_pages:
        raise _pages(name, pages, limits)


_SLIDE = re.compile(r"^ppt/slides/slide\d+\.xml$")
_OFD_PAGE = re.compile(r"^Doc_\d+/Pages/Page_\d+/Content\.xml$", re.IGNORECASE)


def _container_pages(names: list[str]) -> int:
    """Slides of a PPTX or pages of an OFD, counted from the zip directory (0 for other containers)."""
    return max(sum(1 for n in names if _SLIDE.match(n)), sum(1 for n in names if _OFD_PAGE.match(n)))


def _pages(name: str, pages: int, limits: Limits) -> IngestError:
    return _too_big(name, f"文件有 {pages} 页，超过 {limits.max_pages} 页的上限", "请按章节拆分成几个文件后再上传",
                    "MAX_PAGES")


def _check_pdf_pages(path: Path, name: str, limits: Limits) -> None:
    """The page count from the PDF's page tree (no page is parsed); unreadable or encrypted ones are left to the
    loader, which explains them."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        if reader.is_encrypted:
            return
        pages = len(reader.pages)
    except Exception:  # noqa: BLE001 - a damaged PDF is the loader's to explain
        return
    if pages > limits.max_pages:
        raise _pages(name, pages, limits)


def _chars(n: int) -> str:
    return f"{n / 10_000:.1f} 万字".replace(".0 万", " 万") if n >= 10_000 else f"{n} 字"


def check_chars(name: str, chars: int, limits: Limits) -> None:
    """After loading, before chunking and embedding."""
    if chars > limits.max_chars:
        raise _too_big(name, f"文件有 {_chars(chars)}，超过 {_chars(limits.max_chars)}的上限",
                       "请按章节拆分成几个文件后再上传", "MAX_CHARS")


def check_chunks(name: str, chunks: int, limits: Limits) -> None:
    """After chunking, before embedding (each passage costs embedding time under the write lock)."""
    if chunks > limits.max_chunks:
        raise _too_big(name, f"文件切分后有 {chunks} 段，超过每个文件 {limits.max_chunks} 段的上限",
                       "请按章节拆分成几个文件后再上传", "MAX_CHUNKS")
