"""Backup and restore: a knowledge base restored into empty stores answers every query exactly as the original did —
embedded chromadb + SQLite, and a `chroma run` server + PostgreSQL (pg_dump / pg_restore)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.backup import BackupError, create, restore
from assistant.bench.servers import ChromaServer, ServerUnavailable
from assistant.config import Settings
from assistant.ingest import add_paths, replace_document
from assistant.retrieval.retriever import Retriever
from assistant.store.kb import KnowledgeBase

from conftest import REPO
from test_lifecycle import PENSION, RESIDENCE, write

QUERIES = ["居住证多久能拿到", "灵活就业人员怎么参加养老保险", "申领居住证要带什么", "缴费基数怎么选"]


def results(settings: Settings) -> list:
    retriever = Retriever(KnowledgeBase(settings), settings, persist=False)
    return [[(h.chunk_id, round(h.score, 6)) for h in retriever.search(q, k=5).hits] for q in QUERIES]


def fill(settings: Settings, tmp_path: Path) -> None:
    kb = KnowledgeBase(settings)
    path = write(tmp_path / "in", "居住证.txt", RESIDENCE)
    add_paths(kb, [path, write(tmp_path / "in", "参保.txt", PENSION)], user="t")
    replace_document(kb, "居住证.txt", write(tmp_path / "new", "居住证.txt", RESIDENCE.replace("十五日", "十日")),
                     user="t")   # revision 2: the backup must carry only what is current


@pytest.fixture
def chroma(tmp_path):
    servers = []

    def start(name: str) -> int:
        try:
            servers.append(ChromaServer(tmp_path / name).start())
        except ServerUnavailable as err:
            pytest.skip(str(err))
        return servers[-1].port
    yield start
    for s in servers:
        s.stop()


@pytest.mark.slow
def test_restore_on_embedded_and_sqlite_answers_identically(tmp_path):
    source = Settings(data_dir=tmp_path / "data", knowledge_dir=REPO / "knowledge")
    fill(source, tmp_path)
    before = results(source)
    manifest = create(source, tmp_path / "backup")
    assert manifest["documents"] == 2 and manifest["records"] == KnowledgeBase(source).count()
    target = replace(source, data_dir=tmp_path / "restored")
    restore(target, tmp_path / "backup")
    assert results(target) == before and any(before)
    assert (target.data_dir / "files").is_dir()
    with pytest.raises(BackupError, match="不是空的"):    # never over an existing knowledge base
        restore(target, tmp_path / "backup")


@pytest.mark.slow
def test_restore_on_chroma_server_and_postgresql_answers_identically(tmp_path, pg_server, chroma):
    source = Settings(data_dir=tmp_path / "data", knowledge_dir=REPO / "knowledge",
                      database_url=pg_server.create_database("backup_src"), chroma_host="127.0.0.1",
                      chroma_port=chroma("chroma-a"))
    fill(source, tmp_path)
    before = results(source)
    create(source, tmp_path / "backup", pg_bin=str(Path(pg_server.tool("pg_dump")).parent))
    target = replace(source, data_dir=tmp_path / "restored", database_url=pg_server.create_database("backup_dst"),
                     chroma_port=chroma("chroma-b"))   # new database, new chroma server with an empty folder
    restore(target, tmp_path / "backup", pg_bin=str(Path(pg_server.tool("pg_restore")).parent))
    assert results(target) == before and any(before)
    assert [(r.id, r.revision, r.sha256) for r in KnowledgeBase(target).documents()] == \
        [(r.id, r.revision, r.sha256) for r in KnowledgeBase(source).documents()]
