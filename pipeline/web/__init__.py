"""The staff web application: `create_app(db=...)` returns a Flask app.

Server-rendered pages (Jinja2, Vietnamese), a read-only JSON API, sign-in
for anything that writes. Every form carries a CSRF token (Flask-WTF); every
page forbids inline script and foreign origins through its CSP header.

The session secret is `secret_key`, else `VANBAN_SECRET_KEY`, else a key
generated once into a file (mode 0600) beside the SQLite database (or in the
import directory for PostgreSQL) that every server process and restart reads:
sessions survive restarts and several worker processes agree. `vanban serve`
(pipeline/cli_web.py) runs the app under waitress; `pipeline.web.wsgi:app`
serves it under any WSGI server.
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
from werkzeug.routing import IntegerConverter

from pipeline.web.highlight import mark_terms

MAX_ID = 2**63 - 1
SECRET_FILE_NAME = ".vanban-secret-key"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _vndate(iso: str | None) -> str:
    """2016-08-03 → 03/08/2016 (what staff write)."""
    if not iso or len(iso) < 10 or iso[4] != "-":
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def _vntime(iso: str | None) -> str:
    """A stored UTC timestamp in Vietnam time, as staff read it: "06/12/2026 21:14"."""
    from pipeline.tracker import vn_time

    return vn_time(iso) or ""


def _vnd(amount: int | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,}".replace(",", ".") + " đồng"


class _Id(IntegerConverter):
    """`<int:...>` in routes: a database id, so at most 2**63-1 (larger is 404, not an overflow)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def secret_file_for(db: str | None, import_dir: Path) -> Path:
    """Where the generated session secret lives: beside the SQLite file, else in the import directory."""
    from pipeline.store import parse_db_url

    url = parse_db_url(db)
    if url.dialect == "sqlite" and url.target:
        p = Path(url.target).resolve()
        return p.with_name(p.name + ".secret-key")
    return import_dir / SECRET_FILE_NAME


def persistent_secret(path: Path) -> str:
    """The key in `path`, generated there first (mode 0600) when there is none. Two processes starting
    at once agree: the key is written to a private temporary file and linked into place, which only one
    of them can do; the other reads the winner's key."""
    def read() -> str | None:
        try:
            key = path.read_text("ascii").strip()
        except FileNotFoundError:
            return None
        if path.stat().st_mode & 0o077:
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass
        return key or None

    key = read()
    if key:
        return key
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise RuntimeError(f"cannot create the session secret {path} ({e.strerror}); "
                           "set VANBAN_SECRET_KEY instead") from None
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    key = read()
    if not key:
        raise RuntimeError(f"cannot read the session secret in {path}")
    return key


def create_app(db: str | None = None, *, import_dir: str | Path | None = None, private: bool = False,
               secret_key: str | None = None, secure_cookies: bool = False, proxies: int = 0,
               **config) -> Flask:
    """The application over the database `db` (path or URL; default `VANBAN_DB`, else vanban.db).

    `private`: sign-in needed to read too. `secure_cookies`: HTTPS only (Secure, __Host- cookie, HSTS).
    `proxies`: how many reverse proxies in front set X-Forwarded-For/-Proto/-Host (the client's address
    is what sign-in throttling counts)."""
    from pipeline.web import api, auth, programs, upload, views
    from pipeline.web.data import WebData
    from pipeline.web.jobs import JobRunner

    db = db or os.environ.get("VANBAN_DB") or None
    imports = Path(import_dir or os.environ.get("VANBAN_IMPORT_DIR") or "vanban-imports").resolve()
    app = Flask(__name__)
    app.url_map.converters["int"] = _Id
    app.config.update(
        SECRET_KEY=secret_key or os.environ.get("VANBAN_SECRET_KEY") or persistent_secret(secret_file_for(db, imports)),
        VANBAN_DB=db,
        IMPORT_DIR=str(imports),
        PRIVATE=private,
        SECURE_COOKIES=secure_cookies,
        PROXIES=proxies,
        IMPORT_TIMEOUT=600.0,  # seconds for one uploaded file (OCR of a long scan included)
        IMPORT_MEMORY_LIMIT=3 * 2**30,  # address space of the process that imports one upload
        UPLOAD_MAX_BYTES=25 * 2**20,
        MAX_CONTENT_LENGTH=110 * 2**20,
        SESSION_MAX_AGE=8 * 3600,  # signed in at most a working day
        SESSION_IDLE=3600,  # or an hour without a request
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="__Host-vanban_session" if secure_cookies else "vanban_session",
        SESSION_COOKIE_SECURE=secure_cookies,
        DEVICE_COOKIE_NAME="__Host-vanban_device" if secure_cookies else "vanban_device",
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    CSRFProtect(app)
    app.extensions["vanban"] = WebData(db)
    app.extensions["vanban_throttle"] = auth.Throttle(
        pair_free=app.config.get("LOGIN_FAILURES", 5), address_budget=app.config.get("LOGIN_ADDRESS_BUDGET", 20),
        account_free=app.config.get("LOGIN_ACCOUNT_FAILURES", 10), base=app.config.get("LOGIN_DELAY", 30.0))
    app.extensions["vanban_jobs"] = JobRunner(db, timeout=app.config["IMPORT_TIMEOUT"],
                                              memory_limit=app.config["IMPORT_MEMORY_LIMIT"])
    app.teardown_appcontext(app.extensions["vanban"].close_request)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(upload.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(programs.bp)

    app.jinja_env.filters["vndate"] = _vndate
    app.jinja_env.filters["vntime"] = _vntime
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
        if app.config["SECURE_COOKIES"]:
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
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
