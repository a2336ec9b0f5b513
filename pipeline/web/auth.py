"""Staff sign-in: hashed passwords, sessions kept on the server, throttled guessing.

The Flask session cookie is signed, not stored, so it only carries a random
session token: the server keeps the token's hash in `web_sessions`, checks it
on every request and deletes it on sign-out or a new password, so a copied
cookie stops working the moment its owner signs out. The cookie also records
when it was signed in and last used, and is dropped once either is too old.

Guessing is slowed, never turned into a lock-out of the owner (see `Throttle`),
and an unknown user name costs the same password check as a known one.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
import unicodedata
from collections import deque
from functools import wraps
from urllib.parse import quote, urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt with a random salt


def verify_password(stored_hash: str, password: str) -> bool:
    return check_password_hash(stored_hash, password)


_dummy: list[str] = []
_dummy_lock = threading.Lock()


def dummy_hash() -> str:
    """A hash of a random password made like a real one: checking it for an unknown user name takes
    as long as checking a known user's password, so the answer's timing does not tell which names exist."""
    with _dummy_lock:
        if not _dummy:
            _dummy.append(hash_password(secrets.token_hex(16)))
        return _dummy[0]


def token_hash(token: str) -> str:
    """What the database keeps of a session token: the cookie cannot be rebuilt from a copy of the table."""
    return hashlib.sha256(token.encode()).hexdigest()


def load_user() -> None:
    """Before each request: `g.user` is the signed-in name, or None once the session has expired or was
    ended on the server (sign-out, new password)."""
    g.user = None
    name, token = session.get("user"), session.get("sid")
    if not name:
        return
    now = time.time()
    cfg = current_app.config
    if (not isinstance(token, str) or now - session.get("login_at", 0) > cfg["SESSION_MAX_AGE"]
            or now - session.get("seen_at", 0) > cfg["SESSION_IDLE"]
            or current_app.extensions["vanban"].session_user(token_hash(token)) != name):
        session.clear()
        return
    session["seen_at"] = now
    g.user = name


def start_session(name: str) -> None:
    """A new server-side session for `name` in a fresh cookie (nothing of a previous cookie is kept)."""
    token = secrets.token_urlsafe(32)
    current_app.extensions["vanban"].create_session(name, token_hash(token), current_app.config["SESSION_MAX_AGE"])
    session.clear()
    session.permanent = True
    session["user"] = name
    session["sid"] = token
    session["login_at"] = session["seen_at"] = time.time()


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
                return {"error": "Cần đăng nhập"}, 401
            flash("Vui lòng đăng nhập để tiếp tục.", "warn")
            back = request.full_path if request.method == "GET" else _same_site_referrer()
            return redirect(url_for("auth.login", next=back))
        return view(*args, **kwargs)

    return wrapped


def _same_site_referrer() -> str | None:
    """The referring page's path when it is a page of this site (a form posted after the session ended)."""
    ref = request.referrer or ""
    try:
        parts = urlsplit(ref)
    except ValueError:
        return None
    if parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Throttle:
    """Slows password guessing without letting anyone lock an account.

    Three counters of failed sign-ins, each forgotten `window` seconds after its last failure:
    - one address and one name: after `pair_free` failures, each further try waits a delay that
      doubles per failure (`base` seconds, at most `cap`);
    - one address, any names: at most `address_budget` failures per `window` (trying many names);
    - one name, any addresses: after `account_free` failures the doubling delay applies to every
      address that has already failed for that name, but never to an address that has not: the owner,
      signing in from their own machine with the right password, is not locked out by someone else's
      guesses, while a guesser gets one try per new address and the delay after it.
    A browser that has signed in to the account before carries a signed device cookie (`DEVICE_COOKIE`):
    its tries are counted under that cookie instead of its address, so guesses from the same address
    (an office behind one NAT, or the same machine) do not lock the owner's browser out either.
    While a delay runs the password is not checked at all. In memory: one server process."""

    def __init__(self, pair_free: int = 5, address_budget: int = 20, account_free: int = 10,
                 base: float = 30.0, cap: float = 900.0, window: float = 900.0, clock=time.monotonic):
        self.pair_free, self.address_budget, self.account_free = pair_free, address_budget, account_free
        self.base, self.cap, self.window, self.clock = base, cap, window, clock
        self._pair: dict[tuple[str, str], list[float]] = {}  # [failures, last failure]
        self._account: dict[str, list[float]] = {}
        self._address: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _delay(self, over: float) -> float:
        return min(self.cap, self.base * 2 ** min(over, 30))

    def _count(self, table: dict, key, now: float) -> tuple[float, float]:
        rec = table.get(key)
        if rec is None or now - rec[1] > self.window:
            return 0, 0.0
        return rec[0], rec[1]

    def wait(self, address: str, name: str) -> float:
        """Seconds before `address` may try a password for `name` again (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [0.0]
            pair, pair_last = self._count(self._pair, (address, name), now)
            if pair >= self.pair_free:
                waits.append(pair_last + self._delay(pair - self.pair_free) - now)
            q = self._recent(address, now)
            if len(q) >= self.address_budget:
                waits.append(q[len(q) - self.address_budget] + self.window - now)
            acc, acc_last = self._count(self._account, name, now)
            if acc >= self.account_free and pair > 0:
                waits.append(acc_last + self._delay(acc - self.account_free) - now)
            return max(waits)

    def _recent(self, address: str, now: float) -> deque[float]:
        q = self._address.get(address)
        if q is None:
            return deque()
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def fail(self, address: str, name: str) -> None:
        now = self.clock()
        with self._lock:
            for table, key in ((self._pair, (address, name)), (self._account, name)):
                n, _ = self._count(table, key, now)
                table[key] = [n + 1, now]
            q = self._recent(address, now)
            q.append(now)
            self._address[address] = q
            if len(self._pair) + len(self._account) + len(self._address) > 100_000:
                self._forget(now)

    def success(self, address: str, name: str) -> None:
        with self._lock:
            self._pair.pop((address, name), None)

    def _forget(self, now: float) -> None:
        for table in (self._pair, self._account):
            for key in [k for k, (_, last) in table.items() if now - last > self.window]:
                del table[key]
        for key in [k for k, q in self._address.items() if not q or now - q[-1] > self.window]:
            del self._address[key]


def safe_next(target: str | None) -> str:
    """Only a path of this site: an attacker's link must not bounce a user off-site after sign-in.

    Refused (the search page instead): anything with a scheme or host, `//` or `/\\` (which browsers
    read as a host), any whitespace or control character (browsers drop tabs and newlines, turning
    `/\\t/evil.example` into `//evil.example`; a newline would also break the header); a plain space
    inside the path is harmless and encoded. What is kept is percent-encoded where needed, so the
    Location header is plain ASCII."""
    default = url_for("views.search")
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return default
    if target[1:2] in ("/", "\\") or "\\" in target:
        return default
    if any(c != " " and (c.isspace() or unicodedata.category(c)[0] in "CZ") for c in target):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    return quote(target, safe="/?&=%#:@!$'()*+,;~-._[]")


DEVICE_COOKIE = "vanban_device"
DEVICE_MAX_AGE = 180 * 86400


def _device_serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.secret_key, salt="vanban-device")


def _device_key(name: str) -> str | None:
    """The throttling key of this browser when it has signed in to `name` before (a valid device cookie)."""
    raw = request.cookies.get(current_app.config.get("DEVICE_COOKIE_NAME", DEVICE_COOKIE))
    if not raw:
        return None
    try:
        user, nonce = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except Exception:  # noqa: BLE001 - forged, expired or malformed: an ordinary browser
        return None
    return f"device:{nonce}" if isinstance(user, str) and user.casefold() == name.casefold() else None


def _remember_device(resp, name: str) -> None:
    cfg = current_app.config
    value = _device_serializer().dumps([name, secrets.token_urlsafe(12)])
    resp.set_cookie(cfg.get("DEVICE_COOKIE_NAME", DEVICE_COOKIE), value, max_age=DEVICE_MAX_AGE, httponly=True,
                    samesite="Lax", secure=cfg.get("SESSION_COOKIE_SECURE", False), path="/")


def _too_many(wait: float):
    flash("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.", "error")
    resp = current_app.make_response((render_template("login.html", next=request.form.get("next", "")), 429))
    resp.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return resp


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    data = current_app.extensions["vanban"]
    if request.method == "POST":
        name = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")[:1024]
        address = _device_key(name) or request.remote_addr or ""
        throttle: Throttle = current_app.extensions["vanban_throttle"]
        wait = throttle.wait(address, name.casefold())
        if wait > 0:
            return _too_many(wait)
        stored = data.user_hash(name) if name else None
        ok = verify_password(stored or dummy_hash(), password) and stored is not None
        if ok:
            throttle.success(address, name.casefold())
            start_session(name)
            resp = redirect(safe_next(request.form.get("next")))
            _remember_device(resp, name)
            return resp
        throttle.fail(address, name.casefold())
        flash("Tên đăng nhập hoặc mật khẩu không đúng.", "error")
        return render_template("login.html", next=request.form.get("next", "")), 401
    return render_template("login.html", next=request.args.get("next", ""))


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    token = session.get("sid")
    if isinstance(token, str):
        current_app.extensions["vanban"].end_session(token_hash(token))
    session.clear()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("views.search"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password():
    """A new password ends every session of the account (other browsers, copied cookies), then signs
    this browser in again."""
    data = current_app.extensions["vanban"]
    if request.method == "POST":
        old, new, again = (request.form.get(k, "")[:1024] for k in ("old", "new", "again"))
        stored = data.user_hash(g.user)
        if not stored or not verify_password(stored, old):
            flash("Mật khẩu hiện tại không đúng.", "error")
            return render_template("password.html", min_len=MIN_PASSWORD), 400
        if len(new) < MIN_PASSWORD or new != again:
            flash(f"Mật khẩu mới phải có ít nhất {MIN_PASSWORD} ký tự và nhập lại giống nhau.", "error")
            return render_template("password.html", min_len=MIN_PASSWORD), 400
        data.set_password(g.user, hash_password(new))
        start_session(g.user)
        flash("Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.", "info")
        return redirect(url_for("views.search"))
    return render_template("password.html", min_len=MIN_PASSWORD)
