"""Shipped model files: plain arrays plus a JSON head that says what they were fitted on, checked against the
labelled files they claim; no pickles."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.replies import classifier, labelled
from assistant.replies.classifier import MODEL_DIR, ModelFileError
from assistant.training import data, fit

from conftest import need_shared

SHIPPED = ("emotion", "emotion_char", "department", "intent", "risk_clf", "tone", "staff")
LABELLED_SOURCES = {  # model -> (rows it claims, label fields hashed)
    "intent": (lambda: data.intent_rows(), ("intent",)),
    "risk_clf": (lambda: data.risk_rows(), ("risk",)),
    "tone": (lambda: data.tone_rows(), ("labels",)),
    "staff": (lambda: data.staff_rows(), ("staff",)),
}


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_model_is_plain_arrays_with_its_provenance(name):
    assert not list(MODEL_DIR.glob("*.joblib")) and not list(MODEL_DIR.glob("*.pkl"))
    with np.load(MODEL_DIR / f"{name}.npz", allow_pickle=False) as z:   # refuses pickled objects
        assert set(z.files) == {"vocabulary", "idf", "coef", "intercept"}
    head = json.loads((MODEL_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert head["trained_on"]["rows"] > 0 and len(head["trained_on"]["rows_sha256"]) == 64
    assert set(head["versions"]) == set(fit.LIBRARIES)
    model = classifier.load(name)
    assert model.coef.shape[1] == len(model.vocabulary) + (512 if model.uses_embedding else 0)


@pytest.mark.parametrize("name", sorted(LABELLED_SOURCES))
def test_models_fitted_on_labelled_files_still_match_those_files(name):
    """A labelled row edited or added without refitting shows here: run python -m assistant.training."""
    rows_of, fields = LABELLED_SOURCES[name]
    rows = rows_of()
    head = classifier.read_meta(name, MODEL_DIR)["trained_on"]
    assert (head["rows"], head["rows_sha256"]) == (len(rows), labelled.rows_hash(rows, fields))
    # never a set that is reported: a task's final set, the dialogue test half or the current blind dialogue set
    assert not {"final", "dialogues/test", "dialogues/final5", "dialogues/final7", "dialogues/final8", "dialogues/final9"} & set(head["roles"])


def test_models_fitted_on_shared_data_match_its_rows():
    need_shared("data", "emotion")
    for name, pairs in (("emotion", data.emotion_training()), ("department", data.department_training())):
        head = classifier.read_meta(name, MODEL_DIR)["trained_on"]
        assert (head["rows"], head["rows_sha256"]) == (len(pairs), data.pairs_hash(pairs)), name


def test_a_saved_model_loads_back_and_gives_the_same_probabilities(tmp_path):
    texts = ["气死我了", "太气人了", "我很生气", "真高兴", "开心得很", "好高兴啊"] * 2
    labels = ["anger"] * 3 + ["joy"] * 3 + ["anger"] * 3 + ["joy"] * 3
    model = fit.fit_text_model("toy", texts, labels, None, {"ngram": (1, 2), "max_features": 100, "C": 4.0})
    classifier.save(model, tmp_path)
    again = classifier.load("toy", tmp_path)
    for t in ("我真的很生气", "好开心"):
        assert classifier.proba(again, t) == pytest.approx(classifier.proba(model, t))
    assert classifier.predict(again, ["我真的很生气", "好开心"]) == ["anger", "joy"]


def test_a_damaged_model_file_says_how_to_rebuild_it(tmp_path):
    (tmp_path / "broken.json").write_text(json.dumps({"name": "broken", "link": "softmax"}), encoding="utf-8")
    np.savez(tmp_path / "broken.npz", idf=np.zeros(2))
    with pytest.raises(ModelFileError, match="python -m assistant.training"):
        classifier.load("broken", tmp_path)


def test_a_missing_model_is_none_and_triage_answers_without_it(tmp_path):
    assert classifier.load("intent", tmp_path) is None
    assert classifier.proba(None, "随便一句话") == {}


def test_the_answer_verifier_is_plain_json_fitted_on_tune_dialogues_only():
    """The verifier's head names its sources and features; the reported dialogue sets (the test half and the current
    blind set) are never among them (final to final4 were retired into fitting after their scoring)."""
    from assistant.replies.verifier import FEATURES, MODEL_FILE, load
    from assistant.training.verifier import SOURCES, questions

    head = json.loads((MODEL_DIR / MODEL_FILE).read_text(encoding="utf-8"))
    assert head["features"] == list(FEATURES) and len(head["weights"]) == len(FEATURES)
    assert not any(p.endswith(("dialogues/test.jsonl", "dialogues/final5.jsonl", "dialogues/final7.jsonl", "dialogues/final8.jsonl", "dialogues/final9.jsonl"))
               for p in head["trained_on"]["source"])
    assert head["trained_on"]["rows"] == len(questions()), "labelled rows changed: python -m assistant.training --only verifier"
    assert all(p.exists() for p in SOURCES)
    v = load(MODEL_DIR)
    assert 0.0 < v.threshold < 1.0 and 0.0 <= v.probability([0.0] * len(FEATURES)) <= 1.0
