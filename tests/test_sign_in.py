"""Sign-in throttling: repeated wrong passwords lock the account for a while (the right password included), every
failed sign-in is in the audit log, and a trainer can lift the lock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.store import db
from assistant.users import AccountError, add_account


@pytest.fixture
def engine(tmp_path):
    e = db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")
    add_account(e, "wang", "correct-horse", "staff")
    return e


def audit(engine, action: str) -> list:
    with engine.connect() as conn:
        return conn.execute(select(db.audit).where(db.audit.c.action == action)).all()


def test_fifteen_wrong_passwords_then_the_right_one_is_refused_and_audited(engine):
    from assistant.users import sign_in

    for _ in range(15):
        with pytest.raises(AccountError):
            sign_in(engine, "wang", "wrong-horse")
    with pytest.raises(AccountError) as err:
        sign_in(engine, "wang", "correct-horse")
    assert "锁定" in str(err.value) and "15 分钟" in str(err.value)
    failed = audit(engine, "login_failed")
    assert len(failed) == 5 and all(r.target == "wang" for r in failed)
    assert len(audit(engine, "login_locked")) == 11         # the refused attempts while locked, the right one too
    assert audit(engine, "login") == []


def test_a_wrong_password_says_nothing_about_which_part_was_wrong(engine):
    from assistant.users import sign_in

    with pytest.raises(AccountError) as wrong_pw:
        sign_in(engine, "wang", "wrong-horse")
    with pytest.raises(AccountError) as no_user:
        sign_in(engine, "nobody", "wrong-horse")
    assert str(wrong_pw.value) == str(no_user.value)
    assert {r.target for r in audit(engine, "login_failed")} == {"wang", "nobody"}


def test_the_lock_ends_after_its_time_and_a_trainer_can_lift_it(engine):
    from assistant.users import sign_in, unlock

    for _ in range(5):
        with pytest.raises(AccountError):
            sign_in(engine, "wang", "wrong-horse")
    with pytest.raises(AccountError, match="锁定"):
        sign_in(engine, "wang", "correct-horse")
    later = db.now() + timedelta(minutes=16)
    assert sign_in(engine, "wang", "correct-horse", now=later).username == "wang"

    for _ in range(5):
        with pytest.raises(AccountError):
            sign_in(engine, "wang", "wrong-horse")
    unlock(engine, "wang", by="boss")
    assert sign_in(engine, "wang", "correct-horse").username == "wang"
    assert len(audit(engine, "login")) == 2 and len(audit(engine, "login_unlock")) == 1


def test_a_success_resets_the_count(engine):
    from assistant.users import sign_in

    for _ in range(4):
        with pytest.raises(AccountError):
            sign_in(engine, "wang", "wrong-horse")
    sign_in(engine, "wang", "correct-horse")
    for _ in range(4):
        with pytest.raises(AccountError, match="不正确"):
            sign_in(engine, "wang", "wrong-horse")
    assert sign_in(engine, "wang", "correct-horse").username == "wang"
