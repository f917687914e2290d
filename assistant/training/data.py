"""Where each model's training rows come from, and the stable splits of the data the project does not own.

The shared data may not be redistributed, so only the fitted models ship, never its rows. The emotion corpus
holds many exact duplicate posts; texts are de-duplicated (majority label, ties dropped) before a stable hash
assigns train/dev/test, otherwise the same post sits on both sides and the figures are inflated.
"""
from __future__ import annotations

import collections
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.config import PROJECT_ROOT, get_settings
from assistant.replies import labelled
from assistant.replies.exemplars import training_rows as risk_rows
from assistant.store.embedding import get_embedder

SHARED_DATA = PROJECT_ROOT / ".." / "shared" / "data"
EMOTION_FILE = SHARED_DATA / "emotion" / "weibo_emotion7_labeled.jsonl"
MESSAGES_FILE = SHARED_DATA / "citizen_messages" / "messages_labeled.jsonl"
DEPT_CUTS = (55, 70)   # the message set is small (495): 30% held out

__all__ = ["risk_rows", "tone_rows", "intent_rows", "split_of", "load_emotion", "load_messages", "embed_cached"]


def _bucket(text: str) -> int:
    return int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16) % 100


def split_of(text: str, cuts: tuple[int, int] = (70, 85)) -> str:
    """Stable train/dev/test assignment from the text's own hash, so it never changes between runs."""
    h = _bucket(text)
    return "train" if h < cuts[0] else "dev" if h < cuts[1] else "test"


def tone_rows(exclude_batches: frozenset[str] = frozenset()) -> list[dict]:
    """The labelled drafts the tone classifier learns from (train + tune; the final set never)."""
    rows = [r for r in labelled.rows("tone", "train", "tune") if r.get("batch") not in exclude_batches]
    return labelled.distinct(rows, str.strip)


def staff_rows() -> list[dict]:
    """Staff questions and citizens' words (labelled/staff), plus the intent set's citizen utterances as more of the
    latter."""
    citizens = [{"text": r["text"], "staff": False, "batch": "intent"} for r in labelled.rows("intent", "train")]
    return labelled.distinct(labelled.rows("staff", "train") + citizens + dialogue_staff_rows(), str.strip)


# window dialogues that may be fitted on: the tune half and the blind sets retired after their one scoring
# (never the test half or the current blind set)
FIT_DIALOGUES = ("tune", "final", "final2", "final3", "final4", "final6")


def dialogue_staff_rows() -> list[dict]:
    """Every turn of the fit dialogues: a staff dialogue's last turn is a staff question, a citizen's turns are not."""
    out = []
    for role in FIT_DIALOGUES:
        path = labelled.LABELLED_DIR / "dialogues" / f"{role}.jsonl"
        for r in (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()):
            staff = r.get("kind") == "staff"
            out += [{"text": t, "staff": staff and i == len(r["turns"]) - 1, "batch": f"dialogues-{role}"}
                    for i, t in enumerate(r["turns"]) if not staff or i == len(r["turns"]) - 1]
    return out


def intent_rows() -> list[dict]:
    return labelled.rows("intent", "train")


def load_emotion(path: Path = EMOTION_FILE) -> list[tuple[str, str]]:
    """Distinct texts with their majority label; a text whose labels tie is dropped."""
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            votes[row["text"]][row["emotion"]] += 1
    out = []
    for text, c in votes.items():
        ranked = c.most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            continue
        out.append((text, ranked[0][0]))
    return sorted(out)


def emotion_training() -> list[tuple[str, str]]:
    return [(t, y) for t, y in load_emotion() if split_of(t) in ("train", "dev")]


def load_messages(path: Path = MESSAGES_FILE) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [(f"{r['title']}。{r['detail']}", r["label_l1"]) for r in rows]


def department_training() -> list[tuple[str, str]]:
    return [(t, y) for t, y in load_messages() if split_of(t, DEPT_CUTS) != "test"]


def pairs_hash(pairs: list[tuple[str, str]]) -> str:
    return labelled.rows_hash([{"text": t, "label": y} for t, y in pairs], ("label",))


def embed_cached(texts: list[str], model: str, cache: Path | None = None) -> np.ndarray:
    """Sentence vectors, reusing a local cache file (texts+vectors) so re-runs skip minutes of encoding."""
    known: dict[str, np.ndarray] = {}
    if cache and cache.exists():
        z = np.load(cache, allow_pickle=False)
        known = dict(zip(z["texts"].tolist(), z["vectors"]))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        emb = get_embedder(replace(get_settings(), embedding_model=model))
        for t, v in zip(missing, emb.embed(missing)):
            known[t] = v
        if cache:
            cache.parent.mkdir(parents=True, exist_ok=True)
            keys = list(known)
            np.savez(cache, texts=np.array(keys), vectors=np.stack([known[k] for k in keys]).astype(np.float32))
    return np.stack([known[t] for t in texts]).astype(np.float32)
