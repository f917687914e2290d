"""Accounts: hashed passwords, roles, the first-trainer rule and the CLI."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from assistant.store import db
from assistant.users import (AccountError, PermissionDenied, add_account, authenticate, create_first_trainer,
                             require_trainer, set_disabled, set_password)


@pytest.fixture
def engine(tmp_path):
    return db.get_engine(f"sqlite:///{tmp_path / 'a.db'}")


def test_password_is_hashed_and_checked(engine):
    add_account(engine, "wang", "correct-horse", "staff")
    with engine.connect() as conn:
        stored = conn.execute(select(db.users.c.password_hash)).scalar()
    assert "correct-horse" not in stored and stored.startswith("$2")
    assert authenticate(engine, "wang", "correct-horse").role == "staff"
    assert authenticate(engine, "wang", "wrong-horse") is None
    assert authenticate(engine, "nobody", "correct-horse") is None


def test_first_trainer_only_while_empty_and_bad_input_is_explained(engine):
    create_first_trainer(engine, "boss", "long-enough")
    with pytest.raises(AccountError, match="已经有账号"):
        create_first_trainer(engine, "intruder", "long-enough")
    with pytest.raises(AccountError, match="太短"):
        add_account(engine, "li", "short", "staff")
    with pytest.raises(AccountError, match="已存在"):
        add_account(engine, "boss", "long-enough", "staff")
    with pytest.raises(AccountError, match="角色"):
        add_account(engine, "li", "long-enough", "admin")


def test_disabled_accounts_and_staff_are_refused_trainer_actions(engine):
    add_account(engine, "t", "long-enough", "trainer")
    add_account(engine, "s", "long-enough", "staff")
    assert require_trainer(engine, "t").username == "t"
    with pytest.raises(PermissionDenied):
        require_trainer(engine, "s")
    set_disabled(engine, "t")
    assert authenticate(engine, "t", "long-enough") is None
    with pytest.raises(PermissionDenied):
        require_trainer(engine, "t")
    set_password(engine, "s", "new-password")
    assert authenticate(engine, "s", "new-password") is not None


def test_cli_adds_lists_and_disables(tmp_path):
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    run = lambda *args, stdin="": subprocess.run([sys.executable, "-m", "assistant.users", *args], input=stdin,
                                                 capture_output=True, text=True, env=env)
    added = run("add", "zhang", "--role", "trainer", "--password-stdin", stdin="a-good-password\n")
    assert added.returncode == 0 and "培训管理员" in added.stdout
    assert "zhang" in run("list").stdout
    assert run("disable", "zhang").returncode == 0
    assert "已停用" in run("list").stdout
    missing = run("passwd", "nobody", "--password-stdin", stdin="another-password\n")
    assert missing.returncode == 1 and "没有名为" in missing.stderr
    engine = db.get_engine(f"sqlite:///{tmp_path / 'data' / 'assistant.db'}")
    assert authenticate(engine, "zhang", "a-good-password") is None  # disabled
