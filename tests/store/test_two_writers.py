"""Two trainers on two app instances (two processes) against one chroma server and one PostgreSQL, interleaved and at
the same moment; the machine and its invariants are ``assistant.bench.two_writers`` (the bench runs it ≥ 500 steps)."""
from __future__ import annotations

import itertools

import pytest

from assistant.bench.servers import ChromaServer, ServerUnavailable
from assistant.bench.two_writers import Run, run_machine


@pytest.fixture
def chroma_port(tmp_path):
    try:
        server = ChromaServer(tmp_path / "chroma").start()
    except ServerUnavailable as err:
        pytest.skip(str(err))
    yield server.port
    server.stop()


@pytest.mark.slow
def test_two_writers_leave_no_lost_or_ghost_chunks(pg_server, chroma_port):
    names = itertools.count()
    run = Run(chroma_port, lambda: pg_server.create_database(f"two{next(names)}"))
    run_machine(run, examples=1, steps=12)
    assert run.steps >= 12 and run.concurrent_steps >= 1   # the machine did race the two instances
