"""Programs in the store: written with each document, read as whole records, corrected by hand.

`write_programs` (called by the writer for each document) links the document to
the programs it names (extractors/programs.py) with its role, after applying
the staff's overrides kept in `program_overrides`: a merged key leads to the
program it was merged into, a document split off a program goes to the new
key, a detached document stays off, an attached one stays on. Overrides are
rows of their own, so they survive every re-import.

A program's record (`program`) gathers: its approving document (the one that
approves it, else the stored document a citation names as approving it), period
and goals, the documents about it by role, the tasks of the documents that
approve, amend, conclude on, report on or implement it (by agency, with status
and overdue), its budget lines (allocation and actual by canonical source and
year, % of plan; statistics and rates left out) and its output indicators.
A document about several programs gives its tasks to the one it acts on most
strongly, and each budget line to the program whose period holds the line's
period, else to that same program.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

import regex

from extractors.programs import ROLES, fold
from pipeline.queries import CLOSED, QueryError, find_document
from pipeline.records import Extraction
from pipeline.store.backend import Store, now

ROLE_NAMES = {"approves": "phê duyệt", "amends": "sửa đổi, điều chỉnh", "concludes": "kết luận",
              "reports": "báo cáo, đánh giá", "implements": "triển khai thực hiện", "mentions": "nhắc đến"}
ACTING = ("approves", "amends", "concludes", "reports", "implements")  # roles whose tasks and money belong to it


# -- writing ----------------------------------------------------------------------------------------------

def _overrides(store: Store) -> list[dict]:
    return store.query("SELECT * FROM program_overrides ORDER BY id")


def resolve_key(key: str, doc_id: int | None, overrides: list[dict]) -> str | None:
    """The key a program mention ends up under after the staff's merges and splits; None when the
    document was detached from it."""
    for _ in range(20):  # merges chain: a→b, b→c
        nxt = key
        for o in overrides:
            if o["key"] != key:
                continue
            if o["action"] == "merge":
                nxt = o["target_key"]
            elif o["action"] == "split" and doc_id is not None and o["document_id"] == doc_id:
                nxt = o["target_key"]
            elif o["action"] == "detach" and doc_id is not None and o["document_id"] == doc_id:
                return None
        if nxt == key:
            return key
        key = nxt
    return key


def _ensure_program(store: Store, key: str, values: dict) -> int:
    row = store.one("SELECT id, name FROM programs WHERE key = ?", (key,))
    if row is not None:
        return row["id"]
    return store.insert(
        "INSERT INTO programs (key, name, kind, topic, scope, year_from, year_to, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (key, values.get("name") or key, values.get("kind"), values.get("topic"), values.get("scope"),
         values.get("year_from"), values.get("year_to"), now()))


def write_programs(store: Store, doc_id: int, ex: Extraction) -> None:
    """Replace this document's extracted program links (manual ones stay), then re-apply attachments."""
    store.execute("DELETE FROM program_documents WHERE document_id = ? AND source = 'extracted'", (doc_id,))
    store.execute("DELETE FROM program_indicators WHERE document_id = ?", (doc_id,))
    store.execute("UPDATE programs SET approving_document_id = NULL WHERE approving_document_id = ?", (doc_id,))
    overrides = _overrides(store)
    for p in ex.programs:
        key = resolve_key(p.key, doc_id, overrides)
        if key is None:
            continue
        pid = _ensure_program(store, key, asdict(p))
        if p.role == "approves" or (p.scope or p.year_to):
            # the fullest printed name wins, the approving document's above all
            cur = store.one("SELECT name, approving_document_id FROM programs WHERE id = ?", (pid,))
            if p.role == "approves" or (cur["approving_document_id"] is None and len(p.name) > len(cur["name"] or "")
                                        and not p.name.isupper()):
                store.execute("UPDATE programs SET name = ?, updated_at = ? WHERE id = ? AND manual = 0",
                              (p.name, now(), pid))
        if p.role == "approves":
            store.execute("UPDATE programs SET approving_document_id = ?, goals = ?, year_from = COALESCE(year_from, ?), "
                          "year_to = COALESCE(year_to, ?) WHERE id = ?",
                          (doc_id, json.dumps(p.goals, ensure_ascii=False), p.year_from, p.year_to, pid))
        if p.approved_by:
            store.execute("UPDATE programs SET approved_by_key = ? WHERE id = ? AND approved_by_key IS NULL",
                          (p.approved_by, pid))
        existing = store.one("SELECT role, source, mentions FROM program_documents WHERE program_id = ? AND document_id = ?",
                             (pid, doc_id))
        if existing is None:
            store.execute("INSERT INTO program_documents (program_id, document_id, role, source, mentions, printed, "
                          "start_offset, end_offset) VALUES (?, ?, ?, 'extracted', ?, ?, ?, ?)",
                          (pid, doc_id, p.role, len(p.mentions), p.name, p.start, p.end))
        elif existing["source"] == "extracted" and ROLES.index(p.role) < ROLES.index(existing["role"]):
            # two extracted keys merged into one program: the stronger role stands
            store.execute("UPDATE program_documents SET role = ?, mentions = mentions + ? WHERE program_id = ? "
                          "AND document_id = ?", (p.role, len(p.mentions), pid, doc_id))
        for ind in p.indicators:
            store.execute("INSERT INTO program_indicators (program_id, document_id, text, unit, planned, actual, percent, "
                          "percent_ok, year_from, year_to, start_offset, end_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (pid, doc_id, ind.text, ind.unit, ind.planned, ind.actual, ind.percent,
                           None if ind.percent_ok is None else int(ind.percent_ok), ind.year_from, ind.year_to,
                           ind.start, ind.end))
    _apply_attachments(store, overrides, doc_id)
    _drop_orphans(store)


def _apply_attachments(store: Store, overrides: list[dict], doc_id: int | None = None) -> None:
    for o in overrides:
        if o["action"] != "attach" or (doc_id is not None and o["document_id"] != doc_id):
            continue
        key = resolve_key(o["key"], None, overrides)
        pid = _ensure_program(store, key, {"name": key})
        store.execute("DELETE FROM program_documents WHERE program_id = ? AND document_id = ?", (pid, o["document_id"]))
        store.execute("INSERT INTO program_documents (program_id, document_id, role, source) VALUES (?, ?, ?, 'manual')",
                      (pid, o["document_id"], o["role"] or "implements"))


def _drop_orphans(store: Store) -> None:
    store.execute("DELETE FROM programs WHERE manual = 0 AND NOT EXISTS (SELECT 1 FROM program_documents pd WHERE "
                  "pd.program_id = programs.id) AND key NOT IN (SELECT target_key FROM program_overrides WHERE "
                  "target_key IS NOT NULL)")


# -- staff's corrections ------------------------------------------------------------------------------------

def _program_row(store: Store, key: str) -> dict:
    row = store.one("SELECT * FROM programs WHERE key = ?", (key,))
    if row is None:
        # a unique prefix or a name's words find it too
        rows = store.query("SELECT * FROM programs WHERE key LIKE ? ORDER BY key", (key + "%",))
        if len(rows) != 1:
            words = set(regex.findall(r"[a-z0-9]+", fold(key)))
            rows = [r for r in store.query("SELECT * FROM programs ORDER BY key")
                    if words and words <= set(regex.findall(r"[a-z0-9]+", fold(r["name"] + " " + r["key"])))]
        if len(rows) == 1:
            return rows[0]
        hint = f"; {len(rows)} match: {', '.join(r['key'] for r in rows[:8])}" if rows else ""
        raise QueryError(f"no program {key!r}{hint}")
    return row


def _record(store: Store, action: str, key: str, target: str | None, doc_id: int | None, role: str | None,
            by: str | None, note: str | None) -> None:
    store.execute("INSERT INTO program_overrides (action, key, target_key, document_id, role, note, created_by, created_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (action, key, target, doc_id, role, note, by, now()))


def merge(store: Store, into: str, other: str, by: str | None = None, note: str | None = None) -> str:
    """Program `other` becomes part of `into`: its documents move now and on every later import."""
    with store.transaction():
        a, b = _program_row(store, into), _program_row(store, other)
        if a["id"] == b["id"]:
            raise QueryError("a program cannot be merged into itself")
        _record(store, "merge", b["key"], a["key"], None, None, by, note)
        for r in store.query("SELECT * FROM program_documents WHERE program_id = ?", (b["id"],)):
            have = store.one("SELECT role FROM program_documents WHERE program_id = ? AND document_id = ?",
                             (a["id"], r["document_id"]))
            if have is None:
                store.execute("UPDATE program_documents SET program_id = ? WHERE program_id = ? AND document_id = ?",
                              (a["id"], b["id"], r["document_id"]))
            elif ROLES.index(r["role"]) < ROLES.index(have["role"]):
                store.execute("UPDATE program_documents SET role = ? WHERE program_id = ? AND document_id = ?",
                              (r["role"], a["id"], r["document_id"]))
        store.execute("UPDATE program_indicators SET program_id = ? WHERE program_id = ?", (a["id"], b["id"]))
        for col in ("approving_document_id", "approved_by_key", "goals", "year_from", "year_to"):
            if a[col] is None and b[col] is not None:
                store.execute(f"UPDATE programs SET {col} = ? WHERE id = ?", (b[col], a["id"]))
        store.execute("DELETE FROM programs WHERE id = ?", (b["id"],))
    return a["key"]


def split(store: Store, key: str, new_key: str, docs: list[str], name: str | None = None, by: str | None = None,
          note: str | None = None) -> str:
    """Documents `docs` leave program `key` for a new program `new_key` (named `name`), now and after re-imports."""
    new_key = "-".join(regex.findall(r"[a-z0-9]+", fold(new_key)))
    if not new_key:
        raise QueryError("the new program needs a key (letters and digits)")
    with store.transaction():
        p = _program_row(store, key)
        if store.one("SELECT id FROM programs WHERE key = ?", (new_key,)):
            raise QueryError(f"program {new_key!r} already exists; attach documents to it instead")
        ids = [find_document(store, d).id for d in docs]
        for i in ids:
            if store.one("SELECT 1 AS x FROM program_documents WHERE program_id = ? AND document_id = ?", (p["id"], i)) is None:
                raise QueryError(f"document #{i} is not linked to {p['key']}")
        nid = store.insert("INSERT INTO programs (key, name, kind, topic, scope, manual, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
                           (new_key, name or new_key, p["kind"], p["topic"], p["scope"], now()))
        for i in ids:
            _record(store, "split", p["key"], new_key, i, None, by, note)
            store.execute("UPDATE program_documents SET program_id = ? WHERE program_id = ? AND document_id = ?",
                          (nid, p["id"], i))
            store.execute("UPDATE program_indicators SET program_id = ? WHERE program_id = ? AND document_id = ?",
                          (nid, p["id"], i))
            if p["approving_document_id"] == i:
                store.execute("UPDATE programs SET approving_document_id = NULL WHERE id = ?", (p["id"],))
                store.execute("UPDATE programs SET approving_document_id = ? WHERE id = ?", (i, nid))
    return new_key


def attach(store: Store, key: str, doc: str, role: str = "implements", by: str | None = None,
           note: str | None = None) -> tuple[str, int]:
    """Link a document to a program by hand (kept across re-imports)."""
    if role not in ROLES:
        raise QueryError(f"role must be one of: {', '.join(ROLES)}")
    with store.transaction():
        p = _program_row(store, key)
        d = find_document(store, doc)
        store.execute("DELETE FROM program_overrides WHERE action = 'detach' AND key = ? AND document_id = ?",
                      (p["key"], d.id))
        _record(store, "attach", p["key"], None, d.id, role, by, note)
        _apply_attachments(store, [{"action": "attach", "key": p["key"], "document_id": d.id, "role": role}])
    return p["key"], d.id


def detach(store: Store, key: str, doc: str, by: str | None = None, note: str | None = None) -> tuple[str, int]:
    """Unlink a document the extractor linked wrongly (kept across re-imports)."""
    with store.transaction():
        p = _program_row(store, key)
        d = find_document(store, doc)
        store.execute("DELETE FROM program_overrides WHERE action = 'attach' AND key = ? AND document_id = ?",
                      (p["key"], d.id))
        _record(store, "detach", p["key"], None, d.id, None, by, note)
        store.execute("DELETE FROM program_documents WHERE program_id = ? AND document_id = ?", (p["id"], d.id))
    return p["key"], d.id


# -- reading ------------------------------------------------------------------------------------------------

@dataclass
class ProgramDoc:
    id: int
    label: str
    doc_type: str | None
    number: str | None
    issue_date: str | None
    subject: str | None
    role: str
    source: str


@dataclass
class BudgetLine:
    document_id: int
    text: str
    amount_vnd: int
    kind: str  # allocation | actual
    source: str
    year_from: int | None
    year_to: int | None
    percent: float | None = None
    plan_vnd: int | None = None  # the plan an actual is compared with, where the text pairs them
    start: int | None = None
    end: int | None = None
    part: str = ""  # "total" (its components are listed too) | "component" (of a listed total) | ""


@dataclass
class ProgramTask:
    id: int
    document_id: int
    agency: str
    text: str
    status: str
    due_date: str | None
    overdue: bool


@dataclass
class ProgramRecord:
    key: str
    name: str
    kind: str | None
    scope: str | None
    year_from: int | None
    year_to: int | None
    approving: ProgramDoc | None
    approved_by_key: str | None
    goals: list[str]
    documents: list[ProgramDoc]
    tasks: list[ProgramTask]
    budget: list[BudgetLine]
    indicators: list[dict]
    budget_note: str = ""
    overrides: list[dict] = field(default_factory=list)

    @property
    def period(self) -> str:
        return period_label(self.year_from, self.year_to)

    def budget_by(self) -> dict[str, dict[tuple[str, str], int]]:
        """{"allocation"|"actual": {(source, year label): amount}}."""
        out: dict[str, dict[tuple[str, str], int]] = {"allocation": defaultdict(int), "actual": defaultdict(int)}
        for b in self.budget:
            if b.part == "total":
                continue
            out[b.kind][(b.source, period_label(b.year_from, b.year_to) or "?")] += b.amount_vnd
        return {k: dict(v) for k, v in out.items()}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["period"] = self.period
        return d


def period_label(a: int | None, b: int | None) -> str:
    if a and b and a != b:
        return f"{a}–{b}"
    if a or b:
        return str(a or b) if a else f"đến {b}"
    return ""


_SOURCES = (
    (regex.compile(r"trung\s+ương|KCQG|khuyến\s+công\s+quốc\s+gia|NSTW|\bTW\b", regex.I), "Trung ương (KCQG)"),
    (regex.compile(r"đối\s+ứng", regex.I), "Vốn đối ứng"),
    (regex.compile(r"ngân\s+sách\s+(?:tỉnh|địa\s+phương|huyện|xã|thành\s+phố|cấp)|KCĐP|khuyến\s+công\s+địa\s+phương"
                   r"|NSĐP|địa\s+phương", regex.I), "Ngân sách địa phương"),
    (regex.compile(r"xã\s+hội\s+hóa", regex.I), "Xã hội hóa"),
    (regex.compile(r"vay", regex.I), "Vốn vay"),
    (regex.compile(r"ODA|viện\s+trợ|tài\s+trợ", regex.I), "ODA, tài trợ"),
    (regex.compile(r"khác", regex.I), "Nguồn khác"),
)
_STATISTIC = regex.compile(r"(?:giá\s+trị\s+sản\s+xuất|doanh\s+(?:thu|số)|kim\s+ngạch|thu\s+nhập|GRDP|tổng\s+sản\s+phẩm"
                           r"|nộp\s+ngân\s+sách|vốn\s+điều\s+lệ)[^.;]{0,160}$", regex.I)


def canonical_source(s: str | None) -> str:
    if not s:
        return "Không ghi nguồn"
    for pat, name in _SOURCES:
        if pat.search(s):
            return name
    return s[:1].upper() + s[1:]


def budget_columns(store: Store) -> set[str]:
    """The budgets table's columns: kind, year_from … once the budget kinds (migration 6) are there."""
    if store.dialect == "sqlite":
        return {r["name"] for r in store.query("PRAGMA table_info(budgets)")}
    return {r["column_name"] for r in store.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'budgets'")}


def is_statistic(row: dict, text: str | None) -> bool:
    """The clause before the amount names a statistic (giá trị sản xuất, doanh thu, kim ngạch …), not a budget."""
    if row.get("kind") in ("statistic", "rate"):
        return True
    if text is None or row.get("start_offset") is None:
        return False
    return bool(_STATISTIC.search(text[max(0, row["start_offset"] - 200):row["start_offset"]]))


def budget_kind(row: dict, text: str | None, has_kind: bool) -> str | None:
    """allocation | actual | None (a statistic, a rate, or nothing said): from `kind` when the store has it,
    else from the planned/spent status with statistics (production value, sales …) read off the clause."""
    if has_kind and row.get("kind") is not None:
        k = row["kind"]
        return k if k in ("allocation", "actual") else None
    if is_statistic(row, text):
        return None
    return {"planned": "allocation", "spent": "actual"}.get(row.get("status") or "")


_PART = regex.compile(r"(?m)^\s*PHẦN\s+(?:[IVX]+|\d+)\b")
_YEARS = regex.compile(r"(?:giai\s+đoạn|năm)\s+((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?", regex.I)


def _line_period(row: dict, text: str, has_years: bool) -> tuple[int | None, int | None]:
    if has_years and (row.get("year_from") or row.get("year_to")):
        return row.get("year_from"), row.get("year_to")
    if row.get("start_offset") is None:
        return None, None
    lo = max(0, row["start_offset"] - 250)
    ctx = text[lo:row["start_offset"]]
    cut = max(ctx.rfind("\n\n"), 0)
    m = list(_YEARS.finditer(ctx[cut:]))
    if not m:  # the part it sits in: "PHẦN I … GIAI ĐOẠN 2013 – 2015"
        parts = list(_PART.finditer(text, 0, row["start_offset"]))
        m = list(_YEARS.finditer(text, parts[-1].end(), parts[-1].end() + 200)) if parts else []
        m = m[:1]
    if not m:
        return None, None
    a = int(m[-1].group(1))
    return a, int(m[-1].group(2)) if m[-1].group(2) else a


def _doc(row: dict) -> ProgramDoc:
    label = " ".join(x for x in (row["doc_type"], row["number"]) if x) or (row["subject"] or "")[:60] or f"#{row['id']}"
    return ProgramDoc(row["id"], label, row["doc_type"], row["number"], row["issue_date"], row["subject"], row["role"],
                      row["source"])


def _home_programs(store: Store, doc_ids: list[int]) -> dict[int, list[dict]]:
    """For each document: its acting programs, strongest role first."""
    if not doc_ids:
        return {}
    out: dict[int, list[dict]] = defaultdict(list)
    marks = ",".join("?" * len(doc_ids))
    for r in store.query(f"SELECT pd.document_id, pd.role, p.id, p.key, p.year_from, p.year_to FROM program_documents pd "
                         f"JOIN programs p ON p.id = pd.program_id WHERE pd.document_id IN ({marks})", doc_ids):
        if r["role"] in ACTING:
            out[r["document_id"]].append(r)
    for v in out.values():
        v.sort(key=lambda r: (ROLES.index(r["role"]), -(r["year_to"] or 0) if r["year_from"] else 0, r["key"]))
    return out


def _budget_home(homes: list[dict], period: tuple[int | None, int | None]) -> int | None:
    """The program whose period holds the line's; else the strongest one whose period does not exclude it."""
    a, b = period
    if a:
        for h in homes:
            if h["year_to"] and (h["year_from"] or 0) <= a and (b or a) <= h["year_to"]:
                return h["id"]
        homes = [h for h in homes if not h["year_to"]]
    return homes[0]["id"] if homes else None


def _gives_tasks(homes: dict[int, list[dict]], doc_id: int, program_id: int) -> bool:
    """A document's tasks belong to the program it acts on most strongly."""
    return bool(homes.get(doc_id)) and homes[doc_id][0]["id"] == program_id


# the documents linked to a program (any role; merges, splits, attachments and detachments already applied)
LINKED_DOCUMENTS = "SELECT pd.document_id FROM program_documents pd WHERE pd.program_id = ?"


def find_program(store: Store, key: str) -> tuple[int, str]:
    """(id, key) of the program `key` names: its key, a unique prefix, or words of its name (as `vanban program`);
    QueryError when none or several match."""
    p = _program_row(store, key.strip())
    return p["id"], p["key"]


def choices(store: Store) -> list[dict]:
    """Every program's key and name, by name: the web forms' program filter."""
    return store.query("SELECT key, name FROM programs ORDER BY name, key")


def task_documents(store: Store, program_id: int) -> list[int]:
    """The documents whose tasks are the program's (those its record lists): the documents acting on it
    (approving, amending, concluding, reporting, implementing) that act on no other program more strongly."""
    acting = [r["document_id"] for r in store.query(
        "SELECT document_id, role FROM program_documents WHERE program_id = ? ORDER BY document_id", (program_id,))
        if r["role"] in ACTING]
    homes = _home_programs(store, acting)
    return [d for d in acting if _gives_tasks(homes, d, program_id)]


def program(store: Store, key: str, today: str | None = None) -> ProgramRecord:
    p = _program_row(store, key)
    today = today or date.today().isoformat()
    docs_rows = store.query(
        "SELECT d.id, d.doc_type, d.number, d.issue_date, d.subject, pd.role, pd.source FROM program_documents pd "
        "JOIN documents d ON d.id = pd.document_id WHERE pd.program_id = ? ORDER BY d.issue_date, d.id", (p["id"],))
    docs = sorted((_doc(r) for r in docs_rows), key=lambda d: (ROLES.index(d.role), d.issue_date or "", d.id))
    approving = next((d for d in docs if d.id == p["approving_document_id"]), None)
    if approving is None and p["approved_by_key"]:
        r = store.one("SELECT d.id, d.doc_type, d.number, d.issue_date, d.subject FROM document_keys k JOIN documents d "
                      "ON d.id = k.document_id WHERE k.key = ? ORDER BY k.alias LIMIT 1", (p["approved_by_key"],))
        if r is not None:
            approving = _doc({**r, "role": "approves", "source": "citation"})
    acting = [d.id for d in docs if d.role in ACTING]
    homes = _home_programs(store, acting)
    tasks: list[ProgramTask] = []
    budget: list[BudgetLine] = []
    cols = budget_columns(store)
    has_kind, has_years = "kind" in cols, "year_from" in cols
    has_kind_rows: list[bool] = []
    for did in acting:
        if _gives_tasks(homes, did, p["id"]):
            for t in store.query(
                    "SELECT t.id, t.text, t.action, t.status, t.due_date, b.name FROM tasks t LEFT JOIN task_bodies tb ON "
                    "tb.task_id = t.id AND tb.role = 'assignee' LEFT JOIN bodies b ON b.id = tb.body_id WHERE "
                    "t.document_id = ? ORDER BY t.seq, tb.seq", (did,)):
                tasks.append(ProgramTask(t["id"], did, t["name"] or "Không rõ", " ".join((t["text"] or "").split()),
                                         t["status"], t["due_date"],
                                         bool(t["due_date"] and t["due_date"] < today and t["status"] not in CLOSED)))
        text = store.scalar("SELECT text AS t FROM documents WHERE id = ?", (did,)) or ""
        first, seqs = len(budget), {}
        rows = store.query("SELECT * FROM budgets WHERE document_id = ? AND amount_vnd IS NOT NULL ORDER BY seq", (did,))
        has_kind_rows.extend(r.get("kind") is not None for r in rows)
        for r in rows:
            kind = budget_kind(r, text, has_kind)
            if kind is None:
                continue
            period = _line_period(r, text, has_years)
            if _budget_home(homes.get(did, []), period) != p["id"]:
                continue
            if not period[0] and not period[1]:
                period = (p["year_from"], p["year_to"])
            plan = None
            if "plan_index" in cols and r.get("plan_index") is not None and 0 <= r["plan_index"] < len(rows):
                plan = next((x["amount_vnd"] for x in rows if x["seq"] == r["plan_index"]), None)
            budget.append(BudgetLine(did, " ".join(r["text"].split()), int(r["amount_vnd"]), kind,
                                     canonical_source(r["source"]), period[0], period[1], r.get("percent"), plan,
                                     r["start_offset"], r["end_offset"]))
            seqs[len(budget) - 1] = r["seq"]
        _mark_parts(budget[first:], [seqs[i] for i in range(first, len(budget))], rows, "total_index" in cols)
    indicators = store.query("SELECT text, unit, planned, actual, percent, percent_ok, year_from, year_to, document_id "
                             "FROM program_indicators WHERE program_id = ? ORDER BY document_id, start_offset", (p["id"],))
    overrides = [o for o in _overrides(store) if p["key"] in (o["key"], o["target_key"])]
    return ProgramRecord(p["key"], p["name"], p["kind"], p["scope"], p["year_from"], p["year_to"], approving,
                         p["approved_by_key"], json.loads(p["goals"] or "[]"), docs, tasks, budget, indicators,
                         "" if has_kind and all(has_kind_rows) else
                         "budget kinds read from planned/spent status where the store has no kind for a line",
                         overrides)


def _mark_parts(lines: list[BudgetLine], seqs: list[int], rows: list[dict], has_total: bool) -> None:
    """Totals whose components are listed too, so that neither is counted twice."""
    if has_total:
        by_seq = {r["seq"]: r for r in rows}
        totals = {by_seq[s]["total_index"] for s in seqs if by_seq[s].get("total_index") is not None}
        for line, s in zip(lines, seqs, strict=True):
            if by_seq[s].get("total_index") is not None and by_seq[s]["total_index"] in seqs:
                line.part = "component"
            elif s in totals:
                line.part = "total"
        return
    # without the budget helper's links: an amount with no source followed by sourced amounts of the same
    # kind and period that add up to it (plan and actual lines may alternate: "44.993/138.529 triệu đồng")
    for kind in ("allocation", "actual"):
        _mark_kind([b for b in lines if b.kind == kind])


def _mark_kind(lines: list[BudgetLine]) -> None:
    for i, t in enumerate(lines):
        if t.source != "Không ghi nguồn" or t.part:
            continue
        acc, parts = 0, []
        for c in lines[i + 1:]:
            if c.kind != t.kind or c.source == "Không ghi nguồn" or (c.year_from, c.year_to) != (t.year_from, t.year_to):
                break
            acc += c.amount_vnd
            parts.append(c)
            if abs(acc - t.amount_vnd) <= t.amount_vnd * 0.01 and len(parts) >= 2:
                t.part = "total"
                for c2 in parts:
                    c2.part = "component"
                break


@dataclass
class ProgramSummary:
    key: str
    name: str
    period: str
    documents: int
    tasks_open: int
    tasks_overdue: int
    planned_vnd: int
    spent_vnd: int


def programs(store: Store, today: str | None = None, with_money: bool = True) -> list[ProgramSummary]:
    """Every program with its documents, open and overdue tasks and its allocations and actuals."""
    out = []
    rows = store.query("SELECT p.key, p.name, p.year_from, p.year_to, COUNT(pd.document_id) AS n FROM programs p "
                       "LEFT JOIN program_documents pd ON pd.program_id = p.id GROUP BY p.id, p.key, p.name, p.year_from, "
                       "p.year_to ORDER BY p.key")
    for r in rows:
        rec = program(store, r["key"], today) if with_money else None
        tasks = rec.tasks if rec else []
        open_ = {t.id for t in tasks if t.status not in CLOSED}
        over = {t.id for t in tasks if t.overdue}
        planned = sum(b.amount_vnd for b in rec.budget if b.kind == "allocation" and b.part != "component") if rec else 0
        spent = sum(b.amount_vnd for b in rec.budget if b.kind == "actual" and b.part != "component") if rec else 0
        out.append(ProgramSummary(r["key"], r["name"], period_label(r["year_from"], r["year_to"]), int(r["n"]),
                                  len(open_), len(over), planned, spent))
    out.sort(key=lambda s: (-s.documents, s.key))
    return out


def tasks_by_agency(rec: ProgramRecord) -> list[tuple[str, dict[str, int]]]:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in rec.tasks:
        per[t.agency]["overdue" if t.overdue else t.status] += 1
    return sorted(((a, dict(c)) for a, c in per.items()), key=lambda kv: (-sum(kv[1].values()), kv[0]))


def budget_table(rec: ProgramRecord) -> list[dict]:
    """Rows by source and period: allocation, actual and % of plan."""
    by = rec.budget_by()
    keys = sorted(set(by["allocation"]) | set(by["actual"]), key=lambda k: (k[1], k[0]))
    rows = []
    for src, yr in keys:
        plan, act = by["allocation"].get((src, yr)), by["actual"].get((src, yr))
        rows.append({"source": src, "period": yr, "allocation_vnd": plan, "actual_vnd": act,
                     "percent": round(act / plan * 100, 1) if plan and act is not None else None})
    return rows
