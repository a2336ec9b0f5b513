"""Diacritic-insensitive matching that keeps offsets: one folded char per char.

Used to mark the query's words inside a result snippet ("khuyen cong" marks
"khuyến công") without disturbing the escaped original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))
    base = base.casefold()
    return base if len(base) == 1 else c.lower()[:1] or c


def fold(s: str) -> str:
    """Lower case without tone or vowel marks; `len(fold(s)) == len(s)`."""
    return "".join(_fold_char(c) for c in s)


def mark_terms(text: str, query: str) -> Markup:
    """`text` escaped, with each occurrence of a query word wrapped in <mark>."""
    words = sorted({w for w in re.findall(r"\w+", fold(query)) if len(w) > 1 or w.isdigit()}, key=len, reverse=True)
    if not words or not text:
        return Markup(escape(text or ""))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
    out, pos = [], 0
    for m in pattern.finditer(fold(text)):
        out.append(str(escape(text[pos:m.start()])))
        out.append(f'<mark class="q">{escape(text[m.start():m.end()])}</mark>')
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))
