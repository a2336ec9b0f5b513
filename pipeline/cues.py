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

    __slots__ = ("cues", "fold", "rx")

    def __init__(self, rx: regex.Pattern, cues: Iterable[str], fold: bool | None = None):
        self.rx = rx
        self.fold = bool(rx.flags & regex.IGNORECASE) if fold is None else fold
        self.cues = tuple(dict.fromkeys(c.casefold() if self.fold else c for c in cues))
        if not self.cues or "" in self.cues:
            raise ValueError("a cued pattern needs non-empty cues")

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        end = len(text) if endpos is None else min(endpos, len(text))
        s = folded(text) if self.fold else text
        if s is None:
            yield from self.rx.finditer(text, pos, end)
            return
        at = pos
        for i in heapq.merge(*(_starts(s, c, pos, end) for c in self.cues)):
            if i < at:
                continue
            m = self.rx.match(text, i, end)
            if m:
                yield m
                at = m.end()

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return next(self.finditer(text, pos, endpos), None)
