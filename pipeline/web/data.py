"""The web's reads and writes over the store, as `pipeline.web.models` records.

One store per request (opened lazily, closed at teardown): the SQLite
connection is not shared between server threads. Every statement is
parameterised (`?`, rewritten for PostgreSQL by the store); user input never
reaches SQL text. The staff accounts (`web_users`), their server-side
sessions (`web_sessions`) and the upload jobs (`web_jobs`) are tables of the
store's migrations like every other.
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import g

from pipeline import queries
from pipeline.programs import LINKED_DOCUMENTS
from pipeline.store import Store, now, open_store
from pipeline.store.searchtext import search_words, snippet
from pipeline.tracker import vn_time
from pipeline.web.models import (
    CLOSED,
    STATUSES,
    UPLOAD_PREFIX,
    Budget,
    Citing,
    Deadline,
    DocDetail,
    DocSummary,
    Note,
    Ref,
    SourceFile,
    TaskRow,
)

RELATIONS = queries.RELATIONS  # strongest first
ENDING = queries.REPLACING

SEARCH_CAP = 500



def set_user(store: Store, name: str, password_hash: str) -> bool:
    """Create an account or give it a new password; True when it is new. A new password ends every
    session of the account: a browser signed in (or a cookie copied) before it no longer works."""
    t = now()
    with store.transaction():
        exists = store.one("SELECT name FROM web_users WHERE name = ?", (name,)) is not None
        if exists:
            store.execute("UPDATE web_users SET password_hash = ?, updated_at = ? WHERE name = ?", (password_hash, t, name))
            store.execute("DELETE FROM web_sessions WHERE user_name = ?", (name,))
        else:
            store.execute("INSERT INTO web_users (name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
                          (name, password_hash, t, t))
    return not exists


@dataclass
class ImportResult:
    doc_id: int | None
    message: str


@dataclass
class TaskStats:
    by_agency: list[tuple[str, dict[str, int]]]
    by_month: list[tuple[str, dict[str, int]]]


_SUMMARY_COLS = "d.id, d.doc_type, d.number, d.issue_date, d.issuer, d.subject, d.source_path"
_ENDED = ("(SELECT r.relation FROM doc_references r WHERE r.relation IN ('thay thế', 'bãi bỏ') AND "
          "(r.cited_document_id = d.id OR (r.cited_document_id IS NULL AND d.doc_key IS NOT NULL "
          "AND r.cited_key = d.doc_key)) AND r.document_id <> d.id LIMIT 1) AS ended")


def _summary(row: dict, snip: str | None = None) -> DocSummary:
    return DocSummary(row["id"], row["doc_type"], row["number"], row["issue_date"], row["issuer"], row["subject"],
                      row["source_path"], row.get("ended"), snip)


class WebData:
    def __init__(self, db: str | None):
        self.db = db

    # -- connection
    @property
    def store(self) -> Store:
        if "vanban_store" not in g:
            g.vanban_store = open_store(self.db)
        return g.vanban_store

    def close_request(self, _exc=None) -> None:
        s = g.pop("vanban_store", None)
        if s is not None:
            s.close()

    # -- accounts
    def user_hash(self, name: str) -> str | None:
        row = self.store.one("SELECT password_hash FROM web_users WHERE name = ?", (name,))
        return row["password_hash"] if row else None

    def set_password(self, name: str, password_hash: str) -> None:
        set_user(self.store, name, password_hash)

    def create_session(self, name: str, token_hash: str, max_age: float) -> None:
        """Record a signed-in browser; sessions older than `max_age` seconds are dropped on the way."""
        s, t = self.store, now()
        oldest = datetime.fromtimestamp(datetime.fromisoformat(t).timestamp() - max_age, UTC).replace(microsecond=0)
        with s.transaction():
            s.execute("DELETE FROM web_sessions WHERE created_at < ?", (oldest.isoformat(),))
            s.execute("INSERT INTO web_sessions (id, user_name, created_at) VALUES (?, ?, ?)", (token_hash, name, t))

    def session_user(self, token_hash: str) -> str | None:
        row = self.store.one("SELECT user_name FROM web_sessions WHERE id = ?", (token_hash,))
        return row["user_name"] if row else None

    def end_session(self, token_hash: str) -> None:
        self.store.execute("DELETE FROM web_sessions WHERE id = ?", (token_hash,))

    # -- search
    def facets(self) -> dict[str, list]:
        s = self.store
        return {
            "types": [r["v"] for r in s.query("SELECT DISTINCT doc_type AS v FROM documents WHERE doc_type IS NOT NULL ORDER BY v")],
            "issuers": [r["v"] for r in s.query("SELECT DISTINCT issuer AS v FROM documents WHERE issuer IS NOT NULL ORDER BY v")],
            "years": [r["v"] for r in s.query("SELECT DISTINCT issue_year AS v FROM documents WHERE issue_year IS NOT NULL "
                                              "ORDER BY v DESC")],
        }

    def search(self, q: str, *, doc_type: str | None = None, issuer: str | None = None, year: int | None = None,
               program: str | None = None, limit: int = 20, offset: int = 0) -> tuple[list[DocSummary], int]:
        """The store's search (diacritic- and case-insensitive, ranked); without words, the newest documents.

        Up to SEARCH_CAP hits are ranked and paged here; the total says "at least" past that."""
        s = self.store
        if year is not None and not 0 < year < 10000:  # no such year; and PostgreSQL's INTEGER would overflow
            return [], 0
        offset = max(0, min(offset, 10**9))
        words = search_words(q)[:20]
        if words:
            ranked = queries.search(s, q, doc_type=doc_type, issuer=issuer, year=year, program=program,
                                    limit=SEARCH_CAP)
            total = len(ranked)
            ids = [h.document.id for h in ranked[offset:offset + limit]]
        else:
            where, params = [], []
            for col, v in (("d.doc_type", doc_type), ("d.issuer", issuer), ("d.issue_year", year)):
                if v is not None:
                    where.append(f"{col} = ?")
                    params.append(v)
            pid = queries.resolve_program(s, program)
            if pid is not None:  # the documents linked to the program (pipeline.programs)
                where.append(f"d.id IN ({LINKED_DOCUMENTS})")
                params.append(pid)
            cond = " WHERE " + " AND ".join(where) if where else ""
            total = int(s.scalar(f"SELECT COUNT(*) AS n FROM documents d{cond}", params) or 0)
            ids = [r["id"] for r in s.query(f"SELECT d.id FROM documents d{cond} ORDER BY d.issue_date DESC, d.id DESC "
                                            "LIMIT ? OFFSET ?", [*params, limit, offset])]
        if not ids:
            return [], total
        rows = {r["id"]: r for r in s.query(f"SELECT {_SUMMARY_COLS}, d.text, {_ENDED} FROM documents d "
                                             f"WHERE d.id IN ({','.join('?' * len(ids))})", ids)}
        hits = []
        for i in ids:
            r = rows[i]
            snip = snippet(r["text"], words, 220, ("", "")).text.strip("… ") if words else None
            hits.append(_summary(r, snip))
        return hits, total

    # -- one document
    def document(self, doc_id: int, *, staff: bool = False) -> DocDetail | None:
        """One document with its records; the tasks' history (who changed what, notes) only for `staff`."""
        s = self.store
        row = s.one(f"SELECT d.*, {_ENDED} FROM documents d WHERE d.id = ?", (doc_id,))
        if row is None:
            return None
        summary = _summary(row)
        signer = " ".join(x for x in (row["signer_authority"], row["signer_position"]) if x)
        fields = OrderedDict([
            ("Loại văn bản", row["doc_type"]), ("Số, ký hiệu", row["number"]),
            ("Ngày ban hành", _vn(row["issue_date"])), ("Nơi ban hành", row["issue_place"]),
            ("Cơ quan ban hành", row["issuer"]), ("Cơ quan chủ quản", row["issuer_parent"]),
            ("Trích yếu", row["subject"]), ("Ngày hiệu lực", _vn(row["effective_date"])),
            ("Người ký", " — ".join(x for x in (row["signer_name"], signer) if x) or None),
            ("Tệp gốc", _shown_name(row["source_path"])),
        ])
        refs = [Ref("reference", r["id"], r["start_offset"], r["end_offset"], r["text"], r["relation"], r["doc_type"],
                    r["number"], r["cited_date"], r["issuer"], r["title"], r["target"])
                for r in s.query(
                    "SELECT r.*, COALESCE(r.cited_document_id, (SELECT MIN(t.id) FROM documents t WHERE "
                    "r.cited_key IS NOT NULL AND t.doc_key = r.cited_key AND t.id <> r.document_id)) AS target "
                    "FROM doc_references r WHERE r.document_id = ? ORDER BY r.seq", (doc_id,))]
        targets = self._summaries([r.target_id for r in refs if r.target_id])
        for r in refs:
            r.target_status = targets[r.target_id].status if r.target_id in targets else None
        cites = queries.cites(s, str(doc_id))
        citing = self._summaries([c.document.id for c in cites.citations])
        cited_by = sorted((Citing(c.relation, citing[c.document.id]) for c in cites.citations
                           if c.document.id != doc_id and c.document.id in citing),
                          key=lambda c: RELATIONS.index(c.relation) if c.relation in RELATIONS else len(RELATIONS))
        deadlines = [Deadline("deadline", r["id"], r["start_offset"], r["end_offset"], r["text"], r["due_date"],
                              r["recurrence"])
                     for r in s.query("SELECT * FROM deadlines WHERE document_id = ? ORDER BY seq", (doc_id,))]
        budgets = [Budget("budget", r["id"], r["start_offset"], r["end_offset"], r["text"], r["amount_vnd"], r["source"],
                          r["purpose"])
                   for r in s.query("SELECT * FROM budgets WHERE document_id = ? ORDER BY seq", (doc_id,))]
        return DocDetail(summary, row["text"], fields, refs, cited_by, self.tasks(doc_id=doc_id, staff=staff), deadlines, budgets,
                         [c for c in cited_by if c.relation in ENDING], _header_spans(row), self.files(doc_id))

    def files(self, doc_id: int) -> list[SourceFile]:
        """The files the store knows for a document (its document_files rows where that table exists, else
        the file it was read from): only these can be downloaded."""
        s = self.store
        if "document_files" in s.table_names():
            rows = s.query("SELECT id, source_path, format, size_bytes, role FROM document_files WHERE document_id = ? "
                           "ORDER BY CASE role WHEN 'primary' THEN 0 ELSE 1 END, id", (doc_id,))
            if rows:
                return [SourceFile(r["id"], _shown_name(r["source_path"]), r["format"], r["size_bytes"], r["role"])
                        for r in rows]
        row = s.one("SELECT source_path, format FROM documents WHERE id = ?", (doc_id,))
        return [SourceFile(0, _shown_name(row["source_path"]), row["format"], None, "primary")] if row else []

    def file_path(self, doc_id: int, file_id: int) -> str | None:
        """The stored path of one of the document's files (`files`), by its id; None when it is not one."""
        s = self.store
        if file_id and "document_files" in s.table_names():
            row = s.one("SELECT source_path FROM document_files WHERE id = ? AND document_id = ?", (file_id, doc_id))
            return row["source_path"] if row else None
        if file_id == 0 and not any(f.id for f in self.files(doc_id)):
            row = s.one("SELECT source_path FROM documents WHERE id = ?", (doc_id,))
            return row["source_path"] if row else None
        return None

    def cited_page(self, ref_id: int) -> tuple[Ref, queries.Cites] | None:
        """A reference and every document citing what it cites (by the reference's own key, never user text)."""
        s = self.store
        r = s.one("SELECT * FROM doc_references WHERE id = ?", (ref_id,))
        if r is None:
            return None
        ref = Ref("reference", r["id"], r["start_offset"], r["end_offset"], r["text"], r["relation"], r["doc_type"],
                  r["number"], r["cited_date"], r["issuer"], r["title"], r["cited_document_id"])
        key = r["cited_key"] or r["number"] or r["title"]
        if not key:
            return ref, queries.Cites(r["text"], None, [])
        try:
            c = queries.cites(s, key)
        except queries.QueryError:
            return ref, queries.Cites(key, None, [])
        if not any(x.document.id == r["document_id"] for x in c.citations):
            doc = queries.find_document(s, r["document_id"])
            c.citations.append(queries.Citation(r["relation"], doc, r["text"], r["pinpoint"]))
        return ref, c

    def _summaries(self, ids: list[int]) -> dict[int, DocSummary]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        return {r["id"]: _summary(r) for r in self.store.query(
            f"SELECT {_SUMMARY_COLS}, {_ENDED} FROM documents d WHERE d.id IN ({','.join('?' * len(ids))})", ids)}

    # -- tasks
    def assignees(self) -> list[str]:
        return [r["name"] for r in self.store.query(
            "SELECT DISTINCT b.name FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
            "WHERE tb.role = 'assignee' ORDER BY b.name")]

    def tasks(self, *, today: date | None = None, assignee: str | None = None, status: str | None = None,
              due: str | None = None, doc_id: int | None = None, staff: bool = False) -> list[TaskRow]:
        """The store's task list, narrowed by due ("overdue", "soon": within 3 days, "none"). Who changed a
        task, when, and the notes are staff matters: only with `staff` (signed in)."""
        s = self.store
        t = today or date.today()
        try:
            rows = queries.tasks(s, assignee=assignee, status=status, overdue=due == "overdue", from_doc=doc_id,
                                 today=t.isoformat())
        except queries.QueryError:
            return []
        if due == "soon":
            last = (t + timedelta(days=3)).isoformat()
            rows = [r for r in rows if r.status not in CLOSED and r.due_date and t.isoformat() <= r.due_date <= last]
        elif due == "none":
            rows = [r for r in rows if not r.due_date]
        if not rows:
            return []
        ids = [r.id for r in rows]
        extra: dict[int, dict] = {}
        notes: dict[int, list[Note]] = defaultdict(list)
        for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
            marks = ",".join("?" * len(chunk))
            for r in s.query(f"SELECT id, start_offset, end_offset, status_changed_by, status_changed_at FROM tasks "
                             f"WHERE id IN ({marks})", chunk):
                extra[r["id"]] = r
            if not staff:
                continue
            for h in s.query(f"SELECT task_id, old_status, new_status, note, changed_by, changed_at FROM "
                             f"task_status_history WHERE task_id IN ({marks}) ORDER BY id", chunk):
                notes[h["task_id"]].append(_note(h))
        out = []
        for r in rows:
            x = extra.get(r.id, {})
            d = r.document
            label = " ".join(v for v in (d.doc_type, d.number) if v) or _shown_name(d.source_path)
            out.append(TaskRow("task", r.id, x.get("start_offset"), x.get("end_offset"), r.text, d.id, label,
                               r.assignees, r.coordinators, r.action or "", r.due_date,
                               r.status if r.status in STATUSES else "open",
                               x.get("status_changed_by") if staff else None,
                               _when(x.get("status_changed_at")) if staff else None, notes[r.id]))
        return out

    def set_task_status(self, task_id: int, status: str, user: str, note: str | None = None) -> bool:
        """Through the store, which records who changed what, when; False when there is no such task."""
        try:
            queries.set_task_status(self.store, task_id, status, note=note, by=user)
        except queries.QueryError:
            return False
        return True

    def add_task_note(self, task_id: int, user: str, text: str) -> bool:
        """A note is a history entry that keeps the status."""
        row = self.store.one("SELECT status FROM tasks WHERE id = ?", (task_id,))
        return row is not None and self.set_task_status(task_id, row["status"], user, text)

    # -- dashboard
    def task_stats(self, top: int = 15) -> TaskStats:
        s = self.store
        agency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in s.query("SELECT b.name, t.status, COUNT(DISTINCT t.id) AS n FROM tasks t JOIN task_bodies tb ON "
                         "tb.task_id = t.id AND tb.role = 'assignee' JOIN bodies b ON b.id = tb.body_id "
                         "GROUP BY b.name, t.status"):
            agency[r["name"]][r["status"]] += int(r["n"])
        by_agency = sorted(agency.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:top]
        month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in s.query("SELECT due_date, status FROM tasks"):
            key = r["due_date"][:7] if r["due_date"] else "Không có hạn"
            month[key][r["status"]] += 1
        by_month = sorted(month.items(), key=lambda kv: (kv[0] == "Không có hạn", kv[0]))
        return TaskStats([(a, dict(c)) for a, c in by_agency], [(m, dict(c)) for m, c in by_month])

    def budget_stats(self) -> list[tuple[str, dict[str, float]]]:
        """Allocations and actuals by funding source and year (the line's own period, else the document's year).
        Statistics (production value, sales …) and rates never count as budget (pipeline.programs.is_statistic);
        an amount the text does not say is planned or spent is shown as such."""
        from pipeline.programs import budget_columns, budget_kind, is_statistic

        has_kind = "kind" in budget_columns(self.store)
        per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        texts: dict[int, str] = {}
        labels = {"allocation": "Kế hoạch", "actual": "Thực hiện", None: "Chưa rõ kế hoạch/thực hiện"}
        for r in self.store.query("SELECT b.*, d.issue_year FROM budgets b JOIN documents d ON d.id = b.document_id "
                                  "WHERE b.amount_vnd IS NOT NULL ORDER BY b.document_id, b.seq"):
            if (not has_kind or r.get("kind") is None) and r["document_id"] not in texts:
                texts[r["document_id"]] = self.store.scalar("SELECT text AS t FROM documents WHERE id = ?",
                                                            (r["document_id"],)) or ""
            text = texts.get(r["document_id"])
            if is_statistic(r, text):
                continue
            kind = budget_kind(r, text, has_kind)
            src = (r["source"] or "Không ghi nguồn").strip()
            year = (r.get("year_from") if has_kind else None) or r["issue_year"] or "Không rõ năm"
            per[f"{src[:1].upper() + src[1:]} — {labels[kind]}"][str(year)] += float(r["amount_vnd"])
        return sorted(((k, dict(v)) for k, v in per.items()), key=lambda kv: -sum(kv[1].values()))

    # -- import
    def import_file(self, path: Path) -> ImportResult:
        from pipeline.web.importing import import_one

        return import_one(self.store, path)


def _note(h: dict) -> Note:
    text = h["note"] or ""
    if h["old_status"] != h["new_status"]:
        change = f"{STATUSES.get(h['old_status'], h['old_status'])} → {STATUSES.get(h['new_status'], h['new_status'])}"
        text = f"{change}. {text}" if text else change
    return Note(h["changed_by"] or "", _when(h["changed_at"]) or "", text)


def _when(iso: str | None) -> str | None:
    """The store's UTC time stamp, as staff read it, in Vietnam time: 23/11/2026 13:50."""
    return vn_time(iso)


HEADER_LABELS = {"doc_type": "Loại văn bản", "number": "Số, ký hiệu", "issue_date": "Ngày ban hành",
                 "issue_place": "Nơi ban hành", "issuer": "Cơ quan ban hành", "issuer_parent": "Cơ quan chủ quản",
                 "subject": "Trích yếu", "effective_date": "Ngày hiệu lực", "signer_name": "Người ký"}


def _header_spans(row: dict) -> dict[str, tuple[int, int]]:
    """Where each header field was read in the text, by its label on the page."""
    try:
        h = json.loads(row.get("header_json") or "{}")
    except ValueError:
        return {}
    out = {}
    n = len(row.get("text") or "")
    for k, label in HEADER_LABELS.items():
        f = h.get(k)
        if isinstance(f, dict) and isinstance(f.get("start"), int) and isinstance(f.get("end"), int) \
                and 0 <= f["start"] < f["end"] <= n:
            out[label] = (f["start"], f["end"])
    return out


def _shown_name(path: str) -> str:
    """The file name without the upload's generated prefix."""
    name = Path(path).name
    return UPLOAD_PREFIX.sub("", name) or name


def _vn(iso: str | None) -> str | None:
    if not iso or len(iso) < 10:
        return iso
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"
