"""The reply package's shape as a user of it meets it: editable card texts, one list of channels that the
page and composer share, risk exemplar vectors derived and cached, and no import circle anywhere."""
from __future__ import annotations

import importlib.util
import shutil

import pytest

from assistant.replies import exemplars, labelled, lexicons
from assistant.replies.composer import compose
from assistant.replies.lexicons import LEXICON_DIR, LexiconError
from assistant.replies.model import Emotion, RiskFlag, Triage
from assistant.replies.risk import protocol_for
from assistant.replies.variants import CHANNELS
from assistant.retrieval.model import Hit, RetrievalResult

from conftest import REPO


def _copy_lexicons(tmp_path):
    folder = tmp_path / "lexicons"
    shutil.copytree(LEXICON_DIR, folder)
    return folder


def test_a_trainer_edits_the_duty_roster_on_the_card_without_touching_code(tmp_path):
    folder = _copy_lexicons(tmp_path)
    path = folder / "protocol_cards.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("值班长（立即到场）", "值班长李主任（分机 8001）"),
                    encoding="utf-8")
    card = protocol_for([RiskFlag("self_harm", "自伤/轻生风险", "跳楼")], folder)
    assert card.call[0] == "值班长李主任（分机 8001）"
    assert card.say_now and card.record


def test_a_malformed_card_line_names_the_file_and_line(tmp_path):
    folder = _copy_lexicons(tmp_path)
    with open(folder / "protocol_cards.csv", "a", encoding="utf-8") as f:
        f.write("self_harm,shout,大声喊\n")
    lexicons.protocol_cards.cache_clear()
    with pytest.raises(LexiconError, match=r"protocol_cards\.csv 第 \d+ 条.*part"):
        lexicons.protocol_cards(folder)


def test_a_card_kind_without_any_say_line_is_refused(tmp_path):
    folder = _copy_lexicons(tmp_path)
    path = folder / "protocol_cards.csv"
    path.write_text("\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines()
                              if not ln.startswith("violence,say")) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="violence"):
        lexicons.protocol_cards(folder)


def _result() -> RetrievalResult:
    hit = Hit(chunk_id="c1", doc_id="d1", title="居住证办理指南", text="办理居住证需要提供身份证原件和租房合同。",
              score=1.0, clause="第三条")
    return RetrievalResult(query="办居住证要带什么？", search_query="办居住证要带什么？", hits=[hit])


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_channel_the_clerk_serves_on_is_recorded_and_every_channel_has_its_text(channel):
    t = Triage(emotion=Emotion("calm", 0.1, "平静"), intent="办事材料")
    s = compose("办居住证要带什么？", t, _result(), channel=channel)
    assert s.channel == channel and set(s.variants) == set(CHANNELS)


def test_an_unknown_channel_is_refused_with_the_valid_ones():
    t = Triage(emotion=Emotion("calm", 0.1, "平静"), intent="咨询")
    with pytest.raises(ValueError, match="窗口"):
        compose("办居住证要带什么？", t, _result(), channel="微信")


def test_the_page_offers_exactly_the_composers_channels():
    source = (REPO / "assistant" / "ui" / "views" / "workbench.py").read_text(encoding="utf-8")
    assert "CHANNELS" in source and '"窗口", "电话", "书面"' not in source


def test_risk_exemplar_vectors_are_derived_into_the_cache_and_keyed_by_content(tmp_path):
    from assistant.config import get_settings
    from assistant.replies.risk import shipped_detector

    det = shipped_detector()
    if det.exemplars is None:
        pytest.skip("the sentence-vector model m3e-small is not installed")
    rows = exemplars.training_rows()
    assert len(det.exemplars.texts) == len(rows) and det.exemplars.vectors.shape == (len(rows), 512)
    assert list(get_settings().derived_dir.glob("risk_exemplars-*.npz"))
    final = {r["text"] for r in labelled.rows("risk", "final")}
    shared = final & {r["text"] for r in rows}   # the final set is not trained on; a few stock lines recur
    assert len(shared) <= 0.05 * len(final) and all(len(t) <= 8 for t in shared), shared
    changed = [dict(rows[0], risk=None if rows[0]["risk"] else "violence"), *rows[1:]]
    assert exemplars.cache_key(changed, "m3e-small/512") != exemplars.cache_key(rows, "m3e-small/512")
    assert exemplars.cache_key(rows, "other/384") != exemplars.cache_key(rows, "m3e-small/512")


def test_the_import_graph_has_no_circle_and_no_upward_import(capsys):
    spec = importlib.util.spec_from_file_location("import_graph", REPO / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([]) == 0, capsys.readouterr().out
