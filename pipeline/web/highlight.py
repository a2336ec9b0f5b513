"""Document text as HTML with extracted spans marked, every character escaped.

Records carry offsets into `Document.text`; spans may nest (a deadline inside a
task) or overlap partially (two extractors disagreeing on a boundary). Nested
spans nest in the HTML; a partial overlap is clipped to its enclosing span so
the markup always stays well formed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from pipeline.normalise import unmark

KINDS = ("reference", "task", "deadline", "budget", "header")


@dataclass(frozen=True)
class Span:
    kind: str  # one of KINDS
    start: int
    end: int
    anchor: str  # id of the record's entry on the page, e.g. "task-3"
    title: str = ""


def _open(s: Span) -> str:
    # spans, not links: anchors may not nest in HTML; static/doc.js follows data-href on click
    title = f' title="{escape(s.title)}"' if s.title else ""
    return (f'<span class="hl hl-{escape(s.kind)}" id="at-{escape(s.anchor)}" data-href="#{escape(s.anchor)}" '
            f'tabindex="0" role="link"{title}>')


def highlight(text: str, spans: list[Span]) -> Markup:
    """`text` escaped, with a `<span class="hl hl-KIND">` around each valid span."""
    n = len(text)
    valid = sorted(
        (Span(s.kind, max(0, s.start), min(n, s.end), s.anchor, s.title) for s in spans
         if s.kind in KINDS and s.start is not None and s.end is not None and s.start < s.end and s.start < n),
        key=lambda s: (s.start, -s.end),
    )
    out: list[str] = []
    stack: list[int] = []  # ends of open spans
    pos = 0

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and stack[-1] <= limit:
            end = stack.pop()
            out.append(str(escape(text[pos:end])))
            out.append("</span>")
            pos = end

    for s in valid:
        close_until(s.start)
        end = min(s.end, stack[-1]) if stack else s.end
        if end <= s.start:
            continue
        out.append(str(escape(text[pos:s.start])))
        pos = s.start
        out.append(_open(s))
        stack.append(end)
    close_until(n)
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def _fold(s: str) -> str:
    """Letters without marks, lower case, one character for one (`pipeline.normalise.unmark`)."""
    u = unmark(s)
    low = u.lower()
    if len(low) != len(u):  # a letter whose lower case is two characters (İ): keep it as it is
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in u)
    return low


def mark_terms(text: str, query: str) -> Markup:
    """`text` escaped, with each occurrence of a query word wrapped in <mark>, marks and case ignored:
    "khuyen cong" marks "khuyến công"."""
    words = sorted({w for w in re.findall(r"\w+", _fold(query)) if len(w) > 1 or w.isdigit()}, key=len, reverse=True)
    if not words or not text:
        return Markup(escape(text or ""))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
    out, pos = [], 0
    for m in pattern.finditer(_fold(text)):
        out.append(str(escape(text[pos:m.start()])))
        out.append(f'<mark class="q">{escape(text[m.start():m.end()])}</mark>')
        pos = m.end()
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))
