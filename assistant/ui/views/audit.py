"""知识库管理 · 审计日志: who added, replaced, deleted or edited what, and when."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.feedback.audit import ACTION_ZH, audit_entries
from assistant.ui import auth, resources
from assistant.ui.common import local_time

auth.require_trainer()
st.title("审计日志")
col1, col2 = st.columns(2)
action = col1.selectbox("操作", [""] + list(ACTION_ZH), key="audit_action",
                        format_func=lambda a: ACTION_ZH.get(a, "全部"))
user = col2.text_input("操作人", key="audit_user")
entries = audit_entries(resources.engine(), action=action or None, user=user.strip() or None)
if not entries:
    st.caption("没有符合条件的记录。")
else:
    st.dataframe(pd.DataFrame([{"时间": local_time(e.at), "操作人": e.user, "操作": e.action_zh, "对象": e.target,
                                "说明": e.detail} for e in entries]), hide_index=True, width="stretch")
