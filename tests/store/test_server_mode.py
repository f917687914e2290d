"""Server mode: several app instances share one `chroma run` server through HttpClient (no file lock needed)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.ingest import add_paths, remove_document
from assistant.store.kb import KnowledgeBase

CHROMA = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    if not exe:
        pytest.skip("the `chroma` command (installed with chromadb) is not on this machine")
    port = free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.slow
def test_two_instances_share_one_server(settings, tmp_path, chroma_server):
    server_settings = replace(settings, chroma_host="127.0.0.1", chroma_port=chroma_server)
    writer, reader = KnowledgeBase(server_settings), KnowledgeBase(server_settings)
    doc = tmp_path / "公积金提取.txt"
    doc.write_text("住房公积金提取须知\n第一条 购买自住住房的，可以提取本人及配偶的住房公积金账户余额。", encoding="utf-8")
    with writer.writing(), KnowledgeBase(server_settings).writing():
        pass  # no file lock in server mode: the server serialises writes
    summary = add_paths(writer, [doc], user="t")
    assert summary.outcomes[0].outcome == "added"
    vec = reader.embedder.embed(["怎么提取公积金"])[0]
    hits = reader.vector_search(vec, 3)
    assert hits and hits[0][0].title == "住房公积金提取须知"
    assert not (settings.data_dir / "chroma").exists()   # nothing written to the embedded folder
    remove_document(writer, doc.name, user="t")
    assert reader.vector_search(vec, 3) == []
