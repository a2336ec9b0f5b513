"""OCR you can see and finish: a scan stored while Tesseract is missing is
counted by the import ("needs OCR"), read again by `vanban import
--ocr-pending` or by a plain re-import once Tesseract runs, and the store
keeps how many pages came from OCR and Tesseract's mean word confidence.
The page is the first of CV 813 of Cục Hóa chất (corpus/files/029, a scan).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main as cli
from pipeline.ingest import ocr
from pipeline.queries import needs_ocr_count, text_origin
from pipeline.store import open_store

FILES = Path(__file__).resolve().parent.parent / "corpus" / "files"


@pytest.fixture
def scan(tmp_path) -> Path:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(next(FILES.glob("029_*.pdf")))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [0])
    docs = tmp_path / "docs"
    docs.mkdir()
    one.save(str(docs / "cv813-trang1.pdf"))
    return docs


def _import(*args) -> object:
    return CliRunner().invoke(cli, ["import", *map(str, args), "--workers", "0", "-q"])


def _doc(db) -> dict:
    with open_store(str(db), readonly=True) as s:
        d = s.one("SELECT * FROM documents")
        d["file"] = s.one("SELECT * FROM document_files")
        d["references"] = s.scalar("SELECT COUNT(*) AS n FROM doc_references")
        return d


def _no_tesseract(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: "Tesseract is not installed")


def test_a_scan_without_tesseract_is_counted_and_waits(scan, tmp_path, monkeypatch):
    _no_tesseract(monkeypatch)
    db = tmp_path / "v.db"
    r = _import(scan, "--db", db)
    assert r.exit_code == 0, r.output
    assert "1 files: 1 added" in r.output
    assert ("1 files, 1 documents, 0 duplicates of a stored document; 1 document needs OCR (Tesseract is not "
            "installed; install tesseract-ocr-vie, then `vanban import --ocr-pending`)") in r.output
    d = _doc(db)
    assert (d["status"], d["ocr_pages"], d["ocr_confidence"]) == ("needs_ocr", 0, None)
    assert (d["file"]["status"], d["file"]["ocr_missing"]) == ("needs_ocr", 1)
    assert "Cục Hải quan" not in d["text"]
    with open_store(str(db), readonly=True) as s:
        assert needs_ocr_count(s) == 1 and text_origin(s, d["id"]).needs_ocr
    r = _import(scan, "--db", db)  # still no Tesseract: nothing to do
    assert "1 unchanged" in r.output and "1 document needs OCR" in r.output
    r = _import("--ocr-pending", "--db", db)
    assert r.exit_code == 1 and "cannot OCR the pending documents: Tesseract is not installed" in r.output
    r = CliRunner().invoke(cli, ["import", "--db", str(db)])
    assert r.exit_code == 2 and "--ocr-pending" in r.output


def test_a_page_ocr_failed_on_is_read_again_with_ocr_pending(scan, tmp_path, monkeypatch):
    """OCR ran but failed on the page: a plain re-import leaves it, --ocr-pending tries again."""
    def broken(image, dpi=300):
        raise RuntimeError("Error opening data file vie.traineddata")

    def words(image, dpi=300):  # what Tesseract would give, with its confidences
        return [{"x0": 60.0, "x1": 200.0, "top": 80.0, "bottom": 92.0, "text": "Kính gửi: Cục Hải quan",
                 "line": (1, 1, 1, 1), "conf": 91.0},
                {"x0": 60.0, "x1": 200.0, "top": 100.0, "bottom": 112.0, "text": "Cục Hóa chất có ý kiến",
                 "line": (1, 1, 2, 1), "conf": 77.0}]

    monkeypatch.setattr(ocr, "available", lambda: None)
    monkeypatch.setattr(ocr, "ocr_words", broken)
    db = tmp_path / "v.db"
    assert "1 document needs OCR (`vanban import --ocr-pending` tries again)" in _import(scan, "--db", db).output
    assert _doc(db)["file"]["ocr_missing"] == 0
    assert "1 unchanged" in _import(scan, "--db", db).output
    monkeypatch.setattr(ocr, "ocr_words", words)
    r = _import("--ocr-pending", "--db", db)
    assert r.exit_code == 0, r.output
    assert "1 files: 0 added, 1 updated" in r.output and "needs OCR" not in r.output
    d = _doc(db)
    assert d["status"] == "ok" and "Kính gửi: Cục Hải quan" in d["text"]
    assert (d["ocr_pages"], d["ocr_confidence"]) == (1, 84.0)
    assert (d["file"]["status"], d["file"]["ocr_pages"], d["file"]["ocr_confidence"]) == ("ok", 1, 84.0)
    with open_store(str(db), readonly=True) as s:
        origin = text_origin(s, d["id"])
        assert (origin.from_ocr, origin.pages, origin.ocr_confidence, origin.needs_ocr) == (True, 1, 84.0, False)
        assert needs_ocr_count(s) == 0


def _tesseract_or_skip():
    if shutil.which("tesseract") is None:
        pytest.skip("needs Tesseract")
    if ocr.available():
        pytest.skip(ocr.available())


@pytest.mark.ocr
def test_ocr_pending_reads_the_scan_once_tesseract_is_there(scan, tmp_path, monkeypatch):
    _tesseract_or_skip()
    _no_tesseract(monkeypatch)
    db = tmp_path / "v.db"
    _import(scan, "--db", db)
    assert _doc(db)["status"] == "needs_ocr"
    monkeypatch.undo()  # Tesseract is installed now
    r = _import("--ocr-pending", "--db", db)  # no paths: the stored files that wait for OCR
    assert r.exit_code == 0, r.output
    assert "1 files: 0 added, 1 updated" in r.output and "needs OCR" not in r.output
    d = _doc(db)
    assert d["status"] == "ok" and "Cục Hải quan" in d["text"]
    assert (d["issuer"], d["doc_type"]) == ("Cục Hóa chất", "Công văn")
    assert d["references"] >= 1  # the records arrive with the text
    assert d["ocr_pages"] == 1 and 50 < d["ocr_confidence"] <= 100
    assert d["file"]["ocr_missing"] == 0
    assert "1 unchanged" in _import(scan, "--db", db).output


@pytest.mark.ocr
def test_a_plain_reimport_ocrs_what_waited_for_tesseract(scan, tmp_path, monkeypatch):
    _tesseract_or_skip()
    _no_tesseract(monkeypatch)
    db = tmp_path / "v.db"
    _import(scan, "--db", db)
    monkeypatch.undo()
    r = _import(scan, "--db", db)
    assert "1 files: 0 added, 1 updated, 0 unchanged" in r.output
    d = _doc(db)
    assert d["status"] == "ok" and d["ocr_pages"] == 1 and "Cục Hải quan" in d["text"]


def test_web_upload_of_a_scan_says_it_needs_ocr(scan, tmp_path, monkeypatch):
    pytest.importorskip("flask")
    from pipeline.web.importing import import_one

    _no_tesseract(monkeypatch)
    with open_store(str(tmp_path / "v.db"), create=True) as s:
        res = import_one(s, next(scan.iterdir()))
        assert res.doc_id is not None
        assert res.message == "Đã nhập nhưng chưa đọc được chữ: văn bản quét cần OCR (Tesseract is not installed)"
