"""Upload: signed-in staff drop files; each is checked, saved in the import
area under a generated name, and queued for the background importer
(`pipeline.web.jobs`): the answer comes at once with a job to follow, the
import never runs inside the request. One request per file from the page's
script gives per-file progress; the plain form posts them all at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, g, render_template, request, url_for

from pipeline.web.auth import login_required
from pipeline.web.jobs import add_job, get_job, recent_jobs
from pipeline.web.uploads import ALLOWED, UploadRejected, check, save

bp = Blueprint("upload", __name__)


@dataclass
class Outcome:
    name: str
    ok: bool
    message: str
    job: int | None = None
    status_url: str | None = None  # JSON status of the job
    page_url: str | None = None  # the job's page


def _data():
    return current_app.extensions["vanban"]


def _one(storage) -> Outcome:
    name = storage.filename or ""
    cfg = current_app.config
    try:
        data = storage.stream.read(cfg["UPLOAD_MAX_BYTES"] + 1)
        checked = check(name, data, cfg["UPLOAD_MAX_BYTES"])
        path = save(checked, Path(cfg["IMPORT_DIR"]))
    except UploadRejected as e:
        return Outcome(name, False, str(e))
    job = add_job(_data().store, checked.original_name, str(path), g.user)
    current_app.extensions["vanban_jobs"].wake()
    return Outcome(name, True, "Đã nhận, đang chờ nhập", job, url_for("api.job", job_id=job),
                   url_for("upload.job", job_id=job))


@bp.route("/tai-len", methods=["GET", "POST"])
@login_required
def upload():
    outcomes: list[Outcome] = []
    if request.method == "POST":
        files = [f for f in request.files.getlist("files") if f and f.filename]
        outcomes = [_one(f) for f in files] or [Outcome("", False, "Chưa chọn tệp nào")]
        if request.accept_mimetypes.best == "application/json":
            status = 202 if all(o.ok for o in outcomes) else 422
            return {"results": [asdict(o) for o in outcomes]}, status
    return render_template("upload.html", outcomes=outcomes, allowed=sorted(ALLOWED),
                           max_mb=current_app.config["UPLOAD_MAX_BYTES"] // 2**20)


@bp.route("/tai-len/viec")
@login_required
def jobs():
    rows = recent_jobs(_data().store)
    return render_template("jobs.html", jobs=rows, refresh=any(j.pending for j in rows))


@bp.route("/tai-len/viec/<int:job_id>")
@login_required
def job(job_id: int):
    j = get_job(_data().store, job_id)
    if j is None:
        abort(404)
    return render_template("jobs.html", jobs=[j], refresh=j.pending, one=True)
