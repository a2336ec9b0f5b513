"""`match` and `search` with a pattern written inline, compiled once.

`regex.match(pattern, s)` looks its pattern up in the module's cache on every
call (flag arithmetic included), and the cache is small enough for the
extractors' hundreds of inline patterns to evict each other. Name reading calls
these a hundred thousand times a corpus, so the compiled pattern is kept here.
"""

from __future__ import annotations

from functools import cache

import regex


@cache
def compiled(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


def match(pattern: str, s: str, *pos) -> regex.Match | None:
    return compiled(pattern).match(s, *pos)


def search(pattern: str, s: str, *pos) -> regex.Match | None:
    return compiled(pattern).search(s, *pos)
