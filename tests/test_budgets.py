"""Budgets: money amounts in their written forms, with source, purpose and status."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sentences import on_sentence

from extractors import budgets
from extractors.money import find_amounts, parse_number, words_to_int
from pipeline.document import Document
from pipeline.ingest import load
from pipeline.records import Extraction

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run(text: str):
    return on_sentence(budgets, text)


@pytest.fixture(scope="module")
def seed(request):
    cache = {}

    def one(pattern: str):
        if pattern not in cache:
            doc = load(next((CORPUS / "docs").glob(pattern)))
            cache[pattern] = (doc, budgets.extract(doc, None, Extraction()))
        return cache[pattern]
    return one


def test_seed_004_total_and_its_three_parts(seed):
    doc, out = seed("seeds/004_*.txt")
    by_amount = {b.amount_vnd: b for b in out}
    total = by_amount[73_440_000_000]
    assert total.text == "73,44 tỷ đồng" and total.status == "planned" and total.source is None
    assert total.purpose.startswith("Tổng kinh phí thực hiện Chương trình khuyến công tỉnh An Giang")
    parts = [(b.amount_vnd, b.source_printed) for b in out if b.start > total.start][:3]
    assert parts == [(6_000_000_000, "nguồn khuyến công quốc gia"),
                     (38_090_000_000, "vốn đối ứng của tổ chức, cá nhân"),
                     (29_350_000_000, "ngân sách địa phương")]
    for b in out:
        assert doc.text[b.start:b.end] == b.text


def test_done_over_planned_pairs(seed):
    _, out = seed("seeds/004_*.txt")
    pair = [(b.text, b.amount_vnd, b.status, b.source_printed) for b in out if b.amount_vnd in (800_000_000, 10_335_000_000)]
    assert pair == [("800/10.335 triệu đồng", 800_000_000, "spent", "kinh phí Trung ương"),
                    ("10.335 triệu đồng", 10_335_000_000, "planned", "kinh phí Trung ương")]


def test_seed_003_forms(seed):
    _, out = seed("seeds/003_*.txt")
    got = {" ".join(b.text.split()): b.amount_vnd for b in out}
    assert got["gần 260 tỉ đồng"] == 260_000_000_000
    assert got["16.602triệu đồng"] == 16_602_000_000
    assert got["hơn 272 tỉ đồng"] == 272_000_000_000
    assert got["gần 15,3 tỉ đồng"] == 15_300_000_000
    kcqg = next(b for b in out if b.amount_vnd == 27_708_000_000)
    assert (kcqg.source_printed, kcqg.status) == ("Kinh phí KCQG", "spent")


def test_rates_keep_their_denominator(seed):
    _, out = seed("dev/037_congbao_*.txt")
    rates = {b.text: b.amount_vnd for b in out if "/người/tháng" in b.text}
    assert rates == {"500.000 đồng/người/tháng": 500_000, "1.000.000 đồng/người/tháng": 1_000_000}


def test_full_dong_amounts_and_bare_scale():
    out = run("UBND tỉnh Lào Cai phê duyệt tiền cấp quyền khai thác khoáng sản cho 19 trường hợp với số tiền "
              "20.429.461.000 đồng. Kinh phí khuyến công cả nước được phê duyệt hơn 272 tỉ; trong đó")
    assert [(b.text, b.amount_vnd) for b in out] == [("20.429.461.000 đồng", 20_429_461_000),
                                                     ("hơn 272 tỉ", 272_000_000_000)]


def test_other_currency_has_no_vnd_amount():
    out = run("doanh thu xuất khẩu sản phẩm và dịch vụ công nghệ số của doanh nghiệp công nghệ số Việt Nam "
              "đạt tối thiểu 55 tỷ USD/năm, với tốc độ tăng trưởng bình quân đạt tối thiểu 30%/năm")
    assert [(b.text, b.amount_vnd, b.currency) for b in out] == [("tối thiểu 55 tỷ USD/năm", None, "USD")]


def test_percentages_and_counts_are_not_money():
    assert run("đạt 94,5% so với kế hoạch năm 2017, giải quyết việc làm cho 2.550 lao động, 150 ngàn lao động") == []


def test_number_parsing():
    assert parse_number("37.116") == 37116
    assert parse_number("73,44") == Decimal("73.44")
    assert parse_number("20.429.461.000") == 20429461000
    assert [a.value for a in find_amounts("250 nghìn tỷ đồng")] == [250 * 10**12]


def test_number_words():
    assert words_to_int("Bảy mươi ba tỷ, bốn trăm bốn mươi triệu") == 73_440_000_000
    assert words_to_int("một trăm linh năm triệu") == 105_000_000
    assert words_to_int("hai mươi mốt nghìn") == 21_000
    assert words_to_int("một tỷ rưỡi") == 1_500_000_000
    assert words_to_int("mười lăm triệu") == 15_000_000
    assert words_to_int("hàng triệu người") is None


def test_amount_in_words():
    # The corpus has only blank "bằng chữ" lines; the figures are seed 004's total.
    out = run("Tổng kinh phí thực hiện Chương trình: Bảy mươi ba tỷ, bốn trăm bốn mươi triệu đồng.")
    assert [b.amount_vnd for b in out] == [73_440_000_000]
    out = run("Tổng kinh phí dự kiến 73,44 tỷ đồng (Bằng chữ: Bảy mươi ba tỷ, bốn trăm bốn mươi triệu đồng).")
    assert [b.amount_vnd for b in out] == [73_440_000_000]  # the words restate the digits: one amount


def test_table_with_unit_header():
    # Seed 004's Phụ lục 02 figures laid out as a docx table is flattened (" | " between cells).
    text = ("DỰ KIẾN KINH PHÍ THỰC HIỆN CHƯƠNG TRÌNH\nĐVT: triệu đồng\n"
            "STT | Nguồn vốn | Tổng cộng | Ghi chú\n"
            "1 | Khuyến công quốc gia | 6.000 | \n"
            "2 | Vốn đối ứng | 38.090 | \n"
            "3 | Ngân sách địa phương | 29.350 | ")
    out = run(text)
    assert [b.amount_vnd for b in out] == [6_000_000_000, 38_090_000_000, 29_350_000_000]
    assert out[1].source_printed == "Vốn đối ứng"


def test_table_column_unit_and_row_labels():
    text = ("STT | Nội dung | Kinh phí (triệu đồng) | Số lượng\n"
            "1 | Trang bị máy móc thiết bị làm việc | 257 | 12\n"
            "2 | Ngân sách tỉnh | 13.863 | 3")
    out = run(text)
    assert [(b.amount_vnd, b.purpose) for b in out] == [
        (257_000_000, "Trang bị máy móc thiết bị làm việc"), (13_863_000_000, "Ngân sách tỉnh")]
    assert out[1].source_printed == "Ngân sách tỉnh"  # the count column (12, 3) is not money


def test_compound_and_range_amounts():
    assert [a.value for a in find_amounts("tổng mức đầu tư 3 tỷ 500 triệu đồng.")] == [3_500_000_000]
    assert [(a.text, a.value) for a in find_amounts("mức hỗ trợ từ 5 đến 10 triệu đồng/người")] == [
        ("5", 5_000_000), ("10 triệu đồng/người", 10_000_000)]
    assert [a.value for a in find_amounts("giai đoạn 2021 - 2025 là 50 tỷ đồng")] == [50 * 10**9]


def test_docx_table_cells_under_a_unit_column():
    # docx tables arrive as one block per cell; the figures are seed 004's.
    from pipeline.document import Block

    rows = [["STT", "Nguồn vốn", "Kinh phí (triệu đồng)", "Số đề án"],
            ["1", "Khuyến công quốc gia", "6.000", "3"],
            ["2", "Vốn đối ứng của tổ chức, cá nhân", "38.090", "12"]]
    text, blocks = "V. Kinh phí thực hiện Chương trình\n", []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            blocks.append(Block("table_cell", len(text), len(text) + len(value), table=0, row=r, col=c))
            text += value + "\n"
    doc = Document(source_path="table.docx", format="docx", text=text, blocks=blocks)
    out = budgets.extract(doc, None, Extraction())
    assert [(b.amount_vnd, b.source_printed) for b in out] == [
        (6_000_000_000, "Khuyến công quốc gia"), (38_090_000_000, "Vốn đối ứng của tổ chức, cá nhân")]
