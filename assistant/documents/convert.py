"""Legacy office formats (.doc/.wps/.ppt/.xls) through LibreOffice headless, found on PATH.

LibreOffice is the reference converter: it reads Word 97-2003, WPS 文字, PowerPoint 97-2003 and Excel 97-2003 and
writes the OOXML that the DOCX / PPTX / XLSX loaders already read. Each call runs in a private profile folder
(concurrent conversions would otherwise fight over the user's profile lock) under a total deadline. Without
LibreOffice nothing else breaks: these files get a sentence saying what to install.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.documents.common import cannot_read
from assistant.documents.model import Status

CONVERTERS = ("soffice", "libreoffice")
TIMEOUT_S = 180
TARGET = {".doc": "docx", ".wps": "docx", ".ppt": "pptx", ".dps": "pptx", ".xls": "xlsx", ".et": "xlsx"}
INSTALL_HINT = ("本机没有安装 LibreOffice，无法转换这种格式；请管理员安装（Debian/Ubuntu："
                "apt-get install libreoffice-writer-nogui libreoffice-impress-nogui libreoffice-calc-nogui）后重试，"
                "或用 Word/WPS 另存为 DOCX 或 PDF 后再上传")


def converter() -> str | None:
    return next((found for name in CONVERTERS if (found := shutil.which(name))), None)


def convert(path: Path, name: str, suffix: str, workdir: Path) -> Path:
    """Convert ``path`` (a ``suffix`` file) into ``workdir``; returns the converted file or raises IngestError."""
    exe = converter()
    if exe is None:
        raise cannot_read(name, Status.UNSUPPORTED, INSTALL_HINT)
    target = TARGET[suffix]
    source = workdir / f"input{suffix}"   # LibreOffice picks its import filter by suffix; user names stay out of argv
    shutil.copyfile(path, source)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=workdir))
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", target, "--outdir", str(workdir), str(source)]
    env = {**os.environ, "HOME": str(profile)}
    try:
        subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise cannot_read(name, Status.FAILED, f"格式转换超过 {TIMEOUT_S} 秒仍未完成，请用 Word/WPS 另存为 DOCX 或 PDF 后再上传") from exc
    except OSError as exc:
        raise cannot_read(name, Status.FAILED, "格式转换程序无法启动，请联系管理员检查 LibreOffice 安装") from exc
    out = workdir / f"input.{target}"
    if not out.is_file() or out.stat().st_size == 0:
        raise cannot_read(name, Status.BROKEN, "文件无法转换（可能已损坏或不是真正的 Office 文件），"
                                               "请用 Word/WPS 打开后另存为 DOCX 或 PDF 再上传")
    return out


def load_converted(path: Path, name: str, suffix: str, title: str | None = None):
    """Convert then load with the OOXML loader; the document keeps the uploaded name."""
    with tempfile.TemporaryDirectory(prefix="convert-") as tmp:
        out = convert(path, name, suffix, Path(tmp))
        target = TARGET[suffix]
        if target == "docx":
            from assistant.documents.office import load_docx

            doc = load_docx(out, name, title=title)
        elif target == "pptx":
            from assistant.documents.slides import load_pptx

            doc = load_pptx(out, name, title=title)
        else:
            from assistant.documents.faq_table import load_faq_table

            doc = load_faq_table(out, name, title=title)
    if doc.title in ("input", "Input"):
        doc.title = Path(name).stem
    return doc
