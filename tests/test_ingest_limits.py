"""Container limits: a package that would unpack past them is refused before any parser runs."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import hostile_files as hf
import pytest

from pipeline.ingest import IngestError, limits, load, office

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCX = CORPUS / "files" / "001_sct_KH-UBND-trien-khai-Chi-thi-11-CT-TU-QLNN-khoang-san.docx"


def _reason(path: Path) -> str:
    with pytest.raises(IngestError) as e:
        load(path)
    assert "\n" not in str(e.value) and str(e.value).startswith(f"{path}: ")
    return e.value.reason


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@pytest.fixture
def no_libreoffice(monkeypatch):
    """LibreOffice must never be started for a refused package."""
    def refuse():
        raise AssertionError("LibreOffice started on a package that should have been refused")
    monkeypatch.setattr(office, "soffice", refuse)


def test_docx_bomb_refused_from_its_directory_in_bounded_memory(tmp_path):
    bomb = hf.docx_bomb(tmp_path / "bomb.docx", 300 * 2**20)
    assert bomb.stat().st_size < 2 * 2**20
    reasons = []
    peak = _peak(lambda: reasons.append(_reason(bomb)))
    assert reasons == ["ZIP package unpacks to more than 200 MiB (zip bomb?)"]
    assert peak < 4 * bomb.stat().st_size  # the file's bytes, nothing unpacked


def test_docx_of_100_mb_xml_refused_by_compression_ratio(tmp_path):
    bomb = hf.docx_bomb(tmp_path / "ratio.docx", 100 * 10**6)
    assert _reason(bomb).startswith("ZIP member word/document.xml compressed 2")
    assert _reason(bomb).endswith("(95 MiB unpacked; limit 100 to 1): zip bomb?")


def test_docx_of_many_small_paragraphs_refused_not_hung(tmp_path):
    # normal XML, ratio < 100, but 510 000 elements: python-docx would take minutes and gigabytes
    f = hf.docx(tmp_path / "paras.docx", "".join(hf.paragraph(f"Đoạn {i}") for i in range(170_000)))
    assert _reason(f) == "too many XML elements (more than 500,000 in the package)"


def test_element_limit_counts_every_part(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 5000)  # the corpus file holds 10 959
    assert _reason(DOCX) == "too many XML elements (more than 5,000 in the package)"


def test_docx_whose_text_passes_16_mi_characters_is_refused(tmp_path):
    body = "".join(hf.paragraph(os.urandom(4200).hex()) for _ in range(2100))  # 17.6 Mi characters
    f = hf.docx(tmp_path / "export.docx", body)
    assert _reason(f) == "text too large to process (more than 16 Mi characters): split it into its documents"


def test_text_cap_applies_to_every_reader(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1000)
    f = tmp_path / "long.html"
    f.write_text("<html><body>" + "<p>Giao Sở Tài chính chủ trì.</p>" * 100 + "</body></html>", "utf-8")
    assert _reason(f).startswith("text too large to process")
    t = tmp_path / "long.txt"
    t.write_text("Giao Sở Tài chính chủ trì.\n" * 100, "utf-8")
    assert _reason(t).startswith("text too large to process")


@pytest.mark.parametrize("depth", [60, 200])
def test_deep_xml_nesting_refused(tmp_path, depth):
    assert _reason(hf.deep_docx(tmp_path / "deep.docx", depth)) == \
        "XML nested too deep in word/document.xml (more than 100 levels)"


def test_normal_nesting_reads(tmp_path):
    assert load(hf.deep_docx(tmp_path / "ok.docx", 10)).text.strip() == "Sâu"


def test_dtd_and_entities_refused(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "hahahahahahahahahaha">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              f'<w:document {hf.W}><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>')
    f = hf.zip_package(tmp_path / "laughs.docx", {"[Content_Types].xml": hf.CONTENT_TYPES, "_rels/.rels": hf.RELS,
                                                 "word/document.xml": laughs})
    assert _reason(f) == "XML part word/document.xml declares a DTD or entities, which office files never do"


def test_too_many_members_refused(tmp_path):
    f = hf.zip_package(tmp_path / "many.docx", {f"word/media/{i}.xml": "<a/>" for i in range(2001)})
    assert _reason(f) == "ZIP package has too many members (2,001 > 2,000)"


def test_encrypted_zip_member_refused(tmp_path):
    f = hf.zip_package(tmp_path / "locked.docx", {"[Content_Types].xml": hf.CONTENT_TYPES}, flags=0x1)
    assert _reason(f) == "encrypted (password-protected) .docx file"


def test_encrypted_office_file_refused_without_libreoffice(tmp_path, no_libreoffice):
    # Office saves a password-protected .docx as an OLE file holding an "EncryptedPackage" stream
    f = tmp_path / "matkhau.docx"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "EncryptedPackage".encode("utf-16-le")
                  + bytes(3000))
    assert _reason(f) == "encrypted (password-protected) Office file"


def test_xlsx_bomb_refused(tmp_path):
    assert _reason(hf.xlsx_bomb(tmp_path / "bang.xlsx", 300 * 2**20)) == \
        "ZIP package unpacks to more than 200 MiB (zip bomb?)"


def test_odt_bomb_refused_before_libreoffice(tmp_path, no_libreoffice):
    assert _reason(hf.odt_bomb(tmp_path / "bomb.odt", 300 * 2**20)) == \
        "ZIP package unpacks to more than 200 MiB (zip bomb?)"


def test_odt_whose_directory_understates_a_size_refused_before_libreoffice(tmp_path, no_libreoffice):
    # LibreOffice trusts the stream, not the directory: the check streams every member and its CRC
    f = hf.zip_package(tmp_path / "lies.odt", {"mimetype": "application/vnd.oasis.opendocument.text",
                                              "content.xml": "<a>" + "x" * 200_000 + "</a>"},
                       declared={"content.xml": 1000})
    assert _reason(f).startswith("not a valid .odt file (damaged ZIP member content.xml: ")


def test_every_corpus_docx_passes_the_check():
    for f in sorted((CORPUS / "files").glob("*.docx")):
        limits.check_package(f.read_bytes(), ".docx")  # raises on a refusal


def test_web_upload_import_refuses_the_bomb_with_the_same_reason(tmp_path):
    from pipeline.store import open_store
    from pipeline.web.importing import import_one

    bomb = hf.docx_bomb(tmp_path / "bomb.docx", 1_150_000_000)
    store = open_store(f"sqlite:///{tmp_path / 'v.db'}", create=True)
    results = []
    peak = _peak(lambda: results.append(import_one(store, bomb)))
    assert results[0].doc_id is None and results[0].message == "ZIP package unpacks to more than 200 MiB (zip bomb?)"
    assert peak < 64 * 2**20


def test_svg_image_with_a_doctype_is_not_refused(tmp_path):
    import zipfile

    src = CORPUS / "files" / "009_sct_CV-597-HC-QLHC-CucHoaChat.docx"
    f = tmp_path / "with_svg.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in zin.infolist():
            zout.writestr(i, zin.read(i))
        zout.writestr("word/media/image9.svg", '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                      '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>')
    assert load(f).text == load(src).text
