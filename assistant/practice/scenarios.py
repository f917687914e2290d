"""练习场景: a simulated citizen (temperament, emotion, a matter in the KB or deliberately not in it) and the script
of what they say, which branches on how each reply scored.

A scenario is plain data (JSON), so a trainer can write one on the authoring page without code. The project's
示例 scenarios are in knowledge/practice/练习场景示例.json; trainers' own are in the ``practice_scenarios`` table.

Script shape: ``opening`` is the citizen's first words; ``next`` the lines that follow a reply that met the
checks (the conversation moves on, the citizen calmer); ``escalate`` the lines after a reply that did not
(the citizen more upset); ``calmed`` what the citizen says when satisfied. Beside ``escalate``, the citizen
reacts to the skill that was missed (``REACTIONS``), so a trainee hears why it went wrong.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from assistant.privacy import mask
from assistant.practice.skills import EMOTIONS, MATTER_TYPES, TEMPERAMENTS
from assistant.replies.lexicons import RISK_KINDS
from assistant.store import db

SHIPPED = "练习场景示例.json"
MAX_TURNS = 5
MAX_TEXT = 2000     # characters in one field or line: the shipped ones are under 40
MAX_LINES = 20      # lines in next / escalate: a run uses at most MAX_TURNS of them


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is the Chinese sentence to show."""


@dataclass
class Scenario:
    id: str
    title: str
    temperament: str              # D / I / S / C
    emotion: str                  # calm / anxious / angry / desperate
    matter: dict                  # {"type": "faq", "question": ...} / {"type": "not_in_kb", "topic": ...} / {"type": "risk", "kind": ...}
    opening: str
    background: str = ""          # what the trainee is told before the first line
    next: list[str] = field(default_factory=list)
    escalate: list[str] = field(default_factory=list)
    calmed: str = "好，这下我清楚了，谢谢你。"
    case: str = ""                # the case it was built from, if any
    sample: bool = False

    @property
    def matter_type(self) -> str:
        return self.matter.get("type", "")

    def matter_label(self) -> str:
        m = self.matter
        if m.get("type") == "faq":
            return f"知识库问答：{m.get('question', '')}"
        if m.get("type") == "not_in_kb":
            return f"知识库里没有的事：{m.get('topic', '')}"
        from assistant.replies.risk import KIND_ZH
        return f"风险情形：{KIND_ZH.get(m.get('kind', ''), m.get('kind', ''))}"


def check(s: Scenario, faq_questions: set[str] | None = None) -> Scenario:
    """Masked and checked; raises ScenarioError naming what to fix."""
    for key, zh in _TEXT_ZH.items():
        value = s.matter.get(key) if key in ("topic", "question") else getattr(s, key)
        for line in value if isinstance(value, list) else [value]:
            if len(line or "") > MAX_TEXT:
                raise ScenarioError(f"场景的“{zh}”太长：每一项、每一句不超过 {MAX_TEXT} 个字，请精简。")
        if isinstance(value, list) and len(value) > MAX_LINES:
            raise ScenarioError(f"场景的“{zh}”最多写 {MAX_LINES} 句，请精简。")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", s.id or ""):
        raise ScenarioError("场景编号只能用字母、数字、下划线或短横线，且不超过 32 个字符，请修改。")
    if not (s.title or "").strip():
        raise ScenarioError("场景缺少标题：请用一句话写明是什么情况。")
    if s.temperament not in TEMPERAMENTS:
        raise ScenarioError(f"场景“{s.title}”的性格类型应为 D/I/S/C 之一。")
    if s.emotion not in EMOTIONS:
        raise ScenarioError(f"场景“{s.title}”的情绪应为 平静/焦虑/愤怒/绝望 之一。")
    kind = s.matter.get("type")
    if kind not in MATTER_TYPES:
        raise ScenarioError(f"场景“{s.title}”的事项类型应为 知识库问答 / 知识库里没有 / 风险 之一。")
    if kind == "faq" and faq_questions is not None and s.matter.get("question") not in faq_questions:
        raise ScenarioError(f"场景“{s.title}”引用的问答“{s.matter.get('question')}”不在知识库里：请从 FAQ 列表里选择。")
    if kind == "risk" and s.matter.get("kind") not in RISK_KINDS:
        raise ScenarioError(f"场景“{s.title}”的风险类别不认识。")
    if kind == "not_in_kb" and not (s.matter.get("topic") or "").strip():
        raise ScenarioError(f"场景“{s.title}”请写明知识库里没有的是什么事。")
    s.title, s.background, s.calmed, s.case = (mask((v or "").strip()) for v in (s.title, s.background, s.calmed, s.case))
    key = {"faq": "question", "not_in_kb": "topic", "risk": "kind"}[kind]   # the one the type uses; others dropped
    value = s.matter.get(key) or ""
    s.matter = {"type": kind, key: mask(value.strip()) if kind == "not_in_kb" or faq_questions is None else value}
    s.opening = mask((s.opening or "").strip())
    if not s.opening:
        raise ScenarioError(f"场景“{s.title}”缺少群众的开场白。")
    s.next = [mask(x.strip()) for x in s.next if x and x.strip()]
    s.escalate = [mask(x.strip()) for x in s.escalate if x and x.strip()]
    if not s.escalate:
        raise ScenarioError(f"场景“{s.title}”至少要写一句“答得不好时群众会怎么说”。")
    return s


def from_dict(d: dict, sample: bool = False) -> Scenario:
    keys = Scenario.__dataclass_fields__
    return Scenario(**{k: v for k, v in d.items() if k in keys and k != "sample"}, sample=sample)


def shipped(knowledge_dir: Path) -> list[Scenario]:
    path = Path(knowledge_dir) / "practice" / SHIPPED
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [check(from_dict(d, sample=True)) for d in data["scenarios"]]


def authored(engine: Engine) -> list[Scenario]:
    with engine.connect() as conn:
        rows = conn.execute(select(db.practice_scenarios).order_by(db.practice_scenarios.c.updated_at)).all()
    return [from_dict(json.loads(r.body)) for r in rows]


def all_scenarios(engine: Engine, knowledge_dir: Path) -> list[Scenario]:
    own = authored(engine)
    ids = {s.id for s in own}
    return own + [s for s in shipped(knowledge_dir) if s.id not in ids]


def save(engine: Engine, s: Scenario, actor: str, faq_questions: set[str] | None = None) -> Scenario:
    s = check(s, faq_questions)
    body = json.dumps({k: v for k, v in asdict(s).items() if k != "sample"}, ensure_ascii=False)
    with engine.begin() as conn:
        conn.execute(delete(db.practice_scenarios).where(db.practice_scenarios.c.id == s.id))
        conn.execute(db.practice_scenarios.insert().values(id=s.id, title=s.title, body=body, updated_at=db.now(),
                                                           updated_by=actor))
    db.audit_log(engine, actor, "scenario_save", s.title)
    return s


def get(engine: Engine, knowledge_dir: Path, sid: str) -> Scenario | None:
    return next((s for s in all_scenarios(engine, knowledge_dir) if s.id == sid), None)


# --- import / export (JSON, the shipped file's shape) ------------------------------------------------------------
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT = 500


def export_bytes(scenarios: list[Scenario]) -> bytes:
    """{"scenarios": [...]}, the shape of the shipped file, so an export can be edited and imported again."""
    items = [{k: v for k, v in asdict(s).items() if k != "sample"} for s in scenarios]
    return json.dumps({"scenarios": items}, ensure_ascii=False, indent=2).encode("utf-8")


def import_bytes(name: str, data: bytes, faq_questions: set[str] | None = None) -> list[Scenario]:
    """Scenarios from an uploaded JSON file, every one checked before any is stored: one bad entry refuses the file,
    naming the entry and what to fix."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ScenarioError(f"《{name}》太大：场景文件不能超过 {MAX_IMPORT_BYTES // 1024 // 1024} MB，请拆分后导入。")
    if not name.lower().endswith(".json"):
        raise ScenarioError(f"《{name}》不是 JSON 文件：请用“导出场景”得到的文件作模板。")
    from assistant.documents.text import UndecodableError, decode_bytes

    try:
        text = decode_bytes(data)   # UTF-8 (BOM or not), UTF-16 with BOM, or GBK as Notepad saves it
    except UndecodableError:
        raise ScenarioError(f"无法识别《{name}》的文字编码：请用记事本另存为 UTF-8 后重试。") from None
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:   # also a number of thousands of digits, brackets nested past Python's stack
        where = f"（{exc.lineno} 行附近有错）" if isinstance(exc, json.JSONDecodeError) else ""
        raise ScenarioError(f"无法读取《{name}》：不是有效的 JSON{where}，请用“导出场景”得到的文件作模板。") from None
    items = doc.get("scenarios") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not items:
        raise ScenarioError(f"《{name}》里没有场景：请用“导出全部场景”得到的文件作模板，每个场景一项。")
    if len(items) > MAX_IMPORT:
        raise ScenarioError(f"一次最多导入 {MAX_IMPORT} 个场景：请拆成几个文件分别导入。")
    out, problems, seen = [], [], set()
    for n, d in enumerate(items, start=1):
        label = f"第 {n} 个场景" + (f"（编号 {d.get('id')}）" if isinstance(d, dict) and d.get("id") else "")
        try:
            sc = check(_entry(d), faq_questions)
        except ScenarioError as err:
            problems.append(f"{label}：{err}")
            continue
        if sc.id in seen:
            problems.append(f"{label}：编号与前面的场景重复。")
        seen.add(sc.id)
        out.append(sc)
    if problems:
        raise ScenarioError("导入没有进行，场景保持原样。" + "；".join(problems[:5]) +
                            ("……" if len(problems) > 5 else "") + " 请改好后重新导入。")
    return out


_REQUIRED = ("id", "title", "temperament", "emotion", "matter", "opening", "escalate")
_FIELD_ZH = {"id": "id（编号）", "title": "title（标题）", "temperament": "temperament（性格）", "emotion": "emotion（情绪）",
             "matter": "matter（要办的事）", "opening": "opening（开场白）", "escalate": "escalate（答得不好时的反应）",
             "next": "next（接下来会说）", "background": "background（情况说明）", "calmed": "calmed（满意时说的话）",
             "case": "case（来源案例）"}
# the free-text fields check() caps, as the authoring page names them
_TEXT_ZH = {"title": "标题", "background": "情况说明", "opening": "开场白", "next": "接下来会说",
            "escalate": "答得不好时的反应", "calmed": "满意时说的话", "case": "来源案例", "topic": "知识库里没有的事",
            "question": "问答"}


def _entry(d: object) -> Scenario:
    """One entry of an imported file as a Scenario, or ScenarioError saying which field is missing or malformed."""
    if not isinstance(d, dict):
        raise ScenarioError("格式不对：每个场景应是一组“项: 值”，项目见“导出全部场景”得到的文件。")
    missing = [k for k in _REQUIRED if k not in d]
    if missing:
        raise ScenarioError(f"缺少 {'、'.join(_FIELD_ZH[k] for k in missing)}。")
    matter = d["matter"]
    if not isinstance(matter, dict) or not all(isinstance(matter.get(k, ""), str) for k in ("type", "question", "topic", "kind")):
        raise ScenarioError(f"{_FIELD_ZH['matter']}应写明事项类型（type）及问答（question）、事情（topic）或风险类别（kind），都是文字。")
    for key in ("next", "escalate"):
        if not isinstance(d.get(key, []), list) or not all(isinstance(x, str) for x in d.get(key, [])):
            raise ScenarioError(f"{_FIELD_ZH[key]}应是若干句话的列表。")
    for key in ("id", "title", "temperament", "emotion", "opening", "background", "calmed", "case"):
        if key in d and not isinstance(d[key], str):
            raise ScenarioError(f"{_FIELD_ZH[key]}应是文字。")
    texts = [d.get(k, "") for k in _FIELD_ZH if k != "matter"] + [matter.get(k, "") for k in ("type", "question", "topic", "kind")]
    try:   # JSON can spell a lone surrogate ("\ud800"), which no database can store
        "".join(x if isinstance(x, str) else "".join(x) for x in texts).encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError("含有无效的文字（不成对的 \\ud800 类转义字符）：请删去后重新导入。") from None
    return from_dict({k: v for k, v in d.items() if k != "sample"})


def import_scenarios(engine: Engine, scenarios: list[Scenario], actor: str) -> int:
    """Adds new scenarios and replaces those with the same id, in one transaction."""
    with engine.begin() as conn:
        for s in scenarios:
            body = json.dumps({k: v for k, v in asdict(s).items() if k != "sample"}, ensure_ascii=False)
            conn.execute(delete(db.practice_scenarios).where(db.practice_scenarios.c.id == s.id))
            conn.execute(db.practice_scenarios.insert().values(id=s.id, title=s.title, body=body,
                                                               updated_at=db.now(), updated_by=actor))
    db.audit_log(engine, actor, "scenario_import", f"{len(scenarios)} 个场景")
    return len(scenarios)


def remove(engine: Engine, sid: str, actor: str) -> None:
    with engine.begin() as conn:
        n = conn.execute(delete(db.practice_scenarios).where(db.practice_scenarios.c.id == sid)).rowcount
    if not n:
        raise ScenarioError("这个场景不是培训管理员编写的，或已被删除：示例场景不能在页面上删除。")
    db.audit_log(engine, actor, "scenario_delete", sid)


# what the simulated citizen says when a reply missed a skill (said before the scenario's own escalation line)
REACTIONS = {
    "protocol_followed": "你别跟我说这些没用的！",
    "no_blame": "怎么又成我的错了？",
    "no_shirking": "你让我去找谁？我就是在你这儿问的！",
    "no_overpromise": "这可是你说的，到时候办不下来我就找你！",
    "policy_correct": "你说的跟我打听到的不一样啊，到底哪个对？",
    "checklist_complete": "就这些？别让我回去又发现少了什么，再跑一趟！",
    "need_acknowledged": "你们就知道讲规定，我的难处谁管？",
}
