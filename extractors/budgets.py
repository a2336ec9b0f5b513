"""Money amounts with what pays them and what they pay for.

Amounts come from `extractors.money` (digits with a currency word, big bare
scales, written-out words) and from table cells under a unit header
("ĐVT: triệu đồng", a "(triệu đồng)" column). A "done/planned" pair
("44.993/138.529 triệu đồng") is two amounts. Source, purpose and status are
read from the clause before the amount, back to the previous amount: in "trong
đó ... từ nguồn khuyến công quốc gia 6 tỷ đồng, vốn đối ứng ... 38,09 tỷ đồng"
each part has its own source.
"""

from __future__ import annotations

import bisect
import unicodedata

import regex

from extractors.money import NUMBER_WORDS, Amount, Taken, find_amounts, parse_number, to_vnd
from pipeline.records import Budget
from pipeline.tables import tables

I = regex.IGNORECASE  # noqa: E741
_S = r"\s+"

SOURCE = regex.compile(
    r"ngân\s+sách\s+(?:nhà\s+nước|trung\s+ương|địa\s+phương|tỉnh|huyện|xã|thành\s+phố|cấp\s+(?:tỉnh|huyện|xã)|TW)"
    r"|\b(?:NSTW|NSĐP|NSNN)\b"
    r"|vốn\s+đối\s+ứng(?:\s+của\s+[^\d;.:()]{1,40}?(?=[\s,]*$))?"
    r"|(?:nguồn\s+)?(?:vốn\s+|kinh\s+phí\s+)?khuyến\s+công\s+(?:quốc\s+gia|địa\s+phương)"
    r"|kinh\s+phí\s+(?:KCQG|KCĐP|trung\s+ương|địa\s+phương|sự\s+nghiệp[^\d,;.()]{0,30})"
    r"|nguồn\s+(?:vốn\s+)?(?:khác|xã\s+hội\s+hóa|ODA|vay|viện\s+trợ|tài\s+trợ|sự\s+nghiệp[^\d,;.()]{0,30}"
    r"|ngân\s+sách[^\d,;.()]{0,30}|thu[^\d,;.()]{0,20})"
    r"|vốn\s+(?:ODA|vay|tự\s+có|doanh\s+nghiệp|xã\s+hội\s+hóa|đầu\s+tư\s+công|ngân\s+sách[^\d,;.()]{0,20})"
    r"|xã\s+hội\s+hóa",
    I,
)
PLANNED = regex.compile(
    r"\b(?:kế\s+hoạch|KH|dự\s+kiến|dự\s+toán|phân\s+bổ|bố\s+trí|được\s+giao|đề\s+nghị|phê\s+duyệt|định\s+mức"
    r"|tối\s+đa|tối\s+thiểu|mức\s+hỗ\s+trợ|được\s+duyệt|giao\s+vốn|sẽ|phấn\s+đấu|mục\s+tiêu)\b", I)
PAGE_MARK = regex.compile(r"CÔNG\s+BÁO/Số\s+\d+/Ngày\s+[\d-]+\s*\d*|^\s*\d{1,4}\s*$", regex.M)
AIM = regex.compile(r"\b(?:phấn\s+đấu|mục\s+tiêu|dự\s+kiến)\b", I)
SPENT = regex.compile(
    r"\b(?:thực\s+hiện|giải\s+ngân|đã\s+chi|đạt|tạm\s+ứng|đã\s+thu|thu\s+được|quyết\s+toán|trúng\s+đấu\s+giá"
    r"|đã\s+sử\s+dụng|đã\s+hỗ\s+trợ|thanh\s+toán)\b", I)
CLAUSE_BREAK = regex.compile(r"[.;!?](?=\s|$)|\n(?=\s*(?:[-+•]|\d+(?:\.\d+)*[.)]|[a-zđ]\)))|\|", I)
LABEL = regex.compile(r"(?m)^[ \t\-–+•]*([^\n:]{3,40}):")
LEAD_JUNK = regex.compile(r"^[\s,;:()\-–]*(?:(?:trong\s+đó|bao\s+gồm|gồm|với|và|cụ\s+thể)\b[\s,:]*)*", I)
TAIL_JUNK = regex.compile(
    r"(?:[\s,:(]|\b(?:là|từ|đạt|dự\s+kiến|khoảng|gần|hơn|trên|dưới|ước|với|số\s+tiền|tổng\s+số\s+tiền|chỉ"
    r"|bằng|có|tổng\s+cộng|tương\s+đương)\b)*$", I)
IN_WORDS = regex.compile(r"bằng\s+chữ\s*:?\s*$", I)
# What stands between an amount in digits and its restatement in words: a bracket, a "Bằng chữ:" label.
RESTATED = regex.compile(r"[\s,.;:]*(?:\(\s*(?:bằng\s+chữ\s*:?\s*)?|\(?\s*bằng\s+chữ\s*:?\s*)", I)

# Tables flattened into " | " rows: a unit header makes their bare numbers amounts.
_DONG = r"(?:đồng|VNĐ|VND)(?![\p{L}])"
UNIT_CAPTION = regex.compile(
    rf"(?:ĐVT|Đơn\s+vị\s+tính|Đơn\s+vị)\s*:\s*(?P<scale>nghìn\s+tỷ|tỷ|tỉ|triệu|nghìn|ngàn)?\s*{_DONG}", I)
UNIT_CELL = regex.compile(rf"\(\s*(?:ĐVT\s*:\s*)?(?P<scale>nghìn\s+tỷ|tỷ|tỉ|triệu|nghìn|ngàn)?\s*{_DONG}\s*\)", I)
# Columns whose figures are not money under a money caption ("Năm 2025" is a column of the year's amounts).
NOT_MONEY_COL = regex.compile(r"^\s*(?:S?TT|số\s+lượng|tỷ\s+lệ|%|năm(?![\s:]*\d)|ghi\s+chú|đơn\s+vị|số\s+(?!tiền|vốn))", I)
_SCALES = {"nghìn tỷ": 10**12, "tỷ": 10**9, "tỉ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3}
_CELL_NUM = regex.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def _restated(text: str, prev_end: int, start: int) -> bool:
    """Whether the words amount at `start` restates, in brackets or after "Bằng chữ", the amount ending at `prev_end`.

    OCR may have damaged the first number words ("(hai trăm ba mươi bồn triệu, ..."): words that read as
    number words once their tone marks are dropped still belong to the restatement.
    """
    gap = text[prev_end:start]
    if len(gap) > 80:
        return False
    m = RESTATED.match(gap)
    if not m:
        return False
    rest = regex.findall(r"[\p{L}]+|[^\s,\p{L}]", gap[m.end():])
    return all(_bare(w) in _NUMBER_WORDS_BARE for w in rest)


def _bare(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c)).replace("đ", "d")


_NUMBER_WORDS_BARE = {_bare(w) for w in NUMBER_WORDS}


def _scale(word: str | None) -> int:
    return _SCALES.get(" ".join((word or "").lower().split()), 1)


def _clause_start(text: str, pos: int, limit: int = 400) -> int:
    lo = max(0, pos - limit)
    last = lo
    for m in CLAUSE_BREAK.finditer(text, lo, pos):
        last = m.end()
    return last


def _source(text: str, lo: int, pos: int) -> str | None:
    found = list(SOURCE.finditer(text, lo, pos))
    if found:
        return " ".join(found[-1].group().split())
    ls = text.rfind("\n", 0, pos) + 1
    lab = LABEL.match(text, ls, pos)
    if lab and (m := SOURCE.search(lab.group(1))):
        return " ".join(lab.group(1)[m.start():].split()) if m.start() < 3 else " ".join(m.group().split())
    return None


def _purpose(text: str, lo: int, pos: int) -> str | None:
    raw = PAGE_MARK.sub(" ", text[lo:pos])
    # A line opening with a capital after a heading line starts the sentence.
    starts = [m.start() + 1 for m in regex.finditer(r"\n(?=\s*\p{Lu})", raw)]
    if starts and len(raw[starts[-1]:].split()) >= 3:
        raw = raw[starts[-1]:]
    s = " ".join(raw.split())
    if s.rfind("(") > s.rfind(")"):
        inside = s[s.rfind("(") + 1:]
        # "... đạt thấp (32%/KH: 44.993/...": figures in the open parenthesis are not the purpose; words are
        # ("(theo hướng cụ thể như: chi phí cho hoạt động ..., tối đa 3 tỷ đồng")
        s = s[:s.rfind("(")] if regex.match(r"\s*[\d%]", inside) or len(inside.split()) < 4 else inside
    s = regex.sub(r"\s*(?:từ\s+)?\d[\d.,]*\s*(?:-|–|đến|tới)\s*$", "", s)  # "từ 50 -150 tỷ": the low end
    s = LEAD_JUNK.sub("", s)
    s = TAIL_JUNK.sub("", s)
    label = s.rsplit(": ", 1)[-1]
    if label != s and len(label.split()) >= 3:
        s = label  # "..., cụ thể: Số tiền phải thu năm 2025: 242.684.254.344 đồng": the label says what it is
    if len(s.split()) > 3:
        s = TAIL_JUNK.sub("", regex.sub(r"\s*\b(?:với\s+)?(?:tổng\s+)?kinh\s+phí$", "", s, flags=I))
    words = s.split()
    if len(words) > 20:
        s = " ".join(words[-20:])
    return s or None


def _status(text: str, lo: int, pos: int) -> str | None:
    window = text[lo:pos]
    p = [m.end() for m in PLANNED.finditer(window)]
    d = [m.end() for m in SPENT.finditer(window)]
    if not p and not d:
        return None
    if AIM.search(window) and not regex.search(r"\bđã\b", window):
        return "planned"  # "Phấn đấu ... đạt 20 triệu USD/năm": a target, not money spent
    return "planned" if (max(p) if p else -1) > (max(d) if d else -1) else "spent"


def _table_amounts(text: str) -> list[Amount]:
    """Bare numbers in " | " table rows under a money unit header."""
    out: list[Amount] = []
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        if " | " not in lines[i][1]:
            i += 1
            continue
        j = i
        while j < len(lines) and " | " in lines[j][1]:
            j += 1
        rows = lines[i:j]
        above = " ".join(line for _, line in lines[max(0, i - 3):i])
        cap = UNIT_CAPTION.search(above) or UNIT_CAPTION.search(rows[0][1])
        header = [c.strip() for c in rows[0][1].split("|")]
        col_scale = {k: _scale(m["scale"]) for k, c in enumerate(header) if (m := UNIT_CELL.search(c))}
        if cap or col_scale:
            for start, line in rows[1:]:
                off = 0
                for k, cell in enumerate(line.split("|")):
                    cs = start + off
                    off += len(cell) + 1
                    if k in col_scale:
                        scale = col_scale[k]
                    elif cap and not col_scale and k > 0 and not (k < len(header) and NOT_MONEY_COL.match(header[k])):
                        scale = _scale(cap["scale"])
                    else:
                        continue
                    m = _CELL_NUM.fullmatch(cell.strip())
                    v = parse_number(m.group()) if m else None
                    if v is None:
                        continue
                    a = cs + cell.index(m.group())
                    out.append(Amount(a, a + len(m.group()), m.group(), v * scale, "VND"))
        i = j
    return out


def _block_table_amounts(doc) -> list[Amount]:
    """Bare numbers in table cells (docx, html, Markdown, through `pipeline.tables`) under a money unit header."""
    text = doc.text
    grids = [{r[0].row: {c.col: (c.start, c.end) for c in r} for r in t.rows} for t in tables(doc)]
    out: list[Amount] = []
    for rows in grids:
        order = sorted(rows)
        first = min(s for c in rows[order[0]].values() for s, _ in [c])

        def cell(span):
            return text[span[0]:span[1]]

        head = [r for r in order[:2] if not any(_CELL_NUM.fullmatch(cell(sp).strip()) for sp in rows[r].values())]
        head = head or order[:1]
        cap = UNIT_CAPTION.search(text, max(0, first - 200), first) or next(
            (m for r in head for sp in rows[r].values() if (m := UNIT_CAPTION.search(cell(sp)))), None)
        names = {c: " ".join(cell(sp) for r in head for cc, sp in rows[r].items() if cc == c) for c in
                 {c for r in head for c in rows[r]}}
        col_scale = {c: _scale(m["scale"]) for c, n in names.items() if (m := UNIT_CELL.search(n))}
        if not cap and not col_scale:
            continue
        for r in order:
            if r in head:
                continue
            label = next((cell(sp).strip() for _, sp in sorted(rows[r].items())
                          if regex.search(r"\p{L}{2}", cell(sp))), None)
            for c, sp in rows[r].items():
                if c in col_scale:
                    scale = col_scale[c]
                elif cap and not col_scale and c > 0 and not NOT_MONEY_COL.match(names.get(c, "")):
                    scale = _scale(cap["scale"])
                else:
                    continue
                raw = cell(sp)
                m = _CELL_NUM.fullmatch(raw.strip())
                v = parse_number(m.group()) if m else None
                if v is not None:
                    a = sp[0] + raw.index(m.group())
                    out.append(Amount(a, a + len(m.group()), m.group(), v * scale, "VND", label=label))
    return out


def extract(doc, seg, ex) -> list[Budget]:
    text = doc.text
    amounts = find_amounts(text)
    taken = Taken([(a.start, a.end) for a in amounts])
    for extra in (_table_amounts(text), _block_table_amounts(doc)):
        new = [a for a in extra if not taken.holds(a.start)]
        amounts += new
        for a in new:
            taken.add(a.start, a.end)
    amounts.sort(key=lambda a: a.start)
    # line breaks found once and each line's cells read once: on a text of one long line,
    # looking for them around every amount was quadratic
    breaks = [m.start() for m in regex.finditer(r"\n", text)]
    rows: dict[tuple[int, int], tuple[bool, str | None]] = {}

    out: list[Budget] = []
    prev_end = 0
    for a in amounts:
        if a.value is None:
            continue
        if not regex.match(r"\d", a.text) and out and _restated(text, prev_end, a.start):
            prev_end = a.end
            continue  # "5.042 triệu đồng (năm tỷ ...)", "...đồng. Bằng chữ: ...": the amount just given, in words
        if (IN_WORDS.search(text[max(0, a.start - 20):a.start]) or regex.search(r"\(\s*$", text[max(0, a.start - 3):a.start])
                and not regex.match(r"\d", a.text)) and any(
                b.amount_vnd == to_vnd(a.value, a.currency) and a.start - b.end < 300 for b in out):
            prev_end = a.end
            continue  # "(Bằng chữ: ...)" restates the amount just given in digits
        cs = _clause_start(text, a.start)
        lo = max(cs, prev_end)
        source = _source(text, lo, a.start) or (_source(text, cs, a.start) if lo > cs else None)
        purpose = _purpose(text, cs, a.start) if lo == cs else (_purpose(text, lo, a.start) or _purpose(text, cs, a.start))
        status = _status(text, cs, a.end)
        conf = 1.0
        i, j = bisect.bisect_left(breaks, a.start), bisect.bisect_left(breaks, a.end)
        ls, le = breaks[i - 1] + 1 if i else 0, breaks[j] if j < len(breaks) else len(text)
        if (ls, le) not in rows:
            row = text[ls:le]
            rows[ls, le] = (" | " in row, next((c.strip() for c in row.split("|") if regex.search(r"\p{L}{2}", c)), None)
                            if " | " in row else None)
        is_row, row_label = rows[ls, le]
        if is_row or a.label:  # a table row: its label cell says what the amount is for
            conf = 0.8
            label = a.label or row_label
            purpose = None if a.label else purpose
            purpose = purpose or label
            source = source or (m.group() if label and (m := SOURCE.search(label)) else None)
        if a.second is not None:
            second_text = text[a.second_start:a.end]
            out.append(Budget(text=a.text, start=a.start, end=a.end, amount_vnd=to_vnd(a.value, a.currency),
                              currency=a.currency, source=source, purpose=purpose, status="spent", confidence=conf))
            out.append(Budget(text=second_text, start=a.second_start, end=a.end,
                              amount_vnd=to_vnd(a.second, a.currency), currency=a.currency, source=source,
                              purpose=purpose, status="planned", confidence=conf))
        else:
            out.append(Budget(text=a.text, start=a.start, end=a.end, amount_vnd=to_vnd(a.value, a.currency),
                              currency=a.currency, source=source, purpose=purpose, status=status, confidence=conf))
        prev_end = a.end
    return out
