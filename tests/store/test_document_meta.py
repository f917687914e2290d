"""A trainer corrects where and until when a document applies; the correction is what every reader sees, survives a
reopen and a replace of the file, and is audited. Older data folders keep working ("" = unknown)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from assistant.ingest import add_paths, replace_document
from assistant.retrieval.retriever import Retriever
from assistant.store import db
from assistant.store.kb import KnowledgeBase

from conftest import REPO

NOTICE = ("甘肃省人力资源和社会保障厅关于灵活就业人员社会保险补贴的通知\n"
          "一、登记失业半年以上、以灵活就业方式就业的人员，可以申请社会保险补贴。\n"
          "二、按实际缴纳基本养老保险费的三分之二给予补贴，补贴期限最长三年。\n")


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", "ASSISTANT_USER": "培训员甲"}
    return subprocess.run([sys.executable, str(REPO / "ingest.py"), *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300)


def test_meta_edit_from_the_command_line_survives_reopen_and_replace(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "补贴通知.txt").write_text(NOTICE, encoding="utf-8")
    kb = KnowledgeBase(settings)
    add_paths(kb, [folder / "补贴通知.txt"], user="t")
    row = kb.get_document("补贴通知.txt")
    assert (row.region, row.level, row.validity) == ("甘肃省", "省", "")
    kb.reopen()

    out = _cli(settings.data_dir, "meta", "补贴通知.txt", "--region", "甘肃 兰州", "--valid-until", "2025年12月31日",
               "--status", "repealed")
    assert out.returncode == 0, out.stderr
    assert "已更新" in out.stdout and "甘肃省/兰州市" in out.stdout and "已废止" in out.stdout

    fresh = KnowledgeBase(settings)  # a reader opened afterwards (another process) sees the edit whole
    row = fresh.get_document("补贴通知.txt")
    assert (row.region, row.level, row.valid_until, row.validity) == ("甘肃省/兰州市", "市", "2025-12-31", "repealed")
    assert {(c.region, c.validity) for c in fresh.iter_chunks()} == {("甘肃省/兰州市", "repealed")}
    raw = fresh.collection.get(include=["metadatas"])["metadatas"]
    assert {(m["region"], m["validity"]) for m in raw} == {("甘肃省/兰州市", "repealed")}  # chromadb copies agree
    hit = Retriever(fresh, settings).search("灵活就业人员社会保险补贴标准").hits[0]
    assert hit.region == "甘肃省/兰州市" and hit.validity == "repealed" and not hit.quotable
    with fresh.engine.connect() as conn:
        audit = conn.execute(select(db.audit).where(db.audit.c.action == "meta")).all()
    assert len(audit) == 1 and audit[0].user == "培训员甲" and "甘肃省/兰州市" in audit[0].detail

    (folder / "补贴通知2.txt").write_text(NOTICE + "三、本通知自2024年1月1日起施行。\n", encoding="utf-8")
    with fresh.writing():
        replace_document(fresh, "补贴通知.txt", folder / "补贴通知2.txt", user="t")
    row = fresh.get_document(row.id)
    assert row.region == "甘肃省/兰州市" and row.validity == "repealed"  # the trainer's word is not re-guessed
    assert row.effective_from == "2024-01-01"  # what the trainer did not set is read from the new text
    fresh.reopen()


def test_a_bad_value_is_refused_with_a_sentence(settings, tmp_path):
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    kb = KnowledgeBase(settings)
    add_paths(kb, [tmp_path / "a.txt"], user="t")
    kb.reopen()
    out = _cli(settings.data_dir, "meta", "a.txt", "--status", "作废了")
    assert out.returncode == 2 and "状态“作废了”不认识" in out.stderr
    pasted = _cli(settings.data_dir, "meta", "a.txt", "--region", "甘" * 300)   # a paragraph pasted by mistake
    assert pasted.returncode == 2 and "不像地名" in pasted.stderr
    shown = _cli(settings.data_dir, "meta", "a.txt")
    assert shown.returncode == 0 and "适用地区: 甘肃省" in shown.stdout


def test_an_older_registry_gains_the_columns_and_reads_unknown(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the documents table as it was before region and validity existed
        conn.execute("CREATE TABLE documents (id VARCHAR(64) PRIMARY KEY, title VARCHAR(500) NOT NULL, "
                     "source VARCHAR(500) NOT NULL, kind VARCHAR(16) NOT NULL, sha256 VARCHAR(64) NOT NULL, "
                     "status VARCHAR(16) NOT NULL, chunk_count INTEGER NOT NULL, error TEXT NOT NULL, "
                     "warnings TEXT NOT NULL, category VARCHAR(100) NOT NULL, doc_date VARCHAR(10) NOT NULL, "
                     "revision INTEGER NOT NULL, added_at DATETIME NOT NULL, replaced_at DATETIME, "
                     "added_by VARCHAR(100) NOT NULL)")
        conn.execute("INSERT INTO documents VALUES ('d1', '旧文件', 'old.txt', 'policy', 'x', 'ready', 1, '', '', '', "
                     "'', 1, '2024-01-01 00:00:00', NULL, 't')")
    from assistant.store.registry import Registry

    registry = Registry(db.get_engine(f"sqlite:///{path}"))
    row = registry.get_document("d1")
    assert row.title == "旧文件" and (row.region, row.level, row.validity, row.meta_edited) == ("", "", "", "")
    assert registry.document_meta()["d1"].region == ""
    assert registry.document_stamps()["d1"].endswith("2024-01-01T00:00:00")  # unchanged: no needless re-index
