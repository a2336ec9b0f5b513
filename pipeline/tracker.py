"""The task tracker: filtered, sorted, paged task lists; statuses crossed with time;
extensions of a due date (gia hạn); closing with a report; agencies as staff name them.

Shared by the web (`pipeline.web`) and the CLI (`vanban tasks`, `vanban task`,
`vanban export --table tasks`), so both list and export exactly the same rows.
Dates are Vietnam dates (Asia/Ho_Chi_Minh): "today", "this week" and the day a
task was closed are read on the Vietnamese calendar, not in UTC.

Agencies: the bodies table holds every name an extractor printed as an
assignee. `agencies()` groups them as staff know them: variants of one body
merged ("Sở Công Thương tỉnh Lào Cai" with "Sở Công Thương", "Trung tâm QLCL"
with "Trung tâm Quản lý chất lượng", a name cut after a word), positions read
as their unit ("Giám đốc Sở Công Thương" is Sở Công Thương's), and people
("Bùi Việt Cường - Thành viên") never listed. `resolve_agency` reads what a
user types: abbreviations (SCT, Sở CT, UBND), no accents, any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import regex

from extractors.bodies import canonical_body
from pipeline.normalise import strip_marks
from pipeline.programs import find_program, task_documents
from pipeline.queries import CLOSED, TASK_STATUSES, QueryError, find_document, iso_date, task_bodies
from pipeline.store import Store, now
from pipeline.store.bodies import body_key
from pipeline.store.searchtext import index_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SOON_DAYS = 3  # "sắp đến hạn": due within this many days

STATUS_LABELS = {"open": "Chưa thực hiện", "in_progress": "Đang thực hiện", "blocked": "Vướng mắc",
                 "done": "Hoàn thành", "cancelled": "Đã hủy"}

# statuses crossed with time, as government trackers print them
TIMELINESS = {
    "not_due": "Chưa đến hạn",  # not started, due later than SOON_DAYS
    "on_track": "Trong hạn",  # being worked on (or blocked), due later than SOON_DAYS
    "soon": "Sắp đến hạn",
    "overdue": "Quá hạn",
    "no_deadline": "Không có hạn",
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành quá hạn",
    "done": "Hoàn thành",  # closed, no deadline
    "cancelled": "Đã hủy",
}

PERIODS = {"": "Tất cả", "week": "Tuần này", "month": "Tháng này", "quarter": "Quý này", "overdue": "Quá hạn",
           "soon": f"Đến hạn trong {SOON_DAYS} ngày", "none": "Không có hạn", "range": "Khoảng ngày"}

SORTS = {"due": "Hạn (sớm trước)", "-due": "Hạn (muộn trước)", "doc": "Văn bản", "agency": "Cơ quan",
         "status": "Trạng thái", "id": "Số thứ tự"}

EXPORT_COLUMNS = ["id", "document_id", "document", "assignees", "coordinators", "action", "due_date", "due_extended",
                  "status", "timeliness", "days_overdue", "closed_on", "text"]


_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space: "Khuyến công" → "khuyen cong"."""
    return _NON_WORD.sub(" ", strip_marks(text)).strip()


def vn_now() -> datetime:
    return datetime.now(VN)


def vn_today() -> date:
    return vn_now().date()


def _parse_stamp(iso: str) -> datetime | None:
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def vn_time(iso: str | None) -> str | None:
    """A store time stamp (UTC) as staff read it, in Vietnam time: "23/11/2026 13:50"."""
    if not iso:
        return iso
    t = _parse_stamp(iso)
    return t.astimezone(VN).strftime("%d/%m/%Y %H:%M") if t else iso


def vn_date(iso: str | None) -> date | None:
    """The Vietnamese calendar day of a store time stamp (a task closed at 20:00 UTC was closed the next day)."""
    t = _parse_stamp(iso) if iso else None
    return t.astimezone(VN).date() if t else None


def period_range(period: str, today: date) -> tuple[str | None, str | None]:
    """First and last day (ISO, inclusive) of this week (Monday to Sunday), month or quarter."""
    if period == "week":
        first = today - timedelta(days=today.weekday())
        return first.isoformat(), (first + timedelta(days=6)).isoformat()
    if period == "month":
        first = today.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first.isoformat(), (nxt - timedelta(days=1)).isoformat()
    if period == "quarter":
        m = 3 * ((today.month - 1) // 3) + 1
        first = today.replace(month=m, day=1)
        nxt = date(first.year + (m == 10), 1 if m == 10 else m + 3, 1)
        return first.isoformat(), (nxt - timedelta(days=1)).isoformat()
    raise QueryError(f"unknown period {period!r}; one of: {', '.join(k for k in PERIODS if k)}")


def timeliness(status: str, due: str | None, closed_on: date | None, today: date) -> tuple[str, int]:
    """(TIMELINESS key, days overdue or late; 0 when neither)."""
    d = _date(due)
    if status == "cancelled":
        return "cancelled", 0
    if status == "done":
        if d is None:
            return "done", 0
        late = ((closed_on or today) - d).days
        return ("done_late", late) if late > 0 else ("done_on_time", 0)
    if d is None:
        return "no_deadline", 0
    days = (d - today).days
    if days < 0:
        return "overdue", -days
    if days <= SOON_DAYS:
        return "soon", 0
    return ("not_due" if status == "open" else "on_track"), 0


def timeliness_label(key: str, days: int) -> str:
    if key == "overdue" and days:
        return f"Quá hạn {days} ngày"
    if key == "done_late" and days:
        return f"Hoàn thành quá hạn {days} ngày"
    return TIMELINESS[key]


def _date(iso: str | None) -> date | None:
    if not iso or len(iso) < 10:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------- agencies

# abbreviations staff type that the extractors' table does not hold (it reads printed texts)
_TYPED = [(r"sct", "Sở Công Thương"), (r"stc", "Sở Tài chính"), (r"sxd", "Sở Xây dựng"), (r"snv", "Sở Nội vụ"),
          (r"stp", "Sở Tư pháp"), (r"syt", "Sở Y tế"), (r"skhcn|skh&cn", "Sở Khoa học và Công nghệ"),
          (r"skhđt|skhdt|skh&đt", "Sở Kế hoạch và Đầu tư"), (r"snnmt|snn&mt", "Sở Nông nghiệp và Môi trường"),
          (r"stnmt|stn&mt", "Sở Tài nguyên và Môi trường"), (r"sgtvt", "Sở Giao thông vận tải"),
          (r"sgdđt|sgddt|sgd&đt", "Sở Giáo dục và Đào tạo"), (r"ubnd", "Ủy ban nhân dân"),
          (r"hđnd|hdnd", "Hội đồng nhân dân"), (r"bca", "Bộ Công an"), (r"bqp", "Bộ Quốc phòng"),
          (r"bxd", "Bộ Xây dựng"), (r"byt", "Bộ Y tế"), (r"btp", "Bộ Tư pháp"), (r"bnv", "Bộ Nội vụ"),
          (r"s[ởo]\s+ct", "Sở Công Thương"), (r"s[ởo]\s+tc", "Sở Tài chính"), (r"ca\s+tinh", "Công an tỉnh")]
_TYPED_RE = [(regex.compile(rf"(?<![\p{{L}}\d])(?:{p})(?![\p{{L}}\d])", regex.IGNORECASE), r) for p, r in _TYPED]

FAMILY = {"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
          "duong", "ly", "dinh", "trinh", "mai", "truong", "lam", "luu", "ha", "cao", "doan", "la", "ta", "tong"}
_PERSON_TITLE = regex.compile(r"^(?:pho\s+)?(?:truong\s+doan|thanh\s+vien|thu\s+ky(?:\s+doan)?|uy\s+vien|"
                              r"to\s+truong|chu\s+tich|giam\s+doc)\b")
_POSITION = regex.compile(r"^(?:(?:Phó|Tổng)\s+)?(?:Giám đốc|Chủ tịch|Thủ trưởng|Người đứng đầu|Trưởng|Chủ nhiệm|"
                          r"Thư ký|Bộ trưởng|Thủ tướng(?=\s+\p{Ll}))\s+", regex.IGNORECASE)
_PLACE_TAIL = regex.compile(r"\s+(?:(tinh|thanh pho)\s+[a-z ]+|viet nam)$")
_NOT_BODIES = regex.compile(r"^(?:(?:giam doc|chu tich|truong doan|thu ky|truong)$|nguoi (?!dung dau)|dai bieu|"
                            r"ca nhan$|cac thanh vien|thanh vien)")
_LOCAL_GOV = ("uy ban nhan dan", "hoi dong nhan dan", "doan dai bieu")
_HEAD_WORDS = {"so", "bo", "cuc", "phong", "ban", "vu", "vien", "chi cuc", "trung tam"}


def _is_person(name: str) -> bool:
    """"Bùi Việt Cường - Thành viên", "Đỗ Mạnh Cường": a name, not a body."""
    left, _, right = name.partition(" - ")
    if right and _PERSON_TITLE.match(body_key(right)):
        return True
    words = left.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words) and body_key(words[0]) in FAMILY \
        and not any(body_key(w) in _HEAD_WORDS for w in words)


def unit_name(name: str) -> str | None:
    """The body a printed assignee names: a position read as its unit ("Giám đốc Sở Công Thương" → "Sở Công
    Thương"); None for a person, or a position with no unit ("Trưởng đoàn", "Các Bộ trưởng")."""
    words = name.split()
    for n in range(2, 6):  # a head printed twice: "Ủy ban nhân dân Ủy ban nhân dân cấp xã"
        if len(words) > 2 * n and words[:n] == words[n:2 * n]:
            words = words[n:]
            break
    name = " ".join(words)
    if not name or _is_person(name):
        return None
    left, dash, right = name.partition(" - ")
    if right and _POSITION.match(right):
        name = left  # "Tổng Thư ký Quốc hội - Chủ nhiệm Văn phòng Quốc hội": the first title's unit
    rest = _POSITION.sub("", name, count=1)
    if rest != name:
        rest = regex.sub(r"^các\s+", "Các ", rest)
        if len(rest.split()) < 2 and not rest.isupper():
            return None
        name = rest[:1].upper() + rest[1:]
    if body_key(name).endswith(("truong", "bo truong")) and body_key(name).startswith("cac "):
        return None  # "Các Bộ trưởng": people
    return None if _NOT_BODIES.match(body_key(name)) else name


@dataclass
class Agency:
    name: str  # what the list shows
    key: str  # index_text of the canonical name: the group's identity
    body_ids: list[int] = field(default_factory=list)
    tasks: int = 0


def _group_key(name: str, known: dict[str, int]) -> str:
    """The key of the group a unit name joins: a known shorter form of the same body when there is one."""
    k = body_key(name)
    words = name.split()
    if len(words) == 2 and body_key(words[0]) in _HEAD_WORDS and body_key(words[1]) in _HEAD_WORDS:
        return k  # "Cục Phòng": a cut name, kept apart
    # an acronym for the rest of a known name: "Trung tâm QLCL" ~ "Trung tâm Quản lý chất lượng"
    if len(words) >= 2 and words[-1].isupper() and words[-1].isalpha() and len(words[-1]) >= 2:
        head = body_key(" ".join(words[:-1])) + " "
        acro = body_key(words[-1]).replace(" ", "")
        for other in known:
            if other.startswith(head) and "".join(w[0] for w in other[len(head):].split()) == acro:
                return other
    # a word cut after the name ("… khu công nghiệp chấp", "Ủy ban nhân dân các cấp Cơ")
    if len(words) >= 3 and (words[-1][:1].islower() or len(words[-1]) <= 2):
        base = body_key(" ".join(words[:-1]))
        if base in known and known[base] >= 1 and words[-1].lower() not in ("khác", "tỉnh", "xã", "huyện"):
            k = base
    # a place or the country after a department's name ("Công an tỉnh Lào Cai", "Sở Công Thương tỉnh Lào Cai")
    m = _PLACE_TAIL.search(k)
    if m and not k.startswith(_LOCAL_GOV):
        for base in (k[:m.start()] + " " + m.group(1) if m.group(1) else None, k[:m.start()]):
            if base and base in known:
                k = base
                break
    # a name cut before "và …" ("Bộ Khoa học" of "Bộ Khoa học và Công nghệ")
    longer = [o for o in known if o.startswith(k + " va ")]
    if len(longer) == 1:
        k = longer[0]
    return k


def agencies(store: Store) -> list[Agency]:
    """Every agency holding a task, by group, most tasks first then by name."""
    rows = store.query("SELECT b.id, b.name, COUNT(DISTINCT tb.task_id) AS n FROM task_bodies tb JOIN bodies b "
                       "ON b.id = tb.body_id WHERE tb.role = 'assignee' GROUP BY b.id, b.name")
    return _agencies(tuple((r["id"], r["name"], int(r["n"])) for r in rows))


@lru_cache(maxsize=16)
def _agencies(rows: tuple[tuple[int, str, int], ...]) -> list[Agency]:
    units = [(i, unit_name(n), n, c) for i, n, c in rows]
    known: dict[str, int] = {}
    for _, u, _, c in units:
        if u:
            known[body_key(u)] = known.get(body_key(u), 0) + c
    groups: dict[str, Agency] = {}
    best: dict[str, tuple[bool, int, int]] = {}
    for i, u, _printed, c in units:
        if not u:
            continue
        k = _group_key(u, known)
        a = groups.setdefault(k, Agency(u, k))
        a.body_ids.append(i)
        a.tasks += c
        rank = (body_key(u) == k, c, -len(u))  # the name that is the group's key, then the commonest
        if k not in best or rank > best[k]:
            best[k] = rank
            a.name = u
    out = sorted(groups.values(), key=lambda a: (-a.tasks, index_text(a.name)))
    for a in out:
        a.body_ids.sort()
    return out


def typed_name(text: str) -> str:
    """What a user typed, with staff abbreviations spelled out: "SCT" → "Sở Công Thương"."""
    s = " ".join(text.split())
    for pat, rep in _TYPED_RE:
        s = pat.sub(rep, s)
    return canonical_body(s)


def resolve_agency(store: Store, text: str) -> list[Agency]:
    """The agency groups a typed name means: the group of that name, else groups whose name starts with it
    ("Sở Công Thương" finds "Sở Công Thương tỉnh Lào Cai"'s group too, being the same), else none."""
    groups = agencies(store)
    if not text.strip():
        return []
    name = typed_name(text)
    keys = {body_key(name), body_key(text), body_key(unit_name(name) or name)}
    alias_ids = {r["body_id"] for r in store.query(
        f"SELECT body_id FROM body_aliases WHERE alias_key IN ({', '.join('?' * len(keys))})", sorted(keys))}
    exact = [a for a in groups if a.key in keys or any(b in alias_ids for b in a.body_ids)
             or any(body_key(a.name) == k for k in keys)]
    if exact:
        return exact
    return [a for a in groups if any(a.key.startswith(k + " ") for k in keys)]


# ---------------------------------------------------------------- the list

@dataclass
class TrackerFilter:
    agency: str | None = None  # a typed name (abbreviations resolved) or an agency's exact list name
    status: str | None = None  # a store status, or "active" (neither done nor cancelled)
    timeliness: str | None = None  # a TIMELINESS key
    period: str | None = None  # a PERIODS key
    due_from: str | None = None  # with period "range" (or alone): ISO or DD/MM/YYYY
    due_to: str | None = None
    doc: str | int | None = None  # id, number or path
    text: str | None = None  # words of the task, its action or its assignees, accents optional
    program: str | None = None  # a program's key, a unique prefix of it or words of its name (as `vanban program`)


@dataclass
class TrackerRow:
    id: int
    document_id: int
    document: str  # "Quyết định 2211/QĐ-UBND"
    document_date: str | None
    assignees: list[str]
    coordinators: list[str]
    action: str
    text: str
    due_date: str | None  # the effective due date (extended when staff extended it)
    due_original: str | None  # what the document set
    deadline_text: str | None
    recurrence: str | None
    status: str
    timeliness: str
    days: int  # overdue or late by
    closed_on: date | None
    changed_by: str | None
    changed_at: str | None  # Vietnam time, as staff read it
    start: int | None
    end: int | None
    extensions: int = 0

    @property
    def timeliness_label(self) -> str:
        return timeliness_label(self.timeliness, self.days)

    @property
    def extended(self) -> bool:
        return bool(self.due_original != self.due_date)

    def export(self) -> dict:
        return {"id": self.id, "document_id": self.document_id, "document": self.document,
                "assignees": "; ".join(self.assignees), "coordinators": "; ".join(self.coordinators),
                "action": self.action, "due_date": self.due_original, "due_extended": self.due_date
                if self.extended else None, "status": STATUS_LABELS.get(self.status, self.status),
                "timeliness": self.timeliness_label, "days_overdue": self.days or None,
                "closed_on": self.closed_on.isoformat() if self.closed_on else None, "text": self.text}


@dataclass
class TrackerPage:
    rows: list[TrackerRow]
    total: int
    page: int
    per_page: int
    ids: list[int]  # every matching task, in order (the export and the per-agency summary read them)
    agencies: list[Agency]  # the groups the agency filter meant (empty: no agency filter)
    program: str | None = None  # the key of the program the program filter meant

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_DUE = "COALESCE(t.due_extended, t.due_date)"
_ORDER = {
    "due": f"CASE WHEN {_DUE} IS NULL THEN 1 ELSE 0 END, {_DUE}, t.document_id, t.seq",
    "-due": f"CASE WHEN {_DUE} IS NULL THEN 1 ELSE 0 END, {_DUE} DESC, t.document_id, t.seq",
    "doc": "d.issue_date DESC, d.id DESC, t.seq",
    "agency": ("(SELECT MIN(b.name_key) FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
               f"WHERE tb.task_id = t.id AND tb.role = 'assignee'), {_DUE}, t.id"),
    "status": (f"CASE t.status WHEN 'blocked' THEN 0 WHEN 'open' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'done' "
               f"THEN 3 ELSE 4 END, {_DUE}, t.id"),
    "id": "t.id",
}


def _where(store: Store, f: TrackerFilter, today: date) -> tuple[list[str], list, list[Agency], str | None]:
    where, params = [], []
    groups: list[Agency] = []
    program = None
    if f.program and f.program.strip():
        # the program record's tasks: those of the documents acting on it (pipeline.programs)
        pid, program = find_program(store, f.program)
        docs = task_documents(store, pid)
        where.append(f"t.document_id IN ({', '.join('?' * len(docs))})" if docs else "1 = 0")
        params += docs
    if f.agency:
        groups = resolve_agency(store, f.agency)
        ids = sorted({i for a in groups for i in a.body_ids})
        where.append(f"t.id IN (SELECT tb.task_id FROM task_bodies tb WHERE tb.role = 'assignee' AND tb.body_id IN "
                     f"({', '.join('?' * len(ids))}))" if ids else "1 = 0")
        params += ids
    if f.status:
        if f.status == "active":
            where.append("t.status NOT IN ('done', 'cancelled')")
        elif f.status in TASK_STATUSES:
            where.append("t.status = ?")
            params.append(f.status)
        else:
            raise QueryError(f"unknown status {f.status!r}; one of: active, {', '.join(TASK_STATUSES)}")
    t = today.isoformat()
    first = last = None
    if f.period == "overdue":
        where.append(f"{_DUE} < ? AND t.status NOT IN ('done', 'cancelled')")
        params.append(t)
    elif f.period == "soon":
        where.append(f"{_DUE} >= ? AND {_DUE} <= ? AND t.status NOT IN ('done', 'cancelled')")
        params += [t, (today + timedelta(days=SOON_DAYS)).isoformat()]
    elif f.period == "none":
        where.append(f"{_DUE} IS NULL")
    elif f.period in ("week", "month", "quarter"):
        first, last = period_range(f.period, today)
    elif f.period not in (None, "", "range"):
        raise QueryError(f"unknown period {f.period!r}; one of: {', '.join(k for k in PERIODS if k)}")
    if f.due_from:
        first = max(first or "", iso_date(f.due_from))
    if f.due_to:
        last = min(last or "9999", iso_date(f.due_to))
    if first:
        where.append(f"{_DUE} >= ?")
        params.append(first)
    if last:
        where.append(f"{_DUE} <= ?")
        params.append(last)
    if f.doc not in (None, ""):
        where.append("t.document_id = ?")
        params.append(find_document(store, f.doc).id)
    if f.timeliness and f.timeliness not in TIMELINESS:
        raise QueryError(f"unknown timeliness {f.timeliness!r}; one of: {', '.join(TIMELINESS)}")
    return where, params, groups, program




def task_list(store: Store, f: TrackerFilter | None = None, *, sort: str = "due", page: int = 1,
              per_page: int | None = 50, today: date | None = None) -> TrackerPage:
    """The tasks matching `f`, in `sort` order, page `page` of `per_page` (None: all of them)."""
    f = f or TrackerFilter()
    today = today or vn_today()
    if sort not in _ORDER:
        raise QueryError(f"unknown sort {sort!r}; one of: {', '.join(SORTS)}")
    where, params, groups, program = _where(store, f, today)
    cond = " WHERE " + " AND ".join(where) if where else ""
    # one light pass over every match (ids, status, dates) to filter by words and timeliness and to count
    light = store.query(f"SELECT t.id, t.status, {_DUE} AS due, t.status_changed_at FROM tasks t "
                        f"JOIN documents d ON d.id = t.document_id{cond} ORDER BY {_ORDER[sort]}", params)
    if f.text and f.text.strip():
        words = fold(f.text).split()
        hay = {}
        ids = [r["id"] for r in light]
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            for r in store.query(f"SELECT id, text, action FROM tasks WHERE id IN ({marks})", chunk):
                hay[r["id"]] = [r["text"] or "", r["action"] or ""]
            for r in store.query(f"SELECT tb.task_id, b.name FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
                                 f"WHERE tb.task_id IN ({marks})", chunk):
                hay[r["task_id"]].append(r["name"])
        keep = set()
        for i, parts in hay.items():
            folded = " " + fold(" ".join(parts)) + " "
            if all(f" {w}" in folded for w in words):
                keep.add(i)
        light = [r for r in light if r["id"] in keep]
    if f.timeliness:
        light = [r for r in light if timeliness(r["status"], r["due"], vn_date(r["status_changed_at"])
                                                if r["status"] == "done" else None, today)[0] == f.timeliness]
    ids = [r["id"] for r in light]
    page = max(1, page)
    shown = ids if per_page is None else ids[(page - 1) * per_page: page * per_page]
    return TrackerPage(rows(store, shown, today), len(ids), page, per_page or max(1, len(ids)), ids, groups, program)


def rows(store: Store, ids: list[int], today: date | None = None) -> list[TrackerRow]:
    """The tasks `ids`, in that order, as the tracker shows them."""
    if not ids:
        return []
    today = today or vn_today()
    found: dict[int, dict] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in store.query(
                "SELECT t.id, t.document_id, t.text, t.action, t.due_date, t.due_extended, t.deadline_text, "
                "t.recurrence, t.status, t.status_changed_at, t.status_changed_by, t.start_offset, t.end_offset, "
                "d.doc_type, d.number, d.issue_date, d.source_path, "
                "(SELECT COUNT(*) FROM task_extensions e WHERE e.task_id = t.id) AS n_ext "
                f"FROM tasks t JOIN documents d ON d.id = t.document_id WHERE t.id IN ({', '.join('?' * len(chunk))})",
                chunk):
            found[r["id"]] = r
    bodies = task_bodies(store, list(found))
    out = []
    for i in ids:
        r = found.get(i)
        if r is None:
            continue
        due = r["due_extended"] or r["due_date"]
        closed = vn_date(r["status_changed_at"]) if r["status"] in CLOSED else None
        tl, days = timeliness(r["status"], due, closed, today)
        label = " ".join(v for v in (r["doc_type"], r["number"]) if v) or (r["source_path"] or "").rsplit("/", 1)[-1]
        bb = bodies.get(i, {})
        out.append(TrackerRow(i, r["document_id"], label, r["issue_date"], bb.get("assignee", []),
                              bb.get("coordinator", []), r["action"] or "", r["text"], due, r["due_date"],
                              r["deadline_text"], r["recurrence"], r["status"], tl, days, closed,
                              r["status_changed_by"], vn_time(r["status_changed_at"]), r["start_offset"],
                              r["end_offset"], int(r["n_ext"] or 0)))
    return out


def per_agency(store: Store, ids: list[int], today: date | None = None) -> list[tuple[Agency, dict[str, int]]]:
    """For the listed tasks: each agency group's count, overdue, due soon and closed; most overdue first."""
    today = today or vn_today()
    wanted = set(ids)
    if not wanted:
        return []
    groups = agencies(store)
    of_body = {b: a for a in groups for b in a.body_ids}
    state: dict[int, str] = {}
    for r in store.query(f"SELECT t.id, t.status, {_DUE} AS due FROM tasks t"):
        if r["id"] in wanted:
            state[r["id"]] = timeliness(r["status"], r["due"], None, today)[0] if r["status"] not in CLOSED else "closed"
    counts: dict[str, dict[str, int]] = {}
    seen: set[tuple[str, int]] = set()
    for r in store.query("SELECT task_id, body_id FROM task_bodies WHERE role = 'assignee'"):
        a = of_body.get(r["body_id"])
        if a is None or r["task_id"] not in state or (a.key, r["task_id"]) in seen:
            continue
        seen.add((a.key, r["task_id"]))
        c = counts.setdefault(a.key, {"total": 0, "overdue": 0, "soon": 0, "closed": 0})
        s = state[r["task_id"]]
        c["total"] += 1
        c[s] = c.get(s, 0) + (s in ("overdue", "soon", "closed"))
    by_key = {a.key: a for a in groups}
    return sorted(((by_key[k], c) for k, c in counts.items()),
                  key=lambda ac: (-ac[1]["overdue"], -ac[1]["soon"], -(ac[1]["total"] - ac[1]["closed"]), ac[0].name))


# ---------------------------------------------------------------- changes

@dataclass
class Extension:
    old_due: str | None
    new_due: str
    reason: str
    changed_by: str | None
    changed_at: str  # Vietnam time


def extensions(store: Store, task_id: int) -> list[Extension]:
    return [Extension(r["old_due"], r["new_due"], r["reason"], r["changed_by"], vn_time(r["changed_at"]) or "")
            for r in store.query("SELECT * FROM task_extensions WHERE task_id = ? ORDER BY id", (task_id,))]


def extend(store: Store, task_id: int, new_due: str, reason: str, *, by: str | None = None) -> TrackerRow:
    """Extend a task's due date (gia hạn), with the reason; every extension is kept, re-imports keep them."""
    reason = (reason or "").strip()
    if not reason:
        raise QueryError("an extension needs a reason (lý do gia hạn)")
    new = iso_date(new_due)
    with store.transaction():
        row = store.one("SELECT due_date, due_extended, status FROM tasks WHERE id = ?", (task_id,))
        if row is None:
            raise QueryError(f"no task {task_id}")
        if row["status"] in CLOSED:
            raise QueryError(f"task {task_id} is closed ({row['status']}): reopen it before extending")
        old = row["due_extended"] or row["due_date"]
        if old and new <= old:
            raise QueryError(f"the new due date {new} must be after the current one {old}")
        store.execute("INSERT INTO task_extensions (task_id, old_due, new_due, reason, changed_by, changed_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (task_id, old, new, reason[:2000], by, now()))
        store.execute("UPDATE tasks SET due_extended = ? WHERE id = ?", (new, task_id))
    return rows(store, [task_id])[0]


def set_status(store: Store, task_id: int, status: str, *, note: str | None = None, report_ref: str | None = None,
               by: str | None = None) -> TrackerRow:
    """Change a task's status; closing it as done needs a report note (and may cite the reporting document)."""
    from pipeline.queries import set_task_status

    note = (note or "").strip() or None
    if store.one("SELECT id FROM tasks WHERE id = ?", (task_id,)) is None:
        raise QueryError(f"no task {task_id}")
    if status == "done" and not note:
        raise QueryError("closing a task needs a report note (báo cáo kết quả)")
    set_task_status(store, task_id, status, note=note, by=by)
    if report_ref and report_ref.strip():
        store.execute("UPDATE task_status_history SET report_ref = ? WHERE id = (SELECT MAX(id) FROM "
                      "task_status_history WHERE task_id = ?)", (report_ref.strip()[:200], task_id))
    return rows(store, [task_id])[0]


@dataclass
class HistoryEntry:
    at: str  # Vietnam time
    by: str
    text: str
    report_ref: str | None = None


def history(store: Store, task_ids: list[int]) -> dict[int, list[HistoryEntry]]:
    """Status changes, notes and extensions of each task, oldest first."""
    out: dict[int, list[tuple[tuple[str, int], HistoryEntry]]] = {}
    for i in range(0, len(task_ids), 500):
        chunk = task_ids[i:i + 500]
        marks = ", ".join("?" * len(chunk))
        for h in store.query(f"SELECT * FROM task_status_history WHERE task_id IN ({marks}) ORDER BY id", chunk):
            text = h["note"] or ""
            if h["old_status"] != h["new_status"]:
                change = f"{STATUS_LABELS.get(h['old_status'], h['old_status'])} → " \
                         f"{STATUS_LABELS.get(h['new_status'], h['new_status'])}"
                text = f"{change}. {text}" if text else change
            out.setdefault(h["task_id"], []).append(
                ((h["changed_at"], 1), HistoryEntry(vn_time(h["changed_at"]) or "", h["changed_by"] or "", text,
                                               h.get("report_ref"))))
        for e in store.query(f"SELECT * FROM task_extensions WHERE task_id IN ({marks}) ORDER BY id", chunk):
            old = _vn_day(e["old_due"]) or "không có hạn"
            out.setdefault(e["task_id"], []).append(
                ((e["changed_at"], 0), HistoryEntry(vn_time(e["changed_at"]) or "", e["changed_by"] or "",
                                               f"Gia hạn {old} → {_vn_day(e['new_due'])}. {e['reason']}")))
    return {k: [e for _, e in sorted(v, key=lambda x: x[0])] for k, v in out.items()}


def _vn_day(iso: str | None) -> str | None:
    if not iso or len(iso) < 10:
        return iso
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


# ---------------------------------------------------------------- users

def user_unit(store: Store, user: str) -> str | None:
    row = store.one("SELECT unit FROM web_users WHERE name = ?", (user,))
    return row["unit"] if row else None


def set_user_unit(store: Store, user: str, unit: str | None) -> None:
    store.execute("UPDATE web_users SET unit = ? WHERE name = ?", ((unit or "").strip()[:300] or None, user))


# ---------------------------------------------------------------- export

EXPORT_HEADINGS = {"id": "Mã", "document_id": "Mã văn bản", "document": "Văn bản", "assignees": "Cơ quan chủ trì",
                   "coordinators": "Cơ quan phối hợp", "action": "Nội dung", "due_date": "Hạn theo văn bản",
                   "due_extended": "Hạn gia hạn", "status": "Trạng thái", "timeliness": "Tình trạng",
                   "days_overdue": "Số ngày quá hạn", "closed_on": "Ngày hoàn thành", "text": "Trích văn bản"}


def export_bytes(rows: list[TrackerRow], fmt: str) -> bytes:
    """The rows as CSV (UTF-8 with a BOM, so Excel reads the accents) or an Excel workbook."""
    import csv
    import io

    heads = [EXPORT_HEADINGS[c] for c in EXPORT_COLUMNS]
    data = [[r.export()[c] for c in EXPORT_COLUMNS] for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(heads)
        w.writerows(data)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Nhiệm vụ")
        ws.append(heads)
        for row in data:
            ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    raise QueryError(f"unknown export format {fmt!r}; csv or xlsx")
