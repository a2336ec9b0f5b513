"""Layout variants of the gold documents, scored against the same gold (`vanban eval --variants`).

A document reaches the archive in many layouts: a Markdown transcription with
pipe tables, a law site's crawl with the header cells flattened onto one line,
a header typed without diacritics, `pdftotext -layout` output of the PDF, the
OCR of a scan. Each variant here renders a gold document into one of those
layouts as a temporary file that `pipeline.run.process` reads, so that one gold
set measures how the extractors carry across layouts:

| variant | rendering |
|---|---|
| `plain` | the document as it is |
| `markdown` | `pandoc -t gfm` of the original .docx (tables made pipe tables), else the text with the header and signature blocks as pipe rows, `*place-date*`, `**type line**`, `**Điều N.**` |
| `flattened` | the header block (up to the title's end) joined onto two lines, the signature block onto one |
| `no_diacritics_header` | the header block (up to the title's end) without diacritics, case kept |
| `pdftotext` | the original PDF, or the original .docx or the laid-out text rendered by LibreOffice, through `pdftotext -layout` |
| `ocr` | that PDF at 200 dpi through `tesseract -l vie`, pages joined by `--- PAGE BREAK ---`: OCR text as another tool delivers it (slow: opt-in) |
| `scan` | that PDF's pages as a 200 dpi grey image-only PDF, read by vanban itself: its scan path OCRs each page and reads the header and signature columns from the word boxes (slow: opt-in) |

Originals are looked up by the gold document's stem in a `files/` folder beside
the gold (corpus/files/: `<stem>.docx`, `<stem>.pdf`).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import Document
from pipeline.normalise import unmark
from pipeline.segments import Segments

ALL = ["plain", "markdown", "flattened", "no_diacritics_header", "pdftotext", "ocr", "scan"]
DEFAULT = ["plain", "markdown", "flattened", "no_diacritics_header", "pdftotext"]  # ocr and scan are opt-in
BASELINE = "plain"
PAGE_BREAK = "--- PAGE BREAK ---"
SOFFICE_TIMEOUT_S = 600
TOOL_TIMEOUT_S = 180


class VariantSkipped(Exception):
    """The tools a variant needs are missing: the whole variant is skipped."""


class RenderError(Exception):
    """One document could not be rendered in one variant."""


# --------------------------------------------------------------------------- gold documents


@dataclass
class GoldDoc:
    """A gold record, the document it names, and the document's originals (by extension)."""

    gold_file: Path
    gold: dict
    source: Path
    originals: dict[str, Path] = field(default_factory=dict)  # ".docx" / ".pdf" -> path
    _doc: Document | None = field(default=None, repr=False)
    _seg: Segments | None = field(default=None, repr=False)

    @property
    def doc_id(self) -> str:
        return self.gold.get("doc_id") or self.source.stem

    @property
    def stem(self) -> str:
        return Path(self.gold.get("source_file") or self.source.name).stem

    def loaded(self) -> tuple[Document, Segments]:
        """The plain document, read and segmented once."""
        if self._doc is None:
            from pipeline.ingest import load
            from pipeline.segment import segment

            self._doc = load(self.source)
            self._seg = segment(self._doc)
        return self._doc, self._seg


def _originals_index(dirs: list[Path]) -> dict[str, dict[str, Path]]:
    out: dict[str, dict[str, Path]] = {}
    for d in dirs:
        if d.is_dir():
            for f in sorted(d.iterdir()):
                if f.is_file() and f.suffix.lower() in (".docx", ".pdf"):
                    out.setdefault(f.stem, {}).setdefault(f.suffix.lower(), f)
    return out


def find_gold(gold_dir: str | Path, docs_dir: str | Path | None = None, files_dir: str | Path | None = None,
              limit: int | None = None) -> tuple[list[GoldDoc], list[str]]:
    """Gold records under `gold_dir` (recursively, as `vanban eval` finds them) with their documents.

    Returns (documents, messages about gold records whose document was not found).
    """
    from pipeline.cli import _find_docs  # the same lookup as `vanban eval`, so `plain` scores the same

    gold_dir = Path(gold_dir)
    index = _find_docs(gold_dir, Path(docs_dir) if docs_dir else None)
    file_dirs = [Path(files_dir)] if files_dir else [gold_dir.parent / "files", gold_dir.parent.parent / "files"]
    originals = _originals_index(file_dirs)
    docs: list[GoldDoc] = []
    missing: list[str] = []
    for gf in sorted(gold_dir.rglob("*.json")):
        if limit is not None and len(docs) >= limit:
            break
        try:
            gold = json.loads(gf.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(gold, dict) or "source_file" not in gold:
            continue  # a .meta.json sidecar, not a gold record
        src = index.get(gold.get("source_file", ""))
        if src is None:
            missing.append(f"{gf.name}: document {gold.get('source_file')!r} not found")
            continue
        d = GoldDoc(gf, gold, src)
        d.originals = dict(originals.get(d.stem, {}))
        docs.append(d)
    return docs, missing


# --------------------------------------------------------------------------- text helpers


_MOTTO = re.compile(r"^\s*(?:CỘNG\s+H[OÒ]|Độc\s+lập)", re.IGNORECASE)
_PLACE_DATE = re.compile(r"(?:,\s*|^)ngày\b.*\bnăm\b|,\s*ngày\b", re.IGNORECASE)
_PLACE_DATE_HEAD = re.compile(r"^[^\W\d_][^,\d]{0,30},\s*ngày\b", re.IGNORECASE)
_PLACE_PIECE = re.compile(r"^(?:[^\W\d_][\w.]*\s?){1,3}$")  # a word or three of a place name, no digits
_SO = re.compile(r"^\s*S[ốôo]\s*[:.]", re.IGNORECASE)
_ARTICLE = re.compile(r"(?:Điều|ĐIỀU)\s+\d+[a-zđ]?\s*[.:]")
_NOI_NHAN = re.compile(r"^\s*(Nơi\s+nhận\s*:?)", re.IGNORECASE)
_CONTENT = re.compile(r"[^\W_]")


def _head_end(seg: Segments) -> int | None:
    """End of the header block and the title (None when the document has neither)."""
    ends = [s.end for s in (seg.header, seg.title) if s is not None]
    return max(ends) if ends else None


def _head_start(seg: Segments) -> int | None:
    starts = [s.start for s in (seg.header, seg.title) if s is not None]
    return min(starts) if starts else None


def _blank(s: str) -> bool:
    """Nothing but blanks, pipes and rules."""
    return not _CONTENT.search(s)


def _line_bounds(text: str, s: int, e: int, swallow: bool = False) -> tuple[int, int]:
    """Widen [s, e) to whole lines where only blanks, pipes or rules lie between it and the line
    ends; with `swallow`, also over the following lines that hold only pipes or rules."""
    ls = text.rfind("\n", 0, s) + 1
    if not _blank(text[ls:s]):
        ls = s
    while swallow and ls > 0 and ls != s:
        prev = text.rfind("\n", 0, ls - 1) + 1
        line = text[prev:ls - 1]
        if not line.strip() or not _blank(line):
            break
        ls = prev
    le = text.find("\n", e)
    le = len(text) if le < 0 else le
    if not _blank(text[e:le]):
        return ls, e
    while swallow and le < len(text):
        nxt = text.find("\n", le + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[le + 1:nxt]
        if not line.strip() or not _blank(line):
            break
        le = nxt
    return ls, le


def _safe_name(s: str) -> str:
    return re.sub(r"[^\w.-]", "_", s)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace non-overlapping [s, e) spans; an edit overlapping an earlier one is dropped."""
    out, pos = [], 0
    for s, e, rep in sorted(edits, key=lambda x: (x[0], x[1])):
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(rep)
        pos = e
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- a laid-out document
# The text-based renderings (Markdown, and the HTML that LibreOffice prints for
# `pdftotext`) share one model: paragraphs of styled runs and two-column tables
# for the header and signature blocks.

Run = tuple[str, str]  # (style: "" | "b" | "i", text)
CellLines = list[list[Run]]  # a cell: its lines, each a list of runs


@dataclass
class Para:
    runs: list[Run]
    center: bool = False


@dataclass
class Table:
    rows: list[list[CellLines]]


def _header_table(doc: Document, seg: Segments) -> tuple[int, int, Table, list[str]] | None:
    """The header block (with a V/v title inside it) as a two-column table; also lines it did not place."""
    if seg.header is None:
        return None
    start, end = seg.header.start, seg.header.end
    vv = seg.title if seg.title is not None and seg.title.start < end else None
    if vv is not None:
        end = max(end, vv.end)
    left_a: CellLines = []
    left_b: CellLines = []
    right_a: CellLines = []
    right_b: CellLines = []
    covered = [(c.start, c.end) for c in seg.header_cells]
    cells: list[list] = []  # [start, end, text]
    for c in seg.header_cells:
        if vv is not None and c.start >= vv.start and c.end <= vv.end:
            continue
        t = " ".join(c.text.split())
        prev = cells[-1] if cells else None
        if (prev is not None and _PLACE_DATE_HEAD.match(t) and "\n" not in doc.text[prev[1]:c.start]
                and _PLACE_PIECE.match(prev[2]) and not prev[2].isupper()):
            prev[1], prev[2] = c.end, f"{prev[2]} {t}"  # "Hà" | "Nội, ngày ...": one place name
            continue
        cells.append([c.start, c.end, t])
    for _, _, t in cells:
        if _MOTTO.match(t):
            right_a.append([("", t)])
        elif _PLACE_DATE.search(t) and not _SO.match(t):
            right_b.append([("i", t)])
        elif _SO.match(t) or left_b:
            left_b.append([("", t)])
        else:
            left_a.append([("", t)])
    rows = []
    if left_a or right_a:
        rows.append([left_a, right_a])
    if left_b or right_b:
        rows.append([left_b, right_b])
    if vv is not None:
        rows.append([[[("", " ".join(vv.text.split()))]], []])
        covered.append((vv.start, vv.end))
    if not rows:
        return None
    # lines of the block that no cell holds (not rules or pipes): kept after the table
    leftover = []
    pos = start
    for raw in doc.text[start:end].split("\n"):
        ls, le = pos, pos + len(raw)
        pos = le + 1
        if _CONTENT.search(raw) and not any(s < le and e > ls for s, e in covered):
            leftover.append(raw.strip())
    return start, end, Table(rows), leftover


def _signature_tables(doc: Document, seg: Segments) -> list[tuple[int, int, Table]]:
    """The Nơi nhận list (left) and the signature (right) as one two-column row."""
    text = doc.text

    # Where the plain text runs the two columns side by side ("Nơi nhận:          KT. GIÁM ĐỐC"), the list's
    # cell keeps its own column only: the signature's cells are cut out of its lines. A converter puts the
    # columns in two cells; the same words in both would be a rendering no real file holds.
    sig_spans = [(c.start, c.end) for c in seg.signature_cells]

    def own_column(s: int, e: int) -> str:
        chars = list(text[s:e])
        for a, b in sig_spans:
            for k in range(max(a, s), min(b, e)):
                chars[k - s] = " "
        return "".join(chars)

    def nn_cell(s: int, e: int) -> CellLines:
        out = []
        for i, ln in enumerate(_lines(own_column(s, e))):
            m = _NOI_NHAN.match(ln) if i == 0 else None
            out.append([("i", m.group(1).strip()), ("", ln[m.end():].strip())] if m else [("", ln)])
        return out

    def sig_cell(s: int, e: int) -> CellLines:
        cells = [c for c in seg.signature_cells if s <= c.start < e]
        if cells and any(c.start < nn.end and nn.start < c.end for c in cells for nn in [seg.noi_nhan] if nn):
            lines = [c.text.strip("*").strip() for c in cells]  # the signature's own column
        else:
            lines = [ln.strip("*").strip() for ln in _lines(text[s:e])]
        return [[("b" if _CONTENT.search(ln) else "", ln)] for ln in lines if ln]

    sig, nn = seg.signature, seg.noi_nhan
    if sig is not None and nn is not None:
        overlap = sig.start < nn.end and nn.start < sig.end
        a, b = sorted([sig, nn], key=lambda x: x.start)
        if overlap or _blank(text[a.end:b.start]):
            lo, hi = a.start, max(a.end, b.end)
            if overlap and seg.signature_cells:  # the columns side by side: the signature's own cells
                right = sig_cell(sig.start, sig.end)
            elif nn.start <= sig.start:  # the signature's part below the list (a signature found inside it)
                right = sig_cell(max(sig.start, nn.end), sig.end) or sig_cell(sig.start, sig.end)
            else:
                right = sig_cell(sig.start, min(sig.end, nn.start)) or sig_cell(sig.start, sig.end)
            return [(lo, hi, Table([[nn_cell(nn.start, nn.end), right]]))]
    out = []
    if nn is not None:
        out.append((nn.start, nn.end, Table([[nn_cell(nn.start, nn.end), []]])))
    if sig is not None:
        out.append((sig.start, sig.end, Table([[[], sig_cell(sig.start, sig.end)]])))
    return out


def layout(doc: Document, seg: Segments) -> list[Para | Table]:
    """The document as paragraphs and tables: header and signature blocks as tables, the
    type line and article labels bold, the place-date italic."""
    text = doc.text
    # (start, end, kind, payload); kinds: table (block), bold (inline), center (title lines)
    edits: list[tuple[int, int, str, object]] = []
    head = _header_table(doc, seg)
    if head is not None:
        s, e, table, leftover = head
        edits.append((*_line_bounds(text, s, e, swallow=True), "table", (table, leftover)))
    for s, e, table in _signature_tables(doc, seg):
        edits.append((*_line_bounds(text, s, e, swallow=True), "table", (table, [])))
    if seg.title is not None and (seg.header is None or seg.title.start >= seg.header.end):
        ls = text.rfind("\n", 0, seg.title.start) + 1
        tl_end = text.find("\n", seg.title.start)
        tl_end = len(text) if tl_end < 0 or tl_end > seg.title.end else tl_end
        if seg.type_name is not None and ls <= seg.type_name.start < tl_end:
            edits.append((ls, tl_end, "bold", text[ls:tl_end].strip()))
    sections = [seg.body] if seg.body is not None else []
    sections += seg.appendices
    for root in sections:
        for sec in root.walk():
            if sec.kind == "article":
                m = _ARTICLE.match(text, sec.start)
                if m:
                    label = m.group().rstrip()
                    edits.append((sec.start, sec.start + len(label), "bold", label))
    blocks: list[Para | Table] = []
    cur: list[Run] = []
    title_lines = (seg.title.start, seg.title.end) if seg.title is not None else (-1, -1)

    def add_text(s: int, e: int) -> None:
        nonlocal cur
        chunk = text[s:e]
        parts = chunk.split("\n")
        for i, part in enumerate(parts):
            if part:
                cur.append(("", part))
            if i < len(parts) - 1:
                line_start = s + sum(len(p) + 1 for p in parts[:i])
                blocks.append(Para(cur, center=title_lines[0] <= line_start < title_lines[1]))
                cur = []

    pos = 0
    after_table = False
    for s, e, kind, payload in sorted(edits, key=lambda x: (x[0], x[1])):
        if s < pos:
            continue
        if after_table and text.startswith("\n", pos) and pos < s:
            pos += 1
        after_table = False
        add_text(pos, s)
        if kind == "table":
            table, leftover = payload
            if cur:
                blocks.append(Para(cur))
                cur = []
            blocks.append(table)
            blocks.extend(Para([("", ln)]) for ln in leftover)
            after_table = True
        else:
            cur.append(("b", payload))
        pos = e
    if after_table and text.startswith("\n", pos):
        pos += 1
    add_text(pos, len(text))
    if cur:
        blocks.append(Para(cur))
    return blocks


def _md_runs(runs: list[Run], cell: bool = False) -> str:
    out = []
    for style, t in runs:
        if not t:
            continue
        if cell:
            t = t.replace("|", "\\|")
        out.append(f"**{t}**" if style == "b" else f"*{t}*" if style == "i" else t)
    return " ".join(out) if cell else "".join(out)


def to_markdown(blocks: list[Para | Table]) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Para):
            out.append(_md_runs(b.runs))
            continue
        width = max(len(r) for r in b.rows)
        for i, row in enumerate(b.rows):
            cells = [" ".join(_md_runs(line, cell=True) for line in c) for c in row] + [""] * (width - len(row))
            out.append("| " + " | ".join(cells) + " |")
            if i == 0:
                out.append("| " + " | ".join(["---"] * width) + " |")
    return "\n".join(out) + "\n"


def _html_runs(runs: list[Run]) -> str:
    out = []
    for style, t in runs:
        t = html.escape(t)
        out.append(f"<b>{t}</b>" if style == "b" else f"<i>{t}</i>" if style == "i" else t)
    return "".join(out)


def to_html(blocks: list[Para | Table]) -> str:
    """A printable page: serif font, tables for the two-column blocks (LibreOffice prints it to PDF)."""
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><style>',
           'body{font-family:"DejaVu Serif","Times New Roman",serif;font-size:10.5pt}',
           "p{margin:0 0 2pt 0;text-align:justify}p.c{text-align:center}",
           "td{vertical-align:top;text-align:center}</style></head><body>"]
    for b in blocks:
        if isinstance(b, Para):
            out.append(f'<p class="{"c" if b.center else "j"}">{_html_runs(b.runs) or "&nbsp;"}</p>')
            continue
        out.append('<table width="100%">')
        for row in b.rows:
            tds = "".join(f'<td width="{(40, 60)[j] if len(row) == 2 else 100 // len(row)}%">'
                          + "<br>".join(_html_runs(line) for line in c) + "</td>" for j, c in enumerate(row))
            out.append(f"<tr>{tds}</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


# --------------------------------------------------------------------------- renderings


def render_markdown_text(doc: Document, seg: Segments) -> str:
    """Markdown from the text alone: header and signature blocks as pipe rows, emphasis markers."""
    return to_markdown(layout(doc, seg))


def render_flattened(doc: Document, seg: Segments) -> str:
    """A crawl's flattening: header block on one line, title on a second, signature block on one."""
    text = doc.text
    edits = []
    hs, he = _head_start(seg), _head_end(seg)
    if hs is not None:
        title = seg.title
        if title is not None and seg.header is not None and title.start >= seg.header.end:
            s1, e1 = _line_bounds(text, seg.header.start, seg.header.end)
            s2, e2 = _line_bounds(text, title.start, title.end)
            if _blank(text[e1:s2]):
                edits.append((s1, e2, " ".join(text[s1:e1].split()) + "\n" + " ".join(text[s2:e2].split())))
            else:
                edits.append((s1, e1, " ".join(text[s1:e1].split())))
                edits.append((s2, e2, " ".join(text[s2:e2].split())))
        else:
            s, e = _line_bounds(text, hs, he)
            edits.append((s, e, " ".join(text[s:e].split())))
    if seg.signature is not None:
        s, e = _line_bounds(text, seg.signature.start, seg.signature.end)
        edits.append((s, e, " ".join(text[s:e].split())))
    return _apply(text, edits)


def render_no_diacritics_header(doc: Document, seg: Segments) -> str:
    """The header block and the title (from the header's first line to the title's end) without diacritics,
    case kept. A law site's record block above the header ("Số hiệu", "Ngày ban hành" …) is the site's own
    text, printed with its marks whatever the document's header looks like: it stays as it is."""
    start, end = _head_start(seg), _head_end(seg)
    if end is None:
        return doc.text
    start = doc.text.rfind("\n", 0, start) + 1
    return doc.text[:start] + unmark(doc.text[start:end]) + doc.text[end:]


# --------------------------------------------------------------------------- tools


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pandoc() -> str | None:
    return shutil.which("pandoc")


def tesseract_has_vie() -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return "vie" in (out.stdout + out.stderr).split()


def _pdf_tools_missing() -> str | None:
    if not soffice() or not shutil.which("pdftotext"):
        return "no soffice/pdftotext"
    return None


def _ocr_tools_missing() -> str | None:
    if _pdf_tools_missing() or not shutil.which("pdftoppm"):
        return "no soffice/pdftotext/pdftoppm"
    if not tesseract_has_vie():
        return "no tesseract with the vie traineddata"
    return None


_PANDOC_FILTER = r"""
-- Table cells flattened to one line each, so that gfm writes pipe tables rather than HTML.
local function flat_cell(c)
  local inl = pandoc.utils.blocks_to_inlines(c.contents, {pandoc.Space()})
  inl = pandoc.Inlines(inl):walk({
    SoftBreak = function() return pandoc.Space() end,
    LineBreak = function() return pandoc.Space() end,
  })
  c.contents = {pandoc.Plain(inl)}
  return c
end
local function flat_rows(rows)
  for _, row in ipairs(rows) do
    for j, c in ipairs(row.cells) do row.cells[j] = flat_cell(c) end
  end
end
function Table(t)
  for i, spec in ipairs(t.colspecs) do t.colspecs[i] = {spec[1], nil} end
  flat_rows(t.head.rows)
  for _, body in ipairs(t.bodies) do
    flat_rows(body.head)
    flat_rows(body.body)
  end
  flat_rows(t.foot.rows)
  if #t.head.rows == 0 and #t.bodies > 0 and #t.bodies[1].body > 0 then
    t.head.rows = {table.remove(t.bodies[1].body, 1)}
  end
  return t
end
"""


def _run(cmd: list[str], timeout: int = TOOL_TIMEOUT_S, **kw) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as e:
        raise RenderError(f"{Path(cmd[0]).name} timed out after {timeout} s") from e
    except OSError as e:
        raise RenderError(f"{Path(cmd[0]).name}: {e}") from e
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else proc.stderr
        last = (err or "").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise RenderError(f"{Path(cmd[0]).name} failed: {last[0][:200]}")
    return proc


def pandoc_gfm(docx: Path, work: Path) -> str:
    """`pandoc -t gfm` of a .docx, its tables as pipe tables."""
    lua = work / "pipe_tables.lua"
    if not lua.exists():
        lua.write_text(_PANDOC_FILTER, "utf-8")
    return _run([pandoc(), "-f", "docx", "-t", "gfm", "--lua-filter", str(lua), str(docx)]).stdout.decode("utf-8")


class PdfCache:
    """One PDF per document, shared by the `pdftotext` and `ocr` variants: the original PDF, else
    the original .docx or the laid-out text (HTML) printed by LibreOffice, converted in batches
    (one LibreOffice start per batch, with its own profile)."""

    def __init__(self, work: Path):
        self.dir = work / "pdf"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.errors: dict[str, str] = {}

    def _key(self, d: GoldDoc) -> str:
        return _safe_name(d.doc_id)

    def path(self, d: GoldDoc) -> Path:
        if ".pdf" in d.originals:
            return d.originals[".pdf"]
        return self.dir / f"{self._key(d)}.pdf"

    def prepare(self, docs: list[GoldDoc]) -> None:
        todo = [d for d in docs if not self.path(d).exists() and self._key(d) not in self.errors]
        docx_in = self.dir / "in_docx"
        html_in = self.dir / "in_html"
        by_docx, by_html = [], []
        for d in todo:
            if ".docx" in d.originals:
                docx_in.mkdir(exist_ok=True)
                f = docx_in / f"{self._key(d)}.docx"
                shutil.copyfile(d.originals[".docx"], f)
                by_docx.append((d, f))
            else:
                try:
                    doc, seg = d.loaded()
                except Exception as e:
                    self.errors[self._key(d)] = f"cannot read the document: {e}"
                    continue
                html_in.mkdir(exist_ok=True)
                f = html_in / f"{self._key(d)}.html"
                f.write_text(to_html(layout(doc, seg)), "utf-8")
                by_html.append((d, f))
        for batch, infilter in ((by_docx, None), (by_html, "HTML (StarWriter)")):
            if not batch:
                continue
            cmd = [soffice(), f"-env:UserInstallation={(self.dir / 'profile').as_uri()}", "--headless",
                   "--norestore"]
            if infilter:
                cmd.append(f"--infilter={infilter}")
            cmd += ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(self.dir)] + [str(f) for _, f in batch]
            try:
                _run(cmd, timeout=SOFFICE_TIMEOUT_S)
                reason = "LibreOffice wrote no PDF"
            except RenderError as e:
                reason = str(e)
            for d, _ in batch:
                if not self.path(d).exists():
                    self.errors[self._key(d)] = reason

    def get(self, d: GoldDoc) -> Path:
        p = self.path(d)
        if not p.exists():
            self.prepare([d])
        if not p.exists():
            raise RenderError(self.errors.get(self._key(d), "no PDF"))
        return p


def _page_images(pdf: Path, out_dir: Path, max_pages: int | None, *flags: str) -> list[Path]:
    """The pages of `pdf` as 200 dpi PNG files in `out_dir`, in page order (`pdftoppm`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = ["pdftoppm", "-r", "200", *flags, "-png"]
    if max_pages:
        cmd += ["-l", str(max_pages)]
    _run(cmd + [str(pdf), str(out_dir / "page")], timeout=TOOL_TIMEOUT_S * 2)
    pages = sorted(out_dir.glob("page-*.png"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    if not pages:
        raise RenderError("pdftoppm wrote no page")
    return pages


def scan_pdf(pdf: Path, out_dir: Path, out: Path, max_pages: int | None = None) -> Path:
    """The pages of `pdf` as a scanner gives them: 200 dpi grey images in a PDF with no text layer."""
    from PIL import Image

    images = [Image.open(p).convert("L") for p in _page_images(pdf, out_dir, max_pages, "-gray")]
    images[0].save(out, "PDF", resolution=200.0, save_all=True, append_images=images[1:])
    return out


def ocr_pdf(pdf: Path, out_dir: Path, max_pages: int | None = None, workers: int | None = None) -> str:
    """Pages at 200 dpi through `tesseract -l vie`, joined by `--- PAGE BREAK ---` lines."""
    pages = _page_images(pdf, out_dir, max_pages)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(png: Path) -> str:
        return _run(["tesseract", str(png), "stdout", "-l", "vie"], env=env).stdout.decode("utf-8", "replace")

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        texts = list(pool.map(one, pages))
    return f"\n{PAGE_BREAK}\n".join(t.strip("\n") for t in texts) + "\n"


# --------------------------------------------------------------------------- variants


@dataclass
class Context:
    """What renderings share over one run: a work folder, the PDF cache, options."""

    work: Path
    ocr_pages: int | None = None
    keep: bool = False  # the work folder is the user's: plain documents are copied there too
    _pdfs: PdfCache | None = None

    @property
    def pdfs(self) -> PdfCache:
        if self._pdfs is None:
            self._pdfs = PdfCache(self.work)
        return self._pdfs

    def out(self, variant: str, d: GoldDoc, ext: str) -> Path:
        folder = self.work / variant
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (_safe_name(d.doc_id) + ext)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def _plain(d: GoldDoc, ctx: Context) -> Path:
    if ctx.keep:
        shutil.copyfile(d.source, ctx.out("plain", d, d.source.suffix))
    return d.source


def _markdown(d: GoldDoc, ctx: Context) -> Path:
    if ".docx" in d.originals and pandoc():
        return _write(ctx.out("markdown", d, ".md"), pandoc_gfm(d.originals[".docx"], ctx.work))
    doc, seg = d.loaded()
    return _write(ctx.out("markdown", d, ".md"), render_markdown_text(doc, seg))


def _flattened(d: GoldDoc, ctx: Context) -> Path:
    doc, seg = d.loaded()
    return _write(ctx.out("flattened", d, ".txt"), render_flattened(doc, seg))


def _no_diacritics(d: GoldDoc, ctx: Context) -> Path:
    doc, seg = d.loaded()
    return _write(ctx.out("no_diacritics_header", d, ".txt"), render_no_diacritics_header(doc, seg))


def _pdftotext(d: GoldDoc, ctx: Context) -> Path:
    out = ctx.out("pdftotext", d, ".txt")
    _run(["pdftotext", "-layout", "-enc", "UTF-8", str(ctx.pdfs.get(d)), str(out)])
    return out


def _ocr(d: GoldDoc, ctx: Context) -> Path:
    out = ctx.out("ocr", d, ".txt")
    pages = ctx.out("ocr", d, ".pages")
    text = ocr_pdf(ctx.pdfs.get(d), pages, ctx.ocr_pages)
    shutil.rmtree(pages, ignore_errors=True)
    return _write(out, text)


def _scan(d: GoldDoc, ctx: Context) -> Path:
    out = ctx.out("scan", d, ".pdf")
    pages = ctx.out("scan", d, ".pages")
    scan_pdf(ctx.pdfs.get(d), pages, out, ctx.ocr_pages)
    shutil.rmtree(pages, ignore_errors=True)
    return out


@dataclass
class Variant:
    name: str
    render: Callable[[GoldDoc, Context], Path]
    missing: Callable[[], str | None] = lambda: None  # why the variant cannot run, or None
    batch: Callable[[list[GoldDoc], Context], None] | None = None  # work done once for all documents


VARIANTS: dict[str, Variant] = {
    "plain": Variant("plain", _plain),
    "markdown": Variant("markdown", _markdown),
    "flattened": Variant("flattened", _flattened),
    "no_diacritics_header": Variant("no_diacritics_header", _no_diacritics),
    "pdftotext": Variant("pdftotext", _pdftotext, _pdf_tools_missing, lambda docs, ctx: ctx.pdfs.prepare(docs)),
    "ocr": Variant("ocr", _ocr, _ocr_tools_missing, lambda docs, ctx: ctx.pdfs.prepare(docs)),
    "scan": Variant("scan", _scan, _ocr_tools_missing, lambda docs, ctx: ctx.pdfs.prepare(docs)),
}


def parse_names(spec: str | None) -> list[str]:
    """`None`, "" or "default" → the cheap set; "all" → every variant; else a comma list.
    `plain` always comes first: the other rows are read against it."""
    if not spec or spec.strip().lower() in ("default", "cheap"):
        names = list(DEFAULT)
    elif spec.strip().lower() == "all":
        names = list(ALL)
    else:
        names = [n.strip() for n in spec.split(",") if n.strip()]
        bad = [n for n in names if n not in VARIANTS]
        if bad:
            raise ValueError(f"unknown variant(s) {', '.join(map(repr, bad))}; known: {', '.join(ALL)} "
                             "(give GOLD_DIR before a bare --variants)")
    return [BASELINE] + [n for n in dict.fromkeys(names) if n != BASELINE]


# --------------------------------------------------------------------------- the harness

HEADLINE = [  # (key, column title)
    ("header_mean", "header"),
    ("references_f1", "refs F1"),
    ("relation_accuracy", "relation"),
    ("tasks_f1", "tasks F1"),
    ("deadlines_f1", "deadl. F1"),
    ("budgets_f1", "budgets F1"),
]


def summary(metrics: dict) -> dict:
    """Headline figures of a `Report.to_dict()`: header_mean is the mean of the per-field accuracies
    (fields with gold values), plus each field's accuracy as `header.<field>`."""
    accs = {k: v["accuracy"] for k, v in metrics["header"].items() if v["accuracy"] is not None}
    lists = metrics["lists"]
    out = {"header_mean": round(sum(accs.values()) / len(accs), 4) if accs else None}
    out["references_f1"] = lists.get("references", {}).get("f1")
    out["relation_accuracy"] = lists.get("references", {}).get("relation_accuracy")
    for k in ("tasks", "deadlines", "budgets"):
        out[f"{k}_f1"] = lists.get(k, {}).get("f1")
    out.update({f"header.{k}": v for k, v in accs.items()})
    return out


@dataclass
class Row:
    name: str
    skipped: str | None = None
    documents: int = 0
    changed: int = 0  # renders that differ from the plain document's text
    failed: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, reason): scored as empty
    seconds: float = 0.0
    metrics: dict | None = None  # Report.to_dict()
    header_misses: list[tuple[str, str, object, object]] = field(default_factory=list)  # (doc, field, got, gold)
    figures: dict = field(default_factory=dict)
    delta: dict = field(default_factory=dict)
    note: str | None = None

    def to_dict(self) -> dict:
        if self.skipped:
            return {"variant": self.name, "skipped": self.skipped}
        return {"variant": self.name, "note": self.note, "documents": self.documents, "changed": self.changed,
                "failed": [{"doc_id": i, "reason": r} for i, r in self.failed],
                "seconds": round(self.seconds, 2), "figures": self.figures, "delta": self.delta,
                "metrics": self.metrics,
                "header_misses": [{"doc_id": i, "field": f, "got": p, "gold": g} for i, f, p, g in self.header_misses]}


def _changed(d: GoldDoc, path: Path) -> bool:
    """Whether the rendered file says anything else than the plain document (markup included,
    even where the reader takes it out again)."""
    from pipeline.normalise import normalise

    try:
        plain = d.loaded()[0].text
        return normalise(path.read_text("utf-8", errors="replace"))[0] != plain
    except Exception:
        return True


def run_variant(v: Variant, docs: list[GoldDoc], ctx: Context, progress=None) -> Row:
    from pipeline.gold import to_gold
    from pipeline.run import process
    from pipeline.score import score

    row = Row(v.name)
    why = v.missing()
    if why:
        row.skipped = f"skipped: {why}"
        return row
    if v.name == "ocr" and ctx.ocr_pages:
        row.note = f"OCR of the first {ctx.ocr_pages} page(s) of each document only"
    t0 = time.perf_counter()
    if v.batch is not None:
        v.batch(docs, ctx)
    pairs = []
    for d in progress(docs, v.name) if progress else docs:
        try:
            path = v.render(d, ctx)
            res = process(path)
            pred = to_gold(res.extraction, str(d.source), d.gold.get("doc_id"))
            if v.name != BASELINE:
                row.changed += _changed(d, path)
        except Exception as e:  # a rendering or a reader failing on one document scores it empty
            reason = getattr(e, "reason", None) or f"{type(e).__name__}: {e}"
            row.failed.append((d.doc_id, str(reason)[:300]))
            pred = {"doc_id": d.gold.get("doc_id")}
        pairs.append((pred, d.gold))
    row.documents = len(pairs)
    report = score(pairs)
    row.metrics = report.to_dict()
    row.header_misses = [(d.doc_id, name, p, g) for d in report.docs for name, (ok, p, g) in d.header.items()
                         if not ok]
    row.figures = summary(row.metrics)
    row.seconds = time.perf_counter() - t0
    return row


def run_variants(docs: list[GoldDoc], names: list[str] | None = None, work: str | Path | None = None,
                 ocr_pages: int | None = None, progress=None, on_row=None) -> list[Row]:
    """Score every named variant (plain first) over `docs`; deltas are against `plain`. With `work`, the
    rendered files stay there (`<work>/<variant>/<doc_id>.<ext>`, plain documents copied in too)."""
    names = parse_names(",".join(names)) if names else parse_names(None)
    with tempfile.TemporaryDirectory(prefix="vanban-variants-") as tmp:
        if work:
            Path(work).mkdir(parents=True, exist_ok=True)
        ctx = Context(Path(work) if work else Path(tmp), ocr_pages=ocr_pages, keep=bool(work))
        rows: list[Row] = []
        for n in names:
            row = run_variant(VARIANTS[n], docs, ctx, progress)
            rows.append(row)
            if on_row:
                on_row(row)
    base = rows[0].figures
    for row in rows:
        if not row.skipped:
            row.delta = {k: round(v - base[k], 4) for k, v in row.figures.items()
                         if v is not None and base.get(k) is not None}
    return rows


def _cell(v, d=None, with_delta=True) -> str:
    if v is None:
        return "-"
    s = f"{v:.3f}"
    if with_delta and d is not None:
        s += f" ({d:+.3f})"
    return s


def format_table(rows: list[Row], fields: bool = False) -> str:
    """One row per variant: the headline figures with their difference from `plain`."""
    cols = HEADLINE
    w = 16
    out = [f"{'variant':<22}{'docs':>5}{'changed':>8}{'failed':>7}"
           + "".join(f"{t:>{w}}" for _, t in cols) + f"{'seconds':>9}"]
    for r in rows:
        if r.skipped:
            out.append(f"{r.name:<22}{r.skipped}")
            continue
        base = r.name == BASELINE
        out.append(f"{r.name:<22}{r.documents:>5}{'-' if base else r.changed:>8}{len(r.failed):>7}"
                   + "".join(f"{_cell(r.figures.get(k), r.delta.get(k), not base):>{w}}" for k, _ in cols)
                   + f"{r.seconds:>9.1f}")
    if fields:
        from pipeline.score import HEADER_FIELDS

        done = [r for r in rows if not r.skipped]
        out.append("")
        out.append(f"{'header field':<20}" + "".join(f"{r.name[:15]:>16}" for r in done))
        for f in HEADER_FIELDS:
            out.append(f"{f:<20}" + "".join(
                f"{_cell(r.figures.get('header.' + f), r.delta.get('header.' + f), r.name != BASELINE):>16}"
                for r in done))
    notes = [f"{r.name}: {r.note}" for r in rows if r.note]
    if notes:
        out.append("")
        out.extend(notes)
    if fields:
        misses = [f"[{r.name}] [{doc}] {f}: got {p!r}, gold {g!r}" for r in rows if not r.skipped
                  for doc, f, p, g in r.header_misses]
        if misses:
            out.append("")
            out.extend(misses)
    failures = [(r.name, i, why) for r in rows for i, why in r.failed]
    if failures:
        out.append("")
        out.extend(f"{n}: {i}: render failed, scored empty: {why}" for n, i, why in failures)
    return "\n".join(out)


def to_json(rows: list[Row], gold_dir: str | Path | None = None) -> dict:
    return {"gold_dir": str(gold_dir) if gold_dir is not None else None, "baseline": BASELINE,
            "variants": [r.to_dict() for r in rows]}


def _echo(msg: str, err: bool = False) -> None:
    print(msg, file=sys.stderr if err else sys.stdout)


def eval_variants(gold_dir: str | Path, spec: str | None, docs_dir: str | Path | None = None,
                  limit: int | None = None, ocr_pages: int | None = None, json_out: str | Path | None = None,
                  verbose: bool = False, echo=None, progress=None, keep: str | Path | None = None) -> list[Row]:
    """`vanban eval GOLD_DIR --variants [NAMES]`: score, print the table (with `verbose`, every header field
    and each document's header misses per variant), write the JSON; `keep` keeps the rendered files there."""
    echo = echo or _echo
    names = parse_names(spec)  # ValueError for an unknown name, before any work
    docs, missing = find_gold(gold_dir, docs_dir, limit=limit)
    for m in missing:
        echo(m, err=True)
    if not docs:
        raise ValueError("no gold record had its document")
    echo(f"documents: {len(docs)}; variants: {', '.join(names)}")
    rows = run_variants(docs, names, work=keep, ocr_pages=ocr_pages, progress=progress)
    echo(format_table(rows, fields=verbose))
    if json_out:
        Path(json_out).write_text(json.dumps(to_json(rows, gold_dir), ensure_ascii=False, indent=1), "utf-8")
    return rows
