"""Read any archive file into a normalised `Document`.

`load(path)` picks a reader by content first and extension second (a .docx
that is really random bytes is an error, not a crash), normalises the text and
maps layout blocks onto the normalised offsets.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.document import Document, content_hash
from pipeline.ingest.errors import IngestError
from pipeline.ingest.raw import RawText
from pipeline.normalise import normalise

__all__ = ["IngestError", "load", "SUPPORTED"]

SUPPORTED = {".txt", ".text", ".md", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".html", ".htm", ".xhtml"}
MAX_BYTES = 200 * 1024 * 1024


def _reader(fmt: str):
    if fmt == "txt":
        from pipeline.ingest.text import read_text
        return read_text
    raise IngestError(f"unsupported format {fmt!r}")


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


def load(path: str | Path) -> Document:
    """Read, decode and normalise one file. Raises `IngestError` with a one-line reason."""
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
    data = p.read_bytes()
    fmt = sniff_format(p, data)
    try:
        raw: RawText = _reader(fmt)(data, p)
    except IngestError as e:
        e.path = e.path or p
        raise
    except Exception as e:  # a reader's library failed on a damaged file
        raise IngestError(f"cannot read {fmt}: {type(e).__name__}: {e}", p) from e
    text, omap = normalise(raw.text)
    doc = Document(
        source_path=str(p), format=fmt, text=text, raw_text=raw.text, encoding=raw.encoding,
        pages=raw.pages, warnings=list(raw.warnings), status=raw.status,
        content_hash=content_hash(data), offsets=omap,
    )
    doc.blocks = [b for b in (raw.block_to_norm(b, omap, len(text)) for b in raw.blocks) if b is not None]
    if not text.strip() and doc.status == "ok":
        raise IngestError("no text in file", p)
    return doc
