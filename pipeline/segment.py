"""Split a document into its parts (see `pipeline.segments`).

A Vietnamese administrative document (Decree 30/2020 layout) reads, top to
bottom:

    [website metadata]   "Số hiệu / Ngày ban hành / Cơ quan ban hành / Người ký" (vbpl, congbao copies)
    header               two-column table: left the body (parent line over issuer line) and
                         "Số: 2211/QĐ-UBND"; right the national motto and "An Giang, ngày 03 tháng 8 năm 2016"
    title                type name ("QUYẾT ĐỊNH") + trích yếu, or a letter's "V/v ..." (inside the header)
    authority            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG" (decisions, resolutions)
    kinh_gui             "Kính gửi: ..." with its "- ..." recipients
    preamble             "Căn cứ ...; Theo đề nghị ..." up to the "QUYẾT ĐỊNH:" line or the enacting
                         formula ("Chính phủ ban hành Nghị định ...")
    body                 tree of `Section`s
    signature            "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Lê Văn Nưng"
    noi_nhan             "Nơi nhận: - Như Điều 3; ... - Lưu: VT."
    appendices           "PHỤ LỤC ..." / "CHƯƠNG TRÌNH ... (Ban hành kèm theo ...)", each its own tree

Every part is a `Span` of `Document.text`; a part that is absent is None.
Parts may overlap where the layout interleaves them (a letter's V/v sits in
the header table; "Nơi nhận" and the signature share lines in two-column PDF
text).

Body tree (`Section.kind`, outermost first): part "Phần I", chapter "Chương
I", section "Mục 1", article "Điều 1.", letter "A.", roman "I.", clause
"1." (and "1.1." one deeper), clause_paren "1)", point "a)", dash "-", plus
"+", row (a table row joined with " | "), paragraph (unnumbered text directly
under the root). A node's `start`..`end` covers its heading and everything
under it; `title` is the heading text after the label. A marker kind already
open on the stack closes back to that level (so a document that nests "a)"
above "1." keeps its own order); otherwise the fixed order above decides.

Two-column tables: text extraction either keeps columns apart with runs of
spaces (PDF layout), joins cells with " | " (DOCX rows), or puts each cell on
its own lines between lines holding only "|" (HTML copies). `Document.text`
has its spaces collapsed, so cells are found in the raw text through the
offset map. `header_lines` / `signature_lines` hold the cells put back
together, `header_cells` / `signature_cells` the same with offsets. Single-
spaced OCR lines that run two columns together are cut where the motto, a
place-and-date or an authority mark begins. The signer's name is the first
line of two to five capitalised words after the mark/position lines; a name
printed in capitals is accepted when underthesea's bundled NER tags it PER.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.cues import Cued
from pipeline.document import Document
from pipeline.normalise import unmark
from pipeline.outline import build_tree
from pipeline.segments import Section, Segments, Span

# Canonical type names and how they are printed on the type line.
DOC_TYPES: list[tuple[str, str]] = [
    ("Văn bản hợp nhất", "VĂN BẢN HỢP NHẤT"), ("Thông tư liên tịch", "THÔNG TƯ LIÊN TỊCH"),
    ("Quyết định", "QUYẾT ĐỊNH"), ("Chỉ thị", "CHỈ THỊ"), ("Thông báo", "THÔNG BÁO"), ("Kế hoạch", "KẾ HOẠCH"),
    ("Nghị quyết", "NGHỊ QUYẾT"), ("Nghị định", "NGHỊ ĐỊNH"), ("Thông tư", "THÔNG TƯ"), ("Báo cáo", "BÁO CÁO"),
    ("Giấy phép", "GIẤY PHÉP"), ("Tờ trình", "TỜ TRÌNH"), ("Hướng dẫn", "HƯỚNG DẪN"),
    ("Chương trình", "CHƯƠNG TRÌNH"), ("Quy chế", "QUY CHẾ"), ("Quy định", "QUY ĐỊNH"), ("Công điện", "CÔNG ĐIỆN"),
    ("Giấy mời", "GIẤY MỜI"), ("Biên bản", "BIÊN BẢN"), ("Đề án", "ĐỀ ÁN"), ("Phương án", "PHƯƠNG ÁN"),
    ("Bộ luật", "BỘ LUẬT"), ("Luật", "LUẬT"), ("Pháp lệnh", "PHÁP LỆNH"), ("Lệnh", "LỆNH"),
    ("Hiến pháp", "HIẾN PHÁP"), ("Công văn", "CÔNG VĂN"),
]


def _type_alt(printed: str) -> str:
    # OCR confuses one letter in long names ("QUYÉT ĐỊNH", "NGHỊ LỊNH"); short ones must be exact. A name typed
    # without marks ("QUYET DINH", "GIAY PHEP") is the same name.
    esc = regex.escape(printed).replace(r"\ ", r"\s+")
    plain = regex.escape(unmark(printed)).replace(r"\ ", r"\s+")
    alt = f"(?:{esc}){{s<=1}}" if len(printed) >= 8 else f"(?:{esc})"
    return alt if plain == esc else f"{alt}|{plain}"


TYPE_LINE = regex.compile(
    r"^\W{0,3}(?P<name>" + "|".join(f"(?P<t{i}>{_type_alt(p)})" for i, (_, p) in enumerate(DOC_TYPES)) + r")"
    r"(?=\s|$)(?!\s*:)", regex.BESTMATCH)


_TYPE_WHOLE = [(canon, regex.compile(r"^\W{0,3}(" + f"(?:{regex.escape(p)}){{e<=1}}" + r")\W{0,3}$", regex.BESTMATCH))
               for canon, p in DOC_TYPES if len(p) >= 6]



_TYPE_BARE = {unmark(p): canon for canon, p in DOC_TYPES}
_WHOLE_NAME = regex.compile(r"^\W{0,3}(\p{L}+(?:\s\p{L}+){0,3})\W{0,3}$")


def match_type_name(s: str) -> tuple[str, int, int, bool] | None:
    """(canonical type, start, end, fuzzy) when `s` opens with a printed type name in capitals."""
    m = TYPE_LINE.match(s)
    if not m:
        if len(s) <= 24 and is_upper(s) and not s.rstrip().endswith(":"):
            for canon, pat in _TYPE_WHOLE:  # a line holding only a damaged name: "CHỈ THI"
                w = pat.match(s)
                if w:
                    return canon, w.start(1), w.end(1), True
            w = _WHOLE_NAME.match(s)  # OCR that lost every mark: "THONG BAO"
            if w and " ".join(unmark(w[1]).split()) in _TYPE_BARE:
                return _TYPE_BARE[" ".join(unmark(w[1]).split())], w.start(1), w.end(1), True
        return None
    for i, (canon, printed) in enumerate(DOC_TYPES):
        if m.group(f"t{i}"):
            fuzzy = " ".join(m.group(f"t{i}").split()) != printed
            return canon, m.start("name"), m.end("name"), fuzzy
    return None


UP = r"\p{Lu}"
_GAP = regex.compile(r"[ \u00a0]{3,}|\t+[ \u00a0]*|[ \t\u00a0]*\|[ \t\u00a0]*")


class _Cued:
    """A costly pattern's `search`, run only where a cheap cue that every one of its matches holds is found."""

    __slots__ = ("cue", "rx")

    def __init__(self, cue: regex.Pattern, rx: regex.Pattern):
        self.cue, self.rx = cue, rx

    def search(self, s: str):
        return self.rx.search(s) if self.cue.search(s) else None


_MOTTO = regex.compile(r"(?:XÃ\s*HỘI\s*CHỦ\s*NGHĨA){e<=3}|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|(?:CỘNG\s*HÒA){e<=1}\s*XÃ|(?:CỘNG\s*HOÀ){e<=1}\s*XÃ"
                      r"|(?:Độc\s*lập){e<=1}\s*[-–—]?\s*(?:Tự\s*do){e<=1}|(?:Hạnh\s*phúc){e<=1}$"
                      # typed without marks: "CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc"
                      r"|CONG\s*HOA\s+XA\s+HOI|Doc\s*lap\s*[-–—]?\s*Tu\s*do|Hanh\s*phuc$",
                      regex.IGNORECASE)
# The motto's fuzzy parts cost 14 µs a character. Three edits leave one of "XÃ", "HỘI", "CHỦ", "NGHĨA" whole, one
# edit one of "Độc"/"lập" and one of "Hạnh"/"phúc"; the other forms hold their words as printed.
MOTTO = _Cued(regex.compile(r"XÃ|HỘI|CHỦ|NGHĨA|ĐẢNG|Độc|lập|Hạnh|phúc|CONG|Doc|Hanh", regex.IGNORECASE), _MOTTO)
NUMBER_LINE = regex.compile(r"^(?:Số|S[ốô6]|So(?=\s*[:.])|\$[ốô6o]|(?:Nghị quyết|Quyết định|Chỉ thị|Luật|Nghị định|Thông tư)\s+số)\s*[:.;]?\s*"
                            r"(?=[\dIl/ ]|$)")
# OCR glues digits and junk to the words ("ngày0} thángh măm 2026"): only a following letter breaks a word.
DATE_LINE = regex.compile(r"(?:ng[àaả]y|ngàu|ngà y|Ngày)(?!\p{L}).{0,30}?(?:th[áa]ng|thảng)\p{L}?(?!\p{L}).{0,20}?"
                          r"(?:[nm][ăaắã]m)\b",
                          regex.IGNORECASE)
# A subject line ending on a word that needs its complement ("... ngày 31/12/2007 của") goes on after a blank line.
OPEN_END = regex.compile(r"(?<!\p{L})(?:của|và|về|tại|với|cho|số|trong|theo|các|những|được|bởi|thuộc|đối)\s*$",
                         regex.IGNORECASE)
SEPARATOR = regex.compile(r"^[-_–—=*.~\s\[\]]{2,}$")
NOISE = regex.compile(r"^(?:CÔNG BÁO/Số.*|\d{1,4}|[\[\]|*.\s]{1,3}|Loading|Truy cập nội dung luôn|</?[A-Za-z][^\n]*>"
                      r"|(?:Ký bởi|Cơ quan|Ngày ký|Thời gian ký|Email|Chức vụ)\s*:.*)$")
# Signing titles as printed in capitals, longest first where one holds another.
TITLES = (r"(?:PHÓ\s+)?(?:TỔNG\s+GIÁM\s+ĐỐC|GIÁM\s+ĐỐC|TỔNG\s+CỤC\s+TRƯỞNG|CHI\s+CỤC\s+TRƯỞNG|CỤC\s+TRƯỞNG"
          r"|CHỦ\s+TỊCH(?:\s+QUỐC\s+HỘI)?|THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|VỤ\s+TRƯỞNG|CHÁNH\s+VĂN\s+PHÒNG"
          r"|CHÁNH\s+THANH\s+TRA|CHÁNH\s+ÁN|VIỆN\s+TRƯỞNG|TRƯỞNG\s+ĐOÀN|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|TỔNG\s+BÍ\s+THƯ"
          r"|BÍ\s+THƯ|THỐNG\s+ĐỐC|TỔNG\s+KIỂM\s+TOÁN|KIỂM\s+TOÁN\s+TRƯỞNG|HIỆU\s+TRƯỞNG|CHỦ\s+NHIỆM|TỔNG\s+THƯ\s+KÝ)"
          r"(?!\p{L})")
_TITLE_RUN = rf"{TITLES}(?:\s*,\s*{TITLES})*"
_NAME_TAIL = r"\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}*){1,4}\W{0,2}$"
# Where one column's text runs into the next on a single-spaced line (OCR): the motto, a place-and-date
# after the number, an authority mark after a "Nơi nhận" item. The lookaheads go before the "^-.*"
# lookbehinds, which scan back to the line start: tested everywhere, they made a long line quadratic.
_INNER_SPLIT = regex.compile(
    r"(?<=\S)\s+[_~—-]*\s*(?=(?:C[ỘO]NG\s*H\S{1,3}\s+X[ÃA]\s+H|Độc\s*lập\s*[-–—]))"
    r"|(?<=H[ạa]nh\s+[Pp]h[úu]c)\s+[_~—=-]*\s*(?=S[ốô]\s*:)"  # a flattened header: the number after the motto
    r"|(?<=\bn[ăa]m\s+\d{4})\s+(?=(?:V/v|V/V|v/v|Về\s+việc)\s)"  # ... the "V/v" subject after the date
    r"|(?<=/\S+)\s+(?=\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,3},?\s+ng[àa]y\b)"
    r"|(?=\s+(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\.\s*\p{Lu})(?<=[;,.]|^-.*|^\W{0,2}N[ơo]i\s+nh[ậa]n\s*:)\s+"
    r"|(?=\s+PHÓ\s+\p{Lu})(?<=^(?:KT|TL|TUQ)\.\s*\p{Lu}[\p{Lu}\s]{0,80}?)\s+"
    # pdftotext without -layout glues the signature column to the "Nơi nhận" bullets with one blank:
    # "- Như Điều 3; PHÓ CHỦ TỊCH", "- Lưu: VT, KTN. Nguyễn Văn Lợi"
    r"|(?=\s+(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG"
    r"|THỨ\s+TRƯỞNG|CỤC\s+TRƯỞNG|CHI\s+CỤC\s+TRƯỞNG|TỔNG\s+GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+(?:BAN|PHÒNG)"
    r"|THỦ\s+TƯỚNG)[\p{Lu}\s]{0,80}$)(?<=^[-–+•].*[;,.]|^\W{0,2}N[ơo]i\s+nh[ậa]n\s*:)\s+"
    r"|(?=\s+\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,4}$)(?<=^[-–+•].*[;.])\s+"
    # a signature block flattened onto one line: "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Hữu Tháp",
    # "KT. BỘ TRƯỞNG, CHỦ NHIỆM PHÓ CHỦ NHIỆM", "- Lưu: VT, ĐMDN (2b). BỘ TRƯỞNG, CHỦ NHIỆM Mai Tiến Dũng"
    r"|(?=\s+(?:TM|KT|TL|TUQ)\.\s*\p{Lu}{2})(?<=\p{Lu}\W?)\s+"
    rf"|(?=\s+{TITLES})(?<=(?:^|\s)\W{{0,3}}(?:KT|TL|TUQ|K/T|T/L)\s*[.:]\s*{_TITLE_RUN})\s+"
    rf"|(?=\s+{TITLES}\W{{0,3}}(?:\s+{_NAME_TAIL}|$))(?<=(?:^|\s)\W{{0,3}}(?:TM|T/M)\s*[.:]\s*\p{{Lu}}[\p{{Lu}}\s-]{{1,80}})\s+"
    # "… PHÓ CHÁNH VĂN PHÒNG Đã ký Văn Anh Tuấn": the signing note between the title and the name
    r"|(?=\s+\(?(?:Đã|đã)\s+ký\)?(?!\p{L}))(?<=\p{Lu}{2}\W?)\s+"
    rf"|(?=\s+{_NAME_TAIL})(?<=(?:Đã|đã)\s+ký\)?)\s+"
    rf"|(?=\s+{_NAME_TAIL})(?<=(?:TRƯỞNG|ĐỐC|TỊCH|TƯỚNG|NHIỆM|THƯ|THANH TRA|ÁN|PHÒNG|BAN|ĐOÀN|KÝ|TOÁN|HỘI)\W{{0,2}})\s+"
    # the signature and the "Nơi nhận" list read across one line, row by row: "KT. GIÁM ĐỐC - Như trên; - UBND
    # tỉnh (b/c); PHÓ GIÁM ĐỐC - Các Sở …; - Lưu: VT, KS. Phạm Năng Chung"
    r"|(?=\s+[-–]\s+\p{Lu}\p{Ll})(?<=\p{Lu}{2})\s+"
    # ... a title row before an item in capitals ("PHÓ GIÁM ĐỐC - UBND các xã"), a title alone after the label
    # ("Nơi nhận: GIÁM ĐỐC - UBND tỉnh"), a title row inside a wrapped item ("phương TRƯỞNG ĐOÀN tiện")
    rf"|(?=\s+[-–]\s+\p{{Lu}})(?<=(?<!\p{{L}}){TITLES})\s+"
    rf"|(?=\s+{_TITLE_RUN}\s+[-–]\s)(?<=^\W{{0,2}}N[ơo]i\s+nh[ậa]n\s*:)\s+"
    rf"|(?=\s+{TITLES}\s+\p{{Ll}})(?<=\p{{Ll}})(?<=^\W{{0,2}}(?:[-–+•]|N[ơo]i\s+nh[ậa]n)[^\n]{{0,300}})\s+"
    rf"|(?=\s+\p{{Ll}})(?<=\p{{Ll}}\s+{TITLES})(?<=^\W{{0,2}}(?:[-–+•]|N[ơo]i\s+nh[ậa]n)[^\n]{{0,300}})\s+"
    rf"|(?=\s+(?:PHÓ\s+)?{TITLES}(?!\s*\p{{Ll}}))(?<=[;.)]|\b(?:b/c|p/h))(?<!\b(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\.)\s+"
    rf"|(?=\s+{_NAME_TAIL})(?<=(?<!\p{{L}})(?:Lưu|LƯU)\s*:?[^;\n]{{0,80}}[.)])\s+"
    rf"|(?=\s+{_TITLE_RUN}\W{{0,3}}(?:\s+{_NAME_TAIL}|$))(?<=^\W{{0,2}}(?:[-–+•~]|N[ơo]i\s+nh[ậa]n).*[^\p{{Lu}},\s])(?<!\b(?:TM|KT|TL|TUQ|Q)\.)\s+")
# "V/v"; OCR of its italic v: "V/y", "V⁄%"
VV = regex.compile(r"^(?:(?:[VW][/⁄][vVy]|v/v|Vw(?=\s)|(?:Về|VỀ|Vê|và) (?:việc|VIỆC)|(?:Ve|VE) (?:viec|VIEC))\b"
                   r"|[VW][/⁄]%(?=\s))\s*:?\s*")
# VV without its anchor and its look-aheads (which, at a cell's end, may read otherwise in the line): a line with a
# cell that opens with "V/v" holds it.
_VV_CUE = regex.compile(r"[VW][/⁄][vVy]|v/v|Vw|(?:Về|VỀ|Vê|và) (?:việc|VIỆC)|(?:Ve|VE) (?:viec|VIEC)|[VW][/⁄]%")
KINH_GUI = regex.compile(r"^(?:Kính\s*g[ửủ]i|KÍNH GỬI)\s*:?", regex.IGNORECASE)
NOI_NHAN = regex.compile(r"^\W{0,2}(?:N[ơo][it]\s+nh[ậa]n|NƠI NHẬN)\s*:?", regex.IGNORECASE)  # OCR "Not nhận"
OPENER = regex.compile(r"^(?:Căn\s*c[ứú]|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Xét\b|Trên\s+cơ\s+sở|Theo\s+(?:ý kiến|chỉ đạo|Tờ trình))")
DECISION = regex.compile(r"^(?:QUYẾT\s*ĐỊNH|QUYẾT\s*NGHỊ|QUYÉT\s*ĐỊNH|CHỈ\s*THỊ|BAN\s*HÀNH|[Qq]uyết\s+định|[Qq]uyết\s+nghị"
                         r"|QuyÕt\s*®Þnh)\s*:\s*$")
DECISION_BARE = regex.compile(r"^(?:QUYẾT\s*ĐỊNH|QUYẾT\s*NGHỊ|QuyÕt\s*®Þnh)\s*$")
ENACTING = regex.compile(
    r"^(?:Chính phủ|Thủ tướng Chính phủ|Bộ trưởng[^.;]{0,80}?|Ủy ban[^.;]{0,80}?|Uỷ ban[^.;]{0,80}?|Hội đồng[^.;]{0,80}?"
    r"|Quốc hội|Tổng Kiểm toán[^.;]{0,40}?|Thống đốc[^.;]{0,60}?|Chánh án[^.;]{0,60}?|Viện trưởng[^.;]{0,60}?)"
    r"\s+(?:ban hành|Ban hành)\s+(?:Nghị định|Thông tư|Quyết định|Nghị quyết|Chỉ thị|Luật|Pháp lệnh|Thông tư liên tịch)")
AUTHORITY = regex.compile(
    rf"^(?:CHỦ TỊCH|PHÓ CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|CHÍNH PHỦ|[UỦ]Y BAN|UỶ BAN|HỘI ĐỒNG|QUỐC HỘI|GIÁM ĐỐC|CỤC TRƯỞNG"
    rf"|TỔNG CỤC TRƯỞNG|TỔNG GIÁM ĐỐC|CHÁNH |TRƯỞNG |THỐNG ĐỐC|VIỆN TRƯỞNG|TỔNG KIỂM TOÁN|BỘ |SỞ |BAN )[{UP}\s,&-]*$")
MARK = regex.compile(r"^\W{0,3}(?P<mark>TM|KT|TL|TUQ|Q|T/M|K/T|T/L|T\.M|K\.T|T\.L)\s*[.:]\s*(?=[" + UP + r"])")
POSITION = regex.compile(
    r"^\W{0,3}(?:PHÓ\s+|Q\.\s*)?(?:CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG"
    r"|TỔNG CỤC TRƯỞNG|CHI CỤC TRƯỞNG|VỤ TRƯỞNG|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA|CHÁNH ÁN|VIỆN TRƯỞNG|TRƯỞNG ĐOÀN"
    r"|TRƯỞNG BAN|TRƯỞNG PHÒNG|BÍ THƯ|THỐNG ĐỐC|TỔNG KIỂM TOÁN|HIỆU TRƯỞNG|CHỦ NHIỆM|TỔNG THƯ KÝ|KIỂM TOÁN TRƯỞNG"
    r"|CHỦ TỊCH QUỐC HỘI|TỔNG BÍ THƯ|TRƯỞNG)\b[" + UP + r"\s,-]*\W{0,3}$")
# Every line holding a cell that opens a signature block (`_signature`: MARK, POSITION or fuzzy_title) holds one of
# these, a cell being a piece of its line: a mark and the capital after it; "TRƯỞNG" or two adjacent words of two
# capitals or more (every title is two words or "TRƯỞNG", and fuzzy_title reads two words at least, each two
# letters at least). Other lines are passed over without finding their cells.
_HEAD_CUE = regex.compile(r"(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L|T\.M|K\.T|T\.L)\s*[.:]\s*\p{Lu}|\p{Lu}{2}\s+\p{Lu}{2}|TRƯỞNG")
# NOI_NHAN without its anchor: a line with a cell that opens the list holds it.
_NOI_NHAN_CUE = regex.compile(r"N[ơo][it]\s+nh[ậa]n|NƠI NHẬN", regex.IGNORECASE)
# Signing titles as printed (capitals, marks), for OCR'd titles read up to their marks and one letter.
TITLE_NAMES = [
    "TỔNG GIÁM ĐỐC", "GIÁM ĐỐC", "TỔNG CỤC TRƯỞNG", "CHI CỤC TRƯỞNG", "CỤC TRƯỞNG", "CHỦ TỊCH QUỐC HỘI", "CHỦ TỊCH",
    "THỦ TƯỚNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "VỤ TRƯỞNG", "CHÁNH VĂN PHÒNG", "CHÁNH THANH TRA", "CHÁNH ÁN",
    "VIỆN TRƯỞNG", "TRƯỞNG ĐOÀN", "TRƯỞNG BAN", "TRƯỞNG PHÒNG", "TỔNG BÍ THƯ", "BÍ THƯ", "THỐNG ĐỐC",
    "TỔNG KIỂM TOÁN", "KIỂM TOÁN TRƯỞNG", "HIỆU TRƯỞNG", "CHỦ NHIỆM", "TỔNG THƯ KÝ",
]
_TITLE_WORDS = regex.compile(r"^\W{0,3}((?:\p{Lu}+\s+){0,4}\p{Lu}+)[\W\d]{0,3}$")


def _near(a: str, b: str) -> bool:
    """`a` is `b`, or one letter off when both are long (5 letters or more): "TUONG" / "TRUONG"."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i:] == b[i + 1:] or a[i + 1:] == b[i:]


def fuzzy_title(s: str) -> str | None:
    """A signing title alone in `s` as OCR prints it ("THỦ TƯỞNG", "PHO VU TRUONG", "CUC TRUONG"): read
    without marks, long words one letter off, the title as it is printed ("THỦ TƯỚNG", "PHÓ VỤ TRƯỞNG").
    A title that matches without marks wins over one a letter off."""
    m = _TITLE_WORDS.match(s.strip("* "))
    if not m or not is_upper(m[1]):
        return None
    words = unmark(m[1]).upper().split()
    vice = ""
    if len(words) > 1 and words[0] == "PHO":
        vice, words = "PHÓ ", words[1:]
    for exact in (True, False):
        for t in TITLE_NAMES:
            tw = unmark(t).split()
            if len(tw) == len(words) and all(a == b if exact else _near(a, b) for a, b in zip(words, tw, strict=True)):
                return vice + t
    return None


SIGNED = regex.compile(r"^\W{0,2}(?:\(?\s*(?:Đã ký|đã ký|Ký|ký|Chữ ký|chữ ký)[^)]{0,40}\)?|\(Ký[^)]*\)|\[.*\]|[\W\w]{0,2})\W{0,2}$")
_NAME_WORD = regex.compile(r"^\p{Lu}\p{Ll}*$")
APPX_HEAD = regex.compile(r"^(?:PHỤ\s*LỤC|Phụ\s*lục|PHỤ\s*BIỂU|Phụ\s*biểu)\b(?!\s+(?:kèm|đính kèm))")
_KEM_INLINE = regex.compile(r"\(\s*(?:Ban hành |ban hành )?(?:[Kk]èm theo|[Đđ]ính kèm)")
KEM_THEO = regex.compile(r"^\(?\s*(?:Ban hành |ban hành )?(?:[Kk]èm theo|[Đđ]ính kèm)")
META_KEYS = ["Số hiệu", "Loại văn bản", "Ngày ban hành", "Ngày có hiệu lực", "Cơ quan ban hành", "Người ký",
             "Chức danh", "Lĩnh vực", "Ngành", "Tình trạng hiệu lực", "Ngày hết hiệu lực", "Nơi ban hành",
             "Ngày công báo", "Số công báo", "Ngày đăng công báo"]
META_LINE = regex.compile(r"^(?P<key>" + "|".join(regex.escape(k) for k in META_KEYS) + r")\s*:?\s*(?P<val>.*)$")

_MARKERS: list[tuple[str, regex.Pattern]] = [
    ("part", regex.compile(r"^(?P<label>(?:PHẦN|Phần)\s+(?:[IVXLC]+|\d+|THỨ\s+\S+|thứ\s+\S+))\b\.?\s*[:.-]?\s*")),
    ("chapter", regex.compile(r"^(?P<label>(?:Chương|CHƯƠNG)\s+(?:[IVXLC]+|\d+))\b\.?\s*[:.-]?\s*")),
    ("section", regex.compile(r"^(?P<label>(?:Mục|MỤC)\s+(?:\d+|[IVXLC]+))\b\.?\s*[:.-]?\s*")),
    ("article", regex.compile(r"^(?P<label>(?:Điều|ĐIỀU)\s+\d+[a-z]?)\s*[.:]?\s*")),
    ("letter", regex.compile(r"^(?P<label>[A-H])\.\s+(?=[" + UP + r"])")),
    ("roman", regex.compile(r"^(?P<label>[IVX]{1,5})\s*[.\-–]\s*(?=\S)")),
    ("subclause", regex.compile(r"^(?P<label>\d{1,2}\.\d{1,2}(?:\.\d{1,2})?\.?)\s+(?=\S)")),
    ("clause", regex.compile(r"^(?P<label>\d{1,2}\.)(?!\d)\s*(?=\S)")),
    ("clause_paren", regex.compile(r"^(?P<label>\d{1,2}\))\s*(?=\S)")),
    ("point", regex.compile(r"^(?P<label>[a-zđ]\))\s*(?=\S)")),
    ("dash", regex.compile(r"^(?P<label>[-–—•])\s*(?=\S)")),
    ("plus", regex.compile(r"^(?P<label>[+*])\s*(?=\S)")),
]
_RANK = {k: i for i, (k, _) in enumerate(_MARKERS)} | {"row": 98, "paragraph": 99}


@dataclass
class Cell:
    start: int
    end: int
    text: str
    col: int  # column of the cell's first letter in the raw line


class Line:
    """A line of `Document.text`. Its cells are found on first use (from `doc`, when given): they cost more than
    anything else read from a line, and most lines (the body's) are never asked for them."""

    __slots__ = ("start", "end", "text", "pipe_only", "_cells", "_doc")

    def __init__(self, start: int, end: int, text: str, cells: list[Cell] | None = None, pipe_only: bool = False,
                 doc: Document | None = None):
        self.start, self.end, self.text, self.pipe_only = start, end, text, pipe_only
        self._cells, self._doc = cells, doc

    @property
    def cells(self) -> list[Cell]:
        if self._cells is None:
            self._cells = _cells(self._doc, self.start, self.end) if self._doc is not None else []
        return self._cells

    @property
    def col(self) -> int:
        return self.cells[0].col if self.cells else 0


_PIPE = regex.compile(r"\s*\|\s*")


def _cells(doc: Document, start: int, end: int) -> list[Cell]:
    """Cells of one line of `doc.text`, found where the raw line has wide gaps or pipes."""
    text = doc.text
    raw = doc.raw_text
    out: list[Cell] = []

    def add(s: int, e: int, col: int) -> None:
        s, e = max(start, min(s, end)), max(start, min(e, end))
        while s < e and text[s] in " |\t":
            s += 1
        while e > s and text[e - 1] in " |\t":
            e -= 1
        if e > s:
            out.append(Cell(s, e, text[s:e], col))

    if raw:
        got = _raw_cells(doc, start, end, add, out)
        if got is not None:
            return _merge_cells(doc, got)
    pos = start
    for m in _PIPE.finditer(text[start:end]):
        add(pos, start + m.start(), pos - start)
        pos = start + m.end()
    add(pos, end, pos - start)
    return _merge_cells(doc, out)


_CONTINUES = regex.compile(r"(?:^Số\s*:?|\bsố\s*:?|ngày|tháng|năm)\s*$")
_CONTINUED = regex.compile(r"^(?:tháng|năm|/|\d+\s*/|\p{Ll})")
_TITLE_CELL = regex.compile(rf"^{TITLES}$")  # a title row read across a wrapped item: not continued by it


# What every alternative of _INNER_SPLIT needs somewhere in the cell, each written as the alternative itself
# without its look-arounds: a signing title (TITLES), the motto's start after a word, "Hạnh phúc" before "Số:", a
# V/v after the year, a place before "ngày" after a number's code, an authority mark, a capital word a title ends
# on, capitals before an item dash, "Đã ký", "Lưu"; or a bullet line ending on a name. Most lines (an acronym, a
# date, "đăng ký") have none, and skip the costly lookbehinds. That cue is itself slow to search (several of its
# parts may start anywhere), so a wider one of plain words and capitals, which every match of it holds, goes first.
_SPLIT_WIDE = regex.compile(
    r"\p{Lu}{2,}\s+\p{Lu}{2}|C[ỘO]NG|Độc|[Pp]h[úu]c|[VvW]/[Vv]|Về|\p{Lu}\p{Ll}*,?\s+ng[àa]y"
    r"|(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*[.:]|(?:TRƯỞNG|ĐỐC|TỊCH|TƯỚNG|NHIỆM|THƯ|ÁN|PHÒNG|BAN|ĐOÀN|KÝ|TOÁN|HỘI)\W{0,2}\s"
    r"|\p{Lu}{2}\s+[-–]\s|ký|Lưu|LƯU")
_TITLE_CUE = TITLES.removesuffix(r"(?!\p{L})")  # a title glued to the next word too ("GIÁM ĐỐCS")
_SPLIT_CUE = regex.compile(
    rf"{_TITLE_CUE}|\S\s+[_~—-]*\s*(?:C[ỘO]NG\s*H\S{{1,3}}\s+X[ÃA]\s+H|Độc\s*lập\s*[-–—])"
    r"|H[ạa]nh\s+[Pp]h[úu]c\s+[_~—=-]*\s*S[ốô]\s*:|n[ăa]m\s+\d{4}\s+(?:V/v|V/V|v/v|Về\s+việc)\s"
    r"|/\S+\s+\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,3},?\s+ng[àa]y\b"
    r"|(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*[.:]|(?:TRƯỞNG|ĐỐC|TỊCH|TƯỚNG|NHIỆM|THƯ|THANH\s+TRA|ÁN|PHÒNG|BAN|ĐOÀN|KÝ|TOÁN|HỘI)\W{0,2}\s"
    r"|\p{Lu}{2}\s+[-–]\s|[Đđ]ã\s+ký|Lưu|LƯU")
_BULLET_NAME = regex.compile(r"\s\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){1,4}$")


def _may_split(text: str) -> bool:
    return bool(_SPLIT_WIDE.search(text) and _SPLIT_CUE.search(text)) or text[:1] in "-–+•" and bool(_BULLET_NAME.search(text, max(0, len(text) - 120)))


def _merge_cells(doc: Document, cells: list[Cell]) -> list[Cell]:
    """Put back cells that one column split by blanks ("Số:      /KH-UBND", "ngày   tháng   năm 2026")."""
    may = [_may_split(c.text) for c in cells]
    if len(cells) == 1 and not may[0] and not _ITEM_OPEN.match(cells[0].text):
        return list(cells)  # most lines: one cell that nothing splits and nothing to merge it with
    out: list[Cell] = []
    split: list[Cell] = []
    for c, may_split in zip(cells, may, strict=True):
        pos = c.start
        for m in (_INNER_SPLIT.finditer(c.text) if may_split else ()):
            if m.start() > 0:
                part = doc.text[pos:c.start + m.start()].rstrip(" _~—-")
                if part:
                    split.append(Cell(pos, pos + len(part), part, c.col + (pos - c.start)))
                pos = c.start + m.end()
        split.append(Cell(pos, c.end, doc.text[pos:c.end], c.col + (pos - c.start)))
    split = [part for c in split for part in _cut_title_tail(doc, c)]
    # Spans are merged first and their text cut once at the end, and only a cell's tail is
    # tested: a long line of many cells stays linear.
    spans: list[list[int]] = []
    prev = None
    for c in split:
        if spans and (_CONTINUES.search(doc.text[max(spans[-1][0], spans[-1][1] - 40):spans[-1][1]])
                      or _CONTINUED.match(c.text) and not (prev is not None and _TITLE_CELL.match(prev.text))):
            spans[-1][1] = c.end
        else:
            spans.append([c.start, c.end, c.col])
        prev = c
    out.extend(Cell(s, e, doc.text[s:e], col) for s, e, col in spans)
    return out


# A "Nơi nhận" item (or its label line) that carries the signature column's title at its end, as OCR reads a
# single-spaced scan: "Noi nhận: THỦ TƯỞNG", "- Phòng Công báo (Văn phòng Chính phủ): PHO VU TRUONG".
_ITEM_OPEN = regex.compile(r"^\W{0,2}(?:[-–+•=_~]|N[ơo][it]\s+nh[ậa]n\b)", regex.IGNORECASE)
_CAPS_TAIL = regex.compile(r"(?<=\s)(?:\p{Lu}+\.?\s+){0,7}\p{Lu}+[\W\d]{0,3}$")
_MARK_HEAD = regex.compile(r"^(?:TM|KT|TL|TUQ|Q)\s*\.\s*")


_CAPS_RUN = regex.compile(r"\p{Lu}+")


def _cut_title_tail(doc: Document, c: Cell) -> list[Cell]:
    """A list item whose line ends on a signing title (an authority mark allowed before it), read up to its
    marks and one letter: the title is a cell of its own. Only the line's last 80 characters are read."""
    if not _ITEM_OPEN.match(c.text):
        return [c]
    lo = max(0, len(c.text) - 80)
    m = _CAPS_TAIL.search(c.text, lo)
    if not m:
        return [c]
    for w in _CAPS_RUN.finditer(m.group()):
        rest = m.group()[w.start():]
        mk = _MARK_HEAD.match(rest)
        if fuzzy_title(rest[mk.end():] if mk else rest) and (mk or not MARK.match(rest)):
            cut = m.start() + w.start()
            left = c.text[:cut].rstrip()
            if not _LETTER.search(left):
                return [c]
            return [Cell(c.start, c.start + len(left), left, c.col),
                    Cell(c.start + cut, c.end, c.text[cut:], c.col + cut)]
    return [c]


_RAW_NL = regex.compile(r"[\n\r\x0b\u2028\u2029]", flags=regex.REVERSE)


def _advance_col(col: int, s: str) -> int:
    """Display column after `s` printed from column `col` (tab stops every 8)."""
    if "\t" not in s:
        return col + len(s)
    k = col % 8
    return col - k + len((" " * k + s).expandtabs(8))


def _raw_cells(doc: Document, start: int, end: int, add, out: list[Cell]) -> list[Cell] | None:
    raw = doc.raw_text
    if True:
        rs, rend = doc.offsets.to_raw(start), doc.offsets.to_raw(end)
        if 0 <= rs <= rend <= len(raw) and rend - rs <= 4 * (end - start) + 200:
            nl = _RAW_NL.search(raw, 0, rs)  # from rs backwards: the raw line's start, whatever its break
            line0 = nl.end() if nl else 0
            col, at = 0, line0
            seg = raw[rs:rend]
            pos = 0
            pieces = []
            for m in _GAP.finditer(seg):
                if m.start() > pos:
                    pieces.append((pos, m.start()))
                pos = m.end()
            if pos < len(seg):
                pieces.append((pos, len(seg)))
            ok = True
            for a, b in pieces:
                ns, ne = doc.offsets.to_norm(rs + a), doc.offsets.to_norm(rs + b)
                if not (start <= ns <= ne <= end):
                    ok = False
                    break
                col, at = _advance_col(col, raw[at:rs + a]), rs + a  # tabs expanded once, not per cell
                add(ns, ne, col)
            if ok:
                return list(out)
            out.clear()
    return None


def split_lines(doc: Document) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for raw_line in doc.text.split("\n"):
        s, e = pos, pos + len(raw_line)
        pos = e + 1
        stripped = raw_line.strip()
        if not stripped:
            lines.append(Line(s, s, ""))
            continue
        s += len(raw_line) - len(raw_line.lstrip())
        pipe_only = stripped == "|"
        lines.append(Line(s, s + len(stripped), stripped, pipe_only=pipe_only, doc=None if pipe_only else doc))
    return lines


_TYPE_CAPS = "|".join(regex.escape(v).replace(r"\ ", r"\s+") for _, p in DOC_TYPES if len(p) >= 6
                      for v in dict.fromkeys((p, unmark(p))))
# A place name as the place-and-date line prints it ("Hà Nội", "Thành phố Hồ Chí Minh", "TP. Cần Thơ"), and where a
# cut would fall inside one: after a capitalised word or an administrative word ("Hà" | "Nội, ngày").
_PLACE_NAME = (r"(?:(?:Thành\s+phố|Thị\s+xã|Thị\s+trấn|Tỉnh|Huyện|Quận|Phường|Xã|TP\.)\s*)?"
               r"(?!H[ạa]nh\s+[Pp]h[úu]c\b)\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,3}")
_IN_PLACE = (r"(?<!\btại|(?<!\p{L})\p{Lu}\p{Ll}*|(?<!\p{L})(?:[Tt]hành\s+phố|[Tt]hị\s+(?:xã|trấn)|[Tt]ỉnh|[Hh]uyện|[Qq]uận"
             r"|[Pp]hường|[Xx]ã|TP\.))")
_FULL_DATE = r"ng[àaả]y\s+(?:\d{1,2}\s+)?th[áa]ng\s+(?:\d{1,2}\s+)?n[ăa]m\s+\d{4}"
# Where a crawler or a converter flattened header cells onto one line, the next cell begins: the motto, a
# separator rule, "Số:", "V/v", the place-and-date (after the number), the type name (after the number or
# the date), "Kính gửi:", whatever follows the motto's "VIỆT NAM" or "Hạnh phúc" (rows of a two-column table
# read across: "UBND TỈNH LÀO CAI CỘNG HÒA … VIỆT NAM SỞ CÔNG THƯƠNG Độc lập …"). Each lookahead is anchored on
# its own words, so a long line is read once. Forms without marks ("So:", "Doc lap", "ngay") count too.
_FLAT = regex.compile(
    r"(?<=\S)\s+(?=(?:C[ỘO]NG\s*H\S{1,3}\s+X[ÃA]\s+H|Độc\s*lập\s*[-–—]|Doc\s*lap\s*[-–—]|Kính\s*g[ửủ]i\s*:"
    r"|[VW]/[vV]\s))"
    r"|(?<=\S)\s+(?=(?:Số|S[ốô6o]|\$[ốô6o])\s*[:.]\s*(?:\d|/))"
    r"|(?<=[^\s_=–—-])\s*(?=[_=–—-]{4,})|(?<=[_=–—-]{4,})\s*(?=[^\s_=–—-])"
    r"|(?<=H[ạa]nh\s*[Pp]h[úu]c)\s+(?=\S)"
    r"|(?<=CH[ỦU]\s*NGH[ĨI]A\s+VI[ỆE]T\s+NAM)\s+(?=\S)(?![-–—]|Độc\s*lập|Doc\s*lap)"
    rf"|(?<=/[\p{{L}}\d.&-]*\p{{Lu}}[\p{{L}}\d.&-]*)\s+(?={_PLACE_NAME},\s*ng[àaả]y)"
    rf"|{_IN_PLACE}\s+(?={_PLACE_NAME},\s*{_FULL_DATE})"
    rf"|(?<={_FULL_DATE}\.?)\s+(?=\p{{Lu}})"
    rf"|(?<=/[\p{{L}}\d.&-]*\p{{Lu}}[\p{{L}}\d.&-]*)\s+(?=(?:{_TYPE_CAPS})(?!\p{{L}}))")
# What a line that _FLAT cuts holds, each alternative read from its lookarounds' words (the motto, "Số:", a rule,
# "Hạnh phúc", the motto's "VIỆT NAM", a place before ", ngày", a full date, a type name after a number's code).
# _FLAT tries its ten alternatives at every character; most lines (running text) have none of these words.
_FLAT_CUE = regex.compile(
    r"C[ỘO]NG\s*H\S{1,3}\s+X[ÃA]\s+H|Độc\s*lập\s*[-–—]|Doc\s*lap\s*[-–—]|Kính\s*g[ửủ]i\s*:|[VW]/[vV]\s"
    r"|(?:Số|S[ốô6o]|\$[ốô6o])\s*[:.]\s*(?:\d|/)|[_=–—-]{4}|H[ạa]nh\s*[Pp]h[úu]c\s+\S|CH[ỦU]\s*NGH[ĨI]A\s+VI[ỆE]T\s+NAM\s+\S"
    rf"|,\s*ng[àaả]y|{_FULL_DATE}\.?\s+\p{{Lu}}|/[\p{{L}}\d.&-]*\p{{Lu}}[\p{{L}}\d.&-]*\s+(?:{_TYPE_CAPS})(?!\p{{L}})")


def _gapped(doc: Document, ln: Line) -> bool:
    """The raw line keeps its columns apart (pdftotext layout, pipes): its cells are columns, not one run."""
    if not doc.raw_text:
        return False
    rs, re_ = doc.offsets.to_raw(ln.start), doc.offsets.to_raw(ln.end)
    return bool(_GAP.search(doc.raw_text, rs, re_)) if 0 <= rs <= re_ <= len(doc.raw_text) else True


def _split_flat_header(doc: Document, lines: list[Line], top: int) -> list[Line]:
    """The first lines of a crawled or converted header, one logical line per header cell."""
    out = lines[:top]
    seen = 0
    i = top
    while i < len(lines) and seen < 15:
        ln = lines[i]
        i += 1
        if not ln.text:
            out.append(ln)
            continue
        seen += 1
        if OPENER.match(ln.text) or ln.text.startswith(("Điều", "ĐIỀU")):
            i -= 1
            break
        if len(ln.text) < 20 or _gapped(doc, ln) and len(ln.cells) > 1:  # the cheap test first
            out.append(ln)
            continue
        cuts = [(m.start(), m.end()) for m in _FLAT.finditer(ln.text)] if _FLAT_CUE.search(ln.text) else []
        if not cuts:
            out.append(ln)
            continue
        pos = 0
        for a, b in cuts + [(len(ln.text), len(ln.text))]:
            if a > pos:
                s, e = ln.start + pos, ln.start + a
                out.append(Line(s, e, doc.text[s:e], doc=doc))
            pos = max(pos, b)
    return out + lines[i:]


_LETTER = regex.compile(r"\p{L}")
_NON_LETTERS = regex.compile(r"\P{L}+")
_NON_CAPITALS = regex.compile(r"\P{Lu}+")


def is_upper(s: str) -> bool:
    """Mostly capitals: more than 85% of at least two letters. (Letters are counted as what is left when the rest
    is cut out, which costs less than a list of them.)"""
    letters = _NON_LETTERS.sub("", s)
    return len(letters) >= 2 and len(_NON_CAPITALS.sub("", letters)) / len(letters) > 0.85


def is_person_name(s: str) -> bool:
    """"Nguyễn Thành Sinh": two to five capitalised Vietnamese words, nothing else."""
    words = s.strip(" .*").split()
    return (2 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words)
            and sum(len(w) > 1 for w in words) >= 2)


_NER_CACHE: dict[str, bool] = {}


def _ner_person(s: str) -> bool:
    """underthesea's bundled NER agrees that `s` is one person's name."""
    if s not in _NER_CACHE:
        try:
            from underthesea import ner

            tags = ner(s)
            _NER_CACHE[s] = bool(tags) and tags[0][3] == "B-PER" and all(t[3].endswith("-PER") for t in tags)
        except Exception:  # underthesea missing or its model unreadable: rules only
            _NER_CACHE[s] = False
    return _NER_CACHE[s]


_SIGNED_NOTE = regex.compile(r"\((?:Đã|đã)\s*ký\)|\b(?:Đã|đã) ký\b")


def person_name(s: str) -> str | None:
    """The signer's name in normal case, from "Nguyễn Thành Sinh" or a name printed in capitals
    ("NGUYỄN THÀNH SINH", checked with underthesea's NER since capitals hide the name's shape)."""
    t = " ".join(_SIGNED_NOTE.sub(" ", s).strip(" .*").split())
    if is_person_name(t):
        return t
    words = t.split()
    if 2 <= len(words) <= 5 and is_upper(t) and all(w.isalpha() for w in words) and not (
            MARK.match(t) or POSITION.match(t) or AUTHORITY.match(t) or MOTTO.search(t) or fuzzy_title(t)):
        title = " ".join(w.capitalize() for w in words)
        if _ner_person(title):
            return title
    return None


def _noise(line: Line) -> bool:
    return bool(line.text) and (bool(NOISE.match(line.text)) or bool(SEPARATOR.match(line.text)))


_ROMAN_1_20 = regex.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XV|XVI{0,3}|XIX|XX)$")


def _marker(text: str) -> tuple[str, str, int] | None:
    for kind, pat in _MARKERS:
        m = pat.match(text)
        if m:
            if kind == "roman" and not _ROMAN_1_20.match(m["label"]):
                continue
            return kind, m["label"], m.end()
    return None


def _span(doc: Document, start: int, end: int) -> Span:
    return Span(start, end, doc.text[start:end])


_NOI_NHAN_AT = Cued(_NOI_NHAN_CUE, ("nơi", "noi", "nơt", "not"))  # "N[ơo][it]" folded


def _first_noi_nhan(doc: Document, lines: list[Line], lo: int, hi: int) -> int | None:
    """`_first` of a line with a cell that opens the "Nơi nhận" list, read only on lines the whole text's cue
    search lands in: a line whose text holds the cue holds it at the same place in the text (no anchors), so
    the search from a line's start finds it there or on an earlier line, which is read first."""
    hi = min(hi, len(lines))
    starts = [ln.start for ln in lines]
    if starts != sorted(starts):  # lines out of text order (never seen): read each, as `_first` does
        return _first(lines, lo, hi, lambda ln: _NOI_NHAN_CUE.search(ln.text) and any(
            NOI_NHAN.match(c.text) for c in ln.cells))
    i = lo
    while i < hi:
        m = _NOI_NHAN_AT.search(doc.text, lines[i].start)
        if m is None:
            return None
        i = max(i, bisect.bisect_right(starts, m.start()) - 1)
        if i >= hi:
            return None
        ln = lines[i]
        if ln.text and _NOI_NHAN_CUE.search(ln.text) and any(NOI_NHAN.match(c.text) for c in ln.cells):
            return i
        i += 1
    return None


def _first(lines: list[Line], lo: int, hi: int, pred) -> int | None:
    for i in range(lo, min(hi, len(lines))):
        if lines[i].text and pred(lines[i]):
            return i
    return None


def _metadata(doc: Document, lines: list[Line]) -> tuple[dict[str, Span], int]:
    """Website metadata block at the top; returns it and the index of the first line after it."""
    meta: dict[str, Span] = {}
    last = -1
    for i, line in enumerate(lines[:60]):
        m = META_LINE.match(line.text)
        if not m:
            continue
        val_s, val_e = line.start + m.start("val"), line.end
        if val_s >= val_e and i + 1 < len(lines):  # value on the next line
            nxt = lines[i + 1]
            val_s, val_e = nxt.start, nxt.end
            last = max(last, i + 1)
        meta.setdefault(m["key"], _span(doc, val_s, val_e))
        last = max(last, i)
    if len(meta) < 2:
        return {}, 0
    first = min(i for i, ln in enumerate(lines[:60]) if META_LINE.match(ln.text))
    before = [ln for ln in lines[:first] if ln.text and not NOISE.match(ln.text)]
    if before:
        t = max(before, key=lambda ln: len(ln.text))
        meta["Tiêu đề"] = _span(doc, t.start, t.end)
    return meta, last + 1


# "Nghị định số 180/2026/NĐ-CP" continuing a V/v line: a document cited by the subject, not a "Số:" line
_CITED = regex.compile(r"^(?:Nghị quyết|Quyết định|Chỉ thị|Luật|Nghị định|Thông tư)\s+số\s+\d")


@lru_cache(maxsize=4096)  # the header's reading asks it of the same cells several times (MOTTO is fuzzy)
def _is_header_cell(text: str) -> bool:
    return bool(MOTTO.search(text) or NUMBER_LINE.match(text) or DATE_LINE.search(text) or SEPARATOR.match(text))


_ORG_SPLIT = regex.compile(r"(?<=\b(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG)\s+\p{Lu}+(?:\s+\p{Lu}+){0,3}"
                          r"|^BỘ\s.+?|^UBND\s.+?|^SỞ\s.+?)\s+(?=(?:SỞ|CỤC|CHI CỤC|VĂN PHÒNG|BAN|TRUNG TÂM|PHÒNG|THANH TRA"
                          r"|ĐOÀN)\s)")


# The motto's last words wrapped onto their own line; a "Số:" or "ngày" label waiting for its value.
_NAM_ALONE = regex.compile(r"\W*NAM\W*")
_VIET_END = regex.compile(r"VIỆT\W*$")
_VIET_NAM_ALONE = regex.compile(r"\W*VI[ỆE]T\s+NAM\W*")
_NGHIA_END = regex.compile(r"NGH[ĨI]A\W*$")
_NUMBER_DATE_LABEL = regex.compile(r"(?:^Số|\bngày)\s*:?$")
_NGAY_END = regex.compile(r"\bngày\s*$")
_DIGIT_FIRST = regex.compile(r"\d")


def _join_header_cells(doc: Document, cells: list[Span]) -> list[Span]:
    """"Số:" / "2211/QĐ-UBND" and "Hà Nội, ngày" / "15 tháng 8 năm 2016" are one cell each; "UBND TỈNH LÀO CAI
    SỞ CÔNG THƯƠNG" read as one OCR line is two (parent over issuer)."""
    out: list[Span] = []
    for c in cells:
        if _NAM_ALONE.fullmatch(c.text) and any(MOTTO.search(o.text) and _VIET_END.search(o.text)
                                                         for o in out[-3:]):
            continue  # the motto's last word wrapped onto its own line in the right column
        if _VIET_NAM_ALONE.fullmatch(c.text) and any(
                MOTTO.search(o.text) and _NGHIA_END.search(o.text) for o in out[-3:]):
            continue  # the motto's "VIỆT NAM" wrapped the same way
        prev = out[-1] if out else None
        if prev is not None and (_NUMBER_DATE_LABEL.search(prev.text) or (
                _NGAY_END.search(prev.text) and _DIGIT_FIRST.match(c.text))):
            out[-1] = Span(prev.start, c.end, prev.text + " " + c.text)
            continue
        m = _ORG_SPLIT.search(c.text) if is_upper(c.text) and not MOTTO.search(c.text) else None
        if m and m.end() < len(c.text):
            out.append(Span(c.start, c.start + m.start(), c.text[:m.start()]))
            out.append(Span(c.start + m.end(), c.end, c.text[m.end():]))
            continue
        out.append(c)
    return out


# The running text's first words after a subject
_BODY_OPEN = regex.compile(r"^(?:Thực hiện|Triển khai|Nhằm|Để|Ngày|Hôm nay|Trong|Qua|Sau|Trả lời|Năm|Vừa qua|Hiện nay"
                           r"|Thời gian|Tại|Với|Tiếp theo|Theo|Căn cứ)\b")
_ENDS_STOP = regex.compile(r"[.;:]$")
_ENDS_POINT = regex.compile(r"\.$")
_ENDS_POINT_SEMI = regex.compile(r"[.;]$")
_ENDS_POINT_COLON = regex.compile(r"[.:]$")
_CAP_WORD_FIRST = regex.compile(r"\p{Lu}\p{Ll}")


def _title_block(lines: list[Line], t: int, limit: int, org_texts: list[str]) -> int:
    """Lines t..k-1 are the type line and the trích yếu; returns k."""
    first = lines[t]
    rest = first.text[(match_type_name(first.text) or ("", 0, 0, False))[2]:].strip()
    upper = is_upper(rest) if rest else None
    last = t + 1
    k = t + 1
    prev = rest
    gap = False
    while k < limit:
        line = lines[k]
        txt = line.text
        if not txt:
            gap = gap or bool(prev)
            k += 1
            continue
        if prev and OPEN_END.search(prev) and not (_noise(line) or OPENER.match(txt) or KINH_GUI.match(txt)):
            prev, gap, k = txt, False, k + 1  # the line completes the one before it, however it opens
            last = k
            continue
        if gap and prev and not (txt[:1].islower() or (upper and is_upper(txt))):
            break  # a blank line ends the subject unless the next line plainly continues it
        if _noise(line):
            if SEPARATOR.match(txt):
                k += 1
                break
            k += 1
            continue
        mk = _marker(txt)
        if mk and mk[0] == "dash" and not _LETTER.search(txt):
            mk = None  # "– 2020": a wrapped year range
        if OPENER.match(txt) or KINH_GUI.match(txt) or DECISION.match(txt) or mk or NOI_NHAN.match(txt):
            break
        if ENACTING.match(txt) or (prev and _BODY_OPEN.match(txt)):
            break
        if is_upper(txt) and (AUTHORITY.match(txt) or txt.strip() in org_texts):
            break
        has_letters = bool(_LETTER.search(txt))
        if upper is None:
            upper = is_upper(txt) if has_letters else None
        elif upper and has_letters and not is_upper(txt):
            break
        elif not upper and (_ENDS_STOP.search(prev) or len(txt) > 160):
            break
        prev = txt
        gap = False
        k += 1
        last = k
    return last if prev or rest else k


def _type_line(s: str) -> bool:
    """A line opening with the type name in capitals: alone or over a capitalised title ("QUYẾT ĐỊNH"), or
    with the trích yếu after it on the same line, as a crawl flattens it ("QUYẾT ĐỊNH Kiện toàn Ban …")."""
    mt = match_type_name(s)
    if mt is None:
        return False
    if is_upper(s[:40]):
        return True
    rest = s[mt[2]:].lstrip()
    return is_upper(s[:mt[2]]) and bool(_CAP_WORD_FIRST.match(rest)) and not _ENDS_STOP.search(s)


_JUNK_TYPE = regex.compile(r"^(?P<junk>(?:\S{1,4}\s+){1,6}?)(?P<name>\p{Lu}\S*(?:\s+\p{Lu}\S*){0,3})\W{0,3}$")


_NOT_LETTER = regex.compile(r"[^\p{L}\s]")
_WORD4 = regex.compile(r"\p{L}{4}")


def _junk_type_at(s: str) -> int | None:
    """Where the type name begins on a line that OCR opened with a stamp's debris ("DEN i: : _¬ CHỈ THỊ"):
    the line ends on a type name of two words or more, and what comes before it is short bits, one at least
    not a word (a mark, a digit), none a word of four letters or more. None on any other line."""
    if len(s) > 40:
        return None
    m = _JUNK_TYPE.match(s)
    if not m or len(_NOT_LETTER.findall(m["junk"])) < 2 or _WORD4.search(m["junk"]) \
            or _marker(s):
        return None
    got = match_type_name(m["name"])
    if got is None or got[2] < len(m["name"].rstrip(" .:")) or " " not in m["name"].strip():
        return None
    return m.start("name")


_BULLET = regex.compile(r"^[-–+•]")
_CAN_CU = regex.compile(r"^Căn\s*c[ứú]")
_PREAMBLE_ITEM = regex.compile(r"^(?:Căn\s*c[ứú]|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị)")


def segment(doc: Document) -> Segments:
    text = doc.text
    seg = Segments()
    lines = split_lines(doc)
    n = len(lines)
    root = Section("root", "", "", 0, len(text), 0)
    seg.body = root
    if not text.strip():
        return seg

    seg.metadata, top = _metadata(doc, lines)
    lines = _split_flat_header(doc, lines, top)
    n = len(lines)
    # A website copy repeats its title before the metadata; the document proper starts after it.
    while top < n and (not lines[top].text or _noise(lines[top])):
        top += 1

    # --- type line and body-opening landmarks
    window = min(n, top + 120)
    first_marker = _first(lines, top, window, lambda ln: ln.text.startswith(("Điều 1", "ĐIỀU 1", "Chương I")))
    search_hi = first_marker if first_marker is not None else window
    t = _first(lines, top, search_hi, lambda ln: _type_line(ln.text) and not DECISION.match(ln.text))
    if t is None:
        # OCR of a stamp printed over the title ("DEN i: : _¬ CHỈ THỊ"): the type line is read from its name on
        t = _first(lines, top, min(search_hi, top + 40), lambda ln: _junk_type_at(ln.text) is not None)
        if t is not None:
            ln, off = lines[t], _junk_type_at(lines[t].text)
            lines[t] = Line(ln.start + off, ln.end, ln.text[off:], [c for c in ln.cells if c.end > ln.start + off])
            if lines[t].cells and lines[t].cells[0].start < lines[t].start:
                c0 = lines[t].cells[0]
                lines[t].cells[0] = Cell(lines[t].start, c0.end, doc.text[lines[t].start:c0.end], c0.col)
    kg = _first(lines, top, search_hi, lambda ln: bool(KINH_GUI.match(ln.text)))
    vv = _first(lines, top, min(search_hi, top + 40),
                lambda ln: len(ln.text) < 400 and _VV_CUE.search(ln.text) and any(VV.match(c.text) for c in ln.cells))
    if t is not None and vv is not None and vv < t:
        vv = None
    if t is not None and kg is not None and kg < t:
        t = None  # a "BÁO CÁO" after Kính gửi is body text

    # --- header region
    if t is not None:
        head_end = t
    else:
        stops = [i for i in (kg,) if i is not None]
        head_end = min(stops) if stops else None
        if head_end is None:
            # first line that reads as running text
            head_end = top
            for i in range(top, min(n, top + 25)):
                ln = lines[i]
                if not ln.text or _noise(ln):
                    continue
                if any(MARK.match(c.text) or is_person_name(c.text) for c in ln.cells):
                    break
                if _marker(ln.text) and not VV.match(ln.text) or len(ln.text) > 250:
                    break
                if (not is_upper(ln.text) and not any(_is_header_cell(c.text) and len(c.text) < 150
                                                      or VV.match(c.text) for c in ln.cells)
                        and (len(ln.text) > 70 or OPENER.match(ln.text))):
                    if vv is not None and i > vv and i <= vv + 3 and len(ln.text) <= 160:
                        continue
                    break
                head_end = i + 1
    header_lines = lines[top:head_end]
    cells: list[Span] = []
    vv_cells: list[Span] = []
    in_vv = False
    if any(ln.pipe_only for ln in header_lines):
        group: list[Line] = []
        for ln in header_lines + [Line(0, 0, "|", pipe_only=True)]:
            if ln.pipe_only:
                parts = [g for g in group if g.text and not SEPARATOR.match(g.text)]
                if parts:
                    joined = " ".join(p.text for p in parts)
                    sp = Span(parts[0].start, parts[-1].end, joined)
                    (vv_cells if VV.match(joined) else cells).append(sp)
                group = []
            else:
                group.append(ln)
    else:
        for ln in header_lines:
            if not ln.text:
                in_vv = False
                continue
            for c in ln.cells:
                if SEPARATOR.match(c.text) or NOISE.match(c.text):
                    continue
                if VV.match(c.text):
                    in_vv = True
                    vv_cells.append(Span(c.start, c.end, c.text))
                    continue
                if in_vv and (not _is_header_cell(c.text) or _CITED.match(c.text)) and not is_upper(c.text) \
                        and c.col < 30:
                    vv_cells.append(Span(c.start, c.end, c.text))
                    continue
                in_vv = False if _is_header_cell(c.text) or is_upper(c.text) else in_vv
                cells.append(Span(c.start, c.end, c.text))
    cells = _join_header_cells(doc, cells)
    seg.header_cells = cells
    seg.header_lines = [c.text for c in cells]
    if header_lines and cells:
        seg.header = _span(doc, cells[0].start, max(c.end for c in cells + vv_cells))

    # --- title and subject
    cursor = head_end
    org_texts = [c.text for c in cells if not _is_header_cell(c.text)]
    if t is not None:
        k = _title_block(lines, t, search_hi, org_texts)
        tl = lines[t]
        mt = match_type_name(tl.text)
        seg.type_name = _span(doc, tl.start + mt[1], tl.start + mt[2])
        end_line = k - 1
        while end_line > t and (not lines[end_line].text or _noise(lines[end_line])):
            end_line -= 1
        seg.title = _span(doc, tl.start, lines[end_line].end)
        s_start = tl.start + mt[2]
        while s_start < lines[end_line].end and text[s_start] in " \n:":
            s_start += 1
        s_end = lines[end_line].end
        # "... TIẾP TỤC CÓ HIỆU LỰC CHÍNH PHỦ": the authority line glued to the subject
        sub = text[s_start:s_end]
        if is_upper(sub):
            for o in sorted(set(org_texts), key=len, reverse=True):
                if len(o) >= 5 and is_upper(o) and sub.endswith(" " + o) and len(sub) > len(o) + 10:
                    seg.authority = _span(doc, s_end - len(o), s_end)
                    s_end -= len(o) + 1
                    break
        if s_end > s_start:
            seg.subject = _span(doc, s_start, s_end)
        cursor = k
        while cursor < search_hi and (not lines[cursor].text or _noise(lines[cursor])):
            cursor += 1
        if cursor < search_hi and is_upper(lines[cursor].text) and (
                AUTHORITY.match(lines[cursor].text) or lines[cursor].text in org_texts):
            seg.authority = _span(doc, lines[cursor].start, lines[cursor].end)
            cursor += 1
    elif vv_cells:
        seg.title = _span(doc, vv_cells[0].start, vv_cells[-1].end)
        m = VV.match(seg.title.text)
        seg.subject = _span(doc, vv_cells[0].start + (m.end() if m else 0), vv_cells[-1].end)
    elif vv is not None:
        ln = lines[vv]
        seg.title = _span(doc, ln.start, ln.end)
        m = VV.match(ln.text)
        seg.subject = _span(doc, ln.start + m.end(), ln.end)

    # --- Kính gửi
    if kg is not None and kg >= top:
        k = kg
        end = lines[kg].end
        prev = lines[kg].text
        j = kg + 1
        while j < min(n, kg + 40):
            ln = lines[j]
            if not ln.text:
                j += 1
                if _ENDS_POINT.search(prev):
                    break
                continue
            if _BULLET.match(ln.text) or (
                    not _ENDS_POINT_SEMI.search(prev) and len(ln.text) < 90 and not OPENER.match(ln.text)
                    and (ln.text[:1].islower() or prev.rstrip().endswith(":") or prev.rstrip().endswith(","))):
                end = ln.end
                prev = ln.text
                k = j
                j += 1
                if _ENDS_POINT.search(prev) and not _BULLET.match(prev):
                    break
                continue
            break
        seg.kinh_gui = _span(doc, lines[kg].start, end)
        cursor = max(cursor, k + 1)

    # --- preamble
    body_start = cursor
    dec = _first(lines, cursor, search_hi + 1 if first_marker is not None else min(n, cursor + 80),
                 lambda ln: bool(DECISION.match(ln.text) or DECISION_BARE.match(ln.text) or ENACTING.match(ln.text)))
    p0 = _first(lines, cursor, min(n, cursor + 8), lambda ln: not _noise(ln))
    if dec is not None:
        ps = _first(lines, cursor, dec, lambda ln: bool(OPENER.match(ln.text)))
        if ps is None:
            ps = p0 if p0 is not None and p0 < dec else None
        enact = bool(ENACTING.match(lines[dec].text))
        if ps is not None:
            pend = dec - 1
            if enact:
                pend = dec
                while pend + 1 < n and not _ENDS_POINT_COLON.search(lines[pend].text) and pend < dec + 4 \
                        and lines[pend + 1].text and not _marker(lines[pend + 1].text):
                    pend += 1
            while pend > ps and (not lines[pend].text or _noise(lines[pend])):
                pend -= 1
            seg.preamble = _span(doc, lines[ps].start, lines[pend].end)
            body_start = pend + 1
        if not enact:
            body_start = dec + 1
    elif p0 is not None and _CAN_CU.match(lines[p0].text):
        j = p0
        last = p0
        while j + 1 < n:
            nxt = lines[j + 1]
            if not nxt.text or _noise(nxt):
                j += 1
                continue
            if _PREAMBLE_ITEM.match(nxt.text) or (
                    not _ENDS_STOP.search(lines[last].text) and not _marker(nxt.text)
                    and not OPENER.match(nxt.text)):
                j += 1
                last = j
                continue
            break
        seg.preamble = _span(doc, lines[p0].start, lines[last].end)
        body_start = last + 1

    # --- signature, Nơi nhận, appendices
    sig = _signature(lines, body_start)
    nn = _first_noi_nhan(doc, lines, body_start, n)
    if sig is not None and nn is not None and nn > sig[1] + 3:
        # a "Nơi nhận" far below the signature belongs to an appendix or a form
        nn_far = True
    else:
        nn_far = False
    tail = max([x for x in (sig[1] if sig else None, nn if nn is not None and not nn_far else None)
                if x is not None], default=body_start)
    appx = _appendix_starts(lines, tail if (sig or nn is not None) else body_start)
    body_end_line = min([x for x in (sig[0] if sig else None, nn if nn is not None and not nn_far else None,
                                     appx[0] if appx else None) if x is not None], default=n)
    if nn is not None and not nn_far:
        seg.noi_nhan, _ = _noi_nhan(doc, lines, nn)
    if sig is not None:
        s0, s1, sig_cells = sig
        seg.signature = _span(doc, lines[s0].start, lines[s1].end)
        seg.signature_cells = sig_cells
        seg.signature_lines = [c.text for c in sig_cells]

    body_lines = lines[body_start:body_end_line]
    first_body = next((ln for ln in body_lines if ln.text and not _noise(ln)), None)
    last_body = next((ln for ln in reversed(body_lines) if ln.text and not _noise(ln)), None)
    if first_body and last_body:
        root.start, root.end, root.heading_end = first_body.start, last_body.end, first_body.start
    else:
        root.start = root.end = root.heading_end = lines[min(body_start, n - 1)].start
    if first_body and last_body:
        build_tree(root, text, root.start, root.end)

    for a, b in zip(appx, appx[1:] + [n], strict=False):
        seg.appendices.append(_appendix(doc, lines, a, b))
    return seg


_ITEM_BULLET = regex.compile(r"^[-–+•~=_]\s*\S")


def _signature(lines: list[Line], lo: int) -> tuple[int, int, list[Span]] | None:
    """First authority-mark/position block after `lo` that ends in a person's name."""
    n = len(lines)
    best = pos_only = None
    for i in range(lo, n):
        ln = lines[i]
        if not ln.text or not _HEAD_CUE.search(ln.text):
            continue
        heads = [c for c in ln.cells if MARK.match(c.text.lstrip("*")) or POSITION.match(c.text.strip("*"))
                 or fuzzy_title(c.text)]
        if not heads or len(ln.text) > 160 and len(ln.cells) < 3:  # a long line of many cells: a flattened block
            continue
        collected: list[Span] = []
        j = i
        name_at = None
        while j < min(n, i + 24):
            row = lines[j]
            for c in row.cells:
                txt = c.text.strip("* ")
                if (j > i or c.start < heads[0].start or len(ln.cells) > 2) and (
                        NOI_NHAN.match(txt) or _ITEM_BULLET.match(txt)):
                    continue
                if j == i and c.col < ln.cells[0].col + 20 and NOI_NHAN.match(txt) and c not in heads:
                    continue
                if SIGNED.match(txt) or NOISE.match(txt):
                    continue
                if person_name(txt) and (j > i or is_person_name(txt)):
                    collected.append(Span(c.start + c.text.find(txt), c.start + c.text.find(txt) + len(txt), txt))
                    name_at = j
                    break
                if MARK.match(txt) or POSITION.match(txt) or fuzzy_title(txt) or (is_upper(txt) and len(txt) < 70):
                    collected.append(Span(c.start + c.text.find(txt), c.start + c.text.find(txt) + len(txt), txt))
                elif j > i and not row.cells[0].text.startswith(("-", "Nơi")):
                    # running text: not a signature block
                    if c.col < 25 and len(txt) > 60:
                        j = n
                        break
            if name_at is not None or j >= n:
                break
            j += 1
        if name_at is not None:
            return i, name_at, collected
        if best is None and any(MARK.match(c.text) for c in collected):
            last = max(k for k in range(i, min(n, i + 24)) if lines[k].start <= collected[-1].start)
            best = (i, last, collected)
        if pos_only is None and len(ln.cells) == 1 and POSITION.match(ln.text.strip("* ")):
            # a title alone on its line ("CHỦ TỊCH QUỐC HỘI"), its name lost to the scan or never printed
            pos_only = (i, i, [Span(ln.start, ln.end, ln.text)])
        elif pos_only is None and len(ln.cells) == 2 and heads == ln.cells[1:] and fuzzy_title(heads[0].text) \
                and _ITEM_OPEN.match(ln.cells[0].text):
            # the same title at the end of a "Nơi nhận" line ("Nơi nhận: THỦ TƯỚNG")
            pos_only = (i, i, [Span(heads[0].start, heads[0].end, heads[0].text)])
    return best or pos_only


_LIST_BULLET = regex.compile(r"^[-–+•*]")
_LUU = regex.compile(r"Lưu\b")
_ENDS_POINT_PAREN = regex.compile(r"[.)]\s*$")


def _noi_nhan(doc: Document, lines: list[Line], i: int) -> tuple[Span, int]:
    end = lines[i].end
    last = i
    for j in range(i + 1, min(len(lines), i + 60)):
        ln = lines[j]
        if not ln.text:
            continue
        left = ln.cells[0].text if ln.cells else ln.text
        if _LIST_BULLET.match(left) or (ln.cells and ln.cells[0].col < 20 and not is_person_name(left)
                                              and not MARK.match(left) and not POSITION.match(left)
                                              and not fuzzy_title(left)
                                              and not is_upper(left) and len(left) < 90):
            end = ln.cells[0].end if ln.cells else ln.end
            last = j
            if _LUU.search(left) and _ENDS_POINT_PAREN.search(left):
                break
            continue
        if MARK.match(left) or POSITION.match(left) or fuzzy_title(left) or is_person_name(left) or SIGNED.match(left):
            continue
        break
    return _span(doc, lines[i].start, end), last


_LIST_HEAD = regex.compile(r"^(?:DANH MỤC|MẪU|BIỂU)")


def _appendix_starts(lines: list[Line], lo: int) -> list[int]:
    out: list[int] = []
    n = len(lines)
    # KEM_THEO once a line, and only on lines holding "èm", which each of its matches holds
    kem = [bool(ln.text) and "èm" in ln.text and bool(KEM_THEO.match(ln.text)) for ln in lines]
    for i in range(lo, n):
        txt = lines[i].text
        if txt and len(txt) > 200 and is_upper(txt[:60]) and match_type_name(txt) and _KEM_INLINE.search(txt):
            out.append(i)  # "CHƯƠNG TRÌNH HÀNH ĐỘNG ... (Ban hành kèm theo Quyết định số ...)" on one crawled line
            continue
        if not txt or len(txt) > 200:
            continue
        near_kem = any(kem[i + 1:i + 6])
        if APPX_HEAD.match(txt) and (is_upper(txt[:12]) or near_kem or len(txt) < 60):
            if out and i - out[-1] <= 2:
                continue
            out.append(i)
        elif near_kem and is_upper(txt) and (match_type_name(txt) or _LIST_HEAD.match(txt)):
            if out and i - out[-1] <= 4:
                continue
            out.append(i)
    return out


def _appendix(doc: Document, lines: list[Line], a: int, b: int) -> Section:
    head = lines[a]
    j = a + 1
    kem = None
    for k in range(a + 1, min(b, a + 6)):
        if lines[k].text and KEM_THEO.match(lines[k].text):
            kem = k
            break
    kem_start = kem
    if kem is not None:  # "(Ban hành kèm theo ...\n... của ...)" may wrap
        while kem + 1 < b and "(" in lines[kem].text and ")" not in lines[kem].text and kem < a + 8:
            kem += 1
    title_end = kem if kem is not None else a
    if kem is None:
        while j < b and lines[j].text and is_upper(lines[j].text) and not _marker(lines[j].text) and j < a + 4:
            title_end = j
            j += 1
    title_lines = lines[a + 1:kem_start] if kem_start is not None else lines[a + 1:title_end + 1]
    title = " ".join(ln.text for ln in title_lines if ln.text)
    end_line = b - 1
    while end_line > a and not lines[end_line].text:
        end_line -= 1
    node = Section("appendix", head.text, title, head.start, lines[end_line].end, lines[title_end].end)
    if end_line > title_end:
        build_tree(node, doc.text, lines[title_end].end, lines[end_line].end)
    node.end = max(node.end, lines[end_line].end)
    return node
