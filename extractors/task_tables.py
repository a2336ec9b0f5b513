"""Task tables whose cells lost their grid: PDF text of an appendix "danh mục nhiệm vụ".

Text taken from a PDF keeps a table's cells as runs of short lines: the row
number alone, the task name wrapped over a few lines, then the lead body, the
coordinating bodies, the expected result and the deadline. The row number
(1, 2, 3 ... in sequence) opens a row; inside it the first line that starts a
body name after the task name opens the lead-body cell, and its wrapped
continuation lines (after a comma, or starting lowercase) belong to it. The
labelled form of a single task ("1. Tên nhiệm vụ: ... 2. Cơ quan chủ trì: ...")
is read here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from extractors.task_agents import _SECTOR_END, bodies_at
from pipeline.tables import tables

_HEADER_WORDS = regex.compile(
    r"^(?:TT|STT|Số TT|Tên nhiệm vụ|Nhiệm vụ|Nội dung(?: công việc| nhiệm vụ)?|Cơ quan|chủ trì|phối hợp|Cơ quan chủ trì|"
    r"Cơ quan phối hợp|Đơn vị chủ trì|Đơn vị phối hợp|Kết quả|Sản phẩm|Thời gian|hoàn thành|Thời gian hoàn thành|"
    r"Căn cứ|bổ sung|Căn cứ bổ sung|Ghi chú|Tiến độ|Nhiệm vụ, giải pháp|thực hiện|Thời gian thực hiện)\s*$")
_FURNITURE = regex.compile(r"^\s*(?:CÔNG BÁO/.*|Ký bởi:.*|Cơ quan: VĂN PHÒNG.*|Ngày ký:.*)\s*$")
_FOOTNOTE = regex.compile(r"^\s{0,3}\d{1,2}\s+\p{Lu}[^|]{60,}$")
_CELL_GAP = regex.compile(r"\s{2,}")  # (a footnote line: at least 63 characters)


def _may_be_furniture(line: str) -> bool:
    """Whether `line` holds a literal every _FURNITURE match holds: a cheap first look."""
    return "CÔNG BÁO/" in line or "Ký bởi:" in line or "Cơ quan: VĂN PHÒNG" in line or "Ngày ký:" in line
LABELLED = regex.compile(
    r"(?:\d+\.\s*)?Tên nhiệm vụ\s*:\s*(?P<task>.+?)\s*(?:\d+\.\s*)?Cơ quan chủ trì\s*:\s*(?P<lead>.+?)\s*[\.;]?\s*"
    r"(?:(?:\d+\.\s*)?Cơ quan phối hợp\s*:\s*(?P<coord>.+?)\s*[\.;]?\s*)?(?=\d+\.\s*\S|$)", regex.DOTALL)


@dataclass
class TableTask:
    start: int
    end: int
    task: str
    lead: str
    coord: str = ""
    cells: list[str] = field(default_factory=list)


def _segments(text: str, start: int, end: int):
    """(offset, text) of each line piece; pieces of one line split where two or more spaces separate cells."""
    pos = start
    for line in text[start:end].split("\n"):
        if not (_may_be_furniture(line) and _FURNITURE.match(line)) and not (len(line) >= 63 and _FOOTNOTE.match(line)):
            col = 0
            for piece in _CELL_GAP.split(line.rstrip()):
                idx = line.find(piece, col) if piece else -1
                if piece.strip() and idx >= 0:
                    yield pos + idx, piece.strip()
                    col = idx + len(piece)
        pos += len(line) + 1


def _window(segs: list[tuple[int, str]], i: int) -> str:
    return " ".join(s for _, s in segs[i:i + 8]).lower()


def _is_task_table_header(segs: list[tuple[int, str]], i: int) -> bool:
    window = _window(segs, i)
    return ("tên nhiệm vụ" in window or "nội dung" in window or "nhiệm vụ" in window) and "chủ trì" in window or \
        _is_review_header(segs, i)


def _is_review_header(segs: list[tuple[int, str]], i: int) -> bool:
    """A legislative programme's table: "Tên dự án | Cơ quan trình | Cơ quan chủ trì thẩm tra | Cơ quan tham gia
    thẩm tra | Tiến độ": each row gives the drafting body one task and the reviewing committee another."""
    window = _window(segs, i)
    return "cơ quan trình" in window and "thẩm tra" in window


_NUMBER_HEAD = regex.compile(r"^(?:TT|STT|Số TT)$")
# What a number column's header cell ends with: "TT", then a space (as `str.strip` or `_CELL_GAP` sees one) or
# the end. A text without it has no task table to find; one with it has none above the first.
_NUMBER_CUE = regex.compile(r"TT(?![^\s\x1c-\x1f])")
_PAGE_NO = regex.compile(r"^\d{1,4}$")
_NEXT_PART = regex.compile(r"^(?:Phụ lục|PHỤ LỤC|Điều\s+\d+)")
_AFTER_NUMBER = regex.compile(r"\.?(?:\s+(?P<rest>.+))?$")


def _numbered(n: str, seg: str) -> regex.Match | None:
    """`seg` opening a row by its number `n` ("3", or "2.4" for a sub-row): the number, a dot maybe, then
    the cell's text (group "rest"). One pattern read after the number, not one compiled per number."""
    return _AFTER_NUMBER.match(seg, len(n)) if seg.startswith(n) else None


def _has_number_head(text: str, start: int, end: int) -> bool:
    """Whether a segment is a number column's header ("TT", "STT", "Số TT"): only the lines of the cues can
    hold one, and `_segments` reads each line alone (the same pieces as in a run of lines). Most texts have
    none, and then no other line is cut into cells."""
    done = -1
    for cue in _NUMBER_CUE.finditer(text, start, end):
        if cue.start() < done:
            continue  # a line already read
        a = text.rfind("\n", start, cue.start()) + 1 or start
        b = text.find("\n", cue.end(), end)
        done = b = end if b < 0 else b
        if any(_NUMBER_HEAD.match(seg) for _, seg in _segments(text, a, b)):
            return True
    return False


def pdf_table_tasks(text: str, start: int = 0, end: int | None = None) -> list[TableTask]:
    """Rows of task tables in `text[start:end]`, as flattened by PDF extraction."""
    end = len(text) if end is None else end
    cue = _NUMBER_CUE.search(text, start, end)
    if cue is None:
        return []
    line = text.rfind("\n", start, cue.start())
    if not _has_number_head(text, start, end):
        return []
    segs = list(_segments(text, line + 1 if line >= 0 else start, end))  # lines before the first cue: no header
    out: list[TableTask] = []
    i = 0
    while i < len(segs):
        if _NUMBER_HEAD.match(segs[i][1]) and _is_task_table_header(segs, i) and \
                not any(t.start <= segs[i][0] < t.end for t in out):
            i = _read_rows(text, segs, i + 1, out, _is_review_header(segs, i))
        else:
            i += 1
    return out


_GROUP_ROW = regex.compile(r"^[IVX]{1,5}\.?$")
# Cells after the bodies: the deadline ("Năm 2026", "Giai đoạn 2026 - 2030") or the product ("Nghị quyết", "Đề án").
_TIME_CELL = regex.compile(r"^(?:Năm|Giai đoạn|Quý|Tháng|Hằng năm|Hàng năm|Trước|Thường xuyên|Định kỳ|\d|"
                           r"(?:Nghị quyết|Nghị định|Quyết định|Thông tư|Kế hoạch|Đề án|Luật|Báo cáo|Chỉ thị|Văn bản|"
                           r"Chương(?: trình)?|Quy chế|Tờ trình|Công văn|Hướng dẫn|Hội nghị|Hội thảo|Tài liệu)(?![\p{L}\p{M}]))")


def _restarts(segs: list[tuple[int, str]], i: int, n: int) -> bool:
    """A roman numeral alone opens a group of rows when row "1" follows its title (not "khóa XVI" in a cell)."""
    for _, s in segs[i + 1:i + 6]:
        if _row_start(s, n) is not None:
            return False
        if _row_start(s, 1) is not None:
            return True
    return False


def _row_start(seg: str, n: int) -> str | None:
    m = _numbered(f"{n}", seg)
    return None if m is None else (m["rest"] or "")


def _read_rows(text: str, segs: list[tuple[int, str]], i: int, out: list[TableTask], review: bool = False) -> int:
    n = sub = 1
    rows: list[list[tuple[int, str]]] = []
    title = False  # inside a group title row ("II | Phân công, phân cấp ..."), numbering restarts after it
    while i < len(segs):
        off, s = segs[i]
        if rows and _GROUP_ROW.match(s) and _restarts(segs, i, n):
            n, title = 1, True
            i += 1
            continue
        rest = _row_start(s, n)
        if rest is None and rows and n > 1 and (sm := _numbered(f"{n - 1}.{sub}", s)):
            rows.append([(off, sm["rest"] or "")])  # "1.1", "1.2" under the group row "1. Rà soát, hoàn thiện thể chế"
            sub += 1
            i += 1
            continue
        if title and rest is None:
            i += 1
            continue
        title = False
        if rest is not None:
            rows.append([(off, rest)] if rest else [])
            rows[-1].insert(0, (off, "")) if not rest else None
            n += 1
            sub = 1
        elif rows and not _HEADER_WORDS.match(s) and not _PAGE_NO.match(s):
            if _NEXT_PART.match(s):
                break
            rows[-1].append((off, s))
        i += 1
    for row in rows:
        if review:
            out.extend(_review_tasks(row))
        elif t := _row_task(row):
            out.append(t)
    return i


def _merge_short(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A narrow column wraps a name one or two words per line ("Các / bộ / ở / Trung ương,"): rejoin such runs."""
    out: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []
    for c in cells + [(-1, "")]:
        if c[1] and len(c[1]) <= 16:
            run.append(c)
            continue
        if len(run) >= 3 and 2 * sum(len(s.split()) == 1 for _, s in run) >= len(run):
            out.append((run[0][0], " ".join(s for _, s in run)))
        else:
            out.extend(run)
        run = []
        if c[1]:
            out.append(c)
    return out


def _row_task(row: list[tuple[int, str]]) -> TableTask | None:
    cells = _merge_short([(o, s) for o, s in row if s])
    if len(cells) < 2:
        return None
    lead_i = next((k for k in range(1, len(cells))
                   if _starts_body_at(cells, k) and not _OPEN_END.search(cells[k - 1][1])), None)
    if lead_i is None:
        return None
    task = " ".join(s for _, s in cells[:lead_i])
    lead, j = _cell(cells, lead_i)
    coord, _ = _cell(cells, j) if j < len(cells) and _starts_body(cells[j][1]) else ("", j)
    start = row[0][0]
    end = cells[-1][0] + len(cells[-1][1])
    return TableTask(start, end, task, lead, coord, [s for _, s in cells])


def _review_tasks(row: list[tuple[int, str]]) -> list[TableTask]:
    """"Luật X | Chính phủ | Ủy ban Pháp luật và Tư pháp | Hội đồng Dân tộc, các Ủy ban khác | Tháng 3/2026":
    the submitting body drafts the bill; the lead reviewing body examines it, the others take part."""
    t = _row_task(row)
    if t is None:
        return []
    cells = _merge_short([(o, s) for o, s in row if s])
    k = next(k for k in range(1, len(cells)) if _starts_body_at(cells, k) and not _OPEN_END.search(cells[k - 1][1]))
    _, j = _cell(cells, k)
    out = [TableTask(t.start, t.end, t.task, t.lead, "", t.cells)]
    if j < len(cells) and _starts_body_at(cells, j):
        reviewer, j = _cell(cells, j)
        coord, _ = _cell(cells, j) if j < len(cells) and _starts_body_at(cells, j) else ("", j)
        out.append(TableTask(t.start, t.end, t.task, reviewer, coord, t.cells))
    return out


_OPEN_END = regex.compile(r"(?:của|tại|với|và|theo|cho|về|đối với|trong|thuộc|giữa|từ|đến|-|,)\s*$")


def _starts_body(s: str) -> bool:
    b = bodies_at(s, 0)
    return bool(b) and not b.weak


def _starts_body_at(cells: list[tuple[int, str]], k: int) -> bool:
    """A body name opens cell `k`, possibly wrapped mid-name onto the next line ("Ủy ban nhân / dân các cấp")."""
    if _starts_body(cells[k][1]):
        return True
    if k + 1 < len(cells) and len(cells[k][1]) <= 16:
        b = bodies_at(f"{cells[k][1]} {cells[k + 1][1]}", 0)
        return bool(b) and not b.weak and b.end > len(cells[k][1]) + 1
    return False


def _cell(cells: list[tuple[int, str]], k: int) -> tuple[str, int]:
    """Join a body cell's wrapped lines: after a trailing comma, or before a lowercase start."""
    parts = [cells[k][1]]
    k += 1
    while k < len(cells):
        nxt = cells[k][1]
        joined = " ".join(parts)
        grown = bodies_at(f"{joined} {nxt}", 0)
        if _TIME_CELL.match(nxt):
            break  # the deadline cell ("Năm 2026", "Giai đoạn 2026 - 2030")
        if (_starts_body(nxt) and len(joined.split()) > 2 and _starts_body(joined) or
                bodies_at(nxt, 0) and _SECTOR_END.search(joined)) and not parts[-1].rstrip().endswith((",", "và")):
            break  # the next cell's own body ("Ủy ban Pháp luật và Tư pháp" | "Hội đồng Dân tộc, ...")
        if parts[-1].rstrip().endswith((",", "và")) or nxt[:1].islower() or nxt.startswith("(") or \
                grown is not None and grown.end > len(joined) + 1:
            parts.append(nxt)
            k += 1
        else:
            break
    joined = " ".join(parts)
    bl = bodies_at(joined, 0)
    if bl and bl.end < len(joined) and bodies_at(joined, len(joined) - len(joined[bl.end:].lstrip())):
        # two cells on one line ("cơ quan ngang bộ  Bộ Tư pháp"): the second opens the next cell
        rest = joined[bl.end:].strip()
        cells.insert(k, (cells[k - 1][0] + len(cells[k - 1][1]) - len(rest), rest))
        joined = joined[:bl.end]
    return joined, k


# Column headers of task tables (assignment plans, action programmes, legislative programmes).
_TASK_COL = regex.compile(r"(?:Tên\s+)?(?:nhiệm\s*vụ|nội\s*dung|công\s*việc|hoạt\s*động|đề\s*án|dự\s*án|giải\s*pháp)",
                          regex.IGNORECASE)
_LEAD_COL = regex.compile(r"chủ\s*trì|(?:cơ\s*quan|đơn\s*vị)\s*(?:thực\s*hiện|trình|đầu\s*mối)|trách\s*nhiệm",
                          regex.IGNORECASE)
_COORD_COL = regex.compile(r"phối\s*hợp|tham\s*gia", regex.IGNORECASE)
_REVIEW_COL = regex.compile(r"chủ\s*trì\s*thẩm\s*tra", regex.IGNORECASE)


def block_table_tasks(doc) -> list[TableTask]:
    """Rows of task tables that the file kept as a grid (DOCX, HTML, Markdown pipe tables), columns read
    by their headers through `pipeline.tables`: the task, the lead body, the coordinating bodies."""
    out: list[TableTask] = []
    for t in tables(doc):
        if not t.header_rows:
            continue
        lead = t.column(_LEAD_COL)
        task = next((i for i, h in enumerate(t.header) if h and _TASK_COL.search(h) and i != lead), None)
        if lead is None or task is None:
            continue
        review = t.column(_REVIEW_COL)
        if review == lead:
            review = None
        coord = next((i for i, h in enumerate(t.header)
                      if h and _COORD_COL.search(h) and i not in (lead, task, review)), None)
        for row in t.body_rows():
            what, by = t.cell(row, task), t.cell(row, lead)
            if what is None or by is None:
                continue  # a group title spanning the row ("II. Nhiệm vụ ...")
            with_ = t.cell(row, coord)
            cells = [c.text for c in row]
            start, end = row[0].start, max(c.end for c in row)
            out.append(TableTask(start, end, " ".join(what.text.split()), " ".join(by.text.split()),
                                 " ".join(with_.text.split()) if with_ else "", cells))
            if (rev := t.cell(row, review)) is not None:  # a legislative programme's reviewing committee
                out.append(TableTask(start, end, " ".join(what.text.split()), " ".join(rev.text.split()), "", cells))
    return out


def labelled_tasks(text: str, start: int = 0, end: int | None = None) -> list[TableTask]:
    """"1. Tên nhiệm vụ: X. 2. Cơ quan chủ trì: Y. 3. Cơ quan phối hợp: Z." as one task."""
    end = len(text) if end is None else end
    out = []
    for m in LABELLED.finditer(text, start, end):
        out.append(TableTask(m.start(), m.end(), " ".join(m["task"].split()).rstrip("."),
                             " ".join(m["lead"].split()).rstrip("."), " ".join((m["coord"] or "").split()).rstrip(".")))
    return out
