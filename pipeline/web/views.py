"""The HTML pages: search, document, task tracker, dashboard."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from pipeline import queries
from pipeline.store.searchtext import search_words
from pipeline.web.auth import login_required, safe_next
from pipeline.web.highlight import Span, highlight
from pipeline.web.models import CLOSED, STATUSES, DocDetail, TaskRow
from pipeline.web.svg import Chart, Edge, Node, bar_chart, neighbourhood

bp = Blueprint("views", __name__)

PAGE = 20
DUE_FILTERS = {"": "Tất cả", "overdue": "Quá hạn", "soon": "Đến hạn trong 3 ngày", "none": "Không có hạn"}


def data():
    return current_app.extensions["vanban"]


def today() -> date:
    return current_app.config.get("TODAY") or date.today()


MAX_ID = 2**63 - 1  # what a database integer holds


def _int(v: str | None, lo: int = 0, hi: int = MAX_ID) -> int | None:
    """A query parameter as an integer in [lo, hi]; None when absent; 400 when it is not one (a year of
    25 digits would otherwise overflow the database driver)."""
    if v in (None, ""):
        return None
    v = v.strip()
    if not (v.isascii() and v.isdigit()) or len(v) > 19 or not lo <= int(v) <= hi:
        abort(400)
    return int(v)


@bp.route("/")
def search():
    q = request.args.get("q", "").strip()[:500]
    filters = {
        "doc_type": request.args.get("type") or None,
        "issuer": request.args.get("issuer") or None,
        "year": _int(request.args.get("year")),
    }
    page = max(1, _int(request.args.get("page")) or 1)
    every = request.args.get("all") == "1"
    result = None
    if search_words(q):  # ranked in the index; only the shown page's texts are read (pipeline.queries.search_page)
        try:
            result = queries.search_page(data().store, q, limit=PAGE, offset=(page - 1) * PAGE,
                                         match="all" if every else "auto", mark=("", ""), **filters)
        except queries.QueryError:
            result = None
    if result is not None:
        shown = data()._summaries([h.document.id for h in result.hits])
        hits = [replace(shown[h.document.id], snippet=h.snippet.strip("… "))
                for h in result.hits if h.document.id in shown]
        total, pages, exact = result.total, result.pages, result.exact
    else:
        hits, total = data().search(q, limit=PAGE, offset=(page - 1) * PAGE, **filters)
        pages, exact = max(1, -(-total // PAGE)), True
    return render_template("search.html", q=q, hits=hits, total=total, page=page, pages=pages, filters=filters,
                           facets=data().facets(), capped=not exact, result=result, every=every)


def _spans(d: DocDetail) -> list[Span]:
    spans = [Span("reference", r.start, r.end, f"ref-{r.id}", r.relation) for r in d.references]
    spans += [Span("task", t.start, t.end, f"task-{t.id}", "Nhiệm vụ: " + ", ".join(t.assignees)) for t in d.tasks]
    spans += [Span("deadline", x.start, x.end, f"dl-{x.id}", f"Thời hạn: {x.date or x.recurrence or ''}") for x in d.deadlines]
    spans += [Span("budget", b.start, b.end, f"bg-{b.id}", "Kinh phí") for b in d.budgets]
    return [s for s in spans if s.start is not None and s.end is not None]


def _ref_label(r) -> str:
    """"Nghị định 45/2012/NĐ-CP"; a law cited by name: "Luật Đầu tư"."""
    if r.number:
        return " ".join(x for x in (r.doc_type, r.number) if x)
    if r.title:
        t = r.title
        return t if not r.doc_type or t.lower().startswith(r.doc_type.lower()) else f"{r.doc_type} {t}"
    return r.text


def neighbourhood_svg(d: DocDetail):
    s = d.summary
    center = Node(s.label, s.issue_date or "", None, s.status)
    seen: set = set()
    cited = []
    for r in d.references:
        key = r.target_id or r.number or r.title or r.text
        if key in seen:
            continue
        seen.add(key)
        label = _ref_label(r)
        sub = r.date or (r.title if r.number else "") or ""
        href = url_for("views.document", doc_id=r.target_id) if r.target_id else None
        cited.append(Edge(Node(label, sub, href, r.target_status), r.relation))
    citing = [Edge(Node(c.doc.label, c.doc.issue_date or "", url_for("views.document", doc_id=c.doc.id), c.doc.status),
                   c.relation) for c in d.cited_by]
    return neighbourhood(center, cited[:30], citing[:30])


@bp.route("/van-ban/<int:doc_id>")
def document(doc_id: int):
    d = data().document(doc_id, staff=g.user is not None)
    if d is None:
        abort(404)
    groups: OrderedDict[str, list] = OrderedDict()
    for c in d.cited_by:
        groups.setdefault(c.relation, []).append(c.doc)
    return render_template("document.html", d=d, text=highlight(d.text, _spans(d)), cited_by=groups,
                           graph=neighbourhood_svg(d), statuses=STATUSES, today=today())


@bp.route("/nhiem-vu")
def tasks():
    f = {
        "assignee": request.args.get("assignee") or None,
        "status": request.args.get("status") if request.args.get("status") in STATUSES else None,
        "due": request.args.get("due") if request.args.get("due") in DUE_FILTERS else None,
        "doc_id": _int(request.args.get("doc"), 1),
    }
    rows = data().tasks(today=today(), staff=g.user is not None, **f)
    return render_template("tasks.html", rows=rows, f=f, statuses=STATUSES, due_filters=DUE_FILTERS,
                           assignees=data().assignees(), today=today(), per_body=_per_body(rows, today()))


@dataclass
class BodyLoad:
    name: str
    total: int = 0
    overdue: int = 0
    soon: int = 0
    closed: int = 0


def _per_body(rows: list[TaskRow], t: date) -> list[BodyLoad]:
    """What each assignee holds of the listed tasks, most overdue first."""
    loads: dict[str, BodyLoad] = {}
    for r in rows:
        u = r.urgency(t)
        for name in r.assignees or ["(chưa rõ cơ quan)"]:
            b = loads.setdefault(name, BodyLoad(name))
            b.total += 1
            b.overdue += u == "overdue"
            b.soon += u == "soon"
            b.closed += r.status in CLOSED
    return sorted(loads.values(), key=lambda b: (-b.overdue, -b.soon, -(b.total - b.closed), b.name))


def _back(default: str):
    target = request.form.get("next") or ""
    return redirect(safe_next(target) if target else default)


@bp.route("/nhiem-vu/<int:task_id>/trang-thai", methods=["POST"])
@login_required
def task_status(task_id: int):
    status = request.form.get("status", "")
    if status not in STATUSES:
        abort(400)
    note = request.form.get("note", "").strip()[:2000] or None
    if not data().set_task_status(task_id, status, g.user, note):
        abort(404)
    flash(f"Đã cập nhật nhiệm vụ #{task_id}: {STATUSES[status]}.", "info")
    return _back(url_for("views.tasks"))


@bp.route("/nhiem-vu/<int:task_id>/ghi-chu", methods=["POST"])
@login_required
def task_note(task_id: int):
    text = request.form.get("note", "").strip()[:2000]
    if not text:
        flash("Ghi chú trống.", "warn")
    elif not data().add_task_note(task_id, g.user, text):
        abort(404)
    else:
        flash(f"Đã thêm ghi chú cho nhiệm vụ #{task_id}.", "info")
    return _back(url_for("views.tasks"))


STATUS_COLOURS = {"open": "#2b6cb0", "in_progress": "#dd6b20", "blocked": "#c53030", "done": "#38a169",
                  "cancelled": "#a0aec0"}


@bp.route("/thong-ke")
def dashboard():
    st = data().task_stats()
    colours = {STATUSES[k]: c for k, c in STATUS_COLOURS.items()}

    def by_status(rows):
        return {STATUSES[s]: [c.get(s, 0) for _, c in rows] for s in STATUSES if any(c.get(s) for _, c in rows)}

    by_agency = Chart("Nhiệm vụ theo cơ quan được giao và trạng thái", [a for a, _ in st.by_agency],
                      by_status(st.by_agency), "nhiệm vụ", colours)
    by_month = Chart("Nhiệm vụ theo tháng đến hạn", [m for m, _ in st.by_month], by_status(st.by_month), "nhiệm vụ",
                     colours)
    bs = data().budget_stats()
    years = sorted({y for _, per in bs for y in per})
    budget = Chart("Kinh phí theo nguồn và năm ban hành (tỷ đồng)", [s for s, _ in bs],
                   {y: [per.get(y, 0) / 1e9 for _, per in bs] for y in years}, "tỷ đồng")
    return render_template("dashboard.html", charts=[(c.title, bar_chart(c)) for c in (by_agency, by_month, budget)])
