"""`vanban programs` and `vanban program KEY [merge|split|attach|detach]`: the program database.
Formatting only; the work is in pipeline.programs."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import click

from pipeline.cli_store import _open, _query, db_option, render


def register(main: click.Group) -> None:
    main.add_command(programs_cmd)
    main.add_command(program_cmd)


def _by():
    return click.option("--by", "by", default=lambda: os.environ.get("VANBAN_USER") or getpass.getuser(),
                        show_default="login name", help="Who made the change.")


def _money(v: int | None) -> str:
    if v is None:
        return ""
    s = f"{v / 1e9:,.3f}".rstrip("0").rstrip(".")
    return s.translate(str.maketrans(",.", ".,")) + " tỷ"


@click.command("programs")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def programs_cmd(db, fmt):
    """Programs (chương trình, kế hoạch, đề án): period, documents, open/overdue tasks, budget planned/spent."""
    from dataclasses import asdict

    from pipeline.programs import programs

    with _open(db) as store:
        rows = [asdict(p) for p in _query(programs, store)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    cols = ["key", "name", "period", "documents", "tasks_open", "tasks_overdue", "planned_vnd", "spent_vnd"]
    if fmt == "table":
        for r in rows:
            r["planned_vnd"], r["spent_vnd"] = _money(r["planned_vnd"] or None), _money(r["spent_vnd"] or None)
    click.echo(render(rows, cols, fmt, {"name": 50, "key": 45}) if rows else "no programs")


SHEETS = ("program", "documents", "tasks", "budget", "budget_lines", "indicators")


def _parts(rec) -> dict[str, tuple[list[str], list[dict]]]:
    from dataclasses import asdict

    from pipeline.programs import ROLE_NAMES, budget_table

    head = [{"field": k, "value": v} for k, v in (
        ("key", rec.key), ("name", rec.name), ("period", rec.period), ("scope", rec.scope),
        ("approving document", f"#{rec.approving.id} {rec.approving.label} ({rec.approving.issue_date or ''})"
         if rec.approving else rec.approved_by_key),
        *(("goal", g) for g in rec.goals))]
    docs = [{**asdict(d), "role_vi": ROLE_NAMES.get(d.role, d.role)} for d in rec.documents]
    return {
        "program": (["field", "value"], head),
        "documents": (["id", "label", "issue_date", "role", "role_vi", "source", "subject"], docs),
        "tasks": (["id", "agency", "status", "overdue", "due_date", "document_id", "text"], [asdict(t) for t in rec.tasks]),
        "budget": (["source", "period", "allocation_vnd", "actual_vnd", "percent"], budget_table(rec)),
        "budget_lines": (["document_id", "kind", "source", "year_from", "year_to", "amount_vnd", "part", "percent",
                          "plan_vnd", "text"], [asdict(b) for b in rec.budget]),
        "indicators": (["unit", "planned", "actual", "percent", "percent_ok", "year_from", "year_to", "document_id", "text"],
                       rec.indicators),
    }


def export_program(rec, out: str | Path) -> None:
    """One sheet per part (.xlsx) or the whole record as JSON (.json)."""
    out = Path(out)
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(rec.to_dict(), ensure_ascii=False, indent=1, default=str), "utf-8")
        return
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, (cols, rows) in _parts(rec).items():
        ws = wb.create_sheet(name)
        ws.append(cols)
        for r in rows:
            ws.append([r.get(c) if not isinstance(r.get(c), bool) else int(r.get(c)) for c in cols])
    wb.save(out)


def _show(rec) -> None:
    from pipeline.programs import ROLE_NAMES, tasks_by_agency

    click.echo(f"{rec.name}  [{rec.key}]")
    click.echo(f"  period: {rec.period or '-'}   scope: {rec.scope or '-'}")
    a = rec.approving
    approved = f"#{a.id} {a.label} ({a.issue_date or ''})" if a else rec.approved_by_key or "-"
    click.echo(f"  approved by: {approved}")
    for g in rec.goals:
        click.echo(f"  goal: {g[:150]}")
    click.echo("\ndocuments")
    click.echo(render([{"id": d.id, "document": d.label, "date": d.issue_date, "role": ROLE_NAMES.get(d.role, d.role)
                        + (" (by hand)" if d.source == "manual" else "")} for d in rec.documents],
                      ["id", "document", "date", "role"], "table", {"document": 40}))
    parts = _parts(rec)
    if rec.tasks:
        click.echo("\ntasks by agency")
        rows = [{"agency": a, **{k: str(v) for k, v in c.items()}} for a, c in tasks_by_agency(rec)]
        cols = ["agency"] + sorted({k for r in rows for k in r if k != "agency"})
        click.echo(render(rows, cols, "table", {"agency": 50}))
    if rec.budget:
        click.echo("\nbudget by source and period")
        rows = [{**r, "allocation": _money(r["allocation_vnd"]), "actual": _money(r["actual_vnd"]),
                 "% of plan": "" if r["percent"] is None else f"{r['percent']:g}%"} for r in parts["budget"][1]]
        click.echo(render(rows, ["source", "period", "allocation", "actual", "% of plan"], "table"))
        if rec.budget_note:
            click.echo(f"  ({rec.budget_note})")
    if rec.indicators:
        click.echo("\nindicators")
        click.echo(render(rec.indicators, ["unit", "planned", "actual", "percent", "year_from", "year_to", "text"], "table"))


class _ProgramGroup(click.Group):
    """`vanban program KEY` shows a program; `vanban program merge|split|attach|detach …` corrects one."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group("program", cls=_ProgramGroup)
def program_cmd():
    """One program's record (`vanban program KEY`), or a correction by hand that survives re-import:
    merge A B, split KEY NEWKEY DOC…, attach KEY DOC, detach KEY DOC."""


@program_cmd.command("show")
@click.argument("key")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--export", "export", type=click.Path(dir_okay=False), help="Write the record to FILE.xlsx or FILE.json.")
def show_cmd(key, db, fmt, export):
    """The whole record of program KEY (its key, a unique prefix of it, or words of its name)."""
    from pipeline.programs import program

    with _open(db) as store:
        rec = _query(program, store, key)
    if export:
        export_program(rec, export)
        click.echo(f"{rec.key} → {export}", err=True)
        return
    if fmt == "json":
        click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=1, default=str))
    else:
        _show(rec)


@program_cmd.command("merge")
@click.argument("into")
@click.argument("other")
@db_option
@_by()
@click.option("--note")
def merge_cmd(into, other, db, by, note):
    """Merge program OTHER into INTO (kept across re-imports)."""
    from pipeline.programs import merge

    with _open(db, write=True) as store:
        key = _query(merge, store, into, other, by=by, note=note)
    click.echo(f"{other} → {key}")


@program_cmd.command("split")
@click.argument("key")
@click.argument("new_key")
@click.argument("docs", nargs=-1, required=True)
@click.option("--name", help="The new program's name.")
@db_option
@_by()
@click.option("--note")
def split_cmd(key, new_key, docs, name, db, by, note):
    """Move documents DOCS (id, number or path) from program KEY to a new program NEW_KEY."""
    from pipeline.programs import split

    with _open(db, write=True) as store:
        nk = _query(split, store, key, new_key, list(docs), name=name, by=by, note=note)
    click.echo(f"{len(docs)} document(s) {key} → {nk}")


@program_cmd.command("attach")
@click.argument("key")
@click.argument("doc")
@click.option("--role", default="implements", show_default=True,
              type=click.Choice(["approves", "amends", "concludes", "reports", "implements", "mentions"]))
@db_option
@_by()
@click.option("--note")
def attach_cmd(key, doc, role, db, by, note):
    """Link document DOC (id, number or path) to program KEY by hand."""
    from pipeline.programs import attach

    with _open(db, write=True) as store:
        k, d = _query(attach, store, key, doc, role=role, by=by, note=note)
    click.echo(f"#{d} {role} {k}")


@program_cmd.command("detach")
@click.argument("key")
@click.argument("doc")
@db_option
@_by()
@click.option("--note")
def detach_cmd(key, doc, db, by, note):
    """Unlink document DOC from program KEY (kept across re-imports)."""
    from pipeline.programs import detach

    with _open(db, write=True) as store:
        k, d = _query(detach, store, key, doc, by=by, note=note)
    click.echo(f"#{d} no longer linked to {k}")
