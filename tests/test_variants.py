"""The layout-variant harness (`vanban eval --variants`, pipeline/variants.py)."""

import dataclasses
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import variants
from pipeline.cli import main
from pipeline.normalise import unmark

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PICK = ("seed_002_", "seed_004_", "006_sct_")  # a V/v letter, a decision with articles, a .docx-backed letter


@pytest.fixture(scope="module")
def docs():
    found, _ = variants.find_gold(CORPUS / "gold" / "dev")
    by_id = {p: next(d for d in found if d.doc_id.startswith(p)) for p in PICK}
    return by_id


def _head(text: str, seg) -> str:
    return text[:variants._head_end(seg)]


def test_find_gold_pairs_documents_with_their_originals(docs):
    assert ".docx" in docs["006_sct_"].originals
    assert docs["seed_004_"].originals == {}
    assert docs["seed_004_"].source.name == "004_9789b1cfca0ebaa2.txt"


def test_markdown_from_text_has_pipe_rows_and_emphasis(docs):
    doc, seg = docs["seed_004_"].loaded()
    md = variants.render_markdown_text(doc, seg)
    lines = md.splitlines()
    assert "| ỦY BAN NHÂN DÂN TỈNH AN GIANG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |" in lines
    assert lines[lines.index("| --- | --- |") - 1].startswith("| ỦY BAN")
    assert "| Số: 2211/QĐ-UBND | *An Giang, ngày 03 tháng 8 năm 2016* |" in lines
    assert "**QUYẾT ĐỊNH**" in lines
    assert sum(ln.startswith("**Điều ") for ln in lines) == 3 and "**Điều 3.** Quyết định này" in md
    assert any(re.match(r"^\|.*\| \*\*KT\. CHỦ TỊCH\*\* \*\*PHÓ CHỦ TỊCH\*\* \*\*Lê Văn Nưng\*\* \|$", ln)
               for ln in lines)
    # nothing of the text is lost: the words are the plain document's
    assert re.findall(r"\w+", md.replace("*", "")) == re.findall(r"\w+", re.sub(r"[|*\-]", " ", doc.text))


def test_markdown_of_a_letter_puts_vv_and_noi_nhan_in_the_tables(docs):
    doc, seg = docs["seed_002_"].loaded()
    md = variants.render_markdown_text(doc, seg)
    assert re.search(r"^\| Số: 7540/BCT-CNĐP \| \*Hà Nội, ngày 15 tháng 8 năm 2016\* \|$", md, re.M)
    assert re.search(r"^\| V/v tiếp tục đẩy mạnh hoạt động khuyến công .* \|  \|$", md, re.M)
    assert re.search(r"^\| \*Nơi nhận:\* - Như trên; .*\| \*\*KT\. BỘ TRƯỞNG\*\* .*\*\*Hoàng Quốc Vượng\*\* \|$",
                     md, re.M)


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc")
def test_markdown_of_a_docx_is_pandoc_gfm_with_pipe_tables(docs, tmp_path):
    path = variants.VARIANTS["markdown"].render(docs["006_sct_"], variants.Context(tmp_path))
    md = path.read_text("utf-8")
    assert path.suffix == ".md"
    assert "<table" not in md
    assert re.search(r"^\| Số: /UBND-KT +\|", md, re.M) and re.search(r"^\|-+\|", md, re.M)


def test_markdown_falls_back_to_the_text_without_pandoc(docs, tmp_path, monkeypatch):
    monkeypatch.setattr(variants, "pandoc", lambda: None)
    md = variants.VARIANTS["markdown"].render(docs["006_sct_"], variants.Context(tmp_path)).read_text("utf-8")
    assert md.startswith("| ỦY BAN NHÂN DÂN TỈNH LÀO CAI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "| Số: /UBND-KT | *Lào Cai, ngày tháng năm 2025* |" in md


def test_flattened_puts_the_header_on_one_line_and_the_signature_on_another(docs):
    doc, seg = docs["seed_004_"].loaded()
    flat = variants.render_flattened(doc, seg)
    first, second = flat.splitlines()[:2]
    for part in ("ỦY BAN NHÂN DÂN TỈNH AN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 2211/QĐ-UBND",
                 "An Giang, ngày 03 tháng 8 năm 2016"):
        assert part in first
    assert second == "QUYẾT ĐỊNH PHÊ DUYỆT CHƯƠNG TRÌNH KHUYẾN CÔNG TỈNH AN GIANG GIAI ĐOẠN 2016 – 2020"
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn Nưng" in flat.splitlines()
    doc, seg = docs["006_sct_"].loaded()  # a letter: header and V/v on one line
    first = variants.render_flattened(doc, seg).splitlines()[0]
    assert "Số: /UBND-KT" in first and first.rstrip(" |").endswith("vật liệu nổ công nghiệp")


def test_no_diacritics_header_strips_marks_up_to_the_title_only(docs):
    doc, seg = docs["seed_004_"].loaded()
    out = variants.render_no_diacritics_header(doc, seg)
    end = variants._head_end(seg)
    head, body = out[:end], out[end:]
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", head))
    assert "Đ" not in head and "đ" not in head
    assert "2211/QD-UBND" in head and "UY BAN NHAN" in head and "QUYET DINH" in head
    assert body == doc.text[end:] and "Căn cứ" in body
    assert unmark("Điều 3. Quyết định") == "Dieu 3. Quyet dinh"


def test_harness_scores_a_row_per_variant_and_plain_matches_eval(docs, tmp_path):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for p in ("seed_002_", "006_sct_"):  # the short ones: five passes over them
        shutil.copy(docs[p].gold_file, gold_dir)
    out = tmp_path / "eval.json"
    res = CliRunner().invoke(main, ["eval", str(gold_dir), "--docs", str(CORPUS / "docs"), "--json", str(out)])
    assert res.exit_code == 0, res.output
    plain_eval = json.loads(out.read_text("utf-8"))

    found, missing = variants.find_gold(gold_dir, CORPUS / "docs")
    assert len(found) == 2 and not missing
    names = ["markdown", "flattened", "no_diacritics_header"]
    rows = variants.run_variants(found, names)
    assert [r.name for r in rows] == ["plain"] + names
    assert rows[0].metrics == plain_eval  # the plain variant is `vanban eval`
    for r in rows:
        assert r.documents == 2 and not r.failed and not r.skipped
        for key, _ in variants.HEADLINE:
            assert isinstance(r.figures[key], float), (r.name, key)
            assert isinstance(r.delta[key], float)
        assert r.name == "plain" or r.changed == 2
    assert all(v == 0 for v in rows[0].delta.values())
    table = variants.format_table(rows)
    assert [ln.split()[0] for ln in table.splitlines()[1:5]] == ["plain"] + names
    assert "(" in table.splitlines()[2]  # differences from plain


def test_eval_variants_cli_prints_the_table_and_writes_json(docs, tmp_path):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for d in docs.values():
        shutil.copy(d.gold_file, gold_dir)
    out = tmp_path / "variants.json"
    res = CliRunner().invoke(main, ["eval", str(gold_dir), "--docs", str(CORPUS / "docs"), "--variants",
                                    "flattened", "--limit", "2", "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert re.search(r"^plain\s+2\s", res.output, re.M) and re.search(r"^flattened\s+2\s", res.output, re.M)
    data = json.loads(out.read_text("utf-8"))
    assert [v["variant"] for v in data["variants"]] == ["plain", "flattened"]
    assert data["variants"][1]["delta"]["header_mean"] <= 0.0
    bad = CliRunner().invoke(main, ["eval", str(gold_dir), "--variants", "nosuch"])
    assert bad.exit_code != 0 and "unknown variant" in bad.output


def test_variant_names():
    assert variants.parse_names(None) == variants.DEFAULT and "ocr" not in variants.DEFAULT
    assert variants.parse_names("ocr") == ["plain", "ocr"]
    assert variants.parse_names("all") == variants.ALL
    with pytest.raises(ValueError):
        variants.parse_names("corpus/gold/dev")


def test_pdf_variants_are_skipped_without_their_tools(docs, monkeypatch):
    monkeypatch.setattr(variants.shutil, "which", lambda name: None)
    rows = variants.run_variants([docs["seed_002_"]], ["pdftotext", "ocr"])
    assert rows[1].skipped == "skipped: no soffice/pdftotext"
    assert rows[2].skipped.startswith("skipped: no ")
    assert "skipped: no soffice/pdftotext" in variants.format_table(rows)


@pytest.fixture(scope="module")
def pdf_ctx(tmp_path_factory):
    """One work folder for the PDF variants: the OCR test reads the PDF the pdftotext test printed."""
    return variants.Context(tmp_path_factory.mktemp("variants"), ocr_pages=1)


@pytest.fixture(scope="module")
def short_letter(docs):
    """The one-page letter, printed from its text (not its .docx): LibreOffice and Tesseract stay quick."""
    return dataclasses.replace(docs["006_sct_"], originals={})


@pytest.mark.libreoffice
@pytest.mark.skipif(variants._pdf_tools_missing() is not None, reason="needs LibreOffice and pdftotext")
def test_pdftotext_lays_the_header_out_in_two_columns(short_letter, pdf_ctx):
    text = variants.VARIANTS["pdftotext"].render(short_letter, pdf_ctx).read_text("utf-8")
    assert re.search(r"ỦY BAN NHÂN DÂN {3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
    assert re.search(r"Số: /UBND-KT {3,}Lào Cai, ngày tháng năm 2025", text)
    assert "Kính gửi:" in text and "Nguyễn Thành Sinh" in text


@pytest.mark.ocr
@pytest.mark.libreoffice
@pytest.mark.skipif(variants._ocr_tools_missing() is not None, reason="needs LibreOffice, poppler, tesseract vie")
def test_ocr_reads_the_rendered_pages(short_letter, pdf_ctx):
    text = variants.VARIANTS["ocr"].render(short_letter, pdf_ctx).read_text("utf-8")
    assert "UBND-KT" in text and "Kính gửi" in text
    assert variants.PAGE_BREAK not in text  # one page only (ocr_pages=1)


def test_verbose_table_lists_each_documents_header_misses_and_keep_writes_the_renderings(docs, tmp_path):
    row = variants.Row("flattened", documents=1, figures={"header_mean": 0.5},
                       header_misses=[("seed_004", "issuer", "X", "Y")])
    assert "[flattened] [seed_004] issuer: got 'X', gold 'Y'" in variants.format_table([row], fields=True)
    rows = variants.run_variants([docs["seed_004_"]], ["plain", "flattened"], work=tmp_path)
    assert (tmp_path / "flattened" / "seed_004_9789b1cfca0ebaa2.txt").exists()
    assert (tmp_path / "plain" / "004_9789b1cfca0ebaa2.txt").exists() or any((tmp_path / "plain").iterdir())
    assert rows[1].header_misses == [] or all(len(m) == 4 for m in rows[1].header_misses)


@pytest.mark.ocr
@pytest.mark.libreoffice
@pytest.mark.skipif(variants._ocr_tools_missing() is not None, reason="needs LibreOffice, poppler, tesseract vie")
def test_scan_is_an_image_pdf_that_vanban_ocrs_itself(short_letter, pdf_ctx):
    from pipeline.run import process

    path = variants.VARIANTS["scan"].render(short_letter, pdf_ctx)
    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    res = process(path)  # no text layer: the scan path OCRs the page and reads its columns
    assert any(w.startswith("OCR (Tesseract vie)") for w in res.document.warnings)
    assert "UBND-KT" in res.document.text and res.extraction.header.issuer.value == "Ủy ban nhân dân tỉnh Lào Cai"
