"""Canonical keys for cited documents, so one document cited five ways is one node.

A key is the document's number in one spelling ("45/2012/NĐ-CP": no spaces,
known code tokens in their usual case, leading zeros of the serial dropped).
A citation that gives only part of it keeps a key the store can still resolve
against full numbers: "NĐ:45/2012" (type code, serial, year) or "NĐ:45".
Laws and codes cited by name resolve through `data/laws.tsv` (name + year →
number); unknown ones key on their folded name ("LUẬT:đất đai:2024").
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.normalise import fold

# Type codes of the số, ký hiệu → canonical document type.
TYPE_CODES: dict[str, str] = {
    "NĐ": "Nghị định", "QĐ": "Quyết định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "NQ": "Nghị quyết", "NQLT": "Nghị quyết liên tịch", "CT": "Chỉ thị", "KH": "Kế hoạch",
    "TTr": "Tờ trình", "TB": "Thông báo", "KL": "Kết luận", "CTr": "Chương trình", "GP": "Giấy phép",
    "BC": "Báo cáo", "HD": "Hướng dẫn", "CĐ": "Công điện", "QC": "Quy chế", "QĐi": "Quy định",
    "PL": "Pháp lệnh", "L": "Lệnh", "BB": "Biên bản", "ĐA": "Đề án", "PA": "Phương án",
    "GM": "Giấy mời", "VBHN": "Văn bản hợp nhất", "QCVN": "Quy chuẩn kỹ thuật quốc gia",
    "GĐN": "Giấy đề nghị", "CV": "Công văn",
}
# Issuer codes → the issuing body as written out.
ISSUER_CODES: dict[str, str] = {
    "CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ", "VPCP": "Văn phòng Chính phủ",
    "QH": "Quốc hội", "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "TW": "Ban Chấp hành Trung ương", "TU": "Tỉnh ủy", "TƯ": "Ban Chấp hành Trung ương",
    "BCT": "Bộ Công Thương", "BTC": "Bộ Tài chính", "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BNNMT": "Bộ Nông nghiệp và Môi trường", "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BTNMT": "Bộ Tài nguyên và Môi trường", "BXD": "Bộ Xây dựng", "BYT": "Bộ Y tế", "BTP": "Bộ Tư pháp",
    "BNV": "Bộ Nội vụ", "BCA": "Bộ Công an", "BQP": "Bộ Quốc phòng", "BNG": "Bộ Ngoại giao",
    "BGDĐT": "Bộ Giáo dục và Đào tạo", "BGTVT": "Bộ Giao thông vận tải", "BKHCN": "Bộ Khoa học và Công nghệ",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội", "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BTTTT": "Bộ Thông tin và Truyền thông", "BCN": "Bộ Công nghiệp", "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "UBND": "Ủy ban nhân dân", "UB": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân",
    "SCT": "Sở Công Thương", "SNNMT": "Sở Nông nghiệp và Môi trường", "STC": "Sở Tài chính",
    "SXD": "Sở Xây dựng", "STNMT": "Sở Tài nguyên và Môi trường", "SKHĐT": "Sở Kế hoạch và Đầu tư",
    "BCĐ": "Ban Chỉ đạo",
}
# Spelling of code tokens as printed most often (keys keep mixed-case tokens).
_CASE = {k.upper(): k for k in [*TYPE_CODES, *ISSUER_CODES]}
# OCR and typing slips inside codes: letters without their stroke, swapped letters.
_CODE_FIXES = {"TG": "TTg", "ND": "NĐ", "QD": "QĐ", "HDND": "HĐND", "UNBD": "UBND", "UBDN": "UBND", "BKHDT": "BKHĐT",
               "CD": "CĐ", "DKT": "ĐKT", "NB": "NĐ", "QB": "QĐ", "NO": "NQ", "TIR": "TTr", "TLR": "TTr"}
# Serials and years OCR'd with look-alike letters.
_DIGIT_FIXES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
_TOKEN_SPLIT = regex.compile(r"[-/]")
_NUMBER_PARTS = regex.compile(
    r"(?P<serial>[\dOolI]{1,5}(?:[.,]\d{1,3})?[a-zA-Z]?)(?:/(?P<year>(?:19|20)\d\d))?(?:[-/](?P<code>.+))?$")
_FOOTNOTE = regex.compile(r"^(\p{Lu}+)(\d{1,2})$")
_TYPES_LONGEST = sorted(TYPE_CODES, key=len, reverse=True)
_TYPES_LONGEST_UP = [tc.upper() for tc in _TYPES_LONGEST]


@dataclass
class ParsedNumber:
    serial: str
    year: int | None
    type_code: str | None
    issuer_codes: list[str]

    @property
    def code(self) -> str:
        toks = ([self.type_code] if self.type_code else []) + self.issuer_codes
        return "-".join(toks)


def _fix_token(tok: str) -> str:
    up = tok.upper()
    up = _CODE_FIXES.get(up, up)
    return _CASE.get(up, up)


@lru_cache(maxsize=4096)
def _split_glued(tok: str) -> tuple[str, ...]:
    """"NĐCP" → ("NĐ", "CP") when a known type code is glued to a known issuer code.

    Cached: a handful of tokens ("CP", "UBND", "QĐ") make up nearly every code, and each costs a pass over
    every type code."""
    up = tok.upper()
    for tc in _TYPES_LONGEST_UP:
        if not up.startswith(tc):
            continue
        rest = up[len(tc):]
        if rest and (rest in _CASE or _CODE_FIXES.get(rest) in _CASE):
            return _fix_token(up[: len(tc)]), _fix_token(rest)
    return (_fix_token(tok),)


_SPACES = regex.compile(r"\s+")
_ASSEMBLY_CODE = regex.compile(r"^(QH|UBTVQH)\d*$")
_ASSEMBLY_TERM = regex.compile(r"^(UBTVQH|QH)\d+$")
_PARTY_SERIAL = regex.compile(r"^[\dOolI.,]+[a-zA-Z]?-")
_NAME_PUNCT = regex.compile(r"[,;.\-–]")


@lru_cache(maxsize=4096)
def parse_number(number: str, keep_zeros: bool = False) -> ParsedNumber | None:
    """Split a số, ký hiệu ("45/2012/NĐ-CP", "02-NQ/TU", "119/2026/UBTVQH15") into its parts."""
    s = _SPACES.sub("", number or "").replace("⁄", "/")
    m = _NUMBER_PARTS.match(s)
    if not m or not m["serial"][0].isdigit():
        return None
    serial = m["serial"].translate(_DIGIT_FIXES)
    if not keep_zeros:
        serial = serial.lstrip("0") or "0" if serial.isdigit() else serial
    tokens: list[str] = []
    for t in _TOKEN_SPLIT.split(m["code"] or ""):
        if t:
            tokens.extend(_split_glued(t))
    if tokens:  # a footnote mark printed against the code: "66-NQ/TW1"
        fm = _FOOTNOTE.match(tokens[-1])
        if fm and _fix_token(fm[1]) in _CASE.values() and not fm[1].endswith("QH"):
            tokens[-1] = _fix_token(fm[1])
    type_code = None
    if tokens and tokens[0] in TYPE_CODES:
        type_code = tokens.pop(0)
    year = int(m["year"]) if m["year"] else None
    return ParsedNumber(serial, year, type_code, tokens)


def code_doc_type(number: str | None) -> str | None:
    """Document type a number's code implies (NĐ-CP → Nghị định; a code without one → Công văn)."""
    p = parse_number(number or "")
    if not p:
        return None
    if p.type_code:
        return TYPE_CODES[p.type_code]
    if p.issuer_codes and _ASSEMBLY_CODE.match(p.issuer_codes[-1]) and len(p.issuer_codes) == 1:
        return "Luật" if p.issuer_codes[0].startswith("QH") else "Nghị quyết"
    if p.issuer_codes:
        return "Công văn"
    return None


def code_issuer(number: str | None) -> str | None:
    """Issuing body a number's code implies (QĐ-TTg → Thủ tướng Chính phủ)."""
    p = parse_number(number or "")
    if not p or not p.issuer_codes:
        return None
    tok = p.issuer_codes[0]
    if tok in ISSUER_CODES:
        return ISSUER_CODES[tok]
    m = _ASSEMBLY_TERM.match(tok)
    return ISSUER_CODES[m[1]] if m else None


def clean_number(number: str | None) -> str | None:
    """A number as printed, normalised: no spaces, code slips and glued codes fixed, footnote marks dropped."""
    return number_key(number, keep_zeros=True)


@lru_cache(maxsize=4096)
def number_key(number: str | None, keep_zeros: bool = False) -> str | None:
    """Key of a full or partial number: "45/2012/NĐ-CP", "2-NQ/TU", "QCVN01:2019/BCT"; "45/2012" alone.

    Cached: a text cites the same few numbers again and again, and each is keyed twice (as printed, then bare)."""
    s = _SPACES.sub("", number or "").replace("⁄", "/")
    if s.upper().startswith("QCVN"):
        return "QCVN" + s[4:].lstrip("-").upper()
    p = parse_number(s, keep_zeros)
    if not p:
        return None
    head = p.serial + (f"/{p.year}" if p.year else "")
    tokens = ([p.type_code] if p.type_code else []) + p.issuer_codes
    if not tokens:
        return head
    if p.year is None and p.type_code and _PARTY_SERIAL.match(s):
        # Party documents put the type after a hyphen: 02-NQ/TU, 12-CTr/BCĐ.
        return f"{head}-{p.type_code}/" + "/".join(p.issuer_codes)
    return f"{head}/" + "-".join(tokens)


def partial_key(type_code: str | None, serial: str, year: int | None = None) -> str:
    """Key of a citation without its code: "Nghị định 45/2012" → "NĐ:45/2012"."""
    serial = serial.translate(_DIGIT_FIXES).lstrip("0") or "0"
    return f"{type_code or '?'}:{serial}" + (f"/{year}" if year else "")


def type_code_of(doc_type: str | None) -> str | None:
    for code, name in TYPE_CODES.items():
        if doc_type and name.casefold() == doc_type.casefold():
            return code
    return None


def own_key(number: str | None, doc_type: str | None = None) -> str | None:
    """Key of a document's own số, ký hiệu, for resolving citation edges in the store."""
    key = number_key(number)
    if key and "/" not in key and "-" not in key:
        return partial_key(type_code_of(doc_type), key.split("/")[0], None)
    return key


def aliases(number: str | None, doc_type: str | None = None) -> list[str]:
    """Partial keys a document with this number answers to, so the store can resolve
    citations that printed only part of it: "45/2012/NĐ-CP" → ["NĐ:45/2012", "NĐ:45"]."""
    p = parse_number(number or "")
    if not p:
        return []
    code = p.type_code or type_code_of(doc_type)
    if not code:
        return []
    keys = [partial_key(code, p.serial, p.year)] if p.year else []
    return keys + [partial_key(code, p.serial)]


@dataclass(frozen=True)
class Law:
    name: str
    year: int
    number: str
    date: str | None


_AMENDS = regex.compile(r"sửa đ[ổồôỗ]i(?:,? b[ổồỗố] sung)?(?: một số điều)?(?: của)?")  # OCR: "sửa đồi"


def law_name_key(name: str) -> str:
    """Comparison form of a law's name: folded, punctuation dropped ("Phòng cháy, chữa cháy và cứu nạn
    cứu hộ" is printed with and without its commas), "sửa đổi, bổ sung một số điều của" said one way."""
    key = _AMENDS.sub("sửa đổi", fold(name))
    return " ".join(_NAME_PUNCT.sub(" ", key).split())


def _close_name(key: str) -> str | None:
    """The table's name nearest to an OCR- or typo-damaged one ("khoán sản", "Chỉnh phú"), if one is close."""
    if len(key) < 12:
        return None
    near = difflib.get_close_matches(key, list(laws()), n=2, cutoff=0.93)
    return near[0] if len(near) == 1 or (near and near[0] == key) else None


@lru_cache(maxsize=1)
def laws() -> dict[str, list[Law]]:
    """laws.tsv, keyed by folded name, versions oldest first."""
    out: dict[str, list[Law]] = {}
    path = Path(__file__).parent / "data" / "laws.tsv"
    with path.open(encoding="utf-8") as f:
        rows = csv.reader((line for line in f if not line.startswith("#")), delimiter="\t")
        next(rows, None)
        for row in rows:
            if len(row) >= 3 and row[1].isdigit():
                law = Law(row[0], int(row[1]), row[2], (row[3] if len(row) > 3 else "") or None)
                out.setdefault(law_name_key(row[0]), []).append(law)
    for v in out.values():
        v.sort(key=lambda x: x.year)
    return out


def find_law(name: str, date: str | None = None, year: int | None = None, before_year: int | None = None) -> Law | None:
    """The version of a law named `name` that a citation means.

    The date or year printed with the name settles it; without either, the
    latest version not newer than the citing document (`before_year`).
    """
    key = law_name_key(name)
    versions = laws().get(key) or laws().get(_close_name(key) or "")
    if not versions:
        return None
    if date:
        for v in versions:
            if v.date == date:
                return v
        for v in versions:  # the year mistyped: "ngày 29 tháng 11 năm 2025" for the law of 29/11/2024
            if v.date and v.date[4:] == date[4:] and abs(int(v.date[:4]) - int(date[:4])) == 1 \
                    and not any(w.year == int(date[:4]) for w in versions):
                return v
        year = year or int(date[:4])
    if year:
        exact = [v for v in versions if v.year == year]
        return exact[0] if exact else None
    if before_year:
        older = [v for v in versions if v.year <= before_year]
        return older[-1] if older else None
    return versions[-1] if len(versions) == 1 else None


def law_key(name: str, date: str | None = None, year: int | None = None, before_year: int | None = None) -> str:
    """Key of a law cited by name: its number when the table knows it, else its folded name (+ year)."""
    law = find_law(name, date, year, before_year)
    if law:
        return number_key(law.number) or law.number
    y = year or (int(date[:4]) if date else None)
    return f"LUẬT:{law_name_key(name)}" + (f":{y}" if y else "")


def named_key(doc_type: str, title: str, year: int | None = None) -> str:
    """Key of a document known only by its name (a treaty, a strategy): type, folded name, year."""
    return f"{fold(doc_type).upper()}:{fold(title)}" + (f":{year}" if year else "")
