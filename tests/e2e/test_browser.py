"""End to end in real headless Chromium (Debian's, driven by Playwright)
against `vanban serve`'s application on 127.0.0.1, over a fresh database of
the seed documents. Screenshots of the main pages go to test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
playwright_api = pytest.importorskip("playwright.sync_api")

from webdb import ROOT, build_db  # noqa: E402

from pipeline.store import open_store  # noqa: E402
from pipeline.web import create_app  # noqa: E402
from pipeline.web.auth import hash_password  # noqa: E402
from pipeline.web.data import set_user  # noqa: E402

ARTIFACTS = Path(os.environ.get("VANBAN_ARTIFACTS") or ROOT / "test-artifacts")  # CI keeps this directory
USER, PASSWORD = "thu", "mat-khau-e2e-1"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from werkzeug.serving import make_server

    tmp = tmp_path_factory.mktemp("e2e")
    db = build_db(tmp, crafted=False)
    with open_store(db) as s:
        set_user(s, USER, hash_password(PASSWORD))
    app = create_app(db, import_dir=tmp / "imports")
    srv = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: a free one
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{srv.server_port}", "db": db}
    srv.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.set_default_timeout(90_000)  # the machine may be busy: importing runs the whole pipeline
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    ctx.close()
    assert not errors, errors  # no script errors, no CSP violations


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def sign_in(page, url: str) -> None:
    page.goto(url + "/dang-nhap")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_selector(f"header.top a.who:text('{USER}')", state="attached")  # in the menu at 390 px


def test_search_then_open_seed_004_with_budget_and_tasks_highlighted(server, page):
    page.goto(server["url"] + "/")
    page.fill("input[name=q]", "khuyen cong")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.results li")
    assert page.locator("ol.results mark.q").count() > 0
    shot(page, "search")
    page.click("ol.results a.title:has-text('2211/QĐ-UBND')")
    page.wait_for_selector("h1:has-text('2211/QĐ-UBND')")
    budgets, tasks = page.locator("#doctext .hl-budget"), page.locator("#doctext .hl-task")
    assert budgets.count() > 0 and tasks.count() > 0
    page.click(".tabs [role=tab]:has-text('Nội dung')")
    assert budgets.first.is_visible()
    assert re.search(r"\d tỷ đồng|\d triệu đồng|đồng", budgets.first.inner_text())
    bg = page.evaluate("e => getComputedStyle(e).backgroundColor", budgets.first.element_handle())
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")  # the stylesheet loaded and colours it
    target = budgets.first.get_attribute("data-href")
    budgets.first.click()  # a highlight leads to its record
    assert page.evaluate("location.hash") == target
    assert page.locator(target).is_visible()
    assert page.locator("svg.graph .node.center").count() == 1
    shot(page, "document")


def test_sign_in_mark_overdue_task_done_and_it_leaves_the_list(server, page):
    page.goto(server["url"] + "/nhiem-vu?due=overdue&n=100")
    rows = page.locator("#tasks tbody tr.overdue")
    before = rows.count()
    assert before > 0
    assert page.locator("#tasks form").count() == 0  # reading needs no sign-in, editing forms need it
    assert page.evaluate("e => getComputedStyle(e).color", page.locator("tr.overdue td.due").first.element_handle()) \
        == "rgb(197, 48, 48)"  # red
    task_id = rows.first.get_attribute("data-task")
    shot(page, "tasks-overdue")
    page.click("header.top >> text=Đăng nhập")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r"/nhiem-vu\?due=overdue"))
    row = page.locator(f"#row-{task_id}")
    row.locator("select[name=status]").select_option("done")
    row.locator(".status-form input[name=note]").fill("Đã hoàn thành, báo cáo gửi UBND")
    row.locator("button:has-text('Lưu')").click()
    page.wait_for_selector(".flash.info")
    assert page.locator(f"#row-{task_id}").count() == 0
    assert page.locator("#tasks tbody tr.overdue").count() == before - 1
    page.goto(server["url"] + f"/nhiem-vu?q=&n=100&sort=id&page={1}")
    while page.locator(f"#row-{task_id}").count() == 0 and page.locator("a[rel=next]").count():
        page.click("a[rel=next]")
    assert "Hoàn thành" in page.locator(f"#row-{task_id}").inner_text()
    page.locator(f"#row-{task_id}").scroll_into_view_if_needed()
    shot(page, "tasks", full_page=False)
    with open_store(server["db"]) as s:
        h = s.one("SELECT new_status, changed_by FROM task_status_history WHERE task_id = ?", (int(task_id),))
    assert h == {"new_status": "done", "changed_by": USER}
    page.goto(server["url"] + "/thong-ke")
    assert page.locator("svg.chart.wide").count() == 3
    shot(page, "dashboard")


def test_upload_docx_then_find_it(server, page, tmp_path):
    docx = next((ROOT / "corpus/files").glob("002_*.docx"))
    local = tmp_path / docx.name
    shutil.copy(docx, local)
    sign_in(page, server["url"])
    page.goto(server["url"] + "/tai-len")
    page.set_input_files("#files", str(local))
    page.click("#upload-form button[type=submit]")
    done = page.wait_for_selector("#upload-list li.ok a", timeout=120_000)
    href = done.get_attribute("href")
    assert re.fullmatch(r"/van-ban/\d+", href)
    assert page.locator("#upload-list li.err").count() == 0
    shot(page, "upload")
    page.goto(server["url"] + "/?q=bao+ve+khoang+san+chua+khai+thac")
    assert page.locator(f"ol.results a.title[href='{href}']").count() == 1
    page.click(f"ol.results a.title[href='{href}']")
    assert "khoáng sản chưa khai thác" in page.inner_text("#doctext")


# ---------------------------------------------------------------- issue 13: every flow at 1366 px and 390 px

WIDTHS = [1366, 390]


def at(browser, width: int):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.set_default_timeout(90_000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return ctx, pg, errors


def fits(page, width: int) -> None:
    """No horizontal scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_and_has_a_skip_link(server, browser, width):
    ctx, page, errors = at(browser, width)
    with open_store(server["db"]) as s:
        doc = s.scalar("SELECT id FROM documents WHERE number = '2211/QĐ-UBND'")
    for name, path in [("search", "/?q=khuyen+cong"), ("tasks", "/nhiem-vu"), ("dashboard", "/thong-ke"),
                       ("document", f"/van-ban/{doc}"), ("login", "/dang-nhap")]:
        page.goto(server["url"] + path)
        fits(page, width)
        shot(page, f"{name}-{width}", full_page=False)
        skip = page.locator("a.skip")  # the first thing Tab reaches, shown when focused
        assert skip.evaluate("e => e === document.querySelector('a[href], button, input, select, textarea')")
        assert not skip.is_visible() or skip.bounding_box()["x"] < 0
        skip.focus()
        box = skip.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0
        skip.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    if width == 390:
        page.goto(server["url"] + "/nhiem-vu")
        nav = page.locator("header.top nav")
        assert not nav.is_visible()
        page.click("label.menu-button")
        assert nav.is_visible()
        page.goto(server["url"] + "/thong-ke")
        text = page.locator("svg.chart.narrow text.cl").first
        assert text.is_visible() and text.bounding_box()["height"] >= 10  # ~4 px before
        assert not page.locator("svg.chart.wide").first.is_visible()
    ctx.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_tracker_filters_pages_exports_and_fits(server, browser, width, tmp_path):
    ctx, page, errors = at(browser, width)
    page.goto(server["url"] + "/nhiem-vu?n=20")
    total = int(page.locator("#task-count strong").inner_text())
    assert page.locator("#tasks tbody tr[data-task]").count() == min(20, total)
    fits(page, width)
    if width == 390:  # cards: the due date and status are on screen, not 1,000 px to the right
        due = page.locator("#tasks tbody tr[data-task] td.due").first.bounding_box()
        assert due["x"] + due["width"] <= 390
    page.fill("input[name=agency]", "SCT")
    page.select_option("select[name=period]", "none")  # the seeds give Sở Công Thương tasks without a deadline
    page.click("#task-filters button[type=submit]")
    page.wait_for_url(re.compile(r"agency=SCT"))
    shown = page.locator("#tasks tbody tr[data-task]").count()
    assert 0 < shown < total
    assert set(page.locator("#tasks tbody tr[data-task] .tl").all_inner_texts()) == {"Không có hạn"}
    assert all("Công Thương" in t for t in page.locator("#tasks tbody tr[data-task] td:nth-child(2)").all_inner_texts())
    shot(page, f"tasks-filtered-{width}")
    with page.expect_download() as dl:
        page.click("#export-csv")
    path = tmp_path / "x.csv"
    dl.value.save_as(path)
    assert len(path.read_text("utf-8-sig").strip().splitlines()) == shown + 1  # exactly the filtered list
    fits(page, width)
    ctx.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_extend_then_close_with_report(server, browser, width):
    ctx, page, errors = at(browser, width)
    sign_in(page, server["url"])
    page.goto(server["url"] + "/nhiem-vu?agency=&status=open&sort=id")
    row = page.locator("#tasks tbody tr[data-task]").first  # each run closes the first overdue one
    tid = row.get_attribute("data-task")
    row = page.locator(f"#row-{tid}")
    row.locator("details.extend summary").click()
    row.locator("input[name=due]").fill("2099-12-31")
    row.locator("input[name=reason]").fill("chờ kinh phí bổ sung")
    row.locator("button:has-text('Gia hạn')").click()
    page.wait_for_selector(".flash.info")
    page.goto(server["url"] + "/nhiem-vu?agency=&q=&sort=id&n=100")
    while page.locator(f"#row-{tid}").count() == 0 and page.locator("a[rel=next]").count():
        page.click("a[rel=next]")
    row = page.locator(f"#row-{tid}")
    assert "31/12/2099" in row.inner_text() and "chờ kinh phí bổ sung" in row.inner_text()
    row.locator("select[name=status]").select_option("done")
    row.locator("button:has-text('Lưu')").click()  # without the report note: refused
    page.wait_for_selector(".flash.error")
    row = page.locator(f"#row-{tid}")
    row.locator("select[name=status]").select_option("done")
    row.locator(".status-form input[name=note]").fill("Đã xong")
    row.locator("button:has-text('Lưu')").click()
    page.wait_for_selector(".flash.info")
    fits(page, width)
    shot(page, f"tasks-closed-{width}", full_page=False)
    with open_store(server["db"]) as s:
        assert s.scalar("SELECT status FROM tasks WHERE id = ?", (int(tid),)) == "done"
        assert s.scalar("SELECT reason FROM task_extensions WHERE task_id = ?", (int(tid),)) == "chờ kinh phí bổ sung"
    ctx.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_document_tabs_cited_page_and_download(server, browser, width, tmp_path):
    ctx, page, errors = at(browser, width)
    with open_store(server["db"]) as s:
        doc = s.scalar("SELECT id FROM documents WHERE number = '2211/QĐ-UBND'")
    page.goto(server["url"] + f"/van-ban/{doc}")
    tabs = page.locator(".tabs [role=tab]")
    assert tabs.all_inner_texts()[0] == "Thuộc tính" and tabs.count() == 6
    assert page.locator("#tab-thuoc-tinh").is_visible() and not page.locator("#tab-noi-dung").is_visible()
    assert page.locator("#validity .validity").is_visible()
    page.locator("dl.fields a.span-link").first.click()  # a header field leads to where it is printed
    assert page.locator("#tab-noi-dung").is_visible()
    target = page.evaluate("location.hash")
    assert target.startswith("#at-hdr-") and page.locator(target).is_visible()
    budgets = page.locator("#doctext .hl-budget")
    budgets.first.click()  # a highlight opens its record's tab
    assert page.locator("#tab-kinh-phi").is_visible()
    page.click(".tabs [role=tab]:has-text('Liên quan')")
    assert page.locator("svg.graph").is_visible()
    fits(page, width)
    shot(page, f"document-tabs-{width}", full_page=False)
    page.click(".tabs [role=tab]:has-text('Tải về')")
    with page.expect_download() as dl:
        page.locator("ul.files a").first.click()
    assert dl.value.suggested_filename.startswith("004_")
    page.click(".tabs [role=tab]:has-text('Liên quan')")
    page.locator("a.not-in-archive").first.click()
    page.wait_for_selector("ul.citers li")
    assert "không có trong kho" in page.inner_text("main")
    fits(page, width)
    shot(page, f"cited-{width}", full_page=False)
    ctx.close()
    assert not errors, errors
