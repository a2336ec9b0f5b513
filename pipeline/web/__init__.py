"""The staff web application: `create_app(db=...)` returns a Flask app.

Server-rendered pages (Jinja2, Vietnamese), a read-only JSON API, sign-in
for anything that writes. Every form carries a CSRF token (Flask-WTF); every
page forbids inline script and foreign origins through its CSP header.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from pipeline.web.textfold import mark_terms

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _vndate(iso: str | None) -> str:
    """2016-08-03 → 03/08/2016 (what staff write)."""
    if not iso or len(iso) < 10 or iso[4] != "-":
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _vnd(amount: int | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,}".replace(",", ".") + " đồng"


def create_app(db: str | None = None, *, import_dir: str | Path | None = None, private: bool = False,
               secret_key: str | None = None, **config) -> Flask:
    from pipeline.web import api, auth, upload, views
    from pipeline.web.data import WebData

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or os.environ.get("VANBAN_SECRET_KEY") or secrets.token_hex(32),
        VANBAN_DB=db,
        IMPORT_DIR=str(Path(import_dir or os.environ.get("VANBAN_IMPORT_DIR") or "vanban-imports").resolve()),
        PRIVATE=private,
        UPLOAD_MAX_BYTES=25 * 2**20,
        MAX_CONTENT_LENGTH=110 * 2**20,
        SESSION_MAX_AGE=8 * 3600,  # signed in at most a working day
        SESSION_IDLE=3600,  # or an hour without a request
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="vanban_session",
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    CSRFProtect(app)
    app.extensions["vanban"] = WebData(db)
    app.extensions["vanban_throttle"] = auth.Throttle(app.config.get("LOGIN_FAILURES", 5))
    app.teardown_appcontext(app.extensions["vanban"].close_request)

    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(upload.bp)
    app.register_blueprint(api.bp)

    app.jinja_env.filters["vndate"] = _vndate
    app.jinja_env.filters["vnd"] = _vnd
    app.jinja_env.filters["mark"] = lambda text, q: mark_terms(text or "", q) if q else Markup.escape(text or "")

    @app.before_request
    def _gate():
        auth.load_user()
        if app.config["PRIVATE"] and g.user is None and request.endpoint not in ("auth.login", "static"):
            return auth.login_required(lambda: None)()
        return None

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        if g.get("user"):
            resp.headers.setdefault("Cache-Control", "private, no-store")
        return resp

    @app.errorhandler(CSRFError)
    def _csrf(e):
        if request.accept_mimetypes.best == "application/json":
            return {"error": "Phiên làm việc hết hạn hoặc yêu cầu không hợp lệ (CSRF)."}, 400
        return render_template("error.html", code=400,
                               message="Yêu cầu không hợp lệ (thiếu hoặc sai mã CSRF). Hãy tải lại trang."), 400

    @app.errorhandler(HTTPException)
    def _http(e):
        if request.path.startswith("/api/"):
            return {"error": e.description}, e.code
        messages = {404: "Không tìm thấy", 403: "Không có quyền", 413: "Tệp quá lớn", 400: "Yêu cầu không hợp lệ",
                    405: "Phương thức không được phép", 401: "Cần đăng nhập", 429: "Quá nhiều yêu cầu"}
        return render_template("error.html", code=e.code, message=messages.get(e.code, e.name)), e.code

    return app
