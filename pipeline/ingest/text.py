"""Plain text files: decode bytes, whatever encoding an office used."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest.errors import IngestError
from pipeline.ingest.raw import RawText


def read_text(data: bytes, path: Path | None = None) -> RawText:
    if data.startswith(b"\xef\xbb\xbf"):
        return RawText(data[3:].decode("utf-8"), encoding="utf-8-sig")
    try:
        return RawText(data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError as e:
        raise IngestError(f"unknown text encoding ({e.reason} at byte {e.start})", path) from e
