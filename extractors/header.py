"""Header fields (gold/SCHEMA.md) read from the segmented header, title and signature.

Rules read the printed header first; where it is missing or unreadable the
value falls back on what else the document says about itself: the signature
block ("TM. ỦY BAN NHÂN DÂN"), the website metadata block, the enacting
formula ("Thủ tướng Chính phủ ban hành Quyết định ..."), the type code in the
number (QĐ → Quyết định), the e-signature stamp or the document citing itself
("Kèm theo Quyết định số X ngày D") for a date, and last a small model
(models/doctype.model.json, trained by models/train_doctype.py) for the type.
OCR damage is tolerated where the rest of the text settles the value (a code
one letter off the one the text repeats or the issuer's own: "CT-TTs" →
"CT-TTg"); fuzzy readings and fallbacks get a lower confidence, and a value
nothing settles stays empty rather than guessed.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import regex

from extractors.bodies import (
    ABBREVIATIONS,
    DEPARTMENTS,
    PROVINCES,
    canonical_body,
    normal_case,
    with_marks,
    with_province,
)
from extractors.dates import find_dates, to_iso
from extractors.ocr_marks import repair_marks
from pipeline.cues import literal_starts
from pipeline.document import Document
from pipeline.normalise import unmark
from pipeline.records import Extraction, Field, Header, NumberParts, Signer
from pipeline.segment import (
    AUTHORITY,
    DATE_LINE,
    DECISION,
    DOC_TYPES,
    ENACTING,
    MARK,
    MOTTO,
    NOISE,
    NUMBER_LINE,
    OPENER,
    POSITION,
    SEPARATOR,
    VV,
    fuzzy_title,
    is_person_name,
    is_upper,
    match_type_name,
    person_name,
)
from pipeline.segments import Segments, Span

# Type codes of the số/ký hiệu (Decree 30/2020, Appendix III).
TYPE_CODES = {
    "QĐ": "Quyết định", "CT": "Chỉ thị", "TB": "Thông báo", "KH": "Kế hoạch", "NQ": "Nghị quyết",
    "BC": "Báo cáo", "GP": "Giấy phép", "TTr": "Tờ trình", "HD": "Hướng dẫn", "CTr": "Chương trình",
    "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "QC": "Quy chế", "QyĐ": "Quy định",
    "CĐ": "Công điện", "GM": "Giấy mời", "BB": "Biên bản", "ĐA": "Đề án", "PA": "Phương án", "L": "Lệnh",
    "KL": "Thông báo",
}
_CANON = {c.casefold(): c for c, _ in DOC_TYPES}

NUMBER = regex.compile(
    r"(?P<serial>[0-9IlOo]{1,6}(?:\.[0-9]{1,3})?)?\s*(?:-\s*(?P<tc1>\p{Lu}[\p{L}]{0,4})\s*)?/\s*"
    r"(?:(?P<year>(?:19|20)\d{2})\s*/\s*)?(?P<codes>\p{Lu}[\p{L}\d&.]*(?:\s*-\s*[\p{L}\d&.]+)*)")
_ORG_HEAD = regex.compile(
    r"^(?:[UỦ]Y BAN|UỶ BAN|UBND|HĐND|HỘI ĐỒNG|SỞ|BỘ|CỤC|TỔNG CỤC|CHI CỤC|VĂN PHÒNG|ĐOÀN|BAN|TRUNG TÂM|PHÒNG"
    r"|VỤ|VIỆN|TỈNH [UỦ]Y|THÀNH [UỦ]Y|HUYỆN [UỦ]Y|ĐẢNG [UỦ]Y|CÔNG AN|CHÍNH PHỦ|THỦ TƯỚNG|QUỐC HỘI|NGÂN HÀNG|KHO BẠC"
    r"|THANH TRA|TÒA ÁN|VIỆN KIỂM SÁT|BỘ CHỈ HUY|LIÊN MINH|TẬP ĐOÀN|TỔNG CÔNG TY|CÔNG TY|TRƯỜNG|BỆNH VIỆN|THUẾ"
    r"|KIỂM TOÁN|BẢO HIỂM|HỘI)\b")
# The same heads as OCR prints them without marks ("TONG CUC THUE", "VAN PHONG CHINH PHU", "QUOC HOI").
_ORG_HEAD_BARE = regex.compile(unmark(_ORG_HEAD.pattern) + r"(?!\s*[:.]?\s*\d)")  # "SO 1050/QD": a number
_PLACE = regex.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+\p{Lu}[\p{L}\s-]*$")
_ATTACHED_PLACE = regex.compile(r"^(?:Sở|Văn phòng|Ban|Chi cục|Phòng|Thanh tra|Công an|Trung tâm|Thuế|Kho bạc)\b")
_PLACE_DATE = regex.compile(r"^(?P<place>[^\d,]{2,40}?)\s*,\s*(?:ng[àaả]y|ngàu|ngà y)(?!\p{L}(?<![lI]))", regex.IGNORECASE)
_PROVINCE_BARE = {" ".join(unmark(p).casefold().split()): p for p in PROVINCES}
_ESIG = regex.compile(r"(?:Ngày ký|Thời gian ký)\s*:\s*(?:(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
                      r"|(?P<d2>\d{1,2})[./-](?P<m2>\d{1,2})[./-](?P<y2>\d{4}))")
_KE = r"k[eêểềếệễẻẽéèẹ]"  # "kể", or as OCR reads its marks ("kê từ ngày ký", "kề từ")
_EFFECT = regex.compile(
    rf"(?:có\s+hiệu\s+lực|có\s+giá\s+trị)(?:\s+thi\s+hành)?\s*(?:{_KE}\s+)?(?:từ|từ\s+ngày|{_KE}\s+từ)?\s*"
    r"(?:ngày\s+)?(?P<what>ký(?:\s+ban\s+hành)?|ban\s+hành|\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*\d{4})",
    regex.IGNORECASE)
_EFFECT_AFTER = regex.compile(rf"có\s+hiệu\s+lực(?:\s+thi\s+hành)?\s+sau\s+(?P<n>\d{{1,3}})\s+ngày\s+(?:{_KE}\s+)?từ\s+ngày\s+"
                           r"(?:ký|ban\s+hành)", regex.IGNORECASE)
# "Điều 3. Quyết định có hiệu lực kể từ ngày ký.": the type name alone opening the sentence is this document
_BARE_SELF = regex.compile(r"\W*(?:\d+\W*)?(?P<type>Quyết định|Chỉ thị|Nghị quyết|Thông tư|Kế hoạch|Quy chế|Quy định"
                           r"|Nghị định)\s*")
_SELF = regex.compile(r"(?:Quyết định|Nghị quyết|Chỉ thị|Thông tư|Nghị định|Giấy phép|Kế hoạch|Văn bản|Quy chế"
                      r"|Quy định|Thông báo|Luật|Pháp lệnh|Hướng dẫn|Chương trình)\s+này"
                      # an amending decision or certificate: "Quyết định chấp thuận điều chỉnh … lần này"
                      r"|^\W*(?:Quyết định|Giấy chứng nhận|Giấy phép)\s[^.;]{0,160}?\blần\s+này", regex.IGNORECASE)
# "(cấp lần đầu: ngày 31 tháng 7 năm 2020)" / "(điều chỉnh lần thứ 03: ngày 10 tháng 9 năm 2026)" under the title
# of an investment decision or certificate: the last adjustment is this document's date
_ROUND_DATE = regex.compile(r"\(\s*(?:cấp\s+lần\s+đầu|điều\s+chỉnh\s+lần\s+thứ\s*\S{1,4})\s*:\s*(?=ngày)",
                            regex.IGNORECASE)
_MARKS = {"TM": "TM.", "T/M": "TM.", "T.M": "TM.", "KT": "KT.", "K/T": "KT.", "K.T": "KT.", "TL": "TL.",
          "T/L": "TL.", "T.L": "TL.",
          "TUQ": "TUQ.", "Q": "Q."}


def _field(value: str | None, span: tuple[int, int] | Span | None = None, conf: float = 1.0) -> Field:
    if value is None:
        return Field(None)
    if isinstance(span, Span):
        span = (span.start, span.end)
    return Field(value, span[0] if span else None, span[1] if span else None, conf)


def _oneline(s: str) -> str:
    return " ".join(s.split())


def _fix_serial(s: str) -> tuple[str, bool]:
    """OCR reads 1 as I or l and 0 as O in the serial."""
    fixed = s.translate(str.maketrans({"I": "1", "l": "1", "O": "0", "o": "0"}))
    return fixed, fixed != s


def parse_number(s: str) -> tuple[str, NumberParts, bool] | None:
    """"2211/QĐ-UBND" → ("2211/QĐ-UBND", parts, fuzzy). A blank serial ("/KH-UBND") gives None."""
    s = regex.sub(r"(?<=/\p{Lu}{1,4})\s(?=\p{Lu}{1,4}-)", "", s)  # OCR "21/C T-TTg"
    m = NUMBER.search(s)
    if not m or not m["serial"]:
        return None
    serial, fuzzy = _fix_serial(m["serial"])
    if not regex.match(r"^\d", serial):
        return None
    codes = regex.sub(r"\s+", "", m["codes"]).rstrip(".-")
    year = m["year"]
    value = serial + (f"-{m['tc1']}" if m["tc1"] else "") + "/" + (f"{year}/" if year else "") + codes
    parts = NumberParts(serial=serial, year=int(year) if year else None)
    if m["tc1"]:
        parts.type_code, parts.issuer_code = m["tc1"], codes
    else:
        head, _, rest = codes.partition("-")
        if head in TYPE_CODES and rest:
            parts.type_code, parts.issuer_code = head, rest
        else:
            parts.issuer_code = codes
    return value, parts, fuzzy


def _number(doc: Document, seg: Segments, h: Header) -> None:
    for c in seg.header_cells:
        if NUMBER_LINE.match(c.text):
            m = NUMBER_LINE.match(c.text)
            rest = c.text[m.end():]
            got = parse_number(rest)
            ms = NUMBER.search(rest)
            if got and ms and regex.search(r"[^\s:.]", rest[:ms.start()]):
                return  # OCR junk glued to the serial ("Số: Á$3/KH-DCT"): the serial is unreadable
            if got:
                value, parts, fuzzy = got
                marked = _code_marks(doc, seg, value) if unmark(c.text) == c.text else value
                got2 = parse_number(marked) if marked != value else None
                if got2:  # "So: 2211/QD-UBND": a header typed without marks, its codes spelled as the text does
                    value, parts = got2[0], got2[1]
                settled = None if got2 else _settle_code(doc.text, value, parts)
                if settled:
                    value, parts, fuzzy = settled[0], settled[1], True
                ms = NUMBER.search(rest)
                s = c.start + m.end() + (ms.start() if ms else 0)
                h.number = _field(value, (s, c.start + m.end() + (ms.end() if ms else len(rest))),
                                  0.7 if fuzzy else 1.0)
                h.number_parts = parts
            return  # a "Số:" line with a blank serial is a draft: no number
    meta = seg.metadata.get("Số hiệu")
    if meta:
        got = parse_number(meta.text)
        if got:
            h.number = _field(got[0], meta, 0.8)
            h.number_parts = got[1]


_CODE_PART = regex.compile(r"[\p{L}&.]+")
_KNOWN_CODES = {unmark(k): k for k in list(TYPE_CODES) + ["HĐND", "BKHĐT", "NĐ", "QĐ", "TTLT", "ĐA", "CĐ"]}


def _code_marks(doc: Document, seg: Segments, value: str) -> str:
    """A number's codes typed without marks ("QD-UBND", "BCT-CNDP") spelled as the running text spells the
    same letters as a code ("Lưu: VT, CNĐP"), else as the known codes are ("QĐ", "HĐND")."""
    head = _head_span(seg)
    text = doc.text
    flat = unmark(text)

    def one(m: regex.Match) -> str:
        code = m.group()
        if unmark(code) != code or not code.isupper() and not regex.search(r"\p{Lu}", code):
            return code
        seen: dict[str, int] = {}
        for x in literal_starts(flat, code, alone="Ld"):
            if head[0] <= x < head[1]:
                continue
            v = text[x:x + len(code)]
            seen[v] = seen.get(v, 0) + 1
        marked = {v: k for v, k in seen.items() if v != code}
        if marked and max(marked.values()) >= seen.get(code, 0):
            return max(marked, key=marked.get)
        return _KNOWN_CODES.get(code, code) if not seen.get(code) else code

    serial, sep, rest = value.partition("/")
    return serial + sep + _CODE_PART.sub(one, rest)


def _settle_code(text: str, value: str, parts: NumberParts) -> tuple[str, NumberParts] | None:
    """An OCR-damaged code ("41/CT-TTs") is replaced by the near variant the rest of the text repeats
    ("Chỉ thị số 41/CT-TTg" in an appendix or a footer)."""
    serial, _, codes = value.partition("/")
    pat = regex.compile(rf"(?<![\d.]){regex.escape(serial)}\s*/\s*((?:{regex.escape(codes)}){{e<=1}})(?![\p{{L}}\d])")
    seen: dict[str, int] = {}
    for m in pat.finditer(text):
        seen[m[1]] = seen.get(m[1], 0) + 1
    if not seen:
        return None
    best = max(seen, key=lambda k: (seen[k], k == codes))
    if best == codes or seen[best] <= seen.get(codes, 0) or not regex.fullmatch(r"[\p{L}\d&.-]+(?:/[\p{L}\d&.-]+)?",
                                                                                  best):
        return None
    got = parse_number(f"{serial}/{best}")
    return (got[0], got[1]) if got else None


def _self_date(doc: Document, number: str | None) -> tuple[str, int, int] | None:
    """The document's own date where another part of it cites it ("Kèm theo Quyết định số X ngày D")."""
    if not number:
        return None
    serial, _, codes = number.partition("/")
    slash = r"\s*/\s*"
    codes_pat = slash.join(regex.escape(p) for p in codes.split("/"))
    pat = rf"(?<![\d.]){regex.escape(serial)}{slash}{codes_pat}\s*,?\s*(?:ngày)?"
    for m in regex.finditer(pat, doc.text):
        ds = find_dates(doc.text, m.end() - 5 if m.end() >= 5 else 0, min(len(doc.text), m.end() + 40))
        if ds and ds[0].start - m.end() < 12:
            return ds[0].iso, ds[0].start, ds[0].end
    return None


def _place_date_lines(doc: Document, seg: Segments) -> list[Span]:
    """Where the place and date may be printed: the header's cells; failing a date there, a place-date line
    right below the motto wherever it stands (OCR read by columns puts the right column, motto and "Lào Cai,
    ngày …", after the left column's Kính gửi list)."""
    cells = list(seg.header_cells)
    if any(DATE_LINE.search(c.text) and not NUMBER_LINE.match(c.text) and not MOTTO.search(c.text) for c in cells):
        return cells
    head = list(_LINE.finditer(doc.text, 0, min(len(doc.text), 2500)))
    dated = [m for m in head if _PLACE_DATE.match(m[1]) and find_dates(m[1])]
    if not dated:
        return cells  # no place-date line at all: the motto (a fuzzy search per line) need not be looked for
    mottos = [m.end() for m in head if MOTTO.search(m[1])]
    lines = [Span(m.start(1), m.end(1), m[1]) for m in dated if any(0 <= m.start() - e <= 120 for e in mottos)]
    return cells + lines[:1]


def _date_place(doc: Document, seg: Segments, h: Header) -> None:
    for c in _place_date_lines(doc, seg):
        if not DATE_LINE.search(c.text) and not _PLACE_DATE.match(c.text):
            continue
        if NUMBER_LINE.match(c.text) or MOTTO.search(c.text):
            continue
        pm = _PLACE_DATE.match(c.text)
        if pm:
            printed = pm["place"].strip(" .,*_")
            if printed and not regex.search(r"\d", printed) and not regex.match(r"(?i)thứ\s|chủ nhật", printed):
                place = " ".join(w.capitalize() for w in printed.split()) if is_upper(printed) else printed
                place = settle_ocr_name(doc.text, place, (c.start, c.end), min_len=5)
                if any(unmark(w) == w for w in place.split()):  # a word without its marks: the place's spelling
                    place = _PROVINCE_BARE.get(" ".join(unmark(place).casefold().split()), place)
                ps = c.start + pm.start("place") + pm["place"].find(printed)
                h.issue_place = _field(place, (ps, ps + len(printed)))
        ds = find_dates(doc.text, c.start, c.end)
        if ds:
            d = ds[0]
            fuzzy = not regex.match(r"(?:ngày\s+)?\d", d.text, regex.IGNORECASE)
            h.issue_date = _field(d.iso, (d.start, d.end), 0.8 if fuzzy else 1.0)
        elif regex.search(r"ng\S*\s+(?!th)\S+\s+th\S*\s+(?!n[ăa]m)\S+\s+n\S*\s+\d{4}", c.text):
            # a printed but unreadable date ("ngàu 26 tháng OF năm 2026"): settled elsewhere or left empty
            got = _self_date(doc, h.number.value) or _esig_date(doc)
            if got:
                h.issue_date = _field(got[0], (got[1], got[2]), 0.6)
        return
    rounds = list(_ROUND_DATE.finditer(doc.text, 0, min(len(doc.text), 4000)))
    if rounds:
        ds = find_dates(doc.text, rounds[-1].end(), min(len(doc.text), rounds[-1].end() + 40))
        if ds:
            h.issue_date = _field(ds[0].iso, (ds[0].start, ds[0].end), 0.8)
            return
    # "Nghị quyết này được Quốc hội ... thông qua ngày 30 tháng 11 năm 2024": the adoption date
    for m in regex.finditer(r"(?:Nghị quyết|Luật|Bộ luật|Pháp lệnh|Nghị định|Quyết định) này[^.;]{0,200}?thông qua"
                            r"(?:\s+tại\s+(?:phiên|kỳ)\s+họp(?:\s+thứ\s+\S+)?)?\s+(?:ngày\s+)?", doc.text, regex.IGNORECASE):
        ds = find_dates(doc.text, m.end() - 6, min(len(doc.text), m.end() + 30))
        if ds:
            h.issue_date = _field(ds[0].iso, (ds[0].start, ds[0].end), 0.8)
            return
    # e-signature stamp of the issuing office, then website metadata
    got = _esig_date(doc)
    if got:
        h.issue_date = _field(got[0], (got[1], got[2]), 0.6)
        return
    got = _metadata_date(seg, "Ngày ban hành")
    if got:
        h.issue_date = got


def _metadata_date(seg: Segments, label: str) -> Field | None:
    """The date on a website record line ("Ngày ban hành: 03/08/2016"), with its offsets."""
    meta = seg.metadata.get(label)
    ds = find_dates(meta.text) if meta else []
    if not ds:
        return None
    return _field(ds[0].iso, (meta.start + ds[0].start, meta.start + ds[0].end), 0.8)


def _esig_date(doc: Document) -> tuple[str, int, int] | None:
    m = _ESIG.search(doc.text)
    if m:
        iso = to_iso(int(m["y"] or m["y2"]), int(m["m"] or m["m2"]), int(m["d"] or m["d2"]))
        if iso:
            return iso, m.start(), m.end()
    return None


_MOTTO_WORDS = "cong hoa xa hoi chu nghia viet nam".split()
_YEAR_END = regex.compile(r"(?<![\d/.-])(?:19|20)\d{2}\s*$")  # the year of a date line the column wrapped


def _org_units(seg: Segments) -> list[Span]:
    """Header cells of the left block joined into one name per body ("UỶ BAN NHÂN / DÂN / TỈNH AN GIANG")."""
    units: list[Span] = []
    motto_rest: list[str] = []  # the motto's last words, where its column wrapped them onto the next line
    for c in seg.header_cells:
        t = c.text
        if motto_rest:
            # OCR reads the two columns line by line: "ỦY BAN NHÂN | CỘNG HÒA … CHỦ NGHĨA" then "DÂN | VIỆT NAM"
            cut = regex.search(r"\s+" + r"\s+".join(motto_rest) + r"\W*$", unmark(t).casefold())
            if cut:
                c = Span(c.start, c.start + cut.start(), t[:cut.start()])
                t = c.text
                motto_rest = []
        if MOTTO.search(t):
            words = unmark(t).casefold().split()
            if words[:1] == _MOTTO_WORDS[:1] and 4 <= len(words) < len(_MOTTO_WORDS) \
                    and words == _MOTTO_WORDS[:len(words)]:
                motto_rest = _MOTTO_WORDS[len(words):]
            continue
        if NUMBER_LINE.match(t) or DATE_LINE.search(t) or _PLACE_DATE.match(t) \
                or SEPARATOR.match(t) or VV.match(t) or not is_upper(t) or _YEAR_END.search(t):
            continue
        lead = regex.match(r"^[\d\W_]+", t)
        if lead:
            c = Span(c.start + lead.end(), c.end, t[lead.end():])
            t = c.text
        trail = regex.search(r"[\s_~—–-]+$", t)  # a rule or a stroke left at the end ("BỘ TÀI CHÍNH _")
        if trail:
            c = Span(c.start, c.start + trail.start(), t[:trail.start()])
            t = c.text
        if not t:
            continue
        ws = t.split()
        if len(ws) >= 4 and len(ws) % 2 == 0 and ws[:len(ws) // 2] == ws[len(ws) // 2:]:
            # the name printed twice, the two lines read as one cell ("BỘ KẾ HOẠCH VÀ ĐẦU TƯ BỘ KẾ HOẠCH VÀ ĐẦU TƯ")
            half = t.find(ws[len(ws) // 2], len(ws[0]))
            c = Span(c.start, c.start + half, t[:half].rstrip())
            t = c.text
        w0 = t.split(maxsplit=1)[0]
        # a head word typed without marks, or (below the first name) with marks OCR changed: "SƠ NÓNG NGHIỆP"
        head = bool(_ORG_HEAD.match(t) or (unmark(w0) == w0 or units) and _ORG_HEAD_BARE.match(unmark(t)))
        if head and units and _cut_name(units[-1].text, t):
            head = False  # "SỞ NÔNG NGHIỆP VÀ MÔI" / "TRƯỜNG": the column cut the name, the next line ends it
        if not units and not head:
            continue  # a gazette's section heading ("VĂN BẢN PHÁP LUẬT KHÁC"), not a body
        if units and not head and (regex.fullmatch(r"\S*\p{L}[-/]\p{L}\S*", t.strip())
                                   or regex.search(r"(?<!(?i:s[ốo])\s{0,3})(?<![\d/])\d+\s*/\s*\p{Lu}", t)):
            continue  # an OCR'd number line that lost its "Số:" ("ŸBCT-ATMT", "… 41 /CT-TTs"): not the name's next line
        if units and not head:
            u = units[-1]
            units[-1] = Span(u.start, c.end, u.text + " " + t)
        else:
            units.append(Span(c.start, c.end, t))
    out: list[Span] = []
    for u in units:
        if not out or _oneline(out[-1].text) != _oneline(u.text):
            out.append(u)
    return out


def _name_pairs() -> set[str]:
    """Pairs of adjacent words in known body names, without marks (OCR changes them: "MỖI TRƯƠNG")."""
    if not _PAIRS:
        names = DEPARTMENTS + [rep for _, rep in ABBREVIATIONS] + list(ISSUER_CODES.values())
        for name in names:
            ws = regex.findall(r"\p{L}+", unmark(name).casefold())
            _PAIRS.update(f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False))
    return _PAIRS


_PAIRS: set[str] = set()


def _cut_name(before: str, line: str) -> bool:
    """`line` ends a body's name that the column width cut at its end: the last word above and the first word
    of the line are two words of a known name ("MÔI" + "TRƯỜNG" of "Tài nguyên và Môi trường"), and the line
    is short; or the name above ends on "VÀ" / "-"."""
    a = regex.findall(r"\p{L}+|[-&]", before)
    b = regex.findall(r"\p{L}+", line)
    if not a or not b or len(b) > 3:
        return False
    if a[-1].casefold() in ("và", "-", "&"):
        return True
    return f"{unmark(a[-1]).casefold()} {unmark(b[0]).casefold()}" in _name_pairs() and len(a) >= 3


_CODE_WORD = regex.compile(r"\d|/")
_TYPE_BEFORE_SO = regex.compile(r"\b(quyết định|nghị quyết|chỉ thị|kế hoạch|thông tư|nghị định)(?=\s+số\b)")


def body_name(s: str) -> str:
    """Printed body name → full name in normal case (codes like "1050/QĐ-SCT" kept)."""
    s = _oneline(s)
    keep = {w for w in s.split() if _CODE_WORD.search(w)}
    out = canonical_body(s)
    for w in keep:
        out = regex.sub(regex.escape(w), w, out, flags=regex.IGNORECASE)
    out = _TYPE_BEFORE_SO.sub(lambda m: m[1][:1].upper() + m[1][1:], out)
    return out


def _head_span(seg: Segments) -> tuple[int, int]:
    """The header block and the title: text that a header typed without marks leaves without them."""
    parts = [sp for sp in (seg.header, seg.title) if sp is not None]
    return (min(p.start for p in parts), max(p.end for p in parts)) if parts else (0, 0)


def _marked(doc: Document, seg: Segments, s: str) -> str:
    """A header value typed without marks, spelled as the running text (or the names of bodies) spell it."""
    return with_marks(s, doc.text, _head_span(seg))


_PLACE_TAIL = regex.compile(r"(?<![\p{L}])(?:tinh|thanh pho)\s+(?P<p>[\p{L}\s-]+?)\s*$")


def _province_settled(name: str) -> str:
    """A name ending on a province whose marks OCR changed ("Ủy ban nhân dân tĩnh lào cai") ends on the
    province as the list of provinces spells it ("… tỉnh Lào Cai")."""
    m = _PLACE_TAIL.search(unmark(name).casefold())
    prov = m and _PROVINCE_BARE.get(" ".join(m["p"].split()))
    if not prov:
        return name
    word = "tỉnh" if m[0].startswith("tinh") else "thành phố"
    if name[m.start():m.start() + 1].isupper():
        word = word[:1].upper() + word[1:]
    settled = f"{word} {prov}"
    if name[m.start():].casefold() == settled.casefold():
        return name  # spelled right: its case is the name's own ("Thành phố Hồ Chí Minh")
    return name[:m.start()] + settled


def _issuer(doc: Document, seg: Segments, h: Header) -> None:
    units = _org_units(seg)
    if units:
        issuer = units[-1]
        name = _province_settled(settle_ocr_name(doc.text, body_name(_marked(doc, seg, issuer.text)),
                                                 (issuer.start, issuer.end)))
        if len(units) >= 2:
            parent = units[0]
            pname = settle_ocr_name(doc.text, _province_settled(body_name(_marked(doc, seg, parent.text))),
                                    (parent.start, parent.end))
            h.issuer_parent = _field(pname, parent)
            pm = _PLACE.search(pname)
            if name.casefold() == "văn phòng":  # the office of the body above it
                name = f"Văn phòng {pname}"
            elif pm and not _PLACE.search(name) and _ATTACHED_PLACE.match(name):
                name = f"{name} {pm.group()}"
        h.issuer = _field(_unglued(settle_ocr_name(doc.text, name, (issuer.start, issuer.end))), issuer)
        return
    # No printed header: the signature's "TM. ..." body, the metadata, the enacting formula.
    for c in seg.signature_cells:
        m = MARK.match(c.text.lstrip("* "))
        if m and m["mark"] in ("TM", "T/M", "T.M"):
            rest = c.text.lstrip("* ")[m.end():]
            name = body_name(rest)
            if name in ("Ủy ban nhân dân", "Hội đồng nhân dân"):
                name = f"{name} {_level(doc.text)}".strip()
            h.issuer = _field(name, (c.end - len(rest), c.end), 0.6)
            return
    meta = seg.metadata.get("Cơ quan ban hành")
    if meta and meta.text.strip():
        name = body_name(meta.text)
        code = (h.number_parts.issuer_code or "").split("-")[0]
        by_code = ISSUER_CODES.get(code)
        if by_code and by_code != name and by_code.casefold().endswith(name.casefold()):
            name = by_code  # the site files a Prime Minister's decision under "Chính phủ"; "QĐ-TTg" says who
        h.issuer = _field(name, meta, 0.7)
        return
    zone = seg.preamble or Span(0, min(len(doc.text), 3000), doc.text[:3000])
    for m in regex.finditer(r"(?m)^.*$", zone.text):
        em = ENACTING.match(m.group())
        if em:
            who = regex.match(r"^(.*?)\s+(?:ban hành|Ban hành)\b", m.group())
            h.issuer = _field(body_name(who[1]), (zone.start + m.start(), zone.start + m.start() + len(who[1])), 0.6)
            return
    if seg.authority:
        h.issuer = _field(body_name(seg.authority.text), seg.authority, 0.5)
        return
    # A web page: the site's owner on one of the first lines ("Sở công thương Bình dương").
    for m in list(regex.finditer(r"(?m)^[^\S\n]*(\S.*?)\s*$", doc.text[:600]))[:6]:
        t = m[1]
        cut = _WEB_OWNER_END.search(t) if len(t) >= 80 else None
        if cut:  # the page's head flattened onto one line: the name, its English, the day
            t = t[:cut.start()]
        t = with_marks(t, doc.text, (m.start(1), m.end(1))) if len(t) < 80 else t  # "So cong thuong"
        if len(t) < 80 and regex.match(r"^(?:Sở|Bộ|Ủy ban|UBND|Cục|Tổng cục|Văn phòng)\s+\S", t):
            h.issuer = _field(with_province(body_name(t)), (m.start(1), m.start(1) + len(t)), 0.4)
            return


# Where a site's owner name ends on a flattened page head: its English name, or the day of the week and date.
_WEB_OWNER_END = regex.compile(r"\s+(?:(?:Thứ\s+\p{L}+|Chủ\s+nhật)\s*,\s*ngày\b"
                               r"|[A-Za-z]+(?:\s+[A-Za-z']+){0,4}\s+(?:of|and|[Dd]epartment|[Mm]inistry)\b)")


_SPACES = regex.compile(r"\s+")


@lru_cache(maxsize=1)
def _unspaced_issuers() -> dict[str, list[str]]:
    """The known bodies' names by their letters without spaces, in the list's order."""
    out: dict[str, list[str]] = {}
    for known in ISSUER_CODES.values():
        out.setdefault(_SPACES.sub("", known).casefold(), []).append(known)
    return out


def _unglued(name: str) -> str:
    """A known body's name whose space OCR lost ("Thủ tướng chínhphủ") spelled as that name."""
    key = _SPACES.sub("", name).casefold()
    return next((known for known in _unspaced_issuers().get(key, ()) if known != name), name)


@lru_cache(maxsize=16384)  # words and names: the same ones come back within a text and across texts
def _base(s: str) -> str:
    """Letters without their marks, one character for one ("Phố Hồ" → "pho ho"): offsets stay aligned."""
    return unmark(s).casefold()


@lru_cache(maxsize=4)  # whole texts only: the OCR settlers and `_after` each ask for the same few
def _text_base(text: str) -> str:
    return unmark(text).casefold()


@lru_cache(maxsize=4)
def _text_folded(text: str) -> str:
    return text.casefold()


@lru_cache(maxsize=4)
def _text_lower(text: str) -> str:
    return text.lower()


_SPACE = regex.compile(r"\s")


def settle_ocr_name(text: str, name: str, span: tuple[int, int] | None = None, min_len: int = 8) -> str:
    """An OCR'd header name with wrong marks ("Thành phó hò chí minh") takes the spelling the running text
    gives the same letters ("Thành phố Hồ Chí Minh"); a name the text repeats as printed is kept."""
    if len(name) < min_len or _SPACE.search(name) is None:
        return name
    outside = [i for i in literal_starts(_text_folded(text), name.casefold()) if not span or not span[0] <= i < span[1]]
    bare = unmark(name) == name  # OCR that lost every mark: a spelling with marks wins even when repeated
    if outside and not bare:
        return name
    base, key = _text_base(text), _base(name)
    variants: dict[str, int] = {}
    for i in literal_starts(base, key, alone="L") if key else ():
        if span and span[0] <= i < span[1]:
            continue
        v = text[i:i + len(key)]
        if "\n" not in v:
            variants[v] = variants.get(v, 0) + 1
    if bare:
        variants = {v: k for v, k in variants.items() if unmark(v) != v}
    if not variants:
        return name
    return max(variants, key=variants.get)


_OFFICE = regex.compile(r"^(?:Bộ trưởng|Chủ tịch|Giám đốc|Cục trưởng|Tổng cục trưởng|Trưởng ban|Tổng giám đốc)\s+"
                       r"(?=(?:Bộ|Ủy ban|Uỷ ban|Sở|Cục|Tổng cục|Ban|Tập đoàn|Tổng công ty)\s)")


def _office_to_body(h: Header) -> None:
    """"Bộ trưởng Bộ Xây dựng" read from an enacting line names the office holder; the issuer is his body
    (the printed header would say "BỘ XÂY DỰNG"). "Thủ tướng Chính phủ" is itself the issuer."""
    f = h.issuer
    m = _OFFICE.match(f.value or "")
    if m:
        h.issuer = Field(f.value[m.end():], f.start + m.end() if f.start is not None else None, f.end, f.confidence)


def _level(text: str) -> str:
    """"tỉnh" when the document keeps saying "UBND tỉnh" (an unnamed People's Committee signs)."""
    levels = regex.findall(r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|thành phố|huyện|quận|thị xã|xã|phường)\b",
                           text)
    if not levels:
        return ""
    return max(set(levels), key=levels.count)


def _doc_type(doc: Document, seg: Segments, h: Header) -> None:
    if seg.type_name:
        got = match_type_name(seg.type_name.text)
        if got:
            h.doc_type = _field(got[0], seg.type_name, 0.8 if got[3] else 1.0)
            return
    meta = seg.metadata.get("Loại văn bản")
    if meta and meta.text.strip().casefold() in _CANON:
        h.doc_type = _field(_CANON[meta.text.strip().casefold()], meta, 0.8)
        return
    tc = h.number_parts.type_code
    if tc and tc in TYPE_CODES:
        h.doc_type = _field(TYPE_CODES[tc], (h.number.start, h.number.end) if h.number.start is not None else None,
                            0.8)
        return
    if seg.title and VV.match(seg.title.text):
        h.doc_type = _field("Công văn", seg.title, 0.9)
    elif h.number.value and h.number_parts.type_code is None and seg.kinh_gui:
        h.doc_type = _field("Công văn", seg.kinh_gui, 0.6)


# "V/v" as OCR may leave it ("V⁄ cấp Giấy phép …", "V| …"), followed by the subject in lower case
_VV_DAMAGED = regex.compile(r"(?m)^[ \t]*[VW][ \t]?[/⁄∕|\\][ \t]?[vVy]?[ \t]+(?=\p{Ll})")
_LOWER_LINE = regex.compile(r"\n(?:[ \t]*\n)?[ \t]*(\p{Ll}[^\n]*?)[ \t]*(?=\n|$)")  # one blank line at most before


def _vv_damaged(doc: Document, seg: Segments) -> Span | None:
    """A "V/v" line that OCR damaged past the segmenter's reading, where no title nor subject was found: the
    subject, with the lines below it that go on in lower case."""
    if seg.type_name or seg.title:
        return None
    hi = seg.kinh_gui.start if seg.kinh_gui else min(len(doc.text), 3000)
    m = _VV_DAMAGED.search(doc.text, 0, hi)
    if not m:
        return None
    end = doc.text.find("\n", m.end(), hi)
    end = hi if end < 0 else end
    for _ in range(3):
        lm = _LOWER_LINE.match(doc.text, end, hi)
        if not lm or DATE_LINE.search(lm[1]):
            break
        end = lm.end(1)
    return Span(m.end(), end, doc.text[m.end():end])


def _after_authority(doc: Document, seg: Segments, sp: Span) -> Span | None:
    """The end of a title that OCR read below the enacting body's line it was printed beside ("… thi hành pháp
    luật / CHÍNH PHỦ / đáp ứng yêu cầu phát triển … / CHÍNH PHỦ"): lines in lower case right after that line."""
    a = seg.authority
    if a is None or doc.text[sp.end:a.start].strip() or regex.search(r"[.;:]\s*$", sp.text):
        return None
    end = a.end
    for _ in range(2):
        lm = _LOWER_LINE.match(doc.text, end)
        if not lm or lm.end(1) - lm.start(1) > 160 or regex.search(r"[;:]$", lm[1]):
            break
        end = lm.end(1)
    return Span(a.end, end, doc.text[a.end:end].strip()) if end > a.end else None


_NEXT_LINE = regex.compile(r"\n(?:[ \t]*\n)?[ \t]*([^\n]*?)[ \t]*(?=\n|$)")


def _after_stop(doc: Document, seg: Segments, sp: Span) -> Span | None:
    """The rest of a title that a full stop OCR read at a line's end cut short ("… một số điều của Luật. /
    Chứng khoán (…) tiếp / tục có hiệu lực thi hành / BỘ TRƯỞNG BỘ TÀI CHÍNH / Căn cứ …"): up to three lines
    that run on to the enacting body's line in capitals, where the preamble follows that line."""
    if seg.type_name is None or seg.authority is not None or not sp.text.rstrip().endswith("."):
        return None
    end = sp.end
    for n in range(4):
        lm = _NEXT_LINE.match(doc.text, end)
        if not lm or not lm[1]:
            return None
        line = lm[1]
        if is_upper(line):
            after = _NEXT_LINE.match(doc.text, lm.end(1))
            if n and AUTHORITY.match(line) and after and OPENER.match(after[1]):
                return Span(sp.end, end, doc.text[sp.end:end].strip())
            return None
        if OPENER.match(line) or DECISION.match(line) or regex.match(r"(?:Điều\s+\d|Kính\s+gửi)", line):
            return None
        end = lm.end(1)
    return None


def _subject(doc: Document, seg: Segments, h: Header) -> None:
    sp = seg.subject
    if sp is None:
        sp = _vv_damaged(doc, seg) or _headline(doc, seg)
        if sp is None:
            return
    elif (tail := _after_authority(doc, seg, sp)) is not None:
        sp = Span(sp.start, tail.end, sp.text + "\n" + tail.text)
    elif (tail := _after_stop(doc, seg, sp)) is not None:
        sp = Span(sp.start, tail.end, sp.text.rstrip()[:-1] + "\n" + tail.text)
    s = _oneline(sp.text)
    jm = _JUNK_LEAD.match(s)
    if jm and all(regex.search(r"[^\p{L}]", w) or len(w) <= 2 for w in jm[1].split()):
        # a stamp's number or debris before the "Về …" of the subject ("Ig-Q612/2G20 -| Về các nhiệm vụ …")
        cut = sp.text.find(s[jm.end():jm.end() + 12])
        if cut >= 0:
            sp = Span(sp.start + cut, sp.end, sp.text[cut:])
        s = s[jm.end():]
    m = VV.match(s)
    if m:
        s = s[m.end():]
    s = s.strip(" .;:")
    if not s or _JUNK_SUBJECT.search(s):
        return  # a subject that cannot be read stays empty rather than holding a stamp, a list or a date line
    s = _marked(doc, seg, s)
    if is_upper(s):
        s = _without_enacting_body(s, h)
        # after "VỀ VIỆC" the trích yếu goes on in lower case, as a mixed-case "Về việc công bố …" prints it
        s = sentence_case(s, doc.text, first_capital=not m)
        if s.lower() not in _text_lower(doc.text):  # a word whose marks OCR changed, as the running text spells it
            s = settle_ocr_marks(doc.text, s, (sp.start, sp.end))
    else:
        s = settle_ocr_copy(doc.text, settle_ocr_marks(doc.text, s, (sp.start, sp.end)), (sp.start, sp.end))
        s = _settle_ocr_commas(doc.text, s, (sp.start, sp.end))
    # a comma OCR read as a full stop inside the title ("ở cấp xã, ở thôn. tổ dân phố"): a trích yếu is one phrase
    # and a code that a line's end broke after its hyphen ("155/2020/NĐ- CP")
    h.subject = _field(_CODE_BREAK.sub("-", _STOP_INSIDE.sub(",", repair_marks(s))), sp)


# What a trích yếu never is: junk before its first letter, a "label: value" stamp line, the Kính gửi or Nơi nhận
# list, a "Lưu" line, a numbered body item, a place-and-date line.
_JUNK_SUBJECT = regex.compile(
    r"^[^\p{L}\d\"“'(«]|^\d{1,2}\s*[.)]\s|^[IVX]{1,4}\.\s|^[\p{L}\d]+(?:\s[\p{L}\d]+)?\s*:\s"
    r"|K[íi]nh\s*g[ửủ]i\s*:|N[ơo]i\s+nh[ậa]n\s*:|(?:^|\s)-\s*L[ưu]u\s*:|Ký bởi\s*:|Thời gian ký\s*:"
    r"|\p{L}+,\s*ng\S{0,3}\s+\S{1,3}\s+th\S{0,4}\s+\S{1,3}\s+n\S{0,3}\s+\d")
_WORD = regex.compile(r"[\p{L}\d]+")
_STOP_INSIDE = regex.compile(r"(?<=\p{Ll}{2})\.(?= \p{Ll}{2})")
_CODE_BREAK = regex.compile(r"(?<=\d/(?:\d{4}/)?\p{Lu}{1,8})- (?=\p{Lu}{1,10}(?![\p{L}\d]))")
_LONG_GAP = regex.compile(r"[^\p{L}\d]{4,}|\0")
# a gap of one to three non-letters (after _LONG_GAP, none is longer); a single space, the most common gap by far,
# is left alone rather than replaced by itself
_SHORT_GAP = regex.compile(r"[^\p{L}\d\0 ][^\p{L}\d\0]{0,2}|[ ][^\p{L}\d\0]{1,2}")
_JUNK_LEAD = regex.compile(r"^((?:\S+\s+){1,3}?)(?=(?:Về|V/v|V/V)\s+\p{Ll})")


def _as_runs(text: str) -> str:
    """Words one space apart where one to three non-letters part them, a "\\0" where more do: runs of words are
    substrings (" a b c "), offsets the same for two texts whose letters match one for one."""
    return " " + _SHORT_GAP.sub(" ", _LONG_GAP.sub(" \0 ", text)) + " "


def settle_ocr_marks(text: str, s: str, span: tuple[int, int]) -> str:
    """OCR marks in a subject ("thuế đổi với hộ, cá nhân kinh đoanh trên sản") repaired where the running text
    holds the same letters with other marks ("thuế đối với hộ, cá nhân kinh doanh trên sàn"): a run of three
    words the text never prints as the subject does takes the text's spelling of the same letters."""
    folded = _text_folded(text)
    low = s.casefold()
    if low in folded[:span[0]] or low in folded[span[1]:]:
        return s
    # how the text (the subject left out) spells each run of three of the subject's words, by their letters
    # without marks, and how often. Words one to three non-letters apart are a run: with every such gap made one
    # space and longer gaps a break, a run is a plain substring, and the text with marks, rewritten the same way,
    # holds its spelling at the same offset (marks are one character for one).
    base, cut = _text_base(text), (span[0], span[1])
    words = [_base(w) for w in _WORD.findall(s)]
    runs: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}
    if len(words) < 3:
        return s
    plain = _as_runs(base[:cut[0]] + "\0" + base[cut[1]:])
    spelt_as = _as_runs(folded[:cut[0]] + "\0" + folded[cut[1]:])
    for a in range(min(len(words) - 2, 60)):
        key = tuple(words[a:a + 3])
        if key in runs:
            continue
        seen_runs = runs[key] = {}
        probe = " " + " ".join(key) + " "
        i = plain.find(probe)
        while i >= 0:
            spelt = tuple(spelt_as[i + 1:i + len(probe) - 1].split(" "))
            seen_runs[spelt] = seen_runs.get(spelt, 0) + 1
            i = plain.find(probe, i + 1)
    out = s
    words = list(_WORD.finditer(out))
    # a word that a run of the text prints as the subject does (as often as otherwise) is confirmed: another run
    # over it does not respell it ("vượt tổng mức" printed once each way; "dự toán, vượt tông" once)
    confirmed: set[int] = set()
    for a in range(min(len(words) - 2, 60)):
        seen = runs.get(tuple(_base(w[0]) for w in words[a:a + 3]), {})
        mine = tuple(w[0].casefold() for w in words[a:a + 3])
        if seen.get(mine, 0) and seen[mine] >= max(seen.values()):
            confirmed.update(range(a, a + 3))
    fresh = True  # `words` are the words of `out` as it stands
    for a in range(min(len(words) - 2, 60)):
        if not fresh:
            words, fresh = list(_WORD.finditer(out)), True
        run = words[a:a + 3]
        seen = runs.get(tuple(_base(w[0]) for w in run), {})
        mine = tuple(w[0].casefold() for w in run)
        best = max(seen, key=lambda v: (seen[v], v == mine), default=None)
        if best is None or best == mine or seen[best] <= seen.get(mine, 0):
            continue  # the text agrees with the subject, or does not say otherwise more often
        if any(a + i in confirmed and g != m for i, (g, m) in enumerate(zip(best, mine, strict=True))):
            continue
        got = list(best)
        for w, g in zip(reversed(run), reversed(got), strict=True):  # same lengths: base forms keep offsets
            g = g.upper() if w[0].isupper() else g[:1].upper() + g[1:] if w[0][:1].isupper() else g
            out = out[:w.start()] + g + out[w.end():]
        fresh = False
    return out






def _key(w: str) -> str:
    return w.casefold().strip(".,;:")


def _edits_le(a: str, b: str, k: int) -> bool:
    """Levenshtein distance of two short words at most `k`."""
    if abs(len(a) - len(b)) > k:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1] <= k


def _indices(items: list[str], item: str):
    """Where `item` stands in `items`, found by `list.index` (a scan in C)."""
    i = -1
    while True:
        try:
            i = items.index(item, i + 1)
        except ValueError:
            return
        yield i


def settle_ocr_copy(text: str, s: str, span: tuple[int, int]) -> str:
    """A subject whose OCR damaged a word or two ("công tác trong (âm tháng 10") taken from the running text's
    copy of it ("… công tác trọng tâm tháng 10 …", as a notice restates its subject): the copy holds the
    subject's words one for one, its first or last two words the same, and at most one word in six differing,
    each a letter or two off and without digits. A differing run is taken only when the subject's spelling of
    it occurs nowhere else in the text and the copy's spelling occurs again (or the subject's is plainly
    broken: a sign or a capital inside the word)."""
    words = s.split()
    n = len(words)
    folded = _text_folded(text)
    if n < 5 or s.casefold() in folded[:span[0]] or s.casefold() in folded[span[1]:]:
        return s  # printed again as it is: each of its runs occurs elsewhere, none is taken
    # the text's words, case folded (the spelling taken is folded anyway); split() is the `\S+` of _TOK
    toks = folded[:span[0]].split() + ["\n"] + folded[span[1]:].split()
    keys = list(map(str.strip, toks, repeat(".,;:", len(toks))))
    mine = [_key(w) for w in words]
    starts: set[int] = set()
    for first, second, back in ((mine[0], mine[1], 0), (mine[-2], mine[-1], n - 2)):
        for i in _indices(keys, first):
            if i + 1 < len(keys) and keys[i + 1] == second and i - back >= 0:
                starts.add(i - back)
    best = None
    for p in sorted(starts):
        copy = keys[p:p + n]
        if len(copy) < n:
            continue
        diff = [i for i in range(n) if copy[i] != mine[i]]
        if not diff or len(diff) > max(1, n // 6) or len(diff) > 3:
            continue
        if any(regex.search(r"\d", mine[i] + copy[i]) or not _edits_le(_base(mine[i]), _base(copy[i]), 2)
               for i in diff):
            continue
        best = (p, diff)
        break
    if best is None:
        return s
    p, diff = best
    joined = " " + " ".join(keys) + " "
    out = list(words)
    runs: list[list[int]] = []
    for i in diff:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        a, b = run[0], run[-1] + 1
        printed = " ".join(mine[a:b])
        theirs = " ".join(keys[p + a:p + b])
        if " " + printed + " " in joined:
            continue
        broken = any(regex.search(r"[^\p{L}\d.,;:()\-–/%]|\p{L}[^\p{L}\s.,;:]+\p{L}|^\W+\p{L}+$|\p{Ll}\p{Lu}",
                                  words[i]) for i in run)
        if joined.count(" " + theirs + " ") < 2 and not broken:
            continue
        for i in run:
            w, t = words[i], toks[p + i].strip(".,;:")
            t = t.casefold()
            t = t[:1].upper() + t[1:] if w[:1].isupper() else t
            lead = regex.match(r"^[\W]*", w).group() if not regex.match(r"^\W+\p{L}+$", w) else ""
            out[i] = lead + t + w[len(w.rstrip(".,;:")):]
    return " ".join(out)


_COMMA_PAIR = regex.compile(r"(?<![\p{L}])(\p{Lu}\p{Ll}*), (\p{Lu}\p{Ll}*)(?![\p{L}])")


def _settle_ocr_commas(text: str, s: str, span: tuple[int, int]) -> str:
    """A comma OCR put inside a name ("Sở Công, Thương"): dropped where the running text prints the two
    capitalised words side by side at least twice and never with the comma."""
    outside = text[:span[0]] + "\n" + text[span[1]:]

    def one(m: regex.Match) -> str:
        a, b = m[1], m[2]
        joined = outside.count(f"{a} {b}")
        return f"{a} {b}" if joined >= 2 and f"{a}, {b}" not in outside else m[0]
    return _COMMA_PAIR.sub(one, s)


_NON_WORD = regex.compile(r"\W{1,3}$")


def _after(text: str, prev: str, core: str) -> list[str]:
    """How `text` prints the word `core` where it follows the word `prev` (case ignored; one to three
    non-word characters between): found with plain string search, no pattern built per word."""
    low, prev, core = _text_lower(text), prev.lower(), core.lower()
    out, i = [], low.find(core)
    while i >= 0:
        j = i + len(core)
        if not (j < len(low) and low[j].isalpha()):
            gap = _NON_WORD.search(low, max(0, i - 3), i)
            k = gap.start() if gap else i
            if gap and low.endswith(prev, 0, k) and not (k - len(prev) > 0 and low[k - len(prev) - 1].isalpha()):
                out.append(text[i:j])
        i = low.find(core, i + 1)
    return out


_EDGE_PUNCT = regex.compile(r"^\W+|\W+$")


def sentence_case(s: str, text: str, first_capital: bool = True) -> str:
    """A line printed in capitals in normal case: codes kept, and a word capitalised where the document's
    running text capitalises it mid-sentence ("AN GIANG" → "An Giang", "CHÍNH PHỦ" → "Chính phủ")."""
    out: list[str] = []
    words = s.split()
    for i, w in enumerate(words):
        if _CODE_WORD.search(w) or len(w) == 1:
            out.append(w if _CODE_WORD.search(w) else w.lower())
            continue
        low = w.lower()
        core = _EDGE_PUNCT.sub("", low)
        prev = _EDGE_PUNCT.sub("", words[i - 1]) if i else ""
        if core and prev:
            found = [m for m in _after(text, prev, core) if not m.isupper()]
            if found and sum(m[:1].isupper() for m in found) > len(found) / 2:
                low = low.replace(core, core.capitalize(), 1)
        out.append(low)
    joined = " ".join(out)
    return joined[:1].upper() + joined[1:] if first_capital else joined


def _without_enacting_body(s: str, h: Header) -> str:
    """A title in capitals that a scan's column reading glued to the enacting body's line below it
    ("… TIẾP TỤC CÓ HIỆU LỰC CHÍNH PHỦ"): the issuer's name at its end, not after "của"/"thuộc", is cut."""
    issuer = h.issuer.value
    if not issuer:
        return s
    name = " ".join(unmark(issuer).casefold().split())
    words = unmark(s).casefold().split()
    n = len(name.split())
    if len(words) > n + 3 and " ".join(words[-n:]) == name and words[-n - 1] not in ("cua", "thuoc", "va", "voi"):
        return " ".join(s.split()[:-n])
    return s


def _web_title(seg: Segments) -> Span | None:
    """"Quyết định số 47/2018/QĐ-TTg Thí điểm ..." (a website's title line) → "Thí điểm ..."."""
    t = seg.metadata.get("Tiêu đề")
    if t is None:
        return None
    m = regex.match(r"^\s*(?:\p{L}+\s+){1,3}?(?:số\s+)?[\w.-]*\d[\w.-]*/\S+(?:\s+năm\s+\d{4})?\s+", t.text)
    if not m:
        return None
    e = regex.search(r"\s+do\s+[^,]{2,80}\s+ban hành\s*$", t.text)
    end = e.start() if e else len(t.text)
    return Span(t.start + m.end(), t.start + end, t.text[m.end():end])


def _headline(doc: Document, seg: Segments) -> Span | None:
    """A page without a type line or V/v (a news item): its first Vietnamese headline-like line."""
    if seg.type_name or seg.title:
        return None
    if seg.metadata:
        return _web_title(seg)
    for m in list(regex.finditer(r"(?m)^(\S.*?)\s*$", doc.text[:3000]))[:15]:
        t = m[1]
        if NOISE.match(t) or not (20 <= len(t) <= 250) or regex.search(r"[.;:,]$", t) or DATE_LINE.search(t) or MOTTO.search(t):
            continue
        if not regex.search(r"[^\x00-\x7f]", t) or regex.match(r"^(?:Sở|Bộ|Ủy ban|UBND|Cục|Số)\b", t) or is_upper(t):
            continue
        return Span(m.start(1), m.end(1), t)
    return None


_LINE = regex.compile(r"(?m)^[ \t]*(\S[^\n]*?)[ \t]*$")


def _signer(doc: Document, seg: Segments, h: Header) -> None:
    cells = [c for c in seg.signature_cells if c.text.strip()]
    _read_signer(cells, seg, h)
    found = (h.signer.authority.value, h.signer.position.value, h.signer.name.value)
    if None in found:
        # OCR read the "Nơi nhận" list and the signature side by side: the signature is the tails of the lines
        # ("- Các Sở, ngành: Xây dựng, Công KT. GIÁM ĐỐC" / "Thương, PHÓ GIÁM ĐỐC" / "… Thuế tỉnh; Phạm Năng Chung")
        tails = _tail_cells(doc, seg)
        if tails:
            other = Header()
            _read_signer(tails, seg, other)
            if None not in (other.signer.authority.value, other.signer.position.value, other.signer.name.value):
                h.signer = other.signer
    if h.signer.name.value is None and not cells and seg.noi_nhan is not None:
        # a scan that lost the mark and title lines keeps the name alone below the "Nơi nhận" list
        for m in reversed(list(_LINE.finditer(doc.text, seg.noi_nhan.start))):
            if is_person_name(m[1]):
                h.signer.name = _field(m[1], (m.start(1), m.end(1)), 0.6)
            break
    if h.signer.name.value is None:
        meta = seg.metadata.get("Người ký")
        if meta and is_person_name(meta.text):
            h.signer.name = _field(_oneline(meta.text), meta, 0.7)


    f = h.signer.name
    if f.value:
        span = (f.start, f.end) if f.start is not None else None
        f.value = _surname_settled(settle_ocr_name(doc.text, f.value, span))


def _read_signer(cells: list[Span], seg: Segments, h: Header) -> None:
    """Authority mark, position and name from the signature block's cells, in their order."""
    name_i = next((i for i in range(len(cells) - 1, -1, -1) if person_name(cells[i].text)), None)
    if name_i is not None:
        c = cells[name_i]
        h.signer.name = _field(person_name(c.text), c, 1.0 if is_person_name(c.text) else 0.8)
        before = cells[:name_i]
    else:
        before = cells
    last_mark = None
    for c in before:
        m = MARK.match(c.text.lstrip("* ")) or _MARK_INSIDE.search(c.text)
        if m:
            last_mark = (c, m)
    if last_mark:
        c, m = last_mark
        h.signer.authority = _field(_MARKS.get(m["mark"], m["mark"] + "."), (c.start, c.start + m.end()))
    pos = None
    for c in reversed(before):
        t = c.text.strip("* ")
        if not MARK.match(t) and is_upper(t):
            pos = c
            break
    rest = (last_mark[0].text[last_mark[1].end():] if last_mark[1].re is _MARK_INSIDE
            else last_mark[0].text.lstrip("* ")[last_mark[1].end():]).strip() if last_mark else ""
    if pos is None and last_mark and _MARKS.get(last_mark[1]["mark"]) == "Q." and is_upper(rest):
        # "Q. GIÁM ĐỐC" on one line: the acting officer signs with that title
        s = last_mark[0].start + last_mark[0].text.rfind(rest)
        h.signer.position = _field(position_case(fuzzy_title(rest) or rest), (s, s + len(rest)),
                                   1.0 if fuzzy_title(rest) in (None, rest.strip()) else 0.8)
    elif pos is not None:
        # an OCR'd title ("THỦ TƯỞNG", "PHO VU TRUONG") in the spelling of the title it is
        title = fuzzy_title(pos.text)
        h.signer.position = _field(position_case(title or pos.text), pos,
                                   1.0 if title in (None, pos.text.strip("* ")) else 0.8)
    elif seg.metadata.get("Chức danh") and regex.search(r"\p{L}", seg.metadata["Chức danh"].text):
        meta = seg.metadata["Chức danh"]
        h.signer.position = _field(position_case(meta.text), meta, 0.7)


# A mark inside a cell, after OCR debris or the left column's text ("A TAA 7 KT. CHU TỊCH").
_MARK_INSIDE = regex.compile(r"(?<!\S)(?P<mark>TM|KT|TL|TUQ|Q)\s*\.\s*(?=\p{Lu}{2})")
_TAIL_MARK = regex.compile(r"(?<!\S)((?:TM|KT|TL|TUQ|Q)\s*\.\s*\p{Lu}[\p{Lu}\s.&,-]*?)\s*$")
_TAIL_UPPER = regex.compile(r"(?<![\p{L}&/-])(\p{Lu}{2,}(?:\s+\p{Lu}[\p{Lu}\s]*?)?)\s*$")
_LONE_LETTER = regex.compile(r"(\p{Lu}{2,})\s(\p{Lu})$")
_TAIL_NAME = regex.compile(r"(?<!\S)(\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){1,3})\s*$")


def _tail_cells(doc: Document, seg: Segments) -> list[Span]:
    """The right column of lines where OCR put the "Nơi nhận" list and the signature side by side: a mark
    and its title, a title in capitals, a person's name, each at the end of its line."""
    zone = [sp for sp in (seg.noi_nhan, seg.signature) if sp is not None]
    if not zone:
        return []
    lo, hi = min(sp.start for sp in zone), max(sp.end for sp in zone)
    hi = min(len(doc.text), max(hi, lo + 1200))  # the list's span may stop at a line of OCR debris
    out: list[Span] = []
    for m in _LINE.finditer(doc.text, lo, hi):
        line, at = m[1], m.start(1)
        for rx in (_TAIL_MARK, _TAIL_UPPER, _TAIL_NAME):
            t = rx.search(line)
            if not t:
                continue
            tail = t[1]
            if rx is _TAIL_NAME and not is_person_name(tail):
                continue
            if rx is _TAIL_UPPER:
                tail = _LONE_LETTER.sub(r"\1\2", tail)  # "THỨ TRƯỞN G": a letter OCR split off its word
                if not (fuzzy_title(tail) or POSITION.match(tail)):
                    continue
            if rx is _TAIL_NAME and not out:
                break  # a name before any mark or title is in the list, not the signature
            out.append(Span(at + t.start(1), at + t.end(1), tail))
            break
        if out and is_person_name(out[-1].text):
            break  # the name closes the signature
    return out


# The commonest family names, by their letters without marks: the first word of a signer's name that OCR
# printed with other marks ("Nguyên Tấn Dũng") is the family name it spells.
_SURNAMES = {unmark(n).casefold(): n for n in (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Trịnh", "Đoàn", "Lương", "Trương", "Lâm", "Mai", "Tô", "Hà", "Lữ", "Chu")}


def _surname_settled(name: str) -> str:
    first, _, rest = name.partition(" ")
    known = _SURNAMES.get(unmark(first).casefold())
    return f"{known} {rest}" if known and rest and first != known else name


_PROPER_BARE_NAMES = {"chinh phu": "Chính phủ", "quoc hoi": "Quốc hội", "uy ban nhan dan": "Ủy ban nhân dân",
                      "viet nam": "Việt Nam"}
_PROPER_BARE = regex.compile(r"\b(" + "|".join(_PROPER_BARE_NAMES) + r")\b")


_POSITION_TAIL = regex.compile(r"(?<=\p{Lu})\p{Ll}+(?=\W*$)|[^\p{L}\s]+$")
_PHO = regex.compile(r"^phó\s+(\w)")
_STATE_NAMES = regex.compile(r"\b(chính phủ|quốc hội|ủy ban nhân dân|việt nam)\b")


def position_case(s: str) -> str:
    """"PHÓ CHỦ TỊCH" → "Phó Chủ tịch"; "THỨ TRƯỞNG" → "Thứ trưởng"."""
    s = _POSITION_TAIL.sub("", _oneline(s.strip("* "))).strip().lower()
    s = _PHO.sub(lambda m: "Phó " + m[1].upper(), s)
    s = _STATE_NAMES.sub(lambda m: normal_case(m[1].upper(), force=True), s)
    for m in _PROPER_BARE.finditer(unmark(s)):  # the same names as OCR prints them without marks
        s = s[:m.start()] + _PROPER_BARE_NAMES[m[1]] + s[m.end():]
    return s[:1].upper() + s[1:]


def _effective(doc: Document, seg: Segments, h: Header) -> None:
    root = seg.body
    zones = [(root.start, root.end)] if root and root.end > root.start else []
    zones.append((0, len(doc.text)))
    for lo, hi in zones:
        for m in _EFFECT.finditer(doc.text, lo, hi):
            ctx = doc.text[max(lo, m.start() - 300):m.start()]
            sentence = regex.split(r"[.;]\s", ctx)[-1]
            bare = _BARE_SELF.fullmatch(sentence)
            own = bare and bare["type"] == h.doc_type.value and regex.search(
                r"(?:^|\n|Điều\s+\d+\.)\s*$", ctx[:len(ctx) - len(sentence)])  # an article of its own, not a citing letter
            if not (_SELF.search(sentence) or own):
                continue
            what = m["what"]
            if regex.match(r"ký|ban", what, regex.IGNORECASE):
                if h.issue_date.value:
                    h.effective_date = _field(h.issue_date.value, (m.start(), m.end()), 0.9)
                return
            ds = find_dates(doc.text, m.start("what") - 5 if m.start("what") >= 5 else 0, m.end() + 2)
            if ds:
                h.effective_date = _field(ds[-1].iso, (m.start(), m.end()))
            return
    # "Quyết định này có hiệu lực sau 10 ngày kể từ ngày ký": counted from the issue date
    for m in _EFFECT_AFTER.finditer(doc.text):
        ctx = regex.split(r"[.;]\s", doc.text[max(0, m.start() - 300):m.start()])[-1]
        if _SELF.search(ctx) and h.issue_date.value:
            try:
                day = dt.date.fromisoformat(h.issue_date.value) + dt.timedelta(days=int(m["n"]))
            except ValueError:
                return
            h.effective_date = _field(day.isoformat(), (m.start(), m.end()), 0.8)
            return
    # A website page that carries only the record: its "Ngày có hiệu lực" line states the date.
    got = _metadata_date(seg, "Ngày có hiệu lực")
    if got:
        h.effective_date = got


def _recipients(doc: Document, seg: Segments, h: Header) -> None:
    kg = seg.kinh_gui
    if kg is None:
        return
    m = regex.match(r"^(?:Kính\s*g[ửủ]i|KÍNH GỬI)\s*:?\s*", kg.text, regex.IGNORECASE)
    off = m.end() if m else 0
    body = kg.text[off:]
    items: list[tuple[int, int]] = []
    if regex.search(r"(?m)^\s*[-–+•]\s*", body):
        for im in regex.finditer(r"(?m)^\s*[-–+•]\s*(.+(?:\n(?![-–+•]).+)*)", body):
            items.append((im.start(1), im.end(1)))
        first = body[:items[0][0]] if items else ""
        if regex.search(r"\p{L}", first.split("\n")[0]):
            items.insert(0, (0, len(first.split("\n")[0])))
    else:
        pos = 0
        for part in regex.split(r";", body):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
    for a, b in items:
        raw = body[a:b]
        name = _oneline(raw).strip(" ;.,")
        if not name or not regex.search(r"\p{L}", name):
            continue
        lead = len(raw) - len(raw.lstrip())
        s = kg.start + off + a + lead
        h.recipients.append(_field(canonical_body(name), (s, s + len(raw.strip()))))


# Issuer codes of the số/ký hiệu and the body they stand for.
ISSUER_CODES = {"TTg": "Thủ tướng Chính phủ", "CP": "Chính phủ", "BCT": "Bộ Công Thương", "BTC": "Bộ Tài chính",
                "BXD": "Bộ Xây dựng", "BNV": "Bộ Nội vụ", "BTP": "Bộ Tư pháp", "QH": "Quốc hội",
                "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "BKHĐT": "Bộ Kế hoạch và Đầu tư"}


def _fix_issuer_code(h: Header) -> None:
    """"41/CT-TTs" signed by the Prime Minister: the code one letter off the issuer's own is that code."""
    parts, issuer = h.number_parts, h.issuer.value or ""
    code = (parts.issuer_code or "").split("-")[0]
    if not code or code in ISSUER_CODES or not h.number.value:
        return
    for known, body in ISSUER_CODES.items():
        if issuer.casefold().startswith(body.casefold()) and regex.fullmatch(f"(?:{regex.escape(known)}){{s<=1}}",
                                                                             code):
            fixed = regex.sub(rf"(?<=/){regex.escape(code)}(?=-|$)|(?<=-){regex.escape(code)}(?=-|$)", known,
                              h.number.value, count=1)
            if fixed != h.number.value:
                h.number = Field(fixed, h.number.start, h.number.end, min(h.number.confidence, 0.7))
                parts.issuer_code = known + (parts.issuer_code or "")[len(code):]
            return


def extract(doc: Document, seg: Segments, ex: Extraction | None = None) -> Header:
    h = Header(signer=Signer())
    _number(doc, seg, h)
    _date_place(doc, seg, h)
    _issuer(doc, seg, h)
    _office_to_body(h)
    _fix_issuer_code(h)
    _doc_type(doc, seg, h)
    if h.doc_type.value is None:
        _doc_type_model(doc, seg, h)
    _subject(doc, seg, h)
    _signer(doc, seg, h)
    _effective(doc, seg, h)
    _recipients(doc, seg, h)
    return h


# --- document type model: the fallback when no type line, metadata, type code or V/v settles it.
MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "doctype.model.json"
_MODEL: list = []


def doctype_text(doc: Document, seg: Segments) -> str:
    """What the model reads: the opening of the document with the type line and metadata blanked out,
    as a document whose type line OCR has mangled would look."""
    text = doc.text
    cut = [(seg.type_name.start, seg.type_name.end)] if seg.type_name else []
    cut += [(sp.start, sp.end) for sp in seg.metadata.values()]
    chars = list(text[:3000])
    for a, b in cut:
        for i in range(a, min(b, len(chars))):
            chars[i] = " "
    head = "".join(chars)
    tail = text[seg.body.start:seg.body.start + 600] if seg.body else ""
    return _oneline(head[:1500] + " " + tail)


def _model():
    """The stored model (plain JSON, scored in plain Python by models/linear.py: no scikit-learn version to match);
    None without the file, and None with a warning when it cannot be read: then the rules decide alone."""
    if not _MODEL:
        model = None
        if MODEL_PATH.exists():
            try:
                from models.linear import LinearTextModel

                model = LinearTextModel.load(MODEL_PATH)
            except Exception as err:
                import warnings

                warnings.warn(f"document type model {MODEL_PATH.name} not loaded ({type(err).__name__}: {err}); "
                              "the type rules decide alone", RuntimeWarning, stacklevel=2)
        _MODEL.append(model)
    return _MODEL[0]


def _doc_type_model(doc: Document, seg: Segments, h: Header) -> None:
    model = _model()
    if model is None or not doc.text.strip():
        return
    proba = model.probabilities(doctype_text(doc, seg))
    best = max(range(len(proba)), key=proba.__getitem__)  # the first of equals, as argmax
    if proba[best] >= 0.5:
        h.doc_type = _field(str(model.classes_[best]), None, round(float(proba[best]) * 0.6, 3))
