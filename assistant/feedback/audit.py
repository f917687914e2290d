"""Reading the audit log: who added, replaced, removed or edited what, and when (details were masked when written)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from assistant.store import db

ACTION_ZH = {
    "add": "新增文档", "replace": "替换文档", "remove": "删除文档", "confirm": "确认启用文档", "faq_edit": "编辑FAQ",
    "gap_to_faq": "缺口转FAQ", "feedback_done": "处理反馈", "user_add": "添加账号", "user_passwd": "修改密码",
    "user_disable": "停用账号", "user_enable": "启用账号", "login": "登录", "login_failed": "登录失败",
    "user_role": "修改角色", "user_reset": "重置密码", "faq_import": "导入FAQ", "undo": "撤销（恢复旧版本）",
    "case_save": "保存案例", "case_delete": "删除案例", "case_import": "导入案例", "scenario_save": "保存练习场景",
    "scenario_delete": "删除练习场景", "practice_start": "开始练习", "practice_end": "结束练习",
}


@dataclass
class AuditEntry:
    id: int
    at: datetime
    user: str
    action: str
    target: str
    detail: str

    @property
    def action_zh(self) -> str:
        return ACTION_ZH.get(self.action, self.action)


def audit_entries(engine: Engine, *, action: str | None = None, user: str | None = None,
                  since: datetime | None = None, limit: int = 500) -> list[AuditEntry]:
    stmt = select(db.audit).order_by(db.audit.c.at.desc(), db.audit.c.id.desc()).limit(limit)
    if action:
        stmt = stmt.where(db.audit.c.action == action)
    if user:
        stmt = stmt.where(db.audit.c.user == user)
    if since is not None:
        stmt = stmt.where(db.audit.c.at >= since)
    with engine.connect() as conn:
        return [AuditEntry(**r._mapping) for r in conn.execute(stmt).all()]
