"""DOCX, PDF (text layer, encrypted, scanned), HTML and LibreOffice formats."""

import io
import shutil
from pathlib import Path

import pytest
import regex

from pipeline.ingest import IngestError, load
from pipeline.ingest import office as office_mod
from pipeline.normalise import fold, normalise

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = CORPUS / "files"
DOCX = sorted(FILES.glob("00[1-9]_*.docx"))


def key(s: str) -> str:
    """Letters and digits only: the twins' converter dropped some dashes and spacing."""
    return regex.sub(r"[^\p{L}\p{N}]+", "", fold(s))


@pytest.fixture(scope="module")
def docx_docs():
    return {p.name[:3]: load(p) for p in DOCX}


@pytest.mark.parametrize("path", DOCX, ids=lambda p: p.name[:3])
def test_docx_header_lines_match_the_text_twin(path, docx_docs):
    twin, _ = normalise((CORPUS / "docs" / "dev" / f"{path.stem}.txt").read_text("utf-8"))
    pieces = [p for ln in twin.splitlines() for p in ln.split(" | ") if key(p)][:6]
    ours = [key(ln) for ln in docx_docs[path.name[:3]].text.splitlines() if key(ln)][:14]
    pos = 0
    for piece in pieces:  # in the same order
        assert key(piece) in ours[pos:], (piece, ours)
        pos = ours.index(key(piece), pos) + 1


def test_docx_header_and_signature_tables_are_cell_blocks(docx_docs):
    doc = docx_docs["002"]
    cells = {(b.table, b.row, b.col): doc.text[b.start:b.end] for b in doc.blocks if b.kind == "table_cell"}
    assert cells[(0, 0, 0)] == "ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI"  # left cell read whole ...
    assert cells[(0, 0, 2)] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"  # ... then right
    signature = [t for k, t in cells.items() if k[0] == max(c[0] for c in cells)]
    assert signature[0].startswith("Nơi nhận:")
    assert signature[1].endswith("Nguyễn Thành Sinh")
    # Smart tags ("VIỆT NAM" in a <w:smartTag>) and no-break hyphens are read.
    assert "Độc lập - Tự do - Hạnh phúc" in docx_docs["007"].text


def test_docx_merged_cells_nested_tables_text_boxes_headers(tmp_path):
    import docx

    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "DỰ THẢO"
    d.add_paragraph("QUYẾT ĐỊNH")
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "ỦY BAN NHÂN DÂN"
    t.cell(0, 2).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    t.cell(0, 2).merge(t.cell(1, 2))  # vertical merge: read once
    inner = t.cell(1, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Nơi nhận:"
    inner.cell(0, 1).text = "CHỦ TỊCH"
    d.add_paragraph("Điều 1. Ban hành kèm theo Quyết định này.")
    f = tmp_path / "t.docx"
    f.write_bytes(_docx_bytes(d))
    doc = load(f)
    assert doc.text.count("ỦY BAN NHÂN DÂN") == 1
    assert doc.text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1
    assert doc.text.index("QUYẾT ĐỊNH") < doc.text.index("ỦY BAN") < doc.text.index("Nơi nhận") < doc.text.index("Điều 1")
    kinds = {(b.kind, b.table, b.row, b.col) for b in doc.blocks}
    assert ("table_cell", 0, 0, 0) in kinds and ("table_cell", 0, 0, 2) in kinds
    assert ("table_cell", 1, 0, 1) in kinds  # the nested table, numbered after its parent
    header = [b for b in doc.blocks if b.kind == "header"]
    assert header and doc.text[header[0].start:header[0].end] == "DỰ THẢO"
    assert doc.text.endswith("DỰ THẢO")  # page furniture after the body


def _docx_bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_text_box_is_read_once():
    import docx
    from docx.oxml import parse_xml

    from pipeline.ingest.docx import read_docx

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    box = '<w:txbxContent><w:p><w:r><w:t>MẬT</w:t></w:r></w:p></w:txbxContent>'
    p = parse_xml(
        f'<w:p {w} {mc}><w:r><w:t>Số: 12/QĐ-UBND</w:t></w:r><w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><x {w}>{box}</x></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><y {w}>{box}</y></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    d = docx.Document()
    d.element.body.insert(0, p)
    raw = read_docx(_docx_bytes(d))
    assert raw.text == "Số: 12/QĐ-UBND\nMẬT"
    assert [b.kind for b in raw.blocks] == ["paragraph", "text_box"]


def test_docx_runs_in_legacy_vietnamese_fonts_are_converted():
    """Archives typed before Unicode: the XML holds TCVN3/VNI bytes as Latin-1
    letters, and only the font (.VnTime, .VnTimeH, VNI-Times) says so."""
    import docx

    from pipeline.ingest.docx import read_docx

    d = docx.Document()
    d.add_paragraph().add_run("uû ban nh©n d©n tØnh").font.name = ".VnTimeH"  # all-capitals font
    d.add_paragraph().add_run("V/v: §Ýnh chÝnh QuyÕt ®Þnh sè 29/2007/Q§-BXD").font.name = ".VnTime"
    d.add_paragraph().add_run("Ñoäc laäp - Töï do - Haïnh phuùc").font.name = "VNI-Times"
    style = d.styles.add_style("VanBan", 1)
    style.font.name = ".VnArial"  # the font comes from the paragraph style
    d.add_paragraph("C¨n cø LuËt Tæ chøc ChÝnh phñ", style="VanBan")
    d.add_paragraph("Hà Nội, ngày 12 tháng 3 năm 2026")  # Unicode text stays as it is
    assert read_docx(_docx_bytes(d)).text.splitlines() == [
        "UỶ BAN NHÂN DÂN TỈNH", "V/v: Đính chính Quyết định số 29/2007/QĐ-BXD", "Độc lập - Tự do - Hạnh phúc",
        "Căn cứ Luật Tổ chức Chính phủ", "Hà Nội, ngày 12 tháng 3 năm 2026"]


@pytest.fixture(scope="module")
def text_pdfs():
    return {p.name[:3]: load(p, ocr=False) for p in sorted(FILES.glob("02[4-7]_*.pdf"))}


@pytest.mark.parametrize("prefix, number", [("024", "7432"), ("025", "6791"), ("026", "1074"), ("027", "1178")])
def test_text_layer_pdfs(prefix, number, text_pdfs):
    doc = text_pdfs[prefix]
    assert doc.status == "ok" and doc.format == "pdf"
    assert number in doc.text  # 024, 025, 027: stamped by e-office into form fields
    breaks = [b for b in doc.blocks if b.kind == "page_break"]
    assert doc.pages >= 1 and len(breaks) == doc.pages - 1
    assert [b.page for b in breaks] == list(range(2, doc.pages + 1))


def test_pdf_two_column_header_and_signature_are_read_column_by_column(text_pdfs):
    lines = text_pdfs["026"].text.splitlines()
    # pdfium's own order reads "BỘ XÂY DỰNG CỘNG HÒA XÃ HỘI ..." as one line.
    assert lines[:5] == ["BỘ XÂY DỰNG", "Số: 1074/QĐ-BXD", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 29 tháng 6 năm 2026"]
    tail = lines[lines.index("Nơi nhận:"):]
    assert tail[1] == "- Như Điều 3;"  # the recipients, then the signer's column
    assert tail[-4:] == ["- Lưu: VT, Vụ KHCNMT&VLXD(Hiển).", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "Phạm Minh Hà"]
    lines = text_pdfs["024"].text.splitlines()
    assert lines[2] == "Số: 7432 /UBND-XD"  # the comb field's digits joined, in place
    assert "Lào Cai, ngày 21 tháng 7 năm 2026" in lines
    kg = lines.index("Kính gửi:")
    assert lines[kg + 1] == "- Các Sở, ban, ngành thuộc tỉnh;"  # the header block ends before "Kính gửi"


def _encrypted(user_password: str) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter(clone_from=str(next(FILES.glob("027_*.pdf"))))
    w.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="AES-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_encrypted_pdf_without_user_password_opens(tmp_path):
    f = tmp_path / "owner-only.pdf"
    f.write_bytes(_encrypted(""))
    assert "Cục Đổi mới sáng tạo" in load(f, ocr=False).text


def test_password_protected_pdf_is_a_clear_error(tmp_path):
    f = tmp_path / "locked.pdf"
    f.write_bytes(_encrypted("mat-khau"))
    with pytest.raises(IngestError) as e:
        load(f)
    assert str(e.value) == f"{f}: password-protected PDF"


def test_signature_stamp_boxes_are_not_read_into_the_header():
    doc = load(next(FILES.glob("030_*.pdf")), ocr=False)
    assert "Ký bởi" not in doc.text and "Ngày ký" not in doc.text
    assert doc.text.splitlines()[1:4] == ["THỦ TƯỚNG CHÍNH PHỦ", "______________", "Số: 798/QĐ-TTg"]


def test_scanned_pdf_without_ocr_needs_ocr():
    doc = load(next(FILES.glob("028_*.pdf")), ocr=False)
    assert doc.status == "needs_ocr" and doc.pages == 3
    assert "no text layer" in doc.warnings[0] and "OCR disabled" in doc.warnings[0]


def test_scanned_pdf_without_tesseract_needs_ocr(monkeypatch):
    from pipeline.ingest import ocr

    monkeypatch.setattr(ocr, "available", lambda: "Tesseract is not installed")
    doc = load(next(FILES.glob("029_*.pdf")), ocr=True)
    assert doc.status == "needs_ocr" and "Tesseract is not installed" in doc.warnings[0]


def test_ocr_failure_leaves_the_page_for_ocr(monkeypatch):
    from pipeline.ingest import ocr

    def broken(image, dpi=300):
        raise RuntimeError("Error opening data file vie.traineddata")

    monkeypatch.setattr(ocr, "available", lambda: None)
    monkeypatch.setattr(ocr, "ocr_words", broken)
    doc = load(next(FILES.glob("051_*.pdf")), ocr=True)
    assert doc.status == "needs_ocr"
    assert doc.warnings == ["OCR failed on page 1: Error opening data file vie.traineddata",
                            "OCR failed on page 2: Error opening data file vie.traineddata"]
    assert "CÔNG BÁO/Số 271/Ngày 12-05-2026" in doc.text  # the running head that has a text layer


@pytest.mark.ocr
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")
def test_ocr_of_a_scanned_page(tmp_path):
    """One page of the scanned CV 813 (Cục Hóa chất), at 300 dpi."""
    import pypdfium2 as pdfium

    from pipeline.ingest import ocr

    if ocr.available():
        pytest.skip(ocr.available())
    src = pdfium.PdfDocument(next(FILES.glob("029_*.pdf")))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [0])
    f = tmp_path / "page1.pdf"
    one.save(str(f))
    doc = load(f, ocr=True)
    assert doc.status == "ok" and any("OCR" in w for w in doc.warnings)
    lines = doc.text.splitlines()
    # The typed parts of the header, the two columns read one after the other.
    assert lines[:2] == ["BỘ CÔNG THƯƠNG", "CỤC HÓA CHẤT"]
    assert any(ln.endswith("/HC-CNHC") for ln in lines[:4])
    assert "Kính gửi: Cục Hải quan" in lines
    assert "Công văn số 15464/CHQ-GSQL ngày 20 tháng 4 năm 2026" in doc.text


HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Văn bản</title>
<style>.x{color:red}</style><script>var menu = "Trang chủ";</script></head>
<body><div id="header"><a href="/">Cơ sở dữ liệu quốc gia về văn bản pháp luật</a></div>
<nav><ul><li>Trang chủ</li><li>Văn bản pháp luật</li></ul></nav>
<div class="breadcrumb">Trang chủ » Văn bản</div>
<div id="toanvancontent">
<table><tr><td><b>BỘ XÂY DỰNG</b><br>Số: 1408/QĐ-BXD</td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</td></tr></table>
<p align="center"><b>QUYẾT ĐỊNH</b></p>
<p>V/v: <span>Đính chính</span> Quyết định số 29/2007/QĐ-BXD ngày 31/12/2007</p>
<p style="font-family:.VnTime">C¨n cø NghÞ ®Þnh sè 104/2004/N§-CP ngµy 23/3/2004 cña ChÝnh phñ</p>
<p style="display:none">ẩn</p>
</div>
<div class="sidebar-related">Văn bản liên quan: Thông tư 01/2020</div>
<footer>Bản quyền thuộc Bộ Tư pháp</footer></body></html>"""


def test_html_keeps_the_document_and_drops_the_site(tmp_path):
    f = tmp_path / "vbpl.html"
    f.write_text(HTML, "utf-8")
    doc = load(f)
    assert doc.text.splitlines()[:4] == ["BỘ XÂY DỰNG", "Số: 1408/QĐ-BXD", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                        "Độc lập - Tự do - Hạnh phúc"]
    assert "V/v: Đính chính Quyết định số 29/2007/QĐ-BXD ngày 31/12/2007" in doc.text
    assert "Căn cứ Nghị định số 104/2004/NĐ-CP ngày 23/3/2004 của Chính phủ" in doc.text  # TCVN3 font repaired
    for chrome in ("Trang chủ", "Bản quyền", "liên quan", "ẩn", "color", "var menu", "Cơ sở dữ liệu"):
        assert chrome not in doc.text
    assert {b.kind for b in doc.blocks} >= {"table_cell", "paragraph"}


RTF = r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}\uc1\f0 %s\par %s\par}"


def _rtf_escape(s: str) -> str:
    return "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in s)


@pytest.mark.libreoffice
@pytest.mark.skipif(office_mod.soffice() is None, reason="needs LibreOffice")
def test_rtf_through_libreoffice(tmp_path):
    f = tmp_path / "qd.rtf"
    f.write_text(RTF % (_rtf_escape("ỦY BAN NHÂN DÂN TỈNH LÀO CAI"), _rtf_escape("Số: 1883/QĐ-UBND")), "ascii")
    doc = load(f)
    assert doc.format == "rtf"
    assert doc.text == "ỦY BAN NHÂN DÂN TỈNH LÀO CAI\nSố: 1883/QĐ-UBND"
    assert "LibreOffice" in doc.warnings[0]


def test_office_formats_without_libreoffice_name_the_tool(tmp_path, monkeypatch):
    monkeypatch.setattr(office_mod, "soffice", lambda: None)
    f = tmp_path / "old.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(IngestError, match=r"cannot read \.doc: LibreOffice \(soffice\) is not installed"):
        load(f)


@pytest.mark.libreoffice
@pytest.mark.skipif(office_mod.soffice() is None, reason="needs LibreOffice")
def test_doc_through_libreoffice_reads_like_the_docx(tmp_path, docx_docs):
    """A Word 97 .doc made from corpus 009 by LibreOffice itself, read back."""
    import subprocess

    src = next(p for p in DOCX if p.name.startswith("009"))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([office_mod.soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "doc", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=120)
    doc = load(tmp_path / f"{src.stem}.doc")
    assert doc.format == "doc"
    want = [key(ln) for ln in docx_docs["009"].text.splitlines() if key(ln)][:8]
    assert [key(ln) for ln in doc.text.splitlines() if key(ln)][:8] == want
    assert any(b.kind == "table_cell" for b in doc.blocks)


def test_html_main_element_without_named_container(tmp_path):
    f = tmp_path / "page.htm"
    f.write_bytes(("<html><body><div class='main-menu'><a>Trang chủ</a> <a>Tin tức</a></div>"
                   "<main><h1>CHỈ THỊ</h1><p>Về việc sắp xếp thôn, tổ dân phố</p></main>"
                   "<div id='footer'>Liên hệ</div></body></html>").encode())
    assert load(f).text == "CHỈ THỊ\nVề việc sắp xếp thôn, tổ dân phố"
