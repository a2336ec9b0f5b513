"""Time limits set for doing something: "trước ngày 15/9/2025", "trong quý III
năm 2012", "chậm nhất ngày 31/10/2010", "trước ngày 20 hằng tháng", "trong thời
hạn 15 ngày kể từ ngày ký".

A date is a deadline only by what stands before it: a limit word ("trước",
"chậm nhất", "xong trong"), a directive verb ahead of "trong quý ...", a
"Thời gian hoàn thành" label, or a cell of its own under a "Thời gian hoàn
thành" / "Tiến độ" column ("Tháng 3/2026", "2027 - 2030"). Bare dates (signing, cited
documents, meetings, report periods, permit validity, national targets) are
left alone. Each deadline's span covers the limit word and the date only, so
it stays inside the sentence that sets it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

import regex

from extractors.dates import PeriodMatch, find_dates, find_periods
from pipeline.cues import Cued, folded
from pipeline.records import Deadline
from pipeline.tables import tables

I = regex.IGNORECASE  # noqa: E741
_S = r"[ \t\u00a0]*\n?[ \t\u00a0]*"
_NGAY = r"(?:ngày|ngay|[hn]gày|ngảy|ngàу|ngàu)"  # OCR of scans: "trước hgày 30/10/2024"
_HAN = r"h?[ạa]n(?![\p{L}])"  # "thời ạn", "thời han"

# What may stand right before the date/period (anchored at its start).
STRONG = regex.compile(
    rf"(?:(?:trước|chậm{_S}nhất(?:{_S}là)?|muộn{_S}nhất|hạn{_S}chót|không{_S}(?:muộn|chậm){_S}hơn)"
    rf"(?:{_S}(?:vào|đến|trong))?(?:{_S}hết)?|(?:xong|hoàn{_S}thành|hoàn{_S}tất|kết{_S}thúc)"
    rf"(?:{_S}(?:trong|vào|trước|đến{_S}hết|đến|trong{_S}thời{_S}gian))?)"
    rf"(?:{_S}\d{{1,2}}{_S}(?:giờ|h)(?:{_S}\d{{1,2}}(?:{_S}phút)?)?{_S},?)?"  # "trước 17 giờ 00 ngày 20/3/2024"
    rf"(?:{_S}{_NGAY})?[ \t\u00a0|]*\n?[ \t\u00a0]*$", I)
LABEL = regex.compile(
    rf"(?:thời{_S}{_HAN}|thời{_S}gian{_S}hoàn{_S}thành|tiến{_S}độ(?:{_S}hoàn{_S}thành)?|hạn{_S}hoàn{_S}thành"
    rf"|hạn{_S}cuối(?:{_S}cùng)?|hạn{_S}chót)"
    rf"(?:(?:{_S}(?:nộp|gửi|báo{_S}cáo|trình))?{_S}[:：]?|(?:,?[ \t\u00a0\n]+[\p{{L}}]++){{1,14}}+{_S}[:：])"
    rf"{_S}(?:dự{_S}kiến{_S})?(?:trong|trước|vào)?(?:{_S}ngày)?{_S}$", I)
# (The words of a long label are split at blanks only, possessively: with optional blanks the loop
# could cut one word every way, and a window without a colon took seconds.)
# "Thời gian thực hiện:" names a limit only before a month, quarter or day; before years it is a term.
TERM_LABEL = regex.compile(rf"thời{_S}gian{_S}thực{_S}hiện{_S}[:：]?{_S}(?:dự{_S}kiến{_S})?(?:trong{_S})?$", I)
WITHIN = regex.compile(rf"(?:^|[\s(])(?:trong|vào|vào{_S}cuối|ngay{_S}trong){_S}$")  # lower case: not a sentence opener
UNTIL = regex.compile(rf"(?:^|\s)(?:đến|tới)(?:{_S}hết)?{_S}$", I)

DIRECTIVE = regex.compile(
    r"\b(?:trình|báo cáo|hoàn thành|hoàn thiện|xong|ban hành|gửi|nộp|triển khai|tổ chức|phê duyệt|xây dựng"
    r"|sửa đổi|bổ sung|rà soát|kiểm tra|tổng kết|sơ kết|đánh giá|đề xuất|thực hiện|hoàn tất|xử lý|tổng hợp"
    r"|cập nhật|công bố|bàn giao|giải ngân|thanh toán|quyết toán|khởi công|đưa vào|quyết định|điều chỉnh)\b", I)
# Deliverables: work whose end is a product handed over, so "trong năm ..." after them is a limit.
DELIVER = regex.compile(
    r"\b(?:trình|ban hành|báo cáo|gửi|nộp|hoàn thành|hoàn thiện|hoàn tất|xong|phê duyệt|công bố|bàn giao)\b", I)
# Events are held on a date: "kỳ họp thứ 8 của Quốc hội diễn ra vào tháng 11/2024" is no limit.
EVENT = regex.compile(r"\b(?:diễn ra|khai mạc|bế mạc|họp|kỳ họp|hội nghị|hội thảo)\W*$", I)
FUTURE_DONE = regex.compile(
    rf"\W{{0,2}}sẽ{_S}(?:hoàn{_S}thành|hoàn{_S}tất|xong|đưa\b[^.;,:\n]{{0,40}}?\bvào{_S}(?:hoạt{_S}động|sử{_S}dụng"
    rf"|vận{_S}hành|khai{_S}thác))", I)
DONE = regex.compile(rf"\W{{0,2}}(?:sẽ{_S})?(?:hoàn{_S}thành|hoàn{_S}tất|xong)", I)
COMPLETION = regex.compile(r"\b(?:hoàn thành|hoàn tất|xong|dứt điểm|chấm dứt|kết thúc|100%)", I)
PAST = regex.compile(r"(?:^|\s)(?:đã|đang)\s", I)
AIM = regex.compile(r"mục tiêu|phấn đấu|hướng tới|tầm nhìn", I)
TARGET = regex.compile(r"mục tiêu|phấn đấu|hướng tới|tầm nhìn|định hướng|thời kỳ|giai đoạn|quy hoạch|chiến lược|đạt", I)
VALIDITY = regex.compile(
    r"hiệu lực|có giá trị|thời hạn (?:của )?(?:giấy phép|khai thác|sử dụng|cho thuê|ủy quyền|thuê|hoạt động)"
    r"|ủy quyền|thời hạn \d+|kể từ ngày|từ ngày", I)
# "... đã được cấp trước ngày X thì ...": a condition on the past, not a limit.
COND_BEFORE = regex.compile(
    r"(?:\b(?:đến|(?<!cùng )cấp|tiếp nhận|giao kết|khởi công|vận hành|cho thuê|giao đất|thành lập|có hiệu lực|hoạt động)\W*)$", I)
# A past or passive marker shortly before "trước ngày" makes it a condition,
# unless a limit verb follows the marker ("đã được giao ..., trình ... trước ngày").
PASSIVE = regex.compile(r"\b(?:đã|được|trường hợp|nếu)\b", I)
RESCUE = regex.compile(r"\b(?:phải|cần|hoàn thành|xong|báo cáo|trình|gửi|nộp|ban hành|yêu cầu|đề nghị)\b", I)
COND_AFTER = regex.compile(r"^\W{0,3}(?:thì|mà|nhưng|và còn|và chưa|còn hiệu lực|hoặc trước)\b", I)
MUST = regex.compile(r"\b(?:phải|cần|yêu cầu|đề nghị|bảo đảm|đảm bảo)\b", I)

# Column headers that make lone dates in the cells below them deadlines.
COLUMN = regex.compile(
    r"(?m)(?:^|\|)[ \t|]*(?:thời[ \t]+gian|thời[ \t]+hạn|tiến[ \t]+độ)(?:[ \t]*(?:\n[ \t]*){0,2}(?:hoàn[ \t]+thành|thực[ \t]+hiện"
    r"|trình|ban[ \t]+hành|báo[ \t]+cáo)(?:[ \t]*/?[ \t]*[\p{L}/]+){0,3})?[ \t]*(?:\||$)", I)
# The same header as a table model's column name (DOCX, HTML, Markdown pipe tables).
COLUMN_NAME = regex.compile(
    r"^\W*(?:thời\s+h?[ạa]n|tiến\s+độ|hạn\s+(?:hoàn\s+thành|chót)|thời\s+gian(?:\s*/?\s*(?:hoàn\s+thành|thực\s+hiện"
    r"|trình|ban\s+hành|báo\s+cáo|nộp|gửi))*\W*$)", I)
CELL_PREFIX = regex.compile(
    rf"^(?:(?:xong|hoàn{_S}thành|hoàn{_S}tất)?{_S}(?:trong|trước|vào)?|(?:xong{_S}|hoàn{_S}thành{_S})?trước{_S}ngày)$", I)
_CELL_S = r"[ \t\u00a0]*(?:\n[ \t\u00a0]*){0,2}"  # a wrap in a cell, with the blank line OCR leaves there
RECUR_TAIL = regex.compile(rf"{_CELL_S}(?:và{_CELL_S})?(?:(?:hằng|hàng){_CELL_S}(?:năm|quý|tháng|tuần))", I)

_RECUR = (
    # "trước ngày 20 hằng tháng", "trước ngày 10 tháng 12 hàng năm", "(trước ngày 10/12)",
    # "trước ngày 15 tháng 02 của năm liền kề sau năm báo cáo", "trước ngày 20 của tháng cuối quý"
    rf"(?P<rec>(?:trước|chậm{_S}nhất(?:{_S}là)?){_S}(?:hết{_S})?ngày{_S}\d{{1,2}}"
    rf"(?:(?:{_S}(?:/|tháng){_S}\d{{1,2}}(?![\d/]))|(?:{_S}(?:của{_S})?tháng{_S}(?:cuối|đầu|sau|tiếp{_S}theo|kế{_S}tiếp)"
    rf"(?:{_S}quý|{_S}năm)?))?"
    rf"(?:{_S}(?:(?:hằng|hàng){_S}(?:năm|quý|tháng)|(?:của{_S})?năm{_S}(?:liền{_S}kề{_S}sau{_S}năm{_S}báo{_S}cáo"
    rf"|tiếp{_S}theo|sau|kế{_S}tiếp)|(?:của{_S})?(?:tháng|quý){_S}(?:tiếp{_S}theo|sau|kế{_S}tiếp)))?)"
    rf"(?![\d/]|{_S}(?:năm|/|-){_S}\d|{_S}(?:tháng|/))"
    rf"|(?P<onday>vào{_S}ngày{_S}\d{{1,2}}(?:{_S}(?:/|tháng){_S}\d{{1,2}})?{_S}(?:hằng|hàng){_S}(?:năm|quý|tháng))"
    # "vào thứ Sáu hàng tuần", "Định kỳ thứ Hai hàng tuần"
    rf"|(?P<week>(?:(?:định{_S}kỳ|vào){_S})*(?:thứ{_S}(?:hai|ba|tư|năm|sáu|bảy)|chủ{_S}nhật){_S}(?:hằng|hàng){_S}tuần)"
    # "định kỳ 6 tháng", "định kỳ hằng quý"
    rf"|(?P<every>định{_S}kỳ{_S}(?:(?:\d+|một|hai|ba|sáu){_S}(?:tháng|tuần|ngày)(?:{_S}(?:một|1){_S}lần)?"
    rf"|(?:hằng|hàng){_S}(?:quý|tháng|tuần|ngày)))"
)
# every alternative opens on one of these words (the "week" one on "định kỳ" or "vào" before "thứ"/"chủ nhật");
# a longer cue (the words after them, blanks as \s*) costs `re` more to find than it saves
RECUR = Cued(regex.compile(_RECUR, I), ("trước", "chậm", "vào", "thứ", "chủ", "định"))

_NUMWORD = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
            "mười": 10, "mười lăm": 15, "hai mươi": 20, "ba mươi": 30}
RELATIVE = regex.compile(
    rf"(?P<lead>(?:trong{_S}(?:thời{_S}hạn|vòng|thời{_S}gian)|chậm{_S}nhất(?:{_S}là)?|không{_S}quá|tối{_S}đa|sau"
    rf"|(?:dự{_S}kiến{_S})?khoảng)){_S}"
    rf"(?:(?:là|không{_S}quá){_S})?(?P<n>\d{{1,3}}|{'|'.join(sorted(_NUMWORD, key=len, reverse=True))})"
    rf"(?:{_S}\([^)]{{1,20}}\))?{_S}(?P<unit>ngày{_S}làm{_S}việc|ngày|tháng|năm)(?![\wà-ỹ])"
    rf"(?P<tail>(?:{_S},)?{_S}(?:(?:kể{_S})?từ|sau|trước)(?:{_S}khi|{_S}ngày|{_S}thời{_S}điểm)[^.;:\n]{{0,70}}?"
    rf"(?=[.;,:\n(]|$))?", I)
RELATIVE = Cued(RELATIVE, ("trong", "chậm", "không", "tối", "sau", "dự", "khoảng"))  # the words `lead` opens on
_THIS_DOC = rf"(?:quyết{_S}định|chỉ{_S}thị|văn{_S}bản|công{_S}văn|thông{_S}báo|kế{_S}hoạch|nghị{_S}quyết|thông{_S}tư)"
BASE_SELF = regex.compile(
    rf"^(?:{_S},)?{_S}(?:kể{_S})?từ{_S}ngày{_S}(?:ký|ban{_S}hành)(?:{_S}{_THIS_DOC}(?:{_S}này)?)?{_S}$", I)
BASE_EFFECTIVE = regex.compile(
    rf"^(?:{_S},)?{_S}(?:kể{_S})?từ{_S}ngày{_S}{_THIS_DOC}{_S}này{_S}có{_S}hiệu{_S}lực(?:{_S}thi{_S}hành)?{_S}$", I)
EFFECT_AFTER = regex.compile(rf"hiệu{_S}lực(?:{_S}thi{_S}hành)?{_S}$", I)
LIMIT_OF = regex.compile(rf"(?:thời{_S}hạn|thời{_S}gian)[^.;]{{0,40}}$", I)
BEFORE_EVENT = regex.compile(rf"\btrước{_S}(?:khi|ngày){_S}(?!\d)[^.;:,(|]{{3,80}}", I)
BOUNDARY = regex.compile(
    r"(?:\.(?![ \t]*\n?[ \t]*\p{Ll}\p{L})|[;!?:]|(?<=\s)\|)(?=\s|$)|\n(?=\s*(?:[-+•]|\d+(?:\.\d+)*[.)]|[a-zđ]\)))")


@dataclass
class _Hit:
    start: int
    end: int
    date: str | None
    recurrence: str | None = None
    relative: str | None = None
    confidence: float = 1.0


def _issue_date(doc, ex) -> dt.date | None:
    """The document's date: the header's, else the first "<Place>, ngày ..." line."""
    iso = None
    try:
        iso = ex.header.issue_date.value
    except AttributeError:
        pass
    if not iso:
        head = doc.text[:3000]
        for d in find_dates(head):
            before = head[max(0, d.start - 30):d.start]
            if (regex.search(r"[\p{L}.]\s*,\s*(?:ngày\s*)?$", before)
                    and not regex.search(r"(?:thứ\s+\p{L}+|chủ\s+nhật)\s*,\s*(?:ngày\s*)?$", before, I)):
                iso = d.iso
                break
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _first_date(text: str) -> dt.date | None:
    """The first full date of the document's head (an e-signature stamp, a damaged date line): a year to go by."""
    ds = find_dates(text, 0, min(len(text), 800))
    return dt.date.fromisoformat(ds[0].iso) if ds else None


def _skip_spans(seg) -> list[tuple[int, int]]:
    spans = []
    for name in ("header", "title", "kinh_gui", "preamble", "signature", "noi_nhan"):
        sp = getattr(seg, name, None) if seg is not None else None
        if sp is not None and getattr(sp, "start", None) is not None:
            spans.append((sp.start, sp.end))
    return spans


def _clause_start(text: str, pos: int, limit: int = 300) -> int:
    lo = max(0, pos - limit)
    last = lo
    for m in BOUNDARY.finditer(text, lo, pos):
        last = m.end()
    return last


def _clause_end(text: str, pos: int, limit: int = 200) -> int:
    m = BOUNDARY.search(text, pos, min(len(text), pos + limit))
    return m.start() if m else min(len(text), pos + limit)


def _recurrence_after(text: str, end: int) -> tuple[int, str | None]:
    m = RECUR_TAIL.match(text, end)
    if m:
        return m.end(), " ".join(regex.sub(r"^\W*(?:và\s*)?", "", m.group()).split())
    return end, None


def _classify(text: str, p: PeriodMatch, issue: dt.date | None, is_report: bool, in_cells: bool = False) -> _Hit | None:
    """A deadline hit for a date/period by its left context, or None."""
    cs = _clause_start(text, p.start)
    left = text[max(cs, p.start - 80):p.start]
    right = text[p.end:_clause_end(text, p.end)]
    date = dt.date.fromisoformat(p.iso)
    late = issue is not None and date < issue - dt.timedelta(days=45)
    past = issue is not None and date < issue  # a period already over is reported on, not set

    m = STRONG.search(left)
    if m and not late:
        trig = left[m.start():]
        if regex.match(r"trước", trig, I):
            before = text[max(cs, p.start - len(trig) - 100):p.start - len(trig)]
            words = before.split()[-15:]
            near = " ".join(words)
            marks = list(PASSIVE.finditer(near))
            passive = bool(marks) and not RESCUE.search(near, max(0, marks[-1].start() - 12))
            if passive or (COND_BEFORE.search(before) and not MUST.search(before[-25:])) or COND_AFTER.match(right):
                return None
        if VALIDITY.search(text[max(cs, p.start - 60):p.start - len(trig)]):
            return None
        return _Hit(p.start - len(trig), p.end, p.iso)
    wide = text[max(0, p.start - 130):p.start]
    m = LABEL.search(wide)
    if not m and p.kind in ("date", "month", "quarter", "half"):
        m = TERM_LABEL.search(wide)
    if m and not VALIDITY.search(wide[m.start():]):  # a labelled limit counts even when already past
        return _Hit(p.start - len(wide) + m.start(), p.end, p.iso)
    if p.kind == "date" or in_cells:
        return None  # a schedule table has its own date column: words inside other cells are not limits
    m = WITHIN.search(left)
    if m and not past:
        ahead = text[cs:p.start - len(left) + m.start()]
        if (DIRECTIVE.search(ahead) and not PAST.search(ahead) and not _validity(ahead)
                and not AIM.search(ahead[-100:]) and not EVENT.search(ahead[-30:])
                and not is_report
                # a whole year is a limit only for a deliverable ("trình Quốc hội trong năm 2025") or with a
                # completion after it; else it is the year work happens in ("kiểm tra định kỳ trong năm 2020",
                # "phát thải ròng bằng 0 vào năm 2050", "lấp đầy 50% trong năm 2028")
                and (p.kind != "year" or DELIVER.search(ahead[-60:]) or DONE.match(right))):
            return _Hit(p.start - len(left) + m.start() + (left[m.start()] in " \t\n("), p.end, p.iso, confidence=0.8)
    m = UNTIL.search(left)
    if m and not past and p.kind in ("year", "quarter", "month"):
        done = COMPLETION.search(right[:60])
        around = text[max(cs, p.start - 80):p.start] + right[:done.start() if done else 0]
        if done and not TARGET.search(around) and not PAST.search(around):
            return _Hit(p.start - len(left) + m.start() + (left[m.start()] in " \t\n("), p.end, p.iso, confidence=0.7)
    # "quý IV năm 2027 sẽ đưa dự án vào hoạt động": a period that opens a clause in the future tense of completion
    if not past and p.kind != "date" and FUTURE_DONE.match(right) and not TARGET.search(text[max(cs, p.start - 80):p.start]):
        return _Hit(p.start, p.end, p.iso, confidence=0.7)
    return None


def _validity(ahead: str) -> bool:
    """Whether a validity term governs the end of `ahead` (no directive verb after the last one)."""
    ends = [v.end() for v in VALIDITY.finditer(ahead)]
    return bool(ends) and not DIRECTIVE.search(ahead, ends[-1])


# "trong tháng 10" with no year: the month of the document's own year. Not "06 tháng" (a duration), not
# "hằng tháng", not "tháng 10/2024" or "tháng 10 năm 2024" (full periods, read by `find_periods`).
MONTH_ONLY = regex.compile(
    rf"(?=tháng)(?<=(?:trong|vào|trước|hết|cuối|xong|thành){_S})tháng{_S}(?P<m>\d{{1,2}})(?![\d/.\-]|{_S}(?:năm|/|-|–){_S}\d)", I)


def _month_only(text: str, issue: dt.date | None) -> list[PeriodMatch]:
    if issue is None:
        return []
    out = []
    for m in MONTH_ONLY.finditer(text):
        mm = int(m["m"])
        if not 1 <= mm <= 12:
            continue
        # the document's year; a month early in the year named late in the year before is next year's
        y = issue.year + (mm < issue.month and issue.month >= 11 and mm <= 2)
        if mm < issue.month and y == issue.year:
            continue  # a month already over is reported on
        last = (dt.date(y + (mm == 12), mm % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        out.append(PeriodMatch(last, m.start(), m.end(), m.group(), "month"))
    return out


_COLUMN_WORD = re.compile("thời|tiến")


def _column(text: str) -> regex.Match | None:
    """`COLUMN.search(text)`, tried only where a match can start: a line's start or a bar before a "thời" or
    "tiến" of that line (a match holds one on its first line, with only blanks and bars before it). Starts are
    tried left to right, each once."""
    low = folded(text)
    if low is None:
        return COLUMN.search(text)
    line = scanned = -1
    for w in _COLUMN_WORD.finditer(low):  # the two words cannot overlap: every occurrence is found
        c = w.start()
        ls = text.rfind("\n", 0, c) + 1
        if ls != line:
            line = scanned = ls
            if m := COLUMN.match(text, ls):
                return m
        bar = text.find("|", scanned, c)
        while bar >= 0:
            if m := COLUMN.match(text, bar):
                return m
            bar = text.find("|", bar + 1, c)
        scanned = c
    return None


def _cell_hits(text: str, periods: list[PeriodMatch], issue: dt.date | None, col: regex.Match | None) -> list[_Hit]:
    """Lone dates in the cells under a "Thời gian hoàn thành" / "Tiến độ" column (`col`, its header)."""
    if not col:
        return []
    hits = []
    for p in periods:
        if p.start < col.end():
            continue
        ls = max(text.rfind("\n", 0, p.start), text.rfind("|", 0, p.start)) + 1
        le_nl = text.find("\n", p.end)
        le_bar = text.find("|", p.end)
        le = min(x for x in (le_nl, le_bar, len(text)) if x >= 0)
        pre, post = text[ls:p.start], text[p.end:le]
        rec_end, rec = _recurrence_after(text, p.end)
        if rec:
            post = text[rec_end:max(rec_end, le if le > rec_end else text.find("\n", rec_end))]
        lead = (pre.strip() or p.text)[:1]
        if not CELL_PREFIX.match(pre.strip()) or post.strip() or lead.islower():
            continue  # a cell opens with a capital or a digit; a lower-case line is wrapped prose
        prev_line = _line_above(text, ls)
        if regex.search(r"(?:(?<!hằng |hàng )năm|ngày|số|tháng|kèm theo|,)\s*$", prev_line.strip(" |"), I) and "|" not in pre:
            continue
        date = dt.date.fromisoformat(p.iso)
        if issue is not None and date < issue - dt.timedelta(days=366):
            continue
        start = ls + len(pre) - len(pre.lstrip())
        hits.append(_Hit(start, rec_end if rec else p.end, p.iso, recurrence=rec, confidence=0.8))
    return hits


def _line_above(text: str, ls: int) -> str:
    """The line above the one starting at `ls`, blank lines skipped (OCR of narrow cells leaves them)."""
    end = ls - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            return text[start:end]
        end = start - 1
    return ""


def _table_hits(doc, periods: list[PeriodMatch], issue: dt.date | None) -> list[_Hit]:
    """Lone dates in the cells of a table model's "Thời gian hoàn thành" / "Tiến độ" column."""
    text = doc.text
    starts = [p.start for p in periods]
    hits = []
    for t in tables(doc) if getattr(doc, "blocks", None) else []:
        col = t.column(COLUMN_NAME)
        for row in t.body_rows() if col is not None else []:
            c = t.cell(row, col)
            if c is None:
                continue
            inside = [p for p in periods[bisect.bisect_left(starts, c.start):bisect.bisect_left(starts, c.end)]
                      if p.end <= c.end]
            if len(inside) != 1:
                continue
            p = inside[0]
            rec_end, rec = _recurrence_after(text, p.end)
            pre, post = text[c.start:p.start].strip(), text[rec_end:c.end].strip(" \t\n.;,")
            if not CELL_PREFIX.match(pre) or post:
                continue
            if issue is not None and dt.date.fromisoformat(p.iso) < issue - dt.timedelta(days=366):
                continue
            start = c.start + len(text[c.start:p.start]) - len(text[c.start:p.start].lstrip())
            hits.append(_Hit(start, rec_end if rec else p.end, p.iso, recurrence=rec, confidence=0.8))
    return hits


def _cell_lines(text: str, pos: int, radius: int = 300) -> bool:
    """Whether `pos` sits in a table flattened one short cell per line (PDF text)."""
    lines = [ln for ln in text[max(0, pos - radius):pos + radius].split("\n")[1:-1] if ln.strip()]
    return len(lines) >= 8 and sum(len(ln) for ln in lines) / len(lines) < 28


def _resolve(n: str, unit: str, tail: str | None, issue: dt.date | None, effective: dt.date | None = None) -> str | None:
    """Date of "N ngày/tháng kể từ ngày ký" counted from the document's own (or effective) date."""
    if not tail:
        return None
    if BASE_EFFECTIVE.match(tail):
        issue = effective
    elif not BASE_SELF.match(tail):
        return None
    if issue is None:
        return None
    k = int(n) if n.isdigit() else _NUMWORD.get(n.lower())
    unit = " ".join(unit.lower().split())
    if k is None or unit == "ngày làm việc":
        return None
    if unit == "ngày":
        return (issue + dt.timedelta(days=k)).isoformat()
    months = k * (12 if unit == "năm" else 1)
    y, m = divmod(issue.month - 1 + months, 12)
    y, m = issue.year + y, m + 1
    for day in range(issue.day, 27, -1):
        try:
            return dt.date(y, m, day).isoformat()
        except ValueError:
            continue
    return dt.date(y, m, min(issue.day, 28)).isoformat()


def _effective_date(ex) -> dt.date | None:
    try:
        return dt.date.fromisoformat(ex.header.effective_date.value)
    except (AttributeError, TypeError, ValueError):
        return None


def _is_report(doc, ex) -> bool:
    """A Báo cáo tells what was done: its "trong năm ..." are periods, not limits."""
    try:
        dtype = ex.header.doc_type.value
    except AttributeError:
        dtype = None
    if dtype:
        return dtype == "Báo cáo"
    return bool(regex.search(r"(?m)^[ \t|]*BÁO CÁO[ \t]*$", doc.text[:2500]))


def extract(doc, seg, ex) -> list[Deadline]:
    text = doc.text
    skip = _skip_spans(seg)
    issue = _issue_date(doc, ex)
    is_report = _is_report(doc, ex)
    effective = _effective_date(ex)

    def allowed(a: int, b: int) -> bool:
        return not any(s <= a < e or s < b <= e for s, e in skip)

    hits: list[_Hit] = []
    spans: list[tuple[int, int]] = []  # the hits' (start, end), sorted: they are disjoint, so the
    # neighbours of a new hit are the only ones it can overlap (a text with thousands stays fast)

    def overlaps(a: int, b: int) -> bool:
        if a >= b:
            return any(s < b and a < e for s, e in spans)
        i = bisect.bisect_left(spans, (a, b))
        return any(s < b and a < e for s, e in spans[max(0, i - 1):i + 1])

    def add(h: _Hit) -> None:
        if allowed(h.start, h.end) and not overlaps(h.start, h.end):
            hits.append(h)
            bisect.insort(spans, (h.start, h.end))

    for m in RECUR.finditer(text):
        add(_Hit(m.start(), m.end(), None, recurrence=" ".join(m.group().split()), confidence=0.9))

    periods = find_periods(text)
    col = _column(text)
    for p in periods + _month_only(text, issue or _first_date(text)):
        h = _classify(text, p, issue, is_report, bool(col) and p.start > col.end() and _cell_lines(text, p.start))
        if h:
            end, rec = _recurrence_after(text, h.end)
            if rec:
                h.end, h.recurrence = end, rec
            add(h)
    for h in _table_hits(doc, periods, issue) + _cell_hits(text, periods, issue, col):
        add(h)

    for m in RELATIVE.finditer(text):
        tail = m["tail"]
        if not tail and not LIMIT_OF.search(text[max(0, m.start() - 60):m.start()]):
            continue  # a bare duration ("trong 02 ngày") is not a limit
        if EFFECT_AFTER.search(text, max(0, m.start() - 40), m.start()):
            continue  # "có hiệu lực sau 10 ngày kể từ ngày ký": when the document takes effect, not a limit
        date = _resolve(m["n"], m["unit"], tail, issue, effective)
        add(_Hit(m.start(), m.end(), date, relative=None if date else " ".join(m.group().split()),
                 confidence=0.9 if date else 0.7))
    for m in BEFORE_EVENT.finditer(text):
        near = " ".join(text[max(0, m.start() - 100):m.start()].split()[-8:])
        marks = list(PASSIVE.finditer(near))
        if (marks and not RESCUE.search(near, max(0, marks[-1].start() - 12))) or COND_BEFORE.search(near):
            continue
        txt = m.group().rstrip()
        add(_Hit(m.start(), m.start() + len(txt), None, relative=" ".join(txt.split()), confidence=0.6))

    hits.sort(key=lambda h: h.start)
    return [Deadline(text=text[h.start:h.end], start=h.start, end=h.end, date=None if h.recurrence and not h.date else h.date,
                     recurrence=h.recurrence, relative=h.relative, confidence=h.confidence) for h in hits]
