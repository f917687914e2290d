"""Lifecycle guarantees of the knowledge base, on real chromadb and the real embedding model; every test runs with the
registry on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import subprocess
from dataclasses import replace
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest import add_paths, remove_document, replace_document
from assistant.store import db
from assistant.store.kb import KnowledgeBase
from assistant.store.lock import StoreLocked

from conftest import BACKENDS, REPO, on_backend


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path):
    return on_backend(Settings(data_dir=tmp_path / "data", knowledge_dir=REPO / "knowledge"), request.param, request)

RESIDENCE = """居住证办理须知
第一条 申领居住证应当在居住地居住满半年，并符合有合法稳定就业、合法稳定住所、连续就读条件之一。
第二条 申领时提交本人居民身份证、近期一寸白底照片以及居住地住址证明。
第三条 公安派出所应当自受理之日起十五日内制作发放居住证。"""

PENSION = """灵活就业人员参保指南
一、灵活就业人员可以在户籍地或者常住地以个人身份参加职工基本养老保险。
二、缴费基数在上年度全省平均工资的百分之六十至百分之三百之间自愿选择。
三、参保人可以通过政务服务网或者社保经办窗口办理登记。"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def vector_hits(kb: KnowledgeBase, text: str, k: int = 10):
    return kb.vector_search(kb.embedder.embed([text])[0], k)


def test_remove_leaves_no_ghost_chunks(kb, tmp_path):
    add_paths(kb, [write(tmp_path / "in", "居住证.txt", RESIDENCE), write(tmp_path / "in", "参保.txt", PENSION)],
              user="t")
    row = kb.get_document("居住证.txt")
    assert row.status == "ready" and row.chunk_count >= 1
    remove_document(kb, "居住证.txt", user="t")
    assert kb.get_document("居住证.txt") is None
    assert all(c.doc_id != row.id for c, _ in vector_hits(kb, RESIDENCE))
    assert all(c.doc_id != row.id for c in kb.iter_chunks())
    assert kb.collection.get(where={"doc_id": row.id})["ids"] == []   # gone from chromadb itself, not just hidden
    assert any(c.title.startswith("灵活就业") for c, _ in vector_hits(kb, PENSION))


def test_readding_identical_content_is_a_noop_and_changed_content_replaces(kb, tmp_path):
    path = write(tmp_path / "in", "居住证.txt", RESIDENCE)
    first = add_paths(kb, [path], user="t")
    version = kb.version()
    again = add_paths(kb, [path], user="t")
    assert [o.outcome for o in first.outcomes] == ["added"]
    assert [o.outcome for o in again.outcomes] == ["unchanged"] and kb.version() == version
    write(tmp_path / "in", "居住证.txt", RESIDENCE.replace("十五日", "十日"))
    changed = add_paths(kb, [path], user="t")
    assert [o.outcome for o in changed.outcomes] == ["replaced"]
    texts = " ".join(c.text for c in kb.iter_chunks())
    assert "十日内" in texts and "十五日" not in texts
    assert len(kb.documents()) == 1 and kb.documents()[0].revision == 2


class FailingEmbedder:
    """The real model, failing on the n-th call: a crash in the middle of embedding a new version."""

    def __init__(self, real, fail_on_call: int):
        self.real, self.calls, self.fail_on_call = real, 0, fail_on_call
        self.name, self.dim = real.name, real.dim

    def embed(self, texts):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise MemoryError("simulated crash while embedding")
        return self.real.embed(texts)


def test_replace_failing_midway_keeps_old_version_searchable(settings, tmp_path):
    kb = KnowledgeBase(replace(settings, embedding_batch=8))  # small batches: several writes per document
    add_paths(kb, [write(tmp_path / "in", "居住证.txt", RESIDENCE)], user="t")
    before = sorted(c.text for c in kb.iter_chunks())
    row = kb.get_document("居住证.txt")
    long_new = "\n".join(f"第{i}条 新版条款{i}：居住证签注每年办理一次，逾期未签注的须重新申领。" for i in range(1, 400))
    new_file = write(tmp_path / "new", "居住证新版.txt", long_new)
    kb._embedder = FailingEmbedder(kb.embedder, fail_on_call=5)   # a first batch lands in chromadb, then a crash
    with pytest.raises(MemoryError):
        replace_document(kb, row.id, new_file, user="t")
    kb._embedder = kb._embedder.real
    assert kb.count() > row.chunk_count   # part of the new version did reach chromadb...
    assert sorted(c.text for c in kb.iter_chunks()) == before
    assert kb.get_document(row.id).revision == row.revision
    assert all("新版条款" not in c.text for c, _ in vector_hits(kb, long_new[:200]))
    # the next writer sweeps away the half-written revision
    with kb.writing():
        pass
    assert kb.count() == row.chunk_count


def test_crash_before_registry_commit_leaves_nothing_visible(settings, tmp_path, monkeypatch):
    kb = KnowledgeBase(settings)
    add_paths(kb, [write(tmp_path / "in", "参保.txt", PENSION)], user="t")
    count = kb.count()

    def boom(conn):
        raise RuntimeError("power cut")

    monkeypatch.setattr(db, "bump_version", boom)
    with pytest.raises(RuntimeError):
        add_paths(kb, [write(tmp_path / "in", "居住证.txt", RESIDENCE)], user="t")
    monkeypatch.undo()
    assert kb.get_document("居住证.txt") is None
    assert {c.doc_id for c in kb.iter_chunks()} == {kb.get_document("参保.txt").id}
    assert all(c.title != "居住证办理须知" for c, _ in vector_hits(kb, RESIDENCE))
    with kb.writing():
        pass
    assert kb.count() == count


def test_bad_file_gets_a_status_and_nothing_else_changes(kb, tmp_path):
    add_paths(kb, [write(tmp_path / "in", "参保.txt", PENSION)], user="t")
    before = sorted(c.text for c in kb.iter_chunks())
    bad = tmp_path / "in" / "坏文件.pdf"
    bad.write_bytes(b"%PDF-1.4\n% truncated")
    summary = add_paths(kb, [bad], user="t")
    out = summary.outcomes[0]
    assert out.outcome == "failed" and "坏文件.pdf" in out.message
    row = kb.get_document("坏文件.pdf")
    assert row.status != "ready" and row.error and row.chunk_count == 0
    assert sorted(c.text for c in kb.iter_chunks()) == before


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    env = {"ASSISTANT_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin",
           "PYTHONIOENCODING": "utf-8", "DATABASE_URL": settings.database_url}
    return subprocess.run([sys.executable, str(REPO / "ingest.py"), *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300)


@pytest.mark.slow
def test_second_writer_gets_clear_message_and_readers_keep_working(settings, tmp_path):
    kb = KnowledgeBase(settings)
    add_paths(kb, [write(tmp_path / "in", "参保.txt", PENSION)], user="t")
    other = write(tmp_path / "in2", "居住证.txt", RESIDENCE)
    with kb.writing():
        blocked = _cli(settings, "add", str(other))
        reader = _cli(settings, "list")
        with pytest.raises(StoreLocked):
            with KnowledgeBase(settings).writing():
                pass
    assert blocked.returncode == 3 and "正在被另一个进程写入" in blocked.stderr
    assert reader.returncode == 0 and "灵活就业人员参保指南" in reader.stdout
    assert kb.get_document("居住证.txt") is None


@pytest.mark.slow
def test_reader_sees_documents_added_by_another_process(settings, tmp_path):
    kb = KnowledgeBase(settings)
    add_paths(kb, [write(tmp_path / "in", "参保.txt", PENSION)], user="t")
    assert vector_hits(kb, RESIDENCE)  # client now open and warm
    added = _cli(settings, "add", str(write(tmp_path / "in2", "居住证.txt", RESIDENCE)))
    assert added.returncode == 0, added.stderr
    assert any(c.title == "居住证办理须知" for c, _ in vector_hits(kb, RESIDENCE))


def test_vector_ids_agree_with_vector_search_and_skip_replaced_revisions(kb, tmp_path):
    path = write(tmp_path / "in", "居住证.txt", RESIDENCE)
    add_paths(kb, [path, write(tmp_path / "in", "参保.txt", PENSION)], user="t")
    write(tmp_path / "in", "居住证.txt", RESIDENCE.replace("十五日", "十日"))
    add_paths(kb, [path], user="t")                  # revision 2; revision 1 must never come back
    query = kb.embedder.embed(["居住证多久能拿到"])[0]
    full = kb.vector_search(query, 5)
    ids = kb.vector_ids(query, 5)
    assert [(c.id, round(s, 5)) for c, s in full] == [(cid, round(s, 5)) for cid, s in ids]
    assert {cid for cid, _ in ids} <= {c.id for c in kb.iter_chunks()}
    assert any("十日" in c.text for c, _ in full) and not any("十五日" in c.text for c, _ in full)
