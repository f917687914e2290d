"""知识库管理 · 账号: add accounts, reset a password (a one-time password shown once), disable or enable, change
the role, and see who signed in when. Every action re-checks the trainer role in the database."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.sessions import end_all, last_sign_in
from assistant.ui import auth, resources
from assistant.ui.common import local_time, page_header, plain
from assistant.users import (MIN_PASSWORD, ROLE_ZH, ROLES, AccountError, add_account, list_accounts,
                             one_time_password, require_trainer, set_disabled, set_password, set_role)

account = auth.require_trainer()
engine = resources.engine()
page_header("账号", "acct_flash")
if shown := st.session_state.pop("acct_once", None):  # a reset password: shown once, on this run only
    who, secret = shown
    st.warning(f"{plain(who)} 的临时密码（只显示这一次，请当面告知本人，登录后在左侧“修改我的密码”里换掉）：")
    st.code(secret, language=None)

accounts = list_accounts(engine)
seen = last_sign_in(engine)
st.dataframe(pd.DataFrame([{"用户名": a.username, "显示名": a.display_name, "角色": ROLE_ZH[a.role],
                            "状态": "已停用" if a.disabled else "正常", "最近登录": local_time(seen.get(a.username)),
                            "创建时间": local_time(a.created_at)} for a in accounts]),
             hide_index=True, width="stretch", key="acct_table")


def _act(do, flash: str) -> None:
    try:
        require_trainer(engine, account.username)
        do()
    except (AccountError, PermissionError) as err:
        st.error(plain(err))
    else:
        st.session_state["acct_flash"] = flash
        st.rerun()


st.subheader("管理已有账号")
others = [a for a in accounts if a.username != account.username]
if not others:
    st.caption("还没有其他账号：在下面添加窗口工作人员的账号。")
else:
    by_name = {a.username: a for a in others}
    who = st.selectbox("选择账号", list(by_name), key="acct_pick",
                       format_func=lambda n: f"{n}（{by_name[n].display_name or ROLE_ZH[by_name[n].role]}"
                                             f"{'，已停用' if by_name[n].disabled else ''}）")
    target = by_name[who]
    reset_col, state_col, role_col = st.columns(3)
    with reset_col:
        st.markdown("**重置密码**")
        st.caption("生成一个临时密码，只显示一次；该账号已登录的页面会立即退出。")
        if st.button("重置密码", key="acct_reset"):
            temp = one_time_password()

            def _reset() -> None:
                set_password(engine, who, temp, by=account.username)
                end_all(engine, who)
                st.session_state["acct_once"] = (who, temp)
            _act(_reset, f"已重置 {who} 的密码。")
    with state_col:
        st.markdown("**停用 / 启用**")
        if target.disabled:
            st.caption("已停用：不能登录。启用后可用原密码登录。")
            if st.button("启用", key="acct_enable"):
                _act(lambda: set_disabled(engine, who, False, by=account.username), f"已启用 {who}。")
        else:
            st.caption("停用后不能登录，已登录的页面会立即退出。")
            if st.button("停用", key="acct_disable"):
                _act(lambda: (set_disabled(engine, who, True, by=account.username), end_all(engine, who)),
                     f"已停用 {who}。")
    with role_col:
        st.markdown("**角色**")
        role = st.selectbox("角色", ROLES, index=ROLES.index(target.role), format_func=ROLE_ZH.get,
                            key=f"acct_role_{who}", label_visibility="collapsed")
        if st.button("修改角色", key="acct_role_go", disabled=role == target.role):
            _act(lambda: set_role(engine, who, role, by=account.username), f"已把 {who} 的角色改为{ROLE_ZH[role]}。")

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
            st.error(plain(err))
        else:
            st.session_state["acct_flash"] = f"已添加 {name}（{ROLE_ZH[role]}）。"
            st.rerun()
