"""JSON over the same data the pages show, described by /api/openapi.json."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, current_app, jsonify, request

from pipeline.web.models import STATUSES
from pipeline.web.openapi import SPEC

bp = Blueprint("api", __name__, url_prefix="/api")


def data():
    return current_app.extensions["vanban"]


def _int_arg(name: str, default: int | None = None, lo: int = 0, hi: int = 10**9) -> int | None:
    v = request.args.get(name)
    if v in (None, ""):
        return default
    try:
        return max(lo, min(hi, int(v)))
    except ValueError:
        abort(400, f"{name} must be an integer")


def _summary(s) -> dict:
    d = asdict(s)
    d["label"] = s.label
    return d


@bp.route("/search")
def search():
    limit = _int_arg("limit", 20, 1, 100)
    offset = _int_arg("offset", 0)
    hits, total = data().search(request.args.get("q", "")[:500], doc_type=request.args.get("type") or None,
                                issuer=request.args.get("issuer") or None, year=_int_arg("year"),
                                limit=limit, offset=offset)
    return jsonify({"total": total, "limit": limit, "offset": offset, "results": [_summary(h) for h in hits]})


@bp.route("/documents/<int:doc_id>")
def document(doc_id: int):
    d = data().document(doc_id)
    if d is None:
        abort(404)
    out = asdict(d)
    out["summary"]["label"] = d.summary.label
    out["text"] = d.text
    return jsonify(out)


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
                        doc_id=_int_arg("document"))
    t = today()
    return jsonify({"total": len(rows), "limit": limit, "offset": offset, "today": t.isoformat(),
                    "results": [asdict(r) | {"urgency": r.urgency(t)} for r in rows[offset:offset + limit]]})


@bp.route("/openapi.json")
def openapi():
    return jsonify(SPEC)


@bp.errorhandler(400)
@bp.errorhandler(404)
def _err(e):
    return jsonify({"error": getattr(e, "description", str(e))}), e.code
