"""Sign-in sessions that survive a page refresh: a signed token in the browser, its state in the database.

The browser holds ``<id>.<signature>``: a random id and an HMAC of it under a key kept in the data folder. The
database holds only a hash of the id, who it belongs to, when it was last used, and a stamp of the password hash at
sign-in. A token is accepted only while all of these hold: the signature matches, the session was not ended (sign-out),
it was used within the idle time-out and is younger than ``MAX_AGE``, the account exists and is enabled, and its
password has not changed since (a reset or a change ends every session of that account at once).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from assistant.store import db
from assistant.users import Account, get_account

MAX_AGE = timedelta(hours=16)          # a session never outlives a working day, however busy
_TOUCH_EVERY = timedelta(seconds=60)   # last_seen is written at most once a minute per session


@dataclass(frozen=True)
class Session:
    token: str       # what the browser keeps (never stored server-side)
    key: str         # the stored id: a hash of the token's random part; also keys the page's conversation
    account: Account


def _key_file(data_dir: Path) -> bytes:
    path = Path(data_dir) / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(32))
        finally:
            os.close(fd)
    return path.read_bytes()


def _sign(secret: bytes, sid: str) -> str:
    return hmac.new(secret, sid.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def _stored_id(sid: str) -> str:
    return hashlib.sha256(sid.encode("ascii")).hexdigest()


def _pw_stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("ascii")).hexdigest()[:32]


def _password_hash(engine: Engine, username: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(db.users.c.password_hash).where(db.users.c.username == username)).scalar()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def start(engine: Engine, data_dir: Path, account: Account) -> Session:
    """A new session for an account that has just proved its password."""
    sid = secrets.token_urlsafe(24)
    at = db.now()
    with engine.begin() as conn:
        conn.execute(db.sessions.insert().values(
            id=_stored_id(sid), username=account.username, created_at=at, last_seen=at,
            pw_stamp=_pw_stamp(_password_hash(engine, account.username) or ""), ended_at=None))
    return Session(f"{sid}.{_sign(_key_file(data_dir), sid)}", _stored_id(sid), account)


def resume(engine: Engine, data_dir: Path, token: str | None, idle_minutes: int) -> Session | None:
    """The session this token stands for, if it is still good (see the module docstring); else None."""
    sid, _, sig = (token or "").partition(".")
    if not sid or not sig or len(token or "") > 200 or not sid.isascii():
        return None
    if not hmac.compare_digest(sig, _sign(_key_file(data_dir), sid)):
        return None
    key = _stored_id(sid)
    with engine.connect() as conn:
        row = conn.execute(select(db.sessions).where(db.sessions.c.id == key)).first()
    if row is None or row.ended_at is not None:
        return None
    at = db.now()
    if at - _aware(row.last_seen) > timedelta(minutes=idle_minutes) or at - _aware(row.created_at) > MAX_AGE:
        end(engine, key)
        return None
    account = get_account(engine, row.username)
    if account is None or account.disabled or row.pw_stamp != _pw_stamp(_password_hash(engine, row.username) or ""):
        end(engine, key)
        return None
    if at - _aware(row.last_seen) > _TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(update(db.sessions).where(db.sessions.c.id == key).values(last_seen=at))
    return Session(token or "", key, account)


def end(engine: Engine, key: str) -> None:
    """Sign-out (or a session found stale): the token is refused from now on."""
    with engine.begin() as conn:
        conn.execute(update(db.sessions).where(db.sessions.c.id == key, db.sessions.c.ended_at.is_(None))
                     .values(ended_at=db.now()))


def end_all(engine: Engine, username: str) -> int:
    """End every open session of an account (disabled, password reset, role changed): it must sign in again."""
    with engine.begin() as conn:
        done = conn.execute(update(db.sessions).where(db.sessions.c.username == username,
                                                      db.sessions.c.ended_at.is_(None)).values(ended_at=db.now()))
    return int(done.rowcount or 0)


def last_sign_in(engine: Engine) -> dict[str, datetime]:
    """Each account's latest sign-in, for the accounts page."""
    with engine.connect() as conn:
        rows = conn.execute(select(db.sessions.c.username, func.max(db.sessions.c.created_at))
                            .group_by(db.sessions.c.username)).all()
    return {name: _aware(at) for name, at in rows if at is not None}
