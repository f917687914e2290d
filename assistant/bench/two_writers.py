"""Two trainers at once: a hypothesis state machine driving two app instances (two processes) that add, replace and
remove documents against one chroma server and one PostgreSQL database, sometimes both in the same step.

`python -m assistant.bench twowriters --steps 500` runs it long (needs the dev extra: hypothesis); the test suite runs
a short one (tests/store/test_two_writers.py). After every step: the registry and the store agree (rows = the model,
chromadb holds exactly the current chunks: no lost and no ghost chunk), neither instance retrieves a chunk of a
removed or replaced version by vector or lexically, and each instance's lexical index is at the store's version stamp
and holds what the store holds. Derandomized: the same code and the same options run the same steps.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, settings as hsettings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from assistant.config import PROJECT_ROOT, Settings
from assistant.store.kb import KnowledgeBase

NAMES = ["居住证.txt", "社保.txt", "公积金.txt"]
TOPICS = ["居住证签注", "养老保险转移", "公积金提取", "不动产登记", "出生登记"]


def body(topic: str, serial: int) -> str:
    clauses = "\n".join(f"第{i}条 {topic}事项编号{serial}号第{i}款：办理时携带身份证件原件和申请表{serial % 7 + 1}份。"
                        for i in range(1, 2 + serial % 3))
    return f"{topic}办事指南编号{serial}号\n{clauses}"


def tag(text: str) -> str:
    return text.splitlines()[0].rsplit("编号", 1)[1]


class Worker:
    """One app instance in its own process (``assistant.bench.writer_worker``)."""

    def __init__(self, data_dir: Path, url: str, port: int, collection: str, unsafe: bool):
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
                   PYTHONIOENCODING="utf-8")
        cmd = [sys.executable, "-m", "assistant.bench.writer_worker", str(data_dir), url, str(port), collection]
        self.proc = subprocess.Popen(cmd + (["--unsafe"] if unsafe else []), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=PROJECT_ROOT, env=env)

    def wait_ready(self) -> None:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("writer worker exited at start")

    def send(self, cmd: dict) -> None:
        self.proc.stdin.write(json.dumps(cmd, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()

    def receive(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("writer worker died")
        return json.loads(line)

    def call(self, cmd: dict) -> dict:
        self.send(cmd)
        return self.receive()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - a stuck worker is killed
            self.proc.kill()
            self.proc.wait()


@dataclass
class Run:
    """What the machine needs from outside (servers) and what it tallies across examples."""
    chroma_port: int
    new_database: object          # () -> SQLAlchemy URL of a fresh database
    unsafe: bool = False
    examples: int = 0
    steps: int = 0
    ops: int = 0
    concurrent_steps: int = 0
    same_document_races: int = 0
    checks: int = 0
    chunks_max: int = 0
    seconds: float = 0.0
    counter: itertools.count = field(default_factory=itertools.count)


def make_machine(run: Run) -> type:
    class TwoWriterMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            run.examples += 1
            n = next(run.counter)
            self.tmp = Path(tempfile.mkdtemp(prefix="two-writers-"))
            url = run.new_database()
            collection = f"two-writers-{os.getpid()}-{n}"
            self.observer = KnowledgeBase(Settings(data_dir=self.tmp / "observer", database_url=url,
                                                   chroma_host="127.0.0.1", chroma_port=run.chroma_port,
                                                   collection=collection))
            self.workers = [Worker(self.tmp / f"instance{i}", url, run.chroma_port, collection, run.unsafe)
                            for i in (0, 1)]
            for w in self.workers:
                w.wait_ready()
            self.model: dict[str, str] = {}
            self.dead: list[str] = []
            self.serial = itertools.count(1)

        def teardown(self):
            for w in self.workers:
                w.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

        # -- operations ---------------------------------------------------------------------------------
        def _op(self, kind: str, name: str, topic: str) -> dict:
            if kind == "put":
                return {"op": "put", "name": name, "text": body(topic, next(self.serial))}
            return {"op": "remove", "name": name}

        def _apply(self, ops: list[tuple[int, dict]]) -> None:
            """Send every op first (so the two instances run at the same time), then read the replies, then update
            the model from what the registry ended with, checking it is an outcome some order would give."""
            run.steps += 1
            run.ops += len(ops)
            for i, cmd in ops:
                self.workers[i].send(cmd)
            for i, cmd in ops:
                reply = self.workers[i].receive()
                assert "error" not in reply, reply
                if cmd["op"] == "put":
                    assert reply["outcome"] in {"added", "replaced"}, reply
            for name in {cmd["name"] for _, cmd in ops}:
                puts = [cmd["text"] for _, cmd in ops if cmd["name"] == name and cmd["op"] == "put"]
                previous = self.model.get(name)
                row = self.observer.get_document(name)
                if row is None:
                    on_name = [cmd for _, cmd in ops if cmd["name"] == name]
                    assert len(puts) < len(on_name), f"{name}: every op on it put it, yet it is gone"
                    final = None
                else:
                    held = " ".join(c.text for c in self.observer.chunks_of(row.id))
                    found = [t for t in puts if f"编号{tag(t)}" in held]
                    assert len(found) == 1, f"{name}: holds none or a mix of the texts put in this step"
                    final = found[0]
                for t in [previous, *puts]:
                    if t is not None and t != final:
                        self.dead.append(t)
                if final is None:
                    self.model.pop(name, None)
                else:
                    self.model[name] = final

        @rule(which=st.integers(0, 1), name=st.sampled_from(NAMES), topic=st.sampled_from(TOPICS))
        def put(self, which, name, topic):
            self._apply([(which, self._op("put", name, topic))])

        @rule(which=st.integers(0, 1), data=st.data())
        def remove(self, which, data):
            if not self.model:
                return
            name = data.draw(st.sampled_from(sorted(self.model)))
            self._apply([(which, self._op("remove", name, ""))])

        @rule(a=st.tuples(st.sampled_from(["put", "put", "remove"]), st.sampled_from(NAMES), st.sampled_from(TOPICS)),
              b=st.tuples(st.sampled_from(["put", "put", "remove"]), st.sampled_from(NAMES), st.sampled_from(TOPICS)))
        def both_at_once(self, a, b):
            """Two trainers on two instances in the same moment, often on the same document."""
            ops = [(i, self._op(kind, name, topic)) for i, (kind, name, topic) in enumerate((a, b))
                   if kind == "put" or name in self.model]
            if len(ops) == 2:
                run.concurrent_steps += 1
                run.same_document_races += a[1] == b[1]
            if ops:
                self._apply(ops)

        # -- invariants ---------------------------------------------------------------------------------
        @invariant()
        def registry_and_store_agree(self):
            rows = {r.source: r for r in self.observer.documents()}
            assert set(rows) == set(self.model), (sorted(rows), sorted(self.model))
            assert all(r.status == "ready" for r in rows.values())
            chunks = list(self.observer.iter_chunks())
            assert {c.doc_id for c in chunks} == {r.id for r in rows.values()}
            assert len(chunks) == sum(r.chunk_count for r in rows.values()), "lost chunks"
            assert self.observer.count() == len(chunks), "ghost chunks: chromadb holds records no row points at"
            for name, text in self.model.items():
                held = " ".join(c.text for c in chunks if c.doc_id == rows[name].id)
                assert f"编号{tag(text)}" in held
            run.chunks_max = max(run.chunks_max, len(chunks))

        @invariant()
        def neither_instance_retrieves_a_dead_version(self):
            cmd = {"op": "check", "dead": self.dead[-4:], "live": list(self.model.values())}
            for w in self.workers:
                w.send(cmd)
            for w in self.workers:
                reply = w.receive()
                run.checks += 1
                assert "error" not in reply, reply
                assert not reply["problems"], reply["problems"]

    return TwoWriterMachine


def run_machine(run: Run, examples: int, steps: int) -> None:
    t0 = time.perf_counter()
    try:
        run_state_machine_as_test(make_machine(run), settings=hsettings(
            max_examples=examples, stateful_step_count=steps, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck)))
    finally:
        run.seconds = time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    from assistant.bench.common import print_table
    from assistant.bench.servers import ChromaServer, PostgresServer

    ap = argparse.ArgumentParser(prog="python -m assistant.bench twowriters")
    ap.add_argument("--steps", type=int, default=500, help="steps in all (spread over --examples runs)")
    ap.add_argument("--examples", type=int, default=5, help="fresh knowledge bases (each starts two instances)")
    ap.add_argument("--unsafe", action="store_true", help="the write protocol before issue 15 (no lock in server mode)")
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-two-writers-"))
    names = itertools.count()
    with PostgresServer() as pg, ChromaServer(root / "chroma") as chroma:
        run = Run(chroma.port, lambda: pg.create_database(f"w{next(names)}"), unsafe=args.unsafe)
        outcome = "0 violations"
        try:
            run_machine(run, args.examples, -(-args.steps // args.examples))
        except Exception as exc:  # noqa: BLE001 - the bench reports what the machine found
            outcome = f"violation: {type(exc).__name__}: {str(exc)[:300]}"
    shutil.rmtree(root, ignore_errors=True)
    print_table(f"两位培训人员、两个实例、一个 chroma 服务器 + PostgreSQL（{'无写锁（旧协议）' if args.unsafe else '咨询锁 + 版本比对'}）",
                ["examples", "steps", "ops", "steps with both at once", "same-document races", "instance checks",
                 "max chunks", "seconds", "outcome"],
                [(run.examples, run.steps, run.ops, run.concurrent_steps, run.same_document_races, run.checks,
                  run.chunks_max, f"{run.seconds:.0f}", outcome)])
    return 0 if outcome == "0 violations" else 1


if __name__ == "__main__":
    raise SystemExit(main())
