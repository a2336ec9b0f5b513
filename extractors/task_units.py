"""The task extractor's view of the segmenter's body tree (`pipeline.outline`).

Tasks are counted per smallest item, so each node of the body and appendix
trees that `segment` built (`Section`) is read as a `Unit`: its kind in the
words the task rules use ("clause", "sub", "point", "para" ...), its own text
with wrapped lines joined, and its sub-items. Sentences of an item's text
are cut here (`sentences`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.outline import RANK
from pipeline.segments import Section

# Section.kind -> the kind the task rules read (numbers "1." and "1)" alike, Phần/Chương/Mục alike).
_KIND = {"part": "part", "chapter": "part", "section": "part", "subclause": "sub", "clause_paren": "clause",
         "paragraph": "para", "appendix": "root"}


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


def units(section: Section, parent: Unit | None = None) -> Unit:
    """The tree under `section` (the body's root or an appendix) as units; the top one is a root."""
    top = parent is None
    kind = "root" if top else _KIND.get(section.kind, section.kind)
    u = Unit(kind, "" if top else section.label, section.start, section.heading_end if not top else section.end,
             section.body_start, "" if top else section.title, parent=parent)
    u.children = [units(c, u) for c in section.children]
    return u


def trees(seg) -> list[Unit]:
    """The body and every appendix of a segmented document, as unit trees."""
    if seg is None:
        return []
    roots = [r for r in [getattr(seg, "body", None), *(getattr(seg, "appendices", None) or [])] if r is not None]
    return [units(r) for r in roots if r.children]


# The break after . ! ? before a capital is group 1. The punctuation is matched, not looked behind for:
# same breaks (the break ends in a space, so no punctuation mark is inside an earlier match), and `regex`
# can then skip ahead to the marks instead of trying a lookbehind at every position (three times faster).
SENT_END = regex.compile(r"[\.!?…]([\"”’)]*\s+)(?=[\"“(]?\p{Lu})")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of an item's text: split after . ! ? before a capital."""
    spans = []
    pos = 0
    for m in SENT_END.finditer(text):
        if _abbrev_before(text, m.start(1)):
            continue
        spans.append((pos, m.start(1)))
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


def unit_sentences(seg, text: str):
    """Every sentence of every item as (start, end, unit) with offsets into `text`."""
    for root in trees(seg):
        for u in root.walk():
            if u.kind == "root":
                continue
            raw = text[u.body_start:u.end]
            for a, b in sentences(raw):
                yield u.body_start + a, u.body_start + b, u
