"""One table model for every file shape.

DOCX and HTML readers and the layout stage (Markdown pipe rows) all leave
`table_cell` blocks with table/row/col; a cell may come as several blocks (one
per paragraph). `tables(doc)` puts them together into `Table`s whose columns
an extractor reads by their header text ("Cơ quan chủ trì", "Thời gian hoàn
thành", "Kinh phí (triệu đồng)"), never by position or by the characters the
layout used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.document import Document

# Words that head columns of the tables of administrative documents.
_HEADER_WORD = regex.compile(
    r"^(?:S?TT|Số\s*TT|Stt|Nội\s*dung|Nhiệm\s*vụ|Tên|Cơ\s*quan|Đơn\s*vị|Chủ\s*trì|Phối\s*hợp|Thời\s*(?:gian|hạn)|Tiến\s*độ"
    r"|Kết\s*quả|Sản\s*phẩm|Ghi\s*chú|Kinh\s*phí|Nguồn|Tổng|Dự\s*toán|Kế\s*hoạch|Thực\s*hiện|Số\s*(?:vốn|tiền|lượng)"
    r"|Năm|Giai\s*đoạn|Danh\s*mục|Địa\s*(?:điểm|bàn)|Chỉ\s*tiêu|ĐVT|Đơn\s*vị\s*tính|Hạng\s*mục|Căn\s*cứ|Mục\s*tiêu"
    r"|Trách\s*nhiệm|Loại|Quy\s*mô|Vốn|Giá\s*trị)",
    regex.IGNORECASE)
_NUMERIC = regex.compile(r"^[\s\d.,%()/\-–+:IVXLivxl]*$")
_COLUMN_NUMBERS = regex.compile(r"^\(?\s*(?:\d{1,2}|[A-Z])\s*\)?(?:\s*=.*)?$")


@dataclass
class TableCell:
    start: int
    end: int
    text: str
    row: int
    col: int


@dataclass
class Table:
    index: int
    rows: list[list[TableCell]] = field(default_factory=list)
    header_rows: int = 0

    @property
    def start(self) -> int:
        return self.rows[0][0].start

    @property
    def end(self) -> int:
        return max(c.end for c in self.rows[-1])

    @property
    def header(self) -> list[str]:
        """Text of each column's header cells, header rows joined with a space."""
        n = max((c.col for r in self.rows for c in r), default=-1) + 1
        out = [""] * n
        for r in self.rows[:self.header_rows]:
            for c in r:
                out[c.col] = f"{out[c.col]} {c.text}".strip() if out[c.col] else c.text
        return [" ".join(h.split()) for h in out]

    def column(self, pattern: str | regex.Pattern) -> int | None:
        """The first column whose header matches `pattern` (case ignored)."""
        rx = regex.compile(pattern, regex.IGNORECASE) if isinstance(pattern, str) else pattern
        return next((i for i, h in enumerate(self.header) if h and rx.search(h)), None)

    def body_rows(self) -> list[list[TableCell]]:
        return self.rows[self.header_rows:]

    @staticmethod
    def cell(row: list[TableCell], col: int | None) -> TableCell | None:
        return next((c for c in row if c.col == col), None) if col is not None else None


def _is_header_row(cells: list[TableCell]) -> bool:
    texts = [c.text.strip() for c in cells if c.text.strip()]
    if not texts:
        return False
    if all(_COLUMN_NUMBERS.match(t) for t in texts) and len(texts) >= 2:
        return True  # "(1) (2) (3)" under the header names
    if any(_NUMERIC.match(t) and any(ch.isdigit() for ch in t) for t in texts):
        return False
    return sum(bool(_HEADER_WORD.match(t)) for t in texts) >= max(1, len(texts) // 2)


def tables(doc: Document) -> list[Table]:
    """The document's tables, cells merged from their blocks, header rows found by their words."""
    grid: dict[int, dict[tuple[int, int], list[int]]] = {}
    for b in doc.blocks:
        if b.kind == "table_cell" and b.table is not None and b.row is not None:
            span = grid.setdefault(b.table, {}).setdefault((b.row, b.col or 0), [b.start, b.end])
            span[0], span[1] = min(span[0], b.start), max(span[1], b.end)
    out = []
    for index in sorted(grid):
        rows: dict[int, list[TableCell]] = {}
        for (r, c), (s, e) in sorted(grid[index].items()):
            text = doc.text[s:e].strip()
            if text:
                rows.setdefault(r, []).append(TableCell(s, e, text, r, c))
        if not rows:
            continue
        t = Table(index, [rows[r] for r in sorted(rows)])
        while t.header_rows < min(3, len(t.rows) - 1) and _is_header_row(t.rows[t.header_rows]):
            t.header_rows += 1
        out.append(t)
    return out
