"""Diacritic- and case-free text for full-text search, and snippets in the
original spelling.

The index holds words only (strip_marks, punctuation → space), so SQLite FTS5,
PostgreSQL tsvector and Datasette all tokenise it the same way:
"Nghị định 45/2012/NĐ-CP" is indexed as "nghi dinh 45 2012 nd cp".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from pipeline.normalise import LOOKALIKES

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
    base = unicodedata.normalize("NFD", c)[0].lower()
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


_VARIANTS: dict[str, str] = {}
for _code, _base in _FOLD_TABLE.items():
    _VARIANTS[_base] = _VARIANTS.get(_base, _base + _base.upper()) + chr(_code)


def _word_pattern(w: str) -> str:
    """A folded word as a regex over the original spelling: "cong" matches "công", "CÔNG", "cộng"."""
    return "".join(f"[{_VARIANTS[c]}]" if c in _VARIANTS else regex.escape(c) for c in w)


def snippet(text: str, words: list[str], width: int = 160, mark: tuple[str, str] = ("[", "]")) -> Snippet:
    """The window of `text` holding the most query words, the words marked."""
    if not text:
        return Snippet("", 0, 0)
    pattern = regex.compile(
        r"(?<![\p{L}\p{N}])(?:" + "|".join(_word_pattern(w) for w in sorted(set(words), key=len, reverse=True))
        + r")(?![\p{L}\p{N}])")
    hits = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not hits:
        end = min(len(text), width)
        return Snippet(" ".join(text[:end].split()), 0, end)
    best, best_n = 0, 0
    j = 0
    for i, (s, _) in enumerate(hits):  # sliding window over hit starts
        while hits[j][0] < s - width + 40:
            j += 1
        distinct = len({fold_same_length(text[a:b]) for a, b in hits[j:i + 1]})
        if distinct > best_n:
            best, best_n = i, distinct
    anchor = hits[best][0]
    start = max(0, anchor - width // 2)
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
    return Snippet(("… " if start > 0 else "") + body + (" …" if end < len(text) else ""), start, end)
