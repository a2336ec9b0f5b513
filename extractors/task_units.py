"""The items a directive is written in: numbered clauses, points, bullets, table rows.

Tasks are counted per smallest item, so the text is first rebuilt into its
items. Extraction from PDFs leaves lines wrapped mid-sentence and page furniture
between them; this module joins wrapped lines back into paragraphs, drops the
furniture, and nests items by their marker ("I." > "1." > "1.1." > "a)" >
"(1)" > "-" > "+") so that an agency heading's bullets can inherit its body.
It works on `Document.text` alone, so it does not depend on segmentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

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
RANK = {"root": -1, "part": 0, "article": 1, "roman": 2, "clause": 3, "sub": 4, "point": 6, "paren": 7,
        "dash": 8, "plus": 9, "row": 10, "para": 20}

_PAGE_FURNITURE = regex.compile(
    r"^\s*(?:\d{1,4}|CÔNG BÁO/.*|Ký bởi:.*|Cơ quan:.*|Ngày ký:.*|Email:.*|Thời gian ký:.*)\s*$")
_ENDS_SENTENCE = regex.compile(r"[\.;:!?…][\"”’)\]]*\d{0,2}\s*$")
_TABLE_HEAD = regex.compile(r"^\s*(?:TT|STT|Số TT)\s*\|", regex.IGNORECASE)
_END_OF_BODY = regex.compile(r"^\s*(?:Nơi nhận|NƠI NHẬN)\s*:?", regex.MULTILINE)


@dataclass
class Unit:
    """One item (or plain paragraph) of the text, with its sub-items."""

    kind: str
    label: str
    start: int  # offset of the marker (or first character) in Document.text
    end: int  # end of the item's own paragraph (sub-items not included)
    body_start: int  # offset just after the marker
    text: str  # item text without the marker, wrapped lines joined
    children: list[Unit] = field(default_factory=list)
    parent: Unit | None = field(default=None, repr=False)

    @property
    def rank(self) -> int:
        return RANK[self.kind]

    @property
    def subtree_end(self) -> int:
        return self.children[-1].subtree_end if self.children else self.end

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def ancestors(self):
        p = self.parent
        while p is not None and p.kind != "root":
            yield p
            p = p.parent


def _lines(text: str, start: int, end: int):
    pos = start
    for line in text[start:end].split("\n"):
        yield pos, line
        pos += len(line) + 1


# OCR debris before a numbered marker ("_2.3. Giao ...", "~ 3. ...") or a dash ("__ - Trình ...").
_OCR_JUNK = regex.compile(r"[_~`'‘’.,]{1,2}\s?(?=\d{1,2}(?:\.\d{1,2})*\.\s)|_{1,2}\s+(?=[-–]\s+\p{Lu})")


def marker_of(line: str) -> tuple[str, str, int] | None:
    """(kind, label, length of the marker and the spaces after it) of a line's first word."""
    s = line.lstrip()
    if s.count(" | ") >= 2 or s.startswith("|") and " | " in s:  # one stray "|" is OCR's misread rule or letter
        return ("row", "|", 0)
    jm = _OCR_JUNK.match(s)
    junk = jm.end() if jm else 0
    for kind, pat in MARKERS:
        m = pat.match(s, junk)
        if m:
            rest = s[m.end():]
            if kind in ("dash", "plus") and not rest.strip():
                return None
            if kind == "clause" and regex.match(r"\s*\d", rest):  # "1. 000 đồng" is not a clause
                continue
            if junk and kind not in ("sub", "clause", "dash"):
                continue
            skip = len(rest) - len(rest.lstrip())
            return (kind, m.group().strip(), m.end() + skip)
    return None


def body_region(text: str) -> tuple[int, int]:
    """From the start to the "Nơi nhận" block (the signature block follows it or sits beside it)."""
    m = _END_OF_BODY.search(text)
    end = m.start() if m else len(text)
    return 0, end


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
        if line.strip() == "|":  # a layout table's cell boundary (signature beside "Nơi nhận")
            prev_line = "."
            continue
        if not line.strip():
            blank = True
            continue
        if _PAGE_FURNITURE.match(line) or _TABLE_HEAD.match(line) or i in notes:
            continue  # blank lines, page furniture and footnotes do not break PDF paragraphs
        mk = marker_of(line)
        new = mk is not None or not out
        if not new and bare:
            pass  # "1.4." alone on its line: the next line is the item's text
        elif not new:
            if _ENDS_SENTENCE.search(prev_line) and line.lstrip()[:1].isupper():
                new = True
            elif out[-1][2] and out[-1][2][0] == "row":
                new = True
            elif len(line) - len(line.lstrip()) >= 4 and line.lstrip()[:1].isupper() and \
                    _ENDS_SENTENCE.search(prev_line):
                new = True
            elif one_line and out[-1][2] and out[-1][2][0] in ("article", "roman", "part") and \
                    len(prev_line.strip()) < short and line.lstrip()[:1].isupper():
                new = True  # "Điều 3. Nhiệm vụ của Đoàn kiểm tra" is a title line, not a wrapped sentence
            elif one_line and blank and out[-1][2] and out[-1][2][0] in ("clause", "sub") and \
                    len(prev_line.strip()) < short and line.lstrip()[:1].isupper() and not prev_line.rstrip().endswith(","):
                new = True  # "6. Tập trung xử lý vướng mắc về lao động", a blank line, then the paragraph under it
        tm = _TRAILING_MARKER.search(line) if i + 1 < len(lines) else None
        if tm and not (lines[i + 1][1].lstrip()[:1].isupper() and marker_of(lines[i + 1][1]) is None):
            tm = None
        cut = pos + tm.start(1) if tm else pos + len(line.rstrip())
        if new:
            out.append([pos + (len(line) - len(line.lstrip())), cut, mk])
        else:
            out[-1][1] = cut
        one_line = new
        blank = False
        prev_line = line
        bare = bool(mk) and not line.lstrip()[mk[2]:].strip()
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


def _clean(s: str) -> str:
    return " ".join(s.split())


STRUCTURAL = ("part", "article", "roman")


def build_units(text: str, start: int = 0, end: int | None = None) -> Unit:
    """Tree of items of `text[start:end]` under a root unit.

    Parts, articles and roman sections nest by fixed rank. Below them documents
    differ ("a)" under "(1)" in one, "(1)" under "a)" in another), so an item
    kind already open on the stack closes back to that level, and a kind not
    yet open nests under the current item, the way an outline is read.
    """
    end = len(text) if end is None else end
    root = Unit("root", "", start, end, start, "")
    stack = [root]
    for a, b, mk in paragraphs(text, start, end):
        kind, label, skip = mk if mk is not None else ("para", "", 0)
        key = f"sub{label.rstrip('.').count('.')}" if kind == "sub" else kind
        u = Unit(kind, label, a, b, min(a + skip, b), "")
        u.text = _clean(text[u.body_start:b])
        u._key = key  # type: ignore[attr-defined]
        if kind == "para":
            parent = stack[-1]
        else:
            keys = [getattr(x, "_key", "root") for x in stack]
            if key in keys:
                del stack[keys.index(key):]
            elif kind in STRUCTURAL:
                while len(stack) > 1 and (stack[-1].kind not in STRUCTURAL or RANK[stack[-1].kind] >= RANK[kind]):
                    stack.pop()
            parent = stack[-1]
        u.parent = parent
        parent.children.append(u)
        if kind != "para":
            stack.append(u)
    return root


SENT_END = regex.compile(r"(?<=[\.!?…])[\"”’)]*\s+(?=[\"“(]?\p{Lu})")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of an item's text: split after . ! ? before a capital."""
    spans = []
    pos = 0
    for m in SENT_END.finditer(text):
        if _abbrev_before(text, m.start()):
            continue
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        out.extend(_inline_items(text, a, b))
    return [(a, b) for a, b in out if text[a:b].strip()]


_INLINE_SEP = regex.compile(r";\s*(?=\p{Lu})")


def _inline_items(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """An inline list after a colon ("...: Đẩy mạnh ...; Sở X theo dõi ...; Tăng cường ...") is one item per clause."""
    colon = text.find(": ", a, b)
    if colon < 0 or not _INLINE_SEP.search(text, colon, b):
        return [(a, b)]
    out = []
    pos = a
    for m in _INLINE_SEP.finditer(text, colon, b):
        out.append((pos, m.start() + 1))
        pos = m.end()
    out.append((pos, b))
    return out


_ABBR = regex.compile(r"(?:\b(?:TP|Tp|ThS|TS|PGS|GS|Ông|Bà|tr|St|NĐ|QĐ|TT|Số|số|v\.v)|\b\p{Lu})\.$")


def _abbrev_before(text: str, pos: int) -> bool:
    return bool(_ABBR.search(text[max(0, pos - 6):pos]))


def unit_sentences(text: str, start: int = 0, end: int | None = None):
    """Every sentence of every item as (start, end, unit) with offsets into `text`."""
    root = build_units(text, start, end)
    for u in root.walk():
        if u.kind == "root":
            continue
        raw = text[u.body_start:u.end]
        for a, b in sentences(raw):
            yield u.body_start + a, u.body_start + b, u
