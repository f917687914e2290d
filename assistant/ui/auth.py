"""Sign-in for the page: own bcrypt login (offline), first-trainer set-up, and the server-side role check.

The session keeps only the username plus an HMAC of it under a per-process secret; the role is re-read from the
database on every run, so neither editing session state nor typing a page's URL grants trainer rights.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

import streamlit as st

from assistant.ui import resources
from assistant.users import (MIN_PASSWORD, ROLE_ZH, Account, AccountError, count_accounts, create_first_trainer,
                             get_account, sign_in)

USER_KEY = "auth_user"
SIG_KEY = "auth_sig"


@st.cache_resource
def _secret() -> bytes:
    return secrets.token_bytes(32)


def _sign(username: str) -> str:
    return hmac.new(_secret(), username.encode("utf-8"), hashlib.sha256).hexdigest()


def _remember(account: Account) -> None:
    st.session_state[USER_KEY] = account.username
    st.session_state[SIG_KEY] = _sign(account.username)


def sign_out() -> None:
    for key in (USER_KEY, SIG_KEY, "turns"):
        st.session_state.pop(key, None)


def current_account() -> Account | None:
    """The signed-in, enabled account as the database sees it now; None when not signed in (or tampered with)."""
    name = st.session_state.get(USER_KEY)
    sig = st.session_state.get(SIG_KEY)
    if not isinstance(name, str) or not isinstance(sig, str) or not hmac.compare_digest(sig, _sign(name)):
        return None
    account = get_account(resources.engine(), name)
    if account is None or account.disabled:
        sign_out()
        return None
    return account


def require_trainer() -> Account:
    """Top of every trainer page: stop with a refusal unless the database says this user is a trainer."""
    account = current_account()
    if account is None or not account.is_trainer:
        st.error("此页面仅限培训管理员使用：请用培训管理员账号登录。")
        st.stop()
    return account


def _first_trainer_form() -> None:
    st.info("欢迎使用窗口助手。系统里还没有任何账号：请先创建第一个培训管理员账号（用于管理知识库和其他账号）。")
    with st.form("first_trainer"):
        username = st.text_input("用户名", key="first_user")
        display = st.text_input("显示名（可选，如真实姓名）", key="first_display")
        password = st.text_input(f"密码（至少 {MIN_PASSWORD} 个字符）", type="password", key="first_password")
        again = st.text_input("再输入一次密码", type="password", key="first_password2")
        submitted = st.form_submit_button("创建并登录", type="primary", key="first_submit")
    if submitted:
        if password != again:
            st.error("两次输入的密码不一致，请重新输入。")
            return
        try:
            account = create_first_trainer(resources.engine(), username, password, display)
        except AccountError as err:
            st.error(str(err))
            return
        _remember(account)
        st.rerun()


def _login_form() -> None:
    with st.form("login"):
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录", type="primary", key="login_submit")
    st.caption("忘记密码或需要新账号，请联系培训管理员（命令：`python -m assistant.users passwd 用户名`）。")
    if submitted:
        cfg = resources.settings()
        try:   # throttled and audited (assistant.users.sign_in)
            account = sign_in(resources.engine(), username, password, max_failures=cfg.login_max_failures,
                              lock_minutes=cfg.login_lock_minutes)
        except AccountError as err:
            st.error(str(err))
            return
        _remember(account)
        st.rerun()


def gate() -> Account:
    """Return the signed-in account, or show the sign-in (or first-account) form and stop the run."""
    account = current_account()
    if account is not None:
        return account
    st.title("窗口助手")
    if count_accounts(resources.engine()) == 0:
        _first_trainer_form()
    else:
        _login_form()
    st.stop()
    raise RuntimeError("unreachable")  # pragma: no cover


def sidebar(account: Account) -> None:
    with st.sidebar:
        st.markdown(f"**{account.label}**　{ROLE_ZH.get(account.role, account.role)}")
        if st.button("退出登录", key="sign_out"):
            sign_out()
            st.rerun()
