"""知识库管理 · 账号: add staff or trainer accounts, disable them (the CLI does the same)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.ui import auth, resources
from assistant.ui.common import local_time, page_header
from assistant.users import (MIN_PASSWORD, ROLE_ZH, ROLES, AccountError, add_account, list_accounts,
                             require_trainer, set_disabled)

account = auth.require_trainer()
engine = resources.engine()
page_header("账号", "acct_flash")
accounts = list_accounts(engine)
st.dataframe(pd.DataFrame([{"用户名": a.username, "显示名": a.display_name, "角色": ROLE_ZH[a.role],
                            "状态": "已停用" if a.disabled else "正常", "创建时间": local_time(a.created_at)}
                           for a in accounts]), hide_index=True, width="stretch")

st.subheader("添加账号")
with st.form("add_account", clear_on_submit=True):
    name = st.text_input("用户名", key="new_user")
    display = st.text_input("显示名（可选）", key="new_display")
    role = st.selectbox("角色", ROLES, format_func=ROLE_ZH.get, key="new_role")
    password = st.text_input(f"初始密码（至少 {MIN_PASSWORD} 个字符，请当面告知本人）", type="password", key="new_password")
    if st.form_submit_button("添加", key="new_submit"):
        try:
            require_trainer(engine, account.username)
            add_account(engine, name, password, role, display, by=account.username)
        except (AccountError, PermissionError) as err:
            st.error(str(err))
        else:
            st.session_state["acct_flash"] = f"已添加 {name}（{ROLE_ZH[role]}）。"
            st.rerun()

others = [a.username for a in accounts if a.username != account.username and not a.disabled]
if others:
    st.subheader("停用账号")
    who = st.selectbox("选择账号", others, key="disable_pick")
    if st.button("停用", key="disable_go"):
        require_trainer(engine, account.username)
        set_disabled(engine, who, True, by=account.username)
        st.session_state["acct_flash"] = f"已停用 {who}。"
        st.rerun()
