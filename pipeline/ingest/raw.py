"""What a format reader returns before normalisation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.document import Block, OffsetMap, Status
from pipeline.ingest.limits import check_text


@dataclass
class RawText:
    text: str
    encoding: str | None = None
    blocks: list[Block] = field(default_factory=list)  # offsets into `text`
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    status: Status = "ok"

    @staticmethod
    def block_to_norm(b: Block, omap: OffsetMap, n: int) -> Block | None:
        """Move a block from raw offsets to normalised ones."""
        s, e = min(n, omap.to_norm(b.start)), min(n, omap.to_norm(b.end))
        return replace(b, start=s, end=e) if e >= s else None


class TextBuilder:
    """Accumulates text and blocks for readers of structured formats."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []

    def add(self, text: str, kind="paragraph", **where) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")
            self.pos += 1
        check_text(self.pos + len(text))  # stop as soon as the text passes the cap: the rest would only be refused
        self.blocks.append(Block(kind, self.pos, self.pos + len(text), **where))
        self.parts.append(text)
        self.pos += len(text)

    def page_break(self, page: int) -> None:
        self.add("\n", kind="page_break", page=page)

    def text(self) -> str:
        return "".join(self.parts)
