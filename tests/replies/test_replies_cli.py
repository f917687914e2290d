"""`python -m assistant.replies`: what staff see on the command line, against the shipped knowledge base."""
from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.replies.__main__ import main

from conftest import REPO


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory):
    """The shipped knowledge/ ingested once into a temp data folder (real chromadb, real embedding model)."""
    from assistant.firstrun import load_shipped

    data = tmp_path_factory.mktemp("replies-kb")
    load_shipped(Settings(data_dir=data, knowledge_dir=REPO / "knowledge"), quiet=True)
    return data


def test_a_threat_of_self_harm_prints_the_protocol_card_even_with_an_empty_store(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "empty"))
    code = main(["你们再不给我办，我就从这楼上跳下去！"])
    out = capsys.readouterr().out

    assert code == 0
    assert "【风险】" in out and "风险处置卡" in out and "值班长" in out
    assert "python -m assistant.firstrun" in out          # and it says how to fill the store


def test_an_empty_store_says_how_to_ingest(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "empty"))
    assert main(["办居住证要带什么材料？"]) == 1
    assert "python -m assistant.firstrun" in capsys.readouterr().out


@pytest.mark.slow
def test_a_materials_question_gets_four_parts_the_list_and_its_source(shipped_dir, monkeypatch, capsys):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(shipped_dir))
    assert main(["我都跑了三趟了，办居住证到底要带什么材料？"]) == 0
    out = capsys.readouterr().out

    for part in ("观察：", "感受：", "需要：", "请求：", "一次性告知：", "【窗口话术】", "【依据】"):
        assert part in out, part
    assert "身份证" in out and "《" in out
    assert "未通过自动检查" not in out


@pytest.mark.slow
def test_the_engine_returns_retrieval_and_a_validated_suggestion(shipped_dir):
    from assistant.replies.engine import ReplyEngine

    engine = ReplyEngine(Settings(data_dir=shipped_dir, knowledge_dir=REPO / "knowledge"))
    result, s = engine.suggest("居住证办好要多久？", channel="电话")
    assert result.hits and s.supported and s.problems == []
    assert s.citations and s.variants["电话"].startswith("先生/女士")

    _, unknown = engine.suggest("二手房契税税率是多少？")
    assert not unknown.supported and "核实" in unknown.request


def test_tone_option_checks_a_staff_draft(capsys):
    assert main(["--tone", "这不归我们管，你去别处问吧。"]) == 0
    out = capsys.readouterr().out
    assert "【推诿】" in out and "可以改成" in out
