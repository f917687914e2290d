"""Optional LLM drafting: a grounded draft is used; a slow, broken or inventive model falls back to the template.

Fakes sit only at the network edge: langchain-core's fake chat models, a stdlib HTTP server that speaks the OpenAI
chat-completions shape on 127.0.0.1, and a port nobody listens on.
"""
from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.config import Settings
from assistant.replies.llm import LLMComposer, compose_with_fallback, make_chat_model
from assistant.replies.model import Emotion, RiskFlag, Triage
from assistant.retrieval.model import Hit, RetrievalResult

PASSAGE = ("第八条 申请办理居住证，应当提交下列材料：（一）本人居民身份证原件；（二）近期一寸白底免冠照片两张；"
           "（三）居住地住址证明。受理机关应当自受理之日起十五个工作日内制作发放居住证。")
TEXT = "我等了好久了，居住证办好要多久？"
GROUNDED = {"观察": "您说已经等了一段时间，想知道居住证多久能办好。", "感受": "您有些着急。",
            "需要": "您希望心里有个准信。", "请求": "按细则规定，受理机关应当自受理之日起十五个工作日内制作发放居住证。我帮您查一下受理日期。",
            "引用": [1]}
INVENTED = dict(GROUNDED, 请求="一般三个工作日就能拿到，加急当天可取。")


def res() -> RetrievalResult:
    h = Hit(chunk_id="doc1:00001", doc_id="doc1", title="某市居住证办理实施细则（示例）", text=PASSAGE, score=0.9,
            clause="第八条")
    return RetrievalResult(query=TEXT, search_query=TEXT, hits=[h], confidence=0.8)


def tri(risks=None) -> Triage:
    return Triage(emotion=Emotion("anxiety", 0.5, "焦虑"), intent="进度查询", risks=list(risks or []))


def llm_with(model) -> LLMComposer:
    return LLMComposer(Settings(llm_base_url="http://fake"), chat_model=model)


def test_a_grounded_json_draft_is_used_and_checked():
    model = GenericFakeChatModel(messages=iter([AIMessage(content="```json\n" + json.dumps(GROUNDED, ensure_ascii=False) + "\n```")]))
    s = compose_with_fallback(TEXT, tri(), res(), llm_with(model))

    assert s.backend == "llm" and s.problems == []
    assert s.observation == GROUNDED["观察"] and "十五个工作日" in s.request
    assert s.citations[0].chunk_id == "doc1:00001"
    assert set(s.variants) == {"窗口", "电话", "书面"}


def test_an_invented_deadline_falls_back_to_the_template():
    llm = llm_with(FakeListChatModel(responses=[json.dumps(INVENTED, ensure_ascii=False)]))
    s = compose_with_fallback(TEXT, tri(), res(), llm)

    assert s.backend == "template" and s.problems == []
    assert "三个工作日" not in s.request
    assert "找不到依据" in llm.last_error


@pytest.mark.parametrize("reply", ["好的，我来回答：居住证十五个工作日办好。", json.dumps({"观察": "x"}, ensure_ascii=False)])
def test_non_json_or_incomplete_answers_fall_back(reply):
    s = compose_with_fallback(TEXT, tri(), res(), llm_with(FakeListChatModel(responses=[reply])))
    assert s.backend == "template" and s.request.startswith("根据《")


class _Boom:
    def invoke(self, *_a, **_k):
        raise TimeoutError("read timed out")


def test_a_timeout_falls_back_and_a_red_flag_never_reaches_the_model():
    s = compose_with_fallback(TEXT, tri(), res(), llm_with(_Boom()))
    assert s.backend == "template" and s.supported

    risky = tri([RiskFlag("violence", "暴力威胁", "弄死你")])
    s = compose_with_fallback("再不办我弄死你", risky, res(), llm_with(_Boom()))
    assert s.protocol is not None and s.backend == "template"


class _FakeOpenAI(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeOpenAI.seen.append({"path": self.path, "body": body})
        payload = {
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000, "model": body.get("model", "m"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(GROUNDED, ensure_ascii=False)}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args):
        pass


def test_wiring_against_a_local_openai_compatible_server():
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = Settings(llm_base_url=f"http://127.0.0.1:{server.server_port}/v1", llm_model="qwen-test",
                            llm_timeout_s=5.0)
        s = compose_with_fallback(TEXT, tri(), res(), LLMComposer(settings))
    finally:
        server.shutdown()
    assert s.backend == "llm" and s.problems == []
    call = _FakeOpenAI.seen[-1]
    assert call["path"].endswith("/chat/completions") and call["body"]["model"] == "qwen-test"
    assert PASSAGE in json.dumps(call["body"], ensure_ascii=False)     # the model saw the passage it must quote


def test_an_unreachable_server_falls_back_without_retrying():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]          # closed again before the call: nobody listens there
    settings = Settings(llm_base_url=f"http://127.0.0.1:{port}/v1", llm_timeout_s=2.0)
    model = make_chat_model(settings)
    assert model.max_retries == 0 and model.request_timeout == 2.0
    llm = LLMComposer(settings, chat_model=model)
    s = compose_with_fallback(TEXT, tri(), res(), llm)
    assert s.backend == "template" and s.supported
    assert "Connection" in llm.last_error or "connect" in llm.last_error.lower()
