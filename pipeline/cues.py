"""Costly patterns tried only where a literal says one of their matches may start.

A pattern of many alternatives, case-insensitive, costs its whole alternation at every position of a long text,
though a match can only start on a few words ("trước", "chậm nhất", "vào", …). `Cued.finditer(text)` gives
exactly the matches of `rx.finditer(text)` when every match of `rx` starts with one of `cues`, compared case
folded as IGNORECASE compares them: the text is folded once (and kept for the next pattern over the same text),
the cues are found with `str.find`, and `rx.match` is tried at each, left to right, as `finditer` would reach it.
The one condition on a pattern given cues is that every match of it starts with one of them; a pattern that
can match the empty string cannot have cues.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterable, Iterator

import regex


@functools.lru_cache(maxsize=4)
def folded(text: str) -> str | None:
    """`text` case folded, or None where folding changes its length (offsets would no longer match)."""
    f = text.casefold()
    return f if len(f) == len(text) else None


def _starts(s: str, cue: str, pos: int, end: int) -> Iterator[int]:
    i = s.find(cue, pos, end)
    while i >= 0:
        yield i
        i = s.find(cue, i + 1, end)


class Cued:
    """`rx` with the literals its matches start with (`fold`: compared case folded, for IGNORECASE patterns)."""

    __slots__ = ("any_cue", "cues", "fold", "rx")

    def __init__(self, rx: regex.Pattern, cues: Iterable[str], fold: bool | None = None):
        self.rx = rx
        self.fold = bool(rx.flags & regex.IGNORECASE) if fold is None else fold
        self.cues = tuple(dict.fromkeys(c.casefold() if self.fold else c for c in cues))
        if not self.cues or "" in self.cues:
            raise ValueError("a cued pattern needs non-empty cues")
        # many cues: one scan for every place any of them starts (a look-ahead, so cues that overlap are all seen)
        self.any_cue = re.compile("(?=" + "|".join(map(re.escape, self.cues)) + ")") if len(self.cues) > 8 else None

    def _positions(self, s: str, pos: int, end: int) -> Iterator[int]:
        if self.any_cue is not None:
            return (m.start() for m in self.any_cue.finditer(s, pos, end))
        return heapq.merge(*(_starts(s, c, pos, end) for c in self.cues))

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
        at = pos
        for i in self._positions(s, pos, end):
            if i < at:
                continue
            m = self.rx.match(text, i - shift, end - shift)
            if m:
                yield m
                at = m.end() + shift

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
