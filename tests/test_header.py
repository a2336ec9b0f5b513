"""Header fields read from real documents of each type in the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import header
from extractors.bodies import with_province
from pipeline.ingest import load
from pipeline.segment import segment

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


def _header(name: str):
    path = next((DOCS).glob(f"*/{name}*.txt"))
    doc = load(path)
    return doc, header.extract(doc, segment(doc), None)


CASES = {
    # Quyết định: "|"-separated cells of an HTML copy, KT. signature
    "004_9789b1cfca0ebaa2": dict(doc_type="Quyết định", number="2211/QĐ-UBND", issue_date="2016-08-03",
                                 issue_place="An Giang", issuer="Ủy ban nhân dân tỉnh An Giang",
                                 effective_date="2016-08-03", name="Lê Văn Nưng", position="Phó Chủ tịch",
                                 authority="KT."),
    # Chỉ thị: DOCX rows joined with " | ", no authority mark
    "008_sct_CT-07-2012": dict(doc_type="Chỉ thị", number="07/CT-TTg", issue_date="2012-03-02",
                               issuer="Thủ tướng Chính phủ", name="Nguyễn Tấn Dũng", position="Thủ tướng",
                               authority=None),
    # Thông báo kết luận without a printed header: the issuer stays empty, the signature is still read
    "000_caf423fad9b79039": dict(doc_type="Thông báo", number=None, name="Văn Anh Tuấn",
                                 position="Phó Chánh văn phòng", authority="KT."),
    # Công văn: two-column PDF text, parent body over the department
    "014_sct_CV-5141": dict(doc_type="Công văn", number="5141/SNNMT-KS", issue_date="2025-12-29",
                            issuer="Sở Nông nghiệp và Môi trường tỉnh Lào Cai",
                            issuer_parent="Ủy ban nhân dân tỉnh Lào Cai", name="Phạm Năng Chung",
                            position="Phó Giám đốc", authority="KT."),
    # Kế hoạch of an inspection team ("T/M. ĐOÀN KIỂM TRA" beside "Nơi nhận")
    "020_sct_KH-1105": dict(doc_type="Kế hoạch", number="1105/KH-ĐKT", issue_date="2026-03-10",
                            issuer_parent="Sở Công Thương", name="Hoàng Văn Thuân", position="Trưởng đoàn",
                            authority="TM."),
    # Nghị quyết: "TM. CHÍNH PHỦ / KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG", authority glued to the subject
    "056_vbpl_doc_000049": dict(doc_type="Nghị quyết", number="13/NQ-CP", issue_date="2026-01-16",
                                issuer="Chính phủ", effective_date="2026-01-16", name="Hồ Đức Phớc",
                                position="Phó Thủ tướng", authority="KT."),
    # Báo cáo draft: blank number and date, recipients after "Kính gửi:"
    "003_sct_BC-UBND": dict(doc_type="Báo cáo", number=None, issue_date=None, issue_place="Lào Cai",
                            issuer="Ủy ban nhân dân tỉnh Lào Cai", name="Nguyễn Thành Sinh"),
    # Giấy phép: type name and subject on one line, validity "kể từ ngày ký"
    "023_sct_GP-2507": dict(doc_type="Giấy phép", number="2507/GP-UBND", issue_date="2026-07-21",
                            effective_date="2026-07-21", name="Nguyễn Thành Sinh", position="Phó Chủ tịch"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_header_values(name):
    _, h = _header(name)
    want = CASES[name]
    got = {
        "doc_type": h.doc_type.value, "number": h.number.value, "issue_date": h.issue_date.value,
        "issue_place": h.issue_place.value, "issuer": h.issuer.value, "issuer_parent": h.issuer_parent.value,
        "effective_date": h.effective_date.value, "name": h.signer.name.value,
        "position": h.signer.position.value, "authority": h.signer.authority.value,
    }
    for key, value in want.items():
        assert got[key] == value, key


def test_values_point_at_their_text():
    doc, h = _header("014_sct_CV-5141")
    assert doc.text[h.number.start:h.number.end].replace(" ", "") == "5141/SNNMT-KS"
    assert "Phạm Năng Chung" == doc.text[h.signer.name.start:h.signer.name.end]
    assert h.number_parts.serial == "5141" and h.number_parts.issuer_code == "SNNMT-KS"


def test_subject_in_normal_case_without_vv():
    _, h = _header("014_sct_CV-5141")
    assert h.subject.value == ("quản lý, thống kê, kê khai và báo cáo sản lượng, kết quả khai thác, "
                               "thu hồi khoáng sản")
    _, h = _header("023_sct_GP-2507")
    assert h.subject.value == "Sử dụng vật liệu nổ công nghiệp"


def test_recipients_in_order():
    _, h = _header("003_sct_BC-UBND")
    assert [r.value for r in h.recipients] == ["Bộ Nông nghiệp và Môi trường", "Bộ Công Thương", "Bộ Xây dựng"]


def test_ocr_number_and_date():
    # "Số: II /2026/QĐ-UBND Lào Cai, ngày 29 ..." on one OCR line: serial read as 11, lower confidence
    _, h = _header("019_sct_QD-11-2026")
    assert h.number.value == "11/2026/QĐ-UBND" and h.number.confidence < 1
    assert h.issue_date.value == "2026-01-29"
    assert h.doc_type.value == "Quyết định" and h.doc_type.confidence < 1  # "QUYÉT ĐỊNH"


def test_esignature_stamp_gives_date_when_header_is_missing():
    _, h = _header("051_congbao")
    assert h.issue_date.value == "2026-05-08" and h.issue_date.confidence < 1
    assert h.issuer.value == "Chính phủ"


def test_number_parts():
    assert header.parse_number("11/2021/NQ-HĐND")[1] == header.NumberParts("11", 2021, "NQ", "HĐND")
    assert header.parse_number("02-NQ/TU")[1] == header.NumberParts("02", None, "NQ", "TU")
    assert header.parse_number("15/UBND-VP")[1] == header.NumberParts("15", None, None, "UBND-VP")
    assert header.parse_number("/KH-UBND") is None


def test_department_with_bare_place():
    assert with_province("Sở Công Thương Phú Yên") == "Sở Công Thương tỉnh Phú Yên"
    assert with_province("Sở Công Thương tỉnh Phú Yên") == "Sở Công Thương tỉnh Phú Yên"


def _damaged(name: str, *edits: tuple[str, str]):
    """A real corpus text with OCR-style damage put into it, read as the pipeline reads a .txt."""
    from pipeline.document import Document
    from pipeline.normalise import normalise

    doc = load(next(DOCS.glob(f"*/{name}*.txt")))
    raw = doc.raw_text
    for old, new in edits:
        assert old in raw, old
        raw = raw.replace(old, new, 1)
    text, offsets = normalise(raw)
    doc = Document(doc.source_path, "txt", text=text, raw_text=raw, offsets=offsets)
    return doc, header.extract(doc, segment(doc), None)


def test_ocr_damage_settled_or_left_empty():
    _, h = _damaged("008_sct_CT-07-2012", ("Số: 07/CT-TTg", "Số: 07 /CT-TTs"),
                    ("ngày 02 tháng 03 năm 2012", "ngàu 02 tháng OF năm 2012"), ("CHỈ THỊ\n", "CHỈ THI\n"))
    # the Prime Minister's code is TTg; the type line is one letter off; the month cannot be read
    assert (h.number.value, h.doc_type.value, h.issue_date.value) == ("07/CT-TTg", "Chỉ thị", None)
    assert h.number.confidence < 1 and h.doc_type.confidence < 1


def test_one_ocr_line_holding_both_header_columns():
    _, h = _damaged("022_sct_TB-1894", (
        "  UBND TỈNH LÀO CAI             CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n SỞ CÔNG THƯƠNG ",
        "UBND TỈNH LÀO CAI SỞ CÔNG THƯƠNG CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"))
    assert h.issuer.value == "Sở Công Thương tỉnh Lào Cai"
    assert h.issuer_parent.value == "Ủy ban nhân dân tỉnh Lào Cai"


def test_signer_name_in_capitals_checked_by_ner():
    _, h = _damaged("021_sct_QD-1050", ("Hoàng Chí Hiền", "HOÀNG CHÍ HIỀN"))
    assert h.signer.name.value == "Hoàng Chí Hiền" and h.signer.name.confidence < 1
    assert h.signer.position.value == "Giám đốc"


def test_doctype_model_is_the_fallback():
    # congbao copy without the text of its first page: no type line, no number; the model answers, unsure
    _, h = _header("051_congbao")
    assert h.doc_type.value == "Nghị quyết" and h.doc_type.confidence <= 0.6
    assert header.MODEL_PATH.exists()


def test_office_under_its_committee_and_party_header():
    _, h = _damaged("022_sct_TB-1894", (" SỞ CÔNG THƯƠNG ", " VĂN PHÒNG "),
                    ("CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM"),
                    ("Số: 1894 /TB-SCT", "Số 02-TB/VP"))
    assert h.issuer.value == "Văn phòng Ủy ban nhân dân tỉnh Lào Cai"
    assert h.number.value == "02-TB/VP" and h.number_parts.type_code == "TB"
