"""Budgets on the forms met in the non-gold corpus documents (reports, decisions, đề án tables)."""

from __future__ import annotations

from sentences import on_sentence

from extractors import budgets
from extractors.money import parse_number, words_to_int


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


# dev-b forms (issue 11): units only in a column header or a caption of a pipe table, a bare "tỷ" before a
# bracket, units damaged by OCR, and amounts restated in words whose value the words alone misread.
def _load(tmp_path, text: str):
    from pipeline.ingest import load
    from pipeline.records import Extraction

    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    return budgets.extract(doc, None, Extraction())


def test_pipe_table_with_the_unit_in_a_column_header(tmp_path):
    text = ("Vốn góp để thực hiện dự án:\n\n"
            "| STT | Tên nhà đầu tư | Số vốn góp (tỷ VNĐ) | Tỷ lệ (%) |\n| --- | --- | --- | --- |\n"
            "| 1 | Công ty cổ phần đầu tư Phú Thịnh | 21 | 70 |\n| 2 | Công ty TNHH Yên Bình | 9 | 30 |\n")
    out = _load(tmp_path, text)
    assert [(b.text, b.amount_vnd) for b in out] == [("21", 21_000_000_000), ("9", 9_000_000_000)]
    assert out[0].purpose == "Công ty cổ phần đầu tư Phú Thịnh"


def test_pipe_table_under_a_unit_caption_with_year_columns(tmp_path):
    text = ("Kinh phí thực hiện:\n\nĐVT: triệu đồng\n\n| STT | Nội dung | Năm 2025 | Năm 2026 |\n"
            "| --- | --- | --- | --- |\n| 1 | Đào tạo, tập huấn | 1.200 | 1.500 |\n| 2 | Truyền thông | 350 | 400 |\n")
    assert [b.amount_vnd for b in _load(tmp_path, text)] == [1_200_000_000, 1_500_000_000, 350_000_000, 400_000_000]


def test_bare_billions_before_a_bracket():
    out = run("Dự án Đường trục chính cụm công nghiệp quy mô 2,9km; tổng mức đầu tư 173 tỷ (đã được phê duyệt).")
    assert [(b.text, b.amount_vnd) for b in out] == [("173 tỷ", 173_000_000_000)]


def test_bare_billions_after_a_money_noun():
    out = run("Dự án có tổng mức đầu tư 173 tỷ đã được phê duyệt; tổng vốn đầu tư khoảng 2.500 tỷ\nđể xây dựng.")
    assert [b.amount_vnd for b in out] == [173_000_000_000, 2_500_000_000_000]
    assert run("Nguồn vốn 20 tỷ lệ thuận với quy mô; dân số 8 tỷ người.") == []


def test_ocr_damaged_units():
    text = ("Tổng thu ngân sách ước đạt 1.229.788 ty déng; thu nợ ước đạt 56.092 ty đồng; số đã nộp là 6.234 ty "
            "đông; tổng vốn 363.284 tý đồng. Hợp tác với 5 công ty đồng thời.")
    assert [b.amount_vnd for b in run(text)] == [1_229_788 * 10**9, 56_092 * 10**9, 6_234 * 10**9, 363_284 * 10**9]


def test_a_public_sum_of_a_few_dong_lost_its_scale():
    # OCR dropped "tỷ" in "Tổng số thu hồi ... là 238 đồng": not readable as an amount
    assert [b.amount_vnd for b in run("Tổng số thu hồi vi phạm là 238 đồng.")] == []
    assert [b.amount_vnd for b in run("Mức thu 500 đồng/trang.")] == [500]


def test_words_restating_an_amount_in_millions_are_one_amount():
    # the words end on the unit of the digits ("... triệu đồng") and read differently from them
    text = ("1. Tổng số thu ngân sách nhà nước là 1.512.300.000 triệu đồng (một tỷ, năm trăm mười hai triệu, ba trăm "
            "nghìn triệu đồng).\n2. Mức bội chi là 234.800.000 triệu đồng (hai trăm ba mươi bồn triệu, tám trăm "
            "nghìn triệu đồng), tương đương 3,44% GDP.\n3. Tổng mức vay là 4.069.000 triệu đồng (Bằng chữ: bốn nghìn "
            "không trăm sáu mươi chín tỷ đồng).")
    assert [b.amount_vnd for b in run(text)] == [1_512_300_000_000_000, 234_800_000_000_000, 4_069_000_000_000]


def test_written_out_numbers_with_zero_hundreds_and_compound_scales():
    assert words_to_int("một nghìn không trăm linh năm") == 1005
    assert words_to_int("một nghìn một trăm linh năm") == 1105
    assert words_to_int("một nghìn không trăm mười") == 1010
    assert words_to_int("một tỷ, năm trăm mười hai triệu, ba trăm nghìn triệu") == 1_512_300 * 10**9
    assert words_to_int("bốn trăm tám mươi tám triệu, chín trăm hai mươi mốt nghìn, ba trăm năm mươi hai triệu") \
        == 488_921_352 * 10**6
    assert words_to_int("hai nghìn tỷ năm trăm tỷ") == 2_500 * 10**9
    assert words_to_int("mười bảy triệu triệu") == 17 * 10**12
    assert words_to_int("một tỷ rưỡi") == 1_500_000_000
    assert [b.amount_vnd for b in run("Kinh phí là một nghìn không trăm linh năm triệu đồng.")] == [1_005_000_000]


def test_a_qualifier_is_a_word_of_its_own_not_the_end_of_another():
    from extractors.money import find_amounts

    got = [a.text for a in find_amounts("vốn ngoài nước 14.033,795 tỷ đồng và ước tính 5 tỷ đồng")]
    assert got == ["14.033,795 tỷ đồng", "ước tính 5 tỷ đồng"]  # not "ước 14.033,795 …" out of "nước"
