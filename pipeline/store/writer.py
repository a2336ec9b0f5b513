"""Write one extracted document, whole or not at all.

Re-extraction (a new extractor version, or a changed file at the same path)
updates the document in place: its id stays, references, deadlines and
budgets are rewritten, tasks are matched to the old ones so their ids, status
and status history survive, and the manual corrections are applied again.
References are resolved both ways: this document's citations to documents
already stored, and earlier citations of this document's own key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from pipeline.plain import plain
from pipeline.records import Extraction, Task
from pipeline.store.backend import Store, now
from pipeline.store.bodies import body_key, ensure_body
from pipeline.store.dedup import Quality, bands, better, ocr_info, ocr_missing, same_document, shingles, write_bands
from pipeline.store.keys import document_keys, reference_key
from pipeline.store.searchtext import index_body, index_text, search_words


@dataclass
class TextIndex:
    """What the store derives from a document's text alone: its search copy, its word shingles and their LSH
    bands. Workers compute it where they extract, so the one writer that serves them all spends its time on
    the database (it was a third of the writer's CPU, and the bound on two workers' speed-up)."""

    search_body: str
    shingles: set[int]
    bands: list[str]

    @classmethod
    def of(cls, text: str) -> TextIndex:
        sh = shingles(text)
        return cls(index_body(text), sh, bands(sh))


@dataclass
class ExtractedDoc:
    """What a worker process sends back: small, picklable, everything the store keeps."""

    source_path: str
    content_hash: str
    format: str
    status: str
    pages: int
    text: str
    warnings: list[str] = field(default_factory=list)
    extraction: Extraction = field(default_factory=Extraction)
    size: int | None = None  # bytes of the file
    index: TextIndex | None = None  # computed by the worker; the writer computes it when it is missing


# Header fields a person may correct, and the documents column each lives in.
CORRECTABLE = {
    "doc_type": "doc_type", "number": "number", "issue_date": "issue_date", "issue_place": "issue_place",
    "issuer": "issuer", "issuer_parent": "issuer_parent", "subject": "subject",
    "effective_date": "effective_date", "signer_name": "signer_name", "signer_position": "signer_position",
    "signer_authority": "signer_authority",
}


def _header_columns(ex: Extraction) -> dict:
    h = ex.header
    return {
        "doc_type": h.doc_type.value, "number": h.number.value, "issue_date": h.issue_date.value,
        "issue_place": h.issue_place.value, "issuer": h.issuer.value, "issuer_parent": h.issuer_parent.value,
        "subject": h.subject.value, "effective_date": h.effective_date.value,
        "signer_name": h.signer.name.value, "signer_position": h.signer.position.value,
        "signer_authority": h.signer.authority.value,
    }


def _derived(cols: dict, text: str, search_body: str | None = None) -> dict:
    """Columns computed from header values: keys, year, search copies (`search_body`, when given, is the
    text's indexed copy already made)."""
    date = cols.get("issue_date") or ""
    year = int(date[:4]) if len(date) >= 4 and date[:4].isdigit() else None
    title = " ".join(x for x in (cols.get("doc_type"), cols.get("number"), cols.get("subject")) if x)
    return {
        "doc_key": document_keys(cols.get("number"), cols.get("doc_type"))[0],
        "issue_year": year,
        "type_key": body_key(cols["doc_type"]) if cols.get("doc_type") else None,
        "issuer_key": body_key(cols["issuer"]) if cols.get("issuer") else None,
        "search_title": index_text(title),
        "search_body": index_body(text) if search_body is None else search_body,
    }


def task_key(task: Task) -> str:
    basis = " ".join(search_words(task.text)) + "|" + ",".join(sorted(body_key(a) for a in task.assignees))
    return hashlib.sha1(basis.encode()).hexdigest()[:20]


def _overlap(a: str, b: str) -> float:
    wa, wb = set(search_words(a)), set(search_words(b))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def apply_corrections(store: Store, doc_id: int) -> None:
    rows = store.query("SELECT field, value FROM corrections WHERE document_id = ?", (doc_id,))
    if not rows:
        return
    doc = store.one("SELECT * FROM documents WHERE id = ?", (doc_id,))
    cols = {k: doc[k] for k in CORRECTABLE}
    for r in rows:
        if r["field"] in CORRECTABLE:
            cols[r["field"]] = r["value"]
    d = _derived(cols, doc["text"], search_body="")
    d.pop("search_body")
    values = {**cols, **d}
    store.execute(f"UPDATE documents SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                  (*values.values(), doc_id))


def _write_tasks(store: Store, doc_id: int, ex: Extraction) -> None:
    old = {r["task_key"]: r for r in store.query(
        "SELECT id, task_key, text, status, status_changed_at FROM tasks WHERE document_id = ?", (doc_id,))}
    keys_seen: dict[str, int] = {}
    plan: list[tuple[str, Task]] = []
    for t in ex.tasks:
        k = task_key(t)
        n = keys_seen.get(k, 0)
        keys_seen[k] = n + 1
        plan.append((f"{k}-{n}" if n else k, t))
    unmatched = {k: r for k, r in old.items() if k not in {k2 for k2, _ in plan}}
    kept: set[int] = set()
    for seq, (k, t) in enumerate(plan):
        dl = t.deadline
        values = (seq, t.text, t.action, t.section, dl.date if dl else None, dl.text if dl else None,
                  t.recurrence or (dl.recurrence if dl else None), t.start, t.end, t.confidence)
        row = old.get(k)
        if row is None and unmatched:  # the extractor now words this task differently
            best = max(unmatched.values(), key=lambda r: _overlap(r["text"], t.text))
            if _overlap(best["text"], t.text) >= 0.6:
                row = unmatched.pop(best["task_key"])
        if row is not None:
            task_id = row["id"]
            store.execute("UPDATE tasks SET task_key = ?, seq = ?, text = ?, action = ?, section = ?, due_date = ?, "
                          "deadline_text = ?, recurrence = ?, start_offset = ?, end_offset = ?, confidence = ?, "
                          "extracted = 1 WHERE id = ?", (k, *values, task_id))
            store.execute("DELETE FROM task_bodies WHERE task_id = ?", (task_id,))
        else:
            task_id = store.insert(
                "INSERT INTO tasks (document_id, task_key, seq, text, action, section, due_date, deadline_text, "
                "recurrence, start_offset, end_offset, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, k, *values))
        kept.add(task_id)
        for role, names, printed in (("assignee", t.assignees, t.assignees_printed),
                                     ("coordinator", t.coordinators, t.coordinators_printed)):
            for i, name in enumerate(names):
                body_id = ensure_body(store, name, printed[i] if i < len(printed) else None)
                if body_id is not None:
                    store.execute("INSERT INTO task_bodies (task_id, role, seq, body_id, printed) VALUES (?, ?, ?, ?, ?)",
                                  (task_id, role, i, body_id, printed[i] if i < len(printed) else name))
    for r in old.values():
        if r["id"] in kept:
            continue
        if r["status_changed_at"]:  # a person worked on it: keep it, flagged as no longer extracted
            store.execute("UPDATE tasks SET extracted = 0 WHERE id = ?", (r["id"],))
        else:
            store.execute("DELETE FROM tasks WHERE id = ?", (r["id"],))


def _write_children(store: Store, doc_id: int, ex: Extraction) -> None:
    for table in ("doc_references", "deadlines", "budgets"):
        store.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))
    for seq, r in enumerate(ex.references):
        key = reference_key(r)
        store.execute(
            "INSERT INTO doc_references (document_id, seq, cited_key, relation, pinpoint, doc_type, number, cited_date, "
            "issuer, title, text, start_offset, end_offset, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, seq, key, r.relation, r.pinpoint, r.doc_type, r.number, r.date, r.issuer, r.title, r.text,
             r.start, r.end, r.confidence))
    for seq, d in enumerate(ex.deadlines):
        store.execute(
            "INSERT INTO deadlines (document_id, seq, text, due_date, recurrence, relative, start_offset, end_offset, "
            "confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, seq, d.text, d.date, d.recurrence, d.relative, d.start, d.end, d.confidence))
    for seq, b in enumerate(ex.budgets):
        store.execute(
            "INSERT INTO budgets (document_id, seq, text, amount_vnd, currency, source, purpose, status, start_offset, "
            "end_offset, confidence, kind, source_printed, year_from, year_to, plan_index, percent, percent_ok, "
            "total_index, sum_ok) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, seq, b.text, b.amount_vnd, b.currency, b.source, b.purpose, b.status, b.start, b.end,
             b.confidence, b.kind, b.source_printed, b.year_from, b.year_to, b.plan_index, b.percent,
             None if b.percent_ok is None else int(b.percent_ok), b.total_index,
             None if b.sum_ok is None else int(b.sum_ok)))
    _write_tasks(store, doc_id, ex)
    from pipeline.programs import write_programs  # the programs it names, with the staff's merges re-applied

    write_programs(store, doc_id, ex)


_TARGET = (
    "COALESCE((SELECT MIN(k.document_id) FROM document_keys k WHERE k.key = doc_references.cited_key "
    "AND k.alias = 0 AND k.document_id <> doc_references.document_id), "
    # a partial key ("NĐ:45") links only when one stored document answers to it
    "(SELECT MIN(k.document_id) FROM document_keys k WHERE k.key = doc_references.cited_key "
    "AND k.alias = 1 AND k.document_id <> doc_references.document_id HAVING COUNT(DISTINCT k.document_id) = 1))")


def resolve_references(store: Store, doc_id: int) -> None:
    """Store the document's keys and re-link every citation they touch: its own,
    those of its keys old and new, and those that pointed at it before."""
    old = [r["key"] for r in store.query("SELECT key FROM document_keys WHERE document_id = ?", (doc_id,))]
    row = store.one("SELECT number, doc_type FROM documents WHERE id = ?", (doc_id,))
    own, aliases = document_keys(row["number"], row["doc_type"])
    store.execute("UPDATE documents SET doc_key = ? WHERE id = ?", (own, doc_id))
    store.execute("DELETE FROM document_keys WHERE document_id = ?", (doc_id,))
    new = ([own] if own else []) + [a for a in aliases if a != own]
    for i, k in enumerate(new):
        store.execute("INSERT INTO document_keys (document_id, key, alias) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                      (doc_id, k, 0 if i == 0 and own else 1))
    keys = sorted(set(old) | set(new))
    cond = "document_id = ? OR cited_document_id = ?"
    params: list = [doc_id, doc_id]
    if keys:
        cond += f" OR cited_key IN ({', '.join('?' * len(keys))})"
        params += keys
    store.execute(f"UPDATE doc_references SET cited_document_id = {_TARGET} WHERE {cond}", params)


def write_document(store: Store, item: ExtractedDoc, extractor_version: str, doc_id: int | None = None,
                   run_id: int = 0) -> tuple[int, str]:
    """Store one extracted file with everything it carries, and log it. Call
    inside `store.transaction()`. The file joins the stored document it is a
    copy of (same bytes, same number/type/issuer/date, or near-identical text:
    `pipeline.store.dedup`), else becomes a new document; of a document's
    files the best (`dedup.Quality`) gives its text and records. Returns
    (document id, outcome): "added" (a new document), "updated" (a stored
    file read again), "duplicate" (a new file of a stored document), or
    "unchanged" when another importer stored this very file meanwhile.
    (`doc_id` is no longer used: the file's own row says where it belongs.)"""
    store.lock_writes()  # one writer at a time on PostgreSQL, as BEGIN IMMEDIATE gives on SQLite
    f = store.one("SELECT * FROM document_files WHERE source_path = ?", (item.source_path,))
    if f is not None and (f["content_hash"], f["extractor_version"], f["status"]) == (
            item.content_hash, extractor_version, item.status):
        log(store, run_id, item.source_path, item.content_hash, extractor_version, "unchanged", None, f["document_id"])
        return f["document_id"], "unchanged"
    ex = item.extraction
    cols = _header_columns(ex)
    ix = item.index or TextIndex.of(item.text)
    derived = _derived(cols, item.text, ix.search_body)
    sh, band_keys = ix.shingles, ix.bands
    if f is not None:
        target = f["document_id"]
    else:
        same = store.one("SELECT MIN(document_id) AS id FROM document_files WHERE content_hash = ?",
                         (item.content_hash,))
        target = same["id"] if same and same["id"] is not None else same_document(
            store, derived["doc_key"], derived["issuer_key"], cols["issue_date"], sh, band_keys)
    quality = Quality.of(item.format, item.status, ocr_info(item.warnings)[0], len(item.warnings), len(item.text))
    if target is None:
        doc_id = _write_content(store, item, extractor_version, None, cols, derived)
        _write_file(store, doc_id, item, extractor_version, "primary")
        write_bands(store, doc_id, band_keys)
        outcome = "added"
    else:
        doc_id = target
        primary = store.one("SELECT * FROM document_files WHERE document_id = ? AND role = 'primary'", (doc_id,))
        if primary is None or primary["source_path"] == item.source_path or better(
                quality, item.source_path,
                Quality.of(primary["format"], primary["status"], primary["ocr_pages"], primary["warnings"],
                           primary["text_chars"]),
                primary["source_path"]):
            if primary is not None and primary["source_path"] != item.source_path:
                store.execute("UPDATE document_files SET role = 'copy' WHERE id = ?", (primary["id"],))
            _write_file(store, doc_id, item, extractor_version, "primary")
            _write_content(store, item, extractor_version, doc_id, cols, derived)
            write_bands(store, doc_id, band_keys)
        else:
            _write_file(store, doc_id, item, extractor_version, "copy")
        outcome = "updated" if f is not None else "duplicate"
    log(store, run_id, item.source_path, item.content_hash, extractor_version, outcome, None, doc_id)
    return doc_id, outcome


def _write_file(store: Store, doc_id: int, item: ExtractedDoc, extractor_version: str, role: str) -> None:
    pages, conf = ocr_info(item.warnings)
    values = {"document_id": doc_id, "content_hash": item.content_hash, "format": item.format,
              "size_bytes": item.size, "role": role, "status": item.status, "warnings": len(item.warnings),
              "text_chars": len(item.text),
              "ocr_pages": pages, "ocr_confidence": conf, "ocr_missing": int(ocr_missing(item.status, item.warnings)),
              "extractor_version": extractor_version, "updated_at": now()}
    if store.execute(f"UPDATE document_files SET {', '.join(f'{k} = ?' for k in values)} WHERE source_path = ?",
                     (*values.values(), item.source_path)) == 0:
        values.update(source_path=item.source_path, added_at=values["updated_at"])
        store.execute(f"INSERT INTO document_files ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                      tuple(values.values()))


def attach_copy(store: Store, doc_id: int, path: str, content_hash: str, size: int | None, run_id: int) -> None:
    """A file with the same bytes as one of the document's files: listed as a copy, nothing read again."""
    src = store.one("SELECT * FROM document_files WHERE document_id = ? AND content_hash = ? ORDER BY id LIMIT 1",
                    (doc_id, content_hash))
    at = now()
    store.execute(
        "INSERT INTO document_files (document_id, source_path, content_hash, format, size_bytes, role, status, warnings, "
        "text_chars, ocr_pages, ocr_confidence, ocr_missing, extractor_version, added_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'copy', ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (doc_id, path, content_hash, src["format"] if src else None, size, src["status"] if src else "ok",
         src["warnings"] if src else 0, src["text_chars"] if src else None, src["ocr_pages"] if src else 0,
         src["ocr_confidence"] if src else None,
         src["ocr_missing"] if src else 0, src["extractor_version"] if src else None, at, at))
    log(store, run_id, path, content_hash, src["extractor_version"] if src else "", "duplicate", None, doc_id)


def move_file(store: Store, old_path: str, new_path: str) -> None:
    """A stored file found at another path (moved or renamed): its rows follow it."""
    store.execute("UPDATE document_files SET source_path = ? WHERE source_path = ?", (new_path, old_path))
    store.execute("UPDATE documents SET source_path = ? WHERE source_path = ?", (new_path, old_path))


def _write_content(store: Store, item: ExtractedDoc, extractor_version: str, doc_id: int | None, cols: dict,
                   derived: dict) -> int:
    """The document's row and records from this file (its primary), corrections applied again."""
    ex = item.extraction
    header_json = json.dumps(plain(ex.header), ensure_ascii=False)
    ocr_pages, ocr_confidence = ocr_info(item.warnings)
    values = {
        "source_path": item.source_path, "content_hash": item.content_hash, "format": item.format,
        "status": item.status, "extractor_version": extractor_version, **cols,
        "recipients": json.dumps([r.value for r in ex.header.recipients if r.value], ensure_ascii=False),
        "header_json": header_json, "warnings": json.dumps(item.warnings, ensure_ascii=False),
        "pages": item.pages, "text": item.text, **derived, "ocr_pages": ocr_pages,
        "ocr_confidence": ocr_confidence, "updated_at": now(),
    }
    if doc_id is None:
        values["imported_at"] = values["updated_at"]
        doc_id = store.insert(f"INSERT INTO documents ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                              tuple(values.values()))
    else:
        store.execute(f"UPDATE documents SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                      (*values.values(), doc_id))
    apply_corrections(store, doc_id)
    issuer = store.one("SELECT issuer, issuer_parent FROM documents WHERE id = ?", (doc_id,))
    parent_id = ensure_body(store, issuer["issuer_parent"]) if issuer["issuer_parent"] else None
    if issuer["issuer"]:
        ensure_body(store, issuer["issuer"], parent_id=parent_id)
    _write_children(store, doc_id, ex)
    resolve_references(store, doc_id)
    return doc_id


def log(store: Store, run_id: int, path: str, content_hash: str | None, extractor_version: str, outcome: str,
        error: str | None, doc_id: int | None = None) -> None:
    store.execute("INSERT INTO import_log (run_id, source_path, content_hash, extractor_version, outcome, error, "
                  "document_id, logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (run_id, path, content_hash, extractor_version, outcome, error, doc_id, now()))


def correct_field(store: Store, doc_id: int, fieldname: str, value: str | None, by: str | None,
                  note: str | None = None) -> None:
    """Record a manual correction of a header field and apply it now (and after every re-extraction)."""
    if fieldname not in CORRECTABLE:
        raise ValueError(f"cannot correct {fieldname!r}; one of: {', '.join(CORRECTABLE)}")
    with store.transaction():
        store.lock_writes()  # it rewrites citations of other documents too, as an import does
        store.execute("DELETE FROM corrections WHERE document_id = ? AND field = ?", (doc_id, fieldname))
        store.execute("INSERT INTO corrections (document_id, field, value, note, corrected_by, corrected_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, fieldname, value, note, by, now()))
        apply_corrections(store, doc_id)
        resolve_references(store, doc_id)


__all__ = ["CORRECTABLE", "ExtractedDoc", "attach_copy", "correct_field", "log", "move_file", "resolve_references",
           "task_key", "write_document"]
