"""Hostile input through the pages: an upload batch with names the file system cannot take gives each file its own
outcome (no traceback, the rest of the batch still added), and a failing LLM endpoint is announced on the workbench."""
from __future__ import annotations

import pytest

from app_harness import STAFF, TRAINER, app_data, ask, signed_in, texts
from assistant.bench.fake_endpoint import FakeEndpoint

pytestmark = pytest.mark.slow
LONG = ("关于进一步优化流动人口居住登记和居住证申领发放服务推进基本公共服务均等化若干措施的通知（试行）" * 2)[:85] + ".txt"


def test_an_upload_batch_with_unstorable_names_gives_each_file_its_outcome(request, tmp_path, monkeypatch):
    app_data(request, tmp_path, monkeypatch)
    at = signed_in(*TRAINER)
    at.switch_page("assistant/ui/views/documents.py").run()
    at.file_uploader(key="upload_files").set_value([
        (LONG, "居住登记服务措施\n第一条 居住登记可以在社区警务室办理。\n".encode("utf-8"), "text/plain"),
        ("..", b"x", "text/plain"),
        ("bad\x00name.txt", "空字符\n第一条 文件名里有空字符也能保存。\n".encode("utf-8"), "text/plain"),
        ("自行车停放规定.txt", "非机动车停放规定\n第一条 电动自行车不得在楼道充电。\n".encode("utf-8"), "text/plain"),
    ]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    # the batch's report (kept on the page) has one row per file, under the names the trainer uploaded
    names = at.dataframe[0].value["文件"].tolist()
    assert len(names) == 4
    assert LONG in names and "自行车停放规定.txt" in names and "badname.txt" in names
    assert "新增 3 个" in texts(at) and "失败 1 个" in texts(at)


def test_the_workbench_says_when_the_llm_endpoint_is_paused(request, tmp_path, monkeypatch):
    app_data(request, tmp_path, monkeypatch)
    server = FakeEndpoint("error")
    try:
        monkeypatch.setenv("LLM_BASE_URL", server.url)
        monkeypatch.setenv("LLM_BREAKER_FAILURES", "1")
        at = signed_in(*STAFF)
        ask(at, "居住证办理需要什么材料？")
        assert not at.exception
        assert server.requests                                  # the endpoint was tried once
        assert any("暂停调用" in w.value and "模板" in w.value for w in at.warning)
        ask(at, "那多久能办好？")
        assert len(server.requests) == 1                         # paused: not called again
    finally:
        server.stop()
