"""`vanban import / search / bases / cites / tasks / task / correct / export`:
the program database from the command line. Formatting only; the work is in
pipeline.importer and pipeline.queries."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

import click

from pipeline.store import DEFAULT_DB, NeedsMigration, StoreError, open_store

FORMATS = click.Choice(["table", "json", "csv"])


def db_option(f):
    return click.option("--db", default=lambda: os.environ.get("VANBAN_DB", DEFAULT_DB), show_default=DEFAULT_DB,
                        help="Database: a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB "
                             "(env VANBAN_DB).")(f)


def format_option(f):
    return click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)(f)


def _open(db: str, write: bool = False):
    """Queries open read-only; a database of an older schema is upgraded first."""
    try:
        try:
            return open_store(db, create=write, readonly=not write)
        except NeedsMigration:
            open_store(db).close()
            return open_store(db, readonly=True)
    except StoreError as e:
        raise click.ClickException(str(e)) from None


def _cell(v, width: int) -> str:
    s = "" if v is None else ("yes" if v is True else "" if v is False else str(v))
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def render(rows: list[dict], columns: list[str], fmt: str, widths: dict[str, int] | None = None) -> str:
    """rows as an aligned table, JSON (a list of objects) or CSV."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in r.items()})
        return buf.getvalue().rstrip("\n")
    widths = widths or {}
    cells = [[_cell(r.get(c), widths.get(c, 40)) for c in columns] for r in rows]
    size = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(size[i]) for i, c in enumerate(columns)).rstrip(),
             "  ".join("-" * size[i] for i in range(len(columns)))]
    lines += ["  ".join(row[i].ljust(size[i]) for i in range(len(columns))).rstrip() for row in cells]
    return "\n".join(lines)


def _plain(obj):
    return asdict(obj) if is_dataclass(obj) else obj


def _query(fn, *args, **kw):
    from pipeline.queries import QueryError

    try:
        return fn(*args, **kw)
    except (QueryError, StoreError) as e:
        raise click.ClickException(str(e)) from None


def register(main: click.Group) -> None:
    """Add the database commands to the `vanban` group."""
    for cmd in (import_cmd, search_cmd, bases_cmd, cites_cmd, tasks_cmd, task_cmd, correct_cmd, export_cmd):
        main.add_command(cmd)


@click.command("import")
@click.argument("paths", nargs=-1)
@db_option
@click.option("--workers", "-j", type=click.IntRange(0, 64), default=lambda: os.cpu_count() or 1,
              show_default="CPU count", help="Extraction processes (0: extract in this process).")
@click.option("--retry-failed", is_flag=True, help="Try again files that failed with this extractor version.")
@click.option("--ocr-pending", is_flag=True,
              help="OCR the stored documents whose scanned pages were never read (stored as needs_ocr), and "
                   "extract them again; PATHS may then be left out.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default=None,
              help="local: worker processes here (default); dask: a Dask cluster extracts and OCRs, this process "
                   "writes.")
@click.option("--scheduler", "--dask", "scheduler", metavar="ADDRESS",
              help="Dask scheduler (tcp://host:8786); implies --executor dask. Without it, --executor dask starts "
                   "a local cluster of --workers processes.")
def import_cmd(paths, db, workers, retry_failed, ocr_pending, quiet, executor, scheduler):
    """Import documents (files or directories, recursive) into the database.

    Files of one document (the same bytes, the same number, type, issuer and
    date, or near-identical text) are stored as one document with several
    source files; the best text gives its records."""
    from pipeline.importer import import_paths

    if not paths and not ocr_pending:
        raise click.UsageError("name the files or directories to import (or --ocr-pending)")
    if scheduler and executor == "local":
        raise click.UsageError("--scheduler needs --executor dask")
    executor = executor or ("dask" if scheduler else "local")
    store = _open(db, write=True)
    try:
        summary = import_paths(store, paths, workers=workers, retry_failed=retry_failed, ocr_pending=ocr_pending,
                               progress=not quiet and sys.stderr.isatty(), executor=executor, scheduler=scheduler)
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt:
        click.echo("\ninterrupted: documents already written are kept; run the same command again to finish",
                   err=True)
        sys.exit(130)
    finally:
        store.close()
    click.echo(summary.line(), err=True)
    click.echo(summary.documents_line(), err=True)
    if summary.failures:
        click.echo(f"{len(summary.failures)} problem(s):", err=True)
        for path, reason in summary.failures[:30]:
            click.echo(f"  {path}: {reason}", err=True)
        if len(summary.failures) > 30:
            click.echo(f"  … and {len(summary.failures) - 30} more (table import_log)", err=True)
    ok = summary.added + summary.updated + summary.unchanged + summary.moved + summary.duplicates
    sys.exit(1 if summary.failures and not ok else 0)


@click.command("search")
@click.argument("text", nargs=-1, required=True)
@db_option
@click.option("--type", "doc_type", help="Only this document type (Quyết định, Kế hoạch …).")
@click.option("--issuer", help="Only documents whose issuer's name holds these words (abbreviations resolved).")
@click.option("--year", type=int, help="Only documents issued this year.")
@click.option("--program", help="Only documents linked to this program (its key, a unique prefix or words of its name, "
                                "as `vanban program`).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Results per page.")
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--all", "match_all", is_flag=True,
              help="Also list documents holding the words apart when some hold them side by side.")
@format_option
def search_cmd(text, db, doc_type, issuer, year, program, limit, page, match_all, fmt):
    """Full-text search, accents and case ignored ("khuyen cong" finds "khuyến công").

    Words typed side by side are looked for side by side; "quoted words" must
    be there as a phrase. A document's number or name ("nghi dinh 45",
    "2211/QĐ-UBND", "luat dau tu cong") lists that document and those citing it first."""
    from pipeline.queries import search_page

    with _open(db) as store:
        res = _query(search_page, store, " ".join(text), doc_type=doc_type, issuer=issuer, year=year, program=program,
                     limit=limit, offset=(page - 1) * limit, match="all" if match_all else "auto")
    if fmt == "json":
        click.echo(json.dumps({"query": res.query, "total": res.total, "page": res.page, "pages": res.pages,
                               "limit": res.limit, "apart": res.apart, "named": [_plain(n) for n in res.named],
                               "hits": [_plain(h) for h in res.hits]}, ensure_ascii=False, indent=1))
        return
    rows = [{"id": h.document.id, "score": h.score, "document": h.document.label, "subject": h.document.subject,
             "snippet": h.snippet} for h in res.hits]
    if fmt == "csv":
        click.echo(render(rows, list(rows[0]) if rows else ["id"], "csv"))
        return
    for n in res.named:
        where = f"#{n.document.id}" if n.document else "not in the archive"
        click.echo(f"{n.label} ({where}): cited by {n.citing} document{'s' if n.citing != 1 else ''}")
    words = " ".join(text)
    side = not match_all and '"' not in words and len(words.split()) > 1 and not res.named
    what = "hold the words side by side" if side else "match"
    more = f" (--page {res.page + 1} for more)" if res.next_offset is not None else ""
    click.echo(f"{res.total} document{'s' if res.total != 1 else ''} {what}; page {res.page}/{res.pages}{more}")
    if res.apart:
        click.echo(f"{res.apart} more hold the words apart (--all)")
    if not res.hits:
        click.echo("no match")
        return
    for h in res.hits:
        click.echo(f"#{h.document.id}  {h.document.label}" + (f"  score {h.score:.2f}" if h.score else ""))
        if h.document.subject:
            click.echo(f"    {h.document.subject}")
        click.echo(f"    {h.snippet}")


@click.command("bases")
@click.argument("doc")
@db_option
@format_option
def bases_cmd(doc, db, fmt):
    """The legal bases and other references of a document (DOC: id, number or path)."""
    from pipeline.queries import bases

    with _open(db) as store:
        b = _query(bases, store, doc)
    if fmt == "json":
        click.echo(json.dumps(_plain(b), ensure_ascii=False, indent=1))
        return
    rows = [{"relation": r.relation, "doc_type": r.doc_type, "number": r.number, "date": r.date,
             "title": r.title, "pinpoint": r.pinpoint, "in_db": r.cited_document.id if r.cited_document else None,
             "text": r.text} for r in b.references]
    cols = ["relation", "doc_type", "number", "date", "title", "pinpoint", "in_db"]
    if fmt == "csv":
        click.echo(render(rows, cols + ["text"], "csv"))
        return
    click.echo(f"#{b.document.id} {b.document.label}: {b.document.subject or ''}".rstrip(": "))
    click.echo(render(rows, cols, "table", {"title": 50}) if rows else "no references")


@click.command("cites")
@click.argument("key")
@db_option
@format_option
def cites_cmd(key, db, fmt):
    """Documents citing KEY (a number such as 45/2012/NĐ-CP, a title, an id or a path), by relation."""
    from pipeline.queries import cites

    with _open(db) as store:
        c = _query(cites, store, key)
    if fmt == "json":
        out = _plain(c)
        out["replaced_by"] = [asdict(d) for d in c.replaced_by]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    rows = [{"relation": x.relation, "id": x.document.id, "document": x.document.label,
             "subject": x.document.subject, "pinpoint": x.pinpoint, "text": x.text} for x in c.citations]
    rows.sort(key=lambda r: (next((i for i, g in enumerate(c.by_relation) if g == r["relation"]), 99), r["id"]))
    if fmt == "csv":
        click.echo(render(rows, ["relation", "id", "document", "subject", "pinpoint", "text"], "csv"))
        return
    click.echo(f"{c.key}" + (f" (in the database: #{c.cited.id} {c.cited.subject or ''})" if c.cited else ""))
    if not rows:
        click.echo("cited by no document")
        return
    for rel, items in c.by_relation.items():
        click.echo(f"\n{rel} ({len(items)})")
        for x in items:
            click.echo(f"  #{x.document.id} {x.document.label}  {x.document.subject or ''}".rstrip())
    if c.replaced_by:
        click.echo("\nreplaced or repealed by: " + ", ".join(f"#{d.id} {d.label}" for d in c.replaced_by))


def _task_rows(ts) -> list[dict]:
    return [{"id": t.id, "due": t.due_date or (t.recurrence or ""), "status": t.status + (" OVERDUE" if t.overdue else ""),
             "assignees": "; ".join(t.assignees), "coordinators": "; ".join(t.coordinators),
             "action": t.action or t.text, "document": t.document.label, "deadline": t.deadline_text} for t in ts]


def tracker_options(f):
    """The tracker's filters, shared by `vanban tasks` and `vanban export --table tasks`."""
    opts = [
        click.option("--assignee", "--agency", "assignee",
                     help="Only tasks of this agency (abbreviations like SCT, Sở CT, UBND; accents optional)."),
        click.option("--status", help="open, in_progress, done, cancelled, blocked, or active (not done/cancelled)."),
        click.option("--period", type=click.Choice([k for k in PERIOD_KEYS if k]),
                     help="Due this week, month or quarter (Vietnam calendar), overdue, soon (3 days), none."),
        click.option("--timeliness", help="chưa đến hạn … as keys: not_due, on_track, soon, overdue, no_deadline, "
                                          "done_on_time, done_late, done, cancelled."),
        click.option("--from-date", help="Due on or after (YYYY-MM-DD or DD/MM/YYYY)."),
        click.option("--to-date", help="Due on or before."),
        click.option("--due-before", help="Only tasks due before this date (YYYY-MM-DD or DD/MM/YYYY)."),
        click.option("--overdue", is_flag=True, help="Only tasks past due and not done (= --period overdue)."),
        click.option("--from", "from_doc", help="Only tasks of this document (id, number or path)."),
        click.option("--text", help="Words of the task, its action or its agencies (accents optional)."),
        click.option("--program", help="Only tasks of this program (its key, a unique prefix or words of its name, "
                                       "as `vanban program`): those of the documents acting on it."),
        click.option("--sort", type=click.Choice(["due", "-due", "doc", "agency", "status", "id"]), default="due",
                     show_default=True),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


PERIOD_KEYS = ["", "week", "month", "quarter", "overdue", "soon", "none"]


def _tracker_filter(assignee, status, period, timeliness, from_date, to_date, due_before, overdue, from_doc, text,
                    program=None):
    from datetime import date, timedelta

    from pipeline.queries import iso_date
    from pipeline.tracker import TrackerFilter

    to = to_date
    if due_before:  # strictly before: the day before, inclusive
        day = (date.fromisoformat(_query(iso_date, due_before)) - timedelta(days=1)).isoformat()
        to = min(day, _query(iso_date, to_date)) if to_date else day
    return TrackerFilter(agency=assignee, status=status, timeliness=timeliness,
                         period="overdue" if overdue else period, due_from=from_date, due_to=to, doc=from_doc,
                         text=text, program=program)


@click.command("tasks")
@db_option
@tracker_options
@click.option("--page", type=click.IntRange(1), default=1, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=None, help="Tasks per page (default: all).")
@format_option
def tasks_cmd(db, assignee, status, period, timeliness, from_date, to_date, due_before, overdue, from_doc, text,
              program, sort, page, limit, fmt):
    """Tasks (sorted by due date by default) with their state in time: quá hạn N ngày, sắp đến hạn …"""
    from pipeline.queries import tasks
    from pipeline.tracker import task_list

    f = _tracker_filter(assignee, status, period, timeliness, from_date, to_date, due_before, overdue, from_doc, text,
                        program)
    with _open(db) as store:
        p = _query(task_list, store, f, sort=sort, page=page, per_page=limit)
        if fmt == "json":
            order = {r.id: i for i, r in enumerate(p.rows)}
            full = sorted(_query(tasks, store, ids=[r.id for r in p.rows]), key=lambda t: order[t.id])
    if fmt == "json":
        extra = {r.id: r for r in p.rows}
        out = [{**_plain(t), "due_date": extra[t.id].due_date, "due_original": extra[t.id].due_original,
                "timeliness": extra[t.id].timeliness, "timeliness_label": extra[t.id].timeliness_label,
                "days_overdue": extra[t.id].days} for t in full]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    rows = [{"id": r.id, "due": r.due_date or (r.recurrence or ""), "status": r.status, "state": r.timeliness_label,
             "assignees": "; ".join(r.assignees), "coordinators": "; ".join(r.coordinators),
             "action": r.action or r.text, "document": r.document, "deadline": r.deadline_text} for r in p.rows]
    cols = ["id", "due", "status", "state", "assignees", "action", "document"]
    if fmt == "csv":
        click.echo(render(rows, [c for c in cols if c != "state"] + ["coordinators", "deadline", "state"], "csv"))
        return
    click.echo(render(rows, cols, "table", {"action": 60, "assignees": 30}) if rows else "no tasks")
    if limit:
        click.echo(f"page {p.page}/{p.pages} of {p.total} tasks", err=True)


@click.command("task")
@click.argument("task_id", type=int)
@db_option
@click.option("--status", help="New status: open, in_progress, done, cancelled, blocked (done needs --note).")
@click.option("--note", help="Why; closing as done needs it (the report, báo cáo kết quả). With --extend: the reason.")
@click.option("--report-ref", help="With --status done: the number of the reporting document.")
@click.option("--extend", "extend_to", metavar="DATE", help="Extend the due date (gia hạn) to DATE; --note is the reason.")
@click.option("--by", "by", default=lambda: os.environ.get("VANBAN_USER") or getpass.getuser(),
              show_default="login name", help="Who made the change.")
@format_option
def task_cmd(task_id, db, status, note, report_ref, extend_to, by, fmt):
    """Show a task with its history, change its status (--status), or extend its due date (--extend)."""
    from pipeline.queries import task
    from pipeline.tracker import extend, history, set_status

    with _open(db, write=bool(status or extend_to)) as store:
        if extend_to:
            _query(extend, store, task_id, extend_to, note or "", by=by)
        if status:
            _query(set_status, store, task_id, status, note=note, report_ref=report_ref, by=by)
        t = _query(task, store, task_id)
        hist = history(store, [task_id]).get(task_id, [])
        due = store.one("SELECT COALESCE(due_extended, due_date) AS due FROM tasks WHERE id = ?", (task_id,))["due"]
    if fmt == "json":
        click.echo(json.dumps({**_plain(t), "due_date": due, "due_original": t.due_date}, ensure_ascii=False,
                              indent=1, default=str))
        return
    rows = [{"at": h.at, "by": h.by, "change": h.text, "report": h.report_ref or ""} for h in hist]
    if fmt == "csv":
        click.echo(render(rows, ["at", "by", "change", "report"], "csv"))
        return
    click.echo(f"task #{t.id} [{t.status}{' OVERDUE' if t.overdue else ''}] due {due or '-'}"
               f"{f' (extended from {t.due_date})' if due != t.due_date else ''}  from #{t.document.id} {t.document.label}")
    click.echo(f"  assignees: {'; '.join(t.assignees) or '-'}")
    if t.coordinators:
        click.echo(f"  coordinators: {'; '.join(t.coordinators)}")
    click.echo(f"  {t.text}")
    if rows:
        click.echo(render(rows, ["at", "by", "change", "report"], "table"))


@click.command("correct")
@click.argument("doc")
@click.argument("field")
@click.argument("value")
@db_option
@click.option("--note")
@click.option("--by", "by", default=lambda: os.environ.get("VANBAN_USER") or getpass.getuser(),
              show_default="login name")
def correct_cmd(doc, field, value, db, note, by):
    """Correct a header field of a document by hand; kept across re-imports (FIELD: number, subject, issuer …)."""
    from pipeline.queries import find_document
    from pipeline.store.writer import CORRECTABLE, correct_field

    if field not in CORRECTABLE:
        raise click.BadParameter(f"one of: {', '.join(CORRECTABLE)}", param_hint="FIELD")
    with _open(db, write=True) as store:
        d = _query(find_document, store, doc)
        correct_field(store, d.id, field, value or None, by, note)
    click.echo(f"#{d.id}: {field} = {value!r}")


@click.command("export")
@db_option
@click.option("--table", "table", type=click.Choice(["documents", "tasks", "references", "budgets"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here (required for xlsx); default stdout.")
@tracker_options
def export_cmd(db, table, fmt, out, assignee, status, period, timeliness, from_date, to_date, due_before, overdue,
               from_doc, text, program, sort):
    """Export a table as CSV, JSON or an Excel workbook. With --table tasks and any tracker filter
    (--assignee, --period, --program, --text …): exactly the tasks `vanban tasks` lists with the same options, in the web
    tracker's export columns."""
    from pipeline.queries import Table, export_table

    filters = (assignee, status, period, timeliness, from_date, to_date, due_before, overdue, from_doc, text, program)
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE.xlsx")
    if table != "tasks" and (any(filters) or sort != "due"):
        raise click.UsageError("tracker filters apply to --table tasks only")
    with _open(db) as store:
        if table == "tasks" and any(filters):
            from pipeline.tracker import EXPORT_COLUMNS, EXPORT_HEADINGS, task_list

            p = _query(task_list, store, _tracker_filter(*filters), sort=sort, per_page=None)
            heads = [EXPORT_HEADINGS[c] for c in EXPORT_COLUMNS]
            t = Table("tasks", heads, [{EXPORT_HEADINGS[k]: v for k, v in r.export().items()} for r in p.rows])
        else:
            t = _query(export_table, store, table)
    if out:
        write_table(t, fmt, out)
        click.echo(f"{len(t.rows)} rows → {out}", err=True)
    else:
        click.echo(render(t.rows, t.columns, fmt))


def write_table(t, fmt: str, out: str | Path) -> None:
    """CSV with a BOM so Excel reads the accents; JSON; or an Excel workbook."""
    out = Path(out)
    if fmt == "csv":
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=t.columns, extrasaction="ignore")
            w.writeheader()
            w.writerows(t.rows)
    elif fmt == "json":
        out.write_text(json.dumps(t.rows, ensure_ascii=False, indent=1, default=str), "utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(t.name)
        ws.append(t.columns)
        for r in t.rows:
            ws.append([r.get(c) for c in t.columns])
        wb.save(out)
    else:
        raise ValueError(f"unknown format {fmt!r}")
