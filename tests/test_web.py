"""The web application through Flask's test client: pages, API, and the safety
points (escaping, parameterised queries, uploads, sign-in, CSRF, expiry)."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

import pytest

pytest.importorskip("flask_wtf")

from click.testing import CliRunner  # noqa: E402
from e2e.webdb import TODAY, build_db, pg_schema_url  # noqa: E402

from pipeline.cli import main as cli_main  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.web import create_app  # noqa: E402
from pipeline.web.auth import hash_password  # noqa: E402
from pipeline.web.data import set_user  # noqa: E402
from pipeline.web.highlight import Span, highlight  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-thu-1"


PG_URL = os.environ.get("VANBAN_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="VANBAN_TEST_PG_URL not set")])]


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    url = pg_schema_url(PG_URL, f"web_{uuid.uuid4().hex[:10]}") if request.param == "postgres" else None
    db = build_db(tmp, seeds="004_*", db=url)  # one real document keeps the module fast
    with open_store(db) as s:
        set_user(s, "lan", hash_password(PASSWORD))
        ids = {Path(r["source_path"]).name: r["id"] for r in s.query("SELECT id, source_path FROM documents")}
    app = create_app(db, import_dir=tmp / "imports", TODAY=TODAY, TESTING=True)
    return {"app": app, "db": db, "tmp": tmp, "ids": ids}


@pytest.fixture()
def client(site):
    return site["app"].test_client()


def token(client, path="/dang-nhap") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, name="lan", password=PASSWORD):
    return client.post("/dang-nhap", data={"username": name, "password": password, "csrf_token": token(client)})


def task_id(site, action_start: str) -> int:
    with open_store(site["db"]) as s:
        return s.scalar("SELECT id FROM tasks WHERE action LIKE ?", (action_start + "%",))


def task_status(site, tid: int) -> str:
    with open_store(site["db"]) as s:
        return s.scalar("SELECT status FROM tasks WHERE id = ?", (tid,))


# ---------------------------------------------------------------- pages

def test_search_is_diacritic_insensitive_and_finds_seed_004(site, client):
    html = client.get("/?q=khuyen+cong").get_data(as_text=True)
    seed = site["ids"]["004_9789b1cfca0ebaa2.txt"]
    assert f'href="/van-ban/{seed}"' in html
    assert '<mark class="q">khuyến</mark> <mark class="q">công</mark>' in html.replace("Khuyến", "khuyến").replace("Công", "công")
    api = client.get("/api/search?q=KHUYẾN CÔNG").get_json()
    assert seed in [r["id"] for r in api["results"]]
    assert api["total"] == len(api["results"])


def test_search_filters_by_type_issuer_and_year(client):
    res = client.get("/api/search?q=chuong+trinh&year=2019").get_json()["results"]
    assert [r["number"] for r in res] == ["15/2019/QĐ-UBND"]
    res = client.get("/api/search?type=Quyết định&issuer=Ủy ban nhân dân tỉnh Thử Nghiệm").get_json()["results"]
    assert {r["number"] for r in res} == {"15/2019/QĐ-UBND", "20/2020/QĐ-UBND"}
    assert client.get("/api/search?q=chuong+trinh&year=1999").get_json()["total"] == 0


def test_document_page_highlights_records_and_links_them(site, client):
    html = client.get(f"/van-ban/{site['ids']['crafted_old.txt']}").get_data(as_text=True)
    for kind, text in (("task", "Giao Sở Công Thương chủ trì"), ("deadline", "trước ngày 30/6/2020"),
                       ("budget", "2,5 tỷ đồng")):
        m = re.search(rf'<span class="hl hl-{kind}" id="at-(\w+-\d+)" data-href="#(\w+-\d+)"[^>]*>{re.escape(text)}', html)
        assert m, kind
        assert f'id="{m.group(2)}"' in html  # the record it leads to is on the page
    assert "2.500.000.000 đồng" in html


def test_replaced_document_is_marked_and_linked_both_ways(site, client):
    old, new = site["ids"]["crafted_old.txt"], site["ids"]["crafted_new.txt"]
    html = client.get(f"/van-ban/{old}").get_data(as_text=True)
    assert "Đã bị thay thế" in html
    assert f'bởi <a href="/van-ban/{new}">Quyết định 20/2020/QĐ-UBND</a>' in html
    assert f'<a href="/van-ban/{new}"><g class="node citing linked">' in html  # the diagram's citing side
    assert ">thay thế</text>" in html
    html = client.get(f"/van-ban/{new}").get_data(as_text=True)
    assert re.search(rf'<li id="ref-\d+"><span class="badge">thay thế</span>.*?<a href="/van-ban/{old}">', html, re.S)
    assert f'<a href="/van-ban/{old}"><g class="node cited linked dead">' in html
    found = client.get("/api/search?q=15/2019").get_json()["results"]
    assert {r["number"]: r["status"] for r in found}["15/2019/QĐ-UBND"] == "thay thế"


def test_task_tracker_colours_overdue_and_due_soon(site, client):
    html = client.get("/nhiem-vu").get_data(as_text=True)
    late, soon, none = (task_id(site, a) for a in ("xây dựng kế hoạch", "bố trí kinh phí", "rà soát quy hoạch"))
    assert re.search(rf'<tr id="row-{late}" class="overdue tl-overdue"', html)
    assert re.search(rf'<tr id="row-{soon}" class="soon tl-soon"', html)
    assert re.search(rf'<tr id="row-{none}" class=" tl-no_deadline"', html)
    crafted = client.get(f"/nhiem-vu?doc={site['ids']['crafted_old.txt']}").get_data(as_text=True)
    loads = re.sub(r' data-label="[^"]*"', "", re.search(r'<details class="card" id="per-body".*?</details>', crafted,
                                                          re.S).group(0))
    assert re.search(r'>Sở Công Thương</a></td>\s*<td>1</td><td class="late">1</td><td class="">0</td>', loads)
    assert re.search(r'>Sở Tài chính</a></td>\s*<td>1</td><td class="">0</td><td class="soon">1</td>', loads)
    overdue = client.get("/api/tasks?due=overdue").get_json()
    assert late in [t["id"] for t in overdue["results"]] and soon not in [t["id"] for t in overdue["results"]]
    assert [t["id"] for t in client.get("/api/tasks?due=soon").get_json()["results"]] == [soon]
    by_body = client.get("/api/tasks?assignee=Sở Tài chính").get_json()["results"]
    assert soon in [t["id"] for t in by_body] and late not in [t["id"] for t in by_body]


def test_dashboard_draws_tasks_and_budgets(client):
    html = client.get("/thong-ke").get_data(as_text=True)
    assert html.count('<svg class="chart wide"') == 3 and html.count('<svg class="chart narrow"') == 3
    assert "Sở Công Thương" in html and ("Ngân sách tỉnh" in html or "Ngân sách địa phương" in html)
    assert "2,50 tỷ đồng" in html  # 2.5e9 on the 2019 bar


def test_openapi_describes_the_api(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    assert set(spec["paths"]) >= {"/api/search", "/api/documents/{id}", "/api/tasks"}


def test_api_document_and_missing(site, client):
    d = client.get(f"/api/documents/{site['ids']['crafted_old.txt']}").get_json()
    assert d["summary"]["number"] == "15/2019/QĐ-UBND"
    assert [b["amount_vnd"] for b in d["budgets"]] == [2_500_000_000]
    assert [c["relation"] for c in d["ended_by"]] == ["thay thế"]
    assert client.get("/api/documents/999999").status_code == 404
    assert client.get("/api/tasks?status=nonsense").status_code == 400


# ---------------------------------------------------------------- safety

def test_document_markup_is_shown_as_text(site, client):
    html = client.get(f"/van-ban/{site['ids']['crafted_old.txt']}").get_data(as_text=True)
    assert '<script>alert("xss")' not in html and "<img src=x" not in html and "<b>thử</b>" not in html
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    tasks = client.get("/nhiem-vu").get_data(as_text=True)
    assert "<img src=x" not in tasks and "&lt;img src=x onerror=alert(1)&gt;" in tasks
    search = client.get("/?q=script").get_data(as_text=True)
    assert "<script>alert" not in search
    resp = client.get("/")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


@pytest.mark.parametrize("q", ["'; DROP TABLE documents; --", '" OR 1=1 --', "khuyen* NEAR(cong", "x' UNION SELECT "
                               "password_hash, 1, 1, 1, 1, 1, 1 FROM web_users --", "\\'\"%_;"])
def test_sql_injection_strings_are_only_searched_for(site, client, q):
    with open_store(site["db"]) as s:
        before = s.scalar("SELECT COUNT(*) AS n FROM documents")
    for url in (f"/?q={q}", f"/api/search?q={q}", f"/api/search?issuer={q}", f"/api/tasks?assignee={q}",
                f"/nhiem-vu?assignee={q}"):
        resp = client.get(url, query_string=None)
        assert resp.status_code == 200, url
        assert b"scrypt:" not in resp.data
    found = client.get("/api/search", query_string={"q": q}).get_json()["total"]
    assert found == (0 if re.search(r"[^\W_]", q) else before)  # no words: the plain list of all documents
    assert client.get("/api/search", query_string={"year": "2019 OR 1=1"}).status_code == 400
    with open_store(site["db"]) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM documents") == before


def test_status_change_needs_login(site, client):
    tid = task_id(site, "rà soát quy hoạch")
    resp = client.post(f"/nhiem-vu/{tid}/trang-thai", data={"status": "done", "csrf_token": token(client)})
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]
    resp = client.post(f"/nhiem-vu/{tid}/trang-thai", data={"status": "done", "csrf_token": token(client)},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 401
    assert task_status(site, tid) == "open"
    assert "/trang-thai" not in client.get("/nhiem-vu").get_data(as_text=True)  # no edit forms for readers


def test_forged_form_posts_are_refused(site, client):
    tid = task_id(site, "rà soát quy hoạch")
    assert login(client).status_code == 302
    for data in ({"status": "done"}, {"status": "done", "csrf_token": "forged." + "x" * 40}):
        resp = client.post(f"/nhiem-vu/{tid}/trang-thai", data=data)
        assert resp.status_code == 400
        assert "CSRF" in resp.get_data(as_text=True)
    other = site["app"].test_client()  # a token from another session does not work either
    resp = client.post(f"/nhiem-vu/{tid}/trang-thai", data={"status": "done", "csrf_token": token(other)})
    assert resp.status_code == 400
    assert client.post("/dang-nhap", data={"username": "lan", "password": PASSWORD}).status_code == 400
    assert task_status(site, tid) == "open"


def test_signed_in_status_change_and_note_are_recorded(site, client):
    tid = task_id(site, "xây dựng kế hoạch")
    login(client)
    t = token(client, "/nhiem-vu")
    resp = client.post(f"/nhiem-vu/{tid}/trang-thai", data={"status": "done", "csrf_token": t, "next": "/nhiem-vu"})
    assert resp.status_code == 302  # closing without a report note is refused, with a message
    assert task_status(site, tid) == "open"
    assert "cần ghi báo cáo kết quả" in client.get("/nhiem-vu").get_data(as_text=True)
    resp = client.post(f"/nhiem-vu/{tid}/trang-thai", data={"status": "done", "note": "Đã trình kế hoạch",
                                                           "report_ref": "15/BC-SCT", "csrf_token": t,
                                                           "next": "/nhiem-vu"})
    assert resp.status_code == 302 and task_status(site, tid) == "done"
    client.post(f"/nhiem-vu/{tid}/ghi-chu", data={"note": "Đã gửi <b>báo cáo</b>", "csrf_token": t})
    with open_store(site["db"]) as s:
        hist = s.query("SELECT old_status, new_status, note, changed_by FROM task_status_history WHERE task_id = ? "
                       "ORDER BY id", (tid,))
    assert [(h["old_status"], h["new_status"], h["changed_by"]) for h in hist] == [("open", "done", "lan"),
                                                                                  ("done", "done", "lan")]
    assert hist[1]["note"] == "Đã gửi <b>báo cáo</b>"
    html = client.get("/nhiem-vu").get_data(as_text=True)
    assert "Đã gửi &lt;b&gt;báo cáo&lt;/b&gt;" in html
    assert "văn bản báo cáo: 15/BC-SCT" in html
    # due 30/6/2020, closed today (the real day, after TODAY): done late by that many days
    assert re.search(rf'id="row-{tid}" class=" tl-done_late"', html)
    assert tid not in [x["id"] for x in client.get("/api/tasks?due=overdue").get_json()["results"]]


def test_wrong_password_and_expired_sessions(site, client):
    assert login(client, password="sai-mat-khau").status_code == 401
    assert login(client, name="khong-co").status_code == 401
    login(client)
    assert client.get("/tai-len").status_code == 200
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - site["app"].config["SESSION_MAX_AGE"] - 1
    assert client.get("/tai-len").status_code == 302
    login(client)
    with client.session_transaction() as sess:
        sess["seen_at"] = time.time() - site["app"].config["SESSION_IDLE"] - 1
    assert client.get("/tai-len").status_code == 302


def test_private_mode_requires_login_to_read(site):
    app = create_app(site["db"], import_dir=site["tmp"] / "imports", private=True, TESTING=True)
    c = app.test_client()
    for url in ("/", "/nhiem-vu", f"/van-ban/{site['ids']['crafted_old.txt']}"):
        assert c.get(url).status_code == 302
    assert c.get("/api/tasks").status_code == 401
    assert c.get("/dang-nhap").status_code == 200
    login(c)
    assert c.get("/nhiem-vu").status_code == 200


# ---------------------------------------------------------------- upload

def upload(client, name: str, data: bytes):
    import io

    return client.post("/tai-len", data={"files": (io.BytesIO(data), name), "csrf_token": token(client, "/tai-len")},
                       headers={"Accept": "application/json"}, content_type="multipart/form-data")


def wait_job(client, status_url: str, timeout: float = 120.0) -> dict:
    """The upload's import job once the background importer has finished it."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = client.get(status_url).get_json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {status_url} still {job['status']} after {timeout} s")


def test_upload_cannot_escape_the_import_area(site, client):
    login(client)
    imports = site["tmp"] / "imports"
    before = set(site["tmp"].rglob("x.txt"))
    text = (ROOT / "corpus/docs/seeds/001_371b00d775da7c1b.txt").read_bytes() + b"\n<!-- upload test -->"
    resp = upload(client, "../../x.txt", text)
    assert resp.status_code == 202, resp.get_json()  # accepted: imported in the background
    assert set(site["tmp"].rglob("x.txt")) == before and not (site["tmp"].parent / "x.txt").exists()
    saved = [p for p in imports.iterdir() if p.name.endswith("_x.txt")]
    assert len(saved) == 1 and saved[0].parent.resolve() == imports.resolve()
    job = wait_job(client, resp.get_json()["results"][0]["status_url"])
    assert job["status"] == "done" and job["url"].startswith("/van-ban/"), job
    assert job["file_name"] == "x.txt" and job["submitted_by"] == "lan"


@pytest.mark.parametrize("name,data,reason", [
    ("bao-cao.exe", b"MZ\x90\x00", "Định dạng không được phép"),
    ("quyet-dinh.pdf", "Quyết định số 1".encode(), "không khớp"),
    ("quyet-dinh.docx", b"PK\x03\x04not really a zip", "không khớp"),
    ("van-ban.txt", b"\x7fELF\x02\x01\x01\x00", "không khớp"),
    ("trong.txt", b"", "Tệp rỗng"),
])
def test_upload_rejects_bad_files_before_writing(site, client, name, data, reason):
    login(client)
    imports = site["tmp"] / "imports"
    before = set(imports.iterdir()) if imports.exists() else set()
    resp = upload(client, name, data)
    assert resp.status_code == 422
    assert reason in resp.get_json()["results"][0]["message"]
    assert (set(imports.iterdir()) if imports.exists() else set()) == before


def test_upload_size_limit(site):
    from pipeline.web.uploads import UploadRejected, check

    with pytest.raises(UploadRejected, match="quá lớn"):
        check("a.txt", b"a" * 2048, max_bytes=1024)


def test_upload_needs_login(client):
    assert client.get("/tai-len").status_code == 302


# ---------------------------------------------------------------- pieces

def test_highlight_keeps_markup_well_formed_on_overlaps():
    text = "Giao <b>Sở</b> trước ngày 30/6/2020 kinh phí 5 tỷ đồng."
    out = str(highlight(text, [Span("task", 0, 40, "task-1"), Span("deadline", 15, 35, "dl-1"),
                               Span("budget", 30, 55, "bg-1"), Span("bogus", 0, 5, "x-1")]))
    assert out.count("<span") == out.count("</span>") == 3
    assert "&lt;b&gt;Sở&lt;/b&gt;" in out
    assert re.sub(r"<[^>]+>", "", out).replace("&lt;", "<").replace("&gt;", ">") == text


def test_user_add_command(site):
    res = CliRunner().invoke(cli_main, ["user", "add", "minh", "--db", site["db"]], input="mat-khau-minh\nmat-khau-minh\n")
    assert res.exit_code == 0, res.output
    with open_store(site["db"]) as s:
        stored = s.scalar("SELECT password_hash FROM web_users WHERE name = ?", ("minh",))
    assert stored.startswith(("scrypt:", "pbkdf2:")) and "mat-khau-minh" not in stored
    c = site["app"].test_client()
    assert login(c, "minh", "mat-khau-minh").status_code == 302
    res = CliRunner().invoke(cli_main, ["user", "add", "ngan", "--db", site["db"]], input="ngan\nngan\n")
    assert res.exit_code != 0 and "at least" in res.output


def test_sign_in_never_redirects_off_site(client):
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        resp = client.post("/dang-nhap", data={"username": "lan", "password": PASSWORD, "next": target,
                                               "csrf_token": token(client)})
        assert resp.status_code == 302 and resp.headers["Location"] == "/", target


def test_pictures_escape_labels():
    from pipeline.web.svg import Chart, Edge, Node, bar_chart, neighbourhood

    svg = str(neighbourhood(Node("<script>a</script>", "x&y"), [Edge(Node("Luật <b>", ""), "căn cứ")], []))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "x&amp;y" in svg and "Luật &lt;b&gt;" in svg
    chart = str(bar_chart(Chart("t", ["Sở <i>A</i>"], {"Chưa thực hiện": [2.0]}, "nhiệm vụ")))
    assert "<i>" not in chart and "Sở &lt;i&gt;A&lt;/i&gt;" in chart and ">2 nhiệm vụ<" in chart


def test_repeated_wrong_passwords_are_throttled(site):
    c = create_app(site["db"], import_dir=site["tmp"] / "imports", LOGIN_FAILURES=3, TESTING=True).test_client()
    assert [login(c, password=f"sai-{i}").status_code for i in range(3)] == [401, 401, 401]
    assert login(c).status_code == 429  # even the right password, for a while
    assert login(c, name="minh-khac").status_code == 401  # other names are not locked out


def test_plain_form_upload_reports_each_file_and_keeps_one_copy_of_duplicates(site, client):
    import io

    login(client)
    imports = site["tmp"] / "imports"
    text = (ROOT / "corpus/docs/seeds/004_9789b1cfca0ebaa2.txt").read_bytes()  # already in the database
    before = set(imports.iterdir()) if imports.exists() else set()
    resp = client.post("/tai-len", content_type="multipart/form-data", data={
        "csrf_token": token(client, "/tai-len"),
        "files": [(io.BytesIO(text), "qd-2211.txt"), (io.BytesIO(b"%PDF-1.4 nothing"), "<b>hong</b>.docx")]})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<li class="ok"><strong>qd-2211.txt</strong>: Đã nhận, đang chờ nhập' in html
    assert '<li class="err"><strong>&lt;b&gt;hong&lt;/b&gt;.docx</strong>: Nội dung tệp không khớp' in html
    page = re.search(r'href="(/tai-len/viec/(\d+))"', html)
    job = wait_job(client, f"/api/jobs/{page.group(2)}")
    assert job["message"] == "Văn bản này đã có trong cơ sở dữ liệu"
    assert job["document_id"] == site["ids"]["004_9789b1cfca0ebaa2.txt"]
    html = client.get(page.group(1)).get_data(as_text=True)
    assert f'href="/van-ban/{site["ids"]["004_9789b1cfca0ebaa2.txt"]}"' in html and "qd-2211.txt" in html
    assert set(imports.iterdir()) == before  # the duplicate was not kept, the bad file never written


# ---------------------------------------------------------------- tracker and document page (issue 13)

def test_tracker_pages_sorts_and_exports_exactly_the_filtered_list(site, client):
    import csv
    import io

    from openpyxl import load_workbook

    with open_store(site["db"]) as s:
        total = s.scalar("SELECT COUNT(*) FROM tasks")
    html = client.get("/nhiem-vu?n=20").get_data(as_text=True)
    assert f"<strong>{total}</strong> nhiệm vụ" in html
    assert html.count('<tr id="row-') == min(20, total) and 'rel="next"' in html
    page2 = client.get("/nhiem-vu?n=20&page=2").get_data(as_text=True)
    assert not set(re.findall(r'id="row-(\d+)"', html)) & set(re.findall(r'id="row-(\d+)"', page2))
    resp = client.get("/nhiem-vu/xuat.csv?agency=SCT&sort=-due")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    shown = re.findall(r'id="row-(\d+)"', client.get("/nhiem-vu?agency=SCT&sort=-due&n=100").get_data(as_text=True))
    assert [r["Mã"] for r in rows] == shown and rows
    assert all("Công Thương" in r["Cơ quan chủ trì"] for r in rows)
    soon = list(csv.DictReader(io.StringIO(client.get("/nhiem-vu/xuat.csv?period=soon").get_data().decode("utf-8-sig"))))
    assert [(r["Mã"], r["Tình trạng"], r["Hạn theo văn bản"]) for r in soon] == \
        [(str(task_id(site, "bố trí kinh phí")), "Sắp đến hạn", "2020-07-03")]
    wb = load_workbook(io.BytesIO(client.get("/nhiem-vu/xuat.xlsx?q=bo+tri+kinh+phi").get_data()))
    ids = [str(r[0]) for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert str(task_id(site, "bố trí kinh phí")) in ids and len(ids) < total
    assert client.get("/nhiem-vu/xuat.pdf").status_code == 404
    assert client.get("/nhiem-vu?period=overdue&sort=-due&tl=overdue").status_code == 200


def test_extension_with_reason_and_my_unit_default(site, client):
    tid = task_id(site, "rà soát quy hoạch")
    login(client)
    t = token(client, "/nhiem-vu")
    client.post(f"/nhiem-vu/{tid}/gia-han", data={"due": "2020-09-30", "reason": "", "csrf_token": t})
    with open_store(site["db"]) as s:
        assert s.scalar("SELECT COUNT(*) FROM task_extensions WHERE task_id = ?", (tid,)) == 0
    client.post(f"/nhiem-vu/{tid}/gia-han", data={"due": "2020-09-30", "reason": "chờ quy hoạch chung", "csrf_token": t})
    with open_store(site["db"]) as s:
        assert s.one("SELECT new_due, reason, changed_by FROM task_extensions WHERE task_id = ?", (tid,)) == \
            {"new_due": "2020-09-30", "reason": "chờ quy hoạch chung", "changed_by": "lan"}
    html = client.get(f"/nhiem-vu?doc={site['ids']['crafted_old.txt']}&agency=").get_data(as_text=True)
    row = re.search(rf'<tr id="row-{tid}".*?</tr>', html, re.S).group(0)
    assert "30/09/2020" in row and "gia hạn từ không có hạn" in row and "Chưa đến hạn" in row
    assert "Gia hạn không có hạn → 30/09/2020. chờ quy hoạch chung" in row
    client.post("/tai-khoan/don-vi", data={"unit": "Sở Xây dựng", "csrf_token": t})
    mine = client.get("/nhiem-vu").get_data(as_text=True)
    assert re.findall(r'id="row-(\d+)"', mine) == [str(tid)]  # only the unit's task, by default
    every = client.get("/nhiem-vu?agency=").get_data(as_text=True)
    assert len(re.findall(r'id="row-(\d+)"', every)) > 1
    client.post("/tai-khoan/don-vi", data={"unit": "", "csrf_token": t})


def test_document_tabs_validity_header_spans_and_files(site, client):
    old, new = site["ids"]["crafted_old.txt"], site["ids"]["crafted_new.txt"]
    html = client.get(f"/van-ban/{old}").get_data(as_text=True)
    for tab in ("tab-thuoc-tinh", "tab-noi-dung", "tab-lien-quan", "tab-nhiem-vu", "tab-kinh-phi", "tab-tai-ve"):
        assert f'id="{tab}"' in html
    assert '<span class="validity ended">Hết hiệu lực</span>' in html and "Bị thay thế bởi" in html
    assert '<span class="validity valid">Còn hiệu lực</span>' in client.get(f"/van-ban/{new}").get_data(as_text=True)
    real = site["ids"]["004_9789b1cfca0ebaa2.txt"]
    page = client.get(f"/van-ban/{real}").get_data(as_text=True)
    link = re.search(r'<dt>Số, ký hiệu</dt><dd>[^<]*<a class="span-link" href="#at-(hdr-\d+)"', page)
    assert link and f'id="at-{link.group(1)}"' in page  # the number is linked to where it is printed
    files = re.findall(rf'href="(/van-ban/{real}/tep/\d+)"', page)
    assert files
    got = client.get(files[0])
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    with open_store(site["db"]) as s:
        path = s.scalar("SELECT source_path FROM documents WHERE id = ?", (real,))
    assert got.get_data() == Path(path).read_bytes()
    assert client.get(f"/van-ban/{real}/tep/999999").status_code == 404
    assert client.get(f"/van-ban/{old}/tep/{files[0].rsplit('/', 1)[1]}").status_code == 404  # not its file
    assert client.get(f"/van-ban/{real}/tep/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_cited_document_not_in_archive_has_a_page(site, client):
    real = site["ids"]["004_9789b1cfca0ebaa2.txt"]
    with open_store(site["db"]) as s:
        ref = s.one("SELECT id, number, relation FROM doc_references WHERE document_id = ? AND cited_document_id IS NULL "
                    "AND number IS NOT NULL ORDER BY seq", (real,))
    assert ref
    page = client.get(f"/van-ban/{real}").get_data(as_text=True)
    assert f'href="/trich-dan/{ref["id"]}"' in page
    html = client.get(f"/trich-dan/{ref['id']}").get_data(as_text=True)
    assert "không có trong kho" in html and ref["number"] in html
    assert f'href="/van-ban/{real}"' in html and ref["relation"].capitalize() in html
    assert client.get("/trich-dan/999999").status_code == 404
    old_ref = None
    with open_store(site["db"]) as s:
        old_ref = s.scalar("SELECT id FROM doc_references WHERE document_id = ?", (site["ids"]["crafted_new.txt"],))
    resp = client.get(f"/trich-dan/{old_ref}")  # a cited document the archive holds: its own page
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/van-ban/{site['ids']['crafted_old.txt']}")


def test_job_times_are_shown_in_vietnam_time():
    from pipeline.web import _vntime

    assert _vntime("2026-12-06T14:14:24+00:00") == "06/12/2026 21:14"
    assert _vntime(None) == ""
