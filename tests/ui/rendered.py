"""What a user reads on a page driven by AppTest: each Markdown element rendered as CommonMark (markdown-it, as the
browser's remark would), so escaped user text is checked as it shows, not as its backslashed source."""
from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered_html(at) -> str:
    """The page's text elements as the browser renders them (Markdown -> HTML); code blocks as literal text."""
    parts = []
    for kind in ("title", "markdown", "caption", "success", "info", "warning", "error", "subheader"):
        parts += [MD.render(str(e.value)) for e in at.get(kind)]
    parts += [MD.render(e.label) for e in at.expander]
    parts += ["<pre>" + html.escape(str(c.value)) + "</pre>" for c in at.code]
    return "\n".join(parts)


def seen(at) -> str:
    """What a user reads: the rendered HTML without its tags (and without the invisible word joiner that keeps an
    address from becoming a link)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered_html(at))).replace("\u2060", "")
