"""Sign-in for the page: own bcrypt login (offline), first-trainer set-up, and the server-side role check.

A sign-in starts a session (assistant.sessions): the browser keeps its signed token in a cookie, so a refresh (F5)
finds the clerk still signed in; sign-out, disabling the account or a new password ends it. The session state holds
only that token; the account and its role are re-read from the database on every run, so neither editing session
state nor typing a page's URL grants trainer rights.
"""
from __future__ import annotations

import streamlit as st

import assistant.sessions as sessions
from assistant.ui import resources, zh
from assistant.users import (MIN_PASSWORD, ROLE_ZH, Account, AccountError, authenticate, count_accounts,
                             create_first_trainer, set_password, sign_in)

TOKEN_KEY = "auth_token"
COOKIE = "ckzs_session"
SIGNED_OUT = "auth_signed_out"


def _cookie_token() -> str | None:
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser request behind this run (AppTest): nothing to resume from
        return None


def _set_cookie(box, token: str) -> None:
    """The browser keeps the token (SameSite=Strict, this site's path only) until the idle time-out."""
    max_age = resources.settings().session_idle_minutes * 60 if token else 0
    zh.script(box, f"(window.parent || window).document.cookie = '{COOKIE}={token}; path=/; max-age={max_age}; SameSite=Strict';")


def _remember(account: Account) -> None:
    cfg = resources.settings()
    session = sessions.start(resources.engine(), cfg.data_dir, account)
    st.session_state[TOKEN_KEY] = session.token
    st.session_state.pop(SIGNED_OUT, None)


def _session() -> sessions.Session | None:
    cfg = resources.settings()
    token = st.session_state.get(TOKEN_KEY)
    if token is None and not st.session_state.get(SIGNED_OUT):
        token = _cookie_token()  # a refreshed page: the browser still holds the token
    if not isinstance(token, str):
        return None
    session = sessions.resume(resources.engine(), cfg.data_dir, token, cfg.session_idle_minutes)
    if session is None:
        st.session_state.pop(TOKEN_KEY, None)
        return None
    st.session_state[TOKEN_KEY] = token
    return session


def session_key() -> str | None:
    """The stored id of this page's session (keys the conversation kept across refreshes); None when signed out."""
    session = _session()
    return session.key if session else None


def sign_out() -> None:
    session = _session()
    if session is not None:
        sessions.end(resources.engine(), session.key)
        resources.conversations().pop(session.key, None)
    for key in (TOKEN_KEY, "turns"):
        st.session_state.pop(key, None)
    st.session_state[SIGNED_OUT] = True


def current_account() -> Account | None:
    """The signed-in, enabled account as the database sees it now; None when not signed in (or tampered with)."""
    session = _session()
    return session.account if session is not None else None


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
        st.session_state["first_run_guide"] = True
        st.rerun()


def _login_form() -> None:
    with st.form("login"):
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录", type="primary", key="login_submit")
    st.caption("忘记密码或需要新账号，请联系本单位的培训管理员：在“账号”页可以重置密码、添加账号。")
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
    box = zh.holder()
    zh.translate(box)
    account = current_account()
    if account is not None:
        _set_cookie(box, st.session_state[TOKEN_KEY])
        return account
    if _cookie_token() is not None:  # a token the server no longer accepts: the browser forgets it
        _set_cookie(box, "")
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
        with st.popover("修改我的密码", key="pw_popover"):
            _change_password(account)
        if flash := st.session_state.pop("pw_flash", None):
            st.success(flash)


def _change_password(account: Account) -> None:
    with st.form("own_password", clear_on_submit=True):
        old = st.text_input("现在的密码", type="password", key="pw_old")
        new = st.text_input(f"新密码（至少 {MIN_PASSWORD} 个字符）", type="password", key="pw_new")
        again = st.text_input("再输入一次新密码", type="password", key="pw_new2")
        submitted = st.form_submit_button("修改", key="pw_submit")
    if not submitted:
        return
    if authenticate(resources.engine(), account.username, old) is None:
        st.error("现在的密码不正确：请重新输入。")
    elif new != again:
        st.error("两次输入的新密码不一致，请重新输入。")
    else:
        try:
            set_password(resources.engine(), account.username, new, by=account.username)
        except AccountError as err:
            st.error(str(err))
            return
        # the new password ends every session of this account, this one too: start a fresh one for this page
        sessions.end_all(resources.engine(), account.username)
        _remember(account)
        st.session_state["pw_flash"] = "密码已修改；其他电脑上用这个账号登录的页面需要重新登录。"
        st.rerun()
