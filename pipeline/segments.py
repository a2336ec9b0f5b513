"""The structure segmentation hands to extractors.

A document is a sequence of parts (header block, title, Kính gửi, Căn cứ
preamble, body, signature, Nơi nhận, appendices), each a `Span` of
`Document.text`; the body and appendices are trees of `Section`s (Phần,
Chương, Mục, Điều, khoản "1.", điểm "a)", "-" and "+" bullets, table rows,
paragraphs), built by `pipeline.outline`: the one item structure every
extractor reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Section:
    """A node of the body tree; `start`..`end` covers the whole subtree."""

    kind: str  # root, appendix, part, chapter, section, article, roman, subclause, clause, clause_paren,
    # point, paren, dash, plus, row, paragraph (see pipeline.outline)
    label: str  # "Điều 3", "II", "1.", "a)", "(1)", "-", "+"
    title: str  # the node's own text after the label, wrapped lines joined
    start: int
    end: int
    heading_end: int  # end of the node's own text (its sub-items follow)
    children: list[Section] = field(default_factory=list)
    body_start: int = -1  # where the own text begins, after the label (`start` when there is none)

    def __post_init__(self) -> None:
        if self.body_start < 0:
            self.body_start = self.start

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def path_to(self, pos: int) -> list[Section]:
        """Chain of sections from this node down to the deepest one holding `pos`."""
        chain = [self]
        node = self
        while True:
            nxt = next((c for c in node.children if c.start <= pos < c.end), None)
            if nxt is None:
                return chain
            chain.append(nxt)
            node = nxt


@dataclass
class Segments:
    header: Span | None = None  # parent body, issuer, motto, số, place and date
    title: Span | None = None  # type name + trích yếu (or "V/v ...")
    kinh_gui: Span | None = None
    preamble: Span | None = None  # the Căn cứ / Theo đề nghị clauses
    body: Section | None = None
    signature: Span | None = None
    noi_nhan: Span | None = None
    appendices: list[Section] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)  # header cells, columns put back together
    signature_lines: list[str] = field(default_factory=list)
    header_cells: list[Span] = field(default_factory=list)  # header_lines with their offsets
    signature_cells: list[Span] = field(default_factory=list)  # signature_lines with their offsets
    authority: Span | None = None  # "THỦ TƯỚNG CHÍNH PHỦ" line between the title and the preamble
    type_name: Span | None = None  # the type line's name ("QUYẾT ĐỊNH"); None for a "V/v" letter
    subject: Span | None = None  # trích yếu without the type name (may still start with "V/v")
    metadata: dict[str, Span] = field(default_factory=dict)  # website block: "Số hiệu" -> value span
