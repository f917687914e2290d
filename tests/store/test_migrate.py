"""Schema migrations: a database from an earlier version (no migration record) and a new one both end at the head
revision, keep their rows, and a second run changes nothing — on SQLite and on PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from assistant.store import db
from assistant.store.migrate import current, head, upgrade

from conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_existing_database_is_stamped_and_upgraded_without_losing_rows(backend, tmp_path, request):
    url = f"sqlite:///{tmp_path / 'a.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = db.get_engine(url)   # what an earlier version made: tables, no alembic_version
    with engine.begin() as conn:
        db.bump_version(conn)
    assert current(engine) is None
    assert upgrade(engine) == (None, head())
    assert db.kb_version(engine) == 1
    assert upgrade(engine) == (head(), head())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
