"""Column-aware reading of a PDF page's header and signature blocks.

The issuer / national motto header and the "Nơi nhận / signer" block are two
columns side by side. A plain text layer interleaves them line by line
("BỘ XÂY DỰNG CỘNG HÒA XÃ HỘI ..."). Here words (from pdfium's character
boxes, or Tesseract's) are grouped into lines, and a run of lines that are
two-column or sit on one side of the page is read left column first, then
right column, like the Word table the document was typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

_LINE_TOL = 3.0  # points: words whose tops differ less are on one line
_MIN_GAP = 10.0  # points: the least gap between words that separates columns


@dataclass
class Piece:
    text: str
    col: int | None  # None: a full-width line; 0/1: left/right column of a block


def _mid(w: dict) -> float:
    return (w["top"] + w["bottom"]) / 2


def _lines(words: list[dict]) -> list[list[dict]]:
    """Words grouped into visual lines.

    Text-layer words are grouped by their vertical middle. OCR words carry
    Tesseract's own line id ("line"): its lines, in its order, are kept, since
    its boxes hug the glyphs (middles move with accents and descenders) and it
    follows the skew of a scan; it already puts side-by-side blocks one after
    the other, or one line across both columns, which the column split handles.
    """
    if not words:
        return []
    if "line" in words[0]:
        groups: dict[object, list[dict]] = {}
        for w in words:
            groups.setdefault(w["line"], []).append(w)
        return [_join_touching(sorted(g, key=lambda w: w["x0"])) for g in groups.values()]
    heights = sorted(w["bottom"] - w["top"] for w in words)
    tol = max(_LINE_TOL, 0.45 * heights[len(heights) // 2])
    lines: list[list[dict]] = []
    first = 0.0  # the middle of the current line's first word
    for mid, _, w in sorted((_mid(w), k, w) for k, w in enumerate(words)):
        if lines and mid - first <= tol:
            lines[-1].append(w)
        else:
            lines.append([w])
            first = mid
    return [_join_touching(sorted(ln, key=lambda w: w["x0"])) for ln in lines]


def _join_touching(line: list[dict]) -> list[dict]:
    """Glue words that touch or overlap: comb form fields (the number and date an
    e-office system stamps in) place each digit as its own word."""
    out: list[dict] = []
    for w in line:
        if out and w["x0"] - out[-1]["x1"] <= 0.5:
            prev = out[-1]
            out[-1] = {**prev, "text": prev["text"] + w["text"], "x1": max(prev["x1"], w["x1"])}
        else:
            out.append(w)
    return out


def _split(line: list[dict], width: float) -> tuple[str, list[dict], list[dict]]:
    """('two', left, right), ('left'|'right', words, []) or ('full', words, []).

    Two columns: the widest gap between words lies in the middle band of the
    page and is well above the line's usual word spacing (justified body lines
    have even gaps), with some text on both sides.
    """
    x0, x1 = line[0]["x0"], line[-1]["x1"]
    if x0 >= 0.45 * width:  # wholly in the right half: a gap in it is not a column gap
        return "right", line, []
    if x1 <= 0.5 * width:
        return "left", line, []
    gaps = sorted(line[i + 1]["x0"] - line[i]["x1"] for i in range(len(line) - 1))
    if gaps:
        usual = gaps[len(gaps) // 2]
        i = max(range(len(line) - 1), key=lambda k: line[k + 1]["x0"] - line[k]["x1"])
        gap = line[i + 1]["x0"] - line[i]["x1"]
        centre = (line[i]["x1"] + line[i + 1]["x0"]) / 2
        if (gap >= max(_MIN_GAP, 3 * usual) and 0.2 * width <= centre <= 0.8 * width
                and len(_join(line[: i + 1])) >= 3 and len(_join(line[i + 1:])) >= 3):
            return "two", line[: i + 1], line[i + 1:]
    if x1 <= 0.62 * width and (x0 + x1) / 2 < 0.42 * width:
        return "left", line, []
    return "full", line, []


def _join(words: list[dict]) -> str:
    return " ".join(w["text"] for w in words)


def read_columns(words: list[dict], width: float) -> tuple[list[Piece], bool]:
    """The page as pieces in reading order, and whether any two-column block was found.

    A block is a run of lines that are two-column or one-sided, unbroken by a
    full-width line or by a vertical gap of more than three (tight) line pitches (the
    space between the header block and "Kính gửi:").
    """
    raw = _lines(words)
    lines = [_split(ln, width) for ln in raw]
    tops = [_mid(ln[0]) for ln in raw]
    steps = [b - a for a, b in zip(tops, tops[1:], strict=False) if b - a >= 8]  # not sub/superscripts
    max_step = 3 * min(steps) if steps else float("inf")  # pitch of the tightest lines
    pieces: list[Piece] = []
    found = False
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j][0] != "full" and (j == i or tops[j] - tops[j - 1] <= max_step):
            j += 1
        run = lines[i:j]
        if any(kind == "two" for kind, _, _ in run):
            found = True
            left = [_join(a) for kind, a, _ in run if kind in ("two", "left")]
            right = [_join(b if kind == "two" else a) for kind, a, b in run if kind in ("two", "right")]
            pieces += [Piece("\n".join(left), 0), Piece("\n".join(right), 1)]
        else:
            pieces += [Piece(_join(a), None) for _, a, _ in run]
        if j < len(lines) and lines[j][0] == "full":
            pieces.append(Piece(_join(lines[j][1]), None))
            j += 1
        i = max(j, i + 1)
    return pieces, found
