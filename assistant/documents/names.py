"""File names as users give them, and the names files are stored under.

An upload's name comes from the browser: an 85-character official title is over the 255-byte limit of most file
systems, and a name may hold ``..``, a path, NUL or control characters. The name shown to users (and kept in the
registry) is that name made printable; the name a file is written under is derived from it — a hash plus a
shortened safe part and the suffix — so no upload name can fail to store, overwrite another or leave its folder.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath

UNNAMED = "未命名文件"
MAX_SHOWN = 200          # characters of a displayed name (the registry column holds 500)
MAX_STORED_BYTES = 120   # well under the usual 255-byte limit, leaving room for a folder's own suffixes
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def display_name(raw: str) -> str:
    """The last path component, without control characters (NUL included); ``未命名文件`` when nothing is left."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", raw or "")
                   if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch == "\u200d")
    name = PurePosixPath(text.replace("\\", "/")).name.strip()
    if not name or set(name) <= {"."}:
        return UNNAMED
    if len(name) > MAX_SHOWN:
        suffix = _suffix(name)
        name = name[:MAX_SHOWN - len(suffix) - 1] + "…" + suffix
    return name


def _suffix(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return suffix.lower() if _SUFFIX.match(suffix) else ""


def _utf8_prefix(text: str, limit: int) -> str:
    out = text.encode("utf-8")[:limit]
    return out.decode("utf-8", "ignore")


def stored_name(raw: str) -> str:
    """A name any file system accepts: ``<12 hex of the shown name's hash>-<safe prefix><.suffix>``."""
    shown = display_name(raw)
    digest = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:12]
    suffix = _suffix(shown)
    stem = shown[:len(shown) - len(suffix)] if suffix else shown
    safe = _UNSAFE.sub("_", stem).strip(" .") or "file"
    safe = _utf8_prefix(safe, MAX_STORED_BYTES - len(digest) - 1 - len(suffix))
    return f"{digest}-{safe}{suffix}"


def storable(name: str) -> bool:
    """True when ``name`` can be written as it is (short, printable, a plain file name)."""
    return (bool(name) and name == display_name(name) and not _UNSAFE.search(name)
            and len(name.encode("utf-8")) <= MAX_STORED_BYTES)
