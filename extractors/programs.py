"""Programs a document approves, amends, concludes on, reports on, implements or mentions.

A program is a "chương trình / kế hoạch / đề án / dự án" with a topic ("khuyến
công"), a scope ("tỉnh An Giang", "quốc gia") and a period ("giai đoạn
2016–2020", "đến năm 2020"). Each mention is read with its offsets; mentions
naming the same program share a canonical key built from the folded topic,
scope and period (`ct-khuyen-cong-an-giang-2016-2020`), so "Chương trình
Khuyến công tỉnh An Giang giai đoạn 2016 -2020" and "CHƯƠNG TRÌNH KHUYẾN CÔNG
TỈNH AN GIANG GIAI ĐOẠN 2016 – 2020" are one program. Abbreviations fold to
the same key: CTKC (chương trình khuyến công), KCQG / KCĐP (the national and
local khuyến công programs), and any "(sau đây gọi tắt là X)" / "(X)" a
document defines after a mention. A bare "Chương trình" or a mention without
scope or period ("Chương trình khuyến công") refers to the program this
document approves or amends when there is one with that topic; otherwise it
links the document to the program family of that topic (`ct-khuyen-cong`).

The document's role toward a program is read from the words governing the
mention (phê duyệt, ban hành → approves when the document itself does it,
not a cited decision; sửa đổi, điều chỉnh → amends; kết luận → concludes;
kết quả, đánh giá, báo cáo, tổng kết → reports; thực hiện, triển khai, căn
cứ → implements; else mentions) and from the document's type and subject.
"""

from __future__ import annotations

import regex

from pipeline.cues import Cued
from pipeline.normalise import strip_marks
from pipeline.records import Indicator, Program, ProgramMention

I = regex.IGNORECASE  # noqa: E741

KINDS = {"chương trình": "ct", "kế hoạch": "kh", "đề án": "da", "dự án": "du"}
ROLES = ("approves", "amends", "concludes", "reports", "implements", "mentions")  # strongest first

_W = r"[\p{L}\p{N}][\p{L}\p{N}\-]*"
_W_RX = regex.compile(_W)
_KIND = r"(?P<kind>chương\s+trình|kế\s+hoạch|đề\s+án|dự\s+án)"
MENTION = Cued(regex.compile(rf"(?<![\p{{L}}])(?P<plural>(?:các|những|mọi)\s+)?{_KIND}(?![\p{{L}}])", I),
               ("các", "những", "mọi", "chương", "kế", "đề", "dự"))
ABBREV = regex.compile(r"(?<![\p{L}\p{N}])(?P<ab>CTKC|KCQG|KCĐP|KCĐp|KCDP)(?![\p{L}\p{N}])")
_ABBREV_AT = Cued(ABBREV, ("CTKC", "KC"))  # every abbreviation opens on one of these
ABBREV_NAMES = {
    "CTKC": ("chương trình", "khuyến công", None),
    "KCQG": ("chương trình", "khuyến công", "quốc gia"),
    "KCĐP": ("chương trình", "khuyến công", "địa phương"),
    "KCDP": ("chương trình", "khuyến công", "địa phương"),
}
# "(sau đây gọi tắt là Chương trình)", "(sau đây viết tắt là CTKC)", "(CTMTQG)"
DEFINED = regex.compile(r"\s*\(\s*(?:sau\s+đây\s+)?(?:(?:gọi|viết)\s+tắt\s+là\s+)?[\"“]?"
                        r"(?P<ab>\p{Lu}[\p{Lu}\p{N}Đ]{2,9})[\"”]?\s*\)")
PERIOD = regex.compile(
    r"^[\s,]*(?:(?:trong\s+|thời\s+kỳ\s+)?giai\s+đ[oO0ọ]ạn\s+|GIAI\s+Đ[O0]ẠN\s+|từ\s+năm\s+|năm\s+)?"
    r"(?P<a>(?:19|20)\d\d)(?:\s*[-–—]\s*|\s+đến\s+(?:năm\s+)?)(?P<b>(?:19|20)\d\d)"
    r"|^[\s,]*(?:định\s+hướng\s+)?đến\s+năm\s+(?P<to>(?:19|20)\d\d)"
    r"|^[\s,]*năm\s+(?P<y>(?:19|20)\d\d)", I)
SCOPE_WORD = regex.compile(r"^(?:tỉnh|thành\s+phố|TP\.?|huyện|thị\s+xã|quận|xã)\s+", I)
NATIONAL = regex.compile(r"^(?:quốc\s+gia|địa\s+phương)(?![\p{L}])", I)
# words that end a program's topic: function words, verbs of the sentence, scope and period markers
STOP = frozenset("""của do đã được theo tại trên để nhằm với trong thuộc này đó là có gồm và hoặc về đến từ
    giai năm tỉnh huyện xã quận thành thị quốc địa nêu sẽ đang phải cần chưa không các những mọi
    khác kèm như đảm bảo chi sau trước hàng vào ra bằng mà nên vì khi nếu tới đây
    gửi ngày số tháng thì ở bị cho lên mang""".split())
# topics that are not a program: a ministry's name (Sở Kế hoạch và Đầu tư), money and time words
NOT_TOPIC = regex.compile(r"^(?:vốn|năm|tháng|quý|chi\s+tiết|kinh\s+phí|ngân\s+sách|công\s+tác|hành\s+động|cụ\s+thể"
                          r"|tổng\s+thể|liên\s+quan|mục\s+tiêu\s*$|trọng\s+điểm|nói\s+trên|đã\s+được|đầu\s+tư\s*$"
                          r"|hỗ\s+trợ\s*$|phát\s+triển\s*$|thí\s+điểm\s*$|đào\s+tạo\s*$|trên)", I)
OFFICE_BEFORE = regex.compile(r"(?:Sở|Bộ|Phòng|Ban|Vụ|Cục|Ủy\s+ban|Uỷ\s+ban|Viện|Hội\s+đồng|Đài)\s+$", I)

APPROVES = regex.compile(r"(?:phê\s+duyệt|ban\s+hành|thông\s+qua)\s+(?:kèm\s+theo\s+)?$", I)
AMENDS = regex.compile(r"(?:sửa\s+đổi|bổ\s+sung|điều\s+chỉnh|gia\s+hạn)[^.;\n]{0,40}$", I)
CONCLUDES = regex.compile(r"kết\s+luận[^.;]{0,120}$", I)
REPORTS = regex.compile(r"(?:kết\s+quả|đánh\s+giá|tổng\s+kết|sơ\s+kết|báo\s+cáo|tình\s+hình)[^.;]{0,80}$", I)
IMPLEMENTS = regex.compile(r"(?:thực\s+hiện|triển\s+khai|căn\s+cứ|điều\s+hành|lồng\s+ghép|theo|thuộc|từ)"
                           r"[^.;]{0,60}$", I)
# a cited document governs the verb: "Quyết định số 1288/QĐ-TTg ngày ... phê duyệt Chương trình ..."
CITED_BEFORE = regex.compile(r"(?:số\s+)?\d+[/\-][\w\-/Đđ]*\d*[^.;\n]{0,120}$|(?:Quyết\s+định|Nghị\s+quyết)\s+(?:số\s+)?"
                             r"\d[^.;]{0,120}$", I)

_GOALS = regex.compile(r"(?im)^\s*(?:[IVX]+\.|\d+\.)?\s*Mục\s+tiêu[^\n]*$")
_SECTION = regex.compile(r"(?m)^\s*(?:[IVX]+\.\s|PHẦN\s)")

INDICATOR = regex.compile(
    r"(?P<actual>\d[\d.]*)\s+(?P<unit>lớp|cơ\s+sở|mô\s+hình|sản\s+phẩm|doanh\s+nghiệp|dự\s+án|đề\s+án|lượt|cuộc|đoàn"
    r"|lao\s+động|người|học\s+viên|nhãn\s+hiệu|cụm)[^.;()\n]{0,60}?,?\s*đạt\s+(?P<pct>\d+(?:[.,]\d+)?)\s*%"
    r"\s*\(\s*(?:kế\s+hoạch|KH)\s*:?\s*(?P<plan>\d[\d.]*)", I)


fold = strip_marks  # lower case without diacritics: "Khuyến công" → "khuyen cong"


_SLUG_WORD = regex.compile(r"[a-z0-9]+")


def slug(*parts: str | None) -> str:
    words = _SLUG_WORD.findall(fold(" ".join(p for p in parts if p)))
    return "-".join(words)


def program_key(kind: str, topic: str, scope: str | None, year_from: int | None, year_to: int | None) -> str:
    period = str(year_to) if year_from and year_from == year_to else f"{year_from}-{year_to}" if year_from and year_to else f"den-{year_to}" if year_to else \
        str(year_from) if year_from else None
    return slug(KINDS.get(fold_kind(kind), "ct"), topic, scope, period)


def fold_kind(kind: str) -> str:
    return " ".join(kind.lower().split())


def _title(words: list[str]) -> str:
    """An all-caps place name as it is written elsewhere: AN GIANG → An Giang."""
    return " ".join(w if not w.isupper() or len(w) <= 1 else w[0] + w[1:].lower() for w in words)


STOP2 = frozenset(("triển khai", "thực hiện", "tổ chức", "ban hành", "phê duyệt", "đề nghị", "báo cáo", "tạo việc",
                   "trình diễn", "kèm theo", "dự kiến", "đạt được"))


class _Words:
    """The words of a string, matched only as far as they are asked for; None past the last."""

    def __init__(self, s: str):
        self._it, self._seen = _W_RX.finditer(s), []

    def __getitem__(self, k: int):
        while len(self._seen) <= k:
            w = next(self._it, None)
            if w is None:
                return None
            self._seen.append(w)
        return self._seen[k]


def _parse_rest(rest: str) -> tuple[str, str | None, int | None, int | None, int]:
    """(topic, scope, from, to, length used) read from the words after the kind."""
    words = _Words(rest)  # read as far as the loop goes, not to the end of the 240 characters
    caps = rest.isupper()
    topic: list[str] = []
    scope = None
    end = 0
    i = 0
    while (w := words[i]) is not None:
        gap = rest[end:w.start()]
        if any(c in gap for c in ",;:.()\"“”/") or gap.count("\n") > 1:
            break
        lw = w.group().lower()
        nxt = words[i + 1].group().lower() if words[i + 1] is not None else ""
        if w.group()[0].isdigit() or f"{lw} {nxt}" in STOP2:
            break
        if "\n" in gap and w.group()[0].isupper() and not caps:
            line_start = rest.rfind("\n", 0, end) + 1
            if end - line_start < 50 and not topic:
                break  # a short heading line ends at the kind: "V. Kinh phí thực hiện Chương trình" / "Tổng …"
        if f"{lw} {nxt}" in ("quốc gia", "địa phương"):
            after = words[i + 2]
            tail_gap = rest[words[i + 1].end():after.start()] if after else ""
            if after is None or any(c in tail_gap for c in ",;:.()") or after.group().lower() in STOP \
                    or after.group()[0].isdigit():
                scope = f"{lw} {nxt}"
                end = words[i + 1].end()
                break
            topic += [w.group(), words[i + 1].group()]
            end = words[i + 1].end()
            i += 2
            continue
        if lw in STOP:
            break
        if topic and w.group()[0].isupper() and not words[0].group()[0].isupper() and not caps:
            break  # "chương trình khuyến công Sở Công Thương …": a name starts a new phrase
        topic.append(w.group())
        end = w.end()
        i += 1
        if len(topic) >= 10:
            break
    if scope is None:
        tail = rest[end:]
        m = SCOPE_WORD.match(tail.lstrip())
        if m and "\n\n" not in tail[:len(tail) - len(tail.lstrip())]:
            off = end + (len(tail) - len(tail.lstrip())) + m.end()
            place: list[str] = []
            place_end = off
            for w in _W_RX.finditer(rest[off:]):
                gap = rest[place_end:off + w.start()]
                if any(c in gap for c in ",;:.()") or w.group().lower() in STOP or not w.group()[0].isupper() \
                        or len(place) >= 4:
                    break
                place.append(w.group())
                place_end = off + w.end()
            if place:
                scope = _title(place)
                end = place_end
            elif m.group().strip().lower() == "tỉnh":
                scope = "tỉnh"  # "Chương trình Khuyến công tỉnh": the issuer's province
                end = end + (len(tail) - len(tail.lstrip())) + len(m.group().rstrip())
    y_from = y_to = None
    p = PERIOD.match(rest[end:])
    if p and "\n\n" not in p.group():
        if p.group("a"):
            y_from, y_to = int(p.group("a")), int(p.group("b"))
        elif p.group("to"):
            y_to = int(p.group("to"))
        else:
            y_from = y_to = int(p.group("y"))
        end += p.end()
    return " ".join(topic), scope, y_from, y_to, end


def _role(text: str, start: int, doc_type: str, in_subject: bool, in_article1: bool) -> str:
    lo = max(text.rfind(".", 0, start), text.rfind(";", 0, start), text.rfind("\n\n", 0, start), start - 200, 0)
    before = " ".join(text[lo:start].split()) + " "
    n = len(before)  # words one space apart: each verb's pattern reaches back at most its bound from the end
    if APPROVES.search(before, max(0, n - 40)):
        if in_subject or in_article1:
            return "approves"
        if not CITED_BEFORE.search(before[:-1].rsplit(" phê duyệt", 1)[0] if " phê duyệt" in before else before):
            return "approves" if doc_type.startswith("quyết định") else "mentions"
        return "mentions"
    if AMENDS.search(before, max(0, n - 60)) and (in_subject or in_article1):
        return "amends"
    if in_subject and (doc_type.startswith("thông báo") or CONCLUDES.search(before, max(0, n - 140))):
        return "concludes"
    if REPORTS.search(before, max(0, n - 100)):
        return "reports"
    if IMPLEMENTS.search(before, max(0, n - 80)):
        return "implements"
    return "mentions"


def _cited_approval(text: str, start: int, refs) -> str | None:
    """The key of a cited document that approves the program: "Quyết định số 1288/QĐ-TTg … phê duyệt Chương trình"."""
    before = text[max(0, start - 40):start]
    if not regex.search(r"phê\s+duyệt\s+(?:kèm\s+theo\s+)?$", before, I):
        return None
    best = None
    for r in refs:
        if r.start < start and start - r.start < 250 and "\n\n" not in text[r.start:start] \
                and not regex.search(r"[.;](?=\s)", text[r.end:start]):
            if best is None or r.start > best.start:
                best = r
    return getattr(best, "key", None) if best else None


def _indicators(text: str, lo: int, hi: int) -> list[Indicator]:
    out = []
    for m in INDICATOR.finditer(text, lo, hi):
        def num(s: str) -> float:
            return float(s.replace(".", "")) if "," not in s else float(s.replace(".", "").replace(",", "."))

        actual, plan = num(m.group("actual")), num(m.group("plan"))
        pct = float(m.group("pct").replace(",", "."))
        ok = plan > 0 and abs(actual / plan * 100 - pct) <= max(1.0, pct * 0.02)
        # the period the figure belongs to: the nearest "giai đoạn YYYY-YYYY" / "năm YYYY" before it
        ctx = text[max(0, m.start() - 300):m.start()]
        yrs = list(regex.finditer(r"(?:giai\s+đoạn|năm)\s+((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?", ctx, I))
        y_from = int(yrs[-1].group(1)) if yrs else None
        y_to = int(yrs[-1].group(2)) if yrs and yrs[-1].group(2) else y_from
        out.append(Indicator(" ".join(m.group().split()), m.start(), m.end(), " ".join(m.group("unit").split()),
                             plan, actual, pct, ok, y_from, y_to))
    return out


def extract(doc, seg, ex) -> list[Program]:
    text = doc.text
    h = ex.header
    doc_type = (h.doc_type.value or "").lower()
    subj = seg.subject if seg is not None else None
    subj_lo, subj_hi = (subj.start, subj.end) if subj is not None else (h.subject.start or -1, h.subject.end or -1)
    art1 = regex.search(r"(?m)^\s*Điều\s+1\s*[.:]", text)
    art1_lo = art1.start() if art1 else -1
    art1_hi = text.find("\n", art1.end() + 1) if art1 else -1
    if art1 and art1_hi != -1:
        nxt = regex.search(r"(?m)^\s*Điều\s+2\s*[.:]", text[art1.end():])
        art1_hi = art1.end() + nxt.start() if nxt else art1_hi
    abbrevs: dict[str, tuple[str, str, str | None, int | None, int | None]] = {}
    found: list[tuple[int, int, str, str, str | None, int | None, int | None, str, bool]] = []

    for m in MENTION.finditer(text):
        start = m.start("kind")
        if OFFICE_BEFORE.search(text[max(0, start - 12):start]):
            continue  # Sở Kế hoạch và Đầu tư
        kind = fold_kind(m.group("kind"))
        topic, scope, y_from, y_to, used = _parse_rest(text[m.end():m.end() + 240])
        end = m.end() + used
        if NOT_TOPIC.match(topic):
            topic = ""
        generic = bool(m.group("plural"))
        d = DEFINED.match(text, end)
        if d and topic:
            abbrevs[d.group("ab")] = (kind, topic, scope, y_from, y_to)
        found.append((start, end, kind, topic, scope, y_from, y_to, " ".join(text[start:end].split()), generic))
    for m in _ABBREV_AT.finditer(text):
        ab = m.group("ab").upper().replace("Đ", "Đ")
        kind, topic, scope = ABBREV_NAMES.get(ab, ABBREV_NAMES.get(fold(ab).upper(), ("chương trình", "khuyến công", None)))
        found.append((m.start(), m.end(), kind, topic, scope, None, None, m.group(), False))
    for ab, (kind, topic, scope, y_from, y_to) in abbrevs.items():
        if ab in ABBREV_NAMES:
            continue
        for m in regex.finditer(rf"(?<![\p{{L}}\p{{N}}]){regex.escape(ab)}(?![\p{{L}}\p{{N}}])", text):
            if not text[max(0, m.start() - 2):m.start()].strip().endswith("("):
                found.append((m.start(), m.end(), kind, topic, scope, y_from, y_to, ab, False))
    found.sort()
    short = {fold(f[3]) for f in found if f[3] and (f[4] or f[5] or f[6])} | {"khuyen cong"}
    for n, f in enumerate(found):
        ft = fold(f[3])
        for st in sorted(short, key=len, reverse=True):
            if ft.startswith(st + " ") and not (f[4] or f[5] or f[6]):
                cut = len(st.split())
                found[n] = (f[0], f[1], f[2], " ".join(f[3].split()[:cut]), *f[4:])
                break

    # the province of a bare "tỉnh": the one named by another mention of the same topic
    places: dict[str, str] = {}
    for f in found:
        if f[4] and f[4] not in ("tỉnh", "quốc gia", "địa phương") and f[3]:
            places.setdefault(fold(f[3]), f[4])

    programs: dict[str, Program] = {}
    pending: list[tuple[int, int, str, str, str, bool]] = []  # (start, end, kind, topic, text, generic) to resolve
    strong_topic: set[str] = set()
    for f in found:
        if (f[4] or f[5] or f[6]) and f[3]:
            strong_topic.add(fold(f[3]))
    subject_text = fold(h.subject.value or "")
    for start, end, kind, topic, scope, y_from, y_to, printed, generic in found:
        in_subject = subj_lo <= start < subj_hi
        in_art1 = art1_lo <= start < art1_hi
        if scope == "tỉnh":
            scope = places.get(fold(topic)) if topic else None
            if scope is None and topic:
                scope = "tỉnh"
        named = bool(topic) and (scope or y_from or y_to) and not generic
        if not named:
            if not topic:
                pending.append((start, end, kind, "", printed, generic))
                continue
            capital = printed[:1].isupper() and len(topic.split()) >= 4
            if not (capital or fold(topic) in strong_topic or fold(topic) in subject_text
                    or printed in abbrevs or printed.upper() in ABBREV_NAMES):
                continue
            pending.append((start, end, kind, topic, printed, generic or kind != "chương trình"))
            continue
        if scope == "tỉnh":
            scope = None
        if scope is None and (y_from or y_to):
            scoped = {f2[4] for f2 in found if f2[4] not in (None, "tỉnh") and fold(f2[3]) == fold(topic)
                      and (f2[5], f2[6]) == (y_from, y_to) and f2[2] == kind}
            if len(scoped) == 1:
                scope = scoped.pop()  # "CHƯƠNG TRÌNH KHUYẾN CÔNG GIAI ĐOẠN 2013 – 2015" under the province's name
        key = program_key(kind, topic, scope, y_from, y_to)
        role = _role(text, start, doc_type, in_subject, in_art1)  # a named mention's; pending ones get theirs below
        _add(programs, key, kind, topic, scope, y_from, y_to, printed, start, end, role,
             _cited_approval(text, start, ex.references))

    # bare and unscoped mentions: the program of that topic this document approves or amends, else the family
    own = [p for p in programs.values() if p.role in ("approves", "amends")]
    for start, end, kind, topic, printed, generic in pending:
        in_subject = subj_lo <= start < subj_hi
        role = _role(text, start, doc_type, in_subject, art1_lo <= start < art1_hi)
        target = None
        for p in own:
            if (not topic or fold(p.topic) == fold(topic)) and (generic or KINDS.get(kind) == p.key.split("-")[0]):
                target = p
                break
        if target is None and not topic:
            continue  # "Chương trình" with nothing to refer to
        if target is None:
            ck = "ct" if kind in ("đề án", "dự án") and generic else KINDS.get(kind, "ct")
            key = slug(ck, topic)
            if key not in programs:
                _add(programs, key, "chương trình" if ck == "ct" else kind, topic, None, None, None,
                     f"{'Chương trình' if ck == 'ct' else kind.capitalize()} {topic}", start, end, "mentions", None)
                programs[key].mentions.clear()
            target = programs[key]
        target.mentions.append(ProgramMention(printed, start, end, role))
        if ROLES.index(role) < ROLES.index(target.role) and role != "approves":
            target.role = role

    for p in programs.values():
        p.mentions.sort(key=lambda x: x.start)
        if p.role == "approves" and art1_lo == -1 and not any(subj_lo <= x.start < subj_hi for x in p.mentions):
            # approval read from prose, not from the document's own article or subject: keep it only for a decision
            if not doc_type.startswith("quyết định"):
                p.role = "implements"
        if p.role == "approves":
            p.goals = _goals(text)
        p.indicators = _indicators(text, 0, len(text)) if p.role in ("approves", "reports") else []
        p.confidence = 1.0 if (p.scope or p.year_to) else 0.7
    # indicators go to the program whose period they fall in (the previous period's results in an approval)
    _place_indicators(list(programs.values()))
    return sorted(programs.values(), key=lambda p: (ROLES.index(p.role), p.mentions[0].start if p.mentions else 0))


def _add(programs: dict[str, Program], key: str, kind: str, topic: str, scope: str | None, y_from, y_to,
         printed: str, start: int, end: int, role: str, approved_by: str | None) -> Program:
    p = programs.get(key)
    if p is None:
        name = printed
        p = programs[key] = Program(key=key, name=name, kind=kind, topic=" ".join(topic.lower().split()),
                                    scope=scope, year_from=y_from, year_to=y_to, role=role, start=start, end=end)
    elif len(printed) > len(p.name) and not printed.isupper():
        p.name = printed
    if p.name.isupper() and not printed.isupper():
        p.name = printed
    if ROLES.index(role) < ROLES.index(p.role):
        p.role, p.start, p.end = role, start, end
    if approved_by and not p.approved_by:
        p.approved_by = approved_by
    p.mentions.append(ProgramMention(printed, start, end, role))
    return p


def _place_indicators(programs: list[Program]) -> None:
    carriers = [p for p in programs if p.indicators]
    if not carriers:
        return
    seen = carriers[0].indicators
    for p in carriers:
        p.indicators = []
    for ind in seen:
        home = None
        for p in programs:
            if ind.year_from and p.year_from and p.year_from <= ind.year_from and (p.year_to or 0) >= (ind.year_to or 0):
                home = p
                break
        if home is None:
            home = carriers[0]
        home.indicators.append(ind)


def _goals(text: str) -> list[str]:
    """The bullet lines under "Mục tiêu" headings of the approved program, joined back from the hard wrap."""
    out: list[str] = []
    for m in _GOALS.finditer(text):
        nxt = _SECTION.search(text, m.end())
        block = text[m.end():nxt.start() if nxt else min(len(text), m.end() + 3000)]
        for item in regex.split(r"\n\s*(?=[-+•]\s)", block):
            item = " ".join(item.split()).lstrip("-+• ").strip()
            item = regex.sub(r"^.*Mục\s+tiêu[^:]{0,30}:\s*", "", item, flags=I)
            if len(item) > 20 and item[:600] not in out and not regex.search(r"Mục\s+tiêu", item, I):
                out.append(item[:600])
    return out[:12]
