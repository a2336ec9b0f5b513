"""Program pages: the list, and one program with plan against actual by year and source, its documents and tasks."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from pipeline import programs as prog
from pipeline.queries import QueryError
from pipeline.web.svg import Chart, bar_chart

bp = Blueprint("programs", __name__)


def _store():
    return current_app.extensions["vanban"].store


def _today() -> str | None:
    t = current_app.config.get("TODAY")
    return t.isoformat() if t else None


def plan_actual_chart(rec: prog.ProgramRecord) -> Chart:
    """One row per source and period ("Trung ương (KCQG) · 2013–2015"), a bar for the allocation and one
    for the actual, in tỷ đồng; totals whose components are listed are left out, statistics never come in."""
    rows = prog.budget_table(rec)
    cats = [f"{r['source']} · {r['period']}" for r in rows]
    return Chart("Kế hoạch và thực hiện theo nguồn và giai đoạn (tỷ đồng)", cats,
                 {"Kế hoạch (phân bổ)": [(r["allocation_vnd"] or 0) / 1e9 for r in rows],
                  "Thực hiện": [(r["actual_vnd"] or 0) / 1e9 for r in rows]},
                 "tỷ đồng", {"Kế hoạch (phân bổ)": "#2b6cb0", "Thực hiện": "#38a169"})


def approvals(store) -> dict[str, dict]:
    """Each program's approving document {id, label}, where the archive holds it: the one recorded as
    approving it, else the stored document its approving citation names."""
    out: dict[str, dict] = {}
    for r in store.query("SELECT p.key, d.id, d.doc_type, d.number FROM programs p JOIN documents d "
                         "ON d.id = p.approving_document_id"):
        out[r["key"]] = r
    for r in store.query("SELECT p.key, d.id, d.doc_type, d.number FROM programs p JOIN document_keys k "
                         "ON k.key = p.approved_by_key JOIN documents d ON d.id = k.document_id "
                         "WHERE p.approving_document_id IS NULL ORDER BY k.alias"):
        out.setdefault(r["key"], r)
    return {k: {"id": r["id"], "label": " ".join(x for x in (r["doc_type"], r["number"]) if x) or f"#{r['id']}"}
            for k, r in out.items()}


@bp.route("/programs")
def program_list():
    try:
        rows = prog.programs(_store(), _today())
        approved = approvals(_store())
    except QueryError:
        rows, approved = [], {}
    return render_template("programs.html", rows=rows, approved=approved)


@bp.route("/programs/<key>")
def program_page(key: str):
    if len(key) > 200:
        abort(404)
    try:
        rec = prog.program(_store(), key, _today())
    except QueryError:
        abort(404)
    chart = plan_actual_chart(rec)
    return render_template("program.html", p=rec, chart=bar_chart(chart), chart_narrow=bar_chart(chart, narrow=True),
                           chart_title=chart.title,
                           roles=prog.ROLE_NAMES, by_agency=prog.tasks_by_agency(rec), budget=prog.budget_table(rec))
