"""The optional LLM endpoint under load: twenty clerks ask at once through the real reply engine (the shipped knowledge,
the real embedding model) while the endpoint is slow, hangs, or answers with an invented policy. Every clerk gets a
template suggestion, none carries the invented fee, and each LLM attempt ended by the deadline, the breaker or the
validator — never by the endpoint finishing on its own time. (The seconds are measured in `bench load`.)"""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest

from assistant.bench.fake_endpoint import GROUNDED, FakeEndpoint
from assistant.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app_harness import REPO, copy_data, template  # noqa: E402

CLERKS = 20
INVENTED = "工本费二百元"
QUESTIONS = ["外地户口在这边住多久才能办居住证", "灵活就业怎么交养老保险", "公积金怎么提取", "身份证丢了怎么补办"]


@pytest.fixture(scope="module")
def data_dir(request, tmp_path_factory):
    return copy_data(template(Path(request.config.cache.mkdir("app-kb"))), tmp_path_factory.mktemp("llm-load") / "data")


def ask_at_once(engine) -> list:
    out: list = []
    lock = threading.Lock()

    def clerk(i: int) -> None:
        try:
            _, s = engine.suggest(QUESTIONS[i % len(QUESTIONS)])
            item = s
        except Exception as exc:  # noqa: BLE001 - a clerk who got no suggestion fails the test below
            item = exc
        with lock:
            out.append(item)

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["slow_body", "hang", "invent"])
def test_twenty_clerks_get_template_suggestions_whatever_the_endpoint_does(data_dir, mode):
    from assistant.replies.engine import ReplyEngine

    server = FakeEndpoint("ok" if mode == "invent" else mode)
    if mode == "invent":
        server.content = json.dumps(dict(GROUNDED, 请求=f"按规定办理需缴纳{INVENTED}，三个工作日内可以领取。"),
                                    ensure_ascii=False)
    try:
        engine = ReplyEngine(Settings(data_dir=data_dir, knowledge_dir=REPO / "knowledge", llm_base_url=server.url,
                                      llm_model="m", llm_deadline_s=1.0))
        engine.warm()
        errors: list[str] = []
        answered: list[bool] = []
        original = engine.llm._invoke

        def watched(messages, started=None):
            try:
                reply = original(messages, started)
            except Exception as exc:
                errors.append(type(exc).__name__)
                raise
            answered.append(True)
            return reply

        engine.llm._invoke = watched
        suggestions = ask_at_once(engine)
    finally:
        server.stop()
    assert len(suggestions) == CLERKS and not [s for s in suggestions if isinstance(s, Exception)]
    assert all(s.backend == "template" and not s.problems for s in suggestions)
    for s in suggestions:
        said = " ".join([s.observation, s.feeling, s.need, s.request, *s.variants.values()])
        assert INVENTED not in said
    assert server.requests, "the endpoint was never asked: the test would prove nothing"
    if mode == "invent":   # drafts did come back, and every one was turned down by the validator
        assert answered and engine.llm.last_error
    else:
        assert not answered
        # every attempt ended by the total deadline (or the in-flight cap), the open breaker, or the client's read
        # timeout, which is never longer than the deadline
        assert errors and set(errors) <= {"DeadlineExceeded", "BreakerOpen", "APITimeoutError", "OpenAITimeoutError"}
