"""One app instance as a separate process, driven line by line over stdin/stdout (JSON), for the two-writer machine.

`python -m assistant.bench.writer_worker DATA_DIR DATABASE_URL CHROMA_PORT COLLECTION` opens its own KnowledgeBase and Retriever
against the shared chroma server and database, then answers commands:

    {"op": "put", "name": "x.txt", "text": "..."}    add or replace (as a trainer's upload does: ``add_paths``)
    {"op": "remove", "name": "x.txt"}
    {"op": "check", "dead": [...], "live": [...]}    what this instance can retrieve (see ``check``)

``--unsafe`` replaces the write lock with the protocol before issue 15 (no lock in server mode), to show what the
state machine finds without it.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings
from assistant.ingest import add_paths, remove_document
from assistant.retrieval.retriever import Retriever
from assistant.store.kb import KnowledgeBase


def _unsafe_writing(self):
    """Server-mode writing() as it was: repair when dirty, no lock (kept only to demonstrate the race)."""

    @contextmanager
    def cm():
        if self._lock_fd is not None:
            yield self
            return
        self._lock_fd = object()
        try:
            if self.registry.dirty():
                self.repair()
            yield self
            self.registry.dirty(False)
        finally:
            self._lock_fd = None
    return cm()


def check(kb: KnowledgeBase, retriever: Retriever, dead: list[str], live: list[str]) -> dict:
    """Violations seen by this instance: a chunk of a dead text found by vector search or held by the lexical index,
    or a lexical index that is not at the store's version stamp or differs from what the store holds."""
    problems: list[str] = []
    state = retriever.state()
    version = kb.version()
    if state.version != version:
        problems.append(f"lexical index at stamp {state.version}, store at {version}")
    stored = sorted((c.id, c.text) for c in kb.iter_chunks())
    indexed = sorted((c.id, c.text) for c in state.chunks)
    if kb.version() == version and stored != indexed:
        problems.append(f"lexical index holds {len(indexed)} chunks, the store {len(stored)}")

    def dead_only(chunk_text: str) -> bool:
        return any(chunk_text in t for t in dead) and not any(chunk_text in t for t in live)

    for c in state.chunks:
        if dead_only(c.text):
            problems.append(f"lexical index holds a dead chunk {c.id}")
    for text in dead:
        for chunk, _ in kb.vector_search(kb.embedder.embed([text])[0], 10):
            if dead_only(chunk.text):
                problems.append(f"vector search returns a dead chunk {chunk.id}")
    return {"problems": problems, "version": version, "chunks": len(indexed)}


def main(argv: list[str]) -> int:
    unsafe = "--unsafe" in argv
    data_dir, url, port, collection = [a for a in argv if a != "--unsafe"]
    settings = Settings(data_dir=Path(data_dir), knowledge_dir=PROJECT_ROOT / "knowledge", database_url=url,
                        chroma_host="127.0.0.1", chroma_port=int(port), collection=collection, write_lock_wait_s=120)
    if unsafe:
        KnowledgeBase.writing = _unsafe_writing
    kb = KnowledgeBase(settings)
    retriever = Retriever(kb, settings, persist=False)
    files = Path(data_dir) / "in"
    files.mkdir(parents=True, exist_ok=True)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            if cmd["op"] == "put":
                path = files / cmd["name"]
                path.write_text(cmd["text"], encoding="utf-8")
                out = add_paths(kb, [path], user="worker").outcomes[0]
                reply = {"outcome": out.outcome, "message": out.message}
            elif cmd["op"] == "remove":
                try:
                    remove_document(kb, cmd["name"], user="worker")
                    reply = {"outcome": "removed"}
                except LookupError:
                    reply = {"outcome": "missing"}
            elif cmd["op"] == "check":
                reply = check(kb, retriever, cmd["dead"], cmd["live"])
            else:
                reply = {"error": f"unknown op {cmd['op']}"}
        except Exception as exc:  # noqa: BLE001 - reported to the machine, which fails the run with it
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(reply, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
