"""JSON over the same data the pages show, described by /api/openapi.json."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for

from pipeline.web.auth import login_required
from pipeline.web.models import STATUSES, DocSummary
from pipeline.web.openapi import SPEC

bp = Blueprint("api", __name__, url_prefix="/api")


def data():
    return current_app.extensions["vanban"]


def _int_arg(name: str, default: int | None = None, lo: int = 0, hi: int = 10**9) -> int | None:
    v = request.args.get(name)
    if v in (None, ""):
        return default
    v = v.strip()
    if not (v.lstrip("-").isascii() and v.lstrip("-").isdigit()) or len(v) > 40:
        abort(400, f"{name} must be an integer")
    return max(lo, min(hi, int(v)))


def _json(o):
    """Records as JSON: a document summary shows its label and file name, never the server's path."""
    if isinstance(o, DocSummary):
        return {"id": o.id, "doc_type": o.doc_type, "number": o.number, "issue_date": o.issue_date,
                "issuer": o.issuer, "subject": o.subject, "status": o.status, "snippet": o.snippet,
                "file_name": o.file_name, "label": o.label}
    if is_dataclass(o):
        return {f.name: _json(getattr(o, f.name)) for f in fields(o)}
    if isinstance(o, list | tuple):
        return [_json(x) for x in o]
    if isinstance(o, dict):
        return {k: _json(v) for k, v in o.items()}
    return o



@bp.route("/search")
def search():
    limit = _int_arg("limit", 20, 1, 100)
    offset = _int_arg("offset", 0)
    hits, total = data().search(request.args.get("q", "")[:500], doc_type=request.args.get("type") or None,
                                issuer=request.args.get("issuer") or None, year=_int_arg("year"),
                                limit=limit, offset=offset)
    return jsonify({"total": total, "limit": limit, "offset": offset, "results": [_json(h) for h in hits]})


@bp.route("/documents/<int:doc_id>")
def document(doc_id: int):
    d = data().document(doc_id, staff=g.user is not None)
    if d is None:
        abort(404)
    return jsonify(_json(d))


@bp.route("/tasks")
def tasks():
    from pipeline.web.views import today

    status = request.args.get("status") or None
    if status and status not in STATUSES:
        abort(400, "status must be one of " + ", ".join(STATUSES))
    due = request.args.get("due") or None
    if due and due not in ("overdue", "soon", "none"):
        abort(400, "due must be overdue, soon or none")
    limit = _int_arg("limit", 500, 1, 5000)
    offset = _int_arg("offset", 0)
    rows = data().tasks(today=today(), assignee=request.args.get("assignee") or None, status=status, due=due,
                        doc_id=_int_arg("document"), staff=g.user is not None)
    t = today()
    return jsonify({"total": len(rows), "limit": limit, "offset": offset, "today": t.isoformat(),
                    "results": [_json(r) | {"urgency": r.urgency(t)} for r in rows[offset:offset + limit]]})


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    """An upload's import job: queued, running, done (with the document) or failed (with the reason)."""
    from pipeline.web.jobs import get_job

    j = get_job(data().store, job_id)
    if j is None:
        abort(404)
    return jsonify({"id": j.id, "file_name": j.file_name, "status": j.status, "status_text": j.status_text,
                    "message": j.message, "document_id": j.document_id,
                    "url": url_for("views.document", doc_id=j.document_id) if j.document_id else None,
                    "submitted_by": j.submitted_by, "submitted_at": j.submitted_at, "finished_at": j.finished_at})


@bp.route("/openapi.json")
def openapi():
    return jsonify(SPEC)


@bp.errorhandler(400)
@bp.errorhandler(404)
def _err(e):
    return jsonify({"error": getattr(e, "description", str(e))}), e.code
