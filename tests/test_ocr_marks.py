"""Tone marks OCR misread in a subject (extractors/ocr_marks.py), and the header forms OCR of rendered pages leaves:
a title read around the enacting body's line, a damaged "V/v", a misread "kể từ ngày ký"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import header
from extractors.ocr_marks import _words, repair_marks
from pipeline.document import Document
from pipeline.normalise import normalise
from pipeline.segment import segment

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"

needs_words = pytest.mark.skipif(not _words(), reason="underthesea's Viet74K word list is not installed")


def _header(text: str, path: str = "scan.txt"):
    doc = Document(source_path=path, format="txt", text=text)
    return header.extract(doc, segment(doc), None)


@needs_words
@pytest.mark.parametrize("printed, meant", [
    # Tesseract on the Công báo PDFs of dev/038, 042, 045 and the scan of 044
    ("quy định chỉ tiết thi hành một số điều của Luật Chứng khoán",
     "quy định chi tiết thi hành một số điều của Luật Chứng khoán"),
    ("Về thanh toán các chỉ phí khám bệnh, chữa bệnh bảo hiểm y tế",
     "Về thanh toán các chi phí khám bệnh, chữa bệnh bảo hiểm y tế"),
    ("(được sửa đối, bố sung bởi Nghị định số 245/2025/NĐ-CP)",
     "(được sửa đổi, bổ sung bởi Nghị định số 245/2025/NĐ-CP)"),
    ("quy định biện pháp cụ thể để tô chức, hướng dẫn thi hành",
     "quy định biện pháp cụ thể để tổ chức, hướng dẫn thi hành"),
    # a word of three syllables, one of them with its vowel's shape misread too ("phó" for "phố")
    ("sắp xếp thôn, tô dân phó và bố trí, sử dụng, chế độ, chính sách",
     "sắp xếp thôn, tổ dân phố và bố trí, sử dụng, chế độ, chính sách"),
])
def test_tone_marks_misread_are_put_back(printed, meant):
    assert repair_marks(printed) == meant


@needs_words
@pytest.mark.parametrize("s", [
    "vượt dự toán, vượt tổng mức thanh toán giai đoạn năm 2018 - 2022",  # "tổng mục" changes a vowel's shape
    "Ủy ban nhân dân cấp tỉnh quy định tại khoản 2 Điều 5",  # collocations the word list lacks
    "theo Thông tư số 10/2022/TT-BKHĐT quy định chi tiết việc cung cấp",
    "GIAI ĐOẠN 2016 – 2020",  # capitals are names and codes
])
def test_clean_text_is_left_alone(s):
    assert repair_marks(s) == s


@needs_words
def test_no_gold_subject_is_changed():  # 63 typed titles: none is respelled
    subjects = [json.loads(p.read_text("utf-8")).get("subject") for p in sorted(GOLD.rglob("*.json"))]
    subjects = [normalise(s)[0] for s in subjects if isinstance(s, str) and s]  # as the pipeline reads them
    assert len(subjects) > 50
    assert [s for s in subjects if repair_marks(s) != s] == []


# dev/045 (NQ 113/NQ-CP) through `tesseract -l vie` (the ocr variant), its first article and the article on
# its effect as vanban's own scan path read it ("kê từ ngày ký")
OCR_045 = """CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 113/NQ-CP Hà Nội, ngày 25 tháng 4 năm 2026

NGHỊ QUYÉT

Về thanh toán các chỉ phí khám bệnh, chữa bệnh bảo hiểm y tế
vượt dự toán, vượt tổng mức thanh toán giai đoạn năm 2018 - 2022

CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;

QUYÉT NGHỊ:

Điều 1. Các chỉ phí khám bệnh, chữa bệnh bảo hiểm y tế vượt dự toán,
vượt tông mức thanh toán giai đoạn năm 2018 - 2022 được thanh toán từ nguôn
dự phòng của Quỹ bảo hiêm y tê, trong đó:

2. Đối với các chi phí khám bệnh, chữa bệnh bảo hiểm y tế vượt tổng mức
thanh toán giai đoạn năm 2019-2022, Bảo hiểm xã hội Việt Nam khẩn trương
tô chức thực hiện thanh toán cho cơ sở khám bệnh, chữa bệnh.

Điều 2. Tổ chức thực hiện
1. Nghị quyết này có hiệu lực kê từ ngày ký ban hành.
"""


@needs_words
def test_ocr_subject_and_effect_of_a_resolution():
    h = _header(OCR_045)
    # "chỉ phí" → "chi phí" by the word list; "tổng mức", printed so once in the body too, is not respelled as
    # the single "dự toán, vượt tông" of the body
    assert h.subject.value == ("Về thanh toán các chi phí khám bệnh, chữa bệnh bảo hiểm y tế vượt dự toán, "
                               "vượt tổng mức thanh toán giai đoạn năm 2018 - 2022")
    assert h.effective_date.value == "2026-04-25"


# dev/048 (NQ 97/NQ-CP) through Tesseract: the title's last line read below the enacting body beside it
OCR_048 = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 97/NQ-CP Hà Nội, ngày 06 tháng 4 năm 2026
NGHỊ QUYẾT
Sửa đổi, bổ sung nhiệm vụ trong Chương trình hành động của Chính phủ
thực hiện Nghị quyết số 66-NQ/TW ngày 30 tháng 4 năm 2025 của
Bộ Chính trị về đổi mới công tác xây dựng và thi hành pháp luật

CHÍNH PHỦ

đáp ứng yêu cầu phát triển đất nước trong kỷ nguyên mới

CHÍNH PHỦ

Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;
"""


def test_title_line_read_below_the_enacting_body():
    assert _header(OCR_048).subject.value == (
        "Sửa đổi, bổ sung nhiệm vụ trong Chương trình hành động của Chính phủ thực hiện Nghị quyết số 66-NQ/TW "
        "ngày 30 tháng 4 năm 2025 của Bộ Chính trị về đổi mới công tác xây dựng và thi hành pháp luật đáp ứng "
        "yêu cầu phát triển đất nước trong kỷ nguyên mới")


def test_enacting_body_followed_by_the_preamble_adds_nothing():
    text = OCR_048.replace("\nđáp ứng yêu cầu phát triển đất nước trong kỷ nguyên mới\n\nCHÍNH PHỦ\n", "")
    assert _header(text).subject.value.endswith("xây dựng và thi hành pháp luật")


# dev/009 (CV 597/HC-QLHC) as vanban's scan path reads its page: "V/v" read as "V⁄"
SCAN_009 = """BỘ CÔNG THƯƠNG
CỤC HÓA CHẤT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
NAM
Độc lập - Tự do - Hạnh phúc
Số: 597/HC-QLHC
V⁄ cấp Giấy phép xuất khẩu, nhập khẩu
hóa chất cần kiểm soát đặc biệt
Hà Nội, ngày 27 tháng 3 năm 2026
Kính gửi: Sở Công Thương tỉnh Quảng Ngãi
Trả lời Công văn số 1012/SCT-KYATMT ngày 09 tháng 3 năm 2026 của Sở
Công Thương tỉnh Quảng Ngãi về việc tham vấn nội dung cấp Giấy phép
xuất khẩu, nhập khẩu hóa chất cần kiểm soát đặc biệt, Cục Hóa chất có ý
kiến như sau:
"""


def test_damaged_vv_line_is_the_subject():
    h = _header(SCAN_009)
    assert h.subject.value == "cấp Giấy phép xuất khẩu, nhập khẩu hóa chất cần kiểm soát đặc biệt"


# dev/044 (CT 21/CT-TTg) as vanban's scan path reads its head: marks lost, a comma read as a full stop
SCAN_044 = """THỦ TƯỚNG CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 21/CT-TTg
Hà Nội, ngày 20 tháng 5 năm 2026
CHÍ THỊ
Về việc sắp xêp thôn, tô dân phô và bô trí, sử dụng, chê độ, chính sách
đôi với người hoạt động không chuyên trách ở câp xã, ở thôn. tô dân phô
Thực hiện chủ trương của Đảng và các quy định của pháp luật, trong những
năm qua việc sắp xếp thôn, làng, ấp, bản, buôn, bon, phum, sóc, tô dân phó, khu
phó, khối phố, khóm, tiêu khu (sau đây gọi chung là thôn, tổ dân phó) trong cả
nước đã đạt được kết quả quan trọng, số lượng thôn, tô dân phố giảm dần; nhiều
thôn, tô dân phố đã đáp ứng tiêu chí quy mô số hộ gia đình theo quy định hiện
hành.
trị về sắp xếp thôn, tô dân phó và bố trí, sử dụng, chế độ, chính sách đối với người
hoạt động không chuyên trách ở cấp xã, ở thôn, tô dân phố; nhằm bảo đảm việc
triển khai được thực hiện thống nhất, đồng bộ, hiệu quả trong cả nước, phù hợp
"""


@needs_words
def test_scan_subject_with_lost_marks_and_a_stop_for_a_comma():
    assert _header(SCAN_044).subject.value == (
        "sắp xếp thôn, tổ dân phố và bố trí, sử dụng, chế độ, chính sách đối với người hoạt động không chuyên "
        "trách ở cấp xã, ở thôn, tổ dân phố")


# dev/038 (QĐ 333/QĐ-BTC) through Tesseract: a speck read as a full stop after "Luật", the code broken at the
# line's end after its hyphen, "Về việc" read as "và việc", marks misread
OCR_038 = """BỘ TÀI CHÍNH CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
————————— Độc lập - Tự do - Hạnh phúc
Số: 333/QĐ-BTC Hà Nội, ngày 23 tháng 02 năm 2026
QUYÉT ĐỊNH
và việc công bố văn bản quy định chỉ tiết, quy định biện pháp cụ thể để tô
chức, hướng dẫn thi hành Nghị định số 155/2020/NĐ- CP ngày 31 tháng 12
năm 2020 của Chính phủ quy định chỉ tiết thi hành một số điều của Luật.
Chứng khoán (được sửa đối, bố sung bởi Nghị định số 245/2025/NĐ-CP) tiếp
tục có hiệu lực thi hành
BỘ TRƯỞNG BỘ TÀI CHÍNH
Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15 được
sửa đổi, bồ sung bởi Luật số 87/2025/QH15;
"""


@needs_words
def test_title_cut_by_a_stop_runs_on_to_the_enacting_body():
    assert _header(OCR_038).subject.value == (
        "công bố văn bản quy định chi tiết, quy định biện pháp cụ thể để tổ chức, hướng dẫn thi hành Nghị định số "
        "155/2020/NĐ-CP ngày 31 tháng 12 năm 2020 của Chính phủ quy định chi tiết thi hành một số điều của Luật "
        "Chứng khoán (được sửa đổi, bổ sung bởi Nghị định số 245/2025/NĐ-CP) tiếp tục có hiệu lực thi hành")


def test_title_ending_in_a_stop_before_the_preamble_is_kept():
    text = OCR_038.replace("Chứng khoán (được sửa đối, bố sung bởi Nghị định số 245/2025/NĐ-CP) tiếp\n"
                           "tục có hiệu lực thi hành\n", "")
    assert _header(text).subject.value.endswith("một số điều của Luật")
