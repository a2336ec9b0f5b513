"""Header fields on the forms met in the non-gold corpus documents: OCR'd scans and website records."""

from __future__ import annotations

from pathlib import Path

from extractors import header
from extractors.header import settle_ocr_name
from pipeline.document import Document
from pipeline.ingest import load
from pipeline.segment import DATE_LINE, segment

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


def _header(text: str):
    doc = Document(source_path="scan.pdf", format="pdf", text=text)
    return header.extract(doc, segment(doc), None)


# The first lines of the OCR text layer of 028 (CV 2265/BCT-ATMT), as the scan gives them.
SCAN_028 = """BỘ CÔNG THƯƠNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
) Độc lập - Tự do - Hạnh phúc
6 ŸBCT-ATMT
V/v triên khai thực hiện thủ tục câp
Giấy phép vận chuyền hàng hóa nguy
hiêm loại 1,2,3,4.9
Hà Nội, ngày0} thángh măm 2026
Kính gửi: Ủy ban nhân dân các tỉnh, thành phố
Ngày 25 tháng 3 năm 2026, Bộ Công Thương ban hành Thông tư số
15/2026/TT-BCT ngày 25 tháng 3 năm 2026 về việc sửa đồi, bổ sung một số
điều của Thông tư số 38/2025/TT-BCT của Bộ trưởng Bộ Công Thương.
Bộ Công Thương đề nghị Ủy ban nhân dân các tỉnh, thành phó hướng
dẫn, tổ chức thực hiện cấp giấy phép vận chuyển hàng hóa nguy hiểm./.
"""

# The first lines of the OCR text of 077 (KH 753/KH-DCT), and a line of its body.
SCAN_077 = """BÔ CÔNG THƯƠNG
CỌNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
^ Độc lập - Tự do - Hạnh phúc
TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG
THÀNH PHÓ HÒ CHÍ MINH
Thành phố Hồ Chí Minh, ngày khỗ tháng 6 năm 2026
Số: Á$3/KH-DCT
KẾ HOẠCH
Khảo sát, xác định chỉ số hài lòng của người dân
đối với dịch vụ giáo dục công năm 2026
Căn cứ Công văn số 2637/BGDĐT-VP ngày 15 tháng 5 năm 2026 của Bộ Giáo dục
và Đào tạo về việc hướng dân khảo sát;
Trường Đại học Công Thương Thành phố Hồ Chí Minh ban hành Ké hoạch khảo sát,
xác định chỉ số hài lòng của người dân đối với dịch vụ giáo dục công năm 2026 như sau:
1. Mục đích
"""


def test_ocr_number_line_without_its_label_is_not_part_of_the_issuer():
    h = _header(SCAN_028)
    assert h.issuer.value == "Bộ Công Thương"
    assert h.number.value is None  # "6 ŸBCT-ATMT": the serial is unreadable


def test_ocr_date_line_with_glued_junk_ends_the_subject():
    h = _header(SCAN_028)
    # the marks OCR lost are put back where the running text spells the same words ("cấp giấy phép vận chuyển
    # hàng hóa nguy hiểm"); "triên", which nothing else in the text settles, by the word list ("triển khai")
    assert h.subject.value == "triển khai thực hiện thủ tục cấp Giấy phép vận chuyển hàng hóa nguy hiểm loại 1,2,3,4.9"
    assert h.issue_place.value == "Hà Nội" and h.issue_date.value is None
    assert DATE_LINE.search("Hà Nội, ngày0} thángh măm 2026")


def test_ocr_junk_before_the_serial_leaves_the_number_empty():
    assert _header(SCAN_077).number.value is None  # "Á$3/KH-DCT" is not number 3


def test_ocr_issuer_takes_the_spelling_of_the_running_text():
    h = _header(SCAN_077)
    assert h.issuer.value == "Trường Đại học Công Thương Thành phố Hồ Chí Minh"
    assert h.issue_place.value == "Thành phố Hồ Chí Minh"


def test_settle_keeps_a_name_the_text_repeats_as_printed():
    text = "SỞ CÔNG THƯƠNG\n... Sở Công Thương tỉnh Lào Cai đề nghị ..."
    assert settle_ocr_name(text, "Sở Công Thương", (0, 14)) == "Sở Công Thương"
    assert settle_ocr_name("x", "Bộ Công Thương") == "Bộ Công Thương"  # nothing to settle it: unchanged


def test_website_record_gives_the_effective_date():
    # 053 (vbpl): a record page with "Ngày có hiệu lực01/04/2021" and no body text
    doc = load(next(DOCS.glob("dev/053_*.txt")))
    h = header.extract(doc, segment(doc), None)
    assert (h.number.value, h.issue_date.value, h.effective_date.value) == ("523/QĐ-TTg", "2021-04-01", "2021-04-01")
    assert (h.signer.name.value, h.signer.position.value) == ("Nguyễn Xuân Phúc", "Thủ tướng")


def test_effective_some_days_after_signing_counts_from_the_issue_date():
    # 018 (QĐ 16/2026/QĐ-UBND Lào Cai, OCR): "có hiệu lực sau 10 ngày kể từ ngày ký ban hành", signed 25/02/2026
    doc = load(next(DOCS.glob("dev/018_*.txt")))
    h = header.extract(doc, segment(doc), None)
    assert (h.issue_date.value, h.effective_date.value) == ("2026-02-25", "2026-03-07")


def test_acting_officer_signs_with_the_title_on_the_mark_line():
    # "Q. GIÁM ĐỐC" (quyền Giám đốc) alone above the name, the form of a Sở's acting director
    text = ("UBND TỈNH LÀO CAI\nSỞ CÔNG THƯƠNG\nSố: 45/KH-SCT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nLào Cai, ngày 10 tháng 01 năm 2026\nKẾ HOẠCH\nKhuyến công năm 2026\n"
            "I. MỤC ĐÍCH\nHỗ trợ cơ sở công nghiệp nông thôn.\nNơi nhận:\n- UBND tỉnh;\n- Lưu: VT.\nQ. GIÁM ĐỐC\n"
            "Trần Thị Lan\n")
    h = _header(text)
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == ("Trần Thị Lan", "Giám đốc", "Q.")
    assert (h.issuer.value, h.issuer_parent.value) == ("Sở Công Thương tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai")


def test_minister_named_by_the_enacting_line_gives_the_ministry():
    # 055 (vbpl, TCVN3 page): no printed header; "Bộ trưởng Bộ Xây dựng" enacts; the subject runs over a blank line
    doc = load(next(DOCS.glob("dev/055_*.txt")))
    h = header.extract(doc, segment(doc), None)
    assert h.issuer.value == "Bộ Xây dựng"
    assert h.subject.value.startswith("Đính chính Quyết định số 29/2007/QĐ-BXD ngày 31/12/2007 của Bộ trưởng Bộ Xây "
                                      "dựng về việc ban hành Chương trình khung đào tạo")


def test_signature_glued_to_the_noi_nhan_bullets_by_one_blank():
    # pdftotext without -layout: "Nơi nhận: KT. CHỦ TỊCH" / "- Như Điều 3; PHÓ CHỦ TỊCH" (019's OCR shows the
    # same interleaving: "- Chính phủ; TM. ỦY BAN NHÂN DÂN")
    text = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LÀO CAI Độc lập - Tự do - Hạnh phúc\n"
            "Số: 112/QĐ-UBND Lào Cai, ngày 15 tháng 02 năm 2026\nQUYẾT ĐỊNH\nPhê duyệt Kế hoạch khuyến công năm 2026\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n"
            "QUYẾT ĐỊNH:\nĐiều 1. Phê duyệt Kế hoạch khuyến công năm 2026.\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\nNơi nhận: KT. CHỦ TỊCH\n- Như Điều 3; PHÓ CHỦ TỊCH\n"
            "- Lưu: VT.\nNguyễn Văn Lợi\n")
    h = _header(text)
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == (
        "Nguyễn Văn Lợi", "Phó Chủ tịch", "KT.")
    assert (h.number.value, h.issue_date.value, h.issuer.value) == ("112/QĐ-UBND", "2026-02-15",
                                                                    "Ủy ban nhân dân tỉnh Lào Cai")


def test_adoption_at_a_numbered_session_gives_the_issue_date():
    # 057 (NQ 105/2025/UBTVQH15): "thông qua tại Phiên họp thứ 49 ngày 26 tháng 9 năm 2025", no place-date line
    doc = load(next(DOCS.glob("dev/057_*.txt")))
    h = header.extract(doc, segment(doc), None)
    assert (h.number.value, h.issue_date.value, h.issue_place.value) == ("105/2025/UBTVQH15", "2025-09-26", None)
    assert (h.signer.position.value, h.signer.authority.value) == ("Chủ tịch", "TM.")


def _decision(article: str, doc_type_line: str = "QUYẾT ĐỊNH") -> str:
    return ("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 88/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nLào Cai, ngày 15 tháng 02 năm 2026\n" + doc_type_line +
            "\nVề việc phê duyệt đề án khuyến công\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\nQUYẾT ĐỊNH:\n"
            "Điều 1. Phê duyệt đề án.\n" + article + "\n")


def test_type_name_without_nay_in_an_article_of_the_decision_itself():
    # provincial decisions often print "Điều 2. Quyết định có hiệu lực kể từ ngày ký."
    assert _header(_decision("Điều 2. Quyết định có hiệu lực kể từ ngày ký.")).effective_date.value == "2026-02-15"


def test_a_letter_retelling_a_decision_does_not_take_its_effect():
    # 024 (CV 7432/UBND-XD): "... Quyết định số 1074/QĐ-BXD ... . Quyết định có hiệu lực kể từ ngày ký và giao ..."
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 7432 /UBND-XD\nV/v triển khai thực hiện Quyết định số\n"
            "1074/QĐ-BXD ngày 29/6/2026 của Bộ Xây dựng\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nLào Cai, ngày 21 tháng 7 năm 2026\nKính gửi:\n- Công an tỉnh.\n"
            "Ngày 29/6/2026, Bộ trưởng Bộ Xây dựng ban hành Quyết định số 1074/QĐ-BXD về việc ban hành các giải "
            "pháp kỹ thuật. Quyết định có hiệu lực kể từ ngày ký và giao Ủy ban nhân dân các tỉnh chỉ đạo.\n")
    assert _header(text).effective_date.value is None


def test_name_alone_below_the_noi_nhan_list_of_a_scan():
    # 028's OCR lost "KT. BỘ TRƯỞNG / THỨ TRƯỞNG"; the name is still printed under the list
    tail = ("Thương đính kèm). tự“\nNơi nhận:\n- Như trên;\n- Bộ trưởng (đê b/c);\n- Cục Cảnh sát giao thông (để p/h);\n"
            "- Lưu: VT, ATMT.\nTrương Thanh Hoài\n")
    h = _header(SCAN_028 + tail)
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == ("Trương Thanh Hoài", None, None)


# --- forms of dev-b (issue 11): crawled, converted and OCR'd layouts; short synthetic texts, real values.

def _h(text: str):
    doc = Document(source_path="doc.txt", format="txt", text=text)
    seg = segment(doc)
    return header.extract(doc, seg, None), seg


BODY = "Sở Y tế đề nghị các đơn vị triển khai thực hiện nghiêm túc nội dung nêu trên.\n"


def test_crawled_header_number_vv_date_and_kinh_gui_on_shared_lines():
    # a law-site crawl: the V/v sits on the number's line, "Kính gửi:" on the place-date line
    text = ("SỞ Y TẾ TỈNH NAM ĐỊNH --------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ----------\n"
            "Số: 77/SYT-NVY V/v tăng cường công tác phòng chống dịch bệnh mùa hè\n"
            "Nam Định, ngày 12 tháng 5 năm 2023 Kính gửi:\n- Các bệnh viện tuyến tỉnh;\n- Trung tâm Y tế các huyện.\n"
            + BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT, NVY.\nKT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Lê Thị Hoa\n")
    h, seg = _h(text)
    assert h.number.value == "77/SYT-NVY"
    assert h.subject.value == "tăng cường công tác phòng chống dịch bệnh mùa hè"
    assert h.doc_type.value == "Công văn"
    assert (h.issue_date.value, h.issue_place.value) == ("2023-05-12", "Nam Định")
    assert h.issuer.value == "Sở Y tế tỉnh Nam Định"
    assert [r.value for r in h.recipients] == ["Các bệnh viện tuyến tỉnh", "Trung tâm Y tế các huyện"]
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == ("Lê Thị Hoa", "Phó Giám đốc",
                                                                                      "KT.")


def test_whole_header_on_one_long_line():
    text = ("ỦY BAN NHÂN DÂN TỈNH KON TUM ------- CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
            "--------------- Số: 435/QĐ-UBND Kon Tum, ngày 04 tháng 5 năm 2020 QUYẾT ĐỊNH V/V BAN HÀNH KẾ HOẠCH "
            "PHÒNG CHỐNG THIÊN TAI NĂM 2020 ỦY BAN NHÂN DÂN TỈNH KON TUM\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\n"
            "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng chống thiên tai năm 2020.\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\nNơi nhận:\n- Như Điều 2;\n- Lưu VT.\n"
            "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Hữu Tháp\n")
    h, _ = _h(text)
    assert (h.doc_type.value, h.number.value, h.issue_date.value, h.issue_place.value) == (
        "Quyết định", "435/QĐ-UBND", "2020-05-04", "Kon Tum")
    assert h.issuer.value == "Ủy ban nhân dân tỉnh Kon Tum"
    assert h.subject.value.casefold() == "ban hành kế hoạch phòng chống thiên tai năm 2020"
    assert h.effective_date.value == "2020-05-04"
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == ("Nguyễn Hữu Tháp",
                                                                                      "Phó Chủ tịch", "KT.")


def test_signature_title_list_glued_to_the_luu_line():
    # "- Lưu: ... (2b). Trung Anh BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng": drafter's name, title, signer on one line
    text = ("VĂN PHÒNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 2739/VPCP-ĐMDN\nV/v quản trị doanh nghiệp\nHà Nội, ngày 05 tháng 04 năm 2019\n"
            "Kính gửi: Bộ Kế hoạch và Đầu tư.\n" + BODY +
            "Nơi nhận:\n- Như trên;\n- Lưu: VT, ĐMDN (2b). Trung Anh BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng\n")
    h, _ = _h(text)
    assert (h.signer.name.value, h.signer.position.value.casefold(), h.signer.authority.value) == (
        "Mai Tiến Dũng", "bộ trưởng, chủ nhiệm", None)
    assert h.subject.value == "quản trị doanh nghiệp"


def test_deputy_title_on_the_mark_line_of_a_table_cell():
    # Markdown signature cell: "KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM     Nguyễn Sỹ Hiệp"
    text = ("VĂN PHÒNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 467/TB-VPCP\n*Hà Nội, ngày 14 tháng 10 năm 2024 *\nTHÔNG BÁO\nKết luận cuộc họp về thị trường các-bon\n"
            + BODY + "| *Nơi nhận:* - Như trên; - Lưu: VT. | KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM     Nguyễn Sỹ Hiệp |\n"
            "| --- | --- |\n")
    h = header.extract(*(lambda d: (d, segment(d)))(_md(text)), None)
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == ("Nguyễn Sỹ Hiệp",
                                                                                      "Phó Chủ nhiệm", "KT.")
    assert h.issue_place.value == "Hà Nội"


def _md(text: str) -> Document:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as f:
        f.write(text)
    return load(f.name)


def test_ocr_header_without_marks():
    # OCR that lost the marks: "TONG CUC THUE", "THONG BAO", "$6:" for "Số:"; the text spells the names
    text = ("Ký bởi: Tổng cục Thuế\nThời gian ký: 16.10.2024 15:12\n"
            "BO TÀI CHÍNH _ CONG HOA XÃ HOI CHỦ NGHIA VIỆT NAM\nTONG CUC THUE Độc lập — Tự do — Hạnh phúc\n"
            "$6:990/TB-TCT Hà Nội, ngày 14 tháng 10 năm 2024\nTHONG BAO\n"
            "Kết luận hội nghị giao ban tháng 10 năm 2024\n\n"
            "Ngày 04/10/2024, Tổng cục Thuế tổ chức Hội nghị giao ban; Bộ Tài chính chỉ đạo Tổng cục Thuế triển khai.\n")
    h, _ = _h(text)
    assert (h.doc_type.value, h.number.value, h.issue_date.value) == ("Thông báo", "990/TB-TCT", "2024-10-14")
    assert (h.issuer.value, h.issuer_parent.value) == ("Tổng cục Thuế", "Bộ Tài chính")
    assert h.subject.value == "Kết luận hội nghị giao ban tháng 10 năm 2024"


def test_unreadable_date_settled_by_dotted_esignature_stamp():
    text = ("Ký bởi: Tổng cục Thuế\nThời gian ký: 02.12.2022 16:53\n\nBỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "TỔNG CỤC THUẾ Độc lập - Tự do - Hạnh phúc\nSố: 4489 /TCT-TTKT Hà Nội, ngày ñ| tháng 42 năm 2022\n\n"
            "V/v tăng cường quản lý thuế\n\nKính gửi: Cục Thuế các tỉnh, thành phố.\n\n" + BODY)
    h, _ = _h(text)
    assert h.issue_date.value == "2022-12-02"
    assert h.subject.value == "tăng cường quản lý thuế"
    assert (h.issuer.value, h.issuer_parent.value) == ("Tổng cục Thuế", "Bộ Tài chính")


def test_ocr_parliament_header_and_title_alone_as_signature():
    text = ("QUOC HOI CONG HÒA XÃ HOI CHỦ NGHĨA VIET NAM\nNghị quyết số: 49/2017/QH14 Độc lập - Tự do - Hạnh phúc\n\n"
            "NGHỊ QUYẾT\nVề dự toán ngân sách nhà nước năm 2018\n\nQUỐC HỘI\n"
            "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n\nQUYẾT NGHỊ:\n"
            "Điều 1. Quốc hội giao Chính phủ tổ chức thực hiện dự toán.\n\n"
            "Nghị quyết này đã được Quốc hội nước Cộng hoà xã hội chủ nghĩa Việt Nam khoá XIV, kỳ họp thứ 4 thông qua "
            "ngày 13 tháng 11 năm 2017.\n\nCHỦ TỊCH QUOC HOI----\n")
    h, _ = _h(text)
    assert (h.issuer.value, h.number.value, h.issue_date.value) == ("Quốc hội", "49/2017/QH14", "2017-11-13")
    assert h.signer.position.value == "Chủ tịch Quốc hội" and h.signer.name.value is None


def test_html_tags_between_the_signature_lines_are_furniture():
    text = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nSố: 64/2024/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 07 tháng 11 năm 2024\nQUYẾT ĐỊNH\nBan hành định mức đào tạo\n"
            "QUYẾT ĐỊNH:\nĐiều 1. Ban hành định mức đào tạo.\nNơi nhận:\n- Như Điều 3;\n- Lưu: VT.\n\n<div align=\"right\">\n\n"
            "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n"
            "<img src=\"https://example.org/png.image?\\dpi{110} \\text{(dấu đỏ)}\" title=\"(dấu đỏ)\"/>\n\nVũ Thu Hà\n\n</div>\n")
    h, _ = _h(text)
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == ("Vũ Thu Hà", "Phó Chủ tịch",
                                                                                      "KT.")


def test_subject_marks_settled_by_the_running_text():
    text = ("BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỔNG CỤC THUẾ Độc lập - Tự do - Hạnh phúc\n"
            "Số: 4489/TCT-TTKT Hà Nội, ngày 02 tháng 12 năm 2022\n\nV/v quản lý thuế đổi với hộ kinh đoanh trên sản TMĐT.\n\n"
            "Kính gửi: Cục Thuế các tỉnh, thành phố.\n\nTổng cục Thuế đề nghị tăng cường quản lý thuế đối với hộ kinh "
            "doanh trên sàn thương mại điện tử; rà soát hộ kinh doanh trên sàn giao dịch và hộ kinh doanh trên sản "
            "phẩm số.\n")
    h, _ = _h(text)
    assert h.subject.value == "quản lý thuế đối với hộ kinh doanh trên sàn TMĐT"


def test_junk_is_never_the_subject():
    stamp = ("Kỹ bot: Văn phòng Bộ\nCổ quan: 28 Tren\n\nBỘ NGOẠI GIAO CONG HOA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
             ". Độc lập - Tự do - Hạnh phúc\nSố: OTERO TS\n\nTrong thời gian qua các cơ quan đã phối hợp thực hiện tốt "
             "các nhiệm vụ được giao trong năm.\n")
    assert _h(stamp)[0].subject.value is None
    listed = ("VĂN PHÒNG CHÍNH PHỦ\n\n1. Rà soát việc kê thêm giường bệnh tại các cơ sở khám chữa bệnh\n"
              "- Đối với các cơ sở đã đầu tư mở rộng quy mô hoạt động.\n")
    assert _h(listed)[0].subject.value is None
    dated = "——; /CT- a Nội, ngà ing 3 năm 2\n\nVới sự vào cuộc quyết liệt của cả hệ thống chính trị.\n"
    assert _h(dated)[0].subject.value is None


def test_vv_subject_wrapping_over_a_cited_number_in_pdftotext_columns():
    text = ("  ỦY BAN NHÂN DÂN                       CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "    TỈNH LÀO CAI                              Độc lập - Tự do - Hạnh phúc\n"
            " Số:   4390     /UBND-NLN                  Lào Cai, ngày 27 tháng 5 năm 2026\n"
            "V/v tổ chức triển khai thực hiện\nNghị định số 180/2026/NĐ-CP\nngày 21/5/2026 của Chính phủ\n"
            "                   Kính gửi: Các sở, ban, ngành cấp tỉnh.\n"
            "       Thực hiện Nghị định số 180/2026/NĐ-CP ngày 21/5/2026 của Chính phủ, Chủ tịch Ủy ban nhân dân tỉnh giao "
            "các sở triển khai.\n")
    doc = load(_tmp(text))
    h = header.extract(doc, segment(doc), None)
    assert h.subject.value == "tổ chức triển khai thực hiện Nghị định số 180/2026/NĐ-CP ngày 21/5/2026 của Chính phủ"


def test_motto_word_wrapped_in_the_right_column_is_not_part_of_the_issuer():
    text = ("UBND TỈNH LÀO CAI                  CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\n"
            "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP                 NAM\n"
            "                                   Độc lập - Tự do - Hạnh phúc\n"
            "Số: 7 /QĐ-BQLCKCN                  Lào Cai, ngày 15 tháng 01 năm 2026\n\nQUYẾT ĐỊNH\n"
            "Về việc thành lập Hội đồng thẩm định\n\nCăn cứ Luật Đầu tư ngày 17 tháng 6 năm 2020;\n")
    doc = load(_tmp(text))
    h = header.extract(doc, segment(doc), None)
    assert (h.issuer.value, h.issuer_parent.value) == ("Ban Quản lý các khu công nghiệp tỉnh Lào Cai",
                                                        "Ủy ban nhân dân tỉnh Lào Cai")


def _tmp(text: str, suffix: str = ".txt") -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False, encoding="utf-8") as f:
        f.write(text)
    return f.name


def test_effective_and_issue_dates_of_an_adoption_or_adjustment_line():
    resolution = ("NGHỊ QUYẾT\nVề chất vấn tại kỳ họp thứ năm\n\nĐiều 1. Hội đồng nhân dân tỉnh tán thành báo cáo.\n"
                  "Nghị quyết này đã được Hội đồng nhân dân tỉnh Bà\nRịa–Vũng Tàu khóa VI, kỳ họp thứ năm thông qua ngày 13 "
                  "tháng 7 năm 2017 và có\nhiệu lực kể từ ngày 13 tháng 7 năm 2017./.\n")
    h, _ = _h(resolution)
    assert (h.issue_date.value, h.effective_date.value) == ("2017-07-13", "2017-07-13")
    decision = ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI           CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP                Độc lập - Tự do - Hạnh phúc\n\n     Số: 257 /QĐ-BQLCKCN\n\n"
                "   QUYẾT ĐỊNH CHẤP THUẬN ĐIỀU CHỈNH CHỦ TRƯƠNG ĐẦU TƯ\n       (cấp lần đầu: ngày 31 tháng 7 năm 2020)\n"
                "       (điều chỉnh lần thứ 03: ngày 10 tháng 9 năm 2026)\n\nCăn cứ Luật Đầu tư ngày 17 tháng 6 năm 2020;\n"
                "QUYẾT ĐỊNH:\nĐiều 1. Chấp thuận điều chỉnh chủ trương đầu tư.\nĐiều 3. Điều khoản thi hành\n"
                "1. Quyết định chấp thuận điều chỉnh chủ trương đầu tư lần này có hiệu lực kể từ ngày ký.\n")
    doc = load(_tmp(decision))
    h = header.extract(doc, segment(doc), None)
    assert (h.issue_date.value, h.effective_date.value) == ("2026-09-10", "2026-09-10")


def test_place_without_marks_takes_the_province_spelling():
    text = ("BỘ TÀI CHÍNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỔNG CỤC THUẾ Độc lập - Tự do - Hạnh phúc\n"
            "Số: 990/TB-TCT Hà Noi, ngay 14 thang 10 nam 2024\nTHÔNG BÁO\nKết luận hội nghị giao ban\n\n" + BODY)
    assert _h(text)[0].issue_place.value == "Hà Nội"


# --- the same header in other layouts (`vanban eval --variants`): one test per form

def _txt(text: str):
    doc = Document(source_path="x.txt", format="txt", text=text)
    seg = segment(doc)
    return seg, header.extract(doc, seg, None)


def _md_file(tmp_path, text: str):
    f = tmp_path / "x.md"
    f.write_text(text, "utf-8")
    doc = load(f)
    seg = segment(doc)
    return seg, header.extract(doc, seg, None)


def test_header_typed_without_marks_takes_the_running_texts_spelling():
    seg, h = _txt("UY BAN NHAN DAN\nTINH BAC KAN\n\nCONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lap - Tu do - Hanh phuc\n"
                  "So: 15/QD-UBND\nBac Kan, ngay 02 thang 3 nam 2021\n\nQUYET DINH\n"
                  "Ve viec giao chi tieu nang cao chat luong dich vu\n\n"
                  "Căn cứ đề nghị của Sở Nội vụ;\nỦy ban nhân dân tỉnh Bắc Kạn quyết định giao chỉ tiêu nâng cao "
                  "chất lượng dịch vụ công; Quyết định số 9/QĐ-UBND.\n")
    assert h.number.value == "15/QĐ-UBND"  # the code as the text spells it
    assert h.issuer.value == "Ủy ban nhân dân tỉnh Bắc Kạn"
    assert h.doc_type.value == "Quyết định"
    assert h.issue_place.value == "Bắc Kạn"
    assert h.subject.value.casefold() == "giao chỉ tiêu nâng cao chất lượng dịch vụ"


def test_header_without_marks_two_bodies_and_a_number_line_in_capitals():
    seg, h = _txt("UBND TINH BAC KAN\nSO NOI VU\n\nCONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lap - Tu do - Hanh phuc\n"
                  "So: 7/SNV\nBac Kan, ngay 02 thang 3 nam 2021\n\nV/v cu can bo\n\nKính gửi: Các phòng.\n"
                  "Sở Nội vụ cử cán bộ.\n")
    assert h.issuer_parent.value == "Ủy ban nhân dân tỉnh Bắc Kạn"
    assert h.issuer.value.startswith("Sở Nội vụ")


def test_flattened_header_splits_at_the_motto_and_keeps_place_names_whole():
    seg, h = _txt("UBND TỈNH BẮC KẠN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM SỞ NỘI VỤ Độc lập - Tự do - Hạnh Phúc "
                  "Số: 7/SNV Thành phố Bắc Kạn, ngày 02 tháng 3 năm 2021\nV/v cử cán bộ\n\nKính gửi: Các phòng.\n")
    cells = [c.text for c in seg.header_cells]
    assert "SỞ NỘI VỤ" in cells and "Thành phố Bắc Kạn, ngày 02 tháng 3 năm 2021" in cells
    assert h.issuer_parent.value == "Ủy ban nhân dân tỉnh Bắc Kạn"
    seg, _ = _txt("BỘ NỘI VỤ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh Phúc Hà Nội, ngày 02 tháng 3 "
                  "năm 2021 Số: 7/BNV\nV/v cử cán bộ\n\nKính gửi: Các Sở.\n")
    assert "Hà Nội, ngày 02 tháng 3 năm 2021" in [c.text for c in seg.header_cells]  # not "Hà" | "Nội, ngày"


def test_flattened_type_line_with_the_subject_on_it():
    _, h = _txt("BỘ NỘI VỤ\nSố: 7/QĐ-BNV\nHà Nội, ngày 02 tháng 3 năm 2021\n"
                "QUYẾT ĐỊNH Kiện toàn Tổ công tác cải cách hành chính\n\nCăn cứ Luật Tổ chức Chính phủ;\n"
                "QUYẾT ĐỊNH:\nĐiều 1. Kiện toàn Tổ công tác.\n")
    assert h.doc_type.value == "Quyết định"
    assert h.subject.value == "Kiện toàn Tổ công tác cải cách hành chính"


def test_flattened_signature_and_noi_nhan_on_one_line():
    _, h = _txt("BỘ NỘI VỤ\nSố: 7/BNV\nHà Nội, ngày 02 tháng 3 năm 2021\nV/v cử cán bộ\n\nKính gửi: Các Sở.\n\n"
                "Bộ Nội vụ đề nghị các Sở cử cán bộ tham dự.\n\n"
                "Nơi nhận: KT. BỘ TRƯỞNG - Như trên; - Lãnh đạo Bộ (b/c); THỨ TRƯỞNG - Các Vụ; - Lưu: VT, TCCB. "
                "Trần Văn Bình\n")
    assert (h.signer.authority.value, h.signer.position.value, h.signer.name.value) == ("KT.", "Thứ trưởng",
                                                                                         "Trần Văn Bình")


def test_signature_in_one_pipe_cell_with_a_signing_note(tmp_path):
    _, h = _md_file(tmp_path, "BỘ NỘI VỤ\nSố: 7/BNV\nHà Nội, ngày 02 tháng 3 năm 2021\nV/v cử cán bộ\n\nKính gửi: Các Sở.\n\n"
                "Bộ Nội vụ đề nghị các Sở cử cán bộ tham dự.\n\n"
                "| *Nơi nhận:* - Như trên; - Lưu: VT. | **KT. CHÁNH VĂN PHÒNG** **PHÓ CHÁNH VĂN PHÒNG** **Đã ký** "
                "**Trần Văn Bình** |\n| --- | --- |\n")
    assert (h.signer.authority.value, h.signer.name.value) == ("KT.", "Trần Văn Bình")
    assert h.signer.position.value.casefold() == "phó chánh văn phòng"


def test_pipe_cell_holding_parent_and_issuer(tmp_path):
    _, h = _md_file(tmp_path, "| SỞ NỘI VỤ ĐOÀN KIỂM TRA | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |\n"
                "| --- | --- |\n| Số: 7/KH-ĐKT | Bắc Kạn, ngày 02 tháng 3 năm 2021 |\n\nKẾ HOẠCH\nKiểm tra công vụ\n\n"
                "I. MỤC ĐÍCH\n1. Kiểm tra.\n")
    assert h.issuer_parent.value == "Sở Nội vụ"
    assert h.issuer.value.casefold().startswith("đoàn kiểm tra")


# --- OCR'd signing titles, damaged subjects and type lines, pdftotext columns, names printed twice


def test_signing_title_read_up_to_its_marks_and_one_letter():
    from pipeline.segment import fuzzy_title

    assert fuzzy_title("THỦ TƯỞNG") == "THỦ TƯỚNG"
    assert fuzzy_title("PHO VU TRUONG") == "PHÓ VỤ TRƯỞNG"
    assert fuzzy_title("THU TUOMG") == "THỦ TƯỚNG"  # one letter off in a long word
    assert fuzzy_title("GIÁM ĐỐC") == "GIÁM ĐỐC"
    assert fuzzy_title("VŨ TRƯỜNG GIANG") is None and fuzzy_title("Thủ tướng") is None
    assert fuzzy_title("CHU TlCH") is None  # short words must match without their marks


_BODY = ("BỘ NỘI VỤ\nSố: 7/BNV\nHà Nội, ngày 02 tháng 3 năm 2021\nV/v cử cán bộ\n\nKính gửi: Các Sở.\n\n"
         "Bộ Nội vụ đề nghị các Sở cử cán bộ tham dự.\n\n")


def test_ocr_title_printed_at_the_end_of_a_noi_nhan_line():
    _, h = _txt(_BODY + "Noi nhận: THỦ TƯỞNG\n- Như trên;\n\n- Lưu: VT, TCCB.\n\nš Zuyến Xuân\n")
    assert h.signer.position.value == "Thủ tướng"
    _, h = _txt(_BODY + "Not nhận: TL. BỘ TRUONG\n- Ủy ban Đối ngoại Quốc hội (để b/c); KT. VU TRUONG\n"
                "= Văn phòng Chủ tịch nước (để b/c); VỤ LUẬT PHÁP\n- Phòng Công báo (Văn phòng Chính phủ): PHO VU TRUONG\n"
                "- Lưu: VT.\n")
    assert (h.signer.authority.value, h.signer.position.value) == ("KT.", "Phó Vụ trưởng")


def test_subject_word_broken_by_ocr_taken_from_the_texts_restatement():
    text = ("BỘ TÀI CHÍNH\nTỔNG CỤC THUẾ\nSố: 990/TB-TCT\nHà Nội, ngày 14 tháng 10 năm 2024\nTHÔNG BÁO\n\n"
            "V/v triển khai các nhiệm vụ, công tác trong (âm tháng 10, quý IV năm 2024\n\n"
            "Tổng cục Thuế thông báo kế hoạch triển khai các nhiệm vụ, công tác trọng tâm tháng 10, quý IV năm 2024 "
            "như sau:\n\n1. Các nhiệm vụ trọng tâm năm 2025 được báo cáo.\n")
    _, h = _txt(text)
    assert h.subject.value == "triển khai các nhiệm vụ, công tác trọng tâm tháng 10, quý IV năm 2024"
    # a restatement that differs in a number is another period, not a repair
    _, h = _txt(text.replace("trọng tâm tháng 10", "trong tâm tháng 11"))
    assert h.subject.value == "triển khai các nhiệm vụ, công tác trong (âm tháng 10, quý IV năm 2024"


def test_type_line_opened_by_stamp_debris_and_subject_after_a_stamp_number():
    _, h = _txt("THỦ TƯỚNG CHÍNHPHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
                "CONG THONG TIN 41 /CT-TTg Hà Nội, ngày 04 tháng 3 năm 2020\n\nDEN i: : _¬ CHỈ THỊ\n\n"
                "Ig-Q612/2G20 -| Về các nhiệm vụ, giải pháp tháo gỡ khó khăn cho\n\nsản xuất kinh doanh\n\n"
                "Với sự vào cuộc quyết liệt của cả hệ thống chính trị, công tác phòng, chống dịch đã đạt kết quả.\n")
    assert h.doc_type.value == "Chỉ thị"
    assert h.subject.value == "Về các nhiệm vụ, giải pháp tháo gỡ khó khăn cho sản xuất kinh doanh"
    assert h.issuer.value == "Thủ tướng Chính phủ"  # the lost space restored; the number line is not its name


def test_junk_before_a_type_name_needs_debris_not_words():
    from pipeline.segment import _junk_type_at

    assert _junk_type_at("DEN i: : _¬ CHỈ THỊ") == 12
    assert _junk_type_at("a) QUYẾT ĐỊNH") is None and _junk_type_at("Về việc QUYẾT ĐỊNH") is None


def test_pdftotext_issuer_cut_by_the_column_and_motto_wrapped(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("       UBND TỈNH LÀO CAI\n"
                 "                                             CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                 "     SỞ NÔNG NGHIỆP VÀ MÔI\n"
                 "                                                   Độc lập - Tự do - Hạnh Phúc\n"
                 "              TRƯỜNG\n"
                 "       Số: 5141 /SNNMT-KS                        Lào Cai, ngày 29 tháng 12 năm 2025\n"
                 "V/v thống kê sản lượng khai thác\n\nKính gửi: Các tổ chức khai thác khoáng sản.\n\n"
                 "Sở đề nghị các tổ chức báo cáo.\n", "utf-8")
    doc = load(f)
    h = header.extract(doc, segment(doc), None)
    assert h.issuer.value == "Sở Nông nghiệp và Môi trường tỉnh Lào Cai"
    f.write_text("   UỶ BAN NHÂN                CỘNG HOÀ XÃ HỘI CHỦ NGHĨA\n"
                 "       DÂN                            VIỆT NAM\n"
                 "   TỈNH LÀO CAI                 Độc lập - Tự do - Hạnh phúc\n\n"
                 "Số: 12/UBND-KT             Lào Cai, ngày 10 tháng 9 năm 2025\n"
                 "V/v tham mưu uỷ quyền\n\nKính gửi: Sở Công Thương.\n\nỦy ban nhân dân tỉnh giao Sở tham mưu.\n",
                 "utf-8")
    doc = load(f)
    assert header.extract(doc, segment(doc), None).issuer.value == "Ủy ban nhân dân tỉnh Lào Cai"


def test_issuer_printed_twice_in_one_cell(tmp_path):
    _, h = _md_file(tmp_path, "| BỘ KẾ HOẠCH VÀ ĐẦU TƯ BỘ KẾ HOẠCH VÀ ĐẦU TƯ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
                    "Độc lập - Tự do - Hạnh phúc |\n| --- | --- |\n| Số: 1373/QĐ-BKHĐT | *Hà Nội, ngày 29 tháng 7 năm 2022* |"
                    "\n\n**QUYẾT ĐỊNH**\nVề việc đính chính Thông tư\n\nCăn cứ Luật Đầu tư;\n\nQUYẾT ĐỊNH:\n\n"
                    "Điều 1. Đính chính.\n")
    assert h.issuer.value == "Bộ Kế hoạch và Đầu tư"


def test_subject_without_marks_takes_the_languages_word_over_the_texts_syllables():
    # a header typed without marks whose subject holds words the running text never prints ("nang cao",
    # "cu the"): the language's word wins over the syllables as the text spells them elsewhere ("năng", "cáo")
    text = ("UY BAN NHAN DAN\nTINH QUANG NAM\nCONG HOA XA HOI CHU NGHIA VIET NAM\nDoc lap - Tu do - Hanh phuc\n"
            "So: 12/UBND-KT\nQuang Nam, ngay 10 thang 9 nam 2025\nV/v nang cao hieu qua va quy dinh cu the\n\n"
            "Kính gửi: Sở Công Thương.\n\nCác đơn vị có năng lực báo cáo kết quả; căn cứ báo cáo, "
            "Sở tổng hợp báo cáo về hiệu quả công tác.\n")
    h = _header(text)
    assert h.subject.value == "nâng cao hiệu quả và quy định cụ thể"


def test_signature_read_across_a_flattened_noi_nhan_line():
    # the signature column and the "Nơi nhận" list joined onto one line, row by row: a title alone after the
    # label, a title row before an item in capitals, a title row inside a wrapped item, "T/M." after the label
    body = ("UBND TỈNH LÀO CAI\nSỞ CÔNG THƯƠNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 12/KH-SCT\nLào Cai, ngày 10 tháng 9 năm 2025\nKẾ HOẠCH\nKiểm tra vật liệu nổ công nghiệp\n\n"
            "Sở Công Thương xây dựng kế hoạch kiểm tra.\n\n")
    h = _header(body + "Nơi nhận: GIÁM ĐỐC - UBND tỉnh (để báo cáo); - Như Điều 5; - Lưu: VT, CN. Hoàng Chí Hiền\n")
    assert (h.signer.name.value, h.signer.position.value) == ("Hoàng Chí Hiền", "Giám đốc")
    h = _header(body + "Nơi nhận: KT. GIÁM ĐỐC - Như trên; - UBND tỉnh (b/c); PHÓ GIÁM ĐỐC - UBND các xã (p/h); "
                "- Lưu: VT, KS. Phạm Năng Chung\n")
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == (
        "Phạm Năng Chung", "Phó Giám đốc", "KT.")
    h = _header(body + "Nơi nhận: T/M. ĐOÀN KIỂM TRA - Giám đốc Sở (để báo cáo); - Văn phòng Sở (Bố trí kinh phí, "
                "phương TRƯỞNG ĐOÀN tiện Phục vụ Đoàn kiểm tra); - Lưu: VT, CN. Hoàng Văn Thuân\n")
    assert (h.signer.name.value, h.signer.position.value, h.signer.authority.value) == (
        "Hoàng Văn Thuân", "Trưởng đoàn", "TM.")


def test_flattened_header_number_after_the_motto_and_its_rule():
    text = ("THỦ TƯỚNG CHÍNH PHỦ -------- CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
            "---------------- Số: 07/CT-TTg | Hà Nội, ngày 02 tháng 03 năm 2012\n"
            "CHỈ THỊ VỀ VIỆC CHẤN CHỈNH CÔNG TÁC QUẢN LÝ CÁC KHU KINH TẾ\n"
            "Trong thời gian qua, các khu kinh tế đã góp phần phát triển.\n")
    h = _header(text)
    assert (h.number.value, h.issue_date.value) == ("07/CT-TTg", "2012-03-02")


def test_flattened_header_subject_after_a_blank_date():
    text = ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
            "Số: /UBND-KT | | Lào Cai, ngày tháng năm 2025 V/v tham mưu ủy quyền thủ tục kiểm tra | |\n\n"
            "Kính gửi:\n- Sở Công Thương;\n- Sở Tư pháp.\n\nGiao Sở Công Thương chủ trì tham mưu.\n\n"
            "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thành Sinh\n")
    assert _header(text).subject.value == "tham mưu ủy quyền thủ tục kiểm tra"


def test_web_page_owner_on_a_flattened_head_line():
    text = ("Truy cập nội dung luôn\n\nSở công thương Bình dương Binh duong department of Industry and trade "
            "Thứ hai, ngày 3 tháng 2 năm 2018\n\nHội nghị công tác khuyến công các tỉnh năm 2018 tại Phú Yên\n\n"
            "Chiều ngày 11/7/2018, Cục Công thương địa phương tổ chức Hội nghị.\n")
    assert _header(text).issuer.value.casefold() == "sở công thương tỉnh bình dương"


def test_ocr_two_columns_read_line_by_line_wrap_the_motto_into_the_body_name():
    # Tesseract reads the two header columns as one line each: the motto's last words land after the left
    # column's next line, the province's mark is misread, and the date's year wraps below the number line
    h = _header("ỦY BAN NHÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\n\n„_ DÂN NAM\n"
                "TĨNH LÀO CAI Độc lập - Tự do - Hạnh phúc\nSố: /QĐ- Lào Cai, ngày tháng năm\nUBND 2025\n"
                "QUYẾT ĐỊNH\n\nVề việc ủy quyền thực hiện một số nhiệm vụ\n\nĐiều 1. Ủy quyền cho Sở Công Thương.\n")
    assert h.issuer.value == "Ủy ban nhân dân tỉnh Lào Cai"


def test_ocr_department_head_word_with_misread_marks_and_a_cut_name():
    h = _header(". UBND TỈNH LÀO CAI _\nSƠ NÓNG NGHIỆP VÀ MỖI\nTRƯƠNG\n"
                "Số: 5141 /SNNMT-KS Lào Cai, ngày 29 tháng 12 năm 2025\nV/v quản lý khoáng sản\n\n"
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh Phúc\n\n"
                "Kính gửi: Các tổ chức khai thác khoáng sản\n\nSở Nông nghiệp và Môi trường đề nghị các tổ chức thực hiện.\n")
    assert (h.issuer_parent.value, h.issuer.value) == (
        "Ủy ban nhân dân tỉnh Lào Cai", "Sở Nông nghiệp và Môi trường tỉnh Lào Cai")


def test_ocr_signature_read_beside_the_noi_nhan_list():
    # the signature column at the ends of the list's lines; names in the list before it are not the signer
    text = ("BỘ CÔNG THƯƠNG\nSố: 12/BCT-CN\nV/v triển khai chương trình khuyến công\n\n"
            "Kính gửi: Ủy ban nhân dân các tỉnh\n\nĐề nghị các tỉnh triển khai thực hiện.\n\n"
            "Nơi nhận:\n- Như trên;\n- Đ/c Đinh Văn Khiết;\n- Văn phòng Chính phủ; KT. BỘ TRƯỞNG\n"
            "- Bộ trưởng (để b/c); THỨ TRƯỞN G\n\n- Sở Công Thương các tỉnh; Nguyên Văn Bình\n- Lưu: VT, CNĐP.\n")
    s = _header(text).signer
    assert (s.authority.value, s.position.value, s.name.value) == ("KT.", "Thứ trưởng", "Nguyễn Văn Bình")


def test_ocr_comma_inside_a_name_of_the_subject():
    from extractors.header import _settle_ocr_commas

    text = ("Về việc Ủy quyền cho Giám đốc Sở Công, Thương thực hiện\n\nĐiều 1. Giám đốc Sở Công Thương chủ trì."
            "\nĐiều 2. Sở Công Thương báo cáo.")
    subject = "Ủy quyền cho Giám đốc Sở Công, Thương thực hiện"
    span = (8, 8 + len(subject))
    assert _settle_ocr_commas(text, subject, span) == "Ủy quyền cho Giám đốc Sở Công Thương thực hiện"
    # a list of names the text never prints side by side keeps its commas
    assert _settle_ocr_commas(text, "các tỉnh Lào Cai, Yên Bái", (0, 0)) == "các tỉnh Lào Cai, Yên Bái"


def test_ocr_of_an_italic_vv_opens_the_subject():
    h = _header("BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nCỤC HÓA CHẤT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
                "Số: 597/HC-QLHC Hà Nội, ngày 27 tháng 3 năm 2026\nV⁄% cấp Giấy phép xuất khẩu, nhập khẩu\n"
                "hóa chất cần kiểm soát đặc biệt\n\nKính gửi: Sở Công Thương tỉnh Quảng Ngãi\n\nTrả lời Công văn.\n")
    assert h.subject.value == "cấp Giấy phép xuất khẩu, nhập khẩu hóa chất cần kiểm soát đặc biệt"
    assert h.issuer.value == "Cục Hóa chất"


def test_place_and_date_below_the_motto_after_the_kinh_gui_list():
    # a scan read by columns: the left column (body, number, V/v, Kính gửi) first, then the right one
    h = _header("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 5973 /UBND-KT\nV/v tăng cường công tác quản lý khoáng sản\n"
                "Kính gửi:\n- Các Sở, ban, ngành thuộc UBND tỉnh;\n- Công an tỉnh.\n"
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nLào Cai, ngày 11 tháng 6 năm 2026\n"
                "Thực hiện Văn bản số 4250/BNNMT-ĐCKS ngày 29/4/2026 của Bộ Nông nghiệp và Môi trường.\n")
    assert (h.issue_date.value, h.issue_place.value) == ("2026-06-11", "Lào Cai")


def test_title_in_capitals_glued_to_the_enacting_body_by_a_scans_column_reading():
    h = _header("CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                "Số: 04/NQ-CP Hà Nội, ngày 09 tháng 01 năm 2026\nNGHỊ QUYẾT\n"
                "VỀ VIỆC CÔNG BỐ NGHỊ ĐỊNH CỦA CHÍNH PHỦ QUY ĐỊNH CHẾ ĐỘ\n"
                "QUẢN LÝ NGÂN QUỸ NHÀ NƯỚC TIẾP TỤC CÓ HIỆU LỰC CHÍNH PHỦ\n"
                "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\nQUYẾT NGHỊ:\n"
                "Điều 1. Công bố Nghị định số 24/2016/NĐ-CP của Chính phủ quy định chế độ quản lý ngân quỹ nhà nước.\n")
    assert h.subject.value == ("công bố Nghị định của Chính phủ quy định chế độ quản lý ngân quỹ nhà nước tiếp tục có "
                               "hiệu lực")
