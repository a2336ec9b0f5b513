"""The shipped models: plain-JSON parameters that give the fitted estimator's probabilities,
loadable without a matching scikit-learn, and rules-only (with a warning) when unreadable."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from extractors import header, task_classifier
from models.linear import LinearTextModel, export

SENTENCES = [
    "Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan rà soát kiểm tra chặt chẽ.",
    "Giai đoạn 2013 - 2015 đã tổ chức đào tạo nghề cho 1.250 lao động.",
    "Giao Ủy ban nhân dân các huyện báo cáo kết quả trước ngày 15/12/2024.",
    "Đề nghị các Sở, ngành khẩn trương triển khai thực hiện.",
    "Năm 2023, kim ngạch xuất khẩu đạt 2,5 tỷ USD, tăng 12% so với cùng kỳ.",
    "Ủy ban nhân dân tỉnh yêu cầu Sở Công Thương theo dõi, đôn đốc.",
    "Các đơn vị chủ động phối hợp với Sở Xây dựng hướng dẫn thủ tục.",
    "Tình hình kinh tế xã hội tiếp tục phục hồi.",
    "",
    "x",
]
LABELS = [1, 0, 1, 1, 0, 1, 1, 0, 0, 0]


def _fit(vectorizer_kwargs, labels):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    docs = [task_classifier.tokens(s) for s in SENTENCES]
    pipe = make_pipeline(TfidfVectorizer(**vectorizer_kwargs), LogisticRegression(C=4.0, max_iter=2000))
    return docs, pipe.fit(docs, labels)


@pytest.mark.parametrize("kwargs", [
    {"ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True, "token_pattern": r"[^\s]+"},
    {"analyzer": "char_wb", "ngram_range": (2, 4), "sublinear_tf": True},
    {"analyzer": "char", "ngram_range": (1, 3)},
    {"ngram_range": (1, 1), "binary": True},
])
def test_json_model_gives_the_estimators_probabilities(kwargs):
    docs, pipe = _fit(kwargs, LABELS)
    spec = json.loads(json.dumps(export(pipe)))  # through JSON text, as shipped
    probe = docs + ["chủ_trì phối_hợp báo_cáo", "từ_lạ hoàn_toàn", "  "]
    assert np.allclose(LinearTextModel(spec).predict_proba(probe), pipe.predict_proba(probe), atol=1e-6)


def test_multiclass_json_model_gives_the_estimators_probabilities():
    labels = ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"]
    docs, pipe = _fit({"analyzer": "char_wb", "ngram_range": (2, 3)}, labels)
    model = LinearTextModel(json.loads(json.dumps(export(pipe, docs))))
    assert list(model.classes_) == list(pipe.classes_)
    assert np.allclose(model.predict_proba(docs), pipe.predict_proba(docs), atol=1e-6)


@pytest.mark.parametrize("path", [task_classifier.MODEL_PATH, header.MODEL_PATH])
def test_shipped_models_are_json_and_load(path):
    model = LinearTextModel.load(path)
    p = model.predict_proba(["chủ_trì phối_hợp", "ủy ban nhân dân tỉnh quyết định"])
    assert p.shape == (2, len(model.classes_)) and np.allclose(p.sum(axis=1), 1.0)


def test_batch_probabilities_equal_one_by_one():
    task_classifier.use_model(None)
    batch = task_classifier.task_probabilities(SENTENCES[:6] + SENTENCES[:2])
    task_classifier.use_model(None)  # empty cache
    single = [task_classifier.task_probability(s) for s in SENTENCES[:6] + SENTENCES[:2]]
    assert batch == pytest.approx(single) and len(batch) == 8
    assert batch[0] > 0.5 > batch[1]


def test_unreadable_task_model_falls_back_to_rules_with_a_warning(tmp_path, monkeypatch):
    bad = tmp_path / "task_classifier.model.json"
    bad.write_text('{"format": "sklearn-pickle"}', encoding="utf-8")
    monkeypatch.setattr(task_classifier, "MODEL_PATH", bad)
    task_classifier.use_model(None)
    try:
        with pytest.warns(RuntimeWarning, match="rules decide alone"):
            assert task_classifier.task_probabilities(["Sở Tài chính chủ trì."]) == [0.5]
    finally:
        monkeypatch.undo()
        task_classifier.use_model(None)


def test_unreadable_doctype_model_falls_back_to_rules_with_a_warning(tmp_path, monkeypatch):
    bad = tmp_path / "doctype.model.json"
    bad.write_bytes(b"\x80\x04 not json")
    monkeypatch.setattr(header, "MODEL_PATH", bad)
    monkeypatch.setattr(header, "_MODEL", [])
    with pytest.warns(RuntimeWarning, match="rules decide alone"):
        assert header._model() is None


def test_failing_model_does_not_stop_extraction():
    class Broken:
        def predict_proba(self, texts):
            raise ValueError("X has 10 features, but the model expects 12")

    task_classifier.use_model(Broken())
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert task_classifier.task_probability("Sở Tài chính chủ trì.") == 0.5
        assert any("rules decide alone" in str(x.message) for x in w)
    finally:
        task_classifier.use_model(None)


def _tasks_of(path):
    from pipeline.ingest import load
    from pipeline.run import extract_document

    res = extract_document(load(path))
    return res.document, [(t.start, t.end, tuple(t.assignees)) for t in res.extraction.tasks]


REPORT = "corpus/docs/dev/003_sct_BC-UBND-QLNN-khoang-san-nam-2025.txt"
PLAN = "corpus/docs/dev/001_sct_KH-UBND-trien-khai-Chi-thi-11-CT-TU-QLNN-khoang-san.txt"


def test_corrupt_task_model_gives_rules_only_tasks_warned_once_and_recorded(tmp_path, monkeypatch):
    class Neutral:  # what the rules decide alone
        def predict_proba(self, texts):
            return np.full((len(texts), 2), 0.5)

    task_classifier.use_model(Neutral())
    try:
        rules = [_tasks_of(p)[1] for p in (REPORT, PLAN)]
    finally:
        task_classifier.use_model(None)
    bad = tmp_path / "task_classifier.model.json"
    bad.write_bytes(task_classifier.MODEL_PATH.read_bytes()[:5000])  # cut short: invalid JSON
    monkeypatch.setattr(task_classifier, "MODEL_PATH", bad)
    task_classifier.use_model(None)
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            got = [_tasks_of(p) for p in (REPORT, PLAN)]
        said = [x for x in w if "rules decide alone" in str(x.message)]
        assert len(said) == 1  # once for the process, not once per document or sentence
        assert "task_classifier.model.json" in task_classifier.failure()
        for doc, _ in got:
            assert any(n.startswith("tasks read by the rules alone") for n in doc.warnings)
        assert [found for _, found in got] == rules and all(rules)
    finally:
        monkeypatch.undo()
        task_classifier.use_model(None)
    assert task_classifier.failure() is None


def test_failing_prediction_turns_the_classifier_off_once():
    calls = []

    class Broken:
        def predict_proba(self, texts):
            calls.append(texts)
            raise ValueError("X has 10 features, but the model expects 12")

    task_classifier.use_model(Broken())
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert task_classifier.task_probabilities(SENTENCES[:3]) == [0.5] * 3
            assert task_classifier.task_probability("Sở Y tế chủ trì.") == 0.5
        assert len([x for x in w if "rules decide alone" in str(x.message)]) == 1
        assert len(calls) == 1  # not asked again once it failed
        assert "ValueError" in task_classifier.failure()
    finally:
        task_classifier.use_model(None)
