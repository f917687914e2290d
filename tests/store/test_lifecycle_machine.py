"""Random add / replace / remove sequences; after every step the registry and the store must agree.

The same machine runs with the registry on SQLite and on a real PostgreSQL server (a fresh database per example)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings as hsettings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from assistant.config import Settings
from assistant.ingest import add_paths, remove_document, replace_document
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.text import query_tokens
from assistant.store.kb import KnowledgeBase

from conftest import REPO

NAMES = ["居住证.txt", "社保.txt", "公积金.txt"]
TOPICS = ["居住证签注", "养老保险转移", "公积金提取", "不动产登记", "出生登记"]


def body(topic: str, variant: int) -> str:
    clauses = "\n".join(f"第{i}条 {topic}事项第{variant}版第{i}款：办理时携带身份证件原件和申请表{variant}份。"
                        for i in range(1, 2 + variant % 3))
    return f"{topic}办事指南（第{variant}版）\n{clauses}"


class KnowledgeBaseMachine(RuleBasedStateMachine):
    new_database_url = staticmethod(lambda: "")   # "" = SQLite in the temp data folder

    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="kbm-"))
        self.kb = KnowledgeBase(Settings(data_dir=self.tmp / "data", knowledge_dir=REPO / "knowledge",
                                         database_url=self.new_database_url()))
        self.retriever = Retriever(self.kb, self.kb.settings)  # refreshed step by step, never rebuilt
        self.model: dict[str, str] = {}      # source name -> current text
        self.dead: list[str] = []            # texts of removed or replaced versions

    def teardown(self):
        self.kb.reopen()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _file(self, name: str, text: str, folder: str = "in") -> Path:
        path = self.tmp / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    @rule(name=st.sampled_from(NAMES), topic=st.sampled_from(TOPICS), variant=st.integers(1, 4))
    def add(self, name, topic, variant):
        text = body(topic, variant)
        out = add_paths(self.kb, [self._file(name, text)], user="machine").outcomes[0]
        if name not in self.model and text in self.model.values():
            # the same content under a new name is already in the knowledge base: a no-op, not a duplicate
            assert out.outcome == "unchanged"
            return
        if name in self.model and self.model[name] != text:
            self.dead.append(self.model[name])
        self.model[name] = text

    @rule(data=st.data(), topic=st.sampled_from(TOPICS), variant=st.integers(1, 4))
    def replace(self, data, topic, variant):
        if not self.model:
            return
        name = data.draw(st.sampled_from(sorted(self.model)))
        text = body(topic, variant)
        out = replace_document(self.kb, name, self._file(name, text, "new"), user="machine")
        assert out.outcome in {"replaced", "unchanged"}
        if self.model[name] != text:
            self.dead.append(self.model[name])
        self.model[name] = text

    @rule(data=st.data())
    def remove(self, data):
        if not self.model:
            return
        name = data.draw(st.sampled_from(sorted(self.model)))
        remove_document(self.kb, name, user="machine")
        self.dead.append(self.model.pop(name))

    @invariant()
    def registry_and_store_agree(self):
        rows = {r.source: r for r in self.kb.documents()}
        assert set(rows) == set(self.model)
        chunks = list(self.kb.iter_chunks())
        assert {c.doc_id for c in chunks} == {r.id for r in rows.values()}
        assert len(chunks) == sum(r.chunk_count for r in rows.values())
        assert self.kb.count() == len(chunks)  # nothing hidden left behind in chromadb either
        live = {c.text for c in chunks}
        for name, text in self.model.items():
            assert any(line in " ".join(live) for line in text.splitlines()[1:])

    @invariant()
    def no_dead_version_is_retrievable(self):
        live_texts = set(self.model.values())
        for text in self.dead[-3:]:
            if text in live_texts:
                continue
            for chunk, _ in self.kb.vector_search(self.kb.embedder.embed([text])[0], 10):
                assert chunk.text not in text or any(chunk.text in t for t in live_texts)

    @invariant()
    def refreshed_lexical_index_equals_a_rebuild(self):
        refreshed = self.retriever.state()
        full = Retriever(self.kb, self.kb.settings, persist=False).state()
        assert refreshed.chunks == full.chunks  # so no chunk of a removed or replaced version is left lexically
        for text in [*self.model.values(), *self.dead[-3:]]:
            qt = query_tokens(text)
            assert np.array_equal(refreshed.passage_bm25.scores(qt), full.passage_bm25.scores(qt))
            assert np.array_equal(refreshed.doc_bm25.scores(qt), full.doc_bm25.scores(qt))


MACHINE_SETTINGS = hsettings(
    max_examples=6, stateful_step_count=6, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
KnowledgeBaseMachine.TestCase.settings = MACHINE_SETTINGS
TestKnowledgeBaseMachine = KnowledgeBaseMachine.TestCase   # SQLite


def test_knowledge_base_machine_on_postgresql(pg_server):
    names = iter(range(10_000))

    class OnPostgres(KnowledgeBaseMachine):
        new_database_url = staticmethod(lambda: pg_server.create_database(f"kbm{next(names)}"))

    run_state_machine_as_test(OnPostgres, settings=MACHINE_SETTINGS)
