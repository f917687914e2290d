"""The naive-Bayes-scaled one-vs-rest regression behind the emotion model."""
import numpy as np
from scipy.sparse import csr_matrix, hstack

from assistant.training.fit import char_vectorizer
from assistant.training.nblr import NBLogisticRegression


def _data():
    angry = ["气死我了", "太气人了", "真让人生气", "你们这服务气死人", "我很生气", "生气得不行"]
    happy = ["太开心了", "真高兴", "开心得很", "好高兴啊", "今天很开心", "高兴坏了"]
    sad = ["好难过", "心里难受", "难过得哭了", "真伤心", "伤心难过", "难受想哭"]
    texts = angry + happy + sad
    labels = ["anger"] * 6 + ["joy"] * 6 + ["sadness"] * 6
    return texts, labels


def test_learns_classes_and_probabilities_are_a_calibrated_distribution():
    texts, labels = _data()
    vec = char_vectorizer((1, 2), 1000)
    x = vec.fit_transform(texts)
    clf = NBLogisticRegression(C=4.0, calibration_folds=3).fit(x, labels)
    probe = vec.transform(["我真的很生气", "好开心", "太难过了"])
    assert clf.predict(probe).tolist() == ["anger", "joy", "sadness"]
    p = clf.predict_proba(probe)
    assert np.allclose(p.sum(axis=1), 1.0) and ((p >= 0) & (p <= 1)).all()
    assert (clf.classes_[p.argmax(axis=1)] == clf.predict(probe)).all()
    assert clf.temperature > 0


def test_only_the_ngram_columns_are_scaled():
    """Columns past n_scaled (the sentence vector) keep their plain weights: a vector column that separates
    the classes on its own still gets used."""
    texts, labels = _data()
    vec = char_vectorizer((1, 1), 1000)
    ngrams = vec.fit_transform(texts)
    signal = np.array([[1.0 if y == "anger" else 0.0] for y in labels])
    x = hstack([csr_matrix(np.zeros(ngrams.shape, dtype=np.float32)), csr_matrix(signal)]).tocsr()
    clf = NBLogisticRegression(C=10.0, n_scaled=ngrams.shape[1], calibration_folds=0).fit(x, labels)
    anger = list(clf.classes_).index("anger")
    assert clf.coef_[anger, -1] > 0
