"""Budgets on the forms met in the non-gold corpus documents (reports, decisions, đề án tables)."""

from __future__ import annotations

from sentences import on_sentence

from extractors import budgets
from extractors.money import parse_number


def run(text: str):
    return on_sentence(budgets, text)


# 003/004 (báo cáo UBND Lào Cai): two amounts typed with a four-digit group.
THANH_TRA = ("Qua công tác thanh tra, đã phát hiện sai phạm kiến nghị thu hồi về ngân sách Nhà nước số tiền "
             "18.799.810.000 đồng; số đã thu 5.378.7000.000 đồng; số chưa thu trong đó có 13.421.100.000 đồng chưa "
             "ban hành được Quyết định thu hồi; Kiến nghị cơ quan có thẩm quyền ban hành Quyết định xử phạt vi phạm "
             "hành chính đối với 08 đơn vị với tổng số tiền 3.6620.700.000 đồng; Chuyển 01 hồ sơ vụ việc.")


def test_a_typo_group_keeps_the_size_its_group_count_gives():
    # 18.799.810.000 = 5.378.7x0.000 + 13.421.100.000: the typo is in the digits, not a tenfold amount
    assert [b.amount_vnd for b in run(THANH_TRA)] == [18_799_810_000, 5_378_700_000, 13_421_100_000, 3_662_700_000]
    assert parse_number("20.429.461.000") == 20_429_461_000
    assert parse_number("5.378.7000") == 5_378_700


def test_a_range_of_bare_billions_before_a_verb():
    text = ("những mỏ có giá trị từ 50 -150 tỷ sẽ thu trong 05 năm đầu tiên của giấy phép (nộp lần đầu chiếm tối "
            "thiểu 30% giá trị mỏ); những mỏ trên 150 tỷ đồng sẽ thu theo hàng năm nhưng không quá 10 năm.")
    out = run(text)
    assert [b.amount_vnd for b in out] == [50_000_000_000, 150_000_000_000, 150_000_000_000]
    assert out[1].purpose == "những mỏ có giá trị"  # the range's low end is not part of the purpose


def test_a_label_after_a_colon_is_the_purpose():
    text = ("Cơ quan Thuế đã phát hành thông báo nộp tiền cấp quyền khai thác khoáng sản cho các doanh nghiệp nêu "
            "trên, cụ thể: Số tiền còn nợ năm 2024 chuyển sang năm 2025: 85.243.017.232 đồng; Số tiền phải thu năm "
            "2025: 242.684.254.344 đồng.")
    out = run(text)
    assert [(b.amount_vnd, b.purpose) for b in out] == [
        (85_243_017_232, "Số tiền còn nợ năm 2024 chuyển sang năm 2025"),
        (242_684_254_344, "Số tiền phải thu năm 2025")]


def test_a_target_in_foreign_currency_is_planned_and_has_no_vnd_amount():
    text = ("Phấn đấu có 60 doanh nghiệp công nghệ số Việt Nam có doanh thu từ thị trường nước ngoài đạt 20 triệu "
            "USD/năm.")
    (b,) = run(text)
    assert b.amount_vnd is None and b.currency == "USD" and "USD" in b.text and b.status == "planned"


def test_words_inside_an_open_parenthesis_say_what_the_amount_pays_for():
    # 033 (QĐ 982/QĐ-TTg), a table cell flattened one short line at a time
    text = ("Cơ chế, chính sách \nđược ban hành \n(theo hướng cụ thể \nnhư: chi phí cho \nhoạt động tiếp cận \n"
            "và mở rộng thị \ntrường quốc tế \nbằng 200% chi phí \nthực tế của hoạt \nđộng, tối đa 3 tỷ \n"
            "đồng/năm/doanh \nnghiệp khi tính \nthuế thu nhập")
    (b,) = run(text)
    assert b.amount_vnd == 3_000_000_000 and b.purpose.startswith("hoạt động tiếp cận và mở rộng thị trường")


def test_percentages_counts_and_years_are_not_money():
    text = ("bảo hiểm y tế theo hộ gia đình để đạt mục tiêu tới năm 2026 tỷ lệ bao phủ bảo hiểm y tế đạt trên "
            "95,5% dân số; thu tiền cấp quyền khai thác khoáng sản cho 59 điểm mỏ, đạt 100% tỷ lệ thu hồi.")
    assert run(text) == []


# Forms of khuyến công budget lines not present in this corpus (written in the way those plans print them):
# the amount restated in words in parentheses, "tr.đồng" / "trđ", and a per-unit rate without "đồng".
def test_amount_restated_in_words_in_parentheses_is_one_amount():
    out = run("Tổng kinh phí: 1.250 triệu đồng (Một tỷ hai trăm năm mươi triệu đồng).")
    assert [b.amount_vnd for b in out] == [1_250_000_000]


def test_abbreviated_million_before_the_currency():
    assert [b.amount_vnd for b in run("Kinh phí hỗ trợ 120 tr.đồng; đối ứng 45 trđ.")] == [120_000_000, 45_000_000]


def test_a_rate_in_millions_counts_only_after_a_money_word():
    assert [(b.text, b.amount_vnd) for b in run("Mức hỗ trợ tối đa 50 triệu/cơ sở, thời gian 3 tháng.")] == [
        ("50 triệu/cơ sở", 50_000_000)]
    assert run("Dân số tăng thêm 3 triệu/năm.") == []
