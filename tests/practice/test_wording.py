"""With an LLM endpoint the citizen's scripted line may be reworded, bounded by the script: a line with a new number,
a much longer one, or a failing endpoint gives the scripted line (the model is faked at its boundary)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.config import Settings
from assistant.practice.scenarios import shipped
from assistant.practice.wording import Rewording, bounded

REPO = Path(__file__).resolve().parents[2]
LINE = "租房合同没备案的行不行？我手上就一份普通合同。"


def test_a_rewording_within_the_script_is_used_and_one_beyond_it_is_not():
    assert bounded(LINE, "我的租房合同没去备案，这样能用吗？") == "我的租房合同没去备案，这样能用吗？"
    assert bounded(LINE, "合同没备案，罚款500元吗？") == LINE           # a number the script did not have
    assert bounded(LINE, "啊" * 200) == LINE
    assert bounded(LINE, "") == LINE


def test_the_rewording_goes_through_the_model_and_falls_back_when_it_fails():
    sc = shipped(REPO / "knowledge")[0]
    cfg = replace(Settings(), llm_base_url="http://127.0.0.1:9", llm_deadline_s=2.0)
    good = Rewording(cfg, model=FakeListChatModel(responses=["合同没备案能不能用？"]))
    assert good(LINE, sc) == "合同没备案能不能用？"

    class Broken:
        def invoke(self, _):
            raise ConnectionError("endpoint down")

    assert Rewording(cfg, model=Broken())(LINE, sc) == LINE
