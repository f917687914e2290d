"""First-run guides: what a new trainer does next (accounts, own documents, the sample KB), what staff type."""
from __future__ import annotations

import streamlit as st

from assistant.store.kb import KnowledgeBase
from assistant.ui.common import shipped_names
from assistant.users import Account, list_accounts

TRAINER_STEPS = (
    "在“账号”页为窗口工作人员添加账号（角色选“窗口工作人员”），初始密码当面告知本人。",
    "在“文档管理”页上传本单位的政策文件（PDF、Word、TXT/MD、网页，可一次选多个）和标准答案表"
    "（FAQ：CSV 或 XLSX，列为 标准问题、相似问法、标准答案、分类、依据；可在“FAQ 编辑”页先导出示例表当模板）。",
    "本单位的材料上传后，在“文档管理”页选中标着“示例”的文档，在“删除”页签里删除它们：之后的回答只来自本单位的材料。",
    "回到工作台，试问几个本单位常被问到的问题，看依据和建议回复是否正确；答不上的问题会出现在“知识缺口”页。",
)
STAFF_HINT = ("在下方输入群众说的话或问的问题（可以原话照录，如“我身份证丢了，明天要坐飞机怎么办？”），回车后给出政策依据和"
              "建议回复；追问会结合前面的对话（如“那要带什么材料？”）。自己想问的做法也可以直接问"
              "（如“群众情绪激动时怎么沟通？”）。接待下一位时点右侧“新群众”。")


def needs_trainer_guide(kb: KnowledgeBase, account: Account) -> bool:
    """A trainer sees the guide until the office has its own documents and at least one staff account."""
    if not account.is_trainer or st.session_state.get("guide_dismissed"):
        return False
    if st.session_state.get("first_run_guide"):
        return True
    samples = shipped_names(kb.settings)
    own_docs = [d for d in kb.documents() if d.source not in samples]
    staff = [a for a in list_accounts(kb.engine) if a.role == "staff"]
    return not own_docs or not staff


def trainer_guide(kb: KnowledgeBase, account: Account) -> None:
    if not needs_trainer_guide(kb, account):
        return
    with st.container(border=True, key="trainer_guide"):
        st.markdown("**下一步：把窗口助手换成本单位的知识**")
        st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(TRAINER_STEPS, start=1)))
        with st.container(horizontal=True, key="trainer_guide_links"):
            st.page_link("assistant/ui/views/accounts.py", label="去添加账号", icon=":material/group:", width="content")
            st.page_link("assistant/ui/views/documents.py", label="去上传文档", icon=":material/library_books:",
                         width="content")
            st.page_link("assistant/ui/views/faq.py", label="去编辑 FAQ", icon=":material/edit_note:", width="content")
            if st.button("知道了，不再显示", key="guide_dismiss"):
                st.session_state["guide_dismissed"] = True
                st.session_state.pop("first_run_guide", None)
                st.rerun()
