"""Chinese for the words Streamlit's own widgets write in English (uploader, grid toolbar and menus, input hints).

Streamlit has no locale setting, so a small script in the page watches for those texts (text nodes, tooltips,
aria-labels, placeholders) and writes them in Chinese. Scripts go into one hidden container at the top of the page,
so they take no room.
"""
from __future__ import annotations

import json

import streamlit as st

# exact texts, as Streamlit 1.67's frontend writes them
WORDS: dict[str, str] = {
    "Drag and drop files here": "把文件拖到这里", "Drag and drop a file here": "把文件拖到这里",
    "Browse files": "选择文件", "Upload": "上传", "Add files": "添加文件", "Remove file": "移除文件",
    "Add row": "新增一行", "Delete row(s)": "删除选中行", "Download as CSV": "下载为 CSV", "Search": "搜索",
    "Fullscreen": "全屏", "Close fullscreen": "退出全屏", "Toggle fullscreen": "全屏", "Show/hide columns": "显示/隐藏列",
    "Sort ascending": "升序排列", "Sort descending": "降序排列", "Autosize": "自动列宽", "Pin column": "固定此列",
    "Unpin column": "取消固定", "Hide column": "隐藏此列", "Format": "格式", "Clear selection": "取消选择",
    "Select all": "全选", "Show data": "显示数据", "Show chart": "显示图表", "Download as PNG": "下载为 PNG",
    "Running...": "正在运行……", "Stop": "停止", "Rerun": "重新运行", "Clear cache": "清除缓存",
    "Copy to clipboard": "复制", "Copied to clipboard": "已复制", "Close": "关闭", "Cancel": "取消",
    "Press Enter to submit form": "按回车提交", "Press Enter to apply": "按回车确认",
    "No results": "没有结果", "Collapse sidebar": "收起侧栏", "Expand sidebar": "展开侧栏",
    "Show password text": "显示明文", "Hide password text": "隐藏明文", "Main menu": "主菜单",
    "Choose an option": "请选择", "Show password": "显示明文", "Hide password": "隐藏明文", "Open": "展开",
    "Sidebar": "侧栏", "Skip to main content": "跳到正文", "App pages": "页面导航", "Link to heading": "本节链接",
    "file upload": "上传文件", "Copy Vega-Lite spec": "复制图表定义", "Vega visualization": "图表",
    "Download as SVG": "下载为 SVG", "add icon": "添加", "Clear all": "全部清除", "Clear value": "清除", "No options to select": "没有可选项", "Expand": "展开", "Collapse": "收起",
    "Chat message from assistant": "助手的消息", "Chat message from user": "对方说的话", "Send message": "发送",
}
# texts with a varying part: [regular expression, replacement ($1 = the part)]
PATTERNS: list[tuple[str, str]] = [
    (r"^(\S+) per file$", "每个文件不超过 $1"),
    (r"^Press (.+) to (apply|submit form)$", "按 $1 确认"),
    (r"^Drag and drop (.+) here$", "把文件拖到这里"),
    (r"^Remove (.+)$", "移除 $1"),
    (r"^[a-z_]+ icon$", "图标"),   # a Material icon in Markdown (":material/check_circle:") is read as "check_circle icon"
]

_SCRIPT = """
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const win = doc.defaultView || window;
  if (win.__ckzsZh) return;
  win.__ckzsZh = true;
  const words = new Map(Object.entries(%s));
  const patterns = %s.map(([re, to]) => [new RegExp(re), to]);
  const zh = (s) => {
    const t = s.trim();
    if (!t || !/[A-Za-z]/.test(t)) return null;
    if (words.has(t)) return s.replace(t, words.get(t));
    for (const [re, to] of patterns) if (re.test(t)) return s.replace(t, t.replace(re, to));
    return null;
  };
  const ATTRS = ["title", "aria-label", "placeholder", "data-tooltip"];
  const fix = (root) => {
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      // text users or documents wrote (Markdown blocks, inputs, code) is never touched; a button's label is ours
      if (!p || p.closest("textarea,input,code,pre,script,style")) continue;
      if (p.closest("[data-testid=stMarkdownContainer]") && !p.closest("button")) continue;
      const to = zh(n.nodeValue);
      if (to !== null && to !== n.nodeValue) n.nodeValue = to;
    }
    const els = root.querySelectorAll ? root.querySelectorAll("[title],[aria-label],[placeholder]") : [];
    for (const el of els) for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (v) { const to = zh(v); if (to !== null && to !== v) el.setAttribute(a, to); }
    }
  };
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    win.requestAnimationFrame(() => { queued = false; fix(doc.body); });
  }).observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true,
                        attributeFilter: ["title", "aria-label", "placeholder"]});
  fix(doc.body);
})();
"""

HIDDEN = "<style>.st-key-ckzs_scripts { display: none !important; }</style>"


def holder():
    """The hidden container the page's scripts go in; make it first thing in a run (see auth.gate)."""
    st.html(HIDDEN)
    return st.container(key="ckzs_scripts")


def script(box, js: str) -> None:
    """Run ``js`` in the page from the hidden container ``box``."""
    with box:
        st.html(f"<script>{js}</script>", unsafe_allow_javascript=True)


def translate(box) -> None:
    """Write Streamlit's English widget texts in Chinese on this page (installed once per browser tab)."""
    script(box, _SCRIPT % (json.dumps(WORDS, ensure_ascii=False), json.dumps(PATTERNS, ensure_ascii=False)))
