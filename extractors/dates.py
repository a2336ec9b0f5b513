"""Dates as Vietnamese documents write them, read to ISO.

"ngày 03 tháng 8 năm 2016", "03/8/2016", "3-8-2016", "03.8.2016"; OCR-damaged
forms ("ngàu 26 tháng 5 năm 2026") are matched fuzzily by `find_dates`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

import regex

# dates wrap across lines in PDF text; OCR of a narrow table cell leaves a blank line between the wraps
# ("Tháng\n\n3/2026")
_SP = r"[ \t\u00a0]*(?:\n[ \t\u00a0]*){0,2}"
WORDY = regex.compile(
    rf"(?:(?:ngày|ngàу|ngảy|ngay|ngàu|ngà y){_SP})?(?P<d>\d{{1,2}}){_SP}(?:tháng|thang|thảng|thámg){_SP}(?P<m>\d{{1,2}})"
    rf"{_SP}(?:năm|nam|nắm|nãm){_SP}(?P<y>\d{{4}})",
    regex.IGNORECASE,
)
NUMERIC = regex.compile(r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?![\d/])")


@dataclass
class DateMatch:
    iso: str
    start: int
    end: int
    text: str


def to_iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


# Every full date ends on its year, four digits that open a run of digits; it starts at most 136 characters
# before the year's end where no run of eight blanks or more comes between (every `_SP` then spans at most 23),
# and a look-ahead reads one character past it. The patterns are searched only in windows around such runs,
# merged where they meet, with the same matches as over the whole text; a text with a longer run of blanks
# (never a normalised one) is searched whole.
_DIGITS4 = regex.compile(r"\d{4}")
_WIDE_BLANK = re.compile(r"[ \t\u00a0]{8,}")
_DATE_BEFORE, _DATE_AFTER = 140, 8


def _wide_blank(text: str, start: int, end: int) -> bool:
    if text.find("\t", start, end) >= 0 or text.find("\u00a0", start, end) >= 0:
        return bool(_WIDE_BLANK.search(text, start, end))
    return text.find(" " * 8, start, end) >= 0


def _windows(rx: regex.Pattern, text: str, start: int, end: int, before: int, after: int) -> list[tuple[int, int]]:
    """The stretches from `before` characters ahead of each match of `rx` in `text[start:end]` to `after` past
    it, merged where they meet."""
    out: list[list[int]] = []
    for y in rx.finditer(text, start, end):
        a, b = max(start, y.start() - before), min(end, y.end() + after)
        if out and a <= out[-1][1]:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _date_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if _wide_blank(text, start, end):
        return [(start, end)]
    return _windows(_DIGITS4, text, start, end, _DATE_BEFORE, _DATE_AFTER)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Every full date in `text[start:end]`, in order, with offsets into `text`."""
    end = len(text) if end is None else end
    return [d for a, b in _date_windows(text, start, end) for d in _dates_in(text, a, b)]


def _dates_in(text: str, start: int, end: int) -> list[DateMatch]:
    found: list[DateMatch] = []
    for pat in (WORDY, NUMERIC):
        # one pattern's matches never overlap each other: only the earlier pattern's, sorted and
        # disjoint, can hold this one, and the last to start before it is the one to test
        prior = found[:]
        starts = [f.start for f in prior]
        for m in pat.finditer(text, start, end):
            iso = to_iso(int(m["y"]), int(m["m"]), int(m["d"]))
            i = bisect.bisect_right(starts, m.start()) - 1
            if iso and not (i >= 0 and m.start() < prior[i].end):
                found.append(DateMatch(iso, m.start(), m.end(), m.group()))
    return sorted(found, key=lambda f: f.start)


def parse_date(s: str) -> str | None:
    """ISO date of the first date in `s`, or None."""
    ds = find_dates(s)
    return ds[0].iso if ds else None


# Periods: the last day of a month, quarter, half-year or year, as deadlines
# name them ("tháng 6/2026", "quý II năm 2012", "6 tháng đầu năm 2018",
# "Quý III, IV/2026, 2027", "2024 - 2025").

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(?:IV|III|II|I|[1-4])(?![\w])"
_QUARTER = regex.compile(_Q, regex.IGNORECASE)
_YSEP = rf"{_SP}(?:/|-|năm|,){_SP}"
_MORE_Y = rf"(?:{_SP}(?:,|và|-|–|đến){_SP}(?:năm{_SP})?(?:19|20)\d{{2}}(?!\d))*"
_PERIOD_KINDS = [
    rf"(?P<quarter>qu[ýy]{_SP}(?P<qs>{_Q}(?:{_SP}(?:,|và|-|–){_SP}{_Q})*){_YSEP}(?P<qy>(?:19|20)\d{{2}}(?!\d){_MORE_Y}))",
    rf"(?P<half>(?P<hn>\d{{1,2}}|sáu|chín|ba){_SP}tháng{_SP}(?P<hpos>đầu|cuối){_SP}năm{_SP}(?P<hy>(?:19|20)\d{{2}})(?!\d))",
    rf"(?P<month>tháng{_SP}(?P<mm>\d{{1,2}}){_SP}(?:/|-|năm){_SP}(?P<my>(?:19|20)\d{{2}})(?![\d/]))",
    rf"(?P<year>(?:(?<!(?:hằng|hàng|các|mỗi)\s)năm{_SP})?(?<![\d/.-])(?P<yy>(?:19|20)\d{{2}})(?![\d/]|\.\d){_MORE_Y})",
]
PERIOD = regex.compile("|".join(_PERIOD_KINDS), regex.IGNORECASE)
# Each kind alone: one pattern is quick to find where it can start, four alternatives tried at every character are
# not. Where any kind matches, PERIOD does too (its first kind that matches there); elsewhere it does not.
_KIND_RXS = [regex.compile(k, regex.IGNORECASE) for k in _PERIOD_KINDS]


def _periods_in(text: str, start: int, end: int) -> list[regex.Match]:
    """`PERIOD.finditer(text, start, end)`, tried only where one of its kinds starts a match (every such start,
    overlapping ones too), left to right, as finditer goes."""
    starts = sorted({m.start() for rx in _KIND_RXS for m in rx.finditer(text, start, end, overlapped=True)})
    out, at = [], start
    for p in starts:
        if p >= at:
            m = PERIOD.match(text, p, end)
            out.append(m)
            at = m.end()
    return out


@dataclass
class PeriodMatch:
    iso: str  # last day of the period
    start: int
    end: int
    text: str
    kind: str  # date, month, quarter, half, year


def _last_day(y: int, m: int) -> str:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).isoformat()


def _years(s: str) -> list[int]:
    return [int(x) for x in _YEAR.findall(s)]


def period_end(m: regex.Match) -> str | None:
    """Last day of the period a `PERIOD` match names."""
    if m["quarter"]:
        q = max(_ROMAN[x.upper()] for x in _QUARTER.findall(m["qs"]))
        return _last_day(max(_years(m["qy"])), 3 * q)
    if m["half"]:
        n = {"sáu": 6, "chín": 9, "ba": 3}.get(m["hn"].lower()) or int(m["hn"])
        if not 1 <= n <= 12:
            return None
        return _last_day(int(m["hy"]), n if m["hpos"].lower() == "đầu" else 12)
    if m["month"]:
        mm = int(m["mm"])
        return _last_day(int(m["my"]), mm) if 1 <= mm <= 12 else None
    return _last_day(max(_years(m["year"])), 12)


_YEAR = regex.compile(r"(?:19|20)\d{2}")
# Every period holds a year, and none reaches further than this before its first year or after its last one
# (a run of years, "2021, 2022 và 2023", holds each of them): PERIOD, whose optional lead lets it start anywhere,
# is searched only in windows around the years, merged where they meet, with the same matches as over the text.
_BEFORE_YEAR, _AFTER_YEAR = 160, 80


def _year_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return _windows(_YEAR, text, start, end, _BEFORE_YEAR, _AFTER_YEAR)


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodMatch]:
    """Every full date or period in `text[start:end]`, each read as its last day.

    Full dates win over the periods they overlap ("ngày 30 tháng 6 năm 2026" is
    a date, not "tháng 6 năm 2026").
    """
    end = len(text) if end is None else end
    found = [PeriodMatch(d.iso, d.start, d.end, d.text, "date") for d in find_dates(text, start, end)]
    ends = [f.end for f in found]  # the dates are sorted and disjoint; periods never overlap each other
    n_dates = len(found)
    for m in (m for a, b in _year_windows(text, start, end) for m in _periods_in(text, a, b)):
        i = bisect.bisect_right(ends, m.start())  # the first date ending after the period starts
        if i < n_dates and found[i].start < m.end():
            continue
        iso = period_end(m)
        if iso:
            kind = next(k for k in ("quarter", "half", "month", "year") if m[k])
            found.append(PeriodMatch(iso, m.start(), m.end(), m.group(), kind))
    return _join_spans(text, sorted(found, key=lambda f: f.start))


# "Quý II/2024 - Quý IV/2026", "Từ quý II/2026 đến quý III/2027", "trong năm 2024 và Quý 1/2025": one span,
# read to the last day of its later end.
_JOIN = regex.compile(rf"{_SP}(?:-|–|đến|tới|và){_SP}", regex.IGNORECASE)
_FROM = regex.compile(rf"(?<![\p{{L}}])từ{_SP}$", regex.IGNORECASE)


def _join_spans(text: str, found: list[PeriodMatch]) -> list[PeriodMatch]:
    out: list[PeriodMatch] = []
    for p in found:
        q = out[-1] if out else None
        if (q is not None and p.kind != "date" and q.kind != "date" and p.iso > q.iso
                and _JOIN.fullmatch(text, q.end, p.start)):
            f = _FROM.search(text, max(0, q.start - 8), q.start)
            s = f.start() if f else q.start
            out[-1] = PeriodMatch(p.iso, s, p.end, text[s:p.end], p.kind)
        else:
            out.append(p)
    return out
