"""The body tree: the items a document is written in, read from its logical paragraphs.

`segment` builds the body and each appendix with `build_tree`; every extractor
reads the same tree (`pipeline.segments.Section`). Extraction from PDFs leaves
lines wrapped mid-sentence and page furniture between them, so lines are first
joined back into paragraphs (furniture, footnotes and table-head rows dropped),
each opened by its marker if it has one:

    part "Phần I" / chapter "Chương I" / section "Mục 1", article "Điều 3.",
    roman "II.", subclause "1.1.", clause "1." / clause_paren "1)", point "a)"
    (also "a." before a capital, OCR's "©)"), paren "(1)", dash "-" (OCR's "_",
    "~", "¬" before a capital), plus "+", row (a table row joined with " | "),
    paragraph (no marker).

OCR debris before a marker ("_2.3.", "~ 3.") is skipped, a marker that a
crawl left at the end of the previous line ("... tiến bộ 1.1.") opens its own
item, and a marker alone on its line takes the next line as its text.

Parts, articles and roman sections nest by fixed rank. Below them documents
differ ("a)" under "(1)" in one, "(1)" under "a)" in another), so an item
kind already open on the stack closes back to that level, and a kind not yet
open nests under the current item, the way an outline is read. A paragraph
without a marker belongs to the item above it (a lead "Cụ thể:", a label line
"Cơ quan thực hiện: ...", a second paragraph of the item).

Each node's `title` is its own text without the marker, wrapped lines joined;
`body_start` is where that text begins, `heading_end` where it ends, and
`start`..`end` covers the node and everything under it.
"""

from __future__ import annotations

import regex

from pipeline.segments import Section

# (kind, pattern at paragraph start); order matters: the first that matches wins.
MARKERS: list[tuple[str, regex.Pattern]] = [
    ("part", regex.compile(r"(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+[IVXLC\d]+\b\.?")),
    ("article", regex.compile(r"Điều\s+\d+[a-z]?\s*\.")),
    ("roman", regex.compile(r"(?:[IVXL]{1,5}|I{1,2}l)\s*[\.\)](?=\s)")),  # "Il." is OCR's "II."
    ("sub", regex.compile(r"\d{1,2}(?:\.\d{1,2})+\.?(?=\s|$)")),
    ("clause", regex.compile(r"\d{1,2}\s*[\.\)](?=\s|$)")),
    ("point", regex.compile(r"[a-zđ©]\s*\)(?=\s)|[a-zđ]\.(?=\s+\p{Lu})")),  # "©)" is OCR's "c)"
    ("paren", regex.compile(r"\(\s*(?:\d{1,2}|[ivx]{1,4}|[a-zđ])\s*\)\.?(?=\s)")),
    # "_ 7 Tham mưu", "~ Chủ trì", "¬ Phối hợp": a dash bullet as OCR reads it, before a capitalised word
    ("dash", regex.compile(r"[-–—•·]\s*(?=[^\s\-–—;,.:|])|[_~¬](?:\s+[7>»›~])?\s+(?=\p{Lu}\p{Ll})")),
    ("plus", regex.compile(r"\+\s*(?=\S)")),
]
# Any of MARKERS at a position, group mN for MARKERS[N]: most paragraphs open with none, and are told so by one
# match, not nine; the others start the loop at the first kind that matches (alternatives are tried in order).
_ANY_MARKER = regex.compile("|".join(f"(?P<m{i}>{pat.pattern})" for i, (_, pat) in enumerate(MARKERS)))
RANK = {"root": -1, "part": 0, "article": 1, "roman": 2, "clause": 3, "sub": 4, "point": 6, "paren": 7,
        "dash": 8, "plus": 9, "row": 10, "para": 20}

_PAGE_FURNITURE = regex.compile(
    r"^\s*(?:\d{1,4}|CÔNG BÁO/.*|Ký bởi:.*|Cơ quan:.*|Ngày ký:.*|Email:.*|Thời gian ký:.*)\s*$")
_ENDS_SENTENCE = regex.compile(r"[\.;:!?…][\"”’)\]]*\d{0,2}\s*$")
_TABLE_HEAD = regex.compile(r"^\s*(?:TT|STT|Số TT)\s*\|", regex.IGNORECASE)
_DIGIT = regex.compile(r"\s*\d")


def _lines(text: str, start: int, end: int):
    pos = start
    for line in text[start:end].split("\n"):
        yield pos, line
        pos += len(line) + 1


# OCR debris before a numbered marker ("_2.3. Giao ...", "~ 3. ...") or a dash ("__ - Trình ...").
_OCR_JUNK = regex.compile(r"[_~`'‘’.,]{1,2}\s?(?=\d{1,2}(?:\.\d{1,2})*\.\s)|_{1,2}\s+(?=[-–]\s+\p{Lu})")
_JUNK_OPENS = "_~`'‘’.,"  # the characters a match of _OCR_JUNK opens with


def marker_of(line: str) -> tuple[str, str, int] | None:
    """(kind, label, length of the marker and the spaces after it) of a line's first word."""
    s = line.lstrip()
    if s.count(" | ") >= 2 or s.startswith("|") and " | " in s:  # one stray "|" is OCR's misread rule or letter
        return ("row", "|", 0)
    jm = _OCR_JUNK.match(s) if s[:1] in _JUNK_OPENS else None
    junk = jm.end() if jm else 0
    first = _ANY_MARKER.match(s, junk)
    if not first:
        return None
    i = int(first.lastgroup[1:])
    for j, (kind, pat) in enumerate(MARKERS[i:], i):
        m = first if j == i else pat.match(s, junk)  # the first kind's match is the union's
        if m:
            rest = s[m.end():]
            if kind in ("dash", "plus") and not rest.strip():
                return None
            if kind == "clause" and _DIGIT.match(rest):  # "1. 000 đồng" is not a clause
                continue
            if junk and kind not in ("sub", "clause", "dash"):
                continue
            skip = len(rest) - len(rest.lstrip())
            return (kind, m.group().strip(), m.end() + skip)
    return None


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, tuple | None]]:
    """Logical paragraphs as (start, end, marker): wrapped lines joined, page furniture dropped."""
    end = len(text) if end is None else end
    out: list[list] = []
    prev_line = ""
    lines = list(_lines(text, start, end))
    notes = _footnote_lines(lines)
    widths = sorted(len(x.strip()) for _, x in lines if len(x.strip()) > 20)
    short = 0.7 * widths[len(widths) // 2] if widths else 0
    one_line = False  # the open paragraph is still only its marker line
    bare = False  # the open paragraph is a marker with no text yet
    blank = False  # a blank line since the last line read
    for i, (pos, line) in enumerate(lines):
        stripped = line.strip()
        if stripped == "|":  # a layout table's cell boundary (signature beside "Nơi nhận")
            prev_line = "."
            continue
        if not stripped:
            blank = True
            continue
        if _PAGE_FURNITURE.match(line) or _TABLE_HEAD.match(line) or i in notes:
            continue  # blank lines, page furniture and footnotes do not break PDF paragraphs
        mk = marker_of(line)
        new = mk is not None or not out
        lead = line.lstrip()
        capital = lead[:1].isupper()
        if not new and bare:
            pass  # "1.4." alone on its line: the next line is the item's text
        elif not new:
            if capital and _ENDS_SENTENCE.search(prev_line):
                new = True
            elif out[-1][2] and out[-1][2][0] == "row":
                new = True
            elif one_line and out[-1][2] and out[-1][2][0] in ("article", "roman", "part") and \
                    len(prev_line.strip()) < short and capital:
                new = True  # "Điều 3. Nhiệm vụ của Đoàn kiểm tra" is a title line, not a wrapped sentence
            elif one_line and blank and out[-1][2] and out[-1][2][0] in ("clause", "sub") and \
                    len(prev_line.strip()) < short and capital and not prev_line.rstrip().endswith(","):
                new = True  # "6. Tập trung xử lý vướng mắc về lao động", a blank line, then the paragraph under it
        # a trailing marker ends on "." and blanks: lines that do not cannot hold one
        tail = line.rstrip()
        tm = _TRAILING_MARKER.search(line) if i + 1 < len(lines) and tail.endswith(".") else None
        if tm and not (lines[i + 1][1].lstrip()[:1].isupper() and marker_of(lines[i + 1][1]) is None):
            tm = None
        cut = pos + tm.start(1) if tm else pos + len(tail)
        if new:
            out.append([pos + (len(line) - len(lead)), cut, mk])
        else:
            out[-1][1] = cut
        one_line = new
        blank = False
        prev_line = line
        bare = bool(mk) and not lead[mk[2]:].strip()
        if tm:  # "... tiến bộ 1.1." then "Tổ chức ...": a crawl put the next item's marker at the line end
            label = tm.group(1)
            out[-1][1] = pos + len(line[:tm.start(1)].rstrip())
            out.append([pos + tm.start(1), pos + tm.end(1), ("sub" if label.rstrip(".").count(".") else "clause",
                                                            label, tm.end(1) - tm.start(1))])
            bare, one_line, prev_line = True, True, label
    return [(a, b, mk) for a, b, mk in out]


_FOOTNOTE = regex.compile(r"^\s{0,3}\d{1,2}\s+\p{Lu}")
# A sub-item marker closing a line after a sentence or a title ("... ổn định và tiến bộ 1.1."), not a cited
# provision ("tại mục 1.2.").
_TRAILING_MARKER = regex.compile(r"(?<![\p{L}\p{M}](?:mục|khoản|điểm|tiết|Mục|Khoản|Điểm|phần|Phần|số))\s"
                                 r"(\d{1,2}(?:\.\d{1,2})+\.)\s*$")
_PAGE_NUMBER = regex.compile(r"^\s*\d{1,4}\s*$")


def _footnote_lines(lines: list[tuple[int, str]]) -> set[int]:
    """Footnotes at the foot of a PDF page: "1 Nội dung ..." lines just above the page number."""
    out: set[int] = set()
    for i, (_, line) in enumerate(lines):
        if not _FOOTNOTE.match(line):
            continue
        for j in range(i + 1, min(i + 8, len(lines))):
            if _PAGE_NUMBER.match(lines[j][1]):
                out.update(range(i, j))
                break
    return out


STRUCTURAL = ("part", "article", "roman")


# The item kinds above as `Section.kind`: the word of a structural marker decides part/chapter/section,
# the closing bracket of a number clause/clause_paren.
_KIND = {"sub": "subclause", "para": "paragraph"}


def _section_kind(kind: str, label: str) -> str:
    if kind == "part":
        w = label.split()[0].lower()
        return {"chương": "chapter", "mục": "section"}.get(w, "part")
    if kind == "clause" and label.endswith(")"):
        return "clause_paren"
    return _KIND.get(kind, kind)


def _label(kind: str, label: str) -> str:
    """"Điều 3", "II", "Chương I", "1.", "a)", "-": structural labels without their closing point."""
    if kind in ("part", "article", "roman"):
        return " ".join(label.rstrip(".)").split())
    return label


def build_tree(root: Section, text: str, start: int, end: int) -> Section:
    """Items of `text[start:end]` as children of `root` (see the module's docstring)."""
    stack: list[tuple[str, Section]] = [("root", root)]
    for a, b, mk in paragraphs(text, start, end):
        kind, label, skip = mk if mk is not None else ("para", "", 0)
        key = f"sub{label.rstrip('.').count('.')}" if kind == "sub" else kind
        body = min(a + skip, b)
        node = Section(_section_kind(kind, label), _label(kind, label), " ".join(text[body:b].split()), a, b, b,
                       body_start=body)
        if kind != "para":
            keys = [k for k, _ in stack]
            if key in keys:
                del stack[keys.index(key):]
            elif kind in STRUCTURAL:
                while len(stack) > 1 and (stack[-1][0] not in STRUCTURAL_KEYS or
                                          RANK[stack[-1][0]] >= RANK[kind]):
                    stack.pop()
        for _, n in stack:
            n.end = max(n.end, b)
        stack[-1][1].children.append(node)
        if kind != "para":
            stack.append((key, node))
    return root


STRUCTURAL_KEYS = set(STRUCTURAL)
