"""Costly patterns tried only where a cheap cue says one of their matches may start.

A pattern of many alternatives, case-insensitive, costs its whole alternation at every position of a long text,
though a match can only start on a few words ("trước", "chậm nhất", "vào", …). `Cued.finditer(text)` gives
exactly the matches of `rx.finditer(text)` when every match of `rx` starts where its cue matches: the cue is a
standard-library `re` pattern (or a list of literals) that the text matches at the start of every match of
`rx`, compared case folded where `rx` ignores case (the text is folded once, and kept for the next pattern over
the same text). The cue is found with `re`'s quick scan, `rx.match` is tried there, and the scan goes on from
the next character (or from the end of a match), left to right as `finditer` would go. So a cue may match more
than `rx` (a relaxed copy of its first words, `\\s` for its blanks), never less; a pattern that can match the
empty string cannot be cued.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

import regex


@functools.lru_cache(maxsize=4)
def folded(text: str) -> str | None:
    """`text` case folded, or None where folding changes its length (offsets would no longer match)."""
    f = text.casefold()
    return f if len(f) == len(text) else None


class Cued:
    """`rx` with its cue: `cues`, literals one of which starts every match, or `cue`, an `re` pattern that matches
    where every match starts (written in lower case where `fold`: `rx` ignores case)."""

    __slots__ = ("cue", "fold", "rx")

    def __init__(self, rx: regex.Pattern, cues: Iterable[str] = (), fold: bool | None = None, cue: str | None = None):
        self.rx = rx
        self.fold = bool(rx.flags & regex.IGNORECASE) if fold is None else fold
        words = sorted({c.casefold() if self.fold else c for c in cues}, key=lambda c: (-len(c), c))
        if (cue is None) == (not words) or "" in words:
            raise ValueError("a cued pattern needs non-empty literals or a cue pattern")
        self.cue = re.compile(cue if cue is not None else "|".join(map(re.escape, words)))

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        end = len(text) if endpos is None else min(endpos, len(text))
        s = folded(text) if self.fold else text
        if s is None:
            yield from self.rx.finditer(text, pos, end)
            return
        yield from self._matches(text, s, pos, end, 0)

    def finditer_slice(self, text: str, lo: int, hi: int) -> Iterator[regex.Match]:
        """The matches of `rx.finditer(text[lo:hi])` (offsets into the slice, look-arounds blind outside it), with
        the cues found in the whole text's fold: a window of a long text is not folded again."""
        s = folded(text) if self.fold else text
        if s is None:
            yield from self.rx.finditer(text[lo:hi])
            return
        yield from self._matches(text[lo:hi], s, lo, hi, lo)

    def _matches(self, text: str, s: str, pos: int, end: int, shift: int) -> Iterator[regex.Match]:
        """Matches in `text` (the slice of the cue text `s` that starts at `shift`) from cues in `s[pos:end]`."""
        find, match = self.cue.search, self.rx.match
        p = pos
        while (c := find(s, p, end)) is not None:
            i = c.start()
            m = match(text, i - shift, end - shift)
            if m:
                yield m
                p = max(m.end() + shift, i + 1)
            else:
                p = i + 1

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return next(self.finditer(text, pos, endpos), None)


def literal_starts(text: str, lit: str, alone: str = "") -> Iterator[int]:
    """Where `regex.finditer(regex.escape(lit), text)` matches (`lit` not empty): non-overlapping, left to right.

    `alone="L"` also asks that no letter touch it on either side (`(?<!\\p{L})…(?!\\p{L})`), `alone="Ld"` no letter
    or digit; `str.isalpha` and `str.isdecimal` are `\\p{L}` and `\\d`. A per-document pattern built around one
    name costs a compile (a millisecond) to find what `str.find` finds in microseconds."""
    if not lit:
        raise ValueError("an empty literal")
    n, k = len(text), len(lit)

    def touches(c: str) -> bool:
        return c.isalpha() or ("d" in alone and c.isdecimal())

    i = text.find(lit)
    while i >= 0:
        if alone and ((i > 0 and touches(text[i - 1])) or (i + k < n and touches(text[i + k]))):
            i = text.find(lit, i + 1)
            continue
        yield i
        i = text.find(lit, i + k)
