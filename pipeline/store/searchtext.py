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

from pipeline.normalise import strip_marks

_WORDS = regex.compile(r"[\p{L}\p{N}]+")


def search_words(s: str | None) -> list[str]:
    return _WORDS.findall(strip_marks(s or ""))


def index_text(s: str | None) -> str:
    return " ".join(search_words(s))


def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold_same_length(s: str) -> str:
    """Like strip_marks, one character for one, so offsets stay valid."""
    return "".join(_fold_char(c) for c in s)


@dataclass
class Snippet:
    text: str  # original spelling, matched words between [ and ]
    start: int
    end: int


def snippet(text: str, words: list[str], width: int = 160, mark: tuple[str, str] = ("[", "]")) -> Snippet:
    """The window of `text` holding the most query words, the words marked."""
    if not text:
        return Snippet("", 0, 0)
    folded = fold_same_length(text)
    hits: list[tuple[int, int]] = []
    for w in set(words):
        for m in regex.finditer(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(w)}(?![\p{{L}}\p{{N}}])", folded):
            hits.append((m.start(), m.end()))
    hits.sort()
    if not hits:
        end = min(len(text), width)
        return Snippet(" ".join(text[:end].split()), 0, end)
    best, best_n = 0, 0
    j = 0
    for i, (s, _) in enumerate(hits):  # sliding window over hit starts
        while hits[j][0] < s - width + 40:
            j += 1
        distinct = len({folded[a:b] for a, b in hits[j:i + 1]})
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
