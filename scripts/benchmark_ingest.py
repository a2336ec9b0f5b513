"""Ingestion throughput and memory on the corpus (not a test).

    python scripts/benchmark_ingest.py [--corpus corpus] [--no-ocr] [--ocr-pages 3] [--rounds 6]

Prints documents/second for text and DOCX files, pages/second for PDF text
layers (vanban's reader, and raw pypdfium2 / pdfplumber extraction for
comparison) and for OCR, with the peak Python memory of one document
(tracemalloc) and the process's peak RSS.

vanban's PDF reader and raw pypdfium2 (open, every page's text) are also
timed head to head in CPU time (time.process_time), in interleaved rounds,
so that the load of other processes on the machine cancels out of the ratio.
OCR is timed in wall time (Tesseract runs in subprocesses) one page after
another and with the page pool (VANBAN_OCR_WORKERS, default the CPU count).
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


def pdf_cpu_ratio(pdfs: list[Path], raw: Callable, rounds: int) -> None:
    """CPU seconds of vanban's reader against raw pypdfium2, interleaved."""
    from pipeline.ingest.pdf import read_pdf

    datas = [p.read_bytes() for p in pdfs]
    pages = sum(raw(p) for p in pdfs)
    cpu = {"raw pypdfium2": 0.0, "vanban read_pdf": 0.0}
    for _ in range(rounds):
        t = time.process_time()
        for d in datas:
            raw(d)
        cpu["raw pypdfium2"] += time.process_time() - t
        t = time.process_time()
        for d in datas:
            read_pdf(d, ocr=False)
        cpu["vanban read_pdf"] += time.process_time() - t
    for label, secs in cpu.items():
        print(f"pdf CPU, {rounds} interleaved rounds: {label:<16}{pages * rounds / secs:8.1f} pages/s")
    print(f"pdf CPU ratio vanban / raw pypdfium2: {cpu['vanban read_pdf'] / cpu['raw pypdfium2']:.2f}x")


def ocr_parallel(scanned: list[Path]) -> None:
    """Whole scanned PDFs read with OCR one page at a time and with the page pool
    (wall time; the Tesseract processes' CPU is counted apart)."""
    import os

    from pipeline.ingest.pdf import read_pdf

    workers = int(os.environ.get("VANBAN_OCR_WORKERS") or os.cpu_count() or 1)
    pages = 0
    texts = {}
    for n in (1, workers):
        t, c = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        out = [read_pdf(p.read_bytes(), ocr=True, ocr_workers=n) for p in scanned]
        wall = time.perf_counter() - t
        c2 = resource.getrusage(resource.RUSAGE_CHILDREN)
        pages = sum(r.pages for r in out)
        texts[n] = [r.text for r in out]
        print(f"pdf OCR, whole scans, {n} Tesseract at once: {pages} pages in {wall:6.1f} s wall = "
              f"{pages / wall:5.2f} pages/s (Tesseract CPU {c2.ru_utime - c.ru_utime:6.1f} s)")
    print(f"pdf OCR: same text with 1 and {workers} at once: {texts[1] == texts[workers]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    ap.add_argument("--no-ocr", action="store_true", help="skip the OCR measurement")
    ap.add_argument("--ocr-pages", type=int, default=3, help="scanned pages to OCR (default 3)")
    ap.add_argument("--rounds", type=int, default=6, help="interleaved rounds of the PDF CPU comparison")
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
    pdf_cpu_ratio(text_pdfs, pdfium_text, args.rounds)
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
            ocr_parallel([p for p in pdfs if p not in text_pdfs])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
