"""Backup and restore of a knowledge base: the relational state, the chunks with their vectors, the stored file copies.

    python -m assistant.backup create 备份文件夹        # holds the writer lock while it copies (queries go on)
    python -m assistant.backup restore 备份文件夹       # into an empty knowledge base (same settings / env vars)

What is saved, whichever mode runs: the database (SQLite: a consistent copy through SQLite's backup API; PostgreSQL:
``pg_dump --format=custom``), every chromadb record of the collection (ids, vectors, texts, metadata) read through the
client, so an embedded folder and a `chroma run` server are backed up the same way and without stopping the server,
and ``data/files`` (the stored copies of the documents). The lexical index and the derived vectors are not saved: they
are rebuilt from these on the first query after a restore. A restore reproduces the same search results
(tests/store/test_backup_restore.py).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
from sqlalchemy.engine import make_url

from assistant.config import Settings, get_settings
from assistant.store import db
from assistant.store.kb import FILES_DIR, KnowledgeBase
from assistant.store.records import MAX_BATCH, batched, pages

FORMAT = 1


class BackupError(RuntimeError):
    """Shown as is (Chinese): what went wrong and what to do."""


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str, pg_bin: str | None) -> str:
    exe = str(Path(pg_bin) / name) if pg_bin else shutil.which(name)
    if not exe or not Path(exe).exists():
        raise BackupError(f"找不到 {name}：请安装与数据库同版本的 PostgreSQL 客户端（Debian：apt-get install postgresql-client），"
                          "或用 --pg-bin 指定其所在文件夹。")
    return exe


def create(settings: Settings, out: Path, pg_bin: str | None = None) -> dict:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份文件夹 {out} 不是空的：请换一个新文件夹。")
    out.mkdir(parents=True, exist_ok=True)
    kb = KnowledgeBase(settings)
    with kb.writing():   # no trainer writes while the copy is taken; queries are not blocked
        engine = db.get_engine(settings.db_url)
        if engine.dialect.name == "sqlite":
            src = sqlite3.connect(make_url(settings.db_url).database)
            dst = sqlite3.connect(out / "assistant.db")
            src.backup(dst)
            dst.close()
            src.close()
        elif engine.dialect.name == "postgresql":
            subprocess.run([_pg_tool("pg_dump", pg_bin), "--format=custom", "--no-owner", "--file",
                            str(out / "db.dump"), _libpq_url(settings.db_url)], check=True, capture_output=True)
        else:
            raise BackupError(f"不支持备份 {engine.dialect.name} 数据库：请用该数据库自带的备份工具。")
        ids, vecs, texts, metas = [], [], [], []
        for page in pages(kb._get_collection, include=["embeddings", "documents", "metadatas"]):
            ids += page["ids"]
            vecs += [np.asarray(v, dtype=np.float32) for v in page["embeddings"]]
            texts += page["documents"]
            metas += page["metadatas"]
        np.save(out / "vectors.npy", np.stack(vecs) if vecs else np.zeros((0, kb.embedder.dim), np.float32))
        with open(out / "records.jsonl", "w", encoding="utf-8") as f:
            for rid, text, meta in zip(ids, texts, metas):
                f.write(json.dumps({"id": rid, "text": text, "meta": meta}, ensure_ascii=False) + "\n")
        files = settings.data_dir / FILES_DIR
        if files.is_dir():
            shutil.copytree(files, out / FILES_DIR, symlinks=True)
        manifest = {"format": FORMAT, "version": kb.version(), "records": len(ids), "documents": len(kb.documents()),
                    "collection": kb.collection.name, "embedding_model": settings.embedding_model,
                    "database": engine.dialect.name}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def restore(settings: Settings, src: Path, pg_bin: str | None = None) -> dict:
    src = Path(src)
    try:
        manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{src} 里没有可用的 manifest.json：这不是一份完整的备份。") from None
    if manifest.get("embedding_model") != settings.embedding_model:
        raise BackupError(f"备份用的嵌入模型是 {manifest.get('embedding_model')}，当前配置是 {settings.embedding_model}："
                          "请把 EMBEDDING_MODEL 设成与备份相同后再恢复。")
    kb = KnowledgeBase(settings)
    if kb.documents() or kb.count():
        raise BackupError("目标知识库不是空的：请指向新的数据目录、空数据库和空的向量库后再恢复，以免覆盖现有内容。")
    engine = db.get_engine(settings.db_url)
    if engine.dialect.name != manifest["database"]:
        raise BackupError(f"备份来自 {manifest['database']}，当前是 {engine.dialect.name}：请用同一种数据库恢复。")
    if engine.dialect.name == "sqlite":
        engine.dispose()
        db.get_engine.cache_clear()
        target = Path(make_url(settings.db_url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy2(src / "assistant.db", target)
    else:
        engine.dispose()
        subprocess.run([_pg_tool("pg_restore", pg_bin), "--clean", "--if-exists", "--no-owner", "--dbname",
                        _libpq_url(settings.db_url), str(src / "db.dump")], check=True, capture_output=True)
    kb = KnowledgeBase(settings)
    vectors = np.load(src / "vectors.npy")
    with open(src / "records.jsonl", encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    with kb.writing():
        for part in batched(list(range(len(records))), MAX_BATCH):
            kb.collection.upsert(ids=[records[i]["id"] for i in part], embeddings=vectors[list(part)],
                                 documents=[records[i]["text"] for i in part],
                                 metadatas=[records[i]["meta"] for i in part])
    if (src / FILES_DIR).is_dir():
        shutil.copytree(src / FILES_DIR, settings.data_dir / FILES_DIR, symlinks=True, dirs_exist_ok=True)
    return {"documents": len(kb.documents()), "records": kb.count(), "version": kb.version()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m assistant.backup", description="知识库备份与恢复")
    ap.add_argument("command", choices=["create", "restore"])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--pg-bin", help="pg_dump / pg_restore 所在文件夹（默认在 PATH 上找）")
    args = ap.parse_args(argv)
    settings = get_settings()
    try:
        if args.command == "create":
            m = create(settings, args.folder, args.pg_bin)
            print(f"已备份到 {args.folder}：{m['documents']} 篇文档、{m['records']} 段（版本 {m['version']}）。")
        else:
            m = restore(settings, args.folder, args.pg_bin)
            print(f"已恢复：{m['documents']} 篇文档、{m['records']} 段。词法索引会在第一次查询时自动重建。")
    except BackupError as err:
        print(str(err), file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"{Path(err.cmd[0]).name} 失败：{(err.stderr or b'').decode('utf-8', 'replace')[-500:]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
