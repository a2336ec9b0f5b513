"""Layout markup of converted text is layout: out of the text, cells as blocks, offsets kept."""

from pathlib import Path

from pipeline.document import OffsetMap
from pipeline.ingest import load
from pipeline.layout import delayout

DEV_B = Path(__file__).resolve().parents[1] / "corpus" / "gold" / "dev-b" / "docs"


def test_pipe_header_rows_become_cells_on_their_own_lines():
    doc = load(DEV_B / "b_023.txt")
    lines = doc.text.splitlines()
    assert lines[:2] == ["VĂN PHÒNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"]
    assert "Hà Nội, ngày 26 tháng 01 năm 2022" in lines and "Kính gửi:" in lines
    assert "|" not in doc.text and "*V/v" not in doc.text
    cells = [b for b in doc.blocks if b.kind == "table_cell"]
    assert [(b.table, b.row, b.col) for b in cells[:6]] == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1),
                                                            (1, 0, 0), (1, 0, 1)]
    # every cell still points at its text in the source file
    for b in cells:
        s, e = doc.raw_span(b.start, b.end)
        assert doc.text[b.start:b.start + 8] in doc.raw_text[s:e].replace("*", "")


def test_emphasis_and_escapes_go_bullets_and_rules_stay():
    text = "**Điều 3.** Giao *Sở Tài chính* chủ trì\\.\n* một mục\n______________\n- Lưu: VT, NN (2b)."
    out, omap, cells = delayout(text)
    assert out == "Điều 3. Giao Sở Tài chính chủ trì.\n* một mục\n______________\n- Lưu: VT, NN (2b)."
    assert cells == []
    i = out.index("Sở Tài chính")
    assert text[omap.to_raw(i):omap.to_raw(i) + 12] == "Sở Tài chính"


def test_separator_rows_and_page_markers_are_dropped_and_start_a_table():
    text = "| A | B |\n| --- | --- |\n| 1 | 2 |\n--- PAGE BREAK ---\n| Kính gửi: | Sở X |\n|---|---|\n* *\nSau"
    out, _, cells = delayout(text)
    assert out == "A\nB\n1\n2\nKính gửi:\nSở X\nSau"
    assert [(c.table, c.row, c.col) for c in cells] == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1), (1, 0, 0),
                                                        (1, 0, 1)]


def test_plain_text_is_left_alone():
    text = "Số: 15/UBND-VP\nAn Giang, ngày 03 tháng 8 năm 2016"
    out, omap, cells = delayout(text)
    assert out == text and cells == [] and omap.to_raw(20) == 20


def test_maps_compose():
    outer, inner = OffsetMap(), OffsetMap()
    outer.add(2, 4)  # text[2:] = middle[4:]
    inner.add(1, 3)  # middle[1:] = raw[3:]
    both = outer.then(inner)
    assert [both.to_raw(p) for p in (0, 1, 2, 5)] == [inner.to_raw(outer.to_raw(p)) for p in (0, 1, 2, 5)]


def test_tables_read_columns_by_header_in_docx_and_markdown():
    from pipeline.tables import tables

    docx = load(Path(__file__).resolve().parents[1] / "corpus" / "files"
                / "001_sct_KH-UBND-trien-khai-Chi-thi-11-CT-TU-QLNN-khoang-san.docx")
    md = load(DEV_B / "b_001.txt")
    for doc, first_lead in ((docx, "Các Sở, ban, ngành"), (md, "Cục Biến đổi khí hậu")):
        task_table = next(t for t in tables(doc) if t.column("chủ trì") is not None)
        lead = task_table.column("chủ trì")
        row = task_table.body_rows()[0]
        assert task_table.cell(row, lead).text.startswith(first_lead)
        assert task_table.column(r"Thời gian") is not None
    md_table = next(t for t in tables(md) if t.column("chủ trì") is not None)
    assert md_table.header[:3] == ["TT", "Nhiệm vụ", "Cơ quan chủ trì"]
    assert md_table.cell(md_table.body_rows()[0], md_table.column("Thời gian")).text == "Tháng 8/2024"


def test_rules_in_cells_html_tags_and_spaced_emphasis_are_layout():
    text = ("| BỘ TÀI CHÍNH  ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc  ------- |\n"
            "| --- | --- |\n| Số: 12/TB-BTC | *Hà Nội, ngày 1 tháng 2 năm 2024 * |\n<div align=\"right\">\n"
            "<b>THÔNG BÁO</b> tỷ lệ < 5% và a<b\n<img src=\"x.png\" title=\"(dấu đỏ)\"/>\nHết")
    out, _, cells = delayout(text)
    assert out.splitlines() == ["BỘ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
                                "Số: 12/TB-BTC", "Hà Nội, ngày 1 tháng 2 năm 2024", "THÔNG BÁO tỷ lệ < 5% và a<b", "Hết"]
    assert [out[c.start:c.end] for c in cells][3] == "Hà Nội, ngày 1 tháng 2 năm 2024"
