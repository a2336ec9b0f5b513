"""Word .docx: paragraphs and tables in body order, as layout blocks.

Vietnamese documents put the issuer / national motto and the signature in
two-column borderless tables; each cell is its own block, read whole (left
cell, then right) so "ỦY BAN NHÂN DÂN / TỈNH LÀO CAI" stays together. Merged
cells are read once; text boxes follow the paragraph that anchors them;
headers and footers go at the end so page furniture does not precede the
document's own header.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.ingest.encodings import legacy_converter, repair_mojibake
from pipeline.ingest.errors import IngestError
from pipeline.ingest.limits import check_ole, check_package
from pipeline.ingest.raw import RawText, TextBuilder

_P, _TBL, _SDT, _TC, _TR = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tc"), qn("w:tr")
_T, _TAB, _BR, _CR, _TXBX = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:txbxContent")
_PTAB, _NBH, _R, _RFONTS = qn("w:ptab"), qn("w:noBreakHyphen"), qn("w:r"), qn("w:rFonts")


def _font_name(rfonts) -> str | None:
    if rfonts is None:
        return None
    return rfonts.get(qn("w:ascii")) or rfonts.get(qn("w:hAnsi"))


def _run_font(run) -> str | None:
    rpr = run.find(qn("w:rPr"))
    return _font_name(rpr.find(_RFONTS)) if rpr is not None else None
# Deleted revisions, properties, and the VML copy of shapes drawn by DrawingML.
_SKIP = {qn("w:del"), qn("w:pPr"), qn("w:rPr"), qn("w:instrText"),
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


class _Reader:
    def __init__(self, document) -> None:
        self.doc = document
        self.out = TextBuilder()
        self.tables = 0
        fonts = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        self.default_font = _font_name(fonts)

    def container(self, element, parent, **where) -> None:
        """Paragraphs and tables of a body, cell, header or content control, in order."""
        cell_lines: list[str] = []

        def flush() -> None:
            if cell_lines and "".join(cell_lines).strip():
                self.out.add("\n".join(cell_lines).strip("\n"), **where)
            cell_lines.clear()

        for child in element.iterchildren():
            if child.tag == _P:
                text, boxes = self.paragraph(Paragraph(child, parent))
                if where.get("kind") == "table_cell":
                    cell_lines.append(text)
                elif text.strip():
                    self.out.add(text, **where)
                if boxes:
                    flush()
                    for box in boxes:
                        self.container(box, parent, kind="text_box")
            elif child.tag == _TBL:
                flush()
                self.table(Table(child, parent))
            elif child.tag == _SDT:
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    flush()
                    self.container(content, parent, **where)
        flush()

    def paragraph(self, p: Paragraph) -> tuple[str, list]:
        """The paragraph's text and its text boxes.

        Walks the XML itself: python-docx's `Paragraph.text` skips runs inside
        smart tags, content controls and field results, which official templates
        use for place names ("VIỆT NAM") and dates. Text boxes are returned
        apart, and their Fallback (VML) copy is skipped. Runs set in a legacy
        Vietnamese font (.VnTime = TCVN3, VNI-Times = VNI) are converted.
        """
        parts: list[str] = []
        boxes: list = []
        base_font = self.style_font(p.style) or self.default_font

        def walk(el) -> None:
            for child in el.iterchildren():
                tag = child.tag
                if tag == _T:
                    parts.append(child.text or "")
                elif tag in (_TAB, _PTAB):
                    parts.append("\t")
                elif tag == _NBH:
                    parts.append("-")
                elif tag in (_BR, _CR):
                    parts.append("\n")
                elif tag == _TXBX:
                    boxes.append(child)
                elif tag in _SKIP or not isinstance(tag, str):
                    continue
                elif tag == _R:
                    start = len(parts)
                    walk(child)
                    convert = legacy_converter(_run_font(child) or base_font)
                    if convert and len(parts) > start:
                        parts[start:] = [convert("".join(parts[start:]))]
                else:
                    walk(child)

        walk(p._p)
        return "".join(parts), boxes

    def style_font(self, style) -> str | None:
        """A paragraph style's font, following its base styles."""
        seen = 0
        while style is not None and seen < 20:
            if style.font is not None and style.font.name:
                return style.font.name
            style, seen = style.base_style, seen + 1
        return None

    def table(self, table: Table) -> None:
        index = self.tables
        self.tables += 1
        for r, tr in enumerate(table._tbl.iterchildren(_TR)):
            col = 0
            for tc in tr.iterchildren(_TC):
                pr = tc.tcPr
                span = pr.grid_span if pr is not None else 1
                vmerge = pr.vMerge if pr is not None else None
                if vmerge != "continue":  # a vertically merged cell is read at its first row
                    self.container(tc, table, kind="table_cell", table=index, row=r, col=col)
                col += span

    def headers_footers(self) -> None:
        seen: set[str] = set()
        for section in self.doc.sections:
            for kind, part in (("header", section.header), ("footer", section.footer)):
                if part.is_linked_to_previous:
                    continue
                text = "\n".join(p.text for p in part.paragraphs).strip()
                if not text or text.isdigit() or text in seen:  # page numbers, repeats
                    continue
                seen.add(text)
                self.container(part._element, part, kind=kind)


def read_docx(data: bytes, path: Path | None = None) -> RawText:
    check_ole(data)  # an encrypted .docx is an OLE file holding the encrypted package
    if not data.startswith(b"PK"):
        raise IngestError("not a valid .docx file (not a ZIP package)")
    check_package(data, ".docx")  # sizes, ratios, XML depth and elements, before python-docx unpacks anything
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, PackageNotFoundError, ValueError) as e:
        raise IngestError(f"not a valid .docx file ({type(e).__name__})") from e
    reader = _Reader(document)
    reader.container(document.element.body, document._body)
    reader.headers_footers()
    text, blocks = reader.out.text(), reader.out.blocks
    fixed, legacy = repair_mojibake(text)  # legacy text whose font did not say so
    if legacy:
        # TCVN3 repair keeps every length, VNI joins letter pairs: its blocks would be misplaced.
        return RawText(fixed, blocks=blocks if len(fixed) == len(text) else [], warnings=[
            f"repaired {legacy.upper()} text that had been mis-decoded as Latin-1"])
    return RawText(text, encoding=None, blocks=blocks)
