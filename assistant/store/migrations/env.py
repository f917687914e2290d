"""Alembic environment: the target is ``assistant.store.db.metadata``; the connection comes from ``migrate.py``."""
from __future__ import annotations

from alembic import context

from assistant.store.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
