"""The project's labelled sentences, in one home by role: labelled/<task>/{train,tune,final}.jsonl.

train: what the shipped models are fitted on; tune: sets written blind that chose thresholds (each left out of
training in turn by the benches) and that the shipped models are then also fitted on; test: the other half of a set
whose first half was tuned on (reported, never tuned on); final: the reported figure, written after tuning,
never fitted or tuned on. Every row has a ``batch`` (which written set it came from) and, where a set is split
in two, a ``fold``. labelled/DATASHEET.md says who wrote what and how.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.config import PROJECT_ROOT

LABELLED_DIR = PROJECT_ROOT / "labelled"
ROLES = ("train", "tune", "test", "final")


def path_of(task: str, role: str, root: Path = LABELLED_DIR) -> Path:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {ROLES}")
    return root / task / f"{role}.jsonl"


def read_labelled(path: Path) -> list[dict]:
    """One JSON object per line; a line without "text" is skipped."""
    with open(path, encoding="utf-8") as f:
        return [r for r in (json.loads(line) for line in f if line.strip()) if "text" in r]


def rows(task: str, *roles: str, root: Path = LABELLED_DIR) -> list[dict]:
    """Rows of ``task`` for the given roles, in role order then file order."""
    out: list[dict] = []
    for role in roles:
        out += read_labelled(path_of(task, role, root))
    return out


def distinct(rows_: Iterable[dict], key: Callable[[str], str]) -> list[dict]:
    """The first occurrence of each ``key(text)`` kept."""
    seen: dict[str, dict] = {}
    for r in rows_:
        seen.setdefault(key(r["text"]), r)
    return list(seen.values())


def rows_hash(rows_: Iterable[dict], fields: tuple[str, ...]) -> str:
    """A content hash of the rows a model was fitted on (text plus the label fields, in order)."""
    h = hashlib.sha256()
    for r in rows_:
        h.update(json.dumps([r["text"], *(r.get(f) for f in fields)], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()
