"""Diacritic- and case-free text for full-text search, and snippets in the
original spelling.

The index holds words only (strip_marks, punctuation → space), so SQLite FTS5,
PostgreSQL tsvector and Datasette all tokenise it the same way:
"Nghị định 45/2012/NĐ-CP" is indexed as "nghi dinh 45 2012 nd cp".

A document's body is indexed without its furniture (`furniture_spans`): the
quốc hiệu and tiêu ngữ every document prints, the Công báo page headers and
signature stamps, a web page's chrome ("Loading", "bannerclient …"). They
would make "cong hoa", "doc lap" or "cong bao" match every document, and a
snippet never shows them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.normalise import LOOKALIKES, unmark

_WORDS = regex.compile(r"[\p{L}\p{N}]+")
_MARKS = regex.compile(r"\p{Mn}+")


def strip_fast(s: str) -> str:
    """pipeline.normalise.strip_marks at C speed for whole documents: case and
    diacritics dropped, đ→d. (Tone placement, which strip_marks also fixes,
    does not matter once the marks are gone.)"""
    s = unicodedata.normalize("NFD", s.translate(LOOKALIKES).casefold())
    return _MARKS.sub("", s).replace("đ", "d")


def search_words(s: str | None) -> list[str]:
    return _WORDS.findall(strip_fast(s or ""))


def index_text(s: str | None) -> str:
    return " ".join(search_words(s))


def _fold_char(c: str) -> str:
    if c in "đĐ\u00d0\u0189\u0256":  # đ and its look-alikes (see normalise.LOOKALIKES)
        return "d"
    base = unmark(c).lower()
    return base if len(base) == 1 else c


# Latin letters with marks (Vietnamese is all in these blocks) folded one to one.
_FOLD_TABLE = {i: _fold_char(chr(i)) for i in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]}


def fold_same_length(s: str) -> str:
    """Like strip_marks, one character for one, so offsets stay valid."""
    return s.translate(_FOLD_TABLE)


@dataclass
class Snippet:
    text: str  # original spelling, matched words between [ and ]
    start: int
    end: int


_H = r"[^\S\n]"  # a blank inside a line
# Whole lines that are furniture, matched on fold_same_length(text) (lower case, no marks).
_FURNITURE_LINES = regex.compile(rf"""(?mx)^{_H}*(?:
      \d*{_H}*cong{_H}*bao{_H}*/{_H}*so\b.*                        # CÔNG BÁO/Số 505 + 506/Ngày 14-4-2024
    | ky{_H}+boi{_H}*:.*(?:\n{_H}*(?:co{_H}+quan|ngay{_H}+ky|thoi{_H}+gian{_H}+ky){_H}*:.*)*  # its signature stamp
    | van{_H}+ban{_H}+phap{_H}+luat{_H}+khac                          # a Công báo section title
    | loading | bannerclient\b.* | truy{_H}+cap{_H}+noi{_H}+dung{_H}+luon   # a web page's chrome
    ){_H}*$""")
# Anywhere: the motto, and the national title in capitals (in running text, "nước Cộng hòa xã hội
# chủ nghĩa Việt Nam" is written in lower case and stays searchable).
_MOTTO = regex.compile(r"doc\s*lap[\s,.:;–—‐-]*tu\s*do[\s,.:;–—‐-]*hanh\s*phuc")
_NATION = regex.compile(r"cong\s*hoa\s+xa\s*hoi\s+chu\s*nghia\s+viet\s*nam")


def furniture_spans(text: str, folded: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of the letterhead and page furniture in `text`, in order."""
    f = fold_same_length(text) if folded is None else folded
    spans = [m.span() for m in _FURNITURE_LINES.finditer(f)]
    spans += [m.span() for m in _MOTTO.finditer(f)]
    spans += [m.span() for m in _NATION.finditer(f) if not any(c.islower() for c in text[m.start():m.end()])]
    return sorted(spans)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            a = pos
        if b <= a:
            continue
        out += [text[pos:a], " " * (b - a)]
        pos = b
    out.append(text[pos:])
    return "".join(out)


def without_furniture(text: str) -> str:
    """`text` with its furniture blanked out (same length, so offsets stay valid)."""
    return _blank(text, furniture_spans(text))


def index_body(text: str | None) -> str:
    """The indexed copy of a document's body: its words without diacritics, furniture left out."""
    return index_text(without_furniture(text or ""))


_BOUND_L, _BOUND_R = r"(?<![\p{L}\p{N}])", r"(?![\p{L}\p{N}])"
_GAP = r"[^\p{L}\p{N}]+"
HIT_CAP = 4000  # hits looked at for the best window (a long text's later hits add nothing to a snippet)


def snippet(text: str, words: list[str], width: int = 160, mark: tuple[str, str] = ("[", "]"),
            phrase: bool = True, body: str | None = None) -> Snippet:
    """A window of `text` in its original spelling around the query, the query words marked.

    The window opens on the first place where the words stand side by side as typed (with
    `phrase`, several words), else on the stretch holding most of the distinct words; the
    document's furniture (letterhead, page headers, site chrome) is never shown.

    `body`, the document's indexed copy (`index_body(text)`), finds the place without
    folding the whole text: the text is then read only around it.
    """
    if not text:
        return Snippet("", 0, 0)
    if body is not None and len(text) > 8 * width:
        at = _place_from_body(text, body, [w for w in dict.fromkeys(words) if w], width, phrase)
        if at is not None:
            lo, hi = max(0, at - 2 * width), min(len(text), at + 3 * width)
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
            while hi < len(text) and not text[hi].isspace():
                hi += 1
            sub = snippet(text[lo:hi], words, width, mark, phrase)
            inner = sub.text.removeprefix("… ").removesuffix(" …")
            before = text[:lo + sub.start]
            more_before = bool(before.strip()) and (len(before) > 2000 or bool(without_furniture(before).strip()))
            return Snippet(("… " if more_before else "") + inner
                           + (" …" if text[lo + sub.end:].strip() else ""), lo + sub.start, lo + sub.end)
    folded = fold_same_length(text)
    spans = furniture_spans(text, folded)
    if spans:
        text, folded = _blank(text, spans), _blank(folded, spans)
    words = [w for w in dict.fromkeys(words) if w]
    if not words:
        return _window(text, [], 0, width, mark)
    pattern = regex.compile(_BOUND_L + "(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
                            + ")" + _BOUND_R)
    anchor = None
    if phrase and len(words) > 1:
        m = regex.search(_BOUND_L + _GAP.join(regex.escape(w) for w in words) + _BOUND_R, folded)
        anchor = m.start() if m else None
    hits: list[tuple[int, int]] = []
    for m in pattern.finditer(folded):
        hits.append(m.span())
        if len(hits) >= HIT_CAP:
            break
    if not hits:
        start = len(text) - len(text.lstrip())
        return _window(text, [], start, width, mark, centre=False)
    if anchor is None:
        anchor = _densest(folded, hits, width)
    return _window(text, hits, anchor, width, mark)


def _place_from_body(text: str, body: str, words: list[str], width: int, phrase: bool) -> int | None:
    """Offset in `text` of the words the snippet should open on, found in the indexed copy
    and looked up in the text near the same relative place; None when not found there."""
    if not words or not body:
        return None
    b = f" {body} "
    i = b.find(" " + " ".join(words) + " ") if phrase and len(words) > 1 else -1
    if i < 0:
        pattern = regex.compile(r"(?<= )(?:" + "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
                                + ")(?= )")
        hits = []
        for m in pattern.finditer(b):
            hits.append(m.span())
            if len(hits) >= HIT_CAP:
                break
        if not hits:
            return None
        i = _densest(b, hits, width) - 1
    seq = _unmarked_sequence(tuple(b[i + 1:i + 80].split()[:3]))
    est = int(i * len(text) / max(1, len(body)))
    for reach in (1500, 6000):  # the words' place in the text is about where it is in the copy
        lo, hi = max(0, est - reach), min(len(text), est + reach)
        found = [m.start() for m in seq.finditer(text, lo, hi)]
        if found:
            return min(found, key=lambda a: abs(a - est))
    return None


_SPELLINGS: dict[str, str] = {}  # a folded letter → every letter folding to it
for _code, _base in _FOLD_TABLE.items():
    _SPELLINGS[_base] = _SPELLINGS.get(_base, _base) + chr(_code)


@lru_cache(maxsize=256)
def _unmarked_sequence(words: tuple[str, ...]) -> regex.Pattern:
    """Folded words side by side, matched in the original spelling ("khuyen cong" → "KHUYẾN CÔNG")."""
    def one(w: str) -> str:
        return "".join(f"[{regex.escape(_SPELLINGS[c])}]" if c in _SPELLINGS else regex.escape(c) for c in w)
    return regex.compile(_BOUND_L + _GAP.join(one(w) for w in words) + _BOUND_R)


def _densest(folded: str, hits: list[tuple[int, int]], width: int) -> int:
    """Start of the hit opening the stretch (about `width` long) with the most distinct words."""
    counts: dict[str, int] = {}
    best, best_n, j = hits[0][0], 0, 0
    words = [folded[a:b] for a, b in hits]
    for i, (s, _) in enumerate(hits):
        counts[words[i]] = counts.get(words[i], 0) + 1
        while hits[j][0] < s - width + 40:
            counts[words[j]] -= 1
            if not counts[words[j]]:
                del counts[words[j]]
            j += 1
        if len(counts) > best_n:
            best, best_n = hits[j][0], len(counts)
    return best


def _window(text: str, hits: list[tuple[int, int]], anchor: int, width: int, mark: tuple[str, str],
            centre: bool = True) -> Snippet:
    start = max(0, anchor - width // 3) if centre else anchor
    while start > 0 and not text[start - 1].isspace() and anchor - start < width:
        start -= 1
    end = min(len(text), start + width)
    while end < len(text) and not text[end].isspace() and end - start < width + 30:
        end += 1
    out, pos = [], start
    for a, b in hits:
        if a < pos or b > end:
            continue
        out += [text[pos:a], mark[0], text[a:b], mark[1]]
        pos = b
    out.append(text[pos:end])
    body = " ".join("".join(out).split())
    return Snippet(("… " if text[:start].strip() else "") + body + (" …" if text[end:].strip() else ""), start, end)
