"""Plain-text ingestion: every encoding Vietnamese offices have saved text in."""

import codecs
import unicodedata
from pathlib import Path

import pytest

from pipeline.ingest import IngestError, load
from pipeline.ingest.encodings import (
    TCVN3,
    VNI,
    is_syllable,
    repair_mojibake,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from pipeline.ingest.text import read_text

DEV = Path(__file__).resolve().parent.parent / "corpus" / "docs" / "dev"
# Real header and body lines (corpus/docs/dev/001 and 009).
SAMPLE = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n"
    "Trả lời Công văn số 1012/SCT-KYATMT ngày 09 tháng 3 năm 2026 của Sở Công Thương tỉnh "
    "Quảng Ngãi về việc tham vấn nội dung cấp Giấy phép xuất khẩu, nhập khẩu hóa chất cần "
    "kiểm soát đặc biệt, Cục Hóa chất có ý kiến như sau:\n"
    "Triển khai thực hiện Chỉ thị số 11-CT/TU ngày 04/01/2026 của Ban Thường vụ Tỉnh ủy về "
    "tăng cường sự lãnh đạo của Đảng đối với công tác quản lý nhà nước về khoáng sản\n"
)

_TCVN3_INV = {v: k for k, v in TCVN3.items()}
_VNI_INV: dict[str, str] = {}
for _seq, _u in VNI.items():
    _VNI_INV.setdefault(_u, _seq)


def encode_tcvn3(s: str) -> bytes:
    """Upper-case toned letters have no TCVN3 code: they are written lower-case (.VnTimeH)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", s):
        code = ord(ch) if ord(ch) < 128 else _TCVN3_INV.get(ch, _TCVN3_INV.get(ch.lower()))
        out.append(code)
    return bytes(out)


def encode_vni(s: str) -> bytes:
    return "".join(_VNI_INV.get(ch, ch) for ch in unicodedata.normalize("NFC", s)).encode("cp1252")


def encode_cp1258(s: str) -> bytes:
    """CP1258 has base letters with ^ ˘ ơ ư precomposed and the tone as a combining byte."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", s):
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
                       + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("data, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("utf-16"), "utf-16-le"),  # with BOM
    (SAMPLE.encode("utf-16-be"), "utf-16-be"),  # no BOM: NUL bytes every other position
    (SAMPLE.encode("utf-16-le"), "utf-16-le"),
    (encode_cp1258(SAMPLE), "cp1258"),
    (encode_vni(SAMPLE), "vni"),
])
def test_encodings_decode_exactly(data, encoding):
    raw = read_text(data)
    assert raw.encoding == encoding
    assert unicodedata.normalize("NFC", raw.text) == SAMPLE


def test_tcvn3_bytes_decode_with_upper_case_lines():
    raw = read_text(encode_tcvn3(SAMPLE))
    assert raw.encoding == "tcvn3"
    lines = raw.text.splitlines()
    # .VnTimeH: the all-capitals line comes back in capitals.
    assert lines[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert lines[1] == "Độc lập - Tự do - Hạnh phúc"
    assert "ngày 09 tháng 3 năm 2026 của Sở Công Thương tỉnh Quảng Ngãi" in lines[2]
    assert raw.warnings and "TCVN3" in raw.warnings[0]


def test_tcvn3_mis_decoded_as_latin1_is_repaired_line_by_line():
    doc = load(DEV / "055_vbpl_doc_000891.txt")
    assert "Quyết định số 29/2007/QĐ-BXD" in doc.text
    assert "Bộ trưởng Bộ Xây dựng về việc ban hành Chương trình khung đào tạo" in doc.text
    assert doc.text.startswith("QUYẾT ĐỊNH\n")  # the Unicode heading is left as it was
    assert "®" not in doc.text and "µ" not in doc.text
    assert doc.encoding == "utf-8+tcvn3"
    assert any("TCVN3" in w for w in doc.warnings)


def test_vni_mis_decoded_as_cp1252_is_repaired():
    text = encode_vni(SAMPLE).decode("cp1252")
    assert text.startswith("COÄNG HOØA")
    fixed, enc = repair_mojibake(text)
    assert enc == "vni" and fixed == SAMPLE


@pytest.mark.parametrize("name", [
    "011_sct_TT-24-2025-TT-BCT-ke-hoach-quan-ly-rui-ro.txt",  # "(1÷4)", "©)" bullets
    "019_sct_QD-11-2026-QD-UBND-Lao-Cai-OCR.txt",  # OCR noise "ø)", "§"
    "001_sct_KH-UBND-trien-khai-Chi-thi-11-CT-TU-QLNN-khoang-san.txt",
])
def test_unicode_text_with_stray_latin1_signs_is_not_repaired(name):
    text = (DEV / name).read_text("utf-8")
    fixed, enc = repair_mojibake(text)
    assert enc is None and fixed == text


def test_converters_and_syllables():
    assert tcvn3_to_unicode("C¨n cø NghÞ ®Þnh sè 104/2004/N§-CP") == "Căn cứ Nghị định số 104/2004/NĐ-CP"
    assert vni_to_unicode("Ñoäc laäp - Töï do - Haïnh phuùc") == "Độc lập - Tự do - Hạnh phúc"
    assert all(is_syllable(w) for w in "nghiêng khuỷu người quyết giữ thuở xoong hoặc".split())
    assert not any(is_syllable(w) for w in ["QuyÕt", "®Þnh", "ngµy", "cña", "Œuvre"])


def test_binary_named_txt_is_an_error(tmp_path):
    f = tmp_path / "scan.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    with pytest.raises(IngestError, match="binary or unknown text encoding") as e:
        load(f)
    assert str(e.value).startswith(str(f))


def test_random_high_bytes_are_not_taken_for_a_legacy_encoding():
    import random

    rng = random.Random(7)
    data = bytes(rng.choice(range(0xA0, 0x100)) if i % 3 else 0x20 for i in range(6000))
    with pytest.raises(IngestError, match="binary or unknown"):
        read_text(data)


def test_mostly_ascii_non_vietnamese_text_falls_back_to_cp1252():
    raw = read_text("Résumé of the café meeting, 12 March 2026.\n".encode("cp1252") * 20)
    assert raw.encoding == "cp1252" and raw.text.startswith("Résumé")
    assert raw.warnings
