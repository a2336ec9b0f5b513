"""Dates as Vietnamese documents write them, read to ISO.

"ngày 03 tháng 8 năm 2016", "03/8/2016", "3-8-2016", "03.8.2016"; OCR-damaged
forms ("ngàu 26 tháng 5 năm 2026") are matched fuzzily by `find_dates`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import regex

_SP = r"[ \t\u00a0]*\n?[ \t\u00a0]*"  # dates wrap across lines in PDF text
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


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Every full date in `text[start:end]`, in order, with offsets into `text`."""
    end = len(text) if end is None else end
    found: list[DateMatch] = []
    for pat in (WORDY, NUMERIC):
        for m in pat.finditer(text, start, end):
            iso = to_iso(int(m["y"]), int(m["m"]), int(m["d"]))
            if iso and not any(f.start <= m.start() < f.end for f in found):
                found.append(DateMatch(iso, m.start(), m.end(), m.group()))
    return sorted(found, key=lambda f: f.start)


def parse_date(s: str) -> str | None:
    """ISO date of the first date in `s`, or None."""
    ds = find_dates(s)
    return ds[0].iso if ds else None
