"""Text layouts to the layout the segmenter reads: markup out, table cells as blocks.

Converted archives carry layout as characters: Markdown from docling, MinerU,
pandoc or a law-site crawler (`| Số: 15/KH-SXD | *Đà Nẵng, ngày …* |`,
`| --- | --- |`, `**Điều 3.**`, `# heading`, `\\-`), OCR page markers
(`--- PAGE BREAK ---`), image placeholders. None of it is content. This stage
runs after normalisation and gives every text format the shape a DOCX has:
each pipe-table cell on its own line(s) with a `table_cell` block carrying
table/row/col, emphasis and escapes dropped, furniture lines removed. Every
edit goes into an `OffsetMap`, so values still point at the source file.

Only what is unambiguously markup is touched: a `*` is emphasis when it
closes on the same line; a line is a table row when it opens with `|` and
holds another; a lone `*`/`-` bullet stays a bullet.
"""

from __future__ import annotations

import regex

from pipeline.document import Block, OffsetMap, apply_edits

_SEPARATOR = r"[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*"
_SEPARATOR_ROW = regex.compile(_SEPARATOR + "$")
# An HTML tag left in converted text (not "< 5%": a tag opens with a letter or "/").
_TAG = r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>"
# Lines that are furniture: separator rows of pipe tables, OCR page markers, image placeholders,
# HTML comments and tag-only lines left by converters, lines of empty emphasis.
_FURNITURE = regex.compile(
    r"^(?:" + _SEPARATOR + r"|[ \t]*-{2,}[ \t]*PAGE[ \t]*BREAK[ \t]*-{2,}|<!--.*?-->|!\[[^\]\n]*\]\([^)\n]*\)|(?:\*[ \t]*)+|(?:[ \t]*" + _TAG + r")+)[ \t]*$",
    regex.MULTILINE | regex.IGNORECASE)
_ROW = regex.compile(r"^[ \t]*\|(?=[^\n]*\|)[^\n]*$", regex.MULTILINE)
_CELL_SEP = regex.compile(r"(?<!\\)\|")
_BR = regex.compile(r"<br\s*/?>", regex.IGNORECASE)
# Inline markup on one line. Emphasis opens before a non-blank and closes after one; `**`/`__`
# pairs first, then single `*` (not `_`: OCR keeps underscores of dotted lines and "_2.3." markers).
_STRONG = regex.compile(r"(\*\*|__)(?=[^\s*_])([^\n]*?[^\s*_])\1")
_EM = regex.compile(r"(?<![\\*\p{L}\p{N}])\*(?=[^\s*])([^\n*]*?[^\s*\\])[ \t]?\*(?![*\p{L}\p{N}])")
_LINE_MARKUP = regex.compile(r"^(?:[ \t]*#{1,6}[ \t]+|[ \t]*>[ \t]?)", regex.MULTILINE)
_ESCAPE = regex.compile(r"\\(?=[-\\`*_{}\[\]()#+.!|<>~])")
_TRAIL = regex.compile(r"[ \t]+$|\\$", regex.MULTILINE)
_INLINE_TAG = regex.compile(_TAG)
# A rule drawn under a cell's text (the line under an issuer or the motto) flattened into the cell.
_CELL_RULE = regex.compile(r"[ \t]+[-_=]{3,}(?=[ \t]|$)")


def _edits(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, int, int, int]]]:
    """Edits (start, end, replacement) and table cells (start, end, table, row, col), offsets in `text`.

    Rows on consecutive lines form one table; a row followed by a separator row is the header row
    of a new table (pandoc, docling and crawlers all write one separator per table).
    """
    edits: list[tuple[int, int, str]] = []
    cells: list[tuple[int, int, int, int, int]] = []
    dropped = set()
    # every furniture line holds a run of dashes, a "*", a tag's "<" or an image's "!["
    for m in _FURNITURE.finditer(text) if _holds(text, "--", "*", "<", "![") else ():
        e = m.end() + 1 if m.end() < len(text) and text[m.end()] == "\n" else m.end()
        edits.append((m.start(), e, ""))  # the line with its break: no blank line left behind
        dropped.add(m.start())
    table, row, prev_end = -1, 0, -2
    for m in _ROW.finditer(text) if "|" in text else ():
        if m.start() in dropped:
            continue
        line_s, line_e = m.start(), m.end()
        nxt_e = text.find("\n", line_e + 1)
        header_row = bool(_SEPARATOR_ROW.match(text, line_e + 1, nxt_e if nxt_e >= 0 else len(text)))
        between = text[prev_end + 1:line_s].split("\n")[:-1] if prev_end >= 0 else [""]
        if header_row or not all(_SEPARATOR_ROW.match(x) for x in between):
            table, row = table + 1, 0
        prev_end = line_e
        seps = [x.start() for x in _CELL_SEP.finditer(text, line_s, line_e)]
        # cells lie between consecutive pipes; a row missing its closing pipe ends at the line end
        bounds = seps + ([line_e] if text[seps[-1] + 1:line_e].strip() else [])
        lead = seps[0] + 1
        while lead < line_e and text[lead] in " \t":
            lead += 1
        edits.append((line_s, lead, ""))
        for col, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            cs, ce = a + 1, b
            while cs < ce and text[cs] in " \t":
                cs += 1
            while ce > cs and text[ce - 1] in " \t":
                ce -= 1
            for r in _CELL_RULE.finditer(text, cs, ce):
                if r.end() == ce:
                    ce = r.start()
                    if b == line_e:  # the last cell of a row without its closing pipe
                        edits.append((ce, line_e, ""))
                else:
                    edits.append((r.start(), r.end() + 1 if text[r.end()] in " \t" else r.end(), "\n"))
            if b < line_e:  # the pipe after the cell and the blanks around it: a line break between cells
                tail = b + 1
                while tail < line_e and text[tail] in " \t":
                    tail += 1
                last = not text[tail:line_e].strip()
                edits.append((ce, line_e if last else tail, "" if last else "\n"))
            if ce > cs:
                cells.append((cs, ce, table, row, col))
        row += 1
    return edits, cells


def _holds(text: str, *marks: str) -> bool:
    return any(m in text for m in marks)


def _inline(text: str, lo: int, hi: int, out: list[tuple[int, int, str]]) -> None:
    # each pattern only where the text holds a character every match of it holds (most texts hold few)
    for m in _STRONG.finditer(text, lo, hi) if _holds(text, "**", "__") else ():
        out.append((m.start(), m.start() + 2, ""))
        out.append((m.end() - 2, m.end(), ""))
    for m in _EM.finditer(text, lo, hi) if "*" in text else ():
        out.append((m.start(), m.start() + 1, ""))
        out.append((m.end(1), m.end(), ""))
    for rx, marks in ((_LINE_MARKUP, ("#", ">")), (_ESCAPE, ("\\",)), (_TRAIL, (" \n", "\t\n", "\\"))):
        if not (_holds(text, *marks) or rx is _TRAIL and text.endswith((" ", "\t"))):
            continue
        for m in rx.finditer(text, lo, hi):
            if m.end() > m.start():
                out.append((m.start(), m.end(), ""))
    if "<" not in text:
        return
    for m in _BR.finditer(text, lo, hi):
        out.append((m.start(), m.end(), "\n"))
    for m in _INLINE_TAG.finditer(text, lo, hi):
        if not _BR.match(m.group()):
            out.append((m.start(), m.end(), ""))


def delayout(text: str) -> tuple[str, OffsetMap, list[Block]]:
    """`text` without layout markup; the map of its offsets into `text`; the table cells found."""
    if "|" not in text and "*" not in text and "_" not in text and "#" not in text and "\\" not in text \
            and "<" not in text and "PAGE" not in text.upper():
        return text, OffsetMap(), []
    edits, cells = _edits(text)
    _inline(text, 0, len(text), edits)
    edits.sort(key=lambda x: (x[0], -x[1]))
    kept, last = [], 0
    for edit in edits:
        if edit[0] >= last:  # not inside an edit already kept (a dropped line holds the emphasis it had)
            kept.append(edit)
            last = edit[1]
    new, omap = apply_edits(text, kept)
    blocks = [Block("table_cell", omap.to_norm(s), omap.to_norm(e), table=t, row=r, col=c)
              for s, e, t, r, c in cells]
    return new, omap, blocks
