"""Budget figures that know what they are (issue 12): kind, canonical source, period, plan against actual with
the stated percentage checked, components linked to their total; stored, and scored against the gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sentences import on_sentence

from extractors import budgets
from extractors.budgets import canonical_source
from pipeline.ingest import load
from pipeline.records import Extraction
from pipeline.score import score

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def seed():
    cache = {}

    def one(pattern: str):
        if pattern not in cache:
            doc = load(next((CORPUS / "docs" / "seeds").glob(pattern)))
            cache[pattern] = budgets.extract(doc, None, Extraction())
        return cache[pattern]
    return one


def _at(out, amount):
    return next(i for i, b in enumerate(out) if b.amount_vnd == amount)


def test_seed_004_allocation_split_by_source_and_adds_up(seed):
    out = seed("004_*.txt")
    t = _at(out, 73_440_000_000)
    total = out[t]
    assert (total.kind, total.status, total.year_from, total.year_to, total.sum_ok) == (
        "allocation", "planned", 2016, 2020, True)
    parts = [(b.amount_vnd, b.kind, b.source, b.source_printed) for b in out if b.total_index == t]
    assert parts == [
        (6_000_000_000, "allocation", "khuyến công quốc gia", "nguồn khuyến công quốc gia"),
        (38_090_000_000, "allocation", "vốn đối ứng", "vốn đối ứng của tổ chức, cá nhân"),
        (29_350_000_000, "allocation", "ngân sách địa phương", "ngân sách địa phương"),
    ]
    assert all((b.year_from, b.year_to) == (2016, 2020) for b in out if b.total_index == t)


def test_seed_004_plan_actual_lines_of_2013_2015(seed):
    out = seed("004_*.txt")
    rows = []
    for b in out:
        if b.kind == "actual" and b.plan_index is not None:
            rows.append((b.amount_vnd // 10**6, out[b.plan_index].amount_vnd // 10**6, b.percent, b.percent_ok,
                         b.source, b.year_from, b.year_to))
    assert rows == [
        (44_993, 138_529, 32.0, True, None, 2013, 2015),
        (800, 10_335, 7.7, True, "ngân sách trung ương", 2013, 2015),
        (11_305, 13_863, 82.0, True, "ngân sách tỉnh", 2013, 2015),
        (32_887, 114_331, 28.7, True, "khác", 2013, 2015),
    ]
    # "Trong đó kinh phí Trung ương …, ngân sách tỉnh …, nguồn khác …": parts of the totals of the sentence before
    done, plan = _at(out, 44_993_000_000), _at(out, 138_529_000_000)
    assert [out[i].amount_vnd // 10**6 for i in range(len(out)) if out[i].total_index == done] == [800, 11_305, 32_887]
    assert [out[i].amount_vnd // 10**6 for i in range(len(out)) if out[i].total_index == plan] == [
        10_335, 13_863, 114_331]
    assert out[plan].sum_ok is True and out[done].sum_ok is True  # 44.992 printed as 44.993: within rounding
    assert all(out[b.plan_index].kind == "allocation" and out[b.plan_index].status == "planned"
               for b in out if b.plan_index is not None)


def test_seed_004_production_value_and_sales_are_statistics(seed):
    out = seed("004_*.txt")
    prod, sales = out[_at(out, 45_461_000_000_000)], out[_at(out, 782_000_000_000)]
    assert (prod.kind, prod.status, prod.year_to) == ("statistic", None, 2020)
    assert (sales.kind, sales.status) == ("statistic", None)
    # under "I. Kết quả thực hiện": money spent, though its sentence names no verb
    assert out[_at(out, 257_000_000)].kind == "actual"


def test_seed_003_national_figures_pair_actual_against_plan(seed):
    out = seed("003_*.txt")
    a = out[_at(out, 44_000_000_000)]
    plan = out[a.plan_index]
    assert (a.kind, a.year_from, plan.amount_vnd, plan.kind, plan.year_from) == (
        "actual", 2017, 37_116_000_000, "allocation", 2017)
    # 44 tỷ against 37.116 triệu is 118.5%, not the printed 94,5%
    assert (a.percent, a.percent_ok) == (94.5, False)
    kcqg = out[_at(out, 27_708_000_000)]
    assert (out[kcqg.plan_index].amount_vnd, kcqg.percent, kcqg.percent_ok, kcqg.source) == (
        29_409_000_000, 93.93, True, "khuyến công quốc gia")
    kcdp = out[_at(out, 16_602_000_000)]
    assert (out[kcdp.plan_index].amount_vnd, kcdp.percent_ok, kcdp.source) == (
        17_492_000_000, True, "khuyến công địa phương")
    # the "trong đó:" lines below: done parts of 44 tỷ (27.708 + 16.602 ≈ 44 tỷ), planned parts of 37.116, which
    # they do not add up to (29.409 + 17.492 = 46.901)
    assert a.sum_ok is True and plan.sum_ok is False
    # "chiếm 26,56% tổng kinh phí KCQG thực hiện toàn quốc (104.314 triệu đồng)": compared with, not a part
    national = out[_at(out, 104_314_000_000)]
    assert (national.kind, national.total_index) == ("actual", None)
    assert out[_at(out, 15_300_000_000)].kind == "actual"  # "đã tạm ứng"


@pytest.mark.parametrize("text, kind", [
    ("Mức chi bồi dưỡng cho thành viên tổ kiểm tra là 150.000 đồng/người/ngày.", "rate"),
    ("Định mức hỗ trợ tối đa cho mỗi lớp học là 30 triệu đồng.", "rate"),
    ("Kim ngạch xuất khẩu năm 2023 đạt 1.200 tỷ đồng.", "statistic"),
    ("Doanh thu của các doanh nghiệp trong cụm công nghiệp ước đạt 3.500 tỷ đồng.", "statistic"),
    ("Các doanh nghiệp đã nộp ngân sách 120 tỷ đồng.", "statistic"),
    ("Hỗ trợ doanh nghiệp nâng cao doanh thu, với kinh phí 5 tỷ đồng.", "allocation"),
    ("Năm 2023 đã giải ngân 80 tỷ đồng.", "actual"),
    ("Quyết toán kinh phí năm 2022 là 1.250 triệu đồng.", "actual"),
    ("Kinh phí thực hiện Đề án là 2.500 triệu đồng.", "allocation"),
    ("Giao dự toán năm 2025 cho Sở Công Thương 4.200 triệu đồng.", "allocation"),
])
def test_kind_from_the_words_before_the_amount(text, kind):
    out = on_sentence(budgets, text, "2024-10-01")
    assert [b.kind for b in out] == [kind]
    assert out[0].status == {"allocation": "planned", "rate": "planned", "actual": "spent", "statistic": None}[kind]


def test_plan_given_before_the_actual():
    out = on_sentence(budgets, "Kế hoạch vốn năm 2024 được giao 100 tỷ đồng, đã giải ngân 45 tỷ đồng, đạt 45%.",
                      "2024-10-01")
    assert [(b.kind, b.plan_index, b.percent, b.percent_ok, b.year_from) for b in out] == [
        ("allocation", None, None, None, 2024), ("actual", 0, 45.0, True, 2024)]


def test_an_actual_of_a_later_year_than_the_document_is_a_plan():
    out = on_sentence(budgets, "Kinh phí thực hiện năm 2026 là 500 triệu đồng.", "2025-06-01")
    assert (out[0].kind, out[0].year_from) == ("allocation", 2026)


def test_parts_in_a_list_below_trong_do_and_after_gom():
    out = on_sentence(budgets, "Tổng kinh phí: 120 tỷ đồng, trong đó:\n- Ngân sách trung ương: 80 tỷ đồng;\n"
                               "- Ngân sách tỉnh: 30 tỷ đồng.\n2. Nhiệm vụ khác 5 tỷ đồng.")
    assert [(b.total_index, b.source) for b in out] == [
        (None, None), (0, "ngân sách trung ương"), (0, "ngân sách tỉnh"), (None, None)]
    assert out[0].sum_ok is False  # 80 + 30 is not 120: the record says so
    out = on_sentence(budgets, "Tổng mức đầu tư 120 tỷ đồng, gồm: vốn ngân sách trung ương 80 tỷ đồng; "
                               "vốn đối ứng của tỉnh 40 tỷ đồng.")
    assert [b.total_index for b in out] == [None, 0, 0] and out[0].sum_ok is True
    assert [b.source for b in out[1:]] == ["ngân sách trung ương", "vốn đối ứng"]


@pytest.mark.parametrize("printed, canonical", [
    ("Kinh phí KCQG", "khuyến công quốc gia"),
    ("kinh phí KCĐP", "khuyến công địa phương"),
    ("kinh phí Trung ương", "ngân sách trung ương"),
    ("NSĐP", "ngân sách địa phương"),
    ("ngân sách cấp huyện", "ngân sách huyện"),
    ("vốn đối ứng của tổ chức, cá nhân", "vốn đối ứng"),
    ("nguồn xã hội hóa", "xã hội hóa"),
    ("nguồn vốn ODA", "ODA"),
    ("vốn vay", "vốn vay"),
    ("vốn tự có của doanh nghiệp", "vốn doanh nghiệp"),
    ("nguồn khác", "khác"),
    (None, None),
])
def test_canonical_source(printed, canonical):
    assert canonical_source(printed) == canonical


def _b(text, amount, kind, source=None, plan_index=None, total_index=None):
    return {"text": text, "amount_vnd": amount, "kind": kind, "source": source, "purpose": None,
            "plan_index": plan_index, "total_index": total_index}


def test_score_kind_source_pairs_and_parts():
    gold = {"doc_id": "x", "budgets": [
        _b("10", 10, "allocation"), _b("8", 8, "actual", "ngân sách tỉnh", plan_index=0),
        _b("6", 6, "allocation", "ngân sách trung ương", total_index=0), _b("4", 4, "allocation", total_index=0),
        _b("99", 99, "statistic")]}
    pred = {"budgets": [
        _b("10", 10, "allocation"), _b("8", 8, "actual", "ngân sách tỉnh", plan_index=0),
        _b("6", 6, "actual", "ngân sách tỉnh", total_index=0), _b("4", 4, "allocation"),
        _b("99", 99, "statistic", plan_index=0)]}
    row = score([(pred, gold)]).to_dict()["lists"]
    assert (row["budgets"]["kind_accuracy"], row["budgets"]["kind_n"]) == (0.8, 5)
    assert (row["budgets"]["source_accuracy"], row["budgets"]["source_n"]) == (0.5, 2)
    assert (row["budget_pairs"]["tp"], row["budget_pairs"]["pred"], row["budget_pairs"]["gold"]) == (1, 2, 1)
    assert (row["budget_parts"]["tp"], row["budget_parts"]["pred"], row["budget_parts"]["gold"]) == (1, 1, 2)
    # gold without kinds (v1.2) is scored on amounts only
    for b in gold["budgets"]:
        del b["kind"]
    row = score([(pred, gold)]).to_dict()["lists"]
    assert "kind_accuracy" not in row["budgets"] and "budget_pairs" not in row


def test_dev_gold_budgets_are_annotated_and_scored():
    """Every dev gold document with budgets carries kinds; links point inside the list, at the right kind."""
    n = 0
    for f in sorted((CORPUS / "gold" / "dev").glob("*.json")):
        g = json.loads(f.read_text("utf-8"))
        for b in g.get("budgets") or []:
            n += 1
            assert b["kind"] in budgets.KINDS
            assert b["source"] is None or b["source"] in [name for name, _ in budgets.SOURCES]
            if b["plan_index"] is not None:
                assert b["kind"] == "actual" and g["budgets"][b["plan_index"]]["kind"] == "allocation"
    assert n == 28


def test_store_keeps_kind_source_period_and_links(tmp_path):
    from pipeline.importer import import_paths
    from pipeline.store import open_store

    with open_store(str(tmp_path / "v.db"), create=True) as store:
        import_paths(store, [next((CORPUS / "docs" / "seeds").glob("004_*.txt"))])
        rows = {r["amount_vnd"]: r for r in store.query(
            "SELECT seq, amount_vnd, kind, status, source, source_printed, year_from, year_to, plan_index, percent, "
            "percent_ok, total_index, sum_ok FROM budgets")}
    total = rows[73_440_000_000]
    assert (total["kind"], total["year_from"], total["year_to"], total["sum_ok"]) == ("allocation", 2016, 2020, 1)
    part = rows[38_090_000_000]
    assert (part["source"], part["source_printed"], part["total_index"]) == (
        "vốn đối ứng", "vốn đối ứng của tổ chức, cá nhân", total["seq"])
    done = rows[800_000_000]
    assert (done["kind"], done["status"], done["percent"], done["percent_ok"]) == ("actual", "spent", 7.7, 1)
    assert done["plan_index"] == rows[10_335_000_000]["seq"]
    assert rows[45_461_000_000_000]["kind"] == "statistic"


# --- Sources by form of the language (SCHEMA v1.3 decisions) -----------------------------------------------------

def _sources(text):
    return [b.source for b in on_sentence(budgets, text, "2024-10-01")]


def test_list_under_a_numbered_total_that_names_a_source_inherits_it():
    assert _sources("1. Vốn ngân sách nhà nước: 1.280 tỷ đồng, bao gồm:\n"
                    "+ Hoàn thiện hạ tầng KCN với tổng số vốn đầu tư 285 tỷ đồng;\n"
                    "+ Dự án đường trục với tổng mức đầu tư 130 tỷ đồng.\n"
                    "2. Vốn góp của nhà đầu tư: 500 tỷ đồng.") == ["ngân sách nhà nước"] * 3 + ["vốn doanh nghiệp"]


def test_list_under_a_total_line_inherits_unless_its_own_phrase_names_another():
    assert _sources("2.2. Tổng vốn xổ số kiến\nthiết năm 2017 là 1.200 tỷ đồng, dự kiến điều chỉnh như sau:\n"
                    "a) Điều chỉnh giảm kế hoạch vốn của 08 dự án, với giá trị 483,5 tỷ đồng.\n"
                    "b) Bổ sung kế hoạch vốn vay 10 tỷ đồng.\n"
                    "Điều 2. Giao Ủy ban nhân dân tỉnh bố trí 5 tỷ đồng.") == [
        "ngân sách địa phương", "ngân sách địa phương", "vốn vay", None]


def test_inline_list_after_a_sentence_naming_the_source_inherits_it():
    assert _sources("4. Bổ sung 77.490 triệu đồng từ nguồn viện trợ của Chính phủ Ai-len cho các tỉnh: Hà Giang: "
                    "18.000 triệu đồng; Hòa Bình: 20.900 triệu đồng để đầu tư cho Dự án.") == ["ODA"] * 3


@pytest.mark.parametrize("text, sources", [
    ("Bổ sung 241.021 triệu đồng cho các dự án giảm nghèo (nguồn ngân sách trung ương).", ["ngân sách trung ương"]),
    ("Bổ sung 77,66 tỷ đồng dự toán chi bảo vệ môi trường từ nguồn vốn vay của ADB.", ["vốn vay"]),
    ("- Vốn huy động: 29 tỷ đồng, phương án huy động: vay từ tổ chức tín dụng, tiến độ quý IV.", ["vốn vay"]),
    ("Kinh phí 5 tỷ đồng, từ nguồn xã hội hóa 6 tỷ đồng.", [None, "xã hội hóa"]),  # the next amount's phrase
    ("Dự toán là 37 tỷ đồng, trong đó: Kinh phí KCQG 20 tỷ đồng.", [None, "khuyến công quốc gia"]),
])
def test_source_phrase_after_the_amount(text, sources):
    assert _sources(text) == sources


@pytest.mark.parametrize("text, source", [
    ("Tăng dự toán vốn ngoài nước 100 tỷ đồng.", "ODA"),
    ("Giảm dự toán vốn trái phiếu Chính phủ 100 tỷ đồng.", "ngân sách nhà nước"),
    ("Triển khai gói hỗ trợ tín dụng khoảng 250 nghìn tỷ đồng.", "vốn vay"),
    ("+ Vốn góp của nhà đầu tư: 205.000.000.000 đồng.", "vốn doanh nghiệp"),
    ("d) Nguồn thu đóng góp từ các tổ chức, cá nhân khai thác khoáng sản: 1.594 triệu đồng.", "xã hội hóa"),
    ("Hoàn thiện các CCN đã đầu tư bằng vốn ngân sách, với tổng số vốn đầu tư 447 tỷ đồng.", "ngân sách nhà nước"),
    ("Đề xuất giải pháp về thuế và chi ngân sách nhà nước, trước hết. là gói hỗ trợ khoảng 30 nghìn tỷ đồng.",
     "ngân sách nhà nước"),  # a full stop before a lower-case word (OCR) does not end the clause
    ("Tổng mức vay của ngân sách nhà nước là 488 tỷ đồng.", "ngân sách nhà nước"),
])
def test_source_words(text, source):
    assert _sources(text) == [source]


@pytest.mark.parametrize("text", [
    "Tổng thu NSNN tháng 9/2024 ước đạt 79.100 tỷ đồng.",
    "1. Tổng số thu ngân sách nhà nước là 1.512.300.000 triệu đồng.",
])
def test_revenue_budget_is_where_money_goes_not_a_source(text):
    assert _sources(text) == [None]


@pytest.mark.parametrize("printed, canonical", [
    ("vốn ngân sách", "ngân sách nhà nước"),
    ("Nguồn thu đóng góp từ các tổ", "xã hội hóa"),
    ("vay từ tổ chức tín dụng", "vốn vay"),
])
def test_canonical_source_of_new_words(printed, canonical):
    assert canonical_source(printed) == canonical
