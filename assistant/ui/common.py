"""Small display helpers shared by the pages (labels, times, the 示例 notice, user text as text); no business logic."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import streamlit as st

from assistant.config import Settings
from assistant.store.kb import KnowledgeBase

STATUS_ZH = {"ready": "可用", "encrypted": "已加密", "scanned": "扫描件无文字", "garbled": "乱码",
             "empty": "无内容", "unsupported": "格式不支持", "broken": "文件损坏", "failed": "失败",
             "review": "待确认（暂不引用）"}
KIND_ZH = {"policy": "政策文件", "faq": "FAQ 表"}
LOCAL = ZoneInfo("Asia/Shanghai")

# every ASCII punctuation character may be backslash-escaped in CommonMark and then shows as itself
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured Markdown turns bare web addresses and e-mail addresses into links after parsing, escapes or not;
# an invisible word joiner after the scheme, "www" or "@" keeps them text (a link to outside in a passage is never
# meant to be clicked from the workbench)
NO_LINK = "\u2060"
_AUTOLINK = re.compile(r"(?i)((?:https?|www)(?=[:.])|@)")


def plain(text: object) -> str:
    """Text for st.markdown (and the labels, alerts and captions that render Markdown) that shows exactly as written.

    Anything the citizen or staff typed, and anything derived from it or from an uploaded document (citations,
    related entries, variants, observations, tone-check spans), goes through here before it is put into Markdown:
    "110*******1234" keeps its asterisks, "# 标题", "<b>x</b>", "[链接](http://x)", "$5$" and ":red[x]" show literally.
    Line breaks stay line breaks; leading spaces are dropped so an indented line does not become a code block; a web
    or e-mail address stays text (an invisible word joiner, ``NO_LINK``, keeps the browser from linking it).
    """
    text = _AUTOLINK.sub("\\1" + NO_LINK, str(text or ""))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_MD_SPECIAL.sub(r"\\\1", line.lstrip(" \t")) for line in lines)


def local_time(at: datetime | None) -> str:
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def shipped_names(cfg: Settings) -> set[str]:
    from assistant.firstrun import shipped_sources

    return {p.name for p in shipped_sources(cfg)}


def is_sample(source: str, cfg: Settings) -> bool:
    return source in shipped_names(cfg)


def sample_notice(kb: KnowledgeBase) -> None:
    """Say plainly when answers come from the project's demonstration content, not the office's own documents."""
    names = shipped_names(kb.settings)
    shown = [d.title for d in kb.documents() if d.source in names]
    if shown:
        st.info("**示例**：当前知识库含项目自带的示例知识（" + "、".join(f"《{t}》" for t in shown) +
                "），仅供演示和试用；正式使用前，请培训管理员上传本单位的政策文件和标准答案，并删除示例。")


def page_header(title: str, flash_key: str) -> None:
    """Title, then the message an action left for this page before its rerun (shown as written: it names files,
    titles and questions users typed)."""
    st.title(title)
    if flash := st.session_state.pop(flash_key, None):
        st.success(plain(flash))
