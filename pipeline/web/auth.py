"""Staff sign-in: hashed passwords, sessions that expire on the server side.

A Flask session cookie is signed, not stored, so its lifetime must be checked
by the server: the session records when it was signed in and last used, and
is dropped once either is too old, whatever the browser keeps.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from functools import wraps

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt with a random salt


def verify_password(stored_hash: str, password: str) -> bool:
    return check_password_hash(stored_hash, password)


def load_user() -> None:
    """Before each request: `g.user` is the signed-in name, or None once the session has expired."""
    g.user = None
    name = session.get("user")
    if not name:
        return
    now = time.time()
    cfg = current_app.config
    if now - session.get("login_at", 0) > cfg["SESSION_MAX_AGE"] or now - session.get("seen_at", 0) > cfg["SESSION_IDLE"]:
        session.clear()
        return
    session["seen_at"] = now
    g.user = name


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
                return {"error": "Cần đăng nhập"}, 401
            flash("Vui lòng đăng nhập để tiếp tục.", "warn")
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else request.referrer))
        return view(*args, **kwargs)

    return wrapped


class Throttle:
    """Refuses sign-in after `limit` failures for one name from one address within `window` seconds:
    guessing passwords through the form becomes slow. In memory: one server process."""

    def __init__(self, limit: int = 5, window: float = 300.0):
        self.limit, self.window = limit, window
        self._fails: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._fails[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return len(self._recent(key, time.time())) >= self.limit

    def fail(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._recent(key, time.time()).append(time.time())

    def clear(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._fails.pop(key, None)


def safe_next(target: str | None) -> str:
    """Only local paths: an attacker's link must not bounce a user off-site after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("views.search")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    data = current_app.extensions["vanban"]
    if request.method == "POST":
        name = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")
        key = (request.remote_addr or "", name.casefold())
        throttle: Throttle = current_app.extensions["vanban_throttle"]
        if throttle.blocked(key):
            flash("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.", "error")
            return render_template("login.html", next=request.form.get("next", "")), 429
        stored = data.user_hash(name) if name else None
        if stored and verify_password(stored, password):
            throttle.clear(key)
            session.clear()
            session.permanent = True
            session["user"] = name
            session["login_at"] = session["seen_at"] = time.time()
            return redirect(safe_next(request.form.get("next")))
        throttle.fail(key)
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    return render_template("login.html", next=request.args.get("next", ""))


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    session.clear()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("views.search"))
