"""Server mode: several app instances share one `chroma run` server through HttpClient; writers take turns through a
lock the database holds (PostgreSQL advisory lock; a file lock beside a shared SQLite file)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.bench.servers import ChromaServer, ServerUnavailable
from assistant.ingest import add_paths, remove_document
from assistant.store.kb import KnowledgeBase
from assistant.store.lock import StoreLocked

from conftest import BACKENDS, on_backend


@pytest.fixture
def chroma_server(tmp_path):
    try:
        server = ChromaServer(tmp_path / "server").start()
    except ServerUnavailable as err:
        pytest.skip(str(err))
    yield server.port
    server.stop()


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_instances_share_one_server(settings, tmp_path, chroma_server, backend, request):
    server_settings = replace(on_backend(settings, backend, request), chroma_host="127.0.0.1",
                              chroma_port=chroma_server, write_lock_wait_s=0.5)
    writer, reader = KnowledgeBase(server_settings), KnowledgeBase(server_settings)
    doc = tmp_path / "公积金提取.txt"
    doc.write_text("住房公积金提取须知\n第一条 购买自住住房的，可以提取本人及配偶的住房公积金账户余额。", encoding="utf-8")
    with writer.writing():
        with pytest.raises(StoreLocked) as busy:   # a second instance's trainer waits, then hears why
            with KnowledgeBase(server_settings).writing():
                pass
    assert "请稍后重试" in str(busy.value) or "请等它完成后重试" in str(busy.value)
    with KnowledgeBase(server_settings).writing():
        pass   # the lock was released with the first writer
    summary = add_paths(writer, [doc], user="t")
    assert summary.outcomes[0].outcome == "added"
    vec = reader.embedder.embed(["怎么提取公积金"])[0]
    hits = reader.vector_search(vec, 3)
    assert hits and hits[0][0].title == "住房公积金提取须知"
    assert not (settings.data_dir / "chroma").exists()   # nothing written to the embedded folder
    remove_document(writer, doc.name, user="t")
    assert reader.vector_search(vec, 3) == []
