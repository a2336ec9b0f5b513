"""Upload: signed-in staff drop files; each is checked, saved in the import
area under a generated name, then imported. One request per file from the
page's script gives per-file progress; the plain form posts them all at once."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, url_for

from pipeline.web.auth import login_required
from pipeline.web.uploads import ALLOWED, UploadRejected, check, save

bp = Blueprint("upload", __name__)


@dataclass
class Outcome:
    name: str
    ok: bool
    message: str
    doc_id: int | None = None
    url: str | None = None


def _one(storage) -> Outcome:
    name = storage.filename or ""
    cfg = current_app.config
    try:
        data = storage.stream.read(cfg["UPLOAD_MAX_BYTES"] + 1)
        checked = check(name, data, cfg["UPLOAD_MAX_BYTES"])
        path = save(checked, Path(cfg["IMPORT_DIR"]))
    except UploadRejected as e:
        return Outcome(name, False, str(e))
    res = current_app.extensions["vanban"].import_file(path)
    if res.doc_id is None:
        return Outcome(name, False, f"Không nhập được: {res.message}")
    return Outcome(name, True, res.message, res.doc_id, url_for("views.document", doc_id=res.doc_id))


@bp.route("/tai-len", methods=["GET", "POST"])
@login_required
def upload():
    outcomes: list[Outcome] = []
    if request.method == "POST":
        files = [f for f in request.files.getlist("files") if f and f.filename]
        outcomes = [_one(f) for f in files] or [Outcome("", False, "Chưa chọn tệp nào")]
        if request.accept_mimetypes.best == "application/json":
            status = 200 if all(o.ok for o in outcomes) else 422
            return {"results": [asdict(o) for o in outcomes]}, status
    return render_template("upload.html", outcomes=outcomes, allowed=sorted(ALLOWED),
                           max_mb=current_app.config["UPLOAD_MAX_BYTES"] // 2**20)
