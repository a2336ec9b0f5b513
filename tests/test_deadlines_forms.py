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


# dev-b forms (issue 11)
def _load(tmp_path, text: str, issue: str):
    from pipeline.ingest import load
    from pipeline.records import Extraction, Field
    from pipeline.segments import Segments

    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    ex = Extraction()
    ex.header.issue_date = Field(issue)
    return deadlines.extract(load(path), Segments(), ex)


def test_a_pipe_table_column_whose_header_has_a_slash(tmp_path):
    text = ("PHỤ LỤC CÁC NHIỆM VỤ\n\n| TT | Nhiệm vụ | Cơ quan chủ trì | Thời gian thực hiện/ hoàn thành |\n"
            "| --- | --- | --- | --- |\n"
            "| 1. | Hoàn thiện dự thảo Nghị định để trình Chính phủ. | Cục Biến đổi khí hậu | Tháng 8/2024 |\n"
            "| 2. | Thiết lập Hệ thống đăng ký quốc gia về hạn ngạch phát thải đến năm 2030. | Cục Biến đổi khí hậu | "
            "2024 - 2025 |\n"
            "| 3. | Tổ chức các khóa đào tạo, tập huấn. | Cục Biến đổi khí hậu | 2024 - 2030 |\n")
    out = _load(tmp_path, text, "2024-08-06")
    assert [(d.text, d.date) for d in out] == [
        ("Tháng 8/2024", "2024-08-31"), ("2024 - 2025", "2025-12-31"), ("2024 - 2030", "2030-12-31")]


def test_ocr_of_a_table_with_narrow_cells_wrapped_around_blank_lines():
    # Tesseract reads a task table cell by cell, each wrap of a narrow cell on its own line with a blank line
    # between: the header "Thời gian / hoàn thành" and the cell "Tháng / 3/2026" are split that way; a date
    # in the next column ("CP ngày / 07/02/2026", of a cited resolution) is not a limit
    text = ("TT\n\nTên nhiệm vụ\n\nCơ quan\n\nchủ trì\n\nThời gian\n\nhoàn thành\n\nCăn cứ\n\nbổ sung\n\n1\n\n"
            "Rà soát, đề xuất sửa đổi quy định về\nthủ tục hành chính\nCác bộ,\n\ncơ quan ngang bộ\n\nBộ Tư pháp\n\n"
            "Tháng\n\n3/2026\n\nNghị quyết\n\nsố 23/NQ-\n\nCP ngày\n\n07/02/2026\n\n2\n\n"
            "Xây dựng cơ sở dữ liệu\nBộ Tư pháp\n\n2026 và\n\nhằng năm\n\nNghị quyết\n\nsố 66-\n\nNQ/TW\n")
    out = run(text, "2026-04-06")
    assert [(" ".join(d.text.split()), d.date, d.recurrence) for d in out] == [
        ("Tháng 3/2026", "2026-03-31", None), ("2026 và hằng năm", "2026-12-31", "hằng năm")]


def test_schedule_lines_with_long_labels_and_ranges():
    text = ("c) Tiến độ xây dựng cơ bản và đưa công trình vào hoạt động:\n"
            "- Tiến độ hoàn thành hồ sơ đất đai, được bàn giao đất: Quý I/2026;\n"
            "- Tiến độ xây dựng các hạng mục công trình: Từ quý II/2026 đến quý\nIII/2027;\n"
            "- Tiến độ lắp đặt máy móc, thiết bị và vận hành thử nghiệm: Quý III/2027-\nQuý IV/2027;\n"
            "- Vốn huy động: số vốn: 29 tỷ VNĐ, tiến độ dự kiến: Quý II/2024 - Quý IV/2026.")
    # an adjusting decision restates a schedule: a labelled limit counts also when it is already past
    assert [d.date for d in run(text, "2026-09-10")] == ["2026-03-31", "2027-09-30", "2027-12-31", "2026-12-31"]


def test_a_month_without_a_year_takes_the_documents_year():
    text = "Cục Thuế cập nhật dữ liệu (báo cáo Tổng cục việc triển khai trong tháng 10 và hoàn thành trong tháng 12)."
    assert [d.date for d in run(text, "2024-10-14")] == ["2024-10-31", "2024-12-31"]
    assert run("Sở Tài chính báo cáo số liệu thu trong 6 tháng đầu năm và trong 03 tháng tới.", "2024-10-14") == []


def test_years_of_targets_and_of_activity_are_not_limits():
    texts = ["Thực hiện cam kết về giảm phát thải ròng bằng “0” vào năm 2050 tại Hội nghị COP26.",
             "Chỉ đạo cơ quan thuế xem xét không tổ chức kiểm tra định kỳ trong năm 2020 đối với các doanh nghiệp.",
             "Dành 40% tăng thu của ngân sách để tạo nguồn cải cách tiền lương trong năm 2020.",
             "Bố trí vốn để đẩy nhanh tiến độ triển khai trồng rừng trong năm 2017 và những năm tiếp theo.",
             "Dự kiến thu hút nhà đầu tư với tốc độ lấp đầy khoảng 10% trong năm 2027, 50% trong năm 2028."]
    for t in texts:
        assert [d.date for d in run(t, "2016-12-20")] == [], t
    # a deliverable, or a completion after the year, still makes it a limit
    assert [d.date for d in run("Bộ Tư pháp trình Chính phủ dự thảo Nghị định trong năm 2025.", "2025-02-01")] == [
        "2025-12-31"]


def test_future_completion_after_a_period_in_a_project_schedule():
    text = ("8. Tiến độ thực hiện dự án: Hoàn thành trong quý IV năm 2027 (trong năm 2027 sẽ hoàn thành đầu tư xây "
            "dựng phần hạ tầng và quý IV năm 2027 sẽ đưa dự án vào hoạt động chính thức).")
    assert [d.date for d in run(text, "2026-06-23")] == ["2027-12-31"] * 3


def test_ocr_full_stops_pipes_and_damaged_words_do_not_hide_a_limit():
    texts = [  # a full stop before a lower-case word, "hgày", a stray pipe, "thời han"
        ("Giao Bộ Tài chính trình Thủ tướng Chính phủ ban hành Chỉ thị về đẩy mạnh. kết nối dữ liệu, bảo đảm an "
         "ninh tiền tệ trong tháng 10 năm 2022.", "2022-10-31"),
        ("Rà soát nợ thuế tại địa phương (báo cáo Tổng cục trước hgày 30/10/2024).", "2024-10-30"),
        ("Đăng tải trên website ngành thuế (hoàn thành trước ngày| 15/10/2024).", "2024-10-15"),
        ("Hoàn thiện phương án ngừng xuất hóa đơn (thời han\n20/10/2024).", "2024-10-20"),
    ]
    for t, date in texts:
        assert [d.date for d in run(t, "2022-10-05")] == [date], t


def test_an_event_date_and_an_agreement_taking_effect():
    assert run("Giải trình các dự án Luật tại kỳ họp thứ 8 của Quốc hội diễn ra vào tháng 11/2024.", "2024-10-14") == []
    # the validity term belongs to the agreement; the report after it has a limit
    text = ("Chuẩn bị điều kiện xuất khẩu hàng hóa sang thị trường EU sau khi Hiệp định EVFTA có hiệu lực (từ giữa "
            "năm 2020), báo cáo Thủ tướng Chính phủ trong tháng 3 năm 2020.")
    assert [d.date for d in run(text, "2020-03-04")] == ["2020-03-31"]
