"""Sign-in sessions that survive a refresh, and every way one ends: sign-out, idle time-out, age, a new password,
a disabled account, a forged or altered token."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from assistant import sessions
from assistant.store import db
from assistant.users import add_account, get_account, one_time_password, set_disabled, set_password, set_role
from assistant.users import AccountError

IDLE = 240


@pytest.fixture
def env(tmp_path):
    engine = db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    add_account(engine, "wang", "window-pass-1", "staff", "小王")
    add_account(engine, "li", "trainer-pass-1", "trainer", "李老师")
    return engine, tmp_path


def _start(env, name="wang"):
    engine, folder = env
    return sessions.start(engine, folder, get_account(engine, name))


def _resume(env, token):
    engine, folder = env
    return sessions.resume(engine, folder, token, IDLE)


def test_a_token_resumes_its_account_until_sign_out(env):
    s = _start(env)
    again = _resume(env, s.token)  # what a refreshed page does with the cookie
    assert again is not None and again.account.username == "wang" and again.key == s.key
    assert s.token.split(".")[0] not in s.key  # the database keeps a hash, not the token
    sessions.end(env[0], s.key)
    assert _resume(env, s.token) is None


def test_forged_or_altered_tokens_are_refused(env):
    s = _start(env)
    sid, sig = s.token.split(".")
    assert _resume(env, f"{sid}.{'0' * len(sig)}") is None
    altered = sid[:-1] + ("B" if sid.endswith("A") else "A")   # always a different last character
    assert _resume(env, f"{altered}.{sig}") is None
    assert _resume(env, "") is None and _resume(env, None) is None and _resume(env, "x" * 500) is None
    other_folder = env[1] / "other"  # another installation's key does not sign this one's tokens
    assert sessions.resume(env[0], other_folder, s.token, IDLE) is None


def test_idle_time_out_and_maximum_age_end_a_session(env):
    engine, _ = env
    s = _start(env)
    with engine.begin() as conn:
        conn.execute(update(db.sessions).values(last_seen=db.now() - timedelta(minutes=IDLE + 1)))
    assert _resume(env, s.token) is None
    s = _start(env)
    with engine.begin() as conn:
        conn.execute(update(db.sessions).where(db.sessions.c.id == s.key)
                     .values(created_at=db.now() - sessions.MAX_AGE - timedelta(minutes=1)))
    assert _resume(env, s.token) is None


def test_new_password_or_disabling_ends_every_session_of_that_account_only(env):
    engine, _ = env
    wang, li = _start(env), _start(env, "li")
    set_password(engine, "wang", one_time_password(), by="li")
    assert _resume(env, wang.token) is None and _resume(env, li.token) is not None
    wang = _start(env)
    set_disabled(engine, "wang", True, by="li")
    assert _resume(env, wang.token) is None
    set_disabled(engine, "wang", False, by="li")
    assert _resume(env, wang.token) is None  # enabling again does not bring an ended session back
    assert sessions.end_all(engine, "li") == 1 and _resume(env, li.token) is None
    assert set(sessions.last_sign_in(engine)) == {"wang", "li"}


def test_role_change_is_seen_at_once_and_the_last_trainer_stays(env):
    engine, _ = env
    s = _start(env)
    set_role(engine, "wang", "trainer", by="li")
    assert _resume(env, s.token).account.is_trainer
    set_role(engine, "li", "staff", by="wang")
    with pytest.raises(AccountError, match="唯一可用的培训管理员"):
        set_role(engine, "wang", "staff", by="wang")


def test_one_time_passwords_are_long_and_unambiguous():
    seen = {one_time_password() for _ in range(50)}
    assert len(seen) == 50
    assert all(len(p) == 12 and not set(p) & set("0O1lI") for p in seen)
