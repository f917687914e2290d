"""The sign-in form is throttled: wrong passwords in a row lock the name, the right one included, and the page says
for how long and who can lift it."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from app_harness import APP, STAFF, app_data, sign_in, texts

pytestmark = pytest.mark.slow


def test_fifteen_wrong_passwords_then_the_right_one_stays_out(request, tmp_path, monkeypatch):
    data = app_data(request, tmp_path, monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60).run()
    for _ in range(15):
        sign_in(at, STAFF[0], "wrong-password")
    sign_in(at, STAFF[0], STAFF[1])
    assert not at.exception
    assert any("锁定" in e.value and "分钟" in e.value for e in at.error)
    assert "工作台" not in [t.value for t in at.title]

    from assistant.store import db
    engine = db.get_engine(f"sqlite:///{data / 'assistant.db'}")
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(db.audit).where(db.audit.c.target == STAFF[0]))]
    assert actions.count("login_failed") == 5 and "login" not in actions
