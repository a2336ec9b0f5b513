"""The scorer on hand-made cases: it is what every quality figure rests on."""

import json
from pathlib import Path

import pytest

from pipeline.score import header_match, reference_match, score, task_match

GOLD = Path(__file__).parent.parent / "corpus" / "gold" / "dev"


@pytest.fixture(scope="module")
def gold_records():
    return [json.loads(p.read_text("utf-8")) for p in sorted(GOLD.glob("*.json"))]


def test_perfect_prediction_scores_one(gold_records):
    res = score([(g, g) for g in gold_records]).to_dict()
    for name, row in res["header"].items():
        assert row["accuracy"] == 1.0, name
    for kind, row in res["lists"].items():
        assert row["f1"] == 1.0, kind
    assert res["lists"]["references"]["relation_accuracy"] == 1.0


def test_empty_prediction_has_zero_recall(gold_records):
    empty = {"references": [], "tasks": [], "deadlines": [], "budgets": []}
    res = score([(dict(empty), g) for g in gold_records]).to_dict()
    for kind, row in res["lists"].items():
        assert row["recall"] == 0.0, kind
        assert row["tp"] == 0
    assert all(row["correct"] == 0 for row in res["header"].values())


def test_header_normalisation_rules():
    assert header_match("issuer", "UBND tỉnh An Giang", "Ủy ban nhân dân tỉnh An Giang")
    assert header_match("issuer", "Sở Công Thương", "Sở Công Thương tỉnh Lào Cai")
    assert not header_match("issuer", "Sở Tài chính", "Sở Công Thương tỉnh Lào Cai")
    assert header_match("subject", "V/v triển khai Quyết định", "triển khai quyết định")
    assert header_match("issuer", "Ủy ban nhân dân tỉnh Quảng Hoà", "Ủy ban nhân dân tỉnh Quảng Hòa")
    assert header_match("number", "2211/QĐ-UBND", "2211/ QĐ-UBND")
    assert not header_match("number", "2211/QĐ-UBND", "2212/QĐ-UBND")


def test_reference_and_task_matching():
    assert reference_match({"number": "45/2012/NĐ-CP"}, {"number": "45/2012/NĐ CP"})
    law = {"number": None, "doc_type": "Luật", "title": "Luật Tổ chức chính quyền địa phương"}
    assert reference_match(dict(law), law)
    assert not reference_match({"number": None, "doc_type": "Luật", "title": "Luật Ngân sách nhà nước"}, law)
    g = {"assignees": ["Sở Công Thương"], "action": "tổ chức thực hiện nhiệm vụ Chương trình khuyến công"}
    assert task_match({"assignees": ["Sở Công Thương tỉnh An Giang"], "action": "tổ chức thực hiện nhiệm vụ"}, g)
    assert not task_match({"assignees": ["Sở Tài chính"], "action": g["action"]}, g)


def test_deadlines_are_a_multiset_on_dates():
    gold = {"deadlines": [{"text": "a", "date": "2020-06-30"}, {"text": "b", "date": "2020-06-30"}]}
    pred = {"deadlines": [{"text": "a", "date": "2020-06-30"}]}
    row = score([(pred, gold)]).to_dict()["lists"]["deadlines"]
    assert (row["tp"], row["precision"], row["recall"]) == (1, 1.0, 0.5)
