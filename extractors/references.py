"""Legal references: every other document a text cites, parsed, keyed and related.

Citations are found from three anchors: a số, ký hiệu with its code
("45/2012/NĐ-CP", "02-NQ/TU", "QCVN 01:2019/BCT"), a type name with a bare
serial ("Nghị định 45"), and laws or codes cited by name ("Luật Tổ chức
chính quyền địa phương ngày 19 tháng 6 năm 2015"). Around each anchor the
type name, pinpoint, date, issuer and title are read off the text. The
relation comes from where the citation stands (a Căn cứ clause of the
preamble) and the words that govern it; citations of one document are
merged on their canonical key (`extractors.legal_keys`), the strongest
relation winning.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors import legal_keys as lk
from extractors.dates import find_dates
from pipeline.cues import Cued
from pipeline.normalise import fold as _fold_text
from pipeline.normalise import unmark
from pipeline.records import Reference

RELATION_RANK = ["căn cứ", "thực hiện", "thay thế", "bãi bỏ", "sửa đổi", "hướng dẫn", "dẫn chiếu"]

# Printed type names → canonical type (longest first so "Thông tư liên tịch" beats "Thông tư").
TYPE_NAMES: list[tuple[str, str]] = [
    ("thông tư liên tịch", "Thông tư liên tịch"), ("nghị quyết liên tịch", "Nghị quyết liên tịch"),
    ("quy chuẩn kỹ thuật quốc gia", "Quy chuẩn kỹ thuật quốc gia"), ("văn bản hợp nhất", "Văn bản hợp nhất"),
    ("nghị định thư", "Nghị định thư"), ("nghị định", "Nghị định"), ("quyết định", "Quyết định"),
    ("thông tư", "Thông tư"), ("nghị quyết", "Nghị quyết"), ("chỉ thị", "Chỉ thị"), ("kế hoạch", "Kế hoạch"),
    ("tờ trình", "Tờ trình"), ("thông báo kết luận", "Thông báo"), ("thông báo", "Thông báo"), ("kết luận", "Kết luận"),
    ("chương trình", "Chương trình"), ("giấy phép", "Giấy phép"), ("giấy đề nghị", "Giấy đề nghị"),
    ("báo cáo", "Báo cáo"), ("hướng dẫn", "Hướng dẫn"), ("công điện", "Công điện"), ("công văn", "Công văn"),
    ("văn bản", "Công văn"), ("pháp lệnh", "Pháp lệnh"), ("bộ luật", "Bộ luật"), ("luật", "Luật"),
    ("hiến pháp", "Hiến pháp"), ("quy chế", "Quy chế"), ("quy định", "Quy định"), ("đề án", "Đề án"),
    ("hiệp định", "Hiệp định"), ("công ước", "Công ước"), ("thỏa thuận", "Thỏa thuận"),
    ("biên bản", "Biên bản"), ("lệnh", "Lệnh"),
]
_TYPE_CANON = dict(TYPE_NAMES)
_TYPES_RE = "|".join(regex.escape(n).replace(r"\ ", r"\s+") for n, _ in TYPE_NAMES)

_WS = r"[ \t]*(?:\n[ \t]*)?"  # numbers and names wrap across lines
_SERIAL = r"(?<![\p{L}\d/.,:-])\d{1,5}(?:\.\d{1,3})?[a-z]?"
_YEAR = rf"{_WS}[/⁄]{_WS}(?:19|20)\d\d"  # "⁄": the fraction slash OCR puts for "/"
_CODE_TOK = r"(?:[A-ZĐ]{1,4}(?:TTg|CTr|TTr)|TTg|Ttg|Tg|CTr|TTr|T[Il]r|QĐi|[A-ZĐƯ]{1,10}\d{0,2})(?![\p{Ll}\d])"
_NAME_TOK = r"(?:[/-][ \t]*\n[ \t]*|[/-])\p{Lu}[\p{L}\d]{1,24}(?=[ \t]+ngày|[ \t]*[\n,;.)]|$)"  # "Tu", "MundusStones"
NUMBER_RE = regex.compile(rf"{_SERIAL}(?:{_YEAR})?(?:{_WS}[/⁄-]{_WS}{_CODE_TOK})+(?:{_NAME_TOK})?")
QCVN_RE = regex.compile(r"QCVN\s*\d+(?:-\d+)*\s*:\s*(?:19|20)\d\d\s*/\s*[A-ZĐ]+(?:-[A-ZĐ]+)*")
# A type name with a bare serial: "Nghị định 45", "Nghị định số 45/2012".
PARTIAL_RE = Cued(regex.compile(
    r"(?<![\p{L}])(?P<type>Nghị\s+định|Quyết\s+định|Thông\s+tư|Nghị\s+quyết|Chỉ\s+thị)\s+(?:số\s*)?"
    r"(?P<serial>\d{1,4})(?:\s*/\s*(?P<year>(?:19|20)\d\d))?(?![\d.,]*\s*[/-]\s*[\p{L}\d])(?![\p{L}\d])"
    r"(?![ \t]+\d)"), cue=r"(?:Nghị\s+định|Quyết\s+định|Thông\s+tư|Nghị\s+quyết|Chỉ\s+thị)\s+(?:số\s*)?\d")
_NUM_WORD = r"(?:số|Số|SỐ|só|sồ|sô|sổ|so|s)\.?"  # OCR: "sô", "sổ"
_LEFT_TYPE = regex.compile(rf"(?i)(?<![\p{{L}}])(?P<type>{_TYPES_RE})(?![\p{{L}}])")
_LEFT_TYPE_CUED = Cued(_LEFT_TYPE, sorted({n.split()[0] for n, _ in TYPE_NAMES}))  # a type name's first word
_FORM_LEFT = regex.compile(r"(?i)(?:mẫu|biểu|phụ lục|bảng|tài khoản|mã|hồ sơ|hợp đồng|ký hiệu)\s*(?:số)?\s*:?\s*$")
_PINPOINT = regex.compile(
    r"(?i)((?:(?:tiết|điểm)\s+[\p{L}\d.]+(?:\s*(?:,|và)\s*[\p{L}\d.]+)*\s*,?\s*)?(?:khoản\s+[\d.]+(?:\s*(?:,|và)\s*[\d.]+)*\s*,?\s*)?"
    r"Điều\s+\d+[a-z]?(?:\s*(?:,|và)\s*\d+[a-z]?)*)\s*,?\s*(?:của\s+|tại\s+)?(?:các\s+)?$")

# Laws and codes cited by name.
_LAW_HEAD = Cued(regex.compile(r"(?<![\p{L}])(?P<head>Bộ\s+[Ll]uật|Luật|Pháp\s+lệnh)\s+(?=\p{L})"),
                 cue=r"Bộ\s+[Ll]uật|Luật|Pháp\s+lệnh")
_LAW_STOP = regex.compile(
    r"(?i)^(?:ngày|số|năm|được|đã|thì|theo|tại|có|về\s+việc|để|này|hiện\s+hành|hướng\s+dẫn|quy\s+định|và\s+các|"
    r"và\s+những|và\s+văn|và\s+nghị|và\s+thông|và\s+quyết|và\s+luật|và\s+bộ|và\s+pháp|do|của|cho|trong|khi|"
    r"sửa\s+đổi\s+năm|với|là|nêu|trên|cũ|gồm|như|nhằm|đối\s+với|và\s+hướng|hoặc|cùng|từ|đến|các|nay|vào|thành|"
    r"và\s+sửa|và\s+bổ|và\s+thay|và\s+(?:khoản|điểm|điều|mục|chương|phụ\s+lục))(?![\p{L}])")
_AMEND_LAW = regex.compile(
    r"(?i)sửa\s+đ[ổồôỗ]i(?:,?\s+b[ổồỗố]\s+sung)?\s+(?:một\s+số\s+điều\s+)?(?:của\s+)?(?:các\s+)?(?:Bộ\s+)?Luật\s+")

_TITLE_START = regex.compile(
    r"(?i)^(?:về\s+việc\s+|v/v\s+)?(?=về\s|quy\s+định(?!\s*:)|ban\s+hành|phê\s+duyệt|hướng\s+dẫn|sửa\s+đổi|bổ\s+sung|"
    r"thành\s+lập|kiện\s+toàn|thực\s+hiện|triển\s+khai|tăng\s+cường|đẩy\s+mạnh|công\s+bố|bãi\s+bỏ|giao|"
    r"phân\s+công|quy\s+chế|tham\s+vấn|cho\s+phép|điều\s+chỉnh|tiến\s+hành|kiểm\s+tra|chấn\s+chỉnh|"
    r"phân\s+cấp|ủy\s+quyền|đính\s+chính|[\"“])")
_TITLE_END = regex.compile(
    rf"\s(?=(?i:(?:và|hoặc)\s+(?:các\s+)?(?:{_TYPES_RE})\s+(?:số\b|\d)))|"
    r";|\.(?=\s|$)|:\s*\n|\n\s*\n|\n(?=\s*(?:Căn\s+cứ|Theo\s+đề\s+nghị|Xét|Kính\s+gửi|Thực\s+hiện|Triển\s+khai|Nơi\s+nhận|Điều\s+\d|[-+•]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s))"
    r"|,(?=\s*(?:\p{Lu}|đề\s+nghị|yêu\s+cầu|theo\s+đó|trong\s+đó|đồng\s+thời|nay|đã|được|thì|để|gồm|cụ\s+thể|như\s+sau"
    r"|tiếp\s+tục|có\s+hiệu\s+lực|trừ|kể\s+từ|sửa\s+đổi\s+bổ\s+sung\s+năm))"
    r"|\)(?!\s*\p{Ll})|\s\((?=\s*(?:sau\s+đây|gọi\s+tắt|viết\s+tắt|Chương\s+trình\)|kèm|có\s+hiệu\s+lực|đã\s+hết))|”"
    r"|\s(?=(?:đã\s+)?[Đđ]ược\s+(?:sửa\s+đ[ổồôỗ]i|thay\s+thế\s+bởi|bãi\s+bỏ\s+bởi)|(?:đã\s+)?[Đđ]ược\s+b[ổồỗố]\s+sung\s+(?:bởi|tại|theo)"
    r"|đã\s+(?:được\s+)?ban\s+hành\s+ngày|\d{1,2}/\d{1,2}/(?:19|20)\d\d(?![\d/])"
    r"|theo\s+(?:yêu\s+cầu|(?:ý\s+kiến\s+)?chỉ\s+đạo|kết\s+luận|tinh\s+thần)\s+(?:của\s+[^;.]{0,90}?\s+)?tại\s)")
_NEXT_CITE = rf"(?:và|hoặc|,)\s+(?:các\s+)?(?:{_TYPES_RE})(?:\s+(?:số\b|\d)|\s+\p{{Lu}})"
_ISSUER_END = regex.compile(
    rf"(?i)\s(?={_NEXT_CITE})|[,;.:()“”\"]|\n\s*\n|\s(?=(?:về|quy\s+định|ban\s+hành|phê\s+duyệt|hướng\s+dẫn|sửa\s+đổi|thành\s+lập|"
    r"kiện\s+toàn|thực\s+hiện|triển\s+khai|tăng\s+cường|ngày|cho\s+phép|tại|theo|đã|được|và\s+(?:các|những)|gửi|có\s+hiệu\s+lực|"
    r"bãi\s+bỏ|hủy\s+bỏ|thay\s+thế|hết\s+hiệu\s+lực|không\s+còn\s+hiệu\s+lực|"
    r"\d{1,2}/\d{1,2}/(?:19|20)\d\d|"
    r"giao|tham\s+vấn|công\s+bố|kiểm\s+tra|chấn\s+chỉnh|điều\s+chỉnh|đính\s+chính|tiến\s+hành|quy\s+chế)(?![\p{L}]))")

# Relation cues.
_BOUNDARY = regex.compile(
    r"(?:[.!?](?=\s)|:|\n\s*\n|\n(?=\s*(?:[-+•*]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|Điều\s+\d+\.|[IVX]+\.\s)))")
_BLOCK = regex.compile(
    r"(?i)(?<![\p{L}])(?:đề\s+xuất|nghiên\s+cứu|kiến\s+nghị|rà\s+soát|xem\s+xét|trình|dự\s+thảo|xây\s+dựng|"
    r"được|bị|đánh\s+giá|tham\s+mưu|chuẩn\s+bị|báo\s+cáo)(?![\p{L}])")
_CUES = [
    ("thay thế", regex.compile(r"(?i)(?<![\p{L}])thay\s+thế(?:\s+cho)?(?![\p{L}])")),
    ("bãi bỏ", regex.compile(r"(?i)(?<![\p{L}])(?:bãi\s+bỏ|hủy\s+bỏ|bãi\s+bỏ\s+toàn\s+bộ)(?![\p{L}])")),
    ("sửa đổi", regex.compile(
        r"(?i)(?<![\p{L}])(?:sửa\s+đổi|đính\s+chính|điều\s+chỉnh)(?![\p{L}])")),
]
# a word every match of each cue holds, case folded (no "i": "İ" folds to two characters)
_CUE_WORDS = {"thay thế": ("thế",), "bãi bỏ": ("bỏ",), "sửa đổi": ("đổ", "chính", "chỉnh")}
_REQUEST = regex.compile(r"(?i)(?<![\p{L}])(?:đề\s+nghị|kiến\s+nghị|đề\s+xuất|yêu\s+cầu|sớm)(?![\p{L}])")
_IMPLEMENT_START = regex.compile(
    r"(?i)^[\s\d.)\-+•*a-zđ]{0,6}(?:Điều\s+\d+\.\s*)?(?:để\s+)?(?:thực\s+hiện|triển\s+khai|quán\s+triệt|"
    r"theo(?!\s+(?:đề\s+nghị|quy\s+định|báo\s+cáo|ý\s+kiến|đó|dõi)))(?![\p{L}])")
_IMPLEMENT_NEAR = regex.compile(
    r"(?i)(?:theo\s+chỉ\s+đạo(?:\s+của\s+[^,;.]{0,60}?)?(?:\s+tại)?|theo\s+tinh\s+thần(?:\s+của)?|thực\s+hiện\s+theo|"
    r"(?<!(?:kết\s+quả|tình\s+hình|năm|việc|quá\s+trình|sau|trong|hội\s+nghị|hướng\s+dẫn)\s+)(?:thực\s+hiện|triển\s+khai)|quán\s+triệt|"
    r"tổ\s+chức\s+thi\s+hành)\s*(?:(?:đúng|nghiêm|tốt|có\s+hiệu\s+quả)\s+)?"
    r"(?:nội\s+dung\s+)?(?:các\s+|những\s+)?$")
_THEO_NEAR = regex.compile(r"(?i)(?<![\p{L}])theo\s*(?:các\s+|những\s+)?$")
_IMPLEMENT_WORD = regex.compile(r"(?i)(?<![\p{L}])(?:thực\s+hiện|triển\s+khai)(?![\p{L}])")
_REFER_NEAR = regex.compile(
    r"(?i)(?:quy\s+định|nêu|hướng\s+dẫn)\s+(?:của|tại)\s*(?:các\s+)?$|(?<![\p{L}])tại\s*$|\(\s*theo\s*$|"
    r"(?:phê\s+duyệt|ban\s+hành|quy\s+định|công\s+nhận|thành\s+lập)\s+(?:theo|tại)\s*$")
_GUIDE_NEAR = regex.compile(r"(?i)(?<![\p{L}])này\s+(?:quy\s+định\s+chi\s+tiết|hướng\s+dẫn)(?![\p{L}])")
_CONNECTOR = regex.compile(r"(?i)(?:[,;]|(?<![\p{L}])(?:và|hoặc|cùng))\s*(?:các\s+|với\s+)?(?:số\s*)?$")  # "…; số 328/TB-VPCP"

# Preamble clauses.
_PRE_START = regex.compile(r"(?m)^[ \t]*Căn\s+cứ(?![\p{L}])")
_PRE_KIND = [
    ("căn cứ", regex.compile(r"(?i)^\s*căn\s+cứ(?![\p{L}])")),
    ("dẫn chiếu", regex.compile(r"(?i)^\s*(?:theo|xét)(?![\p{L}])")),
    ("thực hiện", regex.compile(r"(?i)^\s*(?:thực\s+hiện|triển\s+khai)(?![\p{L}])")),
]
_PRE_STOP = regex.compile(r"(?m)^[ \t]*(?:Điều\s+\d|(?:[IVX]+|\d+)[.)]\s|[A-ZĐ][A-ZĐÀ-Ỹ ]{3,}:\s*$)")
_OWN_NUMBER = regex.compile(rf"(?<![\p{{L}}])(?:Số\s*:|(?m:^)[ \t|]*Số[ \t]+|SỐ\s*:)[ \t]*\n?[ \t]*(?P<n>{NUMBER_RE.pattern})")


_RX: dict[str, regex.Pattern] = {}


# titles, issuers and law names come back again and again within a document and across one
fold = lru_cache(maxsize=4096)(_fold_text)


def _rx(pattern: str) -> regex.Pattern:
    """Compiled once: the regex module's own cache costs more than the matching here."""
    rx = _RX.get(pattern)
    if rx is None:
        rx = _RX[pattern] = regex.compile(pattern)
    return rx


def _match(p: str, s: str):
    return _rx(p).match(s)


def _fullmatch(p: str, s: str):
    return _rx(p).fullmatch(s)


def _search(p: str, s: str):
    return _rx(p).search(s)


def _sub(p: str, r: str, s: str) -> str:
    return _rx(p).sub(r, s)


def _finditer(p: str, s: str):
    return _rx(p).finditer(s)


@dataclass
class Cite:
    """One citation in the text, before merging."""

    start: int
    end: int
    anchor: int  # start of the number or name that identified it
    doc_type: str | None
    number: str | None
    key: str
    date: str | None = None
    year: int | None = None
    issuer: str | None = None
    title: str | None = None
    title_span: tuple[int, int] | None = None
    pinpoint: str | None = None
    relation: str = "dẫn chiếu"
    partial: bool = False
    confidence: float = 1.0
    opens_item: bool | None = None  # a scheme cited by name (`_plan_cites`): its citing word opens the item


def _clean(s: str) -> str:
    return " ".join(s.split()).strip(" ,;:.-–")


# what may stand between a type name and its number: "số", or a few words of the type's name ("Giấy đề nghị
# cấp giấy phép số")
_NUM_WORD_ONLY = regex.compile(rf"\s*(?:{_NUM_WORD}\s*:?)?\s*")
_TYPE_EXTRA = regex.compile(rf"\s+(?P<extra>[^;:()“”\"]{{1,100}}?)\s+{_NUM_WORD}\s*:?\s*")
_NOT_EXTRA = regex.compile(r"\d|\n\s*\n|(?i)(?<![\p{L}])(?:ngày|của|tại|theo|và\s+(?:các|những))(?![\p{L}])")
_CLAUSE_BREAK = regex.compile(r";|\n\s*\n")


# a character no type name holds (type names are letters and blanks): no match of `_LEFT_TYPE` runs across it
_OUTSIDE_TYPE = regex.compile(r"(?r)[^\p{L}\s]")


def _types_backwards(text: str, lo: int, pos: int):
    """(slice start, match) for the matches of `_LEFT_TYPE` in `text[lo:pos]`, last first.

    Type names are read back from the number and the reading mostly stops at the nearest one, so the window is
    cut after its last character that no type name holds (p - 1): no match runs across p, and one starting at p
    passes its look-behind in either slice, so the slice's matches from p are those of `text[p:pos]`, and the ones
    before p those of `text[lo:p]`."""
    cut = _OUTSIDE_TYPE.search(text, lo + 1, pos)
    p = cut.end() if cut else lo
    for m in reversed(list(_LEFT_TYPE_CUED.finditer_slice(text, p, pos))):
        yield p, m
    if p > lo:
        for m in reversed(list(_LEFT_TYPE_CUED.finditer_slice(text, lo, p))):
            yield lo, m


def _type_before(text: str, pos: int, code_type: str | None = None) -> tuple[int, str, str | None] | None:
    """(start, canonical type, words between type and number) of the type name printed before `pos`.

    Several type names may stand before one number ("Giấy đề nghị cấp giấy phép số ..."): the one the
    number's code confirms wins, else the first.
    """
    lo = max(0, pos - 160)
    valid = []
    for base, m in _types_backwards(text, lo, pos):
        rest = text[base + m.end():pos]
        canon = _TYPE_CANON[" ".join(m["type"].lower().split())]
        if _NUM_WORD_ONLY.fullmatch(rest):
            valid.append((base + m.start(), canon, None))
            if valid[0][2] is None:
                break  # the nearest type name, right before its "số": what follows cannot change the answer
            continue
        mm = _TYPE_EXTRA.fullmatch(rest)
        if mm and not _NOT_EXTRA.search(mm["extra"]) \
                and len(mm["extra"].split()) <= 10:
            valid.append((base + m.start(), canon, _clean(mm["extra"])))
            continue
        if _CLAUSE_BREAK.search(rest) or len(rest) > 120:
            break
    if not valid:
        return None
    if valid[0][2] is None:
        return valid[0]
    return next((v for v in valid if v[1] == code_type), valid[-1])


def _bare(s: str) -> str:
    """Lower case without marks, one letter for one letter: offsets stay those of the text."""
    return unmark(s).lower()


_OCR_TYPE = regex.compile(
    "(?<![a-z])(?P<type>" + "|".join(sorted({_bare(n).replace(" ", r"\s+") for n, _ in TYPE_NAMES if " " in n},
                                           key=lambda n: (-len(n), n)))
    + r")\s+s[^\W\d_]?\.?\s*:?\s*$")
_OCR_CANON = {" ".join(_bare(n).split()): c for n, c in TYPE_NAMES if " " in n}


def _ocr_type_before(text: str, pos: int) -> tuple[int, str, None] | None:
    """A type name OCR printed without its tone marks right before the number: "Chi thị sô 20/CT-TTg"."""
    lo = max(0, pos - 40)
    m = _OCR_TYPE.search(_bare(text[lo:pos]))
    return (lo + m.start(), _OCR_CANON[" ".join(m["type"].split())], None) if m else None


def _pinpoint_before(text: str, pos: int) -> tuple[int, str] | None:
    lo = max(0, pos - 100)
    m = _PINPOINT.search(text[lo:pos])
    return (lo + m.start(), _clean(m[1])) if m else None


_DATE_GAP = regex.compile(r"(?i)[\s,(]*(?:(?:được\s+)?(?:ban\s+hành|ký)\s*)?(?:ngày\s*)?")
_LAW_YEAR = regex.compile(r"(?i)[ \t]*(?:\n[ \t]*)?,?\s*(?:năm\s+)?((?:19|20)\d\d)(?![\d/])")
_ISSUER_START = regex.compile(r"(?i)[\s,]*(?:của|do)\s+")
_ISSUER_DATE_GAP = regex.compile(r"(?i)[\s,]*(?:ngày\s*)?")
_TITLE_GAP = regex.compile(r"[\s,]*")


def _tail(text: str, cite: Cite, pos: int) -> int:
    """Read the date, issuer and title printed after the number (or name); return where the citation ends."""
    end = pos
    n = len(text)
    # Date: "ngày 21 tháng 5 năm 2012", ", ngày 29/7/2025", "ban hành ngày ..."
    for d in find_dates(text, pos, min(n, pos + 60)):
        gap = text[pos:d.start]
        if _DATE_GAP.fullmatch(gap):
            cite.date, end = d.iso, d.end
        break
    if not cite.date:
        m = _LAW_YEAR.match(text[end:end + 12]) if cite.doc_type in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp") else None
        if m:
            cite.year, end = int(m[1]), end + m.end()
    # Issuer: "của Chính phủ", "của Bộ trưởng Bộ Công Thương", "do UBND tỉnh ban hành"
    m = _ISSUER_START.match(text[end:end + 20])
    if m:
        s = end + m.end()
        e = _ISSUER_END.search(text, s, min(n, s + 160))
        e_pos = e.start() if e else min(n, s + 160)
        issuer = _clean(text[s:e_pos])
        if issuer and issuer[0].isupper() and len(issuer.split()) <= 16:
            cite.issuer, end = issuer, s + len(text[s:e_pos].rstrip())
            if not cite.date:  # "... của UBND tỉnh ngày 10/01/2005"
                for d in find_dates(text, end, min(n, end + 40)):
                    if _ISSUER_DATE_GAP.fullmatch(text[end:d.start]):
                        cite.date, end = d.iso, d.end
                    break
    # Title: "về khuyến công", "quy định chi tiết ...", "phê duyệt ...", a quoted name
    m = _TITLE_GAP.match(text[end:end + 10])
    s = end + (m.end() if m else 0)
    # a quote mark against the number closes a quotation; it does not open a title
    t = None if text[end:end + 1] in "\"”" else _TITLE_START.match(text[s:s + 200])
    if t:
        ts = s + t.end()
        e = _TITLE_END.search(text, ts, min(n, ts + 600))
        te = e.start() if e else min(n, ts + 600)
        title = _clean(text[ts:te].strip("“”\""))
        if title and len(title.split()) >= 2:
            cite.title = title[:1].lower() + title[1:] if title[:2] in ("Về", "Quy", "Ban", "Phê", "Hướng") else title
            cite.title_span = (ts, te)
            end = te
    return end


_WRAPPED_CODE = regex.compile(r"[ \t]*\n[ \t]*(?P<code>[A-ZĐ]{2,8})(?=[ \t]+ngày|[ \t]*[\n,;.)])")


_QH_END = regex.compile(r"QH\d$")
_SPLIT_DIGIT = regex.compile(r"[ \t]\d(?![\d/\p{L}])")
_BLANKS = regex.compile(r"\s+")


def _repair_end(text: str, raw: str, end: int) -> int:
    """End of a number the layout or OCR cut short: "QH1 5" (a digit split off), "2257/QĐ⏎UBND"
    (pdftotext dropped the hyphen where the line wrapped)."""
    m = _SPLIT_DIGIT.match(text[end:end + 3]) if _QH_END.search(raw) else None
    if m:
        return end + m.end()
    p = lk.parse_number(_BLANKS.sub("", raw))
    if p and p.type_code and not p.issuer_codes:
        m = _WRAPPED_CODE.match(text, end)
        if m and m["code"] in lk.ISSUER_CODES:
            return m.end("code")
    return end


_SPLIT_SERIAL = regex.compile(r"(?i)(?:số|só)\s+(\d{1,3})[ \t]$")
_OWN_NUMBER_LEFT = regex.compile(r"(?:(?m:^)[ \t|]*(?:Số|SỐ)[ \t]*:?|(?<![\p{L}])(?:Số|SỐ)\s*:)\s*$")
_AMEND_HEAD = regex.compile(r"Luật\s+(?=sửa\s+đ[ổồôỗ]i)")
_NUM_WORD_TAIL = regex.compile(rf"\s*,?\s*{_NUM_WORD}\s*:?\s*$")
_NOT_LAW_NAME = regex.compile(r"\d|\n\s*\n|[()“”\"]")
_QCVN_NAME = regex.compile(r"(?i)Quy\s+chuẩn\s+kỹ\s+thuật\s+quốc\s+gia[^;()]{0,300}$")
_ABOUT = regex.compile(r"(?i)^về\s+")


def _number_cites(text: str, own: set[str]) -> list[Cite]:
    cites = []
    spans = [(m.start(), m.end(), m.group()) for m in NUMBER_RE.finditer(text)]
    spans += [(m.start(), m.end(), m.group()) for m in QCVN_RE.finditer(text)]
    for s, e, raw in sorted(spans):
        split = _SPLIT_SERIAL.search(text[max(0, s - 12):s])
        if split:  # OCR broke the serial: "số 1 25/2025/NĐ-CP"
            raw, s = split[1] + raw, s - len(split[0]) + split[0].index(split[1])
        e = _repair_end(text, raw, e)
        raw = text[s:e]
        number = lk.clean_number(raw) or _BLANKS.sub("", raw)
        key = lk.number_key(number)
        if not key or key in own:
            continue
        left = text[max(0, s - 40):s]
        if _FORM_LEFT.search(left):
            continue
        code_type = lk.code_doc_type(number)
        found = _type_before(text, s, code_type) or _ocr_type_before(text, s)
        start, doc_type, extra = (found if found else (s, None, None))
        if not found and "/" not in raw and not (lk.parse_number(number) or lk.ParsedNumber("", None, None, [])).type_code:
            continue  # "mỏ Báo Đáp (1584-TD)": a site or file code, not a document
        if not found and s < 3000 and _OWN_NUMBER_LEFT.search(left):
            continue  # the document's own "Số:" line
        if doc_type is None:
            doc_type = "Quy chuẩn kỹ thuật quốc gia" if number.startswith("QCVN") else code_type
        if found and text[start:start + 7].lower() == "văn bản" and code_type not in (None, "Công văn"):
            doc_type = code_type  # "văn bản số 364/TTr-BNG-NVVH": the code names the type
        if not found and doc_type in ("Luật", "Bộ luật"):  # "Luật Xuất cảnh, nhập cảnh của công dân Việt Nam số 49/2019/QH14"
            named = _law_named_before(text, s)
            if named:
                start, doc_type, extra = named
        title = None
        if doc_type == "Luật" and found:  # "Luật sửa đổi, bổ sung ... Luật A và Luật B số 52/2019/QH14"
            lo = max(0, start - 250)
            amend = [m for m in _AMEND_HEAD.finditer(text[lo:start]) if ";" not in text[lo + m.end():s]]
            if amend:  # the name may list many laws: "... của Luật Đấu thầu, ..., Luật Quản lý, sử dụng tài sản công"
                a = lo + amend[-1].start()
                name = text[lo + amend[-1].end():s]
                tail = _NUM_WORD_TAIL.search(name)
                if tail and not _NOT_LAW_NAME.search(name[:tail.start()]) and len(name.split()) <= 70:
                    start, extra = a, _clean(name[:tail.start()])
        if extra and doc_type in ("Luật", "Bộ luật", "Pháp lệnh"):
            title = f"{doc_type} {extra}"
        elif extra:
            title = f"{text[start:start + len(doc_type)] if doc_type else ''} {extra}".strip()
        if number.startswith("QCVN"):
            number = "QCVN" + number[4:]
            q = _QCVN_NAME.search(text[max(0, s - 300):s])
            if q and not found:
                start = max(0, s - 300) + q.start()
                title = _clean(text[start:e])
        cite = Cite(start, e, s, doc_type, number, key, title=title)
        pin = _pinpoint_before(text, start)
        if pin:
            cite.pinpoint, cite.start = pin[1], pin[0]
        cite.end = _tail(text, cite, e)
        if doc_type in ("Luật", "Bộ luật") and not cite.title and cite.title_span:
            t = text[cite.title_span[0]:cite.title_span[1]]
            t = _ABOUT.sub("", _clean(t))
            cite.title = f"{doc_type} {t[:1].upper()}{t[1:]}"
        by_code = lk.code_issuer(number)
        if not cite.issuer:
            cite.issuer = by_code
            cite.confidence = 0.9
        elif by_code and cite.issuer != by_code and abs(len(cite.issuer) - len(by_code)) <= 2 and \
                difflib.SequenceMatcher(None, fold(cite.issuer), fold(by_code)).ratio() >= 0.75:
            cite.issuer = by_code  # the name OCR-damaged ("Chỉnh phú"), the code clean
        cites.append(cite)
    return cites


def _law_named_before(text: str, pos: int) -> tuple[int, str, str] | None:
    """(start, type, name) of a law named right before its number, when the name holds words
    ("của", a comma) that the plain type-before-number reading refuses."""
    lo = max(0, pos - 250)
    heads = list(_LAW_HEAD.finditer(text, lo, pos))
    if not heads:
        return None
    m = heads[-1]
    name_end = _law_name(text, m.end())
    if not name_end or not _fullmatch(rf"\s*,?\s*{_NUM_WORD}\s*:?\s*", text[name_end:pos]):
        return None
    head = "Bộ luật" if m["head"].lower().startswith("bộ") else "Luật"
    return m.start(), head, _clean(text[m.end():name_end])


def _partial_cites(text: str, taken: list[tuple[int, int]]) -> list[Cite]:
    cites = []
    for m in PARTIAL_RE.finditer(text):
        if any(a <= m.start("serial") < b for a, b in taken):
            continue
        doc_type = _TYPE_CANON[" ".join(m["type"].lower().split())]
        code = lk.type_code_of(doc_type)
        year = int(m["year"]) if m["year"] else None
        number = m["serial"] + (f"/{year}" if year else "")
        cite = Cite(m.start(), m.end(), m.start("serial"), doc_type, number,
                    lk.partial_key(code, m["serial"], year), partial=True, confidence=0.7)
        pin = _pinpoint_before(text, m.start())
        if pin:
            cite.pinpoint, cite.start = pin[1], pin[0]
        cite.end = _tail(text, cite, m.end())
        cites.append(cite)
    return cites


def _law_name(text: str, pos: int) -> int | None:
    """End of a law's name starting at `pos` (just after "Luật "), or None when it is not a name."""
    known = _known_law_re().match(text, pos)
    if known:
        # the table completes a name, it never cuts one: "Luật Giáo dục nghề nghiệp" is not "Luật Giáo dục"
        more = _NAME_MORE.match(text, known.end())
        if more and not _LAW_STOP.match(more["w"]):
            free = _name_words(text, pos, commas=False)
            if free and free > known.end() and len(text[known.end():free].split()) <= 4 \
                    and _NAME_CLOSED.match(text, free):
                return free
        return known.end()
    amend = _AMEND_LAW.match(text, pos)
    if amend:
        inner = _law_name(text, amend.end())
        if inner is None:
            return None
        end = inner
        more = _match(r"\s+và\s+(?:Bộ\s+)?Luật\s+", text[end:end + 20])
        if more:
            nxt = _law_name(text, end + more.end())
            end = nxt or end
        return end
    if not _match(r"\p{Lu}", text[pos:pos + 1]):
        return None
    short = _name_words(text, pos, commas=False)
    if not short:
        return None
    long = _name_words(text, pos, commas=True)
    if long > short and _match(r"(?i)[ \t\n]*(?:,\s*)?(?:ngày|năm\s+\d|số\s|\d{4})", text[long:long + 12]):
        return long
    return short


_NAME_MORE = regex.compile(r"[ \t]+(?P<w>\p{Ll}[\p{L}]*(?:[ \t]+\p{Ll}[\p{L}]*)?)")
# what may follow a law's whole name: its date, year or number, punctuation, the line's end
_NAME_CLOSED = regex.compile(r"(?i)[ \t]*(?:[,;:.()]|\n|$|(?:ngày|năm|số)(?![\p{L}])|(?:19|20)\d\d)")
_NAME_TOKEN = regex.compile(r"[ \t]*(?P<nl>\n[ \t]*)?(?P<comma>,?)[ \t]*(?P<tok>[^\s,;:.()“”\"]+)")
# Words that carry a law's name on after a comma: "Phòng, chống", "cháy, chữa cháy", "Cán bộ, công chức".
_COMMA_GOES_ON = {"chống", "chữa", "cứu", "sử", "khen", "công", "vệ", "tái", "chế"}


def _name_words(text: str, pos: int, commas: bool) -> int | None:
    """End of the run of name words from `pos` (commas inside the name only when `commas`)."""
    words: list[tuple[int, int]] = []
    cur = pos
    while cur < min(len(text), pos + 200):
        w = _NAME_TOKEN.match(text, cur)
        if not w:
            break
        tok = w["tok"]
        rest = text[w.start("tok"):w.start("tok") + 20]
        if w["comma"] and not ((commas and _match(r"\p{Ll}", tok)) or tok in _COMMA_GOES_ON):
            break
        if _match(r"\d", tok) or _LAW_STOP.match(rest) or tok in ("-", "–"):
            break
        if tok.lower() == "và" and not _match(r"và\s+\p{Ll}", rest):
            break
        if w["nl"] and words and tok[0].isupper() and fold(text[words[-1][0]:words[-1][1]]) not in ("và", "của", "về"):
            break  # a new table cell or heading, not the name wrapping
        words.append((w.start("tok"), w.end("tok")))
        cur = w.end()
        nxt = text[cur:cur + 1]
        if nxt in ";:.()“”\"" or len(words) >= 14 or (len(words) >= 10 and not commas):
            break
    if not words or fold(text[pos:words[0][1]]) in ("này", "nói", "trên"):
        return None
    return words[-1][1]


_KNOWN_LAW_RE: regex.Pattern | None = None


def _known_law_re() -> regex.Pattern:
    global _KNOWN_LAW_RE
    if _KNOWN_LAW_RE is None:
        names = sorted({law.name.split(" ", 1)[1] if law.name.startswith("Luật ") else law.name.split(" ", 2)[2]
                        for versions in lk.laws().values() for law in versions
                        if law.name.startswith(("Luật ", "Bộ luật "))}, key=lambda n: (-len(n), n))
        alts = "|".join(r"\s+".join(regex.escape(w) for w in n.split()) for n in names)
        _KNOWN_LAW_RE = regex.compile(rf"(?i)(?:{alts})(?![\p{{L}}])")
    return _KNOWN_LAW_RE


def _amended_list_end(text: str, pos: int, name_end: int) -> int:
    """End of an amending law's name that lists the laws it amends: "Luật sửa đổi, bổ sung một số điều
    của Luật Thể dục, thể thao, Luật Du lịch, Luật Điện ảnh" (`pos` just after the first "Luật ")."""
    if not _AMEND_LAW.match(text, pos):
        return name_end
    while True:
        more = _match(r"\s*(?:,|và)\s*(?:\p{Ll}[^,;:\n()]{0,40}?\s*(?:,|và)\s*)?(?:Bộ\s+)?Luật\s+",
                      text[name_end:name_end + 70])
        nxt = _law_name(text, name_end + more.end()) if more else None
        if not nxt:
            return name_end
        name_end = nxt


_LIST_MARK = regex.compile(r"[ \t]*(?:[a-zđ]\)|\d+[.)]|[-+•])?[ \t]*")
_INTRO_LINE = regex.compile(r"(?m)^[^\n]*:[ \t]*$")


def _bill_list_item(text: str, pos: int) -> bool:
    """Whether the law named at `pos` opens an item of a list of bills ("... 13 dự án luật sau đây:⏎a) Luật Hộ tịch")."""
    line_start = text.rfind("\n", 0, pos) + 1
    if not _LIST_MARK.fullmatch(text, line_start, pos):
        return False
    intros = list(_INTRO_LINE.finditer(text, max(0, line_start - 4000), line_start))
    if not intros:
        return False
    between = text[intros[-1].end():line_start]
    if _search(r"(?m)^[ \t]*(?:Điều\s+\d|[IVX]+\.\s)", between):
        return False
    return bool(_search(r"(?i)(?<![\p{L}])(?:dự\s+án|dự\s+thảo)(?![\p{L}])", intros[-1].group()))


def _covering(spans: list[tuple[int, int]]):
    """`pos -> any(a <= pos < b for a, b in spans)`, answered by bisection: the spans sorted by start, and the
    furthest end among those that start at or before each."""
    spans = sorted(spans)
    starts = [a for a, _ in spans]
    reach, top = [], -1
    for _, b in spans:
        top = max(top, b)
        reach.append(top)

    def covered(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos)
        return i > 0 and reach[i - 1] > pos
    return covered


def _law_cites(text: str, taken: list[tuple[int, int]], numbered: list[str]) -> list[Cite]:
    """Laws and codes cited by name; `numbered` are the titles of laws already found by number."""
    cites: list[Cite] = []
    skip: list[tuple[int, int]] = []
    bills: set[str] = set()  # names the text gives to bills: the same name elsewhere (an appendix table) is one too
    bill_ends: list[int] = []
    # names with commas, seen where a date or number closed them
    long_names = [fold(t.split(" ", 1)[1]) for t in numbered if "," in t and t.startswith("Luật ")]
    # short names the text gives a law: "Luật Bảo hiểm y tế (BHYT)", later "Điều 22 Luật BHYT"
    short: dict[str, str] = {}
    for a in _LAW_ABBR.finditer(text):
        name_end = _law_name(text, a.end("head"))
        if name_end and _fullmatch(r"\s*\(\s*", text[name_end:a.start("abbr")]):
            short.setdefault(a["abbr"], _clean(text[a.end("head"):name_end]))
    covered = _covering(taken)
    for m in _LAW_HEAD.finditer(text):
        if covered(m.start()) or any(a <= m.start() < b for a, b in skip) or any(
                c.start <= m.start() < c.end for c in cites[-1:]):
            continue
        head = "Bộ luật" if m["head"].lower().startswith("bộ") else ("Pháp lệnh" if m["head"].startswith("Ph") else "Luật")
        name_end = _law_name(text, m.end())
        if name_end is None:
            continue
        if _search(r"(?i)(?:dự\s+án|dự\s+thảo|đề\s+nghị\s+xây\s+dựng|soạn\s+thảo|chính\s+sách\s+của)\s*$"
                   r"|(?:dự\s+án|dự\s+thảo)(?:\s+[^\s:;.]+){0,3}\s*:\s*$", text[max(0, m.start() - 40):m.start()]) \
                or (bill_ends and _fullmatch(r"\s*[;,]\s*(?:và\s+)?", text[bill_ends[-1]:m.start()])) \
                or _match(r"[^;\n()]{0,80}\((?:sửa\s+đổi|thay\s+thế)\)", text[name_end:name_end + 100]) \
                or _bill_list_item(text, m.start()):
            name_end = _amended_list_end(text, m.end(), name_end)
            skip.append((m.start(), name_end))
            bills.add(fold(text[m.end():name_end]))
            bill_ends.append(name_end)
            continue  # a bill still to be passed, not a document that exists
        for ln in long_names:  # "Luật Khoa học, công nghệ và đổi mới sáng tạo" cited again without its date
            if len(ln) > len(fold(text[m.end():name_end])):
                lm = _rx(r"(?i)" + r"\s+".join(regex.escape(w) for w in ln.split())).match(text, m.end())
                if lm:
                    name_end = lm.end()
                    break
        name = _clean(text[m.end():name_end])
        listed_end = _amended_list_end(text, m.end(), name_end)
        if fold(text[m.end():name_end]) in bills or fold(text[m.end():listed_end]) in bills:
            skip.append((m.start(), listed_end))
            continue
        if "," in name:
            long_names.append(fold(name))
        after = text[name_end:name_end + 30]
        if _match(rf"\s*(?:,\s*)?{_NUM_WORD}\s*:?\s*\d", after):
            skip.append((m.start(), name_end))
            continue  # "Luật Hóa chất số 69/2025/QH15": the number anchor has it
        title = f"{head} {short.get(name, name)}"
        cite = Cite(m.start(), name_end, m.start(), head, None, "", title=title, confidence=0.9)
        pin = _pinpoint_before(text, m.start())
        if pin:
            cite.pinpoint, cite.start = pin[1], pin[0]
        cite.end = _tail(text, cite, name_end)
        if cite.title != title:  # a title read after the name belongs to the sentence, not the law
            cite.title, cite.title_span = title, None
            cite.end = name_end
            _tail_date_only(text, cite, name_end)
        cites.append(cite)
    for m in _finditer(r"(?<![\p{L}])Hiến\s+pháp(?:\s+nước\s+Cộng\s+hòa\s+xã\s+hội\s+chủ\s+nghĩa\s+Việt\s+Nam)?", text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if not (m.group().endswith("Nam") or _match(r"\s*(?:năm\s+)?(?:19|20)\d\d", text[m.end():m.end() + 12])):
            continue  # "quy định của Hiến pháp": the constitution in general, not a citation
        cite = Cite(m.start(), m.end(), m.start(), "Hiến pháp", None, "", title="Hiến pháp", confidence=0.9)
        cite.end = _tail(text, cite, m.end())
        cite.title, cite.issuer, cite.title_span = _clean(m.group()), None, None  # the name as printed, in full
        cite.key = lk.law_key("Hiến pháp", cite.date, cite.year)
        cites.append(cite)
    return cites


_LAW_ABBR = Cued(regex.compile(r"(?<![\p{L}])(?P<head>(?:Bộ\s+[Ll]uật|Luật)\s+)[^()\n;]{3,90}?\((?P<abbr>\p{Lu}{2,8})\)"),
                 cue=r"(?:Bộ\s+[Ll]uật|Luật)\s+[^()\n;]{3,90}?\(")
_TREATY_TYPES = ("Hiệp định", "Công ước", "Nghị định thư", "Thỏa thuận", "Hiệp ước")
_TREATY = Cued(regex.compile(
    r"(?<![\p{L}])(?P<type>Hiệp\s+định|Công\s+ước|Nghị\s+định\s+thư|Thỏa\s+thuận|Hiệp\s+ước)\s+"
    r"(?=giữa\s|về\s|của\s+Liên|(?:khung|đa\s+phương|song\s+phương)\s|sửa\s+đ[ổốôo]i\s|\p{Lu})"),
    cue=r"(?:Hiệp\s+định|Công\s+ước|Nghị\s+định\s+thư|Thỏa\s+thuận|Hiệp\s+ước)\s")
_TREATY_END = regex.compile(r"\n\s*(?=(?:Chương|Phần|Mục|Điều|Phụ\s+lục|[IVX]+\.)\s)|[;:()“”\"]|\.(?=\s|$)|\n\s*\n|,\s+(?=\p{Ll})|\s(?=(?:ngày|năm|ký|được|đã|có\s+hiệu\s+lực)\s)"
    r"|\s(?=(?:và|hoặc)\s+(?:các\s+)?(?:Hiệp\s+định|Công\s+ước|Nghị\s+định\s+thư|Thỏa\s+thuận|Hiệp\s+ước)\s)")


def _treaty_cites(text: str, taken: list[tuple[int, int]]) -> list[Cite]:
    """Treaties and conventions, cited by name: "Thỏa thuận giữa Chính phủ ... và Chính phủ Ô-xtơ-rây-li-a về ..."."""
    cites = []
    for m in _TREATY.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        e = _TREATY_END.search(text, m.end(), min(len(text), m.end() + 300))
        end = e.start() if e else min(len(text), m.end() + 300)
        words = text[m.end():end].split()[:30]
        name = _sub(r"(?<=\p{L})\d{1,2}$", "", " ".join(words).rstrip(" ,"))  # footnote mark
        parties = _search(r"^giữa\s.+?\s(?:và|với)\s+(\S)", name)
        if not name or (name.startswith("giữa") and not (parties and parties[1][0].isupper())):
            continue  # "Hiệp định giữa ... với bên ký kết nước ngoài": no treaty in particular
        doc_type = _TYPE_CANON[" ".join(m["type"].lower().split())]
        title = f"{doc_type} {name}"
        end = m.end() + len(text[m.end():end].rstrip(" ,\n"))
        cite = Cite(m.start(), end, m.start(), doc_type, None, "", title=title, confidence=0.8)
        _tail_date_only(text, cite, end)
        if not (cite.date or name[0].isupper() or parties
                or _match(r"(?:khung|đa\s+phương|song\s+phương)\s|sửa\s+đ[ổốôo]i\s+\p{Lu}", name)):
            continue
        cites.append(cite)
    return cites


# Schemes, rules and strategies cited by name, without a number: "thực hiện Đề án “Tuyên truyền …”", "theo đúng
# Quy chế làm việc của Chính phủ", "Căn cứ quy chế hoạt động của Hội đồng nhân dân tỉnh …", "đề ra tại Chiến
# lược phát triển kinh tế - xã hội giai đoạn 2011 - 2020". A citing word stands just before the type name (a
# lowercase "quy chế" only after "Căn cứ"); one named in general ("Đề án này", "các đề án khuyến công", "Đề án
# để …", "Đề án 06") or still being drafted ("xây dựng và triển khai Đề án …") is none.
_PLAN = regex.compile(
    r"(?:(?<![\p{L}])(?:[Cc]ăn\s+cứ|[Tt]hực\s+hiện|[Tt]riển\s+khai|theo(?:\s+đúng)?|tại)"
    r"\s+(?:(?:có\s+)?hiệu\s+quả\s+|nghiêm(?:\s+túc)?\s+|tốt\s+)?(?P<type>Đề\s+án|Quy\s+chế|Chiến\s+lược)"
    r"|(?<![\p{L}])[Cc]ăn\s+cứ\s+(?P<type>quy\s+chế))\s+"
    r"(?!(?:này|đó|nêu|trên|theo|giữa|trước|với|để|được|kèm|và|đã|sẽ|cho|chung|số|là|của|các|tại)(?!\p{L})|\d)")
_PLAN = Cued(_PLAN, fold=True, cue=(  # the citing word (in either case) before the type name
    r"(?:căn\s+cứ|thực\s+hiện|triển\s+khai|theo(?:\s+đúng)?|tại)\s+(?:(?:có\s+)?hiệu\s+quả\s+|nghiêm(?:\s+túc)?\s+|tốt\s+)?"
    r"(?:đề\s+án|quy\s+chế|chiến\s+lược)"))
_PLAN_END = regex.compile(
    r"[;:()“”\"]|\.(?=\s|$)|\n\s*\n|,\s+(?=\p{Lu})|\s(?=(?:và\s+các|đã|được|do|nhằm|để|theo\s+(?:quy|đúng|Quyết|Kế|Nghị))\s)"
    r"|\s(?=(?:và|hoặc)\s+(?:Đề\s+án|Quy\s+chế|Chiến\s+lược|Luật|Nghị\s+định|Quyết\s+định|Thông\s+tư|Kế\s+hoạch)\s)")
_DRAFTING = regex.compile(r"(?<![\p{L}])(?:xây\s+dựng|lập|hoàn\s+thiện|dự\s+thảo|nghiên\s+cứu|trình|phê\s+duyệt|ban\s+hành)"
                          r"(?![\p{L}])", regex.IGNORECASE)


def _plan_cites(text: str, taken: list[tuple[int, int]]) -> list[Cite]:
    """Đề án, Quy chế and Chiến lược cited by their name after a citing word (see `_PLAN`)."""
    cites = []
    for m in _PLAN.finditer(text):
        start = m.start("type")
        if any(a <= start < b for a, b in taken):
            continue  # named inside a numbered document's title: that document is the citation
        if _DRAFTING.search(" ".join(text[max(0, m.start() - 60):m.start()].split()[-6:])):
            continue  # "nghiên cứu, xây dựng và triển khai Đề án …": a scheme still to be written
        quoted = _match(r"[“\"]([^”\"\n]{5,300})[”\"]", text[m.end():m.end() + 310])
        if quoted:
            name, end = _clean(quoted[1]), m.end() + quoted.end()
        else:
            e = _PLAN_END.search(text, m.end(), min(len(text), m.end() + 400))
            stop = e.start() if e else min(len(text), m.end() + 400)
            words = text[m.end():stop].split()
            if len(words) > 45:
                continue  # no end in sight: a description, not a name
            name = _sub(r"(?<=\p{L})\d{1,2}$", "", " ".join(words).rstrip(" ,"))  # footnote mark
            end = m.end() + len(text[m.end():stop].rstrip(" ,\n"))
        if len(name.split()) < 3:
            continue
        doc_type = " ".join(m["type"].split()).capitalize()  # Đề án, Quy chế, Chiến lược
        cite = Cite(start, end, start, doc_type, None, "", title=f"{doc_type} {name}", confidence=0.7)
        line = regex.split(r"\n|[.;:](?=\s)", text[max(0, m.start() - 200):m.start()])[-1]
        cite.opens_item = len(_sub(r"^[\s\d.)\-+•*]*(?:[a-zđ]\)\s*)?", "", line).split()) <= 2
        _tail_date_only(text, cite, end)
        cites.append(cite)
    return cites


_CONGRESS = Cued(regex.compile(
    r"(?<![\p{L}])Văn\s+kiện\s+Đại\s+hội\s+(?:đại\s+biểu\s+)?(?:toàn\s+quốc\s+|Đảng\s+bộ\s+[^,;.\n]{1,40}?\s+)?"
    r"lần\s+thứ\s+[IVXL]+(?:\s+của\s+Đảng)?"), cue=r"Văn\s+kiện\s+Đại\s+hội")


def _congress_cites(text: str, taken: list[tuple[int, int]]) -> list[Cite]:
    """Party congress documents, cited by name: "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIV của Đảng"."""
    return [Cite(m.start(), m.end(), m.start(), "Văn kiện", None, "", title=_clean(m.group()), confidence=0.8)
            for m in _CONGRESS.finditer(text) if not any(a <= m.start() < b for a, b in taken)]


def _tail_date_only(text: str, cite: Cite, pos: int) -> None:
    cite.issuer = None
    for d in find_dates(text, pos, min(len(text), pos + 60)):
        if _fullmatch(r"(?i)[\s,(]*(?:ngày\s*)?", text[pos:d.start]):
            cite.date, cite.end = d.iso, d.end
        break


_CLAUSE_END = regex.compile(
    r";|\.\s*\n|:\s*\n|\n\s*\n|\.\s*$|\n(?=[ \t]*(?:Căn\s+cứ|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Thực\s+hiện)(?![\p{L}]))")
_PAGE_NO = regex.compile(r"\d{1,3}[ \t]*\n\s*(?=\S)")
_CLAUSE_START = regex.compile(r"(?m)^[ \t]*(?:Căn\s+cứ|Theo|Xét|Thực\s+hiện|Triển\s+khai)(?![\p{L}])")


def _preamble_clauses(text: str, seg) -> list[tuple[int, int, str]]:
    """(start, end, relation) of the Căn cứ / Theo đề nghị clauses before the body.

    The segmenter's preamble span when it has one; else the run of clauses from the
    first line opening with "Căn cứ", if that line stands before the body (no "Điều 1",
    numbered item or heading before it) — a letter's opening "Căn cứ ..." included.
    """
    pre = getattr(seg, "preamble", None) if seg is not None else None
    if pre is not None and pre.end > pre.start:
        first = _CLAUSE_START.search(text, pre.start, pre.end)
        if not first:
            return []
        start, limit = first.start(), pre.end
    else:
        first = _PRE_START.search(text)
        if not first:
            return []
        stop = _PRE_STOP.search(text, 0, first.start())
        body_stop = _search(r"(?m)^[ \t]*Điều\s+1[.:\s]", text)
        if stop or (body_stop and body_stop.start() < first.start()) or first.start() > len(text) * 0.5:
            return []
        start, limit = first.start(), len(text)
    clauses = []
    pos, kind = start, None
    while pos < limit and not _PRE_STOP.match(text, pos):
        e = _CLAUSE_END.search(text, pos, limit)
        end = e.end() if e else limit
        chunk = text[pos:end]
        new_kind = next((k for k, rx in _PRE_KIND if rx.match(chunk)), None)
        if new_kind:
            kind = new_kind
        elif kind is None or not (_match(r"\s*\p{Ll}", chunk) or _LEFT_TYPE.match(chunk.lstrip())):
            break  # the body begins
        clauses.append((pos, end, kind))
        if e is None:
            break
        pos = end
        while pos < limit and text[pos] in " \t\n":
            pos += 1
        page = _PAGE_NO.match(text, pos, limit)
        if page:  # a page number printed between two clauses
            pos = page.end()
    return clauses


def _relations(text: str, cites: list[Cite], clauses: list[tuple[int, int, str]], title_end: int) -> None:
    cites.sort(key=lambda c: c.anchor)
    head_rel: dict[int, str] = {}
    nested: set[int] = set()
    # Earlier citations that can hold or precede this one lie within a bounded reach of
    # its start: look only there, so a text with thousands of numbers stays linear.
    anchors = [c.anchor for c in cites]
    reach = max((p.title_span[1] + 1 - p.anchor for p in cites if p.title_span), default=0)
    clause_starts = [a for a, _, _ in clauses]  # clauses follow each other: sorted and disjoint
    for i, c in enumerate(cites):
        j = bisect.bisect_right(clause_starts, c.anchor) - 1
        pre = clauses[j][2] if j >= 0 and c.anchor < clauses[j][1] else None
        if pre:
            c.relation = pre
            continue
        # clause start: the last boundary before the citation
        lo = max(0, c.start - 600)
        bounds = [m.end() for m in _BOUNDARY.finditer(text, lo, c.start)]
        cstart = bounds[-1] if bounds else lo
        if c.start < title_end:
            cstart = min(cstart, max(0, c.start - 200))
        left = text[cstart:c.start]
        near = cites[bisect.bisect_left(anchors, min(cstart, c.start - reach), 0, i):i]
        outer = [p for p in near if p.title_span and p.title_span[0] <= c.start <= p.title_span[1] + 1]
        if outer:
            nested.add(id(c))
            c.relation = "dẫn chiếu"  # named inside another citation's title
            head_rel[id(c)] = head_rel.get(id(outer[-1]), outer[-1].relation)
            continue
        prior = [p for p in near if p.end <= c.start + 1 and p.anchor >= cstart]
        if prior:
            p = prior[-1]
            gap = text[p.end:c.start]
            if _CONNECTOR.search(gap) and not _search(r"(?i)thực\s+hiện|triển\s+khai|sửa\s+đổi|thay\s+thế|"
                                                            r"bãi\s+bỏ|theo\s+quy\s+định", gap[-40:]):
                c.relation = head_rel.get(id(p), p.relation)
                head_rel[id(c)] = c.relation
                continue
            if p.relation == "thực hiện" and _PARALLEL_AT.search(gap):
                c.relation = head_rel[id(c)] = head_rel.get(id(p), p.relation)
                continue  # "chỉ đạo của Ban Bí thư tại Công văn số …, chỉ đạo của Thủ tướng tại Chỉ thị số …"
            if _match(r"(?i)[\s,]*(?:đã\s+|sẽ\s+)?(?:thay\s+thế|bãi\s+bỏ|hủy\s+bỏ|sửa\s+đổi|đính\s+chính)(?![\p{L}])", gap):
                c.relation = head_rel[id(c)] = "dẫn chiếu"  # "Thông tư số 47/2023/TT-BTC ... bãi bỏ Thông tư
                continue  # liên tịch số 213/2013/...": the other document does it, not this one
            left = gap
        c.relation = _relation_from_left(left, text[c.end:c.end + 80])
        head_rel[id(c)] = c.relation
    _anaphora(text, [c for c in cites if id(c) not in nested])


_ANAPHOR_TAIL = Cued(regex.compile(r"(?<![\p{L}])(?:(?:nêu|nói)\s+trên(?![\p{L}])|trên(?=\s*[,.;:)]))"),
                     ("nêu", "nói", "trên"))
_ANAPHOR = regex.compile(rf"(?i)(?:(?P<plural>các\s+văn\s+bản)|(?<![\p{{L}}])(?P<type>{_TYPES_RE}))\s+$")


def _anaphora(text: str, cites: list[Cite]) -> None:
    """"theo yêu cầu tại Công văn nêu trên": the relation goes to the document cited before (the last one of
    that type; for "các văn bản nêu trên", each one cited in the text just before)."""
    anchors = [c.anchor for c in cites]
    for t in _ANAPHOR_TAIL.finditer(text):
        m = _ANAPHOR.search(text, max(0, t.start() - 40), t.start())
        if not m:
            continue
        lo = max(0, m.start() - 600)
        bounds = [b.end() for b in _BOUNDARY.finditer(text, lo, m.start())]
        rel = _relation_from_left(text[bounds[-1] if bounds else lo:m.start()], text[t.end():t.end() + 80])
        if rel in ("dẫn chiếu", "căn cứ"):
            continue
        before = cites[:bisect.bisect_left(anchors, m.start())]
        if m["plural"]:
            targets = [c for c in before if c.anchor >= m.start() - 1500]
        else:
            canon = _TYPE_CANON[" ".join(m["type"].lower().split())]
            targets = [c for c in before if c.doc_type == canon][-1:]
        for c in targets:
            if RELATION_RANK.index(rel) < RELATION_RANK.index(c.relation):
                c.relation = rel


# a second "… của X tại <document>" in the same guided phrase
_PARALLEL_AT = regex.compile(
    r"(?i)^[^\p{L}\d]*(?:và|,)\s*(?:(?:ý\s+kiến\s+)?(?:chỉ\s+đạo|kết\s+luận|yêu\s+cầu|hướng\s+dẫn)\s+)?(?:của\s+)?"
    r"[^;.:\d]{0,60}?\s*\[?\s*tại\s*(?:các\s+)?$")
_TRAILING_PIN = regex.compile(
    r"(?i)(?:(?:tiết|điểm|khoản|điều|mục|chương|phụ\s+lục)\s+[\p{L}\d.]+(?:\s*(?:,|và)\s*)?\s*)+(?:của\s+)?$")
_GUIDED_AT = regex.compile(
    r"(?i)(?<![\p{L}])(?:theo|quán\s+triệt|thực\s+hiện)(?:\s+(?:đúng|nghiêm|sâu\s+sắc|triệt\s+để))?(?:\s+(?:các|những))?"
    r"(?:\s+ý\s+kiến)?(?:\s+t[iỉ]nh\s+thần)?\s+(?:chỉ\s+đạo|kết\s+luận|hướng\s+dẫn|yêu\s+cầu|t[iỉ]nh\s+thần)"
    r"(?:\s+của\s+[^;.]{0,90}?)?\s*\[?\s*tại\s*(?:các\s+)?$")
_IMPLEMENT_VERB = regex.compile(r"(?i)(?<![\p{L}])(?<!(?:kết\s+quả|tình\s+hình|việc|quá\s+trình)\s+)thực\s+hiện(?![\p{L}])")
_STRONG_REFER = regex.compile(r"(?i)(?:quy\s+định|nêu|hướng\s+dẫn)\s+(?:của|tại)\s*(?:các\s+)?$|(?<![\p{L}])theo\s*$")


_AT_END = regex.compile(r"(?i)\stại\s*$")
_RULE_OR_STOP = regex.compile(r"(?i)quy\s+định|[;.:]")
_COMMA_SEMI = regex.compile(r"[,;]")
_ITEM_MARK = regex.compile(r"(?i)^[\s\d.)\-+•*]*(?:[a-zđ]\)\s*)?(?:Điều\s+\d+\.\s*)?")
_ADJUST = regex.compile(r"(?i)điều\s+chỉnh")
_RULE_AT_BY = regex.compile(r"(?i)quy\s+định|tại|theo")
_PASSIVE = regex.compile(r"(?i)(?<![\p{L}])(?:được|bị)(?:\s+\S+){0,6}\s*$")
_BY = regex.compile(r"(?i)\s*bởi(?![\p{L}])")
# "^" without MULTILINE holds only at 0: `match` is `search`, without trying every other position
_EXPIRY = regex.compile(r"(?i)^\s*,?\s*(?:\S+\s+){0,12}?(?:hết\s+hiệu\s+lực|không\s+còn\s+hiệu\s+lực)")
_EXPIRY_WORD = "lực"  # in every match, case folded
_NOT_EXPIRY = regex.compile(r"(?i)\(|đã\s+hết|văn\s+bản|\n\s*\n|\d{1,2}/\d{1,2}/\d{4}")


def _relation_from_left(left: str, right: str) -> str:
    """Relation of a citation to the citing document from the words governing it."""
    left = _TRAILING_PIN.sub("", left)
    near = left[-60:]
    if _GUIDED_AT.search(left[-160:]):
        return "thực hiện"
    done = list(_IMPLEMENT_VERB.finditer(left[-200:]))
    if done:
        rest = left[-200:][done[-1].start():]
        if _AT_END.search(rest) and not _RULE_OR_STOP.search(rest) and len(rest.split()) <= 18:
            return "thực hiện"  # "thực hiện thắng lợi các mục tiêu của Chương trình ... tại Quyết định số ..."
    strong_refer = bool(_STRONG_REFER.search(near))
    folded = left.casefold()
    for rel, rx in _CUES:
        if not any(w in folded for w in _CUE_WORDS[rel]):
            continue  # none of its words: no match
        hits = list(rx.finditer(left))
        if not hits:
            continue
        h = hits[-1]
        before, after = left[:h.start()], left[h.end():]
        direct = len(after.split()) <= 6 and not _COMMA_SEMI.search(after)
        at_start = not strong_refer and len(
            _ITEM_MARK.sub("", before).split()) <= 2
        if _ADJUST.search(h.group()):  # "điều chỉnh" governs the document only right before it
            at_start = False
            direct = direct and len(after.split()) <= 3 and not _RULE_AT_BY.search(after)
        if _REQUEST.search(before):
            continue  # "đề nghị Chủ đầu tư ... thay thế QCVN ...": asked of someone else, not done here
        if (direct or at_start) and not _BLOCK.search(before[-40:] if direct else before):
            if _PASSIVE.search(before) or _BY.match(after):
                continue  # "được sửa đổi, bổ sung bởi ...": done by another document, not this one
            return rel
    expiry = _EXPIRY.match(right) if _EXPIRY_WORD in right.casefold() else None
    # "(đã hết hiệu lực)" only describes it; "Tổng số văn bản hết hiệu lực", a new table cell: another sentence
    if expiry and not _NOT_EXPIRY.search(expiry.group()):
        return "bãi bỏ"
    if _GUIDE_NEAR.search(left):
        return "hướng dẫn"
    if _REFER_NEAR.search(near):
        return "dẫn chiếu"
    if _IMPLEMENT_START.match(left):
        return "thực hiện"
    if _IMPLEMENT_NEAR.search(near):
        return "thực hiện"
    if _THEO_NEAR.search(near) and _IMPLEMENT_WORD.search(left):
        return "thực hiện"
    return "dẫn chiếu"


def _own_keys(text: str, ex) -> set[str]:
    keys = set()
    header = getattr(ex, "header", None)
    num = getattr(getattr(header, "number", None), "value", None)
    if num:
        k = lk.number_key(num)
        if k:
            keys.add(k)
    m = _OWN_NUMBER.search(text, 0, min(len(text), 3000))
    if m:
        k = lk.number_key(m["n"])
        if k:
            keys.add(k)
    return keys


def _doc_year(text: str, ex) -> int | None:
    header = getattr(ex, "header", None)
    iso = getattr(getattr(header, "issue_date", None), "value", None)
    if iso:
        return int(iso[:4])
    ds = find_dates(text, 0, min(len(text), 2500))
    return max(int(d.iso[:4]) for d in ds) if ds else None


def _known_code(p: lk.ParsedNumber) -> bool:
    return all(t in lk.ISSUER_CODES or _fullmatch(r"(?:UBTVQH|QH)\d+", t) for t in p.issuer_codes)


def _merge_code_slips(cites: list[Cite]) -> None:
    """Re-key a number whose code has a typing slip ("36/2025/TT-BNMT", "TT-BNNPTNTT") onto the same
    type, serial and year cited elsewhere with a known code one letter away."""
    parsed = [(c, lk.parse_number(c.number or "")) for c in cites]
    good = {c.key: p for c, p in parsed if p and p.issuer_codes and _known_code(p)}
    for c, p in parsed:
        if not p or not p.issuer_codes or c.key in good or _known_code(p) or not (p.year or not p.type_code):
            continue
        near = [k for k, q in good.items() if (q.type_code, q.serial, q.year) == (p.type_code, p.serial, p.year)
                and difflib.SequenceMatcher(None, q.code, p.code).ratio() >= 0.8]
        if not near and not p.type_code:  # the code OCR-wrecked ("Tờ trình số 4017/T1:-BNNMT"): the type and serial decide
            near = list({x.key for x in cites if x.key in good and x.doc_type == c.doc_type
                         and (good[x.key].serial, good[x.key].year) == (p.serial, p.year)})
        if len(near) == 1:
            c.key, c.number = near[0], next(x.number for x in cites if x.key == near[0])
    # a code cut where the layout wrapped or OCR lost a column ("118/TB-" for "118/TB-TCT"): the one full
    # number of that type and serial
    for c, p in parsed:
        if p and p.type_code and not p.issuer_codes and p.year is None:
            near = {x.key: x.number for x, q in parsed
                    if q and q.issuer_codes and (q.type_code, q.serial) == (p.type_code, p.serial)}
            if len(near) == 1:
                c.key, c.number = next(iter(near.items()))
    # the type name printed contradicts the code ("Chỉ thị số 49-NQ/TW") and the document is cited
    # elsewhere with the code that agrees: "Chỉ thị số 49-CT/TW"
    for c, p in parsed:
        if not p or not p.type_code or lk.TYPE_CODES[p.type_code] == c.doc_type:
            continue
        near = [x for x, q in parsed if q and q.type_code and lk.TYPE_CODES[q.type_code] == c.doc_type == x.doc_type
                and (q.serial, q.year, q.issuer_codes) == (p.serial, p.year, p.issuer_codes)]
        if len({x.key for x in near}) == 1:
            c.key, c.number = near[0].key, near[0].number


def _merge(cites: list[Cite]) -> list[Cite]:
    """One citation per key: partial keys resolved against full ones, the strongest relation kept."""
    full = [c for c in cites if not c.partial]
    by_parts: dict[tuple[str | None, str, int | None], str] = {}
    for c in full:
        p = lk.parse_number(c.number or "")
        if p and c.number:
            code = p.type_code or lk.type_code_of(c.doc_type)
            by_parts.setdefault((code, p.serial, p.year), c.key)
            by_parts.setdefault((code, p.serial, None), c.key)
    for c in cites:
        if c.partial:
            code, rest = c.key.split(":", 1)
            serial, _, year = rest.partition("/")
            c.key = by_parts.get((code, serial, int(year) if year else None), c.key)
    _merge_code_slips(full)
    # laws cited once by number and elsewhere by name only
    by_title: dict[str, set[str]] = {}
    for c in cites:
        if c.number and c.title and c.doc_type in ("Luật", "Bộ luật", "Pháp lệnh"):
            by_title.setdefault(fold(c.title), set()).add(c.key)
    for c in cites:
        if c.number or c.doc_type not in ("Luật", "Bộ luật", "Pháp lệnh"):
            continue
        same = by_title.get(fold(c.title or ""), ())
        if len(same) != 1:
            continue
        key = next(iter(same))
        y = c.year or (int(c.date[:4]) if c.date else None)
        # the law the document itself cites by number, before the table's guess of a version
        if c.key.startswith("LUẬT:") or y is None or y == (lk.parse_number(key) or lk.ParsedNumber("", None, None, [])).year:
            c.key = key
    # laws cited once with and once without their year
    named: dict[str, set[str]] = {}
    for c in cites:
        if c.key.startswith("LUẬT:"):
            named.setdefault(c.key.split(":")[1], set()).add(c.key)
    for c in cites:
        if c.key.startswith("LUẬT:") and c.key.count(":") == 1 and len(named.get(c.key.split(":")[1], ())) == 2:
            c.key = next(k for k in named[c.key.split(":")[1]] if k != c.key)
    # a treaty cited again by the first words of its name: "Công ước khung của Liên hợp quốc"
    treaties = sorted({c.key for c in cites if c.doc_type in _TREATY_TYPES and not c.number}, key=len)
    for c in cites:
        if c.doc_type in _TREATY_TYPES and not c.number:
            longer = [k for k in treaties if len(k) > len(c.key) and k.startswith(c.key + " ")]
            if len(longer) == 1:
                c.key = longer[0]
    out: dict[str, Cite] = {}
    for c in sorted(cites, key=lambda c: c.anchor):
        kept = out.get(c.key)
        if kept is None:
            out[c.key] = c
            continue
        if RELATION_RANK.index(c.relation) < RELATION_RANK.index(kept.relation):
            kept.relation = c.relation
        if kept.partial and not c.partial:
            c.relation = kept.relation
            out[c.key] = c
            kept, c = c, kept
        for f in ("date", "issuer", "title", "pinpoint", "number", "year"):
            if getattr(kept, f) is None and getattr(c, f) is not None:
                setattr(kept, f, getattr(c, f))
        if c.date and kept.date and _number_year(kept) and int(kept.date[:4]) != _number_year(kept) \
                and int(c.date[:4]) == _number_year(kept):
            kept.date = c.date  # "Nghị định số 75/2021/NĐ-CP ngày 24/7/2023": a slip the other citations correct
    return list(out.values())


def _number_year(c: Cite) -> int | None:
    p = lk.parse_number(c.number or "")
    return p.year if p else None


def find_citations(text: str, seg=None, ex=None) -> list[Cite]:
    """Every citation in `text`, one per occurrence, with its relation (before merging)."""
    own = _own_keys(text, ex)
    cites = _number_cites(text, own)
    taken = [(c.anchor, c.end) for c in cites]
    cites += _partial_cites(text, taken)
    taken = [(c.start, c.end) for c in cites]
    titles = [c.title_span for c in cites if c.title_span]
    cites += _law_cites(text, taken + titles, [c.title for c in cites if c.doc_type == "Luật" and c.title])
    cites += _treaty_cites(text, [(c.start, c.end) for c in cites] + titles)
    cites += _congress_cites(text, titles)
    cites += _plan_cites(text, [(c.start, c.end) for c in cites] + titles)
    year = _doc_year(text, ex)
    for c in cites:
        if c.key:
            continue
        if c.doc_type in ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"):
            c.key = lk.law_key(c.title or "", c.date, c.year, before_year=year)
            law = lk.find_law(c.title or "", c.date, c.year, before_year=year) if c.title else None
            if law and lk.law_name_key(law.name) != lk.law_name_key(c.title or "") or \
                    law and fold(law.name) == fold(c.title or "") and law.name.casefold() != (c.title or "").casefold():
                c.title = law.name  # the name OCR- or typo-damaged ("Luật Quan lý thuế"): the table's spelling
        else:
            c.key = lk.named_key(c.doc_type or "", c.title or "", int(c.date[:4]) if c.date else c.year)
    title_end = getattr(getattr(seg, "title", None), "end", 0) if seg is not None else 0
    _relations(text, cites, _preamble_clauses(text, seg), title_end or 0)
    for c in cites:
        if c.opens_item is not None and c.relation != "căn cứ":
            # "5. Thực hiện Đề án …", "1.3. Tiếp tục thực hiện hiệu quả Đề án …": the item carries the scheme out;
            # named inside a sentence about something else, it is only mentioned
            c.relation = "thực hiện" if c.opens_item else "dẫn chiếu"
    return cites


def extract(doc, seg, ex) -> list[Reference]:
    text = doc.text
    if not text:
        return []
    merged = _merge(find_citations(text, seg, ex))
    refs = []
    for c in sorted(merged, key=lambda c: c.start):
        refs.append(Reference(
            text=_clean(text[c.start:c.end]) if c.end - c.start < 600 else _clean(text[c.start:c.start + 600]),
            start=c.start, end=c.end, doc_type=c.doc_type, number=c.number, date=c.date, issuer=c.issuer,
            title=c.title, relation=c.relation, pinpoint=c.pinpoint, key=c.key, confidence=c.confidence))
    return refs
