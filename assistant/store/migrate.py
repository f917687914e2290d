"""Schema migrations with Alembic: `python -m assistant.store.migrate` brings the configured database (``DATABASE_URL``
or the data folder's SQLite file) to this version's schema; `--check` only says whether it is needed.

Run it once per upgrade, from one machine, before starting the new version's instances. Revisions live in
``assistant/store/migrations/versions``; a schema change is a new revision there (``op.add_column`` ...), never SQL
run by hand. A database from before migrations existed is brought up to the baseline and stamped.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from assistant.config import get_settings
from assistant.store import db

SCRIPTS = Path(__file__).resolve().parent / "migrations"


def _config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config(None)).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """(revision before, revision after)."""
    before = current(engine)
    with engine.begin() as conn:
        cfg = _config(conn)
        if before is None and inspect(conn).has_table("documents"):
            command.stamp(cfg, "0001")   # made before migrations: get_engine already brought it to the baseline
        command.upgrade(cfg, "head")
    return before, current(engine)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.store.migrate", description="数据库结构升级")
    ap.add_argument("--check", action="store_true", help="只检查是否需要升级（需要时退出码 1）")
    args = ap.parse_args(argv)
    engine = db.get_engine(get_settings().db_url)
    if args.check:
        now, target = current(engine), head()
        print(f"数据库结构版本 {now or '（未记录）'}，本版本需要 {target}：{'无需升级' if now == target else '需要升级'}。")
        return 0 if now == target else 1
    before, after = upgrade(engine)
    print(f"数据库结构已从 {before or '（未记录）'} 升级到 {after}。" if before != after else f"数据库结构已是最新（{after}）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
