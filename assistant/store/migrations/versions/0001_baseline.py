"""Baseline: the schema as of stop 21 (documents, kb_meta, users, sessions, queries, feedback, audit, and the
practice tables: cases, practice_scenarios, practice_sessions, practice_turns).

A database made by an earlier version is brought to this schema by ``db.get_engine`` (tables it lacks are created,
columns with a server default added) and then stamped with this revision; later schema changes are revisions after it.

Revision ID: 0001
Revises:
"""
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    from assistant.store.db import metadata

    metadata.create_all(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("降级请用升级前的备份恢复（python -m assistant.backup restore）。")
