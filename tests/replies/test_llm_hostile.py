"""An LLM endpoint that stalls, fails or invents: no suggestion waits past the deadline, a failing endpoint is left
alone for a while (and the page is told), the citizen's numbers never reach it, and an invented fact in any part
sends the suggestion back to the template.

Fakes sit only at the network edge: a raw TCP server on 127.0.0.1 that behaves like a bad OpenAI-compatible
endpoint (hangs, trickles, errors, garbage), and langchain-core's fake chat models.
"""
from __future__ import annotations

import json
import socket
import time

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.bench.fake_endpoint import FakeEndpoint
from assistant.config import Settings
from assistant.replies.llm import LLMComposer, compose_with_fallback

from test_llm_fallback import GROUNDED, PASSAGE, TEXT, llm_with, res, tri

DEADLINE = 1.0


@pytest.fixture
def endpoint():
    servers = []

    def make(mode: str = "ok") -> FakeEndpoint:
        servers.append(FakeEndpoint(mode))
        return servers[-1]
    yield make
    for s in servers:
        s.stop()


def composer_for(url: str, **extra) -> LLMComposer:
    return LLMComposer(Settings(llm_base_url=url, llm_model="m", llm_timeout_s=8.0, llm_deadline_s=DEADLINE, **extra))


@pytest.mark.parametrize("mode", ["hang", "trickle", "slow_body", "error", "garbage", "close"])
def test_no_suggestion_waits_past_the_deadline_whatever_the_endpoint_does(endpoint, mode):
    server = endpoint(mode)
    llm = composer_for(server.url)
    started = time.monotonic()
    s = compose_with_fallback(TEXT, tri(), res(), llm)
    took = time.monotonic() - started
    assert s.backend == "template" and s.supported and s.problems == []
    assert took < DEADLINE + 1.0, f"{mode}: {took:.1f} s"
    assert llm.last_error


def test_a_failing_endpoint_opens_the_breaker_the_page_is_told_and_a_success_closes_it(endpoint):
    server = endpoint("hang")
    llm = composer_for(server.url, llm_breaker_failures=3, llm_breaker_cooldown_s=60.0)
    now = [1000.0]
    llm.breaker.clock = lambda: now[0]
    for _ in range(3):
        assert compose_with_fallback(TEXT, tri(), res(), llm).backend == "template"
    assert len(server.requests) == 3 and "暂停调用" in llm.notice() and "模板" in llm.notice()

    started = time.monotonic()
    for _ in range(5):              # open: the endpoint is not called at all, the template answers at once
        assert compose_with_fallback(TEXT, tri(), res(), llm).backend == "template"
    assert len(server.requests) == 3 and time.monotonic() - started < DEADLINE
    assert "BreakerOpen" in llm.last_error

    server.mode = "ok"
    now[0] += 61                    # cool-down over: one trial call, which works and closes the breaker
    s = compose_with_fallback(TEXT, tri(), res(), llm)
    assert s.backend == "llm" and len(server.requests) == 4
    assert llm.notice() == "" and llm.last_error == ""


def test_the_engine_reports_the_breaker_for_the_page(endpoint):
    from assistant.replies.engine import ReplyEngine

    server = endpoint("error")
    settings = Settings(llm_base_url=server.url, llm_deadline_s=DEADLINE, llm_breaker_failures=1)
    engine = ReplyEngine(settings, llm=composer_for(server.url, llm_breaker_failures=1))
    assert engine.llm_notice() == ""
    compose_with_fallback(TEXT, tri(), res(), engine.llm)
    assert "暂停调用" in engine.llm_notice()
    assert ReplyEngine(Settings()).llm_notice() == ""          # no LLM configured: nothing to say


def test_the_endpoint_sees_masked_numbers_only(endpoint):
    server = endpoint("ok")
    said = "我身份证号110101199003071234，手机13812345678，银行卡6222021234567890123，居住证办好要多久？"
    compose_with_fallback(said, tri(), res(), composer_for(server.url))
    sent = server.requests[-1]
    assert PASSAGE[:20] in sent
    for raw in ("110101199003071234", "13812345678", "6222021234567890123", "19900307"):
        assert raw not in sent
    assert "尾号1234" in sent or "尾号5678" in sent


def test_last_error_is_cleared_by_a_later_success():
    replies = ["这不是 JSON", json.dumps(GROUNDED, ensure_ascii=False)]
    llm = llm_with(FakeListChatModel(responses=replies))
    assert compose_with_fallback(TEXT, tri(), res(), llm).backend == "template" and llm.last_error
    assert compose_with_fallback(TEXT, tri(), res(), llm).backend == "llm"
    assert llm.last_error == ""


@pytest.mark.parametrize("part,sentence", [
    ("观察", "您说工本费200元，想知道多久能办好。"),
    ("需要", "您希望3个工作日内拿到居住证。"),
    ("感受", "您担心还要带户口本原件。"),
    ("观察", "您说要到市民中心三楼12号窗口办理。"),
])
def test_an_invented_fact_outside_the_request_falls_back_to_the_template(part, sentence):
    draft = dict(GROUNDED, **{part: sentence})
    llm = llm_with(FakeListChatModel(responses=[json.dumps(draft, ensure_ascii=False)]))
    s = compose_with_fallback(TEXT, tri(), res(), llm)
    assert s.backend == "template" and s.problems == []
    assert all(sentence[2:8] not in v for v in s.variants.values())
    assert "原文里没有的事实" in llm.last_error


def test_unused_port_is_refused_quickly():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    llm = composer_for(f"http://127.0.0.1:{port}/v1")
    started = time.monotonic()
    assert compose_with_fallback(TEXT, tri(), res(), llm).backend == "template"
    assert time.monotonic() - started < DEADLINE + 1.0
