"""Hostile requests against the web application (issue 14, items 8-12): redirects
off-site, malformed and oversized parameters, password guessing, copied session
cookies, the anonymous API, and the production server's set-up."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask_wtf")

from click.testing import CliRunner  # noqa: E402
from e2e.webdb import TODAY, build_db  # noqa: E402

from pipeline.cli import main as cli_main  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.web import auth, create_app  # noqa: E402
from pipeline.web.auth import hash_password  # noqa: E402
from pipeline.web.data import set_user  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-thu-1"
HUGE = "9" * 25  # past 64 bits


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("websec")
    db = build_db(tmp, seeds="004_*")
    with open_store(db) as s:
        set_user(s, "lan", hash_password(PASSWORD))
        ids = {Path(r["source_path"]).name: r["id"] for r in s.query("SELECT id, source_path FROM documents")}
    return {"db": db, "tmp": tmp, "ids": ids}


def make_app(site, **config):
    return create_app(site["db"], import_dir=site["tmp"] / "imports", TODAY=TODAY, TESTING=True, **config)


@pytest.fixture()
def app(site):
    return make_app(site)


def token(client, path="/dang-nhap") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, name="lan", password=PASSWORD, addr="127.0.0.1", next=None):
    data = {"username": name, "password": password, "csrf_token": token(client)}
    if next is not None:
        data["next"] = next
    return client.post("/dang-nhap", data=data, environ_base={"REMOTE_ADDR": addr})


def task_id(site, action_start: str) -> int:
    with open_store(site["db"]) as s:
        return s.scalar("SELECT id FROM tasks WHERE action LIKE ?", (action_start + "%",))


# ---------------------------------------------------------------- item 8: open redirects

OFF_SITE = ["/\t/evil.example/", "/\n/evil.example/", "//evil.example/", "\\\\evil.example", "/\\evil.example",
            "https://evil.example/", "javascript:alert(1)", " //evil.example", "/\r\nSet-Cookie: x=1",
            "\x00//evil.example", "/\u3000/evil.example", "http:/\\evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_leaves_the_site(app, target):
    c = app.test_client()
    resp = login(c, next=target)
    assert resp.status_code == 302 and resp.headers["Location"] == "/", (target, resp.headers.get("Location"))


def test_sign_in_with_a_percent_encoded_tab_in_next(app):
    """The report's case, byte for byte: next=/%09/evil.example/ in the posted form."""
    c = app.test_client()
    body = f"username=lan&password={PASSWORD}&next=/%09/evil.example/&csrf_token={token(c)}"
    resp = c.post("/dang-nhap", data=body, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_same_site_next_is_followed_and_made_ascii(app):
    c = app.test_client()
    resp = login(c, next="/nhiem-vu?status=open")
    assert resp.headers["Location"] == "/nhiem-vu?status=open"
    c = app.test_client()
    resp = login(c, next="/?q=khuyến công")
    assert resp.headers["Location"] == "/?q=khuy%E1%BA%BFn%20c%C3%B4ng"


@pytest.mark.parametrize("target", ["/\t/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/"])
def test_task_note_form_never_leaves_the_site(site, app, target):
    c = app.test_client()
    login(c)
    tid = task_id(site, "rà soát quy hoạch")
    resp = c.post(f"/nhiem-vu/{tid}/ghi-chu", data={"note": "", "next": target, "csrf_token": token(c, "/nhiem-vu")})
    assert resp.status_code == 302 and resp.headers["Location"] == "/", target


# ---------------------------------------------------------------- item 9: malformed input is 400/404, never 500

def test_newline_in_next_after_sign_in_is_not_a_server_error(app):
    c = app.test_client()
    resp = login(c, next="/nhiem-vu\nX-Injected: 1")
    assert resp.status_code == 302 and resp.headers["Location"] == "/" and "X-Injected" not in resp.headers


@pytest.mark.parametrize("url,code", [
    (f"/?year={HUGE}", 400), ("/?year=-2019", 400), ("/?year=abc", 400), ("/?year=٢٠١٩", 400),
    (f"/?page={HUGE}", 400), ("/?page=-1", 400), ("/?page=9000000000000000000", 200),
    (f"/nhiem-vu?doc={HUGE}", 400), ("/nhiem-vu?doc=-3", 400), ("/nhiem-vu?doc=x", 400),
    (f"/van-ban/{HUGE}", 404), ("/van-ban/-1", 404), ("/van-ban/9223372036854775807", 404),
    (f"/api/documents/{HUGE}", 404), ("/api/documents/-1", 404),
    (f"/api/search?year={HUGE}", 200), (f"/api/search?offset={HUGE}", 200), (f"/api/search?limit={HUGE}", 200),
    (f"/api/tasks?document={HUGE}", 200), ("/api/tasks?document=-5", 200), ("/api/search?year=x", 400),
    (f"/tai-len/viec/{HUGE}", 404), (f"/api/jobs/{HUGE}", 404),
])
def test_out_of_range_numbers(app, url, code):
    assert app.test_client().get(url).status_code == code, url


def test_out_of_range_ids_in_forms(app):
    c = app.test_client()
    login(c)
    t = token(c, "/nhiem-vu")
    for path in (f"/nhiem-vu/{HUGE}/ghi-chu", f"/nhiem-vu/{HUGE}/trang-thai", "/nhiem-vu/9223372036854775807/ghi-chu"):
        assert c.post(path, data={"note": "x", "status": "done", "csrf_token": t}).status_code == 404, path


# ---------------------------------------------------------------- item 10: guessing, enumeration, anonymous API

class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def with_clock(app) -> Clock:
    clock = Clock()
    app.extensions["vanban_throttle"].clock = clock
    return clock


def test_the_owner_is_never_locked_out_by_someone_elses_guesses(site):
    app = make_app(site, LOGIN_FAILURES=3, LOGIN_ACCOUNT_FAILURES=5)
    with_clock(app)
    attacker = app.test_client()
    codes = [login(attacker, password=f"sai-{i}", addr="203.0.113.9").status_code for i in range(12)]
    assert codes[:3] == [401] * 3 and set(codes[3:]) == {429}
    assert login(attacker, addr="203.0.113.9").status_code == 429  # the right password is not even checked
    owner = app.test_client()
    assert login(owner, addr="198.51.100.7").status_code == 302  # from the owner's own address: signed in


def test_guesses_from_the_owners_own_address_do_not_lock_out_a_browser_that_signed_in_before(site):
    """The report's case: everyone on 127.0.0.1. The owner's browser has signed in before (device cookie)."""
    app = make_app(site, LOGIN_FAILURES=3, LOGIN_ACCOUNT_FAILURES=5)
    with_clock(app)
    owner = app.test_client()
    assert login(owner).status_code == 302
    owner.post("/dang-xuat", data={"csrf_token": token(owner, "/tai-len")})
    attacker = app.test_client()
    codes = [login(attacker, password=f"sai-{i}").status_code for i in range(12)]
    assert codes[:3] == [401] * 3 and set(codes[3:]) == {429}
    assert login(attacker).status_code == 429
    assert login(owner).status_code == 302
    forged = app.test_client()  # a device cookie is signed: one made up is an ordinary browser
    forged.set_cookie("vanban_device", "WyJsYW4iLCAieCJd.forged")
    assert login(forged).status_code == 429


def test_delay_grows_with_each_failure_and_then_lets_the_right_password_in(site):
    app = make_app(site, LOGIN_FAILURES=3)
    clock = with_clock(app)
    c = app.test_client()
    assert [login(c, password=f"sai-{i}").status_code for i in range(3)] == [401] * 3
    resp = login(c)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "30"
    clock.t += 31
    assert login(c, password="sai-4").status_code == 401  # one more try once the delay is over
    resp = login(c)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "60"  # twice as long now
    clock.t += 61
    assert login(c).status_code == 302


def test_guessing_one_account_from_many_addresses_is_slowed_too(site):
    app = make_app(site, LOGIN_FAILURES=3, LOGIN_ACCOUNT_FAILURES=4)
    with_clock(app)
    c = app.test_client()
    codes = [login(c, password="sai", addr=f"192.0.2.{i}").status_code for i in range(6)]
    assert codes == [401] * 6  # one try per new address ...
    assert login(c, password="sai", addr="192.0.2.1").status_code == 429  # ... then the account's delay applies
    assert login(c, addr="192.0.2.200").status_code == 302  # not to an address that has not failed


def test_many_user_names_from_one_address_are_throttled(site):
    app = make_app(site)
    with_clock(app)
    c = app.test_client()
    codes = [login(c, name=f"nguoi-{i}", password="sai", addr="203.0.113.50").status_code for i in range(30)]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
    assert login(app.test_client(), addr="203.0.113.51").status_code == 302


def test_unknown_user_costs_the_same_password_check(app, monkeypatch):
    checked = []
    real = auth.verify_password

    def spy(stored, password):
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(auth, "verify_password", spy)
    c = app.test_client()
    assert login(c, name="khong-ton-tai", password="bat-ky-1").status_code == 401
    assert login(c, name="lan", password="sai-mat-khau").status_code == 401
    assert len(checked) == 2
    unknown, known = checked
    assert unknown == auth.dummy_hash()
    assert unknown.split("$")[0] == known.split("$")[0]  # same method and cost (scrypt:32768:8:1)


def test_anonymous_readers_see_no_staff_names_or_notes(site, app):
    c = app.test_client()
    login(c)
    tid = task_id(site, "bố trí kinh phí")
    c.post(f"/nhiem-vu/{tid}/ghi-chu", data={"note": "Ghi chú nội bộ 4711", "csrf_token": token(c, "/nhiem-vu")})
    doc = site["ids"]["crafted_old.txt"]
    staff = c.get("/api/tasks").get_json()["results"]
    row = next(t for t in staff if t["id"] == tid)
    assert row["updated_by"] == "lan" and any("4711" in n["text"] for n in row["notes"])
    anon = app.test_client()
    for url in ("/api/tasks", f"/api/documents/{doc}", "/nhiem-vu", f"/van-ban/{doc}", f"/api/tasks?document={doc}"):
        body = anon.get(url).get_data(as_text=True)
        assert "4711" not in body and "lan (" not in body and '"updated_by":"lan"' not in body.replace(" ", ""), url
    row = next(t for t in anon.get("/api/tasks").get_json()["results"] if t["id"] == tid)
    assert row["updated_by"] is None and row["notes"] == [] and row["status"] == "open"


def test_private_mode_api_requires_sign_in(site):
    c = make_app(site, private=True).test_client()
    for url in ("/api/tasks", "/api/search?q=x", f"/api/documents/{site['ids']['crafted_old.txt']}"):
        assert c.get(url).status_code == 401, url


# ---------------------------------------------------------------- item 11: sessions end on the server

def cookie(client, app) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def with_cookie(app, value: str):
    c = app.test_client()
    c.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    return c


def test_a_copied_cookie_stops_working_after_sign_out(app):
    c = app.test_client()
    login(c)
    copy = with_cookie(app, cookie(c, app))
    assert copy.get("/tai-len").status_code == 200
    assert c.post("/dang-xuat", data={"csrf_token": token(c, "/tai-len")}).status_code == 302
    assert copy.get("/tai-len").status_code == 302  # to the sign-in page
    assert c.get("/tai-len").status_code == 302


def test_a_new_password_ends_every_other_session(site, app):
    me, other = app.test_client(), app.test_client()
    login(me)
    login(other)
    copy = with_cookie(app, cookie(me, app))
    t = token(me, "/doi-mat-khau")
    resp = me.post("/doi-mat-khau", data={"old": PASSWORD, "new": "mat-khau-moi-2", "again": "mat-khau-moi-2",
                                          "csrf_token": t})
    try:
        assert resp.status_code == 302
        assert me.get("/tai-len").status_code == 200  # this browser signed in again
        assert other.get("/tai-len").status_code == 302 and copy.get("/tai-len").status_code == 302
        assert login(app.test_client()).status_code == 401
        # and from the command line: `vanban user add` with a new password ends the web sessions too
        res = CliRunner().invoke(cli_main, ["user", "add", "lan", "--db", site["db"]],
                                 input=f"{PASSWORD}\n{PASSWORD}\n")
        assert res.exit_code == 0, res.output
        assert me.get("/tai-len").status_code == 302
    finally:
        with open_store(site["db"]) as s:
            set_user(s, "lan", hash_password(PASSWORD))


def test_web_tables_come_from_a_migration(tmp_path):
    with open_store(str(tmp_path / "new.db"), create=True) as s:
        assert {"web_users", "web_sessions", "web_jobs"} <= s.table_names()
        assert s.scalar("SELECT name FROM schema_version WHERE version = 4") == "web users, sessions and upload jobs"
    # a database whose web_users table the web made itself before the migration existed keeps its accounts
    old = str(tmp_path / "old.db")
    with open_store(old, create=True, upto=3) as s:
        s.execute("CREATE TABLE web_users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
                  "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)")
        s.execute("INSERT INTO web_users VALUES ('lan', 'h', 't', 't')")
    with open_store(old) as s:
        assert s.schema_version() >= 4 and s.scalar("SELECT password_hash FROM web_users") == "h"
        assert "web_sessions" in s.table_names()


# ---------------------------------------------------------------- item 12: the production server

def test_the_secret_is_kept_beside_the_database_and_shared_by_processes(site, monkeypatch):
    monkeypatch.delenv("VANBAN_SECRET_KEY", raising=False)
    a, b = make_app(site), make_app(site)
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"]
    key_file = Path(site["db"] + ".secret-key")
    assert key_file.read_text().strip() == a.config["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    c = a.test_client()  # signed in on one worker, the next request served by another
    login(c)
    assert with_cookie(b, cookie(c, a)).get("/tai-len").status_code == 200
    monkeypatch.setenv("VANBAN_SECRET_KEY", "k" * 64)
    assert make_app(site).config["SECRET_KEY"] == "k" * 64


def test_secure_cookies(site):
    app = make_app(site, secure_cookies=True)
    c = app.test_client()
    resp = login(c)
    cookies = {h.split("=", 1)[0]: h for h in resp.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-vanban_session", "__Host-vanban_device"}
    for set_cookie in cookies.values():
        assert "; Secure" in set_cookie and "; HttpOnly" in set_cookie and "; Path=/" in set_cookie
    assert "max-age" in resp.headers["Strict-Transport-Security"]


def test_a_failed_import_is_reported_on_the_job(site, app):
    c = app.test_client()
    login(c)
    import io

    resp = c.post("/tai-len", content_type="multipart/form-data", headers={"Accept": "application/json"},
                  data={"files": (io.BytesIO(b"%PDF-1.7\n% broken: no objects, no xref\n"), "hong.pdf"),
                        "csrf_token": token(c, "/tai-len")})
    assert resp.status_code == 202
    out = resp.get_json()["results"][0]
    assert out["ok"] and out["job"]
    end = time.monotonic() + 120
    while (job := c.get(out["status_url"]).get_json())["status"] in ("queued", "running") and time.monotonic() < end:
        time.sleep(0.2)
    assert job["status"] == "failed" and job["message"] and job["document_id"] is None
    page = c.get(out["page_url"]).get_data(as_text=True)
    assert "hong.pdf" in page and "Không nhập được" in page
    assert c.get("/tai-len/viec").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(p.name))
            except OSError:
                continue
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="counts processes through /proc")
def test_serve_runs_waitress_processes_on_the_database_named_by_vanban_db(site, tmp_path):
    pytest.importorskip("waitress")
    port = _free_port()
    env = dict(os.environ, VANBAN_DB=site["db"])
    env.pop("VANBAN_SECRET_KEY", None)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--port", str(port), "--processes", "2",
                             "--threads", "4", "--secure-cookies", "--import-dir", str(tmp_path / "imports")],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        end = time.monotonic() + 60
        while True:
            try:
                resp = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=15/2019", timeout=5)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < end, "server did not answer"
                time.sleep(0.3)
        assert resp.headers["Server"] == "vanban"  # waitress, not Werkzeug's development server
        assert "max-age" in resp.headers["Strict-Transport-Security"]
        found = [r["number"] for r in __import__("json").loads(resp.read())["results"]]
        assert "15/2019/QĐ-UBND" in found  # the database of VANBAN_DB, not ./vanban.db
        assert len(_children(proc.pid)) == 2
        assert not (tmp_path / "vanban.db").exists()
    finally:
        kids = _children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    time.sleep(0.5)
    assert not [k for k in kids if Path(f"/proc/{k}").exists() and "Z" not in Path(f"/proc/{k}/stat").read_text()]


# ---------------------------------------------------------------- one summary type, one accent folding

def test_one_document_summary_type_and_no_server_paths_in_the_api(site, app):
    import importlib.util

    from pipeline.queries import DocumentSummary
    from pipeline.web.models import DocSummary

    assert issubclass(DocSummary, DocumentSummary)
    assert importlib.util.find_spec("pipeline.web.textfold") is None
    c = app.test_client()
    doc = c.get(f"/api/documents/{site['ids']['crafted_old.txt']}").get_json()
    assert doc["summary"]["file_name"] == "crafted_old.txt" and "source_path" not in doc["summary"]
    assert str(site["tmp"]) not in c.get(f"/api/documents/{site['ids']['crafted_new.txt']}").get_data(as_text=True)
