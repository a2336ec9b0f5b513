"""Deadlines: each form of time limit, read from real corpus sentences and documents."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sentences import on_sentence

from extractors import deadlines
from extractors.dates import find_periods
from pipeline.ingest import load
from pipeline.records import Extraction

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run(text: str, issue: str | None = None):
    return on_sentence(deadlines, text, issue)


def dated(text: str, issue: str | None = None) -> list[str]:
    return [d.date for d in run(text, issue) if d.date]


@pytest.fixture(scope="module")
def docs():
    def one(pattern: str):
        path = next((CORPUS / "docs").glob(pattern))
        doc = load(path)
        return doc, deadlines.extract(doc, None, Extraction())
    return one


def test_seed_000_deadline(docs):
    doc, out = docs("seeds/000_*.txt")
    assert [(d.text, d.date) for d in out if d.date] == [("chậm nhất ngày 31/10/2010", "2010-10-31")]
    d = next(d for d in out if d.date)
    assert doc.text[d.start:d.end] == d.text


def test_truoc_ngay():
    s = ("Giao Sở Công Thương chủ trì, phối hợp với các đơn vị liên quan nghiên cứu, tham mưu nội dung ủy quyền; "
         "trình UBND tỉnh xem xét, quyết định trước ngày 15/9/2025.")
    out = run(s)
    assert [(d.text, d.date) for d in out] == [("trước ngày 15/9/2025", "2025-09-15")]


def test_quarter_and_month():
    assert dated("Bộ Xây dựng chủ trì rà soát, báo cáo Thủ tướng Chính phủ trong quý III năm 2012.",
                 "2012-03-02") == ["2012-09-30"]
    s = "chủ động hướng dẫn, đôn đốc, yêu cầu các đơn vị điều chỉnh thiết kế, thời gian thực hiện xong trong tháng 6/2026;"
    out = run(s, "2026-06-11")
    assert [(d.text, d.date) for d in out] == [("xong trong tháng 6/2026", "2026-06-30")]


def test_year_after_directive_verb():
    s = "3. Trình Ủy ban Thường vụ Quốc hội xem xét, thông qua trong năm 2026 đối với 01 dự án pháp lệnh"
    assert dated(s, "2026-01-20") == ["2026-12-31"]


def test_until_year_with_completion():
    s = ("Hàng năm, tiến hành rà soát các KCN thuộc diện hỗ trợ vốn ngân sách Trung ương. "
         "Đến năm 2015, hoàn thành chương trình hỗ trợ có mục tiêu từ ngân sách trung ương.")
    assert dated(s, "2012-03-02") == ["2015-12-31"]


def test_periods_read_to_their_last_day():
    ends = {p.text: p.iso for p in find_periods(
        "quý II/2020; Quý III, IV/2026, 2027; 6 tháng đầu năm 2018; tháng 3 năm 2020; năm 2011; 2024 - 2025")}
    assert ends == {"quý II/2020": "2020-06-30", "Quý III, IV/2026, 2027": "2027-12-31",
                    "6 tháng đầu năm 2018": "2018-06-30", "tháng 3 năm 2020": "2020-03-31",
                    "năm 2011": "2011-12-31", "2024 - 2025": "2025-12-31"}


def test_same_date_for_two_obligations_listed_twice():
    s = ("yêu cầu Bộ Tài chính, Bảo hiểm xã hội Việt Nam khẩn trương thực hiện theo đúng thẩm quyền xong trước ngày "
         "01 tháng 5 năm 2026 đối với chi phí năm 2023, xong trước ngày 01 tháng 8 năm 2026 đối với chi phí năm 2024. "
         "3. Bộ Tài chính chỉ đạo Bảo hiểm xã hội Việt Nam tổ chức thực hiện xong trước ngày 01 tháng 5 năm 2026, báo cáo")
    assert dated(s, "2026-04-25") == ["2026-05-01", "2026-08-01", "2026-05-01"]


def test_recurring_limits_have_no_date():
    out = run("3. Trước ngày 15 hằng tháng, người sử dụng lao động gửi danh sách người lao động đề nghị hỗ trợ")
    assert [(d.date, d.recurrence) for d in out] == [(None, "Trước ngày 15 hằng tháng")]
    out = run("tổng hợp báo cáo Ban Bí thư Trung ương Đảng vào thứ Sáu hàng tuần theo đề cương")
    assert [(d.date, d.recurrence) for d in out] == [(None, "vào thứ Sáu hàng tuần")]
    out = run("Tổng hợp tình hình quản lý và sử dụng Quỹ theo định kỳ 6 tháng, hàng năm và đột xuất báo cáo Thủ tướng")
    assert [(d.date, d.recurrence) for d in out] == [(None, "định kỳ 6 tháng")]
    out = run("Báo cáo thống kê: Được lập và nộp trước ngày 15 tháng 02 của năm liền kề sau năm báo cáo, kỳ báo cáo là năm")
    assert [d.recurrence for d in out] == ["trước ngày 15 tháng 02 của năm liền kề sau năm báo cáo"]


def test_relative_limit_resolved_against_issue_date():
    s = ("Ủy ban nhân dân các tỉnh ban hành Quy định tỉnh, thành phố hoàn thành nhiệm vụ xây dựng nông thôn mới "
         "giai đoạn 2026 - 2030 trong thời gian 90 ngày kể từ ngày ban hành Quyết định này, phù hợp với điều kiện")
    out = run(s, "2025-12-29")
    assert [(d.date, d.relative) for d in out] == [("2026-03-29", None)]
    assert [d.relative for d in run(s)] == ["trong thời gian 90 ngày kể từ ngày ban hành Quyết định này"]


def test_relative_limit_kept_when_unresolvable():
    s = ("Trong thời hạn 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ, Ủy ban nhân dân cấp xã xem xét "
         "và cấp lại Giấy phép")
    out = run(s, "2025-06-01")
    assert [(d.date, d.relative) for d in out] == [
        (None, "Trong thời hạn 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ")]


@pytest.mark.parametrize("sentence", [
    "Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến công;",
    "Trong 06 tháng đầu năm 2018, kinh phí khuyến công cả nước được phê duyệt hơn 272 tỉ đồng;",
    "Phấn đấu đến năm 2020, khu vực công nghiệp thu hút 150 ngàn lao động.",
    "Chiều ngày 11/7/2018, Cục Công thương địa phương phối hợp với UBND tỉnh Phú Yên tổ chức Hội nghị",
    "2. Có hợp đồng lao động xác định thời hạn từ 01 tháng trở lên được giao kết và bắt đầu thực hiện "
    "trước ngày 01 tháng 4 năm 2022.",
    "a) Quyết định công nhận phân bón lưu hành tại Việt Nam đã được cấp trước ngày 01 tháng 7 năm 2025 "
    "và còn thời hạn thì tiếp tục sử dụng",
    "Trong năm 2025, Ủy ban nhân dân tỉnh cấp phép thăm dò khoáng sản cho 05 tổ chức.",
    "Nghị quyết này được Ủy ban Thường vụ Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV thông qua "
    "tại Phiên họp thứ 49 ngày 26 tháng 9 năm 2025.",
    "Trong giai đoạn mới, hướng tới bao phủ bảo hiểm y tế toàn dân vào năm 2030.",
])
def test_dates_that_are_not_limits(sentence):
    assert dated(sentence, "2026-03-01") == []


def test_schedule_table_cells(docs):
    doc, out = docs("dev/048_congbao_*.txt")
    gold = json.loads(next((CORPUS / "gold" / "dev").glob("048_*.json")).read_text())
    assert Counter(d.date for d in out if d.date) >= Counter(d["date"] for d in gold["deadlines"] if d["date"])
    by_text = {" ".join(d.text.split()): d for d in out}
    assert by_text["2027 - 2030"].date == "2030-12-31"
    assert by_text["2026 và hằng năm"].recurrence == "hằng năm"
    assert "ngày 29/7/2025" not in by_text  # a cited conclusion's date in the "Căn cứ" column
    for d in out:
        assert doc.text[d.start:d.end] == d.text


def test_docx_table_rows(docs):
    _, out = docs("dev/001_sct_*.txt")
    assert {d.text: d.date for d in out if d.text.startswith(("Xong", "Trong"))} == {
        "Xong trong Quý II/2026": "2026-06-30", "Xong trong tháng 5/2026": "2026-05-31",
        "Trong năm 2026": "2026-12-31"}


def test_permit_validity_is_not_a_deadline(docs):
    doc, out = docs("dev/023_sct_*.txt")
    assert "có giá trị kể từ ngày ký đến hết ngày" in " ".join(doc.text.split())
    assert [d for d in out if d.date] == []


def test_limit_forms_in_directives():
    assert [(d.text, d.date) for d in run("Sở Tài chính hoàn thành trong 6 tháng đầu năm 2018.", "2018-01-10")] == [
        ("hoàn thành trong 6 tháng đầu năm 2018", "2018-06-30")]
    assert dated("Bộ Công Thương triển khai thực hiện trong Quý III, IV/2026, 2027.", "2026-03-01") == ["2027-12-31"]
    assert dated("Các đơn vị gửi báo cáo về Sở Công Thương trong thời hạn 15 ngày kể từ ngày ký.",
                 "2026-03-06") == ["2026-03-21"]
