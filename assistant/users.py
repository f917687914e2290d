"""Accounts for the page: bcrypt-hashed passwords in the ``users`` table, roles staff / trainer.

There is no default password anywhere: with no accounts the page asks for the first trainer account
(``create_first_trainer`` only succeeds while the table is empty), and this module's CLI manages the rest:

    python -m assistant.users add 张三 --role trainer        # prompts for the password
    echo 'secret-pass' | python -m assistant.users add 李四 --role staff --password-stdin
    python -m assistant.users list | disable NAME | enable NAME | passwd NAME | unlock NAME
"""
from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import bcrypt
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from assistant.store import db

ROLES = ("staff", "trainer")
ROLE_ZH = {"staff": "窗口工作人员", "trainer": "培训管理员"}
MIN_PASSWORD = 8
_BCRYPT_MAX_BYTES = 72  # bcrypt 5 refuses longer passwords instead of silently cutting them


class AccountError(ValueError):
    """A request about accounts that cannot be done; ``str()`` is the Chinese sentence to show."""


class PermissionDenied(PermissionError):
    """The signed-in user lacks the role an action needs."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    display_name: str = ""
    disabled: bool = False
    created_at: datetime | None = None

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer" and not self.disabled

    @property
    def label(self) -> str:
        return self.display_name or self.username


def _check_password(password: str) -> bytes:
    raw = (password or "").encode("utf-8")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"密码太短：至少需要 {MIN_PASSWORD} 个字符，请换一个更长的密码。")
    if len(raw) > _BCRYPT_MAX_BYTES:
        raise AccountError("密码太长：请控制在 72 个字节以内（约 24 个汉字或 72 个英文字符）。")
    return raw


def _check_username(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise AccountError("用户名不能为空、不能含空格，且不超过 64 个字符，请重新填写。")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"角色“{role}”无效：只能是 staff（窗口工作人员）或 trainer（培训管理员）。")
    return role


def hash_password(password: str, rounds: int = 12) -> str:
    return bcrypt.hashpw(_check_password(password), bcrypt.gensalt(rounds)).decode("ascii")


def _row_to_account(row) -> Account:
    return Account(username=row.username, role=row.role, display_name=row.display_name or "",
                   disabled=bool(row.disabled), created_at=row.created_at)


def count_accounts(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.users)).scalar() or 0)


def get_account(engine: Engine, username: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(db.users).where(db.users.c.username == (username or "").strip())).first()
    return _row_to_account(row) if row is not None else None


def list_accounts(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        rows = conn.execute(select(db.users).order_by(db.users.c.created_at)).all()
    return [_row_to_account(r) for r in rows]


def add_account(engine: Engine, username: str, password: str, role: str, display_name: str = "",
                by: str = "", *, only_if_empty: bool = False) -> Account:
    name, role = _check_username(username), _check_role(role)
    hashed = hash_password(password)
    with engine.begin() as conn:
        if only_if_empty and conn.execute(select(func.count()).select_from(db.users)).scalar():
            raise AccountError("已经有账号了：请用已有的培训管理员账号登录，再由其添加新账号。")
        if conn.execute(select(db.users.c.username).where(db.users.c.username == name)).first():
            raise AccountError(f"用户名“{name}”已存在：请换一个用户名；若是本人忘了密码，请由培训管理员在“账号”页为其重置密码。")
        conn.execute(db.users.insert().values(username=name, display_name=display_name.strip(), role=role,
                                              password_hash=hashed, created_at=db.now(), disabled=False))
    db.audit_log(engine, by or name, "user_add", name, ROLE_ZH[role])
    return get_account(engine, name)


def create_first_trainer(engine: Engine, username: str, password: str, display_name: str = "") -> Account:
    """The first-start path: allowed only while no account exists, so it cannot be used to add a second admin."""
    return add_account(engine, username, password, "trainer", display_name, only_if_empty=True)


def authenticate(engine: Engine, username: str, password: str) -> Account | None:
    """The account when the password matches and the account is enabled; otherwise None (no hint which failed)."""
    with engine.connect() as conn:
        row = conn.execute(select(db.users).where(db.users.c.username == (username or "").strip())).first()
    raw = (password or "").encode("utf-8")
    if row is None or not raw or len(raw) > _BCRYPT_MAX_BYTES:
        return None
    if not bcrypt.checkpw(raw, row.password_hash.encode("ascii")) or row.disabled:
        return None
    return _row_to_account(row)


WRONG = "用户名或密码不正确，或账号已停用：请检查后重试。"
_SIGN_IN_ACTIONS = ("login", "login_failed", "login_unlock", "user_passwd")


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def _recent_failures(engine: Engine, username: str, since: datetime) -> list[datetime]:
    """Failed sign-ins for ``username`` after ``since`` and after its last success, unlock or password change."""
    from assistant.privacy import mask

    with engine.connect() as conn:
        rows = conn.execute(select(db.audit.c.action, db.audit.c.at)
                            .where(db.audit.c.target == mask(username), db.audit.c.action.in_(_SIGN_IN_ACTIONS))
                            .order_by(db.audit.c.id.desc()).limit(200)).all()
    failures = []
    for action, at in rows:
        if action != "login_failed":
            break
        if _utc(at) > since:
            failures.append(_utc(at))
    return failures


def sign_in(engine: Engine, username: str, password: str, *, max_failures: int = 5, lock_minutes: float = 15.0,
            now: datetime | None = None) -> Account:
    """The account, or AccountError with the sentence to show. Every failed sign-in is audited; after
    ``max_failures`` in a row (within ``lock_minutes``) the name is locked for ``lock_minutes``: attempts, the right
    password included, are refused without being checked (and audited as ``login_locked``)."""
    name = (username or "").strip()[:64]
    now = now or db.now()
    window = timedelta(minutes=lock_minutes)
    failures = _recent_failures(engine, name, now - window)
    if len(failures) >= max_failures:
        until = sorted(failures)[-max_failures] + window
        db.audit_log(engine, name, "login_locked", name, f"锁定至 {until:%H:%M} UTC")
        raise AccountError(f"连续 {max_failures} 次密码错误，账号已暂时锁定：请 {lock_minutes:g} 分钟后再试，"
                           "或请培训管理员解除锁定（python -m assistant.users unlock 用户名）。")
    account = authenticate(engine, name, password)
    if account is None:
        db.audit_log(engine, name, "login_failed", name, f"第 {len(failures) + 1} 次")
        raise AccountError(WRONG)
    db.audit_log(engine, name, "login", name)
    return account


def unlock(engine: Engine, username: str, by: str = "") -> None:
    """Lift a sign-in lock (the failures before it no longer count)."""
    if get_account(engine, username) is None:
        raise AccountError(f"没有名为“{username}”的账号：请先用 list 查看已有账号。")
    db.audit_log(engine, by or username, "login_unlock", username)


def set_password(engine: Engine, username: str, password: str, by: str = "") -> None:
    hashed = hash_password(password)
    with engine.begin() as conn:
        done = conn.execute(update(db.users).where(db.users.c.username == username).values(password_hash=hashed))
    if not done.rowcount:
        raise AccountError(f"没有名为“{username}”的账号：请先用 list 查看已有账号。")
    db.audit_log(engine, by or username, "user_passwd", username)


def set_disabled(engine: Engine, username: str, disabled: bool = True, by: str = "") -> None:
    with engine.begin() as conn:
        done = conn.execute(update(db.users).where(db.users.c.username == username).values(disabled=disabled))
    if not done.rowcount:
        raise AccountError(f"没有名为“{username}”的账号：请先用 list 查看已有账号。")
    db.audit_log(engine, by or username, "user_disable" if disabled else "user_enable", username)


def set_role(engine: Engine, username: str, role: str, by: str = "") -> None:
    """Change an account's role; the last enabled trainer cannot be made staff (nobody could manage the KB)."""
    role = _check_role(role)
    with engine.begin() as conn:
        row = conn.execute(select(db.users).where(db.users.c.username == username)).first()
        if row is None:
            raise AccountError(f"没有名为“{username}”的账号：请刷新页面后重新选择。")
        if row.role == "trainer" and role != "trainer" and not row.disabled and _other_trainers(conn, username) == 0:
            raise AccountError("这是唯一可用的培训管理员账号：请先把另一个账号设为培训管理员，再修改这个账号的角色。")
        conn.execute(update(db.users).where(db.users.c.username == username).values(role=role))
    db.audit_log(engine, by or username, "user_role", username, ROLE_ZH[role])


def _other_trainers(conn, username: str) -> int:
    return int(conn.execute(select(func.count()).select_from(db.users).where(
        db.users.c.role == "trainer", db.users.c.disabled.is_(False), db.users.c.username != username)).scalar() or 0)


def one_time_password() -> str:
    """A temporary password for a reset: 12 characters without look-alikes (0/O, 1/l/I), easy to read out."""
    import secrets

    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def require_trainer(engine: Engine, username: str | None) -> Account:
    """Re-read the account from the database on every trainer action: the role is never taken from the client."""
    account = get_account(engine, username or "")
    if account is None or not account.is_trainer:
        raise PermissionDenied("此操作仅限培训管理员：请用培训管理员账号登录后再试。")
    return account


# -- CLI ----------------------------------------------------------------------------------------------
def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise AccountError("两次输入的密码不一致，请重新运行命令。")
    return first


def main(argv: list[str] | None = None) -> int:
    from assistant.config import get_settings

    parser = argparse.ArgumentParser(prog="python -m assistant.users", description="管理窗口助手的登录账号")
    sub = parser.add_subparsers(dest="cmd", required=True)
    add = sub.add_parser("add", help="添加账号")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument("--display", default="", help="显示名，如真实姓名")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    sub.add_parser("list", help="列出账号")
    for cmd, text in (("disable", "停用账号"), ("enable", "重新启用账号"), ("unlock", "解除连续输错密码造成的锁定")):
        sub.add_parser(cmd, help=text).add_argument("name")
    pw = sub.add_parser("passwd", help="修改密码")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)

    engine = db.get_engine(get_settings().db_url)
    try:
        if args.cmd == "add":
            acct = add_account(engine, args.name, _read_password(args), args.role, args.display, by="命令行")
            print(f"已添加账号 {acct.username}（{ROLE_ZH[acct.role]}）。")
        elif args.cmd == "list":
            accounts = list_accounts(engine)
            if not accounts:
                print("还没有账号：启动页面后按提示创建第一个培训管理员账号，或运行 add 命令。")
            for a in accounts:
                state = "已停用" if a.disabled else "正常"
                print(f"{a.username}\t{ROLE_ZH[a.role]}\t{a.display_name}\t{state}")
        elif args.cmd in ("disable", "enable"):
            set_disabled(engine, args.name, args.cmd == "disable", by="命令行")
            print(f"账号 {args.name} 已{'停用' if args.cmd == 'disable' else '启用'}。")
        elif args.cmd == "unlock":
            unlock(engine, args.name, by="命令行")
            print(f"账号 {args.name} 已解除锁定。")
        elif args.cmd == "passwd":
            set_password(engine, args.name, _read_password(args), by="命令行")
            print(f"账号 {args.name} 的密码已修改。")
    except AccountError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
