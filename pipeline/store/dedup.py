"""One record per document: which stored document a file is another copy of,
and which of a document's files gives the best text.

Two files are the same document when
- their bytes are the same (content hash), or
- their headers name the same document: number (its key, which holds the
  type), issuer and issue date, all four read, or
- their texts are near-identical: Jaccard similarity of their word 3-shingles
  (diacritics and case folded) at least 0.9. Candidates are found through
  MinHash locality-sensitive hashing (128 hashes in 16 bands of 8, one indexed
  row per band in `document_bands`), then checked on the exact shingle sets,
  so a lookup costs a few indexed reads however large the archive; texts of
  fewer than 50 words never match this way (an empty scan is not a twin of
  another empty scan).

A document's text is the best of its files (`quality`): a read text over one
still waiting for OCR, a text layer over OCR, an office file over a PDF over a
web page over a plain-text copy, then fewer warnings, then the longer text;
equal files keep the one with the smaller path, so the outcome does not depend on import order.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass

import numpy as np

from pipeline.store.searchtext import search_words

SHINGLE = 3
THRESHOLD = 0.9
MIN_SHINGLES = 50
BANDS, ROWS = 16, 8
_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20260713)
_A = _rng.integers(1, _PRIME, size=BANDS * ROWS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=BANDS * ROWS, dtype=np.uint64)

# how a format's text is usually read: an office file keeps tables and order, a PDF
# text layer its layout, a web page loses some, a plain-text copy the most
FORMAT_RANK = {"docx": 4, "doc": 4, "odt": 4, "rtf": 4, "pdf": 3, "html": 2, "htm": 2, "md": 1, "txt": 1}

_OCR_WARNING = re.compile(r"^OCR \(Tesseract[^)]*\) on page\(s\) ([\d, ]+?)(?:; mean word confidence ([\d.]+))?$")


def shingles(text: str) -> set[int]:
    """Word 3-shingles of a text (folded), as 32-bit hashes."""
    w = search_words(text)
    return {zlib.crc32(" ".join(w[i:i + SHINGLE]).encode()) for i in range(len(w) - SHINGLE + 1)}


def bands(sh: set[int]) -> list[str]:
    """The LSH band keys of a shingle set; none for a text too short to compare."""
    if len(sh) < MIN_SHINGLES:
        return []
    x = np.fromiter(sh, dtype=np.uint64, count=len(sh))
    sig = np.empty(BANDS * ROWS, dtype=np.uint64)
    for i in range(0, len(x), 4096):  # bounded memory on a long text
        part = ((_A[:, None] * x[None, i:i + 4096] + _B[:, None]) % _PRIME).min(axis=1)
        sig = part if i == 0 else np.minimum(sig, part)
    return [f"{b}:{hashlib.blake2b(sig[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8).hexdigest()}"
            for b in range(BANDS)]


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def ocr_info(warnings: list[str]) -> tuple[int, float | None]:
    """(pages whose text came from OCR, Tesseract's mean word confidence 0-100) from a reader's warnings."""
    pages, conf = 0, None
    for w in warnings:
        m = _OCR_WARNING.match(w)
        if m:
            pages += len([p for p in m.group(1).split(",") if p.strip()])
            if m.group(2):
                conf = float(m.group(2))
    return pages, conf


def ocr_missing(status: str, warnings: list[str]) -> bool:
    """Stored without OCR because none could run (not because OCR failed on a page)."""
    return status == "needs_ocr" and any("have no text layer (" in w for w in warnings)


@dataclass(frozen=True, order=True)
class Quality:
    """Greater is better; compared field by field."""

    read: int  # 1: status ok, 0: pages wait for OCR
    layer: int  # 1: no page OCR'd
    format: int
    fewer_warnings: int  # minus the number of warnings
    chars: int  # the longer text (a whole document over an extract)

    @staticmethod
    def of(fmt: str | None, status: str | None, ocr_pages: int | None, n_warnings: int | None,
           chars: int | None) -> Quality:
        return Quality(1 if status == "ok" else 0, 0 if ocr_pages else 1, FORMAT_RANK.get((fmt or "").lower(), 0),
                       -(n_warnings or 0), chars or 0)


def better(q: Quality, path: str, than_q: Quality, than_path: str) -> bool:
    """Whether a file of quality `q` at `path` should give its document's text rather than the other."""
    return q > than_q or (q == than_q and path < than_path)


def same_document(store, doc_key: str | None, issuer_key: str | None, issue_date: str | None,
                  sh: set[int], band_keys: list[str], exclude: int | None = None) -> int | None:
    """The stored document these header values or this text belong to, if any."""
    if doc_key and issuer_key and issue_date:
        row = store.one("SELECT MIN(id) AS id FROM documents WHERE doc_key = ? AND issuer_key = ? AND issue_date = ?"
                        + (" AND id <> ?" if exclude else ""),
                        (doc_key, issuer_key, issue_date, *((exclude,) if exclude else ())))
        if row and row["id"] is not None:
            return row["id"]
    if not band_keys:
        return None
    cands = store.query(f"SELECT document_id, COUNT(*) AS n FROM document_bands WHERE band_key IN "
                        f"({', '.join('?' * len(band_keys))}) GROUP BY document_id ORDER BY n DESC, document_id",
                        band_keys)
    for c in cands[:20]:
        if c["document_id"] == exclude:
            continue
        text = store.scalar("SELECT text FROM documents WHERE id = ?", (c["document_id"],))
        if text is not None and jaccard(sh, shingles(text)) >= THRESHOLD:
            return c["document_id"]
    return None


def write_bands(store, doc_id: int, band_keys: list[str]) -> None:
    store.execute("DELETE FROM document_bands WHERE document_id = ?", (doc_id,))
    for k in band_keys:
        store.execute("INSERT INTO document_bands (document_id, band_key) VALUES (?, ?) ON CONFLICT DO NOTHING",
                      (doc_id, k))


__all__ = ["Quality", "bands", "better", "jaccard", "ocr_info", "ocr_missing", "same_document", "shingles", "write_bands"]
