"""Directive frames: how a sentence says who must do what.

The forms, in the order they are tried on a sentence:
- a request verb before the body: "Giao / Yêu cầu / Đề nghị / Ủy quyền cho X ...",
  also after the issuing body ("Sở Nông nghiệp và Môi trường đề nghị Công ty ...");
- the body as subject: "X chủ trì, phối hợp với Y ...", "X có trách nhiệm ...",
  possibly after a leading adverbial ("Trên cơ sở ..., X ...", "Hàng năm, X ...");
- no body at all: the bullet of an agency heading, whose body it inherits.
Coordinators are the bodies after "phối hợp (với)"; the action is what is left
after the frame words ("chủ trì,", "có trách nhiệm", "căn cứ chức năng, nhiệm vụ,").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from extractors.task_agents import _HEAD, _PRED, Bodies, Body, bodies_at, fuzzy_bodies_at

REQUEST = regex.compile(
    r"(?<![\p{L}\p{M}])(?:[Gg]iao(?:\s+nhiệm\s+vụ)?(?:\s+cho)?|[Pp]hân\s+công(?:\s+cho)?(?=\s+\p{Lu})|[Yy]êu cầu|[Đđ]ề nghị|[Ủủ]y quyền cho|[Uu]ỷ quyền cho|"
    r"[Kk]ính đề nghị|[Đđ]ồng ý giao)\s+[\"“]?")


def _may_request(s: str) -> bool:
    """Whether `s` holds a literal every REQUEST match holds: a substring test skips most sentences
    before the search (which tries every position: `regex` cannot skip ahead over a leading lookbehind)."""
    return "iao" in s or "êu cầu" in s or "ề nghị" in s or " quyền cho" in s or "hân" in s and "công" in s
LEAD_ADVERBIAL = regex.compile(
    r"^(?:Trên cơ sở|Căn cứ|Hàng năm|Hằng năm|Hàng tháng|Hằng tháng|Định kỳ|Trong|Sau khi|Đối với|Để|Nhằm|Khi|"
    r"Trường hợp|Theo|Đồng thời|Bên cạnh đó|Ngoài ra|Từ|Đến|Trước|Qua|Với|Tiếp theo|Riêng|Cùng với|Nay|Vì vậy|"
    r"Do đó|Đặc biệt|Thời gian tới|Tùy theo|Tuỳ theo|Tùy|Tuỳ)\b")
# What follows a subject that is not its predicate (narration, attributes).
NON_PRED = regex.compile(
    r"^\s*(?:của|về|đã|đang|vừa|là|tại|ngày|số|thuộc|được(?!\s+giao)|và|cho biết|báo cáo kết quả|"
    r"gồm|bao gồm|với|như|năm|theo đề nghị|cũng|cho rằng|nhấn mạnh|đề ra|phát biểu|ghi nhận|khẳng định|"
    r"nêu rõ|trình bày|nhận được|quy định (?:tại|ở|trong|của|về)|\(|–|-)(?![\p{L}\p{M}])")
# A subject followed by a preposition is part of a larger phrase ("nhiệm vụ của các ngành ... trong toàn xã hội"),
# except in the frames "trong phạm vi chức năng", "theo chức năng".
_PREPOSITION = regex.compile(r"^(?:trong|tại|về|với|của|cho|từ|đến|trên|giữa|bằng)(?![\p{L}\p{M}])"
                             r"(?!\s+(?:phạm vi|chức năng|thẩm quyền))")
OBLIGATION = regex.compile(
    r"^\s*(?:có trách nhiệm|chịu trách nhiệm|phải|có nghĩa vụ|cần|được giao)(?![\p{L}\p{M}])")
FRAME_LEAD = regex.compile(
    r"(?:\s*[:,]?\s*(?:có trách nhiệm|chịu trách nhiệm chính|được giao|được|"
    r"chủ trì(?:\s*,\s*|\s+)(?:và\s+)?(?=phối hợp)|chủ trì\s*,?|căn cứ (?:vào\s+)?chức năng,?\s*nhiệm vụ(?:,?\s*quyền hạn)?"
    r"(?:,?\s*thẩm quyền)?(?:\s+(?:được giao|của (?:mình|(?:từng |mỗi )?(?:đơn vị|ngành|cơ quan|địa phương))))?\s*,?|"
    r"(?:trong phạm vi|theo|căn cứ(?:\s+vào)?)\s+(?:chức năng|nhiệm vụ|quyền hạn|thẩm quyền)"
    r"(?:\s*,?\s*(?:và\s+)?(?:chức năng|nhiệm vụ|quyền hạn|thẩm quyền|phạm vi quản lý|lĩnh vực(?: được giao| quản lý)?))*"
    r"(?:\s+(?:được giao|của mình|của (?:từng |mỗi )?(?:bộ|ngành|đơn vị|cơ quan|địa phương)))?"
    r"(?:\s+(?:tại|trong)\s+(?:Quyết định|Nghị quyết|Kế hoạch|Chỉ thị|Chương trình|Thông báo|văn bản)\s+này)?\s*,?|thực hiện các nhiệm vụ sau|"
    r"thực hiện (?:một số|các) nội dung sau|các nhiệm vụ sau))+\s*[:,]?\s*", regex.IGNORECASE)
COORD = regex.compile(r"(?<![\p{L}\p{M}])[Pp]hối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+")
_DOC = r"(?:Quyết định|Chỉ thị|Thông báo|Nghị quyết|Nghị định|Kế hoạch|Công văn|văn bản|Thông tư|Quy chế|Quy định|Chương trình)"
EXEC_FORMULA = regex.compile(
    rf"căn cứ\s+{_DOC}(?:\s+này)?\s+(?:để\s+)?(?:thi hành|thực hiện)\s*(?:\./\.|\.|/\.)?\s*$|trân trọng báo cáo|"
    rf"(?:chịu|có) trách nhiệm (?:tổ chức\s+)?thi hành\s+{_DOC}\s+này\b|"
    rf"(?:chịu|có) trách nhiệm (?:tổ chức\s+)?(?:thi hành|thực hiện)(?:\s+(?:các nội dung\s+(?:của\s+)?)?{_DOC}\s+này)?"
    r"\s*(?:\./\.|\.|/\.)?\s*$|thông báo (?:để|cho)\b.{0,300}\bbiết(?:,?\s*(?:và\s+)?(?:thực hiện|phối hợp)(?:\s+\w+)?)?"
    r"\s*(?:\./\.|\.|/\.)?\s*$", regex.IGNORECASE | regex.DOTALL)


def _may_exec(s: str, low: str | None = None) -> bool:
    """Whether `s` holds a literal every EXEC_FORMULA match holds, in lowercase: a cheap first look.
    (Each letter of these literals matches under IGNORECASE only characters that `str.lower` maps to it;
    "nhiệm" is cut short because "İ" matches "i" but lowers to two characters.) `low`: `s.lower()` if known."""
    low = s.lower() if low is None else low
    return "căn cứ" in low or "trân trọng" in low or "trách nh" in low or "thông báo" in low
# "Thủ tướng Chính phủ ban hành Quyết định ...": the issuer's promulgation formula.
_PROMULGATION = rf"(?:ban hành|quyết định|quyết nghị)\s*(?::|{_DOC}|Nghị định)"
PROMULGATION = regex.compile("^" + _PROMULGATION, regex.IGNORECASE)
_PROMULGATION_ANYWHERE = regex.compile(_PROMULGATION, regex.IGNORECASE)  # see `_may_close`
# a letter's courtesy close: "Bộ … trân trọng cảm ơn sự phối hợp của Quý Ủy ban./.", "Xin chân thành cảm ơn"
THANKS = regex.compile(r"^(?:(?:xin|rất)\s+)?(?:trân\s+trọng\s+|chân\s+thành\s+)?cảm\s+ơn(?![\p{L}])", regex.IGNORECASE)
_SHORT_CLOSING_END = (rf"(?:thực hiện|thi hành)(?:\s+nghiêm(?: túc)?|\s+tốt)?(?:\s+(?:các nội dung\s+(?:của\s+)?)?{_DOC}"
                      r"(?:\s+này)?)?\s*(?:\./\.|\.|/\.)?\s*$")
SHORT_CLOSING = regex.compile(
    r"^(?:căn cứ (?:vào\s+)?chức năng,?\s*nhiệm vụ(?:\s+được giao)?,?\s*)?"
    r"(?:khẩn trương\s+|nghiêm túc\s+|có trách nhiệm\s+|chịu trách nhiệm\s+)?(?:tổ chức\s+)?(?:triển khai,?\s*)?"
    + _SHORT_CLOSING_END, regex.IGNORECASE)
# How a SHORT_CLOSING sentence ends, wherever its frame ends (see `_may_close`).
_CLOSING_END = regex.compile(_SHORT_CLOSING_END, regex.IGNORECASE)


@dataclass
class Directive:
    """A sentence's frame: its assignees (or None to inherit) and where the action starts."""

    assignees: list[Body] | None
    action_start: int
    coordinators: list[Body] = field(default_factory=list)
    form: str = "inherit"  # request | subject | inherit | alias (a lead naming its addressees) | person | passive
    weak: bool = False


_QUALIFIED_DUTY = regex.compile(r"(?:\s+(?!phải\b|chịu\b)[\p{Ll}\p{M}]+){1,3}?(?=\s+(?:có trách nhiệm|chịu trách nhiệm|phải|"
                             r"có nghĩa vụ)(?![\p{L}\p{M}]))")


def _weak_qualified(s: str, bl: Bodies) -> Bodies:
    """"cơ quan tiếp nhận có trách nhiệm", "đơn vị được kiểm tra phải": a generic head qualified by a verb."""
    m = _QUALIFIED_DUTY.match(s, bl.end)
    if not m:
        return bl
    b = bl.items[0]
    return Bodies([Body(s[b.start:m.end()], b.start, m.end(), True)], bl.start, m.end())


_PARTICIPLE = regex.compile(r"\s+được\s+(?!giao(?![\p{L}\p{M}]))[\p{Ll}\p{M}]+(?:\s+[\p{Ll}\p{M}]+){0,2}?"
                          r"(?=\s+(?:có trách nhiệm|chịu trách nhiệm|phải|có nghĩa vụ)(?![\p{L}\p{M}]))")
_NARRATIVE_PRED = regex.compile(r"\s*,?\s*(?:không|chưa|còn|vẫn|là|đã|đang|cũng)(?![\p{L}\p{M}])")
_ISSUES = regex.compile(r"\s*(?:(?:tiếp tục|kính|trân trọng)\s+)?(?:yêu cầu|đề nghị|giao)\s+")


def _pred_follows(s: str, end: int, weak: bool) -> bool:
    rest = s[end:end + 60]
    if not rest.strip():
        return False
    if weak:
        return bool(OBLIGATION.match(rest))
    if NON_PRED.match(rest):
        return False
    r = rest.lstrip(" ,:\n\t")  # a wrapped PDF line puts the predicate on the next line
    if _PREPOSITION.match(r):
        return False
    return bool(r) and (r[:1].islower() or bool(_PRED.match(r.lower())))


# A comma inside a passive agent list ("đã được các cấp, các ngành quan tâm"): no clause starts there.
_LIST_COMMA = regex.compile(r"(?<![\p{L}\p{M}])(?:được|bởi)\s+(?:các\s+)?[\p{L}\p{M}]+(?:\s+[\p{L}\p{M}]+)?\s*,\s*$")


_THEN = regex.compile(r"(?<![\p{L}\p{M}])thì\s+(?=\p{Lu})")
# "Ban Quản lý ... là cơ quan thường trực Hội đồng, có trách nhiệm ...", "Thủ trưởng các cơ quan, đơn vị tại
# Điều 1 Quyết định này có trách nhiệm ...": an apposition or a qualifier between the body and its duty.
_APPOSITION = regex.compile(r"\s+(?:là|tại|thuộc|nêu tại|quy định tại|có tên tại)\s[^;:.]{1,100}?\s*,?\s+"
                            r"(?=(?:có|chịu)\s+trách\s+nhiệm(?![\p{L}\p{M}]))")


_DUTY_WORDS = regex.compile(r"(?:có|chịu)\s+trách\s+nhiệm\s*,?\s*")


_COMMA_COLON = regex.compile(r"[,:]\s*")
_ISSUER_ADVERBS = ("tiếp tục", "cũng", "kính", "trân trọng")
_ISSUER_ADVERB = regex.compile(r"(?:^|\s+)(?:" + "|".join(_ISSUER_ADVERBS) + ")$")
_COMMA_DE = regex.compile(r"\s*(?:,\s*)?(?:để\s+)?")


def _subject_positions(s: str):
    yield 0
    tm = _TITLE_JOINED.match(s) if "(" in s else None  # its literal "(": a cheap first look
    if tm:
        yield tm.end()  # "Bộ tiêu chí ... cấp xã (Phụ lục I) Bộ Nội vụ chủ trì, ...": a title joined to its paragraph
    if LEAD_ADVERBIAL.match(s):
        tm = _THEN.search(s, 0, 260)
        if tm:
            yield tm.end()  # "Tùy theo quy mô của từng đồ án thì Chủ tịch Hội đồng xem xét ..."
        for m in _COMMA_COLON.finditer(s, 0, 220):  # "Đối với Bộ tiêu chí ... cấp xã: Bộ X chủ trì ..."
            if not _LIST_COMMA.search(s, 0, m.end()):
                yield m.end()


# "Ông. Hoàng Văn Thuân - Trưởng đoàn: Phụ trách chung; ..." (duties of a named member of a team).
PERSON_DUTY = regex.compile(
    r"^(?:Ông|Bà|Đồng chí|Đ/c)\.?\s*:?\s*(?P<who>\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){1,4}\s*[-–,]\s*"
    r"[^:;\n]{2,80}?)\s*:\s*(?=\p{Lu})")
_PERSON_FIRST = ("Ông", "Bà", "Đồng chí", "Đ/c")  # how every PERSON_DUTY match starts


_TITLE_JOINED = regex.compile(r"^[^.;:,()]{5,150}\((?:Phụ lục|Mục|Biểu)[^()]{0,20}\)\s+(?=\p{Lu})")


# A council's or assembly's supervision clause: "Thường trực Hội đồng nhân dân, các Ban, các Tổ đại biểu ...
# giám sát việc thực hiện Nghị quyết này" (gold/SCHEMA.md v1.2: a task, unlike the execution formula).
_SUPERVISION = regex.compile(r"(?<![\p{L}\p{M}])giám\s+sát\s+(?:việc\s+)?(?:thực\s+hiện|triển\s+khai|thi\s+hành)"
                             r"(?![\p{L}\p{M}])")
# Between the bodies and "giám sát": only a qualifier of their remit.
_SUPERVISION_GAP = regex.compile(r"^[\s,]*(?:(?:của|trong phạm vi|theo|căn cứ)\s[^.;:]{0,160}?)?[\s,]*$")
_STANDING = regex.compile(r"Thường\s+trực\s+(?=\p{Lu})")
_LIST_SEP = regex.compile(r"\s*(?:,|;|\s(?:và|cùng)\s)\s*")


def _supervision(s: str) -> Directive | None:
    m = _SUPERVISION.search(s, 0, 600) if "giám" in s else None  # the literal every match holds
    if not m or not (bodies_at(s, 0) or _STANDING.match(s)):
        return None
    items: list[Body] = []
    pos = 0
    for sep in [*_LIST_SEP.finditer(s, 0, m.start()), None]:
        end = sep.start() if sep else m.start()
        sm = _STANDING.match(s, pos)
        bl = bodies_at(s[:end], sm.end() if sm else pos)
        if bl and sm:  # "Thường trực Hội đồng nhân dân"
            b = bl.items[0]
            items.append(Body(s[pos:b.end], pos, b.end))
        elif bl:
            items.extend(b for b in bl.items if b.start >= pos)
        pos = sep.end() if sep else end
    seen: set[str] = set()
    items = [b for b in items if not (b.text in seen or seen.add(b.text))]
    if not items or COORD.search(s, 0, m.start()) or not _SUPERVISION_GAP.match(s[items[-1].end:m.start()]):
        return None  # "X phối hợp với Y hướng dẫn, kiểm tra, giám sát việc thực hiện ...": another frame
    return Directive(items, m.start(), form="subject")


# The extractor asks about the same sentence several times (is it a heading, a lead, a leaf, a closing?):
# each answer is computed once. Callers never change a returned Directive.
_MEMO_MAX = 20_000


@lru_cache(maxsize=_MEMO_MAX)
def find_directive(s: str) -> Directive | None:
    """The frame of one sentence `s`, or None when no body is named as its agent."""
    return _find_directive(s)


def _find_directive(s: str) -> Directive | None:
    pm = PERSON_DUTY.match(s) if s.startswith(_PERSON_FIRST) else None
    if pm:
        return Directive([Body(pm["who"], pm.start("who"), pm.end("who"))], pm.end(), form="person")
    sv = _supervision(s)
    if sv:
        return sv
    m = REQUEST.search(s) if _may_request(s) else None
    if m and (m.start() == 0 or _issuer_before(s, m.start())):
        bl = fuzzy_bodies_at(s, m.end())
        named = _aliased(s, bl) if bl else None
        if named is not bl and s.rstrip().endswith(":"):
            return Directive(named.items, named.end, form="alias")  # "yêu cầu X, Y (sau đây gọi tắt là Z) và ...:"
        if bl and (_pred_follows(s, bl.end, False) or s[bl.end:].strip() == ":"):  # "..., yêu cầu các Sở, ngành:"
            return _finish(s, bl, "request")
    for pos in _subject_positions(s):
        bl = bodies_at(s, pos)
        bl = _aliased(s, bl, near=True) if bl else bl
        if bl and bl.weak and len(bl.items) == 1 and not _pred_follows(s, bl.end, True):
            bl = _weak_qualified(s, bl)
        elif bl and (pm := _PARTICIPLE.match(s, bl.end)):
            last = bl.items[-1]  # "các cơ sở công nghiệp nông thôn được hỗ trợ có trách nhiệm ..."
            bl = Bodies(bl.items[:-1] + [Body(s[last.start:pm.end()], last.start, pm.end(), last.weak)], bl.start, pm.end())
        if bl and not bl.weak and not _pred_follows(s, bl.end, False) and (am := _APPOSITION.match(s, bl.end)):
            duty = _DUTY_WORDS.match(s, am.end())
            d = Directive(bl.items, duty.end(), form="subject")
            d.action_start, d.coordinators = action_start(s, duty.end())
            return d
        if bl and _pred_follows(s, bl.end, bl.weak):
            if pos and _NARRATIVE_PRED.match(s, bl.end):
                continue  # "..., đã có văn bản chỉ đạo của Chính phủ, Thủ tướng Chính phủ, không cần ...": not a clause
            rm = _ISSUES.match(s, bl.end)
            if rm and bodies_at(s, rm.end()):
                return None  # "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng ...": the issuer; the request frame missed
            return _finish(s, bl, "subject")
    return None


_PASSIVE = regex.compile(r"(?<![\p{L}\p{M}])do\s+(?=\p{Lu})")
# Verbs of allotting, not of competence ("Thẩm quyền ... do Ủy ban nhân dân cấp xã thực hiện" describes a power).
_PASSIVE_VERB = regex.compile(r"\s+(?:bố trí|phân công|đảm nhiệm|cung cấp|cử|chi trả)(?![\p{L}\p{M}])")


def passive_agent(s: str) -> Directive | None:
    """"Xe ô tô do Văn phòng Sở bố trí", "Nhiệm vụ ... do Trưởng đoàn phân công": the agent after "do" is
    the one responsible; the action is the whole sentence."""
    if s.lstrip().startswith(("Thẩm quyền", "Cơ quan")):
        return None
    for m in _PASSIVE.finditer(s):
        bl = bodies_at(s, m.end())
        if bl and _PASSIVE_VERB.match(s, bl.end):
            return Directive(bl.items, 0, form="passive")
    return None


def _issuer_before(s: str, pos: int) -> bool:
    """"Sở X đề nghị ...", "UBND tỉnh giao ...", "..., yêu cầu ...": the request opens the clause."""
    head = s[:pos].rstrip()
    if head.endswith(_ISSUER_ADVERBS):  # what a match ends with (`$`: the stripped end)
        head = _ISSUER_ADVERB.sub("", head)  # "..., tiếp tục yêu cầu"
    if not head or head.endswith(":") or head.endswith((",", ";")) and LEAD_ADVERBIAL.match(s):
        return True
    for m in _HEAD.finditer(head):
        bl = bodies_at(head, m.start())
        if bl and bl.end >= len(head):
            return True
    return False


# "các Bộ trưởng, ..., Chủ tịch Hội đồng thành viên (sau đây gọi tắt là các bộ, cơ quan trung ương và địa phương)":
# the document names the list by the short name it then uses (read past list items the name reader stops at).
_ALIAS = regex.compile(r"[^;:.()]{0,200}?\((?:sau đây|dưới đây)\s+(?:được\s+)?(?:gọi\s+(?:tắt|chung)\s+là|gọi\s+là|viết\s+tắt\s+là)"
                       r"\s+([^()]{3,160}?)\s*\)")


def _aliased(s: str, bl: Bodies, near: bool = False) -> Bodies:
    m = _ALIAS.match(s, bl.end)
    if not m or near and s[bl.end:m.start(1)].lstrip()[:1] != "(" or not bodies_at(m[1], 0):
        return bl
    return Bodies([Body(" ".join(m[1].split()), m.start(1), m.end(1), bl.weak)], bl.start, m.end())


def _finish(s: str, bl: Bodies, form: str) -> Directive:
    d = Directive(bl.items, bl.end, form=form, weak=bl.weak)
    d.action_start, d.coordinators = action_start(s, bl.end)
    return d


def action_start(s: str, pos: int) -> tuple[int, list[Body]]:
    """Skip frame words and the "phối hợp với Y" list after `pos`; return (start, coordinators)."""
    coords: list[Body] = []
    for _ in range(3):
        fm = FRAME_LEAD.match(s, pos)
        if fm and fm.end() > pos:
            pos = fm.end()
        cm = COORD.match(s, pos)
        if cm:
            bl = bodies_at(s, cm.end())
            if bl:
                coords.extend(bl.items)
                pos = bl.end
                pos = _COMMA_DE.match(s, pos).end()
                continue
        break
    while pos < len(s) and s[pos] in " ,:;\n":
        pos += 1
    return pos, coords


def coordinators_in(s: str) -> list[Body]:
    """Bodies named after "phối hợp (với)" anywhere in `s`."""
    out: list[Body] = []
    for m in COORD.finditer(s):
        bl = bodies_at(s, m.end())
        if bl:
            out.extend(bl.items)
    return out


@lru_cache(maxsize=_MEMO_MAX)
def is_closing(s: str) -> bool:
    """The execution formula that closes a document ("... chịu trách nhiệm thi hành Quyết định này",
    "Yêu cầu ... khẩn trương triển khai thực hiện./.", "thông báo để ... biết") is not a task."""
    return _is_closing(squeeze(s))


def squeeze(s: str) -> str:
    """`" ".join(s.split())`, without splitting a text that is so already (most one-line sentences):
    printable (then no whitespace but the space: a test reads every code point), no two spaces running,
    none at either end."""
    if s.isprintable() and "  " not in s and not s.startswith(" ") and not s.endswith(" "):
        return s
    return " ".join(s.split())


def _may_close(s: str, low: str | None = None) -> bool:
    """Whether a suffix of `s` (where its directive's action starts) could be a promulgation, a short
    closing or thanks: the promulgation anywhere, "cảm" (IGNORECASE matches no other letter there than
    `str.lower` maps to them), SHORT_CLOSING's own end (after a literal every such end holds: "thực h[iện]" or
    "[thi ]hành", cut short where "İ" lowers to two characters). Most sentences fail it: their directive is not read.
    `low`: `s.lower()` if known."""
    low = s.lower() if low is None else low
    return ("ban hành" in low or "quyết" in low) and bool(_PROMULGATION_ANYWHERE.search(s)) or "cảm" in low or \
        ("thực h" in low or "hành" in low) and bool(_CLOSING_END.search(s))


def _is_closing(s: str) -> bool:
    low = s.lower()
    if _may_exec(s, low) and EXEC_FORMULA.search(s):
        return True
    if not _may_close(s, low):
        return False
    d = find_directive(s)
    rest = s[d.action_start:] if d else s
    if d and d.form == "subject" and PROMULGATION.match(rest):
        return True
    return bool(SHORT_CLOSING.match(rest) or THANKS.match(rest))
