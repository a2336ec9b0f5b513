"""The PDF reader at the library's speed: every page loaded once (again only
after its form fields were flattened into it), no per-character wrapper calls,
the layout pass on the header and signature pages only; scanned pages OCR'd
several at a time with the same words as one after another."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.ingest import load
from pipeline.ingest import ocr as ocr_mod
from pipeline.ingest import pdf as pdf_mod

FILES = Path(__file__).resolve().parent.parent / "corpus" / "files"


@pytest.fixture
def page_loads(monkeypatch):
    loads: list[int] = []
    get_page = pdfium.PdfDocument.get_page

    def counting(self, index):
        loads.append(index)
        return get_page(self, index)

    monkeypatch.setattr(pdfium.PdfDocument, "get_page", counting)
    return loads


def test_each_page_is_loaded_once_and_text_read_without_the_charbox_wrapper(page_loads, monkeypatch):
    def no_wrapper(*a, **k):
        raise AssertionError("per-character get_charbox wrapper called")

    monkeypatch.setattr(pdfium.PdfTextPage, "get_charbox", no_wrapper)
    # 044: six pages, one big signature field on page 1 (removed, nothing left to flatten)
    doc = load(next(FILES.glob("044_*.pdf")), ocr=False)
    assert doc.pages == 6 and page_loads == [0, 1, 2, 3, 4, 5]
    assert doc.text.startswith("CÔNG BÁO/Số")
    assert [b.col for b in doc.blocks if b.page == 1 and b.col is not None] == [0, 1]  # header read as columns


def test_a_page_with_a_stamped_number_is_loaded_again_after_flattening_only(page_loads):
    # 024: the e-office system stamped "Số" and the date into small signature fields on page 1
    doc = load(next(FILES.glob("024_*.pdf")), ocr=False)
    assert page_loads == [0, 0, 1]
    assert "7432" in doc.text.split("\n\n")[0] or "7432" in doc.text[:400]


def test_layout_words_are_those_of_the_charbox_wrapper():
    """The fast word reader gives exactly the words the pypdfium2 wrapper gives."""
    pdf = pdfium.PdfDocument(next(FILES.glob("030_*.pdf")))
    page = pdf[0]
    tp = page.get_textpage()
    fast = pdf_mod._page_words(tp, page.get_size()[1])
    text = tp.get_text_range(0, tp.count_chars())
    slow = []
    for i, ch in enumerate(text):
        if not (ch.isspace() or ch in "\ufffe\ufffd"):
            slow.append((ch, tp.get_charbox(i, loose=True)))
    assert "".join(w["text"] for w in fast) == "".join(ch for ch, _ in slow)
    assert fast[0]["x0"] == slow[0][1][0] and len(fast) > 100


def test_pages_are_ocrd_in_parallel_bounded_by_the_workers(monkeypatch):
    """Tesseract stood in for by a slow function: pages overlap, never more than
    `ocr_workers` at once, and the result is the same as one page at a time."""
    running, peak, want, cond = [0], [0], [1], threading.Condition()

    def slow_words(image, dpi=300):
        with cond:  # each page waits (up to 1.5 s) for `want` pages to be running together
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            cond.notify_all()
            cond.wait_for(lambda: running[0] >= want[0], timeout=1.5)
        time.sleep(0.05)
        with cond:
            running[0] -= 1
        w = image.size[0] * 72 / 300
        return [{"x0": 10.0, "x1": 60.0, "top": 10.0, "bottom": 20.0, "text": f"w{image.size[0]}", "line": (1, 1, 1, 1)},
                {"x0": w - 60, "x1": w - 10, "top": 10.0, "bottom": 20.0, "text": "phai", "line": (1, 1, 1, 1)}]

    monkeypatch.setattr(ocr_mod, "available", lambda: None)
    monkeypatch.setattr(ocr_mod, "ocr_words", slow_words)
    data = next(FILES.glob("052_*.pdf")).read_bytes()  # five pages, three of them scans
    seq = pdf_mod.read_pdf(data, ocr=True, ocr_workers=1)
    assert peak[0] == 1
    peak[0], want[0] = 0, 3
    par = pdf_mod.read_pdf(data, ocr=True, ocr_workers=3)
    assert peak[0] == 3
    assert (par.text, par.blocks, par.warnings, par.status) == (seq.text, seq.blocks, seq.warnings, seq.status)
    assert par.warnings == ["OCR (Tesseract vie) on page(s) 1, 3, 4"]


@pytest.mark.ocr
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")
def test_parallel_ocr_of_a_real_scan_reads_the_same_as_sequential():
    if ocr_mod.available():
        pytest.skip(ocr_mod.available())
    data = next(FILES.glob("029_*.pdf")).read_bytes()  # CV 813 of Cục Hóa chất, two scanned pages
    seq = pdf_mod.read_pdf(data, ocr=True, ocr_workers=1)
    par = pdf_mod.read_pdf(data, ocr=True, ocr_workers=2)
    assert par.text == seq.text and par.blocks == seq.blocks and par.warnings == seq.warnings
    assert par.text.startswith("BỘ CÔNG THƯƠNG\nCỤC HÓA CHẤT")


def test_an_unsure_word_of_letters_is_kept_specks_are_not():
    from pipeline.ingest.ocr import _noise

    assert not _noise("NÓNG", 8.9) and not _noise("NGHIẸP", 8.0)  # a heading's words OCR'd with wrong marks
    assert _noise("_", 40.0)  # a rule at a middling confidence is noise
    assert _noise("ŒT", 9.0) and _noise("|", 5.0) and _noise("7.", 12.0)
