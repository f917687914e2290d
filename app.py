"""窗口助手 Streamlit entry: sign-in, then the pages this account may see. Pages live in assistant/ui/views/."""
from pathlib import Path

import streamlit as st

from assistant.ui import auth

# the icon is a file the app serves itself: a Material or emoji shortcode makes the browser fetch it from the internet
st.set_page_config(page_title="窗口助手", page_icon=str(Path(__file__).parent / "assistant/ui/icon.png"), layout="wide")

account = auth.gate()
auth.sidebar(account)
pages = {"窗口": [st.Page("assistant/ui/views/workbench.py", title="工作台", icon=":material/forum:", default=True),
                 st.Page("assistant/ui/views/practice.py", title="练习", icon=":material/school:")]}
if account.is_trainer:
    pages["知识库管理"] = [
        st.Page("assistant/ui/views/documents.py", title="文档管理", icon=":material/library_books:"),
        st.Page("assistant/ui/views/faq.py", title="FAQ 编辑", icon=":material/edit_note:"),
        st.Page("assistant/ui/views/gaps.py", title="知识缺口", icon=":material/help_center:"),
        st.Page("assistant/ui/views/hot.py", title="热点问题", icon=":material/trending_up:"),
        st.Page("assistant/ui/views/practice_admin.py", title="练习与案例", icon=":material/model_training:"),
        st.Page("assistant/ui/views/audit.py", title="审计日志", icon=":material/history:"),
        st.Page("assistant/ui/views/accounts.py", title="账号", icon=":material/group:"),
    ]
st.navigation(pages).run()
