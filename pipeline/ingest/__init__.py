"""Read any archive file into a normalised `Document`.

`load(path)` picks a reader by content first and extension second (a .docx
that is really random bytes is an error, not a crash), normalises the text and
maps layout blocks onto the normalised offsets. Readers: text.py (UTF-8/16,
CP1258, TCVN3, VNI), docx.py, pdf.py (+ ocr.py for scans), html.py, office.py
(.doc/.rtf/.odt through LibreOffice).
"""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from pathlib import Path

from pipeline.document import Document, content_hash, storable_path
from pipeline.ingest.errors import IngestError
from pipeline.ingest.limits import check_text
from pipeline.ingest.raw import RawText
from pipeline.layout import delayout
from pipeline.normalise import normalise

__all__ = ["IngestError", "find_files", "load", "SUPPORTED"]

SUPPORTED = {".txt", ".text", ".md", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".html", ".htm", ".xhtml"}
MAX_BYTES = 200 * 1024 * 1024
# Extraction costs about 20 s per MB of dense Vietnamese text (measured on the
# whole corpus as one text, mostly tasks and references): a bigger text file
# is an export of many documents, refused at once with a reason rather than
# after many minutes.
MAX_TEXT_BYTES = 16 * 1024 * 1024


def _reader(fmt: str, ocr: bool):
    if fmt == "txt":
        from pipeline.ingest.text import read_text
        return read_text
    if fmt == "docx":
        from pipeline.ingest.docx import read_docx
        return read_docx
    if fmt == "pdf":
        from pipeline.ingest.pdf import read_pdf
        return lambda data, path: read_pdf(data, path, ocr=ocr)
    if fmt == "html":
        from pipeline.ingest.html import read_html
        return read_html
    if fmt in ("doc", "rtf", "odt"):
        from pipeline.ingest.office import read_office
        return lambda data, path: read_office(data, path, fmt=fmt)
    raise IngestError(f"unsupported format {fmt!r}")


def _ocr_default() -> bool:
    """OCR unless VANBAN_OCR=0 (tests and quick runs skip the slow scans)."""
    return os.environ.get("VANBAN_OCR", "1").strip().lower() not in {"0", "false", "no", "off"}


def sniff_format(path: Path, data: bytes) -> str:
    """Format from the bytes when they are telling, else from the extension."""
    ext = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "odt" if ext == ".odt" else "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or ext in {".html", ".htm", ".xhtml"}:
        return "html"
    return {".docx": "docx", ".doc": "doc", ".rtf": "rtf", ".odt": "odt", ".pdf": "pdf"}.get(ext, "txt")


def load(path: str | Path, ocr: bool | None = None) -> Document:
    """Read, decode and normalise one file. Raises `IngestError` with a one-line reason.

    `ocr=False` leaves scanned PDF pages unread (status "needs_ocr"); None
    follows the VANBAN_OCR environment variable (default on).
    """
    p = Path(path)
    if not p.exists():
        raise IngestError("file does not exist", p)
    if p.is_dir():
        raise IngestError("is a directory", p)
    size = p.stat().st_size
    if size == 0:
        raise IngestError("empty file", p)
    if size > MAX_BYTES:
        raise IngestError(f"file too large ({size // 2**20} MiB > {MAX_BYTES // 2**20} MiB)", p)
    with p.open("rb") as fh:
        fmt = sniff_format(p, fh.read(4096))
    if fmt in ("txt", "html") and size > MAX_TEXT_BYTES:
        raise IngestError(f"text file too large to process ({size / 2**20:.0f} MiB > "
                          f"{MAX_TEXT_BYTES // 2**20} MiB): split it into its documents", p)
    data = p.read_bytes()
    try:
        raw: RawText = _reader(fmt, _ocr_default() if ocr is None else ocr)(data, p)
    except IngestError as e:
        e.path = e.path or p
        raise
    except Exception as e:  # a reader's library failed on a damaged file
        detail = (str(e).strip().splitlines() or [""])[0][:200]
        raise IngestError(f"cannot read {fmt}: {type(e).__name__}: {detail}", p) from e
    try:
        check_text(raw.text)  # whatever the format: a .docx or .pdf can hold as much text as a .txt
    except IngestError as e:
        e.path = p
        raise
    text, omap = normalise(raw.text)
    text, layout_map, cells = delayout(text)
    omap = layout_map.then(omap)
    doc = Document(
        source_path=storable_path(p), format=fmt, text=text, raw_text=raw.text, encoding=raw.encoding,
        pages=raw.pages, warnings=list(raw.warnings), status=raw.status,
        content_hash=content_hash(data), offsets=omap,
    )
    doc.blocks = [b for b in (raw.block_to_norm(b, omap, len(text)) for b in raw.blocks) if b is not None]
    first = 1 + max((b.table for b in doc.blocks if b.table is not None), default=-1)
    doc.blocks += [replace(c, table=c.table + first) for c in cells]  # pipe tables after the reader's own
    if not text.strip() and doc.status == "ok":
        raise IngestError("no text in file", p)
    return doc


def find_files(paths) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to read: named files as they are (whatever their extension, so a
    mislabelled file gets its own error), directories searched recursively for
    supported extensions. Returns (files, [(path, reason)])."""
    files: list[Path] = []
    errors: list[tuple[Path, str]] = []
    for s in paths:
        p = Path(s)
        if p.is_dir():
            found, dangling = [], []
            for f in p.rglob("*"):
                if f.suffix.lower() not in SUPPORTED:
                    continue
                if f.is_file():
                    found.append(f)
                elif f.is_symlink() and not f.exists():
                    dangling.append(f)
            if not found and not dangling:
                errors.append((p, "directory has no documents"))
            files.extend(sorted(found))
            errors.extend((f, _dangling(f)) for f in sorted(dangling))
        elif p.exists():
            files.append(p)
        else:
            errors.append((p, _dangling(p) if p.is_symlink() else "file does not exist"))
    return files, errors


def _dangling(link: Path) -> str:
    """Why a symbolic link leads nowhere: a loop, or a target that is gone."""
    try:
        link.resolve(strict=True)
    except RuntimeError:  # Python 3.11-3.12 raise this for a loop
        return "symbolic link loop"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
    return f"broken symbolic link (to {storable_path(os.readlink(link))}, which does not exist)"
