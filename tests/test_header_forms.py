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
    assert h.subject.value == "triên khai thực hiện thủ tục câp Giấy phép vận chuyền hàng hóa nguy hiêm loại 1,2,3,4.9"
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
