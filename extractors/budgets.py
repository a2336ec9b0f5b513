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

import regex

from extractors.money import NUMBER_WORDS, Amount, Taken, find_amounts, parse_number, to_vnd
from pipeline.cues import Cued
from pipeline.normalise import strip_marks
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
    r"|vốn\s+(?:ODA|vay|tự\s+có|doanh\s+nghiệp|xã\s+hội\s+hóa|đầu\s+tư\s+công|ngân\s+sách[^\d,;.()]{0,20}"
    r"|góp(?:\s+của\s+(?:các\s+)?(?:nhà\s+đầu\s+tư|doanh\s+nghiệp|chủ\s+đầu\s+tư))?|ngoài\s+nước|tín\s+dụng"
    r"|của\s+(?:nhà\s+đầu\s+tư|doanh\s+nghiệp)|xổ\s+số\s+kiến\s+thiết)"
    r"|xã\s+hội\s+hóa|trái\s+phiếu\s+Chính\s+phủ|gói\s+(?:hỗ\s+trợ\s+)?tín\s+dụng"
    r"|(?<![\p{L}])vay\s+(?:từ|của)\s+(?!ngân\s+sách)[^\d,;.()]{3,40}"  # "vay của ngân sách X": X's
    r"|đóng\s+góp\s+(?:của|từ)\s+(?:các\s+)?tổ\s+chức,?\s+cá\s+nhân"
    r"|(?<=(?<![\p{L}])từ\s+)nguồn\s+[^\d,;.()]{3,60}",  # "từ nguồn điều chỉnh giảm …": a source not in the list
    I,
)
# "thu ngân sách", "Tổng thu NSNN", "nộp ngân sách": the budget the money goes to, not where it comes from.
DESTINATION = regex.compile(r"(?<![\p{L}])(?:thu|nộp)\s+$", I)
# A source phrase after the amount ("Bổ sung 77.490 triệu đồng từ nguồn viện trợ …", "… đồng (nguồn ngân sách
# trung ương)", "…, phương án huy động: vay từ tổ chức tín dụng") is the amount's when it opens with these.
AFTER_LEAD = regex.compile(r"(?:(?<![\p{L}])(?:từ|bằng)|[(:])\s*$", I)
PLANNED = regex.compile(
    r"\b(?:kế\s+hoạch|KH|dự\s+kiến|dự\s+toán|phân\s+bổ|bố\s+trí|được\s+giao|đề\s+nghị|phê\s+duyệt|định\s+mức"
    r"|tối\s+đa|tối\s+thiểu|mức\s+hỗ\s+trợ|được\s+duyệt|giao\s+vốn|sẽ|phấn\s+đấu|mục\s+tiêu)\b", I)
PAGE_MARK = regex.compile(r"CÔNG\s+BÁO/Số\s+\d+/Ngày\s+[\d-]+\s*\d*|^\s*\d{1,4}\s*$", regex.M)
AIM = regex.compile(r"\b(?:phấn\s+đấu|mục\s+tiêu|dự\s+kiến)\b", I)
SPENT = regex.compile(
    r"\b(?:thực\s+hiện|giải\s+ngân|đã\s+chi|đạt|tạm\s+ứng|đã\s+thu|thu\s+được|quyết\s+toán|trúng\s+đấu\s+giá"
    r"|đã\s+sử\s+dụng|đã\s+hỗ\s+trợ|thanh\s+toán)\b", I)
# A full stop before a word in lower case ("… trước hết. là gói hỗ trợ …", OCR) does not end the clause.
CLAUSE_BREAK = regex.compile(r"(?:[;!?]|\.(?!\s+(?-i:\p{Ll})))(?=\s|$)|\n(?=\s*(?:[-+•]|\d+(?:\.\d+)*[.)]|[a-zđ]\)))|\|", I)
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


_bare = strip_marks  # a number word without its marks: OCR drops or changes them


_NUMBER_WORDS_BARE = {_bare(w) for w in NUMBER_WORDS}


def _scale(word: str | None) -> int:
    return _SCALES.get(" ".join((word or "").lower().split()), 1)


def _clause_start(text: str, pos: int, limit: int = 400) -> int:
    lo = max(0, pos - limit)
    last = lo
    for m in CLAUSE_BREAK.finditer(text, lo, pos):
        last = m.end()
    return last


def _sources(text: str, lo: int, pos: int) -> list:
    """The source phrases in text[lo:pos], less a budget money goes to ("thu NSNN")."""
    return [m for m in SOURCE.finditer(text, lo, pos) if not DESTINATION.search(text, max(0, m.start() - 12), m.start())]


def _source(text: str, lo: int, pos: int) -> str | None:
    found = _sources(text, lo, pos)
    if found:
        return " ".join(found[-1].group().split())
    ls = text.rfind("\n", 0, pos) + 1
    lab = LABEL.match(text, ls, pos)
    if lab and (m := next(iter(_sources(lab.group(1), 0, len(lab.group(1)))), None)):
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
    ctx: list[tuple[int, int]] = []  # each budget's clause start and where its own words start (after the amount before)
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
        # an amount read from inside a word ("vốn ngoài nước 14.033 ty" read as "ước 14.033 ty"): its words run to
        # that word's end
        sp = a.start
        while 0 < sp < a.end and text[sp - 1].isalpha() and text[sp].isalpha():
            sp += 1
        source = _source(text, lo, sp) or (_source(text, cs, sp) if lo > cs else None)
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
                              currency=a.currency, source=source, purpose=purpose, status="spent", confidence=conf,
                              kind="actual", plan_index=len(out) + 1))
            out.append(Budget(text=second_text, start=a.second_start, end=a.end,
                              amount_vnd=to_vnd(a.second, a.currency), currency=a.currency, source=source,
                              purpose=purpose, status="planned", confidence=conf, kind="allocation"))
            ctx += [(cs, lo), (cs, lo)]
        else:
            out.append(Budget(text=a.text, start=a.start, end=a.end, amount_vnd=to_vnd(a.value, a.currency),
                              currency=a.currency, source=source, purpose=purpose, status=status, confidence=conf))
            ctx.append((cs, lo))
        prev_end = a.end
    relate(text, out, ctx, _issue_year(ex))
    return out


# --- What each amount is, where it comes from, its period, and how the amounts relate ---------------------------

# Canonical sources, most specific first: (canonical name, pattern over the printed phrase).
SOURCES: list[tuple[str, regex.Pattern]] = [(name, regex.compile(p, I)) for name, p in [
    ("khuyến công quốc gia", r"khuyến\s+công\s+quốc\s+gia|\bKCQG\b"),
    ("khuyến công địa phương", r"khuyến\s+công\s+địa\s+phương|\bKCĐP\b"),
    ("vốn đối ứng", r"đối\s+ứng"),
    ("ODA", r"\bODA\b|viện\s+trợ|ngoài\s+nước|nước\s+ngoài"),
    ("vốn vay", r"\bvay\b|tín\s+dụng"),
    ("xã hội hóa", r"xã\s+hội\s+hóa|xã\s+hội\s+hoá|tài\s+trợ|huy\s+động|đóng\s+góp"),
    ("vốn doanh nghiệp", r"doanh\s+nghiệp|tự\s+có|nhà\s+đầu\s+tư|vốn\s+góp"),
    ("ngân sách trung ương", r"trung\s+ương|\bTW\b|\bNSTW\b"),
    ("ngân sách huyện", r"huyện"),
    ("ngân sách xã", r"ngân\s+sách\s+(?:cấp\s+)?xã"),
    ("ngân sách tỉnh", r"tỉnh|ngân\s+sách\s+thành\s+phố"),
    ("ngân sách địa phương", r"địa\s+phương|\bNSĐP\b|ngân\s+sách\s+tập\s+trung|sử\s+dụng\s+đất|xổ\s+số"),
    # a bare "vốn ngân sách" is the state budget
    ("ngân sách nhà nước", r"nhà\s+nước|\bNSNN\b|đầu\s+tư\s+công|sự\s+nghiệp|trái\s+phiếu|ngân\s+sách"),
    ("khác", r"."),
]]
KINDS = ("allocation", "actual", "rate", "statistic")

_V = r"(?<![\p{L}])"  # a word starts here
RATE_CUE = regex.compile(
    _V + r"(?:mức\s+(?:chi|hỗ\s+trợ|lương|phụ\s+cấp|trợ\s+cấp|khoán|thù\s+lao|bồi\s+dưỡng)|định\s+mức|đơn\s+giá)"
    r"(?![\p{L}])", I)
PER_UNIT = regex.compile(r"(?:đồng|VNĐ|VND|USD|\$)\s*/\s*\p{L}", I)
STAT_CUE = regex.compile(
    _V + r"(?:giá\s+trị\s+(?:sản\s+xuất|xuất\s+khẩu|nhập\s+khẩu|gia\s+tăng|sản\s+phẩm)|doanh\s+(?:thu|số)"
    r"|kim\s+ngạch|thu\s+nhập|nộp\s+ngân\s+sách|lợi\s+nhuận|GRDP|GDP|vốn\s+(?:điều\s+lệ|đăng\s+ký)"
    r"|tổng\s+sản\s+phẩm|thu\s+hút[^.;\d]{0,30}vốn|tổng\s+mức\s+bán\s+lẻ|dư\s+nợ|tiền\s+thuế|nợ\s+thuế"
    r"|(?:tổng\s+)?(?:số\s+)?thu\s+(?:ngân\s+sách|NSNN|thuế|nội\s+địa|nợ)|tổng\s+thu)(?![\p{L}])", I)
# The money words of a budget: after a statistic's words they make the amount a budget again
# ("hỗ trợ doanh nghiệp tăng doanh thu, kinh phí 5 tỷ đồng").
BUDGET_NOUN = regex.compile(_V + r"(?:kinh\s+phí|ngân\s+sách|dự\s+toán|kế\s+hoạch\s+vốn|tổng\s+mức\s+đầu\s+tư"
                            r"|vốn\s+(?:ngân\s+sách|đầu\s+tư\s+công|đối\s+ứng|sự\s+nghiệp))(?![\p{L}])", I)
# "thực hiện" is money spent when it is not the verb of an object ("kinh phí thực hiện Chương trình ..." is
# what implementing it costs).
ACTUAL_CUE = regex.compile(
    _V + r"(?:(?:đã|được|ước)\s+thực\s+hiện|thực\s+hiện(?!\s+(?:(?-i:\p{Lu})|các|công\s+tác|việc|hoạt\s+động|nhiệm\s+vụ"
    r"|chương\s+trình|đề\s+án|kế\s+hoạch|dự\s+án|chính\s+sách|mục\s+tiêu|hỗ\s+trợ|đầu\s+tư|xây\s+dựng|cho|theo|tại))"
    r"|giải\s+ngân|đã\s+(?:chi|cấp|sử\s+dụng|hỗ\s+trợ|thanh\s+toán|tạm\s+ứng|giải\s+ngân|đầu\s+tư|bố\s+trí|thu)"
    r"|tạm\s+ứng|quyết\s+toán|đạt|thanh\s+toán|chi\s+thực\s+tế|lũy\s+kế|luỹ\s+kế)(?![\p{L}])", I)
ALLOC_CUE = regex.compile(
    _V + r"(?:kế\s+hoạch|KH|dự\s+kiến|dự\s+toán|phân\s+bổ|bố\s+trí|giao|đề\s+nghị|đề\s+xuất|phê\s+duyệt|duyệt"
    r"|tối\s+đa|tối\s+thiểu|hỗ\s+trợ|tổng\s+mức\s+đầu\s+tư|khái\s+toán|dành\s+cho|cấp|sẽ|phấn\s+đấu|mục\s+tiêu"
    r"|nhu\s+cầu|điều\s+chỉnh|bổ\s+sung|tăng|giảm)(?![\p{L}])", I)
# A figure the sentence compares with ("chiếm 26,56% tổng kinh phí KCQG toàn quốc (104.314 triệu đồng)"):
# not a part of the total above it.
REFERENCE = regex.compile(_V + r"(?:chiếm|so\s+với|bằng\s+\d|trên\s+tổng)", I)
PERCENT = regex.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
# "…, đạt 94,5% so với kế hoạch năm 2017 là 37.116 triệu đồng", "…, đạt 93,93% so với kế hoạch (29.409 …": the
# amount after the words is the plan the amount before is measured against.
PLAN_AFTER = regex.compile(
    r"^[\s,(]*(?:(?:và\s+)?(?:chỉ\s+)?(?:đạt|bằng)\s+(?:khoảng\s+)?(?P<pct>\d{1,3}(?:[.,]\d+)?)\s*%\s*)?"
    r"(?:so\s+với|trên\s+(?:tổng\s+)?(?:số\s+)?)\s*(?:tổng\s+)?(?:kế\s+hoạch|KH|dự\s+toán|vốn\s+(?:được\s+)?giao)"
    r"(?:[^\d.;]|năm\s+\d{4}){0,60}$", I)
PCT_AFTER = regex.compile(r"^[\s,(]*(?:(?:và\s+)?(?:chỉ\s+)?(?:đạt|bằng|tương\s+đương|tỷ\s+lệ)\s+(?:khoảng\s+)?)?"
                          r"(?P<pct>\d{1,3}(?:[.,]\d+)?)\s*%", I)
PARTS = regex.compile(_V + r"(?:trong\s+đó|bao\s+gồm|gồm\s+có|gồm)(?![\p{L}])", I)
_PARTS_CUED = Cued(PARTS, ("trong", "bao", "gồm"))  # its first words
_COLON_AFTER = regex.compile(r"[ \t]*:[ \t]*(\n)?")
SENT_BREAK = regex.compile(r"[.!?](?=\s|$)|\n[ \t]*\n")
PART_BREAK = regex.compile(r"[.!?;](?=\s|$)|\n[ \t]*\n")
HEADING = regex.compile(r"(?m)^[ \t]*(?:[IVX]{1,5}|[A-H]|(?i:phần|chương)\s+[\p{L}\d]+)\s*[.:)\-–]\s*(?P<t>[^\n]{0,80})")
RESULT_HEAD = regex.compile(r"kết\s+quả|tình\s+hình\s+(?:thực\s+hiện|triển\s+khai)|đánh\s+giá|nhận\s+xét", I)
PLAN_HEAD = regex.compile(r"kế\s+hoạch|nhiệm\s+vụ|phương\s+hướng|mục\s+tiêu|giải\s+pháp|kinh\s+phí|nội\s+dung|dự\s+toán"
                          r"|tổ\s+chức\s+thực\s+hiện|dự\s+kiến", I)
_Y = r"(?:19|20)\d{2}"
YEAR_SPAN = regex.compile(rf"(?<!\d)(?P<a>{_Y})\s*(?:[-–—]|đến(?:\s+năm)?|tới(?:\s+năm)?)\s*(?P<b>{_Y})(?!\d)", I)
YEAR_ONE = regex.compile(rf"(?:năm|tháng\s+\d{{1,2}}\s*/|quý\s+[IV\d]{{1,3}}\s*/)\s*(?P<a>{_Y})(?![\d/])", I)
_BULLET = regex.compile(r"[ \t]*([-–+•*]|\d+(?:\.\d+)*[.)]|[a-zđ]\))", I)


def canonical_source(printed: str | None) -> str | None:
    """The canonical name of a printed source ("kinh phí Trung ương" → "ngân sách trung ương")."""
    if not printed:
        return None
    return next(name for name, rx in SOURCES if rx.search(printed))


def _issue_year(ex) -> int | None:
    try:
        v = ex.header.issue_date.value
    except AttributeError:
        return None
    return int(v[:4]) if v and regex.match(r"\d{4}", v) else None


def _cue_kind(window: str) -> str | None:
    """The kind its words give an amount, from the words before it; None when they say nothing."""
    if RATE_CUE.search(window):
        return "rate"
    stat = list(STAT_CUE.finditer(window))
    if stat:
        last = stat[-1].end()
        if not any(m.start() >= last for m in BUDGET_NOUN.finditer(window)):
            return "statistic"
    act = max((m.end() for m in ACTUAL_CUE.finditer(window)), default=-1)
    alloc = max((m.end() for m in ALLOC_CUE.finditer(window)), default=-1)
    if act < 0 and alloc < 0:
        return None
    return "actual" if act >= alloc else "allocation"


def _pct(s: str) -> float:
    return float(s.replace(",", "."))


def _years(window: str) -> tuple[int, int] | None:
    found = [(m.end(), int(m["a"]), int(m["b"])) for m in YEAR_SPAN.finditer(window) if m["a"] <= m["b"]]
    found += [(m.end(), int(m["a"]), int(m["a"])) for m in YEAR_ONE.finditer(window)]
    if not found:
        return None
    _, a, b = max(found)
    return a, b


def _unit(b: Budget) -> float:
    """The rounding unit of an amount as printed ("73,44 tỷ" → 10 million đồng)."""
    m = regex.search(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?", b.text)
    if not m or not b.amount_vnd:
        return 0.0
    v = parse_number(m.group())
    if not v:
        return 0.0
    decimals = len(m.group().split(",")[1]) if "," in m.group() else 0
    return b.amount_vnd / float(v) * 10.0 ** -decimals


def _sentence_bounds(text: str, pos: int, rx: regex.Pattern = SENT_BREAK) -> tuple[int, int]:
    """The sentence around `pos`, read at most 1,500 characters each way: a text of one endless line (a
    flattened table) costs the same per amount as a short one."""
    lo, hi = max(0, pos - 1500), min(len(text), pos + 1500)
    start = lo
    for m in rx.finditer(text, lo, pos):
        start = m.end()
    m = rx.search(text, pos, hi)
    return start, m.start() if m else hi


def _section_kind(text: str, heads: list[tuple[int, str]], pos: int) -> str | None:
    """Under a heading "Kết quả thực hiện …", "Tình hình …", "Đánh giá …" an amount is money spent."""
    for at, title in reversed(heads):
        if at >= pos:
            continue
        if PLAN_HEAD.search(title):
            return None
        if RESULT_HEAD.search(title):
            return "actual"
    return None


def _parts_scope(text: str, p: int) -> int:
    """Where the list of parts announced at `p` ("trong đó", "gồm") ends."""
    after = _COLON_AFTER.match(text, PARTS.match(text, p).end())
    if not after:  # "trong đó A …, B …": to the clause's end
        return _sentence_bounds(text, p, PART_BREAK)[1]
    if not after.group(1):  # "gồm: A …; B …": to the sentence's end
        return _sentence_bounds(text, p)[1]
    # "trong đó:" closing a line: the lines below, up to one that opens like the total's line (a sibling) or a heading
    ls = text.rfind("\n", 0, p) + 1
    own = _BULLET.match(text, ls)
    own_mark = own.group(1)[0] if own else None
    pos = after.end()
    end = pos
    first: str | None = ""  # the class of the first item's marker: the list's items all open with it

    def cls(mark: str | None) -> str | None:
        return None if mark is None else "n" if mark[0].isdigit() else "a" if mark[0].isalpha() else mark[0]

    for line in regex.finditer(r"[^\n]*\n?", text, pos=pos, endpos=min(len(text), pos + 3000)):
        s = line.group()
        if not s.strip():
            end = line.end()
            continue
        b = _BULLET.match(s)
        mark = cls(b.group(1)) if b else None
        if first == "":
            first = mark
        if HEADING.match(s) or (mark and own_mark and mark == cls(own_mark)) or (mark and mark != first):
            break
        end = line.end()
    return end


def _mark_rank(mark: str | None) -> tuple[int, int] | None:
    """How high a list marker stands: "2." above "2.1." above "a)" above "-", "+"."""
    if mark is None:
        return None
    if mark[0].isdigit():
        return (1, mark.rstrip(".)").count(".") + 1)
    return (2, 0) if mark[0].isalpha() else (3, 0)


def _list_scope(text: str, s0: int, colon: regex.Match) -> int:
    """Where the list that a colon after a total opens ends: the sentence's end for a list on the same line ("cho
    các tỉnh: A: …; B: …"); for lines below, the first line that opens like the total's own line or above it, a
    heading, an article, or a new paragraph (a line without marker, in capitals, after a line that ended)."""
    if not colon.group(1):
        return _sentence_bounds(text, colon.start())[1]
    ls = text.rfind("\n", 0, s0) + 1
    own = _BULLET.match(text, ls)
    rank = _mark_rank(own.group(1)) if own else None
    end = pos = colon.end()
    prev = ":"
    for line in regex.finditer(r"[^\n]*\n?", text, pos=pos, endpos=min(len(text), pos + 6000)):
        s = line.group()
        if not s.strip() or regex.fullmatch(r"\s*\d{1,4}\s*", s):  # a blank line, a page number
            end = line.end()
            continue
        b = _BULLET.match(s)
        r = _mark_rank(b.group(1)) if b and regex.match(r"\s", s[b.end():] or " ") else None
        if HEADING.match(s) or regex.match(r"\s*Điều\s+\d", s) or (r and rank and r <= rank) or (
                r is None and regex.search(r"[.;:!?]\s*$", prev) and regex.match(r"\s*\p{Lu}", s)):
            break
        end = line.end()
        prev = s.strip()
    return end


def _sources_after_and_inherited(text: str, out: list[Budget]) -> None:
    """Sources an amount's words before it do not give: a source phrase after it, else the source of the total
    whose list it is in ("1. Vốn ngân sách nhà nước: 1.280 tỷ đồng, bao gồm: + …", "Tổng vốn xổ số kiến thiết …
    là …, dự kiến điều chỉnh như sau: a) …")."""
    n = len(out)
    starts = [b.start for b in out]
    own = [b.source is not None for b in out]
    for i, b in enumerate(out):
        if b.source or b.amount_vnd is None:
            continue
        nxt = next((o.start for o in out[i + 1:] if o.start >= b.end and o.amount_vnd is not None), len(text))
        brk = CLAUSE_BREAK.search(text, b.end, min(nxt, b.end + 300))
        parts = _PARTS_CUED.search(text, b.end, min(nxt, b.end + 300))  # "…, trong đó: Kinh phí KCQG …": the parts'
        brk = parts if parts and (not brk or parts.start() < brk.start()) else brk
        end = brk.start() if brk else min(nxt, b.end + 300)
        for m in _sources(text, b.end, end):
            if not (AFTER_LEAD.search(text, max(0, m.start() - 8), m.start()) or m.group().lower().startswith("nguồn")):
                continue
            if end == nxt and not regex.search(r"[,;:()]", text[m.end():end]):
                break  # "…, từ nguồn X 6 tỷ đồng": the next amount's
            b.source_printed = " ".join(m.group().split())
            b.source = canonical_source(b.source_printed)
            own[i] = True
            break
    # the nearest total above wins: later (inner) totals first, each only filling what is still empty
    for t in reversed(range(n)):
        tb = out[t]
        if not own[t] or tb.amount_vnd is None:
            continue
        s0, s1 = _sentence_bounds(text, tb.start)
        colon = regex.compile(r":[ \t]*(\n)?").search(text, tb.end, s1 + 1)
        if not colon or any(tb.end <= p < colon.start() for p in starts):
            continue
        end = _list_scope(text, s0, colon)
        for i in range(t + 1, n):
            if colon.end() <= out[i].start < end and out[i].source is None:
                out[i].source, out[i].source_printed = tb.source, tb.source_printed


def relate(text: str, out: list[Budget], ctx: list[tuple[int, int]], issue_year: int | None = None) -> None:
    """Give each budget its kind, canonical source, period, plan and total, in place."""
    n = len(out)
    heads = [(m.start(), m["t"]) for m in HEADING.finditer(text)]
    own = [b.kind for b in out]  # kinds the text settles by its form (the halves of "44.993/138.529")
    sentence = [_sentence_bounds(text, b.start) for b in out]
    # 1. kind from the amount's own words
    for i, b in enumerate(out):
        b.source_printed, b.source = b.source, canonical_source(b.source)
        if own[i]:
            continue
        cs, lo = ctx[i]
        if PER_UNIT.search(b.text):
            own[i] = "rate"
            continue
        own[i] = _cue_kind(text[lo:b.start])
    _sources_after_and_inherited(text, out)
    # 2. plan after actual: "X, đạt 94,5% so với kế hoạch … Y"
    for i in range(1, n):
        a, p = out[i - 1], out[i]
        if a.plan_index is not None or a.start == p.start or sentence[i - 1] != sentence[i]:
            continue
        m = PLAN_AFTER.match(text[a.end:p.start])
        if m:
            own[i - 1], own[i] = "actual", "allocation"
            a.plan_index = i
            if m["pct"]:
                a.percent = _pct(m["pct"])
    # plan before actual: "kế hoạch vốn được giao 100 tỷ đồng, đã giải ngân 45 tỷ đồng"
    for i in range(1, n):
        a, p = out[i - 1], out[i]
        gap = text[a.end:p.start]
        if (own[i - 1] == "allocation" and own[i] == "actual" and p.plan_index is None and a.plan_index is None
                and a.start != p.start and sentence[i - 1] == sentence[i] and len(gap) <= 60
                and all(j.plan_index != i - 1 for j in out) and ACTUAL_CUE.search(gap)
                and not regex.search(r"[;:]|\b(?:trong\s+đó|gồm)\b", gap, I)):
            p.plan_index = i - 1
    # 3. parts of a total
    claimed: set[int] = set()
    for m in reversed(list(_PARTS_CUED.finditer(text))):
        p = m.start()
        s0, _ = _sentence_bounds(text, p)
        before = [i for i in range(n) if s0 <= out[i].start and out[i].end <= p and i not in claimed]
        if not before and not text[s0:p].strip(" \t\n,;:–-"):  # "… 138.529 triệu đồng). Trong đó …"
            ps0, _ = _sentence_bounds(text, max(0, s0 - 2))
            before = [i for i in range(n) if ps0 <= out[i].start and out[i].end <= s0]
        if not before:
            continue
        end = _parts_scope(text, p)
        parts = [i for i in range(n) if p < out[i].start < end and i not in claimed and out[i].total_index is None
                 and (out[i - 1].plan_index == i or not REFERENCE.search(text[ctx[i][1]:out[i].start]))]
        if not parts:
            continue
        totals_by_kind: dict[str | None, int] = {}
        for i in before:
            totals_by_kind[own[i]] = i
        last_total = before[-1]
        for i in parts:
            if own[i] is None:
                own[i] = own[last_total]
            t = totals_by_kind.get(own[i])
            if t is None and len(before) == 1 and own[last_total] is None:
                t = last_total  # a total whose kind its parts settle
            if t is None:
                continue
            out[i].total_index = t
            claimed.add(i)
    # 4. what is left: a compared figure takes its sentence's kind, then the clause's words, the section, allocation
    for i, b in enumerate(out):
        if own[i]:
            continue
        cs, lo = ctx[i]
        if REFERENCE.search(text[lo:b.start]):
            first = next((j for j in range(i) if out[j].start >= cs and own[j]), None)
            if first is not None:
                own[i] = own[first]
                continue
        own[i] = _cue_kind(text[cs:b.start]) or _section_kind(text, heads, b.start) or "allocation"
    # 5. periods: the amount's own words, else its total's or its plan's
    for i, b in enumerate(out):
        cs, lo = ctx[i]
        y = _years(text[lo:b.start]) or _years(text[cs:b.start])
        if y:
            b.year_from, b.year_to = y
    for b in out:
        for j in (b.total_index, b.plan_index):
            if b.year_from is None and j is not None and out[j].year_from is not None:
                b.year_from, b.year_to = out[j].year_from, out[j].year_to
        if b.plan_index is not None and out[b.plan_index].year_from is None and b.year_from is not None:
            out[b.plan_index].year_from, out[b.plan_index].year_to = b.year_from, b.year_to
    # money not yet spent cannot have been spent: an "actual" of a later year than the document is a plan
    for i, b in enumerate(out):
        if own[i] == "actual" and issue_year and b.year_from and b.year_from > issue_year and b.plan_index is None:
            own[i] = "allocation"
    # 6. kinds settled; status follows them
    for i, b in enumerate(out):
        b.kind = own[i]
        b.status = {"allocation": "planned", "rate": "planned", "actual": "spent"}.get(b.kind)
    # 7. percentages: stated with the pair ("đạt 82% (11.305/13.863") or after the actual ("…, đạt 94,5%")
    for i, b in enumerate(out):
        if b.kind != "actual":
            continue
        cs, lo = ctx[i]
        if b.percent is None and b.plan_index == i + 1 and out[i + 1].start > b.start:  # the slash pair
            found = list(PERCENT.finditer(text, lo, b.start))
            if found:
                b.percent = _pct(found[-1].group(1))
        if b.percent is None:
            nxt = out[i + 1].start if i + 1 < n and out[i + 1].start > b.end else b.end + 60
            m = PCT_AFTER.match(text[b.end:min(nxt, b.end + 60)])
            if m:
                b.percent = _pct(m["pct"])
        if b.percent is not None and b.plan_index is not None:
            plan = out[b.plan_index].amount_vnd
            if plan and b.amount_vnd is not None:
                b.percent_ok = abs(100.0 * b.amount_vnd / plan - b.percent) <= 1.0
    # 8. totals: do their listed parts add up?
    parts_of: dict[int, list[int]] = {}
    for i, b in enumerate(out):
        if b.total_index is not None:
            parts_of.setdefault(b.total_index, []).append(i)
    for t, ps in parts_of.items():
        if len(ps) < 2 or out[t].amount_vnd is None or any(out[i].amount_vnd is None for i in ps):
            continue
        total = sum(out[i].amount_vnd for i in ps)
        tol = 0.5 * _unit(out[t]) + 0.5 * sum(_unit(out[i]) for i in ps) + 1
        out[t].sum_ok = abs(total - out[t].amount_vnd) <= tol
