"""Segmentation of real documents: parts, offsets, the body tree, two-column tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import header
from pipeline.ingest import load
from pipeline.segment import segment

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
ALL = sorted(DOCS.glob("*/*.txt"))


def _seg(name: str):
    doc = load(next(DOCS.glob(f"*/{name}*.txt")))
    return doc, segment(doc)


@pytest.fixture(scope="module")
def seed_qd():
    return _seg("004_9789b1cfca0ebaa2")


def test_every_document_segments_and_extracts():
    assert len(ALL) >= 70
    for path in ALL:
        doc = load(path)
        seg = segment(doc)
        header.extract(doc, seg, None)
        for part in (seg.header, seg.title, seg.kinh_gui, seg.preamble, seg.signature, seg.noi_nhan):
            if part is not None:
                assert doc.text[part.start:part.end] == part.text, path.name
        for root in [seg.body, *seg.appendices]:
            for node in root.walk():
                assert root.start <= node.start <= node.end <= max(root.end, node.end), path.name
                for c in node.children:
                    assert node.start <= c.start and c.end <= node.end, path.name


def test_pipe_cells_put_back_together(seed_qd):
    _, seg = seed_qd
    assert seg.header_lines == ["ỦY BAN NHÂN DÂN TỈNH AN GIANG",
                                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
                                "Số: 2211/QĐ-UBND", "An Giang, ngày 03 tháng 8 năm 2016"]
    assert seg.type_name.text == "QUYẾT ĐỊNH"
    assert " ".join(seg.subject.text.split()) == ("PHÊ DUYỆT CHƯƠNG TRÌNH KHUYẾN CÔNG TỈNH AN GIANG "
                                                  "GIAI ĐOẠN 2016 – 2020")


def test_preamble_body_signature_appendix(seed_qd):
    doc, seg = seed_qd
    assert seg.preamble.text.startswith("Căn cứ Luật Tổ chức chính quyền địa phương")
    assert seg.preamble.text.rstrip().endswith("ngày 20 tháng 7 năm 2016,")
    assert [c.label for c in seg.body.children] == ["Điều 1", "Điều 2", "Điều 3"]
    assert seg.signature_lines == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Nưng"]
    [appx] = seg.appendices
    assert appx.label == "CHƯƠNG TRÌNH" and appx.title.startswith("KHUYẾN CÔNG TỈNH AN GIANG")
    assert appx.children[0].label == "PHẦN I"


def test_path_to_walks_the_tree():
    doc, seg = _seg("007_sct_QD-uy-quyen")
    pos = doc.text.index("b) Tổ chức triển khai thực hiện các thủ tục hành chính")
    chain = [(n.kind, n.label) for n in seg.body.path_to(pos)]
    assert chain == [("root", ""), ("article", "Điều 3"), ("clause", "2."), ("point", "b)")]
    art3 = chain and seg.body.path_to(pos)[1]
    assert art3.title == "Tổ chức thực hiện"
    assert seg.authority.text == "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"


def test_two_column_pdf_text():
    _, seg = _seg("022_sct_TB-1894")
    assert seg.header_lines == ["UBND TỈNH LÀO CAI", "CỘNG HÕA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ CÔNG THƯƠNG",
                                "Độc lập - Tự do - Hạnh phúc", "Số: 1894 /TB-SCT", "Lào Cai, ngày 09 tháng 4 năm 2026"]
    # "Nơi nhận:" and the signature share lines; each gets its own column
    assert seg.signature_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Văn Thuân"]
    assert seg.noi_nhan.text.startswith("Nơi nhận:")
    assert "- Lưu: VT, CN(M.Cường)." in seg.noi_nhan.text


def test_kinh_gui_and_plan_sections():
    _, seg = _seg("002_sct_CV-UBND")
    assert seg.kinh_gui.text.splitlines()[-1] == "- Ủy ban nhân dân các xã, phường."
    assert seg.title.text.startswith("V/v tăng cường") and seg.subject.text.startswith("tăng cường công tác")
    _, kh = _seg("001_sct_KH-UBND")
    assert [c.label for c in kh.body.children if c.kind == "roman"] == ["I", "II", "III", "IV", "V"]
    first = next(c for c in kh.body.children if c.kind == "roman")
    assert [c.label for c in first.children] == ["1.", "2."]
    assert first.children[0].children[0].kind == "dash"
    [appx] = kh.appendices
    assert appx.label == "Phụ lục" and any(c.kind == "row" for c in appx.children)


def test_decree_chapters_and_enacting_formula():
    _, seg = _seg("070_vbpl_doc_000001")
    assert seg.preamble.text.rstrip().startswith("Căn cứ Luật Tổ chức Chính phủ")
    assert "Chính phủ ban hành Nghị định" in seg.preamble.text
    chapters = [c for c in seg.body.children if c.kind == "chapter"]
    assert (chapters[0].label, chapters[0].title) == ("Chương I", "QUY ĐỊNH CHUNG")
    assert chapters[0].children[0].kind == "article"


def test_website_metadata_block():
    _, seg = _seg("053_vbpl_doc_000683")
    assert seg.metadata["Số hiệu"].text == "523/QĐ-TTg"
    assert seg.metadata["Người ký"].text == "Nguyễn Xuân Phúc"


def test_flattened_noi_nhan_line_of_many_title_rows_is_read():
    # every title row read across a long "Nơi nhận" line is a cell (its time is measured by
    # scripts/benchmark_long_lines.py: the cells are not compared pairwise)
    from pipeline.document import Document
    from pipeline.segment import segment

    row = "- Văn phòng Sở (Bố trí kinh phí, phương TRƯỞNG ĐOÀN tiện Phục vụ); GIÁM ĐỐC - UBND tỉnh; "
    text = "Số: 1/QĐ-UBND\nNơi nhận: " + row * 400 + "\n"
    seg = segment(Document(source_path="x.txt", format="txt", text=text))
    assert seg.noi_nhan is not None and seg.noi_nhan.start == text.index("Nơi nhận")


def test_body_tree_reads_the_item_forms_the_task_rules_need():
    """One tree for every extractor: OCR-damaged markers, markers left at a line end by a crawl, an appendix whose
    title and "(Ban hành kèm theo ...)" share one long line, label lines kept under their item."""
    doc = load(DOCS.parent / "gold/dev-b/docs/b_029.txt")
    seg = segment(doc)
    node = next(n for n in seg.body.walk() if n.label == "2.3.")
    assert node.kind == "subclause" and doc.text[node.start:node.start + 6] == "_2.3. "
    assert node.title == "Giao Vụ Chính sách." and doc.text[node.body_start:node.heading_end] == node.title
    doc = load(DOCS.parent / "gold/dev-b/docs/b_011.txt")
    seg = segment(doc)
    [appx] = seg.appendices
    assert appx.label.startswith("CHƯƠNG TRÌNH HÀNH ĐỘNG") and "(Ban hành kèm theo" in appx.label
    clause = next(n for n in appx.walk() if n.kind == "clause" and n.title.startswith("Nâng cao năng lực"))
    subs = [c for c in clause.children if c.kind == "subclause"]
    assert [c.label for c in subs][:3] == ["2.1.", "2.2.", "2.3."]
    assert subs[0].title.startswith("Rà soát, kiến nghị")
    assert [c.title.split(":")[0] for c in subs[0].children] == ["Cơ quan thực hiện", "Thời gian thực hiện"]
