"""End to end in real headless Chromium (Debian's, driven by Playwright)
against `vanban serve`'s application on 127.0.0.1, over a fresh database of
the seed documents. Screenshots of the main pages go to test-artifacts/."""

from __future__ import annotations

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

ARTIFACTS = ROOT / "test-artifacts"
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
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def sign_in(page, url: str) -> None:
    page.goto(url + "/dang-nhap")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_selector(f"header.top >> text={USER}")


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
    page.goto(server["url"] + "/nhiem-vu?due=overdue")
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
    row.locator("button:has-text('Lưu')").click()
    page.wait_for_selector(".flash.info")
    assert page.locator(f"#row-{task_id}").count() == 0
    assert page.locator("#tasks tbody tr.overdue").count() == before - 1
    page.goto(server["url"] + "/nhiem-vu")
    assert "Hoàn thành" in page.locator(f"#row-{task_id}").inner_text()
    page.locator(f"#row-{task_id}").scroll_into_view_if_needed()
    shot(page, "tasks", full_page=False)
    with open_store(server["db"]) as s:
        h = s.one("SELECT new_status, changed_by FROM task_status_history WHERE task_id = ?", (int(task_id),))
    assert h == {"new_status": "done", "changed_by": USER}
    page.goto(server["url"] + "/thong-ke")
    assert page.locator("svg.chart").count() == 3
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
