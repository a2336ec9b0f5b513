"""Ingestion throughput and memory on the corpus (not a test).

    python scripts/benchmark_ingest.py [--corpus corpus] [--no-ocr] [--ocr-pages 3]

Prints documents/second for text and DOCX files, pages/second for PDF text
layers (vanban's reader, and raw pypdfium2 / pdfplumber extraction for
comparison) and for OCR, with the peak Python memory of one document
(tracemalloc) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path


def measure(label: str, items: list, fn: Callable, unit: str, count: Callable = lambda r: 1,
            memory: bool = True) -> None:
    """Time one untraced pass; then, if asked, a second pass under tracemalloc
    (which slows Python code several times) for the peak memory of one item."""
    t = time.perf_counter()
    n = sum(count(fn(item)) for item in items)
    elapsed = time.perf_counter() - t
    rate = n / elapsed if elapsed else float("inf")
    line = f"{label:<36}{n:>5} {unit:<6}{elapsed:>7.2f} s{rate:>8.1f} {unit}/s"
    if memory:
        peak = 0
        for item in items:
            tracemalloc.start()
            fn(item)
            peak = max(peak, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        line += f"   peak/item {peak / 2**20:6.1f} MiB"
    print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    ap.add_argument("--no-ocr", action="store_true", help="skip the OCR measurement")
    ap.add_argument("--ocr-pages", type=int, default=3, help="scanned pages to OCR (default 3)")
    args = ap.parse_args()

    import pdfplumber
    import pypdfium2 as pdfium

    from pipeline.ingest import load
    from pipeline.ingest import ocr as ocr_mod
    from pipeline.ingest.pdf_layout import read_columns
    from pipeline.ingest.text import read_text

    corpus = Path(args.corpus)
    texts = sorted(corpus.glob("docs/*/*.txt"))
    docxs = sorted(corpus.glob("files/*.docx"))
    pdfs = sorted(corpus.glob("files/*.pdf"))
    text_pdfs = [p for p in pdfs if load(p, ocr=False).status == "ok"]
    mb = sum(p.stat().st_size for p in texts) / 2**20
    print(f"corpus: {len(texts)} text files ({mb:.1f} MiB), {len(docxs)} DOCX, {len(pdfs)} PDF "
          f"({len(text_pdfs)} with a full text layer)\n")

    measure("text: decode only (read_text)", texts, lambda p: read_text(p.read_bytes()), "docs")
    measure("text: load (decode + normalise)", texts, load, "docs")
    measure("docx: load", docxs, load, "docs")
    measure("pdf text layer: load", text_pdfs, lambda p: load(p, ocr=False), "pages", lambda d: d.pages)

    def pdfium_text(p: Path) -> int:
        pdf = pdfium.PdfDocument(p)
        for page in pdf:
            page.get_textpage().get_text_bounded()
        return len(pdf)

    def plumber_text(p: Path) -> int:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()
            return len(pdf.pages)

    def plumber_columns(p: Path) -> int:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                read_columns(page.extract_words(), float(page.width))
            return len(pdf.pages)

    measure("pdf text layer: raw pypdfium2", text_pdfs, pdfium_text, "pages", lambda n: n, memory=False)
    measure("pdf text layer: raw pdfplumber", text_pdfs, plumber_text, "pages", lambda n: n, memory=False)
    measure("pdf columns via pdfplumber words", text_pdfs, plumber_columns, "pages", lambda n: n, memory=False)

    if not args.no_ocr:
        why = ocr_mod.available()
        if why:
            print(f"OCR: skipped ({why})")
        else:
            scanned = [p for p in pdfs if p not in text_pdfs and p.name[:3] in {"028", "029", "077"}]
            pages = [(p, i) for p in scanned for i in range(len(pdfium.PdfDocument(p)))][: args.ocr_pages]

            def ocr_page(item) -> int:
                path, i = item
                page = pdfium.PdfDocument(path)[i]
                image = page.render(scale=ocr_mod.DPI / 72, grayscale=True).to_pil()
                read_columns(ocr_mod.ocr_words(image), page.get_size()[0])
                return 1

            measure(f"pdf OCR at {ocr_mod.DPI} dpi (Tesseract vie)", pages, ocr_page, "pages", lambda n: n,
                    memory=False)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
