"""Questions asked of the program database, as a Python API returning dataclasses.

The CLI formats these; a web application can call the same functions. Every
function takes an open `Store` (pipeline.store.open_store) and raises
`QueryError` for input a person can correct (an unknown document, a bad status).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from extractors.bodies import canonical_body
from pipeline.store import Store, now
from pipeline.store.bodies import body_key
from pipeline.store.keys import document_keys, number_key, title_key
from pipeline.store.searchtext import search_words, snippet

RELATIONS = ["căn cứ", "thực hiện", "thay thế", "bãi bỏ", "sửa đổi", "hướng dẫn", "dẫn chiếu"]
REPLACING = {"thay thế", "bãi bỏ"}
TASK_STATUSES = ["open", "in_progress", "done", "cancelled", "blocked"]
CLOSED = ("done", "cancelled")


class QueryError(Exception):
    """The question cannot be answered as asked (unknown document, bad value)."""


@dataclass
class DocumentSummary:
    id: int
    doc_type: str | None
    number: str | None
    issue_date: str | None
    issuer: str | None
    subject: str | None
    source_path: str

    @property
    def label(self) -> str:
        head = " ".join(x for x in (self.doc_type, self.number) if x) or Path(self.source_path).name
        return f"{head} ({self.issue_date})" if self.issue_date else head


_SUMMARY = "d.id, d.doc_type, d.number, d.issue_date, d.issuer, d.subject, d.source_path"


def _summary(row: dict, prefix: str = "") -> DocumentSummary:
    return DocumentSummary(row[prefix + "id"], row[prefix + "doc_type"], row[prefix + "number"],
                           row[prefix + "issue_date"], row[prefix + "issuer"], row[prefix + "subject"],
                           row[prefix + "source_path"])


# ---------------------------------------------------------------- search

@dataclass
class SearchHit:
    document: DocumentSummary
    score: float
    snippet: str


def search(store: Store, text: str, *, doc_type: str | None = None, issuer: str | None = None,
           year: int | None = None, limit: int = 20) -> list[SearchHit]:
    """Ranked full-text search ignoring diacritics and case; subject and number weigh most."""
    words = search_words(text)
    if not words:
        raise QueryError("nothing to search for: give at least one word")
    where, params = [], []
    if doc_type:
        where.append("d.type_key = ?")
        params.append(body_key(doc_type))
    if issuer:
        where.append("d.issuer_key LIKE ?")
        params.append(f"%{body_key(canonical_body(issuer))}%")
    if year:
        where.append("d.issue_year = ?")
        params.append(int(year))
    extra = "".join(f" AND {w}" for w in where)
    # every word required; the words side by side as typed rank higher ("khuyen cong" over "cộng … khuyến")
    if store.dialect == "sqlite":
        match = " ".join(f'"{w}"' for w in words)
        if len(words) > 1:
            match = f'"{" ".join(words)}" OR ({match})'
        rows = store.query(
            f"SELECT {_SUMMARY}, d.text, -bm25(documents_fts, 10.0, 1.0) AS score FROM documents_fts "
            f"JOIN documents d ON d.id = documents_fts.rowid WHERE documents_fts MATCH ?{extra} "
            "ORDER BY score DESC, d.id LIMIT ?", (match, *params, limit))
    else:
        rows = store.query(
            f"SELECT {_SUMMARY}, d.text, ts_rank(d.search_vector, q, 1) AS score "
            f"FROM documents d, to_tsquery('simple', ?) q WHERE d.search_vector @@ q{extra} "
            "ORDER BY score DESC, d.id LIMIT ?", (f"({' <-> '.join(words)}) | ({' & '.join(words)})", *params, limit))
    return [SearchHit(_summary(r), round(float(r["score"]), 4), snippet(r["text"], words).text) for r in rows]


# ---------------------------------------------------------------- documents

def find_document(store: Store, ref: str | int) -> DocumentSummary:
    """A document by id, number (any spacing/case) or source file path."""
    s = str(ref).strip()
    if s.isdigit():
        row = store.one(f"SELECT {_SUMMARY} FROM documents d WHERE d.id = ?", (int(s),))
        if row:
            return _summary(row)
    p = Path(s)
    if p.exists():
        row = store.one(f"SELECT {_SUMMARY} FROM documents d WHERE d.source_path = ?", (str(p.resolve()),))
        if row:
            return _summary(row)
    rows = _by_key(store, s)
    if not rows:
        rows = store.query(f"SELECT {_SUMMARY} FROM documents d WHERE d.source_path LIKE ? ORDER BY d.id",
                           (f"%/{p.name}",))
    if len(rows) == 1:
        return _summary(rows[0])
    if len(rows) > 1:
        ids = ", ".join(str(r["id"]) for r in rows[:10])
        raise QueryError(f"{s!r} matches {len(rows)} documents (ids {ids}); give the id")
    raise QueryError(f"no document {s!r} in the database (give an id, a number or a file path)")


def _by_key(store: Store, number: str) -> list[dict]:
    keys = list({k for k in (number_key(number), document_keys(number, None)[0]) if k}) or [""]
    return store.query(f"SELECT {_SUMMARY} FROM documents d WHERE d.id IN (SELECT document_id FROM document_keys "
                       f"WHERE alias = 0 AND key IN ({', '.join('?' * len(keys))})) ORDER BY d.id", keys)


@dataclass
class ReferenceRow:
    relation: str
    cited_key: str | None
    doc_type: str | None
    number: str | None
    date: str | None
    issuer: str | None
    title: str | None
    pinpoint: str | None
    text: str
    cited_document: DocumentSummary | None = None


@dataclass
class Bases:
    document: DocumentSummary
    references: list[ReferenceRow]

    @property
    def legal_bases(self) -> list[ReferenceRow]:
        return [r for r in self.references if r.relation == "căn cứ"]


def _relation_order(rel: str) -> int:
    return RELATIONS.index(rel) if rel in RELATIONS else len(RELATIONS)


def bases(store: Store, doc: str | int) -> Bases:
    """The legal bases (căn cứ) and every other reference of a document, bases first."""
    d = find_document(store, doc)
    rows = store.query(
        "SELECT r.*, c.id AS c_id, c.doc_type AS c_doc_type, c.number AS c_number, c.issue_date AS c_issue_date, "
        "c.issuer AS c_issuer, c.subject AS c_subject, c.source_path AS c_source_path FROM doc_references r "
        "LEFT JOIN documents c ON c.id = r.cited_document_id WHERE r.document_id = ? ORDER BY r.seq", (d.id,))
    refs = [ReferenceRow(r["relation"], r["cited_key"], r["doc_type"], r["number"], r["cited_date"], r["issuer"],
                         r["title"], r["pinpoint"], r["text"], _summary(r, "c_") if r["c_id"] else None)
            for r in rows]
    refs.sort(key=lambda r: _relation_order(r.relation))
    return Bases(d, refs)


@dataclass
class Citation:
    relation: str
    document: DocumentSummary
    text: str
    pinpoint: str | None


@dataclass
class Cites:
    key: str
    cited: DocumentSummary | None  # the cited document when it is in the database
    citations: list[Citation]

    @property
    def by_relation(self) -> dict[str, list[Citation]]:
        out: dict[str, list[Citation]] = {}
        for c in sorted(self.citations, key=lambda c: (_relation_order(c.relation), c.document.id)):
            out.setdefault(c.relation, []).append(c)
        return out

    @property
    def replaced_by(self) -> list[DocumentSummary]:
        """Documents that replace or repeal the cited one."""
        return [c.document for c in self.citations if c.relation in REPLACING]


def cites(store: Store, key: str) -> Cites:
    """Documents citing a given document (by number, title, id or path), grouped by relation."""
    s = key.strip()
    if not s:
        raise QueryError("give a document number, title, id or path")
    keys = {k for k in (number_key(s), title_key(None, s)) if k}
    keys |= {a for a in document_keys(s, None)[1] if "/" in a}  # "NĐ:45/2012": cited without the code
    cited = None
    if s.isdigit() or Path(s).exists():
        cited = find_document(store, s)
    else:
        rows = _by_key(store, s)
        cited = _summary(rows[0]) if rows else None
    if cited is not None:
        keys |= {r["key"] for r in store.query("SELECT key FROM document_keys WHERE document_id = ?", (cited.id,))}
    marks = ", ".join("?" * len(keys))
    params: list = list(keys)
    cond = f"r.cited_key IN ({marks})"
    if cited is not None:
        cond = f"({cond} OR r.cited_document_id = ?)"
        params.append(cited.id)
    rows = store.query(f"SELECT r.relation, r.text, r.pinpoint, {_SUMMARY} FROM doc_references r "
                       f"JOIN documents d ON d.id = r.document_id WHERE {cond} ORDER BY d.id, r.seq", params)
    seen: set[tuple[int, str]] = set()
    out = []
    for r in rows:
        if (r["id"], r["relation"]) in seen:
            continue
        seen.add((r["id"], r["relation"]))
        out.append(Citation(r["relation"], _summary(r), r["text"], r["pinpoint"]))
    return Cites(number_key(s) or s, cited, out)


# ---------------------------------------------------------------- tasks

@dataclass
class TaskRow:
    id: int
    document: DocumentSummary
    assignees: list[str]
    coordinators: list[str]
    action: str | None
    text: str
    due_date: str | None
    deadline_text: str | None
    recurrence: str | None
    status: str
    overdue: bool
    section: str | None = None
    extracted: bool = True
    history: list[TaskChange] = field(default_factory=list)


@dataclass
class TaskChange:
    old_status: str | None
    new_status: str
    note: str | None
    changed_by: str | None
    changed_at: str


def _body_condition(name: str) -> tuple[str, list]:
    key = body_key(canonical_body(name))
    raw = body_key(name)
    return ("(b.name_key = ? OR b.name_key LIKE ? OR b.id IN (SELECT body_id FROM body_aliases WHERE alias_key IN (?, ?)))",
            [key, key + " %", key, raw])


def tasks(store: Store, *, assignee: str | None = None, status: str | None = None, due_before: str | None = None,
          overdue: bool = False, from_doc: str | int | None = None, today: str | None = None,
          ids: list[int] | None = None) -> list[TaskRow]:
    """Tasks sorted by due date (undated last); `overdue` = past due and not done or cancelled."""
    today = today or date.today().isoformat()
    where, params = [], []
    if assignee:
        cond, p = _body_condition(assignee)
        where.append("t.id IN (SELECT tb.task_id FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
                     f"WHERE tb.role = 'assignee' AND {cond})")
        params += p
    if status:
        if status not in TASK_STATUSES:
            raise QueryError(f"unknown status {status!r}; one of: {', '.join(TASK_STATUSES)}")
        where.append("t.status = ?")
        params.append(status)
    if due_before:
        where.append("t.due_date IS NOT NULL AND t.due_date < ?")
        params.append(_iso(due_before))
    if overdue:
        where.append("t.due_date IS NOT NULL AND t.due_date < ? AND t.status NOT IN ('done', 'cancelled')")
        params.append(today)
    if from_doc is not None:
        where.append("t.document_id = ?")
        params.append(find_document(store, from_doc).id)
    if ids is not None:
        where.append(f"t.id IN ({', '.join('?' * len(ids))})" if ids else "1 = 0")
        params += ids
    sql = (f"SELECT t.*, {_SUMMARY.replace('d.id', 'd.id AS d_id')} FROM tasks t JOIN documents d ON d.id = t.document_id"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY CASE WHEN t.due_date IS NULL THEN 1 ELSE 0 END, t.due_date, t.document_id, t.seq")
    rows = store.query(sql, params)
    bodies: dict[int, dict[str, list[str]]] = {}
    if rows:
        task_ids = [r["id"] for r in rows]
        for i in range(0, len(task_ids), 500):
            chunk = task_ids[i:i + 500]
            for b in store.query(f"SELECT tb.task_id, tb.role, b.name FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
                                 f"WHERE tb.task_id IN ({', '.join('?' * len(chunk))}) ORDER BY tb.task_id, tb.role, tb.seq",
                                 chunk):
                bodies.setdefault(b["task_id"], {}).setdefault(b["role"], []).append(b["name"])
    out = []
    for r in rows:
        bb = bodies.get(r["id"], {})
        doc = DocumentSummary(r["d_id"], r["doc_type"], r["number"], r["issue_date"], r["issuer"], r["subject"],
                              r["source_path"])
        is_overdue = bool(r["due_date"] and r["due_date"] < today and r["status"] not in CLOSED)
        out.append(TaskRow(r["id"], doc, bb.get("assignee", []), bb.get("coordinator", []), r["action"], r["text"],
                           r["due_date"], r["deadline_text"], r["recurrence"], r["status"], is_overdue, r["section"],
                           bool(r["extracted"])))
    return out


def _iso(s: str) -> str:
    s = s.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            from datetime import datetime
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    raise QueryError(f"cannot read date {s!r}: write YYYY-MM-DD or DD/MM/YYYY")


def task(store: Store, task_id: int) -> TaskRow:
    rows = tasks(store, ids=[task_id])
    if not rows:
        raise QueryError(f"no task {task_id}")
    t = rows[0]
    t.history = [TaskChange(h["old_status"], h["new_status"], h["note"], h["changed_by"], h["changed_at"])
                 for h in store.query("SELECT * FROM task_status_history WHERE task_id = ? ORDER BY id", (task_id,))]
    return t


def set_task_status(store: Store, task_id: int, status: str, *, note: str | None = None,
                    by: str | None = None) -> TaskRow:
    """Change a task's status, recording who, when and why; kept across re-imports."""
    if status not in TASK_STATUSES:
        raise QueryError(f"unknown status {status!r}; one of: {', '.join(TASK_STATUSES)}")
    with store.transaction():
        row = store.one("SELECT status FROM tasks WHERE id = ?", (task_id,))
        if row is None:
            raise QueryError(f"no task {task_id}")
        at = now()
        store.execute("INSERT INTO task_status_history (task_id, old_status, new_status, note, changed_by, changed_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (task_id, row["status"], status, note, by, at))
        store.execute("UPDATE tasks SET status = ?, status_changed_at = ?, status_changed_by = ? WHERE id = ?",
                      (status, at, by, task_id))
    return task(store, task_id)


# ---------------------------------------------------------------- export

@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[dict]


EXPORTS = {
    "documents": ("SELECT d.id, d.doc_type, d.number, d.issue_date, d.issue_place, d.issuer, d.issuer_parent, "
                  "d.subject, d.effective_date, d.signer_name, d.signer_position, d.signer_authority, d.recipients, "
                  "d.status, d.source_path, d.content_hash, d.extractor_version, d.imported_at, d.updated_at "
                  "FROM documents d ORDER BY d.id"),
    "references": ("SELECT r.id, r.document_id, d.number AS document_number, r.relation, r.cited_key, r.doc_type, "
                   "r.number, r.cited_date, r.issuer, r.title, r.pinpoint, r.cited_document_id, r.text "
                   "FROM doc_references r JOIN documents d ON d.id = r.document_id ORDER BY r.document_id, r.seq"),
    "budgets": ("SELECT b.id, b.document_id, d.number AS document_number, b.amount_vnd, b.currency, b.source, "
                "b.purpose, b.status, b.text FROM budgets b JOIN documents d ON d.id = b.document_id "
                "ORDER BY b.document_id, b.seq"),
}
TASK_COLUMNS = ["id", "document_id", "document_number", "assignees", "coordinators", "action", "due_date",
                "deadline_text", "recurrence", "status", "overdue", "section", "text"]


def export_table(store: Store, name: str) -> Table:
    """A whole table, flat, for CSV/JSON/XLSX."""
    if name == "tasks":
        rows = [{"id": t.id, "document_id": t.document.id, "document_number": t.document.number,
                 "assignees": "; ".join(t.assignees), "coordinators": "; ".join(t.coordinators),
                 "action": t.action, "due_date": t.due_date, "deadline_text": t.deadline_text,
                 "recurrence": t.recurrence, "status": t.status, "overdue": t.overdue, "section": t.section,
                 "text": t.text} for t in tasks(store)]
        return Table(name, TASK_COLUMNS, rows)
    if name not in EXPORTS:
        raise QueryError(f"unknown table {name!r}; one of: documents, tasks, references, budgets")
    rows = store.query(EXPORTS[name])
    if name == "documents":
        for r in rows:
            r["recipients"] = "; ".join(json.loads(r["recipients"] or "[]"))
    columns = list(rows[0]) if rows else [c.strip().split(" AS ")[-1].split(".")[-1]
                                          for c in EXPORTS[name].split(" FROM ")[0][len("SELECT "):].split(",")]
    return Table(name, columns, rows)
