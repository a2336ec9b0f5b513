"""Who is told to act: body names and the directive frames around them.

A body name is a head noun (Bộ, Sở, Ủy ban nhân dân, Cục, Trung tâm, Công ty,
the collective "các Sở, ngành" ...) followed by its qualifier, which runs until
the predicate starts. Vietnamese puts the predicate right after the subject
with no case or agreement marks, so the end of the name is found from the
other side: the first word that starts a predicate (a verb of direction such
as "chủ trì", "phối hợp", "có trách nhiệm", a preposition, a modal) ends it.
Names of ministries and departments with lowercase inner syllables ("Kế hoạch
và Đầu tư") are read whole first, so their syllables never end a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

W = r"(?<![\p{L}\p{M}\d])"  # word start
E = r"(?![\p{L}\p{M}\d])"  # word end

# Sector names that appear after Bộ / Sở / Ủy ban / Ban, longest first.
SECTORS = sorted([
    "Công Thương", "Công thương", "Kế hoạch và Đầu tư", "Tài chính", "Tư pháp", "Nội vụ", "Xây dựng",
    "Giao thông vận tải", "Giao thông - Vận tải", "Tài nguyên và Môi trường", "Tài nguyên - Môi trường",
    "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường", "Lao động - Thương binh và Xã hội",
    "Lao động, Thương binh và Xã hội", "Văn hóa, Thể thao và Du lịch", "Văn hóa - Thể thao và Du lịch",
    "Văn hóa và Thể thao", "Khoa học và Công nghệ", "Thông tin và Truyền thông", "Giáo dục và Đào tạo",
    "Y tế", "Ngoại giao", "Ngoại vụ", "Quốc phòng", "Công an", "Dân tộc và Tôn giáo", "Du lịch",
    "Công nghiệp", "Thương mại", "Thương mại và Du lịch", "Kế hoạch - Đầu tư", "Tư pháp",
    "Khoa học, Công nghệ và Đổi mới sáng tạo", "Dân tộc", "Thanh tra", "Nông nghiệp",
], key=len, reverse=True)
_SECTOR = "(?:" + "|".join(regex.escape(s).replace(r"\ ", r"\s+") for s in SECTORS) + f"){E}"  # wrapped lines

ADMIN = r"(?:tỉnh|huyện|quận|thị\s+xã|thị\s+trấn|thành\s+phố|xã(?!\s+hội)|phường|cấp\s+tỉnh|cấp\s+huyện|cấp\s+xã|các\s+cấp|đặc\s+khu)"
PROPER = r"(?:\p{Lu}[\p{Ll}\p{M}]*(?:[ -]\p{Lu}[\p{Ll}\p{M}]*)*)"
# Capitalised directive verbs that open a new line after a heading's place name ("... tỉnh\nChỉ đạo ...").
_VERB_START = (r"(?i:chỉ\s+đạo|chủ\s+trì|phối\s+hợp|thực\s+hiện|tổ\s+chức|xây\s+dựng|tham\s+mưu|triển\s+khai|"
               r"tăng\s+cường|hướng\s+dẫn|kiểm\s+tra|rà\s+soát|có\s+trách|chịu\s+trách|tiếp\s+tục|phụ\s+trách|"
               r"quán\s+triệt|đẩy\s+mạnh|nghiên\s+cứu|theo\s+dõi|báo\s+cáo|căn\s+cứ|khẩn\s+trương|chủ\s+động|"
               # function words that never open a place name ("... các xã, phường\nTheo chức năng, ...")
               r"các|những|bộ|sở|ủy\s+ban|uỷ\s+ban|cục|văn\s+phòng|ngân\s+hàng|theo|trên|trong|đối\s+với|để|nhằm|đồng\s+thời|giao|phải|cần|kịp\s+thời|định\s+kỳ|"
               r"thường\s+xuyên|nghiêm\s+túc|tập\s+trung|đẩy\s+nhanh|bảo\s+đảm|đảm\s+bảo|có)"
               r"(?![\p{L}\p{M}])")
_PLACES = (rf"(?:\s+(?:các\s+)?{ADMIN}{E}(?:\s*,\s*{ADMIN}{E}|\s+và\s+{ADMIN}{E})*"
           rf"(?:\s+trực\s+thuộc\s+(?:Trung\s+ương|trung\s+ương|tỉnh))?(?:\s*:\s*{PROPER}(?:\s*,\s*{PROPER})*|"
           rf"\s+(?!{_VERB_START}){PROPER})?)")

# Heads of body names. Strong heads name an institution and may open a sentence
# as its subject; weak heads ("tổ chức, cá nhân", "cơ sở") only count before an
# explicit obligation ("có trách nhiệm", "phải").
STRONG_HEADS = [
    r"Ủy ban nhân dân", r"Uỷ ban nhân dân", r"UBND", r"Hội đồng nhân dân", r"HĐND",
    r"Ủy ban [Tt]rung ương Mặt trận Tổ quốc Việt Nam", r"Tổng Liên đoàn", r"Ủy ban Mặt trận Tổ quốc(?: Việt Nam)?", r"UBMTTQ(?:VN)?",
    r"Ủy ban Thường vụ Quốc hội", r"Mặt trận Tổ quốc(?: Việt Nam)?", r"Ủy ban", r"Bộ Chỉ huy", r"Bộ", r"Sở", r"Tổng cục", r"Chi cục", r"Cục", r"Vụ",
    r"Ban Thường vụ", r"Ban Chỉ đạo", r"Ban quản lý", r"Ban Quản lý", r"Ban", r"Văn phòng", r"Trung tâm",
    r"Học viện", r"Viện", r"Phòng", r"Đoàn kiểm tra", r"Đoàn", r"Ngân hàng", r"Kho bạc", r"Quỹ", r"Báo",
    r"Đài", r"Thanh tra", r"Công an", r"Thuế", r"Hải quan", r"Bảo hiểm xã hội", r"Tổng công ty", r"Công ty",
    r"Tập đoàn", r"Vườn quốc gia", r"Khu bảo tồn", r"Liên minh", r"Liên đoàn", r"Hiệp hội", r"Hội", r"Tỉnh ủy", r"Thành ủy", r"Huyện ủy",
    r"Đảng ủy", r"Chính phủ", r"Thủ tướng Chính phủ", r"Phó Thủ tướng", r"Tòa án", r"Viện kiểm sát", r"Bộ đội", r"Cảnh sát",
    r"Kiểm toán [Nn]hà nước", r"Tổng Kiểm toán [Nn]hà nước", r"Chánh án", r"Viện trưởng",
    r"Chủ tịch", r"Phó Chủ tịch", r"Giám đốc", r"Phó Giám đốc", r"Bộ trưởng", r"Thủ trưởng", r"Trưởng đoàn",
    r"Phó Trưởng đoàn", r"Trưởng ban", r"Chánh Văn phòng", r"Cục trưởng", r"Vụ trưởng", r"Tổng Giám đốc",
    r"[Nn]gười đứng đầu", r"[Đđ]ại biểu", r"Tổng Thư ký", r"Chủ nhiệm", r"Lãnh đạo", r"Thành viên", r"Tổ công tác", r"Tổ giúp việc", r"Hợp tác xã",
    r"BHXH", r"NHNN", r"KBNN", r"BQL", r"TTKC",
    # a council's or a committee's standing body: "Thường trực Hội đồng nhân dân tỉnh", "Thường trực Tỉnh ủy"
    r"Thường trực(?= (?:Hội đồng|HĐND|Ủy ban|Uỷ ban|UBND|Tỉnh ủy|Thành ủy|Huyện ủy|Đảng ủy|Ban Chỉ đạo))",
]
WEAK_HEADS = [
    r"[Tt]ổ chức,\s*cá nhân", r"[Cc]ơ sở(?!\s+(?:dữ liệu|hạ tầng|vật chất|pháp lý|khoa học|lý luận))", r"[Dd]oanh nghiệp", r"[Đđ]ơn vị", r"[Cc]ơ quan", r"[Cc]hủ đầu tư",
    r"[Nn]gười", r"[Gg]iám đốc", r"[Nn]hà đầu tư", r"[Cc]á nhân", r"[Bb]ên (?:mua|bán|mời thầu|giao|nhận|thuê|cho thuê)",
]
# After "các", institution words may be lowercase: "các bộ, ngành", "các sở, ban, ngành".
GROUP_WORDS = (r"(?:cấp ủy|cấp uỷ|chính quyền|bộ|sở|ban|ngành|cơ quan|đơn vị|địa phương|tổ chức|cá nhân|doanh nghiệp|cơ sở|"
               r"cấp|cơ quan ngang bộ|hội|đoàn thể|huyện|xã|phường|tỉnh|thành phố|thị xã|thành viên|"
               r"chủ đầu tư|công ty|hợp tác xã|trường|Bộ|Sở|Ban|Ngành|Cơ quan|Đơn vị)")


# Names and the words around them are short: look at a bounded window, so a long
# dense text costs linear time, not a copy of the rest of the text per call. Patterns without
# lookbehind or anchors read the window in place (`match(s, pos, pos + _WINDOW)`: the same as on a copy).
_WINDOW = 400

def _alternatives(heads: list[str]) -> str:
    """Heads as one alternation, any run of spaces (a wrapped line included) between their words."""
    return "|".join(h.replace(" ", r"\s+") for h in heads)


_HEAD = regex.compile(
    rf"{W}(?P<pre>(?:[Cc]ác|[Đđ]ồng chí|[Ll]ãnh đạo|[Tt]oàn thể)\s+)?"
    rf"(?:(?P<strong>{_alternatives(STRONG_HEADS)})|(?P<weak>{_alternatives(WEAK_HEADS)}))" + E)
GROUP_HEAD_WORDS = (r"(?:cấp ủy|cấp uỷ|bộ|sở|ban|ngành|cơ quan|đơn vị|địa phương|tổ chức|cá nhân|doanh nghiệp|phòng|"
                    r"cơ sở(?!\s+(?:dữ liệu|hạ tầng|vật chất|pháp lý))|cấp|"
                    r"cơ quan ngang bộ|hội|đoàn thể|thành viên|chủ đầu tư|công ty|hợp tác xã|Bộ|Sở|Ban|Ngành|"
                    r"Cơ quan|Đơn vị)")
_GROUP = regex.compile(rf"{W}[Cc]ác\s+{GROUP_HEAD_WORDS}{E}")

# Words that start a predicate (lowercase): verbs of direction, modals, prepositions.
PRED_WORDS = [
    "chủ trì", "phối hợp", "có trách nhiệm", "chịu trách nhiệm", "thực hiện", "tổ chức", "xây dựng", "chỉ đạo",
    "tham mưu", "rà soát", "theo dõi", "hướng dẫn", "kiểm tra", "lưu ý", "căn cứ", "khẩn trương", "tiếp tục",
    "tăng cường", "nghiên cứu", "đề xuất", "báo cáo", "lập", "phải", "cần", "được", "nghiêm túc", "chủ động",
    "quan tâm", "triển khai", "hoàn chỉnh", "hoàn thành", "hoàn thiện", "ban hành", "bố trí", "đôn đốc",
    "giám sát", "phụ trách", "trình", "xem xét", "thẩm định", "giải quyết", "sử dụng", "cung cấp", "gửi",
    "kịp thời", "thường xuyên", "định kỳ", "hàng năm", "hằng năm", "có", "là", "đã", "đang", "sẽ", "của",
    "về", "để", "với", "theo", "trong", "tại", "đối với", "cho", "từ", "do", "khi", "nếu", "thì", "mà",
    "lãnh đạo", "quán triệt", "đẩy mạnh", "tập trung", "thống nhất", "phân công", "cử", "giao", "yêu cầu",
    "đề nghị", "bảo đảm", "đảm bảo", "phê duyệt", "tiếp nhận", "tiếp thu", "đánh giá", "tổng hợp", "hỗ trợ",
    "xử lý", "quản lý", "chấp hành", "tuân thủ", "nắm", "nộp", "lựa chọn", "ưu tiên", "vận động", "tuyên truyền",
    "phổ biến", "cập nhật", "kê khai", "thống kê", "lưu giữ", "chuẩn bị", "mở", "cấp", "điều chỉnh",
    "sửa đổi", "bổ sung", "chuyển", "phản ánh", "trao đổi", "làm việc", "rút kinh nghiệm", "khắc phục",
    "hoàn trả", "thanh toán", "áp dụng", "chú trọng", "nâng cao", "củng cố", "kiện toàn", "sắp xếp", "định hướng",
    "giúp", "quy định", "thẩm tra", "vận hành", "duy trì", "đăng ký", "thông báo", "công bố", "ký", "dự thảo", "soạn thảo",
    "tiến hành", "đẩy nhanh", "rà", "xác định", "xem", "tạo", "huy động", "lồng ghép", "hợp tác", "tham gia",
    "phát hiện", "ngăn chặn", "thanh tra", "theo chức năng", "trên cơ sở", "căn cứ vào", "nhằm", "thuộc",
    "ngày", "số", "năm", "và các", "cùng", "gồm", "bao gồm", "như", "hoặc", "nhưng", "tiếp", "sớm",
    "trực tiếp", "tích cực", "trước", "sau", "nghiêm", "khi", "đều", "vẫn", "còn", "chưa", "không", "luôn",
]
# The predicate openers that also end a free descriptor ("tổ chức, cá nhân khai thác, thu hồi khoáng sản").
STRONG_PRED = regex.compile(
    W + r"(?:có trách nhiệm|chịu trách nhiệm|phải|cần|chủ trì|phối hợp|thực hiện|được|có|là|đã|đang|căn cứ|"
    r"theo|trong|tại|để|của|nghiêm túc|khẩn trương|tiếp tục|chủ động|kịp thời|tổ chức|triển khai|báo cáo|lập|"
    r"xây dựng|trên địa bàn|về|với|cho|khi|nếu|và các|gửi|nộp|thông báo|tăng cường)" + E)
_PRED = regex.compile(W + "(?:" + "|".join(sorted((regex.escape(p) for p in PRED_WORDS), key=len, reverse=True))
                      + ")" + E)
# Lowercase words that continue a body name.
NAME_LOWER = regex.compile((
    W + r"(?:các|xã hội|giao thông|tối cao|kiểm sát|nhân dân|nhà nước|ngang bộ|ngang Bộ|liên quan|chính trị\s*-\s*xã hội(?:\s*-\s*nghề nghiệp)?|đảng|có liên quan|khác|trực thuộc|thuộc|trung ương|"
    r"ngành|cơ quan|đơn vị|địa phương|phát thanh|truyền hình|phát triển|chi nhánh|đoàn thể|chuyên môn|đại biểu|"
    r"công nghiệp|nông thôn|" + ADMIN[3:-1] + r")" + E).replace(" ", r"\s+"))
_TRAIL = regex.compile(r"\s+(?:trên\s+địa\s+bàn(?:\s+(?:tỉnh|huyện|xã|thành\s+phố|cả\s+nước))?|có\s+liên\s+quan|"
                       r"của\s+(?:tỉnh|huyện|thành\s+phố|xã|Trung\s+ương)(?=\s*[,;:.]|\s+và)|"
                       r"từ\s+[Tt]rung\s+ương\s+đến\s+(?:địa\s+phương|cơ\s+sở)|"
                       r"liên\s+quan|chức\s+năng)" + E)
_LICENSED = regex.compile(r"\s+được\s+cấp(?:\s+giấy)?(?:\s+phép)?" + E)  # "tổ chức, cá nhân được cấp phép ..."
_CONNECT = regex.compile(r"\s*(?:,|;|và|&|-|–)\s*")

# Patterns of the name reader, compiled once (it runs a hundred thousand times a corpus).
_SECTOR_AFTER = regex.compile(r"\s+" + _SECTOR)
_OF = regex.compile(r"\s+của\s+")
_PLACES_RX = regex.compile(_PLACES)
_SEP = regex.compile(r"(\s*[-–]\s*|\s*,\s*|\s+và\s+|\s*&\s*|\s+)(?=\S)")
_UPPER = regex.compile(r"\p{Lu}")
_LOWER = regex.compile(r"\p{Ll}")
_SPACE_UPPER = regex.compile(r"\s+\p{Lu}")
_GROUP_OR_ADMIN = regex.compile(rf"(?:{GROUP_WORDS}|{ADMIN}){E}")
_GROUP_WORD = regex.compile(rf"{GROUP_WORDS}{E}")
_LOWER_TAIL = regex.compile(r"\s\p{Ll}[\p{L}\p{M}]*$")
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_PROPER_WORD = regex.compile(PROPER + E)
_PROPER_RX = regex.compile(PROPER)
_STEER_END = regex.compile(r"(?:Chỉ đạo|Điều phối|Quản lý)$")
_OF_END = regex.compile(r"(?:thuộc|của)$")
_NAME_WORD = regex.compile(r"Chương\s+trình(?![\p{L}\p{M}])|[\p{L}\p{M}\d&/]+")  # "trình" is also a verb
_CAC_END = regex.compile(r"(?<![\p{L}\p{M}])[Cc]ác$")
_CAC = ("các", "Các", "các\n", "Các\n")  # `$` also matches before a final line break
_CAP_THEN_LOWER = regex.compile(r"\p{Lu}[\p{Ll}\p{M}]+\s+\p{Ll}")
# Read backwards (REVERSE) from the end: the same last word, without trying every position of the window.
_LAST_WORD = regex.compile(r"(?r)([\p{L}\p{M}]+)\s*$")
_LIST_SEP_RX = regex.compile(r"\s*(?:,|và|;)\s*")
_DANGLING = regex.compile(r"(?:\s+(?:thuộc|trực thuộc|của|và|các))+$")


GENERIC = regex.compile(
    r"^(?:các\s+)?(?:công ty|doanh nghiệp|đơn vị|quý cơ quan|cơ quan|quý đơn vị|các đơn vị|quý công ty)"
    r"(?:\s+(?:nêu trên|trên|này))?$",
    regex.IGNORECASE)


@dataclass
class Body:
    text: str
    start: int  # offsets into the string that was parsed
    end: int
    weak: bool = False


@dataclass
class Bodies:
    items: list[Body] = field(default_factory=list)
    start: int = 0
    end: int = 0

    @property
    def weak(self) -> bool:
        return all(b.weak for b in self.items)


def _head_at(s: str, pos: int):
    m = _HEAD.match(s, pos)
    if m:
        return m
    return _GROUP.match(s, pos)


# Heads that are also common words ("Báo cáo", "Ban hành", "Hội nghị", "Phòng cháy"): a name
# follows them only with a capital, a place word, or one of the listed lowercase words.
AMBIGUOUS = {"báo", "đài", "hội", "ban", "phòng", "vụ", "đoàn", "quỹ", "viện", "cục", "sở", "bộ", "thuế",
             "thanh tra", "công an", "văn phòng", "trung tâm", "trường", "ủy ban", "lãnh đạo", "thành viên",
             "chủ tịch", "giám đốc", "thủ trưởng", "hải quan", "cảnh sát", "bộ đội", "người đứng đầu", "đại biểu"}
_AFTER_AMBIGUOUS = regex.compile(
    rf"\s+(?:\p{{Lu}}|{ADMIN}{E}|các\s|cơ quan|kiểm sát|quản lý|chỉ đạo|kiểm tra|công tác|thanh tra|phát thanh|truyền hình|"
    rf"chuyên môn|nhân dân|đồng|điều hành|thường trực|cấp\s|đại biểu|của\s+(?:Hội đồng|Ủy ban|Quốc hội|Chính phủ))")


def body_at(s: str, pos: int) -> Body | None:
    """The body name starting exactly at `pos`, or None."""
    m = _head_at(s, pos)
    if not m:
        return None
    g = m.groupdict()  # none for a group head ("các sở, ngành")
    weak = bool(g.get("weak")) and not g.get("pre")
    end = m.end()
    head = " ".join((g.get("strong") or g.get("weak") or "").lower().split())
    if head in AMBIGUOUS and (not g.get("pre") or head == "đại biểu") and not _AFTER_AMBIGUOUS.match(s, end):
        return None
    if not head:
        head = m.group().lower()
    # Bộ / Sở / Ban: a known sector name first.
    sm = _SECTOR_AFTER.match(s, end, end + _WINDOW)
    if sm:
        end = sm.end()
    free = head.endswith(("công ty", "tập đoàn", "doanh nghiệp", "đơn vị", "cơ sở", "cơ quan", "chủ đầu tư",
                          "nhà đầu tư")) or "cá nhân" in head
    end = _extend(s, end, free, pos, head)
    om = _OF.match(s, end, end + _WINDOW) if head in ("ban", "văn phòng") and end == m.end() else None
    if om and (ob := body_at(s, om.end())):
        end = ob.end  # "Ban của Hội đồng nhân dân"
    rm = _WHERE.match(s, end)
    if rm:
        end = rm.end()  # "Ủy ban nhân dân cấp tỉnh nơi có đất thu hồi": a relative clause that picks the body
    text = _DANGLING.sub("", s[pos:end].rstrip(" ,;:-–"))
    if not text:
        return None
    return Body(text, pos, pos + len(text), weak)


TITLE_HEADS = {"văn phòng", "giám đốc", "tổng thư ký", "chủ nhiệm", "phó giám đốc", "chủ tịch", "phó chủ tịch", "thủ trưởng", "bộ trưởng",
               "chánh văn phòng", "cục trưởng", "vụ trưởng", "trưởng ban", "lãnh đạo", "người đứng đầu", "thành viên",
               "trưởng đoàn", "phó trưởng đoàn", "tổng giám đốc", "phòng", "ban", "chi cục", "trung tâm", "đoàn",
               "thanh tra", "ban quản lý", "ban chỉ đạo", "tổ công tác", "tổ giúp việc", "ủy ban"}
_INSTITUTION = regex.compile(r"(?:Bộ|Sở|Ủy ban|UBND|Cục|Tổng cục|Công an|Thuế|Ngân hàng|Kho bạc|Đài|Báo)"
                             r"(?![\p{L}\p{M}])")


def _starts_institution(s: str, pos: int) -> bool:
    return bool(_INSTITUTION.match(s, pos))


def _extend(s: str, end: int, free: bool = False, start: int = 0, head: str = "") -> int:
    """Consume the qualifier of a name: capitalised words, place words, name-internal lowercase words."""
    n = len(s)
    placed = False  # a place name ("thành phố Hà Nội") closes the name to compound syllables
    while end < n:
        pm = _PLACES_RX.match(s, end, end + _WINDOW)
        if pm and pm.end() > end:
            end = pm.end()
            placed = True
            continue
        tm = _TRAIL.match(s, end) or (_LICENSED.match(s, end) if free else None)
        if tm:
            end = tm.end()
            continue
        m = _SEP.match(s, end, end + _WINDOW)
        if not m:
            break
        sep = m.group(1)
        nxt = m.end()
        rest = s[nxt:nxt + _WINDOW]
        if "\n" in sep and _UPPER.match(rest) and (_PRED.match(rest.lower()) or _SECTOR_END.search(s, start, end)):
            break  # "10. Bộ Tài chính\nCân đối nguồn ...": a heading line, then its paragraph
        # the anchored second half first: the first half is a search that tries every position of the name;
        # and only where a second half's first word stands
        cm = next((c.match(rest) for h, c in _COMPOUNDS if c.match(rest) and h.search(s, start, end)),
                  None) if rest.startswith(_COMPOUND_FIRST) else None
        if cm:
            end = nxt + cm.end()  # "cơ sở đào tạo", "dự án đầu tư xây dựng": the verb-like half of a noun
            continue
        if "," in sep or "và" in sep:
            # A comma or "và" continues the name only inside a group ("các Sở, ngành") or a
            # ministry name ("Văn hóa, Thể thao"), not before another body of a list.
            gm = _GROUP_OR_ADMIN.match(rest)
            if gm and "các" in s[start:end].lower() and not (
                    gm.group()[:1].isupper() and _SPACE_UPPER.match(rest[gm.end():])):  # ", Bộ Tài chính"
                end = nxt + gm.end()
                continue
            # "cơ quan, tổ chức liên quan", "đơn vị, địa phương có liên quan": a generic list closed by "liên quan"
            lm = _GENERIC_LIST.match(rest) if "," in sep and head in GENERIC_HEADS else None
            if lm:
                end = nxt + lm.end()
                continue
            if _head_at(s, nxt):
                break
            if "và" in sep and head in UNIT_HEADS and _LOWER.match(rest) and not _PRED.match(rest) and \
                    _LOWER_TAIL.search(s[start:end]) and _unit_name(s, start, end, head):
                wm = _WORD.match(rest)  # "Ban Quản lý dự án ... công trình dân dụng và công nghiệp"
                end = nxt + wm.end()
                continue
            if free and "," in sep and _LOWER.match(rest) and not _PRED.match(rest):
                wm = _WORD.match(rest)
                end = nxt + wm.end()
                continue
            if _PROPER_WORD.match(rest) and not _PRED.match(rest.lower()):
                wm = _PROPER_RX.match(rest)
                end = nxt + wm.end()
                continue
            break
        if _UPPER.match(rest):
            if _CELL_AFTER.match(rest) and not _STEER_END.search(s[max(0, end - _WINDOW):end]):
                break  # the next table cell: a time ("Năm 2026", "Quý IV") or a product ("Chương trình, kế hoạch")
            # only a unit's head so far: "Cục Quản lý ...", "Tổng cục Thuế", "cơ quan Thuế"
            bare = head in _BARE_HEADS and not s[start:end].lower().replace(head, "", 1).strip(" ,")
            if _PRED.match(rest.lower()) and ("\n" in sep or not free and not bare and _looks_pred(rest)) or \
                    rest.startswith(("Các ", "Những ")):
                break
            if head not in TITLE_HEADS and not sep.strip() and _starts_institution(s, nxt) and \
                    not _OF_END.search(s[max(0, end - _WINDOW):end]) and \
                    not bare:
                break  # "... ngang bộ Bộ Tư pháp": a second body begins
            wm = _NAME_WORD.match(rest)  # "trình" is also a verb
            if not wm:
                break
            end = nxt + wm.end()
            continue
        if s.endswith(_CAC, 0, end) and _CAC_END.search(s[max(0, end - _WINDOW):end]):  # what a match ends with
            gm = _GROUP_WORD.match(rest)  # "Thủ trưởng các ban, ngành tỉnh"
            if gm:
                end = nxt + gm.end()
                continue
        lm = NAME_LOWER.match(rest)
        if lm:
            end = nxt + lm.end()
            continue
        if _LOWER.match(rest) and not _PRED.match(rest) and (
                free or not placed and (_in_name(s, end) or _unit_name(s, start, end, head))):
            wm = _WORD.match(rest)
            end = nxt + wm.end()
            continue
        break
    return end


_SECTOR_END = regex.compile(_SECTOR + r"$")
# Noun compounds whose second half is also a predicate word ("tạo", "xây dựng").
_COMPOUNDS = [(regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?i:{a})$"), regex.compile(rf"{b}(?![\p{{L}}\p{{M}}])"))
              for a, b in [(r"đào|sáng|cải|chế", "tạo"), (r"đầu\s+tư|công\s+trình|vật\s+liệu", r"xây\s+dựng"),
                           (r"công", "trình"), (r"Hội\s+đồng", r"thẩm\s+(?:định|tra)")]]
_COMPOUND_FIRST = ("tạo", "xây", "trình", "thẩm")  # how each second half starts (a test keeps them so)
# "nơi có đất thu hồi", "nơi xảy ra vi phạm" before the body's predicate.
_WHERE = regex.compile(r"\s+nơi\s+(?:có|đặt|xảy\s+ra|thực\s+hiện|cư\s+trú)\s+[^,;:.\n]{1,120}?"
                       r"(?=\s*,?\s+(?:có trách nhiệm|chịu trách nhiệm|phải|chủ trì|phối hợp|có nghĩa vụ|cần|thực hiện|"
                       r"tổ chức|chỉ đạo|kiểm tra|xem xét|quyết định|có thẩm quyền)(?![\p{L}\p{M}]))")


_CELL_AFTER = regex.compile(r"(?:Chương|Năm\s+\d|Giai\s+đoạn|Quý\s+[IV\d]|Hội\s+nghị|Hằng\s+năm|Hàng\s+năm)"
                            r"(?![\p{L}\p{M}])")
GENERIC_HEADS = {"cơ quan", "đơn vị", "tổ chức", "doanh nghiệp", "cơ sở"}
_GENERIC_LIST = regex.compile(rf"{GROUP_WORDS}(?:\s*,\s*{GROUP_WORDS})*\s+(?:có\s+)?liên\s+quan{E}")


# Heads of named units whose qualifier goes on in lowercase ("Cục Quản lý xuất nhập cảnh", "Vụ Hợp tác quốc tế").
UNIT_HEADS = {"cục", "tổng cục", "chi cục", "vụ", "viện", "học viện", "trung tâm", "ban quản lý", "ban", "phòng",
              "công ty", "tổng công ty", "tập đoàn", "ban chỉ đạo", "văn phòng"}
_BARE_HEADS = UNIT_HEADS | {"cơ quan"}  # heads whose capitalised next word may start their name


def _unit_name(s: str, start: int, end: int, head: str) -> bool:
    """A unit's capitalised qualifier continues with lowercase words, at most six of them."""
    if head not in UNIT_HEADS:
        return False
    printed = s[start:end].split()
    n = len(head.split())
    words = printed[n:]
    if any(w[:1].isupper() for w in printed[1:n]):  # the head is a name itself: "Ban Quản lý"
        words = printed[1:]
    if not words or not words[0][:1].isupper():
        return False
    tail = 0
    for w in reversed(words):
        if w[:1].isupper():
            break
        tail += 1
    # "Ban Quản lý dự án đầu tư xây dựng công trình giao thông": project boards have long lowercase names
    return tail < (15 if "dự án" in " ".join(words).lower() else 6)


def _looks_pred(rest: str) -> bool:
    """A capitalised predicate word opens a new sentence in a joined heading ("... An Giang Phối hợp ...")."""
    return bool(_CAP_THEN_LOWER.match(rest))


def _in_name(s: str, end: int) -> bool:
    """Lowercase syllables continue a name only right after a capitalised word (compound names)."""
    prev = _LAST_WORD.search(s[max(0, end - _WINDOW):end])
    return bool(prev and prev.group(1)[:1].isupper() and len(prev.group(1)) > 1 and not prev.group(1).isupper())


_DISTRIBUTIVE = regex.compile(r"(?:[Cc]ác\s+)?(?P<head>Sở|Bộ)\s*:\s*")
_DISTRIBUTIVE_FIRST = ("Các", "các", "Sở", "Bộ")  # how every match starts: a cheap first look
_SECTOR_OR_PROPER = regex.compile(rf"{_SECTOR}|{PROPER}")


def _distributive(s: str, pos: int) -> Bodies | None:
    """"Các Sở: Công nghiệp, Tài chính, Kế hoạch và Đầu tư" → Sở Công nghiệp, Sở Tài chính, ..."""
    m = _DISTRIBUTIVE.match(s, pos) if s.startswith(_DISTRIBUTIVE_FIRST, pos) else None
    if not m:
        return None
    out = Bodies([], pos, m.end())
    p = m.end()
    while True:
        nm = _SECTOR_OR_PROPER.match(s, p)
        if not nm:
            break
        out.items.append(Body(f"{m['head']} {nm.group()}", nm.start(), nm.end()))
        out.end = nm.end()
        sep = _LIST_SEP_RX.match(s, nm.end())
        if not sep:
            break
        p = sep.end()
    return out if out.items else None


# The extractor reads the same spot of a sentence several times (as a directive's subject, a heading's
# body, a status line's subject): each list is read once. Callers never change a returned Bodies.
@lru_cache(maxsize=20_000)
def bodies_at(s: str, pos: int) -> Bodies | None:
    """A list of bodies starting at `pos`: "Sở Công Thương, Công an tỉnh, UBND xã Phong Hải"."""
    dist = _distributive(s, pos)
    if dist:
        return dist
    b = body_at(s, pos)
    if not b:
        return None
    out = Bodies([b], pos, b.end)
    while True:
        m = _CONNECT.match(s, out.end)
        if not m:
            break
        nb = body_at(s, m.end())
        if not nb:
            break
        out.items.append(nb)
        out.end = nb.end
    return out


def is_generic(name: str) -> bool:
    return bool(GENERIC.match(name.strip()))


# Names OCR may damage by one letter ("Giao Chính phi thực hiện ..."): read only right after a request word
# ("Giao", "Đề nghị"), where a body must follow, and only for names long enough that one letter cannot make
# another word.
_LEXICON = sorted({"Chính phủ", "Thủ tướng Chính phủ", "Ủy ban nhân dân", "Hội đồng nhân dân", "Quốc hội",
                   "Ủy ban Thường vụ Quốc hội", "Mặt trận Tổ quốc Việt Nam", "Kiểm toán nhà nước",
                   "Ngân hàng Nhà nước", "Bảo hiểm xã hội", "Văn phòng Chính phủ",
                   *(f"{h} {s}" for h in ("Bộ", "Sở") for s in SECTORS)}, key=len, reverse=True)
_FUZZY_LEXICON = [n for n in _LEXICON if len(n.replace(" ", "")) >= 8]
_FUZZY_NAMES: dict[str, regex.Pattern] = {}


def _fuzzy_name(name: str) -> regex.Pattern:
    """`name` with one letter wrong, compiled on first use (a fuzzy pattern is slow to compile)."""
    p = _FUZZY_NAMES.get(name)
    if p is None:
        p = _FUZZY_NAMES[name] = regex.compile(rf"(?:{regex.escape(name)}){{e<=1}}(?![\p{{L}}\p{{M}}])")
    return p


def fuzzy_bodies_at(s: str, pos: int) -> Bodies | None:
    """`bodies_at`, else a known name with one letter wrong, read as that name (offsets into `s`)."""
    bl = bodies_at(s, pos)
    if bl or pos >= len(s) or not s[pos].isupper():
        return bl
    for name in _FUZZY_LEXICON:
        if s[pos] != name[0]:
            continue  # a match must keep the name's first letter (below): skipped without compiling it
        m = _fuzzy_name(name).match(s, pos, pos + len(name) + 2)
        if not m or m.group()[:1] != name[:1] or m.group().count(" ") != name.count(" "):
            continue
        bl = bodies_at(s[:pos] + name + s[m.end():m.end() + _WINDOW], pos)
        return _shifted(bl, pos + len(name), m.end()) if bl else None
    return None


def _shifted(bl: Bodies, cut: int, real: int) -> Bodies:
    """Offsets of a list read in a corrected copy, back into the text (the copy's `cut` is the text's `real`)."""
    def back(x: int) -> int:
        return x + real - cut if x >= cut else min(x, real)

    return Bodies([Body(b.text, back(b.start), back(b.end), b.weak) for b in bl.items], back(bl.start), back(bl.end))
