"""Deadlines on the forms met in the non-gold corpus documents: limits set vs dates that only look like them."""

from __future__ import annotations

from sentences import on_sentence

from extractors import deadlines


def run(text: str, issue: str | None = None):
    return on_sentence(deadlines, text, issue)


def test_taking_effect_some_days_after_signing_is_not_a_limit():
    # 018 (QĐ 16/2026/QĐ-UBND Lào Cai)
    assert run("Điều 2. Điều khoản thi hành\n1. Quyết định này có hiệu lực sau 10 ngày kể từ ngày ký ban hành.",
               "2026-02-25") == []


def test_a_limit_restated_in_a_letter_implementing_a_decision():
    # 024 (CV 7432/UBND-XD): "chậm nhất đến ngày", "đúng thời hạn trước ngày"
    text = ("tăng cường công tác kiểm tra, đôn đốc việc tổ chức thực hiện, bảo đảm hoàn thành việc áp dụng các giải "
            "pháp kỹ thuật đối với các cơ sở, công trình thuộc đối tượng áp dụng chậm nhất đến ngày 01 tháng 7 năm "
            "2028 theo yêu cầu của Bộ Xây dựng. 2. Giao Sở Xây dựng tham mưu, bảo đảm việc triển khai đồng bộ, "
            "thống nhất và hoàn thành đúng thời hạn trước ngày 01 tháng 7 năm 2028 theo quy định của Bộ Xây dựng.")
    assert [d.date for d in run(text, "2026-07-21")] == ["2028-07-01", "2028-07-01"]


def test_a_past_condition_beside_a_limit():
    # 011 (TT 24/2025/TT-BCT): the first date says which projects, the second is the limit
    text = ("3. Đối với dự án đầu tư khai thác đã đi vào vận hành trước ngày 01 tháng 7 năm 2025, phải được phê "
            "duyệt trước ngày 01 tháng 7 năm 2027.")
    assert [d.date for d in run(text, "2025-05-13") if d.date] == ["2027-07-01"]


def test_validity_terms_and_transition_conditions_are_not_limits():
    # 013 / 060 / 076 (nghị quyết of the Government): a term of validity, a condition on other laws
    texts = [
        "1. Nghị quyết này có hiệu lực thi hành từ ngày 18 tháng 5 năm 2026 đến hết ngày 28 tháng 02 năm 2027, trừ "
        "trường hợp quy định tại khoản 2 Điều này.",
        "Trường hợp luật, nghị quyết của Quốc hội được sửa đổi, bổ sung hoặc ban hành mới có hiệu lực thi hành sau "
        "ngày Nghị quyết này được thông qua và trước ngày 01 tháng 3 năm 2027 thì các quy định tương ứng hết hiệu "
        "lực.",
        "Các dự án đã được phê duyệt trong quy hoạch sử dụng đất được duyệt trước ngày 01 tháng 8 năm 2024.",
    ]
    for t in texts:
        assert [d.date for d in run(t, "2026-05-18") if d.date] == [], t


def test_a_clock_time_between_the_limit_word_and_the_day():
    # the form công văn asking for submissions use (not in this corpus): "trước 17 giờ 00 ngày ..."
    assert [d.date for d in run("Đề nghị các đơn vị gửi hồ sơ về Sở Công Thương trước 17 giờ 00 ngày 20/3/2024.",
                                "2024-02-01")] == ["2024-03-20"]
    assert [d.date for d in run("gửi về Sở trước 16h30, ngày 05 tháng 4 năm 2024.", "2024-02-01")] == ["2024-04-05"]
    assert run("Hội nghị bắt đầu lúc 8 giờ 00 ngày 15/3/2024 tại Hội trường.", "2024-02-01") == []
