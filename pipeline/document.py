"""The one typed document every format is read into.

Ingestion produces raw text (what the file itself says), normalisation turns it
into `Document.text`, and `Document.offsets` maps any offset of `text` back to
the raw text, so every extracted value can be checked against the source.
"""

from __future__ import annotations

import bisect
import hashlib
import os
from dataclasses import dataclass, field
from typing import Literal

from pipeline.plain import plain

BlockKind = Literal["paragraph", "table_cell", "page_break", "header", "footer", "text_box"]
Status = Literal["ok", "needs_ocr", "error"]


@dataclass
class Block:
    """A run of `Document.text` with the layout unit it came from."""

    kind: BlockKind
    start: int
    end: int
    page: int | None = None
    table: int | None = None  # index of the table in body order
    row: int | None = None
    col: int | None = None


@dataclass
class OffsetMap:
    """Piecewise-linear map from normalised offsets to raw offsets.

    Stored as anchors (norm_offset, raw_offset): between anchors offsets move in
    step, which keeps the map small for long documents where edits are rare.
    """

    norm: list[int] = field(default_factory=lambda: [0])
    raw: list[int] = field(default_factory=lambda: [0])

    def add(self, norm_pos: int, raw_pos: int) -> None:
        if self.norm and self.norm[-1] == norm_pos:
            self.raw[-1] = raw_pos
            return
        if self.norm and norm_pos - self.norm[-1] == raw_pos - self.raw[-1]:
            return  # still in step: no anchor needed
        self.norm.append(norm_pos)
        self.raw.append(raw_pos)

    def to_raw(self, pos: int) -> int:
        i = bisect.bisect_right(self.norm, pos) - 1
        if i < 0:
            return pos
        return self.raw[i] + (pos - self.norm[i])

    def then(self, inner: OffsetMap) -> OffsetMap:
        """The map of this map followed by `inner` (this: text → middle, inner: middle → raw).

        Both maps move in step between their anchors, so the composite needs anchors only at
        this map's anchors and at the images of `inner`'s.
        """
        if len(self.norm) == 1 and self.norm[0] == self.raw[0] == 0:
            return inner
        points = set(self.norm) | {self.to_norm(m) for m in inner.norm}
        out = OffsetMap()
        for p in sorted(points):
            out.add(p, inner.to_raw(self.to_raw(p)))
        return out

    def to_norm(self, raw_pos: int) -> int:
        """Inverse of `to_raw`; a raw offset inside a dropped run maps to its start."""
        i = bisect.bisect_right(self.raw, raw_pos) - 1
        if i < 0:
            return raw_pos
        pos = self.norm[i] + (raw_pos - self.raw[i])
        return min(pos, self.norm[i + 1]) if i + 1 < len(self.norm) else pos


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """`text` with its edits (start, end, replacement; sorted, not overlapping) made, and the map of
    the new text's offsets back into `text`."""
    out: list[str] = []
    omap = OffsetMap()
    add = omap.add
    pos = last = 0
    for start, end, rep in edits:
        out += (text[last:start], rep)
        pos += start - last
        add(pos, start)
        pos += len(rep)
        add(pos, end)
        last = end
    out.append(text[last:])
    return "".join(out), omap


@dataclass
class Document:
    """A source file read and normalised, ready for segmentation and extraction."""

    source_path: str
    format: str  # txt, docx, doc, pdf, html, ...
    text: str = ""
    raw_text: str = ""
    encoding: str | None = None
    blocks: list[Block] = field(default_factory=list)
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    status: Status = "ok"
    content_hash: str = ""
    offsets: OffsetMap = field(default_factory=OffsetMap)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in `raw_text` of a span of `text`."""
        return self.offsets.to_raw(start), self.offsets.to_raw(end)

    def to_dict(self, with_raw: bool = False) -> dict:
        return plain(self, frozenset({"offsets"} if with_raw else {"offsets", "raw_text"}))


def storable_path(path: str | os.PathLike) -> str:
    """`path` as text that any database, JSON file or terminal takes.

    A file name that is not valid UTF-8 reaches Python with surrogate escapes
    (PEP 383), which cannot be encoded; its bad bytes are written as `\\xNN`.
    """
    s = os.fspath(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", "backslashreplace")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
