"""Names of state bodies: abbreviations expanded, capitals put back to normal case.

One canonical name per body lets a task tracker group "UBND tỉnh", "Ủy ban
nhân dân tỉnh" and "UBND TỈNH" together; the printed form is always kept
beside it by the callers.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import itemgetter

import regex

from pipeline.normalise import fix_word, unmark

# Longest first where one abbreviation contains another.
ABBREVIATIONS: list[tuple[str, str]] = [
    (r"TTKC\s*&\s*TVPTCN", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp"),
    (r"TTKC\s*&\s*TVCN", "Trung tâm Khuyến công và Tư vấn công nghiệp"),
    (r"TTKC", "Trung tâm Khuyến công"),
    (r"UBND", "Ủy ban nhân dân"),
    (r"HĐND", "Hội đồng nhân dân"),
    (r"UBMTTQ(?:VN)?", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
    (r"MTTQ", "Mặt trận Tổ quốc"),
    (r"Sở\s+CT", "Sở Công Thương"),
    (r"Sở\s+KH\s*&\s*ĐT|Sở\s+KHĐT", "Sở Kế hoạch và Đầu tư"),
    (r"Sở\s+TN\s*&\s*MT|Sở\s+TNMT", "Sở Tài nguyên và Môi trường"),
    (r"Sở\s+NN\s*&\s*PTNT|Sở\s+NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    (r"Sở\s+NN\s*&\s*MT|Sở\s+NNMT|SNNMT", "Sở Nông nghiệp và Môi trường"),
    (r"Sở\s+LĐ\s*-?\s*TB\s*&\s*XH|Sở\s+LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
    (r"Sở\s+KH\s*&\s*CN|Sở\s+KHCN", "Sở Khoa học và Công nghệ"),
    (r"Sở\s+GD\s*&\s*ĐT|Sở\s+GDĐT", "Sở Giáo dục và Đào tạo"),
    (r"Sở\s+TT\s*&\s*TT|Sở\s+TTTT", "Sở Thông tin và Truyền thông"),
    (r"Sở\s+VH\s*[,-]?\s*TT\s*&\s*DL|Sở\s+VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    (r"Bộ\s+NN\s*&\s*MT|Bộ\s+NNMT", "Bộ Nông nghiệp và Môi trường"),
    (r"Bộ\s+NN\s*&\s*PTNT|Bộ\s+NNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn"),
    (r"Bộ\s+TN\s*&\s*MT|Bộ\s+TNMT", "Bộ Tài nguyên và Môi trường"),
    (r"Bộ\s+KH\s*&\s*ĐT", "Bộ Kế hoạch và Đầu tư"),
    (r"Bộ\s+KH\s*&\s*CN|Bộ\s+KHCN", "Bộ Khoa học và Công nghệ"),
    (r"Bộ\s+GD\s*&\s*ĐT|Bộ\s+GDĐT", "Bộ Giáo dục và Đào tạo"),
    (r"Bộ\s+LĐ\s*-?\s*TB\s*&\s*XH|Bộ\s+LĐTBXH", "Bộ Lao động - Thương binh và Xã hội"),
    (r"Bộ\s+TT\s*&\s*TT|Bộ\s+TTTT", "Bộ Thông tin và Truyền thông"),
    (r"Bộ\s+VH\s*[,-]?\s*TT\s*&\s*DL|Bộ\s+VHTTDL", "Bộ Văn hóa, Thể thao và Du lịch"),
    (r"Bộ\s+GTVT", "Bộ Giao thông vận tải"),
    (r"BHXH", "Bảo hiểm xã hội"),
    (r"NHNN", "Ngân hàng Nhà nước"),
    (r"KBNN", "Kho bạc Nhà nước"),
    (r"BQL", "Ban quản lý"),
    (r"Sở\s+GTVT", "Sở Giao thông vận tải"),
    (r"Sở\s+Công\s+thương", "Sở Công Thương"),  # the name's capital restored, so one department groups as one
    (r"Bộ\s+Công\s+thương", "Bộ Công Thương"),
    (r"Sở\s+XD", "Sở Xây dựng"),
    (r"Sở\s+TC", "Sở Tài chính"),
    (r"BCT", "Bộ Công Thương"),
    (r"BTC", "Bộ Tài chính"),
    (r"BKHĐT|BKH&ĐT", "Bộ Kế hoạch và Đầu tư"),
    (r"TTg", "Thủ tướng Chính phủ"),
    (r"TW", "Trung ương"),
    (r"TP\.", "thành phố"),
    (r"HTX", "hợp tác xã"),
    (r"DN", "doanh nghiệp"),
]
# "Sở", "Bộ" heads match in capitals too ("SỞ VH-TT&DL"); the codes themselves only as printed.
_ABBREV_RE = [(regex.compile(rf"(?<![\p{{L}}\d])(?:{p.replace('Sở', '(?i:Sở)').replace('Bộ', '(?i:Bộ)')})(?![\p{{L}}\d])"), r)
              for p, r in ABBREVIATIONS]

# Words that keep their capital inside a body's name.
PROPER = {
    "công thương": "Công Thương", "chính phủ": "Chính phủ", "quốc hội": "Quốc hội",
    "trung ương": "Trung ương", "việt nam": "Việt Nam", "nhà nước": "Nhà nước",
    "mặt trận tổ quốc": "Mặt trận Tổ quốc", "đảng": "Đảng", "khuyến công": "Khuyến công",
}
_PLACE_LEAD = regex.compile(r"\b(tỉnh|thành phố|huyện|quận|thị xã|xã(?!\s+hội)|phường|thị trấn)\s+((?:[\p{L}\p{M}-]+\s*)+)$",
                            regex.IGNORECASE)


# Every abbreviation holds two capitals side by side ("UBND", "Sở KH&ĐT", "TTg", "TP."), but "Công thương",
# which is written out: a name with neither needs none of the forty patterns.
_TWO_CAPITALS = regex.compile(r"\p{Lu}\p{Lu}")


def _may_abbreviate(s: str) -> bool:
    return "Công" in s or _TWO_CAPITALS.search(s) is not None


def expand_abbreviations(s: str) -> str:
    if not _may_abbreviate(s):
        return s
    for pat, rep in _ABBREV_RE:
        s = pat.sub(rep, s)
    return s


def is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


_HEADS = regex.compile(
    r"\b(bộ|sở|cục|tổng cục|chi cục|vụ|(?<!ủy )ban|văn phòng|trung tâm|viện|phòng|đoàn|hội đồng|ngân hàng)\s+(\p{Ll})|"
    r"(?<=\b(?:bộ|sở|cục|vụ|ban|phòng|trung tâm|viện)\s[^,;]*?\s(?:và|-)\s)(\p{Ll})")


_PROPER_RE = [(regex.compile(rf"\b{k}\b", regex.IGNORECASE), v) for k, v in PROPER.items()]
_PROTECTED = regex.compile(r"[\uE000-\uE0FF]")  # the names `canonical_body` sets aside while it re-cases


def normal_case(s: str, force: bool = False) -> str:
    """"ỦY BAN NHÂN DÂN TỈNH LÀO CAI" → "Ủy ban nhân dân tỉnh Lào Cai"."""
    s = " ".join(fix_word(w) if w.isalpha() else w for w in s.split())
    if not (force or is_upper(s)):
        return s
    low = s.lower()
    if not low.startswith(("ủy ban", "hội đồng nhân dân")):
        low = _HEADS.sub(lambda m: (m[1] + " " + m[2].upper()) if m[1] else m[3].upper(), low)
    m = _PLACE_LEAD.search(low)
    place = ""
    if m:
        place = " ".join(w.capitalize() for w in m.group(2).split())
        low = low[: m.start(2)].rstrip()
    for rx, v in _PROPER_RE:
        low = rx.sub(v, low)
    low = low[:1].upper() + low[1:]
    return f"{low} {place}".strip()


# Departments every province has; "Sở Công Thương Phú Yên" is read as "Sở Công Thương tỉnh Phú Yên".
DEPARTMENTS = [
    "Công Thương", "Tài chính", "Xây dựng", "Nội vụ", "Tư pháp", "Kế hoạch và Đầu tư", "Tài nguyên và Môi trường",
    "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường", "Giao thông vận tải", "Y tế",
    "Giáo dục và Đào tạo", "Khoa học và Công nghệ", "Văn hóa, Thể thao và Du lịch", "Văn hóa - Thể thao và Du lịch",
    "Lao động - Thương binh và Xã hội", "Thông tin và Truyền thông", "Ngoại vụ", "Dân tộc và Tôn giáo",
]
_DEPT_PLACE = regex.compile(
    r"^(Sở\s+(?:" + "|".join(regex.escape(d) for d in sorted(DEPARTMENTS, key=len, reverse=True)) + r"))"
    r"\s+(?!tỉnh\b|thành phố\b)(\p{L}+(?:\s+\p{L}+){0,3})$", regex.IGNORECASE)


def with_province(name: str) -> str:
    """"Sở Công Thương Bình dương" → "Sở Công Thương tỉnh Bình Dương" (a department followed by a bare place)."""
    m = _DEPT_PLACE.match(name)
    if not m:
        return name
    place = " ".join(w.capitalize() for w in m[2].split())
    return f"{m[1]} tỉnh {place}"


def canonical_body(s: str) -> str:
    """One name per body: abbreviations expanded, normal case, spaces collapsed.

    Expansions that are names in their own right ("Sở Văn hóa, Thể thao và Du
    lịch") keep their case; only the printed words around them are re-cased.
    """
    s = " ".join(s.split()).strip(" ,;:.-")
    names: list[str] = []
    bare = s
    codes = _may_abbreviate(s)
    for pat, _ in _ABBREV_RE if codes else ():  # codes are capitals in any text: judge the case without them
        bare = pat.sub(" ", bare)
    upper = is_upper(bare)

    def protect(rep: str):
        def sub(_m) -> str:
            if rep[:1].islower():  # a common noun ("thành phố"): cased with its context
                return rep.upper() if upper else rep
            names.append(rep)
            return chr(0xE000 + len(names) - 1)
        return sub

    for pat, rep in _ABBREV_RE if codes else ():
        s = pat.sub(protect(rep), s)
    s = normal_case(s, force=upper)
    s = _PROTECTED.sub(lambda m: names[ord(m.group()) - 0xE000], s) if names else s
    return s[:1].upper() + s[1:] if s else s


# Provinces and centrally-run cities (before and after the 2025 merger): the spelling of a place name whose
# marks OCR lost ("Hà Noi", "Ha Noi" → "Hà Nội").
PROVINCES = [
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "An Giang",
    "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương", "Bình Định",
    "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa",
    "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]


# --- names and phrases typed without marks ("UY BAN NHAN DAN TINH LAO CAI") given the document's own spelling

_HEAD_WORDS = ["Ủy ban nhân dân", "Hội đồng nhân dân", "Thủ tướng Chính phủ", "Văn phòng", "Tổng cục", "Chi cục",
               "Cục", "Sở", "Bộ", "Ban", "Trung tâm", "Đoàn", "Viện", "Phòng", "Thanh tra", "Kho bạc", "Ngân hàng",
               "Công an", "Thuế", "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn",
               "Bộ Tài chính", "Bộ Nội vụ", "Bộ Tư pháp", "Bộ Xây dựng", "Bộ Y tế", "Bộ Ngoại giao", "Bộ Quốc phòng",
               "Bộ Công an", "Bộ Giao thông vận tải", "Hóa chất", "Khuyến công"]
_TOKEN = regex.compile(r"[\p{L}\d]+")
_MAX_RUN = 5
def _add_ngrams(index: dict, words: list[str], wanted: set[str] | None = None) -> None:
    low = [w.casefold() for w in words]
    keys = [unmark(w) for w in low]
    for i in range(len(words)):
        if wanted is not None and keys[i] not in wanted:
            continue
        for n in range(1, min(_MAX_RUN, len(words) - i) + 1):
            k = " ".join(keys[i:i + n])
            if wanted is not None and k not in wanted:
                break
            v = " ".join(low[i:i + n])
            got = index.setdefault(k, {})
            got[v] = got.get(v, 0) + 1


_LEXICON: dict = {}


def _lexicon() -> dict:
    if not _LEXICON:
        names = _HEAD_WORDS + DEPARTMENTS + PROVINCES + list(PROPER.values())
        names += [rep for _, rep in ABBREVIATIONS if rep[:1].isupper()]
        names += [f"Sở {d}" for d in DEPARTMENTS] + [f"Bộ {d}" for d in DEPARTMENTS]
        for name in names:
            _add_ngrams(_LEXICON, _TOKEN.findall(name))
    return _LEXICON


_WORDS: dict = {}


def underthesea_file(*parts: str) -> str | None:
    """The text of a data file inside the installed underthesea package, found without importing the
    package (importing it loads its models); None when underthesea or the file is missing or unreadable."""
    try:
        import importlib.util
        import os

        spec = importlib.util.find_spec("underthesea")
        with open(os.path.join(list(spec.submodule_search_locations)[0], *parts), encoding="utf-8") as f:
            return f.read()
    except Exception:
        return None


_RUN_LINES = re.compile(rf"^[^ \n]+(?: [^ \n]+){{1,{_MAX_RUN - 1}}}$", re.MULTILINE)
_OTHER_BLANK = re.compile(r"[^\S \n]")  # whitespace other than a space or a line break


def _word_list() -> dict:
    """Vietnamese words of two or more syllables (underthesea's bundled Viet74K list) whose letters without
    marks have one spelling only: bare key → spelling. Read once; empty when the list is missing."""
    if not _WORDS:
        _WORDS[""] = ""  # read: a second call does not read again
        content = underthesea_file("corpus", "data", "Viet74K.txt")
        if content is None:  # underthesea missing or its list unreadable: the text and the names only
            return _WORDS
        content = content.lower()
        bare = unmark(content)  # one character for one: lines stay aligned
        # a list of words one space apart (the installed one) gives its lines of two to five words to one
        # findall each; another is respaced line by line
        plain = _OTHER_BLANK.search(content) is None and not any(
            gap in content for gap in ("  ", " \n", "\n ")) and " " not in (content[:1], content[-1:])
        if plain:
            spelt, keys = _RUN_LINES.findall(content), _RUN_LINES.findall(bare)
        else:
            spelt, keys = [], []
            for w, k in zip(content.split("\n"), bare.split("\n"), strict=True):
                w, k = " ".join(w.split()), " ".join(k.split())
                if " " in w and k.count(" ") < _MAX_RUN:
                    spelt.append(w)
                    keys.append(k)
        ways = Counter(map(itemgetter(0), set(zip(keys, spelt, strict=True))))  # how many spellings each key has
        first = dict(zip(reversed(keys), reversed(spelt), strict=True))  # each key's first spelling
        _WORDS.update({k: first[k] for k in dict.fromkeys(keys) if ways[k] == 1})
    return _WORDS


def _text_index(text: str, skip: tuple[int, int], wanted: set[str]) -> dict:
    """The `wanted` n-grams (up to five words, one line, no punctuation between) of `text` outside `skip`:
    bare key → spellings and counts. One pass; only wanted keys are kept."""
    index: dict = {}
    for lm in regex.finditer(r"[^\n]+", text):
        if skip[0] <= lm.start() < skip[1] or skip[0] < lm.end() <= skip[1]:
            continue
        for piece in regex.split(r"[^\p{L}\d \t]+", lm.group()):  # a phrase does not run over punctuation
            words = _TOKEN.findall(piece)
            if words:
                _add_ngrams(index, words, wanted)
    return index


def _best(spellings: dict) -> str:
    # the most frequent spelling; between equals, one that carries marks
    return max(spellings, key=lambda v: (spellings[v], unmark(v) != v))


def _recase(printed: str, spelled: str) -> str:
    return "".join(s.upper() if p.isupper() else s for p, s in zip(printed, spelled, strict=True))


def with_marks(s: str, text: str, skip: tuple[int, int] = (0, 0), lexicon: bool = True) -> str:
    """`s` typed without marks ("UY BAN NHAN DAN TINH LAO CAI", "Phe duyet chuong trinh …") spelled as the
    document's running text (outside `skip`) spells the same letters, the longest run of words first (up to
    five); else as the names of bodies and places spell them, or as the language's word list spells a word of
    two or more syllables; words found nowhere stay as printed. A string
    that carries any mark is returned unchanged."""
    if unmark(s) != s or not regex.search(r"\p{L}", s):
        return s
    toks = list(_TOKEN.finditer(s))
    keys = [unmark(t.group()).casefold() for t in toks]
    wanted = {" ".join(keys[i:i + n]) for i in range(len(keys)) for n in range(1, _MAX_RUN + 1) if i + n <= len(keys)}
    index = _text_index(text, skip, wanted)
    lex = _lexicon() if lexicon else {}
    words = _word_list() if lexicon else {}
    m = len(toks)
    # Runs of words cut so that the pieces found are as long as they can be ("quan ly va | nang cao hieu qua",
    # not "va nang | cao"): best[i] is the best (score, pieces) for the words from i on.
    best: list[tuple[int, int, list[str] | None]] = [(0, 1, None)] * (m + 1)  # (score, words taken, spelling)
    for i in range(m - 1, -1, -1):
        top = (best[i + 1][0], 1, None)  # the word left as printed
        for n in range(1, min(_MAX_RUN, m - i) + 1):
            run = toks[i:i + n]
            if n > 1 and s[run[-2].end():run[-1].start()].strip(" \t"):
                break  # a run of words does not cross punctuation
            key = " ".join(keys[i:i + n])
            # the document's own spelling before the names' list; an unmarked repetition in the text (a site's
            # own line without marks) does not outweigh a name's marked spelling
            cands, gain = index.get(key), 2 * n * n
            marked = {v: k for v, k in (cands or {}).items() if unmark(v) != v}
            if cands and sum(marked.values()) * 2 < sum(cands.values()) and key in lex and any(
                    unmark(v) != v for v in lex[key]):
                cands = None
            if not cands:
                cands, gain = lex.get(key), 2 * n * n - n
            if not cands and n > 1:
                # a word of the language the text never prints ("nang cao" → "nâng cao"): it outweighs its
                # syllables spelled one by one as the text spells them elsewhere ("năng", "cáo")
                one = words.get(key)
                cands, gain = ({one: 1} if one else None), 2 * n * n - n - 1
            if not cands:
                continue
            spelled = _best(cands).split(" ")
            if len(spelled) != n or any(len(w) != len(t.group()) for w, t in zip(spelled, run, strict=True)):
                continue
            if gain + best[i + n][0] > top[0]:
                top = (gain + best[i + n][0], n, spelled)
        best[i] = top
    out = list(s)
    i = 0
    while i < m:
        _, n, spelled = best[i]
        if spelled:
            for w, u in zip(spelled, toks[i:i + n], strict=True):
                out[u.start():u.end()] = list(_recase(u.group(), w))
        i += n
    return "".join(out)
