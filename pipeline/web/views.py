"""The HTML pages: search, document, task tracker, dashboard."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from pipeline import programs, queries, tracker
from pipeline.store.searchtext import search_words
from pipeline.web.auth import login_required, safe_next
from pipeline.web.highlight import Span, highlight
from pipeline.web.models import STATUSES, DocDetail
from pipeline.web.svg import Chart, Edge, Node, bar_chart, neighbourhood

bp = Blueprint("views", __name__)

PAGE = 20
DUE_FILTERS = {"": "Tất cả", "overdue": "Quá hạn", "soon": "Đến hạn trong 3 ngày", "none": "Không có hạn"}


def data():
    return current_app.extensions["vanban"]


def today() -> date:
    """The Vietnamese calendar's today (Asia/Ho_Chi_Minh), unless the app is configured with one (tests)."""
    return current_app.config.get("TODAY") or tracker.vn_today()


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
        "program": (request.args.get("program") or "").strip()[:200] or None,
    }
    page = max(1, _int(request.args.get("page")) or 1)
    every = request.args.get("all") == "1"
    progs = programs.choices(data().store)
    if filters["program"]:
        try:  # a key, a unique prefix or words of a program's name (as `vanban program`)
            queries.resolve_program(data().store, filters["program"])
        except queries.QueryError as e:
            flash(f"Bộ lọc không hợp lệ: {e}", "warn")
            return render_template("search.html", q=q, hits=[], total=0, page=1, pages=1, filters=filters,
                                   facets=data().facets(), capped=False, result=None, every=every,
                                   programs=progs), 400
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
                           facets=data().facets(), capped=not exact, result=result, every=every, programs=progs)


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
        href = url_for("views.document", doc_id=r.target_id) if r.target_id else url_for("views.cited", ref_id=r.id)
        cited.append(Edge(Node(label, sub, href, r.target_status), r.relation))
    citing = [Edge(Node(c.doc.label, c.doc.issue_date or "", url_for("views.document", doc_id=c.doc.id), c.doc.status),
                   c.relation) for c in d.cited_by]
    return neighbourhood(center, cited[:30], citing[:30])


VALIDITY = {"thay thế": "Bị thay thế bởi", "bãi bỏ": "Bị bãi bỏ bởi", "sửa đổi": "Được sửa đổi, bổ sung bởi"}


def validity(d: DocDetail) -> tuple[str, list[tuple[str, list]]]:
    """("valid" | "ended" | "amended", [(phrase, documents)]) as far as the archive's references tell."""
    by: dict[str, list] = {}
    for c in d.cited_by:
        if c.relation in VALIDITY and c.doc not in by.get(c.relation, []):
            by.setdefault(c.relation, []).append(c.doc)
    parts = [(VALIDITY[rel], docs) for rel, docs in by.items()]
    if "thay thế" in by or "bãi bỏ" in by:
        return "ended", parts
    return ("amended" if by else "valid"), parts


@bp.route("/van-ban/<int:doc_id>")
def document(doc_id: int):
    d = data().document(doc_id, staff=g.user is not None)
    if d is None:
        abort(404)
    groups: OrderedDict[str, list] = OrderedDict()
    for c in d.cited_by:
        groups.setdefault(c.relation, []).append(c.doc)
    spans = _spans(d) + [Span("header", a, b, "hdr-" + str(i), label)
                         for i, (label, (a, b)) in enumerate(d.header_spans.items())]
    anchors = {label: "hdr-" + str(i) for i, label in enumerate(d.header_spans)}
    state, parts = validity(d)
    return render_template("document.html", d=d, text=highlight(d.text, spans), cited_by=groups,
                           graph=neighbourhood_svg(d), statuses=STATUSES, today=today(), anchors=anchors,
                           validity=state, validity_parts=parts)


@bp.route("/van-ban/<int:doc_id>/tep/<int:file_id>")
def document_file(doc_id: int, file_id: int):
    """An original file of the document, as an attachment. Only a file the store lists for this document
    (by its row id, never a path from the request) and only a regular file."""
    from pathlib import Path

    from flask import send_file

    f = next((x for x in data().files(doc_id) if x.id == file_id), None)
    path = data().file_path(doc_id, file_id) if f else None
    if f is None or path is None or not Path(path).is_file():
        abort(404)
    return send_file(Path(path), as_attachment=True, download_name=f.name, max_age=0)


@bp.route("/trich-dan/<int:ref_id>")
def cited(ref_id: int):
    """What a reference cites: its document when the archive holds it, else a page of who cites it and how."""
    found = data().cited_page(ref_id)
    if found is None:
        abort(404)
    ref, c = found
    target = ref.target_id or (c.cited.id if c.cited else None)
    if target:
        return redirect(url_for("views.document", doc_id=target))
    shown = data()._summaries([x.document.id for x in c.citations])
    groups: OrderedDict[str, list] = OrderedDict()
    for x in sorted(c.citations, key=lambda x: queries.RELATIONS.index(x.relation)
                    if x.relation in queries.RELATIONS else 99):
        if x.document.id in shown:
            groups.setdefault(x.relation, []).append((shown[x.document.id], x))
    return render_template("cited.html", ref=ref, label=_ref_label(ref), groups=groups,
                           total=sum(len(v) for v in groups.values()))


PER_PAGE = (20, 50, 100)


def _tracker_args() -> tuple[tracker.TrackerFilter, str, int, int]:
    """The tracker's filters from the query string. No agency named (the parameter absent, not empty):
    the signed-in user's unit."""
    a = request.args
    agency = a.get("agency", a.get("assignee"))
    if agency is None and g.user:
        agency = tracker.user_unit(data().store, g.user)
    period = a.get("period") or a.get("due") or ""
    status = a.get("status") or None
    tl = a.get("tl") or None
    f = tracker.TrackerFilter(
        agency=(agency or "").strip()[:300] or None,
        status=status if status in STATUSES or status == "active" else None,
        timeliness=tl if tl in tracker.TIMELINESS else None,
        period=period if period in tracker.PERIODS else None,
        due_from=a.get("from") or None, due_to=a.get("to") or None,
        doc=_int(a.get("doc"), 1), text=(a.get("q") or "").strip()[:200] or None,
        program=(a.get("program") or "").strip()[:200] or None)
    sort = a.get("sort") if a.get("sort") in tracker.SORTS else "due"
    per = _int(a.get("n")) or 50
    return f, sort, max(1, _int(a.get("page")) or 1), per if per in PER_PAGE else 50


def _tracker_page(f, sort, page, per):
    try:
        return tracker.task_list(data().store, f, sort=sort, page=page, per_page=per, today=today()), None
    except queries.QueryError as e:
        return tracker.TrackerPage([], 0, 1, per, [], []), str(e)


@bp.route("/nhiem-vu")
def tasks():
    f, sort, page, per = _tracker_args()
    result, error = _tracker_page(f, sort, page, per)
    if error:
        flash(f"Bộ lọc không hợp lệ: {error}", "warn")
    store = data().store
    hist = tracker.history(store, [r.id for r in result.rows]) if g.user else {}
    args = {k: v for k, v in request.args.items() if k not in ("page",)}
    if "agency" not in args and f.agency:
        args["agency"] = f.agency
    return render_template("tasks.html", result=result, f=f, sort=sort, per=per, args=args, history=hist,
                           statuses=STATUSES, periods=tracker.PERIODS, sorts=tracker.SORTS,
                           timeliness=tracker.TIMELINESS, per_page=PER_PAGE, agencies=tracker.agencies(store),
                           programs=programs.choices(store),
                           unit=tracker.user_unit(store, g.user) if g.user else None, today=today(),
                           per_body=tracker.per_agency(store, result.ids, today())[:15], now=tracker.vn_now())


@bp.route("/nhiem-vu/xuat.<fmt>")
def tasks_export(fmt: str):
    """Exactly the filtered list (every page of it), as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    f, sort, _page, _per = _tracker_args()
    result, error = _tracker_page(f, sort, 1, None)
    if error:
        abort(400)
    body = tracker.export_bytes(result.rows, fmt)
    stamp = tracker.vn_now().strftime("%Y%m%d-%H%M")
    mime = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="nhiem-vu-{stamp}.{fmt}"', "X-Total-Count": str(result.total)})


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
    ref = request.form.get("report_ref", "").strip()[:200] or None
    if data().store.one("SELECT id FROM tasks WHERE id = ?", (task_id,)) is None:
        abort(404)
    try:
        tracker.set_status(data().store, task_id, status, note=note, report_ref=ref, by=g.user)
    except queries.QueryError:
        flash(f"Nhiệm vụ #{task_id}: cần ghi báo cáo kết quả để đóng nhiệm vụ.", "error")
        return _back(url_for("views.tasks"))
    flash(f"Đã cập nhật nhiệm vụ #{task_id}: {STATUSES[status]}.", "info")
    return _back(url_for("views.tasks"))


@bp.route("/nhiem-vu/<int:task_id>/gia-han", methods=["POST"])
@login_required
def task_extend(task_id: int):
    if data().store.one("SELECT id FROM tasks WHERE id = ?", (task_id,)) is None:
        abort(404)
    try:
        r = tracker.extend(data().store, task_id, request.form.get("due", ""), request.form.get("reason", "")[:2000],
                           by=g.user)
    except queries.QueryError as e:
        flash(f"Không gia hạn được nhiệm vụ #{task_id}: {_extend_error(str(e))}", "error")
        return _back(url_for("views.tasks"))
    flash(f"Đã gia hạn nhiệm vụ #{task_id} đến {r.due_date[8:10]}/{r.due_date[5:7]}/{r.due_date[:4]}.", "info")
    return _back(url_for("views.tasks"))


def _extend_error(msg: str) -> str:
    if "reason" in msg:
        return "cần ghi lý do gia hạn."
    if "after" in msg:
        return "hạn mới phải sau hạn hiện tại."
    if "closed" in msg:
        return "nhiệm vụ đã đóng."
    return "ngày không hợp lệ (dd/mm/yyyy)."


@bp.route("/tai-khoan/don-vi", methods=["POST"])
@login_required
def my_unit():
    unit = request.form.get("unit", "").strip()[:300]
    tracker.set_user_unit(data().store, g.user, unit or None)
    flash(f"Đơn vị của bạn: {unit}." if unit else "Đã bỏ đơn vị mặc định.", "info")
    return redirect(url_for("views.tasks", agency=unit) if unit else url_for("views.tasks", agency=""))


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
    return render_template("dashboard.html", charts=[(c.title, bar_chart(c), bar_chart(c, narrow=True))
                                                     for c in (by_agency, by_month, budget)])
