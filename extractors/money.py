"""Money amounts as Vietnamese documents write them.

Digits: "." groups thousands and "," is the decimal mark ("37.116 triệu đồng",
"73,44 tỷ đồng"), the scale word multiplies ("250 nghìn tỷ đồng"), a slash
pairs done/planned ("44.993/138.529 triệu đồng"). Words: "Bảy mươi ba tỷ bốn
trăm bốn mươi triệu đồng", read by `words_to_int`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from pipeline.cues import Cued

I = regex.IGNORECASE  # noqa: E741
_S = r"[ \t\u00a0]*\n?[ \t\u00a0]*"

SCALES = {"nghìn tỷ": 10**12, "ngàn tỷ": 10**12, "nghìn tỉ": 10**12, "ngàn tỉ": 10**12, "triệu tỷ": 10**15,
          "tỷ": 10**9, "tỉ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3, "trăm nghìn": 10**5,
          "trăm triệu": 10**8, "tr.": 10**6, "tr": 10**6}  # "120 tr.đồng", "45 trđ"
CURRENCIES = {
    "đồng": "VND", "vnđ": "VND", "vnd": "VND", "đ": "VND",
    "usd": "USD", "đô la mỹ": "USD", "đô-la mỹ": "USD", "đôla mỹ": "USD", "đô la": "USD", "$": "USD",
    "eur": "EUR", "euro": "EUR", "yên nhật": "JPY", "yên": "JPY", "jpy": "JPY",
    "nhân dân tệ": "CNY", "cny": "CNY", "bảng anh": "GBP", "won": "KRW", "rúp": "RUB",
}
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)*"
_SCALE = "|".join(sorted((k.replace(" ", "{_S}") for k in SCALES), key=len, reverse=True))
_CUR = "|".join(sorted((regex.escape(k).replace(r"\ ", "{_S}") for k in CURRENCIES if k != "$"), key=len, reverse=True))
_SCALE = _SCALE.replace("{_S}", _S)
_CUR = _CUR.replace("{_S}", _S)
_QUAL = r"(?:gần|hơn|trên|dưới|khoảng|tối{_S}đa|tối{_S}thiểu|xấp{_S}xỉ|ước{_S}(?:tính|đạt)?|chừng|hàng|từ|đến|tới|là)".replace(
    "{_S}", _S)
# "/người/tháng" after the currency: rates keep their denominator in the text.
_PAIRS = ("người học|người chết|tập thể|tài sản|lần thưởng|doanh nghiệp|hộ gia đình|gia đình|đơn vị|lượt người"
          "|cơ sở|tháng lương|mô hình|đề án|sản phẩm|hợp tác xã|làng nghề")
_PAIRS_RE = _PAIRS.replace(" ", _S)
_PER = rf"(?:[ \t]?/[ \t]?(?!\d)(?:(?:{_PAIRS_RE})(?![\p{{L}}])|[\p{{L}}]+)){{1,3}}"

AMOUNT = regex.compile(
    rf"(?:(?<![\p{{L}}])(?P<qual>{_QUAL}){_S})?(?<![\d.,/])(?P<num>{_NUM})(?:{_S}/{_S}(?P<num2>{_NUM}))?"
    rf"{_S}(?:(?P<scale>(?:{_SCALE})(?![\p{{L}}])|tr\.?(?=[ \t]*đ))(?:{_S}(?P<num_b>\d{{1,3}}(?:,\d+)?){_S}(?P<scale_b>triệu|nghìn|ngàn)"
    rf"(?![\p{{L}}]))?)?{_S}(?P<cur>{_CUR})(?![\p{{L}}\d])(?P<per>{_PER})?",
    I,
)
# "hơn 272 tỉ" with no currency word: only the big scales, only where money is talked about.
BARE = regex.compile(
    rf"(?:(?<![\p{{L}}])(?P<qual>{_QUAL}){_S})?(?<![\d.,/])(?P<num>{_NUM}){_S}(?P<scale>nghìn{_S}tỷ|ngàn{_S}tỷ|tỷ|tỉ)"
    rf"(?=\s*(?:[,.;:()]|$|và\b|trong\b|so\b|tăng\b|giảm\b|chiếm\b|sẽ\b|thì\b|trở\b|hoặc\b|được\b|phải\b))",
    I,
)
# OCR of scans drops or swaps the tone marks of the unit: "1.229.788 ty déng", "363.284 tý đồng", "6.234 ty đông".
# Only a scale word and a currency word together, right after the number, make such an amount.
_OCR_SCALES = {"ty": "tỷ", "tý": "tỷ", "tỳ": "tỷ", "tỵ": "tỷ", "trieu": "triệu", "triêu": "triệu", "triéu": "triệu"}
OCR_AMOUNT = regex.compile(
    rf"(?:(?<![\p{{L}}])(?P<qual>{_QUAL}){_S})?(?<![\d.,/])(?P<num>{_NUM}){_S}"
    rf"(?P<scale>(?:nghìn|ngàn){_S}(?:tỷ|tỉ|ty|tý)|tỷ|tỉ|ty|tý|tỳ|tỵ|triệu|trieu|triêu|triéu)(?![\p{{L}}]){_S}"
    rf"(?P<cur>[đd][ồôốổỗộoòóỏéèơờớ]ng)(?![\p{{L}}\d])",
    I,
)

# "tổng mức đầu tư 173 tỷ đã được phê duyệt": after a money noun, billions need no currency word and no
# particular word after them ("tỷ lệ" is a ratio, not a scale).
BARE_CUED = regex.compile(
    rf"(?<![\d.,/])(?=[\d.,]+{_S}(?:nghìn|ngàn|tỷ|tỉ))(?<=(?:tổng{_S}mức{_S}đầu{_S}tư|kinh{_S}phí|vốn|số{_S}tiền|chi{_S}phí|dự{_S}toán|ngân{_S}sách)"
    rf"(?:[ \t\u00a0\n]+[\p{{L}}]+){{0,3}}{_S}(?:là{_S}|khoảng{_S}|gần{_S}|hơn{_S}|trên{_S})?)"
    rf"(?P<num>{_NUM}){_S}(?P<scale>nghìn{_S}tỷ|ngàn{_S}tỷ|tỷ|tỉ)(?![\p{{L}}]|{_S}lệ)(?P<qual>)",
    I,
)

# "Hỗ trợ 30 triệu/mô hình": a per-unit rate in millions without the currency word, after a money cue.
BARE_RATE = regex.compile(
    rf"(?<=(?:hỗ{_S}trợ|kinh{_S}phí|mức|chi|vốn|tiền|giá)(?:{_S}[\p{{L}}]+){{0,3}}{_S}(?:tối{_S}đa{_S}|là{_S})?)"
    rf"(?<![\d.,/])(?P<num>{_NUM}){_S}(?P<scale>triệu|tỷ|tỉ)(?P<per>{_PER})",
    I,
)

_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
          "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_WORD_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_NUMBER_WORDS = set(_UNITS) | set(_WORD_SCALES) | {"mười", "mươi", "trăm", "linh", "lẻ", "rưỡi", "chẵn"}
NUMBER_WORDS = frozenset(_NUMBER_WORDS)
_WORDS_RE = "|".join(sorted(_NUMBER_WORDS, key=lambda w: (-len(w), w)))  # the same pattern in every run
WORDS_AMOUNT = regex.compile(
    rf"(?<![\p{{L}}])(?P<words>(?:{_WORDS_RE})(?:[\s,]+(?:{_WORDS_RE}))*)(?![\p{{L}}])[\s,]*(?P<cur>đồng|USD)"
    rf"(?:[\s,]*chẵn)?(?![\p{{L}}])",
    I,
)

# The end of every `WORDS_AMOUNT` match: a number word, then the currency. Found from the literal currency
# (fast), it tells which texts need the full scan for written-out amounts (most have none).
_WORDS_CUE = regex.compile(
    rf"(?:đồng|USD)(?<=(?<![\p{{L}}])(?:{_WORDS_RE})(?![\p{{L}}])[\s,]*(?:đồng|USD))", I)


# "từ 5 đến 10 triệu đồng": the low end borrows the high end's scale and currency.
RANGE_LOW = regex.compile(rf"(?:(?<![\p{{L}}])từ{_S})?(?<![\d.,/])(?P<lo>{_NUM}){_S}(?:-|–|đến|tới){_S}$", I)


@dataclass
class Amount:
    start: int
    end: int
    text: str
    value: Decimal | None  # in units of `currency`
    currency: str
    second: Decimal | None = None  # the planned half of "done/planned"
    second_start: int | None = None
    label: str | None = None  # the row label of a table cell amount


_GROUPED = regex.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL = regex.compile(r"\d+,\d+")
_TYPO_GROUPS = regex.compile(r"\d{1,3}(?:\.\d{3,4})+")
_DOTTED = regex.compile(r"\d+(?:\.\d+)+")
_ENGLISH_GROUPS = regex.compile(r"\d+(?:,\d{3})+")


def parse_number(s: str) -> Decimal | None:
    """ "37.116" → 37116, "73,44" → 73.44, "62.53" → 62.53, "20.429.461.000" → 20429461000."""
    s = s.strip()
    if _GROUPED.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    elif _DECIMAL.fullmatch(s):
        s = s.replace(",", ".")
    elif _TYPO_GROUPS.fullmatch(s) and s.count(".") > 1:
        # a typo'd group ("5.378.7000.000", "3.6620.700.000"): the count of groups sets the size, so a
        # four-digit group keeps its first three digits (5.378.700.000), not a tenfold amount
        head, *groups = s.split(".")
        s = head + "".join(g[:3] for g in groups)
    elif _DOTTED.fullmatch(s):  # other malformed groups: digits are the number
        s = s.replace(".", "") if s.count(".") > 1 else s
    elif _ENGLISH_GROUPS.fullmatch(s):  # English grouping
        s = s.replace(",", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def scale_of(word: str | None) -> int:
    if not word:
        return 1
    return SCALES.get(" ".join(word.lower().split()), 1)


def currency_of(word: str) -> str:
    return CURRENCIES.get(" ".join(word.lower().split()), "VND")


def to_vnd(value: Decimal | None, currency: str) -> int | None:
    if value is None or currency != "VND":
        return None
    return int(value.to_integral_value())


def _below_thousand(tokens: list[str]) -> int:
    value, last, unit = 0, 0, False  # `unit`: a digit word stands right before (so "không trăm" is 0, not 100)
    for t in tokens:
        if t in _UNITS:
            last, unit = _UNITS[t], True
            value += last
        elif t == "mười":
            value, unit = value + 10, False
        elif t == "mươi":
            value, unit = value + last * 9, False
        elif t == "trăm":
            value, unit = value + (last * 99 if unit else 100), False
        # linh/lẻ/chẵn: nothing to add
    return value


def words_to_int(s: str) -> int | None:
    """ "Bảy mươi ba tỷ bốn trăm bốn mươi triệu" → 73440000000; None when not a number.

    Read left to right in groups below a thousand, each closed by a scale word. A scale smaller than
    the one before adds its group ("một tỷ, năm trăm triệu"); a scale word right after another
    compounds ("ba trăm nghìn tỷ", "mười bảy triệu triệu"); a scale not smaller than the one before
    multiplies all read so far: a written-out "N triệu đồng" ends on its unit ("bốn trăm tám mươi tám
    triệu, chín trăm hai mươi mốt nghìn, ba trăm năm mươi hai triệu" is 488.921.352 triệu).
    """
    tokens = [t for t in regex.findall(r"[\p{L}]+", s.lower()) if t not in ("đồng", "chẵn", "và")]
    if not tokens or any(t not in _NUMBER_WORDS for t in tokens):
        return None
    total, group, last = 0, [], None  # `last`: the magnitude the previous scale word left the total in
    for t in tokens:
        scale = _WORD_SCALES.get(t)
        if scale is None:
            if t == "rưỡi" and last and not group:
                total += last // 2
            else:
                group.append(t)
            continue
        g = _below_thousand(group)
        if not group and last is None:
            g = 1  # "triệu đồng" alone, "nghìn tỷ"
        if last is not None and not group:
            total, last = total * scale, last * scale
        elif last is None or scale < last:
            total, last = total + g * scale, scale
        else:
            total, last = (total + g) * scale, scale
        group = []
    return total + _below_thousand(group)


class Taken:
    """Spans already read, for "does this overlap one" tests that stay fast on a text with thousands.

    Kept sorted by start: a span can reach `s` only if it starts no further back than the longest is long.
    """

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self.spans = sorted(spans or [])
        self.longest = max((e - s for s, e in self.spans), default=0)

    def add(self, s: int, e: int) -> None:
        bisect.insort(self.spans, (s, e))
        self.longest = max(self.longest, e - s)

    def overlaps(self, s: int, e: int) -> bool:
        lo, hi = bisect.bisect_left(self.spans, (s - self.longest,)), bisect.bisect_left(self.spans, (e,))
        return any(a < e and s < b for a, b in self.spans[lo:hi])

    def holds(self, pos: int) -> bool:
        return self.overlaps(pos, pos + 1)


_DIGITS = regex.compile(r"\d+")
_BEFORE, _AFTER = 40, 200  # the longest qualifier before a number, the longest unit and rate after it


# What follows the last digit of every amount the digit patterns read, after at most two blanks (each with
# one line break): the start of a scale or currency word (tỷ/tỉ/ty/tý/triệu/trăm/tr, nghìn/ngàn, đồng/đ/đô
# la, VNĐ, USD, EUR/euro, yên, JPY, nhân dân tệ, CNY, bảng Anh, won, rúp). A stretch of digits without one
# holds no amount, so the big patterns are not run there.
_CUE = regex.compile(rf"\d{_S}{_S}(?:nghìn|ngàn|t[rỷỉyýỳỵ]|đ|vn|usd|eur|yên|jpy|nhân|cny|bảng|won|rúp)", I)


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches around digits (merged, so no match is found twice) where an amount may be read: from
    `_BEFORE` characters before a run of digits to `_AFTER` after it, kept only when it holds a `_CUE`."""
    out = []
    lo = hi = -1
    for d in _DIGITS.finditer(text, start, end):
        if lo >= 0 and d.start() - _BEFORE > hi:
            out.append((lo, hi))
            lo = -1
        if lo < 0:
            lo = max(start, d.start() - _BEFORE)
        hi = min(end, d.end() + _AFTER)
    if lo >= 0:
        out.append((lo, hi))
    return [w for w in out if _CUE.search(text, *w)]


# Narrower cues, each what its pattern reads right after the number: a scale word or a currency word
# (AMOUNT), billions (BARE, BARE_CUED), a scale word and then
# the currency (OCR_AMOUNT), a scale word and then "/" (BARE_RATE).
_CUES = {
    AMOUNT: regex.compile(rf"\d{_S}(?:(?:{_SCALE})(?![\p{{L}}])|tr\.?(?=[ \t]*đ)|{_S}(?:{_CUR})(?![\p{{L}}\d]))", I),
    BARE: regex.compile(rf"\d{_S}(?:nghìn|ngàn|tỷ|tỉ)", I),
    BARE_CUED: regex.compile(rf"\d{_S}(?:nghìn|ngàn|tỷ|tỉ)", I),
    OCR_AMOUNT: regex.compile(rf"\d{_S}(?:(?:nghìn|ngàn){_S}t\S*|t[rỷỉyýỳỵ]\S*){_S}[đd]", I),
    BARE_RATE: regex.compile(rf"\d{_S}(?:triệu|tỷ|tỉ)[ \t]?/", I),
}


def _near_digits(rx: regex.Pattern, text: str, windows: list[tuple[int, int]]):
    """`rx.finditer` in each window, for a pattern whose every match holds a number followed by a unit:
    run only where one may be (where the pattern's own cue is), not at every character of the text."""
    cue = _CUES.get(rx)
    for lo, hi in windows:
        if cue is None or cue.search(text, lo, hi):
            yield from rx.finditer(text, lo, hi)


# A written-out amount is a run of number words ending on its currency (a `_WORDS_CUE` hit): it is searched
# for from a little before each hit, not over the whole text. Where the stretch skipped before the search's
# start may end inside a run (only letters and separators between that start and the match), or the stretch
# after the hit may cut an optional "chẵn" short, the whole text is searched as before.
_WORDS_REACH, _WORDS_AFTER = 400, 80
_WORDS_CURRENCY = Cued(_WORDS_CUE, ("đồng", "usd"))  # the cue's own first word, found in the folded text
_RUN_TAIL = regex.compile(r"\p{L}*[\s,]*")
_SUFFIX_CUT = regex.compile(r"[\s,]*\p{L}*")


def _words_amounts(text: str, start: int, end: int) -> list[regex.Match]:
    """`WORDS_AMOUNT.finditer(text, start, end)`, searched near each currency that follows a number word."""
    out: list[regex.Match] = []
    at = start
    for h in _WORDS_CURRENCY.finditer(text, start, end):
        if h.start() < at:
            continue
        lo, hi = max(at, h.start() - _WORDS_REACH), min(end, h.end() + _WORDS_AFTER)
        m = WORDS_AMOUNT.search(text, lo, hi)
        if m is None or (lo > at and _RUN_TAIL.fullmatch(text, lo, m.start())) or (
                hi < end and _SUFFIX_CUT.fullmatch(text, m.end(), hi)):
            return list(WORDS_AMOUNT.finditer(text, start, end))
        out.append(m)
        at = m.end()
    return out


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    """Every money amount in `text[start:end]` with a currency word (or a big scale), in order."""
    end = len(text) if end is None else end
    windows = _windows(text, start, end)
    found: list[Amount] = []
    taken = Taken()

    def keep(a: Amount) -> None:
        found.append(a)
        taken.add(a.start, a.end)

    for m in _near_digits(AMOUNT, text, windows):
        cur = currency_of(m["cur"])
        if m["cur"].lower() == "đ" and not (m["scale"] or "." in m["num"] or m["per"]):
            continue  # a lone "đ" after a small number is more likely a list letter
        scale = scale_of(m["scale"])
        v1 = parse_number(m["num"])
        if v1 is not None and m["num_b"]:  # "3 tỷ 500 triệu đồng"
            v1 = v1 + parse_number(m["num_b"]) * scale_of(m["scale_b"]) / scale
        v2 = parse_number(m["num2"]) if m["num2"] else None
        s = m.start("qual") if m["qual"] and m["qual"].lower() not in ("là", "từ", "đến", "tới", "hàng") else m.start("num")
        low = RANGE_LOW.search(text, max(start, m.start("num") - 30), m.start("num")) if not m["num2"] else None
        lo = parse_number(low["lo"]) if low else None
        if lo is not None and v1 is not None and lo < v1 and low["lo"] != m["num"]:
            keep(Amount(low.start("lo"), low.end("lo"), low["lo"], lo * scale, cur))
        if cur == "VND" and not m["scale"] and not m["per"] and not low and v1 is not None and v1 < 1000:
            v1 = None  # "238 đồng" as a public sum: OCR lost the scale word; the amount cannot be read
        keep(Amount(s, m.end(), text[s:m.end()], v1 * scale if v1 is not None else None, cur,
                    v2 * scale if v2 is not None else None, m.start("num2") if m["num2"] else None))
    for m in _near_digits(OCR_AMOUNT, text, windows):
        if taken.holds(m.start("num")):
            continue
        v = parse_number(m["num"])
        sc = " ".join(m["scale"].lower().split())
        sc = " ".join(_OCR_SCALES.get(w, w) for w in sc.split())
        s = m.start("qual") if m["qual"] and m["qual"].lower() not in ("là", "từ", "đến", "tới", "hàng") else m.start("num")
        if v is not None:
            keep(Amount(s, m.end(), text[s:m.end()], v * scale_of(sc), "VND"))
    for m in [*_near_digits(BARE, text, windows), *_near_digits(BARE_CUED, text, windows)]:
        if taken.holds(m.start("num")):
            continue
        v = parse_number(m["num"])
        s = m.start("qual") if m["qual"] and m["qual"].lower() not in ("là", "từ", "đến", "tới", "hàng") else m.start("num")
        low = RANGE_LOW.search(text, max(start, m.start("num") - 30), m.start("num"))
        lo = parse_number(low["lo"]) if low else None
        if lo is not None and v is not None and lo < v:  # "từ 50 -150 tỷ"
            keep(Amount(low.start("lo"), low.end("lo"), low["lo"], lo * scale_of(m["scale"]), "VND"))
        keep(Amount(s, m.end(), text[s:m.end()], v * scale_of(m["scale"]) if v is not None else None, "VND"))
    for m in _near_digits(BARE_RATE, text, windows):
        if taken.holds(m.start("num")):
            continue
        v = parse_number(m["num"])
        if v is not None:
            keep(Amount(m.start("num"), m.end(), m.group(), v * scale_of(m["scale"]), "VND"))
    for m in _words_amounts(text, start, end):
        if taken.overlaps(m.start(), m.end()):
            continue
        words = m["words"]
        toks = regex.findall(r"[\p{L}]+", words.lower())
        if not any(t in _UNITS or t in ("mười", "mươi", "trăm") for t in toks) or not any(
                t in _WORD_SCALES or t in ("trăm", "mươi", "mười") for t in toks):
            continue  # "hàng triệu đồng", "năm đồng": not a written-out amount
        v = words_to_int(words)
        if v:
            keep(Amount(m.start(), m.end(), m.group(), Decimal(v), currency_of(m["cur"])))
    return sorted(found, key=lambda a: a.start)
