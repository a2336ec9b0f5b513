"""Legal references on real documents of the corpus: every citation form, keys, relations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import legal_keys as lk
from extractors import references
from pipeline.ingest import load
from pipeline.records import Extraction
from pipeline.score import score
from pipeline.segments import Segments, Span

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"


def _path(prefix: str) -> Path:
    return next(p for p in DOCS.rglob(f"{prefix}*.txt"))


_CACHE: dict[str, tuple] = {}


def refs_of(prefix: str, seg=None, ex=None):
    """(document, references) of the corpus file starting with `prefix`, extracted once per module."""
    key = prefix if seg is None and ex is None else None
    if key and key in _CACHE:
        return _CACHE[key]
    doc = load(_path(prefix))
    out = (doc, references.extract(doc, seg, ex or Extraction()))
    if key:
        _CACHE[key] = out
    return out


def by_number(refs, number):
    found = [r for r in refs if r.number and r.number.replace(" ", "") == number]
    assert len(found) == 1, [r.number for r in refs]
    return found[0]


def by_title(refs, title):
    found = [r for r in refs if r.title == title]
    assert found, [r.title for r in refs]
    return found


# --- citation forms ---------------------------------------------------------------------------

def test_full_citation_with_date_issuer_and_title():
    # "Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21\ntháng 5 năm 2012 của Chính phủ về khuyến công;"
    doc, refs = refs_of("004_9789")
    r = by_number(refs, "45/2012/NĐ-CP")
    assert (r.doc_type, r.date, r.issuer, r.title) == ("Nghị định", "2012-05-21", "Chính phủ", "về khuyến công")
    assert r.relation == "căn cứ" and r.key == "45/2012/NĐ-CP"
    assert " ".join(doc.text[r.start:r.end].split()) == (
        "Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến công")


def test_short_citation_types_come_from_the_code():
    # "Nghị quyết 19/NQ-CP" (no "số", no date) and "Chương trình hành động ... tại Quyết định số 47/QĐ-BCT"
    _, refs = refs_of("003_5df1")
    r = by_number(refs, "19/NQ-CP")
    assert (r.doc_type, r.issuer, r.date) == ("Nghị quyết", "Chính phủ", None)
    assert by_number(refs, "47/QĐ-BCT").issuer == "Bộ Công Thương"


def test_short_form_without_code_merges_into_the_full_citation():
    # "Thực hiện Chỉ thị số 11-CT/TU ngày 04/01/2026 ... (viết tắt là Chỉ thị 11)"
    _, refs = refs_of("001_sct")
    ct = [r for r in refs if r.doc_type == "Chỉ thị"]
    assert len(ct) == 1
    assert (ct[0].number, ct[0].key, ct[0].issuer, ct[0].relation) == (
        "11-CT/TU", "11-CT/TU", "Ban Thường vụ Tỉnh ủy", "thực hiện")


def test_law_by_name_and_date_resolves_to_its_number():
    # "Căn cứ Luật Tổ chức chính quyền địa phương\nngày 19 tháng 6 năm 2015;"
    _, refs = refs_of("004_9789")
    (r,) = by_title(refs, "Luật Tổ chức chính quyền địa phương")
    assert (r.doc_type, r.number, r.date, r.key, r.relation) == ("Luật", None, "2015-06-19", "77/2015/QH13", "căn cứ")


def test_same_law_name_other_date_is_another_version():
    # 2025 text: "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
    _, refs = refs_of("007_sct")
    (r,) = by_title(refs, "Luật Tổ chức chính quyền địa phương")
    assert r.key == "72/2025/QH15"


def test_law_cited_with_and_without_year_is_one_node():
    # "Luật Địa chất và khoáng sản" and "khoản 2 Điều 61 Luật Địa chất và Khoáng sản năm 2024"; "Luật Đất đai 2024"
    _, refs = refs_of("016_sct")
    laws = [r for r in refs if r.doc_type == "Luật"]
    assert sorted(r.key for r in laws) == ["31/2024/QH15", "54/2024/QH15"]


def test_code_cited_by_name():
    # "theo quy định của Bộ luật Lao động và quy định của pháp luật khác có liên quan" (a 2025 decision)
    _, refs = refs_of("070_vbpl")
    (r,) = by_title(refs, "Bộ luật Lao động")
    assert (r.doc_type, r.key, r.relation) == ("Bộ luật", "45/2019/QH14", "dẫn chiếu")


def test_amendment_law_is_its_own_document_and_its_subject_is_not_cited():
    # "Căn cứ Luật Bảo hiểm y tế ngày 14 tháng 11 năm 2008; Luật sửa đổi, bổ sung một số điều của Luật
    #  Bảo hiểm y tế ngày 13 tháng 6 năm 2014; Luật sửa đổi ... ngày 27 tháng 11 năm 2024;"
    _, refs = refs_of("045_congbao")
    laws = sorted((r.title, r.date, r.key) for r in refs if r.doc_type == "Luật" and "Bảo hiểm" in r.title)
    assert laws == [
        ("Luật Bảo hiểm y tế", "2008-11-14", "25/2008/QH12"),
        ("Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế", "2014-06-13", "46/2014/QH13"),
        ("Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế", "2024-11-27", "51/2024/QH15"),
    ]


def test_amendment_law_by_number_keeps_its_full_name():
    # "Luật sửa đổi, bổ sung một số điều của Luật Cán bộ, công chức và Luật Viên chức số 52/2019/QH14"
    _, refs = refs_of("070_vbpl")
    r = by_number(refs, "52/2019/QH14")
    assert r.title == "Luật sửa đổi, bổ sung một số điều của Luật Cán bộ, công chức và Luật Viên chức"
    assert not [x for x in refs if x.title == "Luật Cán bộ, công chức" and x.number is None]


def test_party_documents():
    # "Nghị quyết số 02-NQ/TU ngày 30/11/2001 về phát triển công nghiệp - tiểu thủ công nghiệp ..."
    _, refs = refs_of("001_371b")
    r = by_number(refs, "02-NQ/TU")
    assert (r.doc_type, r.issuer, r.date, r.key) == ("Nghị quyết", "Tỉnh ủy", "2001-11-30", "2-NQ/TU")
    assert r.title.startswith("về phát triển công nghiệp - tiểu thủ công nghiệp giai đoạn 2001-2005")


def test_list_of_numbers_after_one_type_name():
    # "các Quyết định số 32/2025/QĐ-UBND ngày\n06/3/2025, só 58/2025/QĐ-UBND ngày 30/6/2025" (OCR "só")
    _, refs = refs_of("019_sct")
    assert by_number(refs, "32/2025/QĐ-UBND").date == "2025-03-06"
    r = by_number(refs, "58/2025/QĐ-UBND")
    assert (r.doc_type, r.date) == ("Quyết định", "2025-06-30")


def test_list_joined_by_va_shares_the_relation():
    # "Thực hiện Văn bản số 4250/BNNMT-ĐCKS ... về việc tăng cường ... trên địa bàn và Văn bản số 4643/VPCP-CN ..."
    _, refs = refs_of("015_sct")
    assert by_number(refs, "4250/BNNMT-ĐCKS").relation == "thực hiện"
    r = by_number(refs, "4643/VPCP-CN")
    assert (r.doc_type, r.issuer, r.relation) == ("Công văn", "Văn phòng Chính phủ", "thực hiện")


def test_pinpoint():
    # "Khoản 2 Điều 205 Luật Đất đai 2024"
    _, refs = refs_of("016_sct")
    (r,) = by_title(refs, "Luật Đất đai")
    assert r.pinpoint == "Khoản 2 Điều 205"
    # "điểm b khoản 5 Điều 7 Nghị định số 114/2018/NĐ-CP ngày 04 tháng 9 năm 2018"
    _, refs = refs_of("012_sct")
    assert by_number(refs, "114/2018/NĐ-CP").pinpoint == "điểm b khoản 5 Điều 7"


def test_technical_regulation():
    # "... Ban hành hành Quy chuẩn kỹ thuật quốc gia về an toàn ... tiền chất thuốc nổ QCVN 01:2019/BCT;"
    _, refs = refs_of("021_sct")
    r = by_number(refs, "QCVN01:2019/BCT")
    assert (r.doc_type, r.relation) == ("Quy chuẩn kỹ thuật quốc gia", "căn cứ")
    assert r.title.startswith("Quy chuẩn kỹ thuật quốc gia về an toàn trong sản xuất")
    assert not [x for x in refs if x.number == "2019/BCT"]


def test_treaty_by_name():
    # "Thỏa thuận giữa Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam và Chính phủ Ô-xtơ-rây-li-a về ..."
    _, refs = refs_of("034_congbao")
    (r,) = [x for x in refs if x.doc_type == "Thỏa thuận"]
    assert r.title.endswith("và Chính phủ Ô-xtơ-rây-li-a về Chương trình Lao động kết hợp kỳ nghỉ")
    # "Thực hiện theo Hiệp định giữa Chính phủ ... với bên ký kết nước ngoài": no treaty in particular
    _, refs = refs_of("068_vbpl")
    assert not [x for x in refs if x.doc_type == "Hiệp định"]


@pytest.mark.parametrize("prefix, printed, number", [
    ("019_sct", "số 1 25/2025/NĐ-CP", "125/2025/NĐ-CP"),  # OCR split the serial
    ("020_sct", "217/2025/NĐ- CP", "217/2025/NĐ-CP"),  # space after the hyphen
    ("006_sct", "181/2024/NĐCP", "181/2024/NĐ-CP"),  # hyphen dropped
    ("007_sct", "05/2025/QĐ-UNBD", "05/2025/QĐ-UBND"),  # letters swapped
    ("001_sct", "866/QĐ-Tg", "866/QĐ-TTg"),  # TTg typed Tg
    ("048_congbao", "66-NQ/TW1", "66-NQ/TW"),  # footnote mark against the code
])
def test_damaged_numbers_are_normalised(prefix, printed, number):
    doc, refs = refs_of(prefix)
    assert printed.replace(" ", "") in doc.text.replace(" ", "").replace("\n", "")
    assert by_number(refs, number).key == lk.number_key(number)


def test_amended_by_chain():
    # "Căn cứ Nghị định số 155/2020/NĐ-CP ... được sửa đổi, bổ sung bởi Nghị định số 245/2025/NĐ-CP ngày 11 tháng 9
    #  năm 2025 sửa đổi, bổ sung ...": both are legal bases; being amended is not this document amending them.
    _, refs = refs_of("038_congbao")
    assert by_number(refs, "155/2020/NĐ-CP").relation == "căn cứ"
    r = by_number(refs, "245/2025/NĐ-CP")
    assert (r.relation, r.date) == ("căn cứ", "2025-09-11")
    # In the body, "Nghị định số 75/2023/NĐ-CP ... sửa đổi, bổ sung một số điều của Nghị định số 146/2018/NĐ-CP"
    _, refs = refs_of("045_congbao")
    assert by_number(refs, "146/2018/NĐ-CP").relation == "dẫn chiếu"
    assert by_number(refs, "75/2023/NĐ-CP").relation == "dẫn chiếu"


# --- the document itself ------------------------------------------------------------------------

def test_own_number_is_not_a_reference():
    # "Số:\n2211/QĐ-UBND" and, in the appendix, "(Ban hành kèm theo Quyết định số 2211/QĐ-UBND ngày ...)"
    _, refs = refs_of("004_9789")
    assert not [r for r in refs if r.number == "2211/QĐ-UBND"]
    assert not [r for r in refs if "này" in r.text]


def test_header_number_is_used_when_given():
    ex = Extraction()
    ex.header.number.value = "1288/QĐ-TTg"
    _, refs = refs_of("004_9789", ex=ex)
    assert not [r for r in refs if r.number == "1288/QĐ-TTg"]


# --- relations ----------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, number, relation", [
    ("004_9789", "1666/QĐ-UBND", "thay thế"),  # "Quyết định này có hiệu lực kể từ ngày ký. Thay thế Quyết định số 1666"
    ("065_vbpl", "119/2007/QĐ-TTg", "bãi bỏ"),  # "2. Bãi bỏ Quyết định số 119/2007/QĐ-TTg"
    ("042_congbao", "10/2022/TT-BKHĐT", "sửa đổi"),  # "Về việc đính chính Thông tư số 10/2022/TT-BKHĐT"
    ("020_sct", "1050/QĐ-SCT", "thực hiện"),  # "Thực hiện Quyết định số 1050/QĐ-SCT"
    ("000_caf4", "18/2008/TT-BCT", "thực hiện"),  # "theo tinh thần Thông tư số 18/2008/TT-BCT"
    ("004_9789", "1360/TTr-SCT", "dẫn chiếu"),  # "Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 1360"
    ("045_congbao", "146/2018/NĐ-CP", "dẫn chiếu"),  # "theo quy định tại Nghị định số 146/2018/NĐ-CP"
    ("017_sct", "197/GP-BNNMT", "căn cứ"),  # a letter opening "Căn cứ Giấy phép khai thác khoáng sản số 197"
])
def test_relation(prefix, number, relation):
    _, refs = refs_of(prefix)
    assert by_number(refs, number).relation == relation


def test_can_cu_inside_a_sentence_is_not_a_legal_basis():
    # "Giao Sở Công Thương chủ trì, ..., căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025, ..."
    _, refs = refs_of("006_sct")
    (r,) = by_title(refs, "Luật Tổ chức chính quyền địa phương")
    assert r.relation == "dẫn chiếu"


def test_preamble_from_segmentation_and_fallback_agree():
    doc = load(_path("004_9789"))
    start = doc.text.index("Căn cứ Luật")
    end = doc.text.index("QUYẾT ĐỊNH:")
    seg = Segments(preamble=Span(start, end, doc.text[start:end]))
    with_seg = {r.key: r.relation for r in references.extract(doc, seg, Extraction())}
    without = {r.key: r.relation for r in references.extract(doc, Segments(), Extraction())}
    assert with_seg == without
    assert with_seg["1288/QĐ-TTg"] == "căn cứ" and with_seg["1360/TTr-SCT"] == "dẫn chiếu"


# --- keys ---------------------------------------------------------------------------------------

def test_keys_unify_spellings():
    assert lk.number_key("45/2012/NĐ-CP") == lk.number_key("45 / 2012 / NĐ - CP") == "45/2012/NĐ-CP"
    assert lk.number_key("45/2012/ND-CP") == lk.number_key("45/2012/NĐCP") == "45/2012/NĐ-CP"
    assert lk.number_key("05/2025/QĐ-UBND") == "5/2025/QĐ-UBND"
    assert lk.partial_key("NĐ", "45", 2012) == "NĐ:45/2012"
    assert lk.own_key("2211/QĐ-UBND") == lk.number_key("2211/QĐ-UBND")
    assert (lk.code_doc_type("1288/QĐ-TTg"), lk.code_issuer("1288/QĐ-TTg")) == ("Quyết định", "Thủ tướng Chính phủ")
    assert (lk.code_doc_type("24/2025/TT-BCT"), lk.code_issuer("24/2025/TT-BCT")) == ("Thông tư", "Bộ Công Thương")
    assert (lk.code_doc_type("02-NQ/TU"), lk.code_issuer("02-NQ/TU")) == ("Nghị quyết", "Tỉnh ủy")
    assert lk.code_doc_type("7540/BCT-CNĐP") == "Công văn"


def test_aliases_let_partial_citations_resolve():
    assert lk.aliases("45/2012/NĐ-CP") == ["NĐ:45/2012", "NĐ:45"]
    assert lk.aliases("11-CT/TU") == ["CT:11"]
    # a partial citation's key is one of the aliases of the full number
    assert lk.partial_key("NĐ", "45", 2012) in lk.aliases("45/2012/NĐ-CP")


def test_party_congress_documents_by_name():
    # "... các quan điểm, chủ trương trong Văn kiện Đại hội\nđại biểu toàn quốc lần thứ XIV của Đảng"
    _, refs = refs_of("048_congbao")
    (r,) = [x for x in refs if x.doc_type == "Văn kiện"]
    assert r.title == "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"


def test_law_keys_pick_the_version():
    assert lk.law_key("Luật Ngân sách nhà nước", year=2015) == "83/2015/QH13"
    assert lk.law_key("Luật Ban hành văn bản quy phạm pháp luật", date="2025-02-19") == "64/2025/QH15"
    assert lk.law_key("Luật Tổ chức Chính phủ", before_year=2020) == "76/2015/QH13"
    assert lk.law_key("Luật Khoáng sản") == "60/2010/QH12"  # only one version known
    assert lk.law_key("Luật Chưa Có", year=2030) == "LUẬT:luật chưa có:2030"


def test_laws_table_is_shipped_and_consistent():
    path = ROOT / "extractors" / "data" / "laws.tsv"
    assert path.exists()
    seen = set()
    for versions in lk.laws().values():
        for law in versions:
            assert lk.clean_number(law.number) == law.number and law.number.endswith(("QH11", "QH12", "QH13", "QH14", "QH15"))
            assert str(law.year) in law.number and (law.name, law.year) not in seen
            seen.add((law.name, law.year))
    assert len(seen) > 60


# --- quality on the dev gold ------------------------------------------------------------------

def test_dev_gold_references_quality():
    gold_dir = ROOT / "corpus" / "gold" / "dev"
    pairs = []
    for gf in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gf.read_text("utf-8"))
        src = next(DOCS.rglob(gold["source_file"]), None)
        if src is None:
            continue
        doc = load(src)
        refs = references.extract(doc, None, Extraction())
        pred = {"references": [{"number": r.number, "doc_type": r.doc_type, "title": r.title,
                                "relation": r.relation} for r in refs]}
        pairs.append((pred, {"references": gold["references"]}))
    res = score(pairs).to_dict()["lists"]["references"]
    assert res["f1"] >= 0.95 and res["relation_accuracy"] >= 0.90, res
