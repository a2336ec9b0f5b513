"""Citation forms found while reviewing the documents without gold: real sentences of the corpus,
and whole documents where the form depends on the layout (OCR, pdftotext, appendix tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import legal_keys as lk
from extractors import references
from pipeline.ingest import load
from pipeline.records import Extraction
from pipeline.segment import segment

ROOT = Path(__file__).resolve().parents[1]


def cites(text: str):
    """Merged citations of a sentence, as `extract` gives them (no header, no segments)."""
    return sorted(references._merge(references.find_citations(text)), key=lambda c: c.start)


def one(text: str, key: str):
    found = [c for c in cites(text) if c.key == key]
    assert len(found) == 1, [c.key for c in cites(text)]
    return found[0]


_DOCS: dict[str, list] = {}


def refs_of(pattern: str):
    """References of one corpus file (txt, pdf or docx), extracted once per module."""
    if pattern not in _DOCS:
        doc = load(next(ROOT.glob(pattern)))
        _DOCS[pattern] = references.extract(doc, segment(doc), Extraction())
    return _DOCS[pattern]


def keys(refs) -> set[str]:
    return {r.key for r in refs}


# --- numbers damaged by OCR or by the layout ---------------------------------------------------

def test_ocr_split_legislature_digit_is_joined():
    # 019 (OCR): "Căn cứ Luật Đầu tư công số J 58/2024/QH1 5 được sửa đổi, bổ sung bởi Luật số 90/2025/QH15;"
    refs = refs_of("corpus/docs/dev/019_*.txt")
    assert "58/2024/QH15" in keys(refs) and "58/2024/QH1" not in keys(refs)


def test_code_glued_without_hyphen():
    c = one("được Thủ tướng Chính phủ Quyết định số 1626/QĐTTg ngày 15/12/2023.", "1626/QĐ-TTg")
    assert (c.doc_type, c.issuer, c.date) == ("Quyết định", "Thủ tướng Chính phủ", "2023-12-15")


def test_ocr_letters_in_codes():
    # "Nghị định số 26/2026/NB-CP ngày 17 tháng 01 năm 206 của Chỉnh phú": Đ read as B
    assert lk.number_key("26/2026/NB-CP") == "26/2026/NĐ-CP"
    # "tại Tờ trình số 83/TIr-UBND ngày 31 tháng 3 năm 2026": TTr read as TIr; "4123⁄BC-BNNMT": a fraction slash
    c = one("tại Tờ trình số\n83/TIr-UBND ngày 31 tháng 3 năm 2026 và Báo cáo số 4123⁄BC-BNNMT", "83/TTr-UBND")
    assert c.doc_type == "Tờ trình"
    assert "4123/BC-BNNMT" in {x.key for x in cites("và Báo cáo số 4123⁄BC-BNNMT\nngày 26 tháng 4 năm 2026;")}


def test_hyphen_lost_where_pdftotext_wrapped_the_line():
    c = one("được phê duyệt ban hành kèm theo Quyết định số 2257/QĐ\nUBND ngày 28/11/2023 của UBND tỉnh: Khu đất",
            "2257/QĐ-UBND")
    assert c.date == "2023-11-28"


def test_ocr_issuer_name_gives_way_to_the_code():
    c = one("Căn cứ Nghị định số 35/2023/NĐ-CP của Chỉnh phú về sửa đổi, bổ Sung một số điều của các Nghị định;",
            "35/2023/NĐ-CP")
    assert c.issuer == "Chính phủ"
    # a longer printed issuer is a different reading, not an OCR slip: it stays
    c = one("Thông tư số 12/2018/TT-BNNPTNT ngày 05/10/2018 của Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn "
            "quy định về ban hành quy chuẩn", "12/2018/TT-BNNPTNT")
    assert c.issuer == "Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn"


def test_typing_slip_in_a_code_merges_with_the_clean_citation():
    text = ("theo quy định tại Điều 8 Thông tư số 36/2025/TT-BNNMT ngày 02/7/2025; tại Điều 10 Thông tư số "
            "36/2025/TT-BNMT ngày 02/7/2025 của Bộ Nông nghiệp và Môi trường.")
    assert [c.key for c in cites(text)] == ["36/2025/TT-BNNMT"]


def test_wrecked_code_merges_by_type_and_serial():
    # the OCR'd text layer of 051: the same Tờ trình twice, once with its code wrecked
    text = ("Theo đề nghị của Bộ trưởng Bộ Nông nghiệp và Môi trường tại Tờ trình số\n4017/T1:-BNNMT ngày 23 tháng 4 "
            "năm 2026 và Báo cáo số 4123⁄BC-BNNMT\nngày 26 tháng 4 năm 2026;\nquản lý như đề nghị của Bộ Nông nghiệp "
            "và Môi trường tại Tờ trình 4017/TTr-\nBNNMT ngày 23 tháng 4 năm 2026")
    assert [c.number for c in cites(text)] == ["4017/TTr-BNNMT", "4123/BC-BNNMT"]


def test_type_name_contradicting_the_code_merges_with_the_agreeing_citation():
    text = ("Căn cứ Chỉ thị số 49-CT /TW ngày 28 tháng 6 năm 2025 của Ban Bí thư về công tác phi chính phủ nước "
            "ngoài;\nIII. TỔ CHỨC THỰC HIỆN\n1. Trên cơ sở nội dung Chỉ thị số 49-NQ/TW của Ban Bí thư, các Bộ")
    assert [c.key for c in cites(text)] == ["49-CT/TW"]


def test_site_code_in_brackets_is_not_a_document():
    text = "chồng lấn với ranh giới mỏ Caolanh – felspat Báo Đáp (1584-TD), xã Yên Hưng, huyện Văn Yên"
    assert cites(text) == []


# --- laws by name -----------------------------------------------------------------------------

def test_code_written_bo_luat_with_capital_l():
    c = one("được quy định xử lý cụ thể trong Nghị định số 36/2020/NĐ-CP và quy định tại Điều 227 "
            "Bộ Luật hình sự năm 2015; hướng dẫn chi tiết", "100/2015/QH13")
    assert (c.doc_type, c.pinpoint) == ("Bộ luật", "Điều 227")


def test_law_name_printed_with_or_without_its_commas_is_one_law():
    text = ("Luật Phòng cháy, chữa cháy và cứu nạn cứu hộ; Luật Lâm nghiệp; Luật Phòng cháy chữa cháy và "
            "cứu nạn, cứu hộ")
    assert [c.key for c in cites(text) if c.title.startswith("Luật Phòng")] == ["55/2024/QH15"]


def test_law_name_with_a_typo_resolves_to_the_table():
    assert lk.law_key("Luật Địa chất và khoán sản", before_year=2025) == "54/2024/QH15"


def test_mistyped_year_of_a_law_date():
    # a form in 011: "Căn cứ Luật Địa chất và Khoáng sản ngày 29 tháng 11 năm 2025;" (the law of 29/11/2024)
    assert lk.law_key("Luật Địa chất và Khoáng sản", "2025-11-29") == "54/2024/QH15"


def test_ocr_amending_law_by_name_and_date():
    c = one("theo quy định\ntại khoản 39 Điều 1 Luật sửa đồi, bổ sung một số điều của Luật Xây dựng ngày\n"
            "17 tháng 6 năm 2020 đối với các công trình", "62/2020/QH14")
    assert c.date == "2020-06-17"


def test_law_name_holding_cua_before_its_number():
    refs = refs_of("corpus/docs/dev/036_*.txt")
    # "Căn cứ Luật Xuất cảnh, nhập cảnh của công dân Việt Nam số\n49/2019/QH14 được sửa đổi, bổ sung bởi ..."
    r = next(r for r in refs if r.key == "49/2019/QH14")
    assert (r.title, r.relation) == ("Luật Xuất cảnh, nhập cảnh của công dân Việt Nam", "căn cứ")
    assert not any(r.key.startswith("LUẬT:") for r in refs)


def test_amending_law_whose_name_lists_the_laws_it_amends():
    text = ("Căn cứ Luật Đầu tư công số 58/2024/QH15; Luật sửa đổi, bổ sung một số điều của Luật Đấu thầu, Luật Đầu "
            "tư theo phương thức đối tác công tư, Luật Hải quan, Luật Thuế giá trị gia tăng, Luật Thuế xuất khẩu, thuế "
            "nhập khẩu, Luật Đầu tư, Luật Đầu tư công, Luật Quản lý, sử dụng tài sản công số 90/2025/QH15;")
    assert [c.key for c in cites(text)] == ["58/2024/QH15", "90/2025/QH15"]
    assert cites(text)[1].title.startswith("Luật sửa đổi, bổ sung một số điều của Luật Đấu thầu, Luật Đầu tư theo")


# --- bills: documents still to be passed --------------------------------------------------------

def test_bills_of_a_legislative_programme_are_not_references():
    refs = refs_of("corpus/docs/dev/057_*.txt")  # "... đối với 13 dự án luật sau đây:\n\na) Luật Hộ tịch (sửa đổi);"
    named = {r.title for r in refs if r.key.startswith("LUẬT:")}
    assert not named & {"Luật Thủ tục ban hành quyết định hành chính", "Luật Tín ngưỡng",
                        "Luật sửa đổi, bổ sung một số điều của Luật Công chứng", "Luật Công chứng"}
    assert {"64/2025/QH15", "87/2025/QH15", "57/2014/QH13"} <= keys(refs)


def test_policy_of_a_bill_and_bills_after_du_an():
    text = ("Điều 1. Tách dự án Luật sửa đổi, bổ sung một số điều của Luật Thương mại, Luật Cạnh tranh thành 02 dự án: "
            "Luật sửa đổi, bổ sung một số điều của Luật Thương mại; Luật sửa đổi, bổ sung một số điều của Luật Điện "
            "lực và trình Quốc hội xem xét.")
    assert cites(text) == []
    assert cites("NGHỊ QUYẾT\nVề chính sách của Luật sửa đổi, bổ sung một số điều của\nLuật Thương mại, "
                 "Luật Cạnh tranh, Luật Quản lý ngoại thương\n") == []


# --- titles, issuers and relations --------------------------------------------------------------

def test_title_stops_before_an_amended_by_chain():
    text = ("đ) Quyết định số 47/2021/QĐ-UBND ngày 20 tháng 9 năm 2021 Ban hành\nquy chế phối hợp quản lý trật tự "
            "xây dựng trên địa bàn tỉnh Lào Cai được sửa đôi,\nbổ sung tại khoản 1 Điều 1 Quyết định số 49/2024 ngày "
            "27 tháng 11 năm 2024\nSửa đổi, bổ sung một số nội đung của các Quyết định;")
    found = cites(text)
    assert found[0].title == "Ban hành quy chế phối hợp quản lý trật tự xây dựng trên địa bàn tỉnh Lào Cai"
    assert (found[1].number, found[1].date) == ("49/2024", "2024-11-27")


def test_title_and_issuer_stop_at_what_the_sentence_goes_on_to_say():
    c = one("Tuy nhiên, Nghị định số 21/2026/NĐ-CP sửa đổi, bổ sung một số điều của Nghị định số 193/2025/NĐ-CP "
            "đã được ban hành ngày 10/01/2026 chưa có quy định cụ thể", "21/2026/NĐ-CP")
    assert c.title == "sửa đổi, bổ sung một số điều của Nghị định số 193/2025/NĐ-CP"
    c = one("kèm theo Nghị quyết số 17/2026/NQ-CP ngày 29 tháng 4 năm 2026 của Chính phủ có hiệu lực thi hành từ "
            "ngày 01 tháng 7 năm 2026", "17/2026/NQ-CP")
    assert c.issuer == "Chính phủ"
    c = one("theo Công văn số 597/HC-QLHC ngày 27 tháng 3 năm 2026 của Cục Hóa chất gửi Sở Công Thương tỉnh "
            "Quảng Ngãi", "597/HC-QLHC")
    assert c.issuer == "Cục Hóa chất"
    c = one("Thông tư số 38/2025/TT-BCT về phân cấp thực hiện thủ tục hành chính (có hiệu lực từ ngày 10/4/2026).",
            "38/2025/TT-BCT")
    assert c.title == "về phân cấp thực hiện thủ tục hành chính"


def test_quote_mark_closing_on_the_number_opens_no_title():
    c = one('mục đích sử dụng của tổ chức, cá nhân đó, Nghị định số 26/2026/NĐ-CP" không\nquy định về thời điểm '
            "công bố", "26/2026/NĐ-CP")
    assert c.title is None


def test_table_cells_after_a_title_are_not_the_title():
    c = one("Nghị định số 42/2023/NĐ-CP ngày 29/6/2023 của Chính phủ điều chỉnh lương hưu, trợ cấp bảo hiểm xã hội "
            "và trợ cấp hằng tháng Được thay thế bởi Nghị định số 75/2024/NĐ-CP", "42/2023/NĐ-CP")
    assert c.title == "điều chỉnh lương hưu, trợ cấp bảo hiểm xã hội và trợ cấp hằng tháng"


@pytest.mark.parametrize("sentence, key", [
    # "điều chỉnh" names what is adjusted, not the document the text amends
    ("- Sớm điều chỉnh, hướng dẫn giải quyết các khó khăn, vướng mắc trong xử lý vi phạm hành chính lĩnh vực "
     "khoáng sản (sự chồng chéo trong quy định về việc hành vi được quy định xử lý cụ thể trong Nghị định số "
     "36/2020/NĐ-CP và quy định tại Điều 227 Bộ Luật hình sự năm 2015)", "36/2020/NĐ-CP"),
    ("1. Các trường hợp điều chỉnh cục bộ quy định tại khoản 9a Điều 38 của Luật Tài nguyên nước số 28/2023/QH15",
     "28/2023/QH15"),
    # asked of someone else; "(đã hết hiệu lực)" only describes the standard
    ("đề nghị Chủ đầu tư cập nhật đầy đủ các văn bản quy phạm pháp luật hiện hành có liên quan, trong đó thay thế "
     "QCVN 40:2011/BTNMT (đã hết\nhiệu lực) bằng QCVN 40:2025/BTNMT", "QCVN40:2011/BTNMT"),
])
def test_cue_words_that_do_not_make_this_document_amend_or_replace(sentence, key):
    assert one(sentence, key).relation == "dẫn chiếu"


def test_preamble_runs_on_past_a_page_number_and_a_clause_ended_by_a_comma():
    refs = refs_of("corpus/docs/dev/019_*.txt")  # "...Bộ Xây dựng;\n\n2\n\nCăn cứ Nghị định số 85/2025/NĐ-CP ..."
    rel = {r.key: r.relation for r in refs}
    assert rel["85/2025/NĐ-CP"] == rel["275/2025/NĐ-CP"] == rel["254/2025/NĐ-CP"] == "căn cứ"
    text = ("Căn cứ Nghị định số 39/2022/NĐ-CP ngày 18 tháng 6 năm 2022 của Chính phủ ban hành Quy chế làm việc của "
            "Chính phủ,\nTheo đề nghị của Bộ trưởng Bộ Nông nghiệp và Môi trường tại Tờ trình số 4017/TTr-BNNMT ngày "
            "23 tháng 4 năm 2026;\n")
    doc_refs = {c.key: c.relation for c in cites(text)}
    assert doc_refs == {"39/2022/NĐ-CP": "căn cứ", "4017/TTr-BNNMT": "dẫn chiếu"}


def test_letter_opening_after_kinh_gui_on_the_next_line():
    # the .docx of 004 has no blank line between the title, "Kính gửi:" and "Thực hiện ..."
    refs = refs_of("corpus/files/004_*.docx")
    rel = {r.key: r.relation for r in refs}
    assert rel["38/CT-TTg"] == rel["10699/BNNMT-ĐCKS"] == "thực hiện"


def test_type_from_the_code_when_the_text_says_van_ban():
    c = one("Theo đề nghị của Bộ trưởng Bộ Ngoại giao tại các văn bản số 364/TTr-BNG-\nNVVH ngày 19 tháng 01 năm 2026",
            "364/TTr-BNG-NVVH")
    assert c.doc_type == "Tờ trình"


def test_expiry_words_of_another_sentence_or_table_cell_do_not_make_a_repeal():
    # 032, a table of expired documents: the replacing document's cell runs on into the table's total line
    text = ("Được thay thế bởi Thông tư số 16/2023/\nTT-BLĐTBXH ngày 29/12/2023 của Bộ\ntrưởng Bộ Lao động Thương binh và "
            "Xã hội\nquy định chi tiết\n15/02/2024\nTổng số văn bản hết hiệu lực toàn bộ: 13 văn bản")
    assert one(text, "16/2023/TT-BLĐTBXH").relation == "dẫn chiếu"
    # the plain repeal formula still is one
    text = "Quyết định số 20/2019/QĐ-UBND ngày 05/6/2019 của UBND tỉnh hết hiệu lực kể từ ngày Quyết định này có hiệu lực."
    assert one(text, "20/2019/QĐ-UBND").relation == "bãi bỏ"


def test_a_cited_document_that_repeals_another():
    text = ("Được bãi bỏ bởi Thông tư số 47/2023/TT-BTC\nngày 11/7/2023 của Bộ Tài chính bãi bỏ Thông tư liên tịch số "
            "213/2013/TTLT/BTC-BLĐTBXH")
    assert one(text, "213/2013/TTLT-BTC-BLĐTBXH").relation == "dẫn chiếu"


def test_date_whose_year_contradicts_the_number_gives_way_to_another_citation():
    # 032: "Nghị định số 75/2021/NĐ-CP\nngày 24/7/2023 của Chính phủ" in one row, "ngày\n24/7/2021" in the next
    text = ("20\nNghị định số 75/2021/NĐ-CP\nngày 24/7/2023 của Chính phủ\nquy định mức hưởng trợ cấp;\n"
            "Nghị định số 77/2024/NĐ-CP ngày 01/7/2024\ncủa Chính phủ sửa đổi, bổ sung một số\nđiều của Nghị định "
            "75/2021/NĐ-CP ngày\n24/7/2021 của Chính phủ quy định mức\nhưởng trợ cấp")
    assert one(text, "75/2021/NĐ-CP").date == "2021-07-24"


# --- dev-b review (issue 11): laws read to their real end, the table only completing ---------

def test_law_name_longer_than_a_table_name_is_read_to_its_end():
    c = one("Căn cứ Luật Giáo dục nghề nghiệp ngày 27/11/2014;", "74/2014/QH13")
    assert (c.title, c.date) == ("Luật Giáo dục nghề nghiệp", "2014-11-27")
    # a name the table does not know is not cut to the table's shorter one either
    [c] = cites("Căn cứ Luật Giáo dục đại học ngày 18 tháng 6 năm 2012;")
    assert c.title == "Luật Giáo dục đại học" and c.key.startswith("LUẬT:")
    # the words after a known name that are not a name's end stay outside it
    assert one("Luật Giáo dục quy định rõ", "43/2019/QH14").title == "Luật Giáo dục"


def test_law_name_with_cua_from_the_table():
    c = one("Căn cứ Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân ngày 20 tháng 11 năm 2015;",
            "87/2015/QH13")
    assert c.title == "Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân"


def test_law_name_damaged_takes_the_table_spelling():
    c = one("xây dựng kế hoạch sửa đổi tổng thể Luật Quan lý thuế, báo cáo Tổng cục", "38/2019/QH14")
    assert c.title == "Luật Quản lý thuế"


def test_law_short_name_defined_in_brackets():
    text = ("hướng dẫn thực hiện Điều 22 Luật Bảo hiểm y tế (BHYT) và chi phí. Lưu ý khi thực hiện quy định "
            "tại Điều 22 Luật BHYT:")
    assert [(c.title, c.key) for c in cites(text)] == [("Luật Bảo hiểm y tế", "25/2008/QH12")]


def test_constitution_keeps_its_full_name():
    [c] = cites("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\ntheo Hiến pháp năm 2013")
    assert (c.title, c.relation) == ("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam", "căn cứ")


def test_law_by_name_joins_the_number_the_document_cites():
    text = "Căn cứ Luật Đầu tư số 143/2025/QH15 ngày 11 tháng 12 năm 2025;\ntheo quy định của Luật Đầu tư, pháp luật"
    assert [c.key for c in cites(text)] == ["143/2025/QH15"]
    # a year printed with the name that is not the cited one's: another version
    assert [c.key for c in cites("Căn cứ Luật Đầu tư số 61/2020/QH14;\ntheo Luật Đầu tư năm 2014.")] == [
        "61/2020/QH14", "67/2014/QH13"]


# --- relations: the guided phrase "… chỉ đạo của X tại <document>" ------------------------------

def test_carrying_out_the_directions_given_in_notices():
    text = ("2. Bộ Tài chính thực hiện nghiêm các ý kiến chỉ đạo của Lãnh đạo Chính phủ tại các Thông báo kết luận "
            "số 09/TB-VPCP ngày 11 tháng 01 năm 2024; số 328/TB-VPCP ngày 16 tháng 7 năm 2024 và cuộc họp ngày 22.")
    assert [(c.key, c.doc_type, c.relation) for c in cites(text)] == [
        ("9/TB-VPCP", "Thông báo", "thực hiện"), ("328/TB-VPCP", "Thông báo", "thực hiện")]


def test_spirit_of_the_directions_and_a_parallel_second_one():
    text = ("1. Quán triệt sâu sắc tinh thần chỉ đạo của Ban Bí thư Trung ương Đảng\ntại Công văn số 79-CV/TW ngày 30 "
            "tháng 01 năm 2020, chỉ đạo của Thủ tướng\nChính phủ tại Chỉ thị số 05/CT-TTg ngày 28 tháng 01 năm 2020, "
            "Chỉ thị số\n06/CT-TTg ngày 31 tháng 01 năm 2020.")
    assert [c.relation for c in cites(text)] == ["thực hiện"] * 3
    text = ("Tiếp tục rà soát kiện toàn tổ chức bộ máy theo đúng tinh thần chỉ đạo của Tỉnh ủy [tại Chương trình số "
            "51-CTr/TU ngày 09 tháng 02 năm 2018 về thực hiện Nghị quyết số 18-NQ/TW]")
    assert one(text, "51-CTr/TU").relation == "thực hiện"
    # the plain "theo quy định tại" stays a reference
    assert one("thanh toán theo quy định tại khoản 16 Điều 6 Thông tư số 39/2018/TT-BYT ngày 30/11/2018.",
               "39/2018/TT-BYT").relation == "dẫn chiếu"


def test_ocr_type_name_without_tone_marks_before_the_number():
    c = one("c) Thanh tra Chính phủ thực hiện\nnghiêm Chi thị sô 20/CT-TTg ngày 17 tháng 5 năm 2017 của Thủ tướng",
            "20/CT-TTg")
    assert (c.doc_type, c.relation, c.date) == ("Chỉ thị", "thực hiện", "2017-05-17")
    assert one("nâng cao năng lực cạnh tranh theo tinh thần Nghị quyết sô 02/NQ-CP ngày 01 tháng 01 năm 2020",
               "2/NQ-CP").relation == "thực hiện"


def test_title_ends_before_the_request_that_governs_the_next_citation():
    text = ("h) Giao Bộ Tư pháp có ý kiến đối với dự thảo Nghị định sửa đổi Nghị định số 126/2020/NĐ-CP ngày 19 tháng "
            "10 năm 2020 của Chính phủ quy định chi tiết một số điều của Luật quản lý thuế theo yêu cầu của\nlãnh đạo "
            "Chính phủ tại công văn số 6499/VPCP-KTTH ngày 30 tháng 9 năm 2022.")
    c = one(text, "6499/VPCP-KTTH")
    assert c.relation == "thực hiện"
    assert "theo yêu cầu" not in one(text, "126/2020/NĐ-CP").title


# --- numbers and treaties (dev-b review) -------------------------------------------------------

def test_mixed_case_last_code_token():
    assert one("Thực hiện Chương trình hành động số 104-CTr/Tu ngày 30/8/2026 của Tỉnh ủy", "104-CTr/TU").relation \
        == "thực hiện"
    c = one("h. Thực hiện đúng nội dung đã cam kết tại Văn bản số 1908/CV-\nMundusStones ngày 19/8/2026.",
            "1908/CV-MUNDUSSTONES")
    assert c.number.upper() == "1908/CV-MUNDUSSTONES"
    # a word after a spaced hyphen is not part of the code
    assert [c.key for c in cites("theo Quyết định số 12/QĐ-UBND - Về việc giao đất")] == ["12/QĐ-UBND"]


def test_code_cut_by_the_layout_joins_the_full_number():
    text = ("theo Thông báo sô 118/TB-\nhội nghị sơ kết. Định kỳ báo cáo (theo Thông báo số 118/TB-TCT ngày 31/01/2024 "
            "của Tổng cục Thuế)")
    assert [c.number for c in cites(text)] == ["118/TB-TCT"]


def test_treaty_names():
    text = ("các bên tham gia Công ước khung của Liên hợp quốc về biến đổi khí hậu (COP26), Việt Nam đã cập nhật. "
            "Đó là trách nhiệm để thực hiện Công ước khung của Liên hợp quốc và Thỏa thuận Paris về biến đổi khí hậu, "
            "trong đó; sang thị trường EU sau khi Hiệp định EVFTA có hiệu lực (từ giữa năm 2020)")
    assert [c.title for c in cites(text)] == ["Công ước khung của Liên hợp quốc về biến đổi khí hậu",
                                              "Thỏa thuận Paris về biến đổi khí hậu", "Hiệp định EVFTA"]


def test_anaphora_to_the_letter_cited_before():
    text = ("Ủy ban nhân dân tỉnh nhận được Công văn số 847/UBND-VX1 ngày 22 tháng 3 năm 2011 của UBND tỉnh Quảng Ninh "
            "V/v tiếp tục phối hợp tuyên truyền, Chủ tịch UBND tỉnh có ý kiến như sau:\n\nGiao Giám đốc Sở Văn hóa "
            "tiếp tục tuyên truyền theo yêu cầu tại Công văn nêu trên./.")
    assert one(text, "847/UBND-VX1").relation == "thực hiện"
    # a mere mention of "the letter above" leaves it a reference
    text = text.replace("theo yêu cầu tại Công văn nêu trên", "như đã nêu tại Công văn nêu trên")
    assert one(text, "847/UBND-VX1").relation == "dẫn chiếu"


def test_schemes_and_rules_cited_by_name():
    # an item that carries a scheme out, its name in quotes
    c = cites("1.3. Tiếp tục thực hiện hiệu quả Đề án “Tuyên truyền, phổ biến pháp luật cho người lao động, người sử "
              "dụng lao động trong các loại hình doanh nghiệp” trên địa bàn tỉnh Kon Tum giai đoạn 2017-2021.")
    assert [(x.doc_type, x.title, x.relation) for x in c] == [
        ("Đề án", "Đề án Tuyên truyền, phổ biến pháp luật cho người lao động, người sử dụng lao động trong các loại "
         "hình doanh nghiệp", "thực hiện")]
    # named inside a sentence about something else: mentioned, the name ends before "và các"
    c = cites("bảo tồn, nâng cao trữ lượng các-bon rừng và thực hiện Đề án một triệu ha lúa chuyên canh chất lượng cao, "
              "phát thải thấp gắn với tăng trưởng xanh vùng đồng bằng Sông Cửu Long đến năm 2030 và các Thỏa thuận, "
              "Hiệp định quốc tế")
    plan = [x for x in c if x.doc_type == "Đề án"]
    assert [(x.title, x.relation) for x in plan] == [
        ("Đề án một triệu ha lúa chuyên canh chất lượng cao, phát thải thấp gắn với tăng trưởng xanh vùng đồng bằng "
         "Sông Cửu Long đến năm 2030", "dẫn chiếu")]
    # a rule after "theo đúng", a strategy after "tại"
    assert [x.title for x in cites("trước khi trình Thủ tướng Chính phủ xem xét, quyết định theo đúng Quy chế làm "
                                   "việc của Chính phủ.")] == ["Quy chế làm việc của Chính phủ"]
    assert [x.title for x in cites("như đã đề ra tại Chiến lược phát triển kinh tế - xã hội giai đoạn 2011 - 2020, "
                                   "Thủ tướng Chính phủ yêu cầu")] == [
        "Chiến lược phát triển kinh tế - xã hội giai đoạn 2011 - 2020"]


@pytest.mark.parametrize("text", [
    "Bộ Tài chính hoàn thiện dự thảo Đề án phát triển thị trường các-bon tại Việt Nam, trình cấp có thẩm quyền.",
    "nghiên cứu, xây dựng và triển khai Đề án thí điểm kinh doanh tín chỉ các-bon rừng từ giảm phát thải.",
    "các nhóm nhiệm vụ triển khai thực hiện Đề án để phân công nhiệm vụ cho các Bộ, cơ quan.",
    "tập trung triển khai các đề án khuyến công nhằm hỗ trợ cho các doanh nghiệp.",
    "phối hợp thực hiện nghiêm Đề án 06 theo đúng yêu cầu nhiệm vụ được giao.",
    "tổ chức thực hiện quy chế dân chủ cơ sở tại doanh nghiệp.",
])
def test_schemes_in_general_or_still_drafted_are_not_citations(text):
    assert [x for x in cites(text) if x.doc_type in ("Đề án", "Quy chế", "Chiến lược")] == []


def test_law_name_ends_before_a_pinpoint_of_the_next_citation():
    c = cites("đáp ứng quy định tại Điều 52 Luật Bảo vệ môi trường và khoản\n16 Điều 1 Luật số 146/2025/QH15 của Quốc hội")
    assert "Luật Bảo vệ môi trường" in [x.title for x in c]


def test_protocol_amending_a_treaty():
    c = cites("Hiệp định đa phương về hỗ trợ hành chính thuế, được sửa đổi bởi Nghị định thư sửa đổi Hiệp định đa "
              "phương về hỗ trợ hành chính thuế, làm tại Pa-ri ngày 27/5/2010")
    assert "Nghị định thư sửa đổi Hiệp định đa phương về hỗ trợ hành chính thuế" in [x.title for x in c]
