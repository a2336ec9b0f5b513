"""OCR of scanned pages with the Tesseract command line (language `vie`).

The CLI is called directly (image on stdin, text on stdout): no Python binding
is needed, and a missing or language-less Tesseract is reported, not raised.
Each Tesseract runs on one core (OMP_THREAD_LIMIT=1); `PagePool` runs several
pages at once, one Tesseract process per page, from threads that only wait on
them. Where the pages go can be changed (`use_submitter`): the Dask executor
sends them to the cluster's workers.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

DPI = 300
TIMEOUT_S = 120


@functools.cache
def available() -> str | None:
    """None when Tesseract with Vietnamese can run, else why not."""
    exe = shutil.which("tesseract")
    if not exe:
        return "Tesseract is not installed"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as e:
        return f"Tesseract does not run ({e})"
    return None if "vie" in langs else "Tesseract has no Vietnamese (vie) language data"


def png(image) -> bytes:
    """The page image as Tesseract is given it."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _run(image: bytes, *config: str) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
    proc = subprocess.run(
        [shutil.which("tesseract") or "tesseract", "stdin", "stdout", "-l", "vie", "--psm", "3",
         "--dpi", str(DPI), *config],
        input=image, capture_output=True, timeout=TIMEOUT_S, env=env,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(err[-1] if err else "tesseract failed")
    return proc.stdout.decode("utf-8", "replace")


def _noise(word: str, conf: float) -> bool:
    """Specks, rules and stamp edges read as words: very low confidence, or no letter or digit at a middling
    one. A word of three letters or more is kept however unsure Tesseract is: a heading in capitals with
    marks ("NÔNG NGHIỆP" read as "NÓNG NGHIẸP" at 8%) is still the heading's words."""
    if conf < 15:
        return not (len(word) >= 3 and word.isalpha())
    return conf < 50 and not any(c.isalnum() for c in word)


def ocr_words(image, dpi: int = DPI) -> list[dict]:
    """Words of a PIL image with their boxes in PDF points (x0, x1, top, bottom, text,
    Tesseract's line id and its confidence 0-100 in `conf`), the shape the text layer's words have, so scans
    go through the same column reading."""
    return png_words(png(image), dpi)


def png_words(data: bytes, dpi: int = DPI) -> list[dict]:
    """`ocr_words` of a PNG image (what is sent to another thread or machine)."""
    scale = 72 / dpi
    words = []
    for row in _run(data, "tsv").splitlines()[1:]:
        f = row.split("\t")
        if len(f) != 12 or f[0] != "5" or not f[11].strip():
            continue
        if _noise(f[11].strip(), float(f[10])):
            continue
        left, top, width, height = (int(v) for v in f[6:10])
        words.append({"x0": left * scale, "x1": (left + width) * scale, "top": top * scale,
                      "bottom": (top + height) * scale, "text": f[11].strip(), "line": tuple(f[1:5]),
                      "conf": float(f[10])})
    return words


def default_workers() -> int:
    """Pages OCR'd at once: VANBAN_OCR_WORKERS, else the CPU count (the importer
    gives each of its worker processes its share of the cores)."""
    try:
        n = int(os.environ.get("VANBAN_OCR_WORKERS", "0"))
    except ValueError:
        n = 0
    return n if n > 0 else (os.cpu_count() or 1)


# (submit(fn, *args) -> a future with .result() and .done(), pages in flight); None: local threads
_submitter: contextvars.ContextVar[tuple[Callable, int] | None] = contextvars.ContextVar(
    "vanban_ocr_submitter", default=None)


@contextlib.contextmanager
def use_submitter(submit: Callable, workers: int) -> Iterator[None]:
    """OCR the pages of the documents read inside this block (this thread) with
    `submit` (e.g. a Dask client's), up to `workers` pages in flight per document."""
    token = _submitter.set((submit, max(1, workers)))
    try:
        yield
    finally:
        _submitter.reset(token)


class PagePool:
    """Pages of one document OCR'd in parallel, at most `workers` at a time (the
    caller blocks in `add` until one finishes, so rendered images do not pile
    up). The same words as one page after another: each page is its own
    Tesseract run."""

    def __init__(self, workers: int | None = None):
        remote = _submitter.get()
        self.workers = max(1, workers or (remote[1] if remote else default_workers()))
        submit = remote[0] if remote else None
        self._threads = None
        if submit is None:
            self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="vanban-ocr")
            submit = self._threads.submit
        self._submit = submit
        self._futures: dict[object, object] = {}

    def add(self, key, image) -> None:
        pending = [f for f in self._futures.values() if not f.done()]
        while len(pending) >= self.workers:
            _wait(pending[0])
            pending = [f for f in pending if not f.done()]
        if self._threads is not None:  # the PNG is encoded in the thread too
            self._futures[key] = self._submit(ocr_words, image)
        else:  # to another process or machine: the compressed image travels
            self._futures[key] = self._submit(png_words, png(image))

    def results(self) -> dict:
        """key -> words, or the exception its page raised."""
        out = {}
        for key, fut in self._futures.items():
            try:
                out[key] = fut.result()
            except Exception as e:
                out[key] = e
        return out

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
        for fut in self._futures.values():
            if not fut.done() and hasattr(fut, "cancel"):
                fut.cancel()


def _wait(fut) -> None:
    try:
        fut.result()
    except Exception:
        pass  # reported by results()
