"""Programs in real headless Chromium, at 1366 px and 390 px (issue 12's done-when), and the pages the
first browser tests leave out, on a phone (issue 13, item 4): upload, import jobs, password, programs.

The server is the same as test_browser.py's: `vanban serve`'s application over a fresh database of the
seed documents (seed 004 is QĐ 2211/QĐ-UBND, which approves the An Giang 2016–2020 khuyến công program)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import test_browser
from test_browser import CHROMIUM, PASSWORD, ROOT, USER, WIDTHS, at, fits, shot, sign_in

server, browser = test_browser.server, test_browser.browser  # the same fixtures: a server of the seeds, Chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]

KEY = "ct-khuyen-cong-an-giang-2016-2020"
SEED_004 = next((ROOT / "corpus/docs/seeds").glob("004_*.txt"))


def tỷ(s: str) -> float:
    """"38,09" → 38.09; "45.461" → 45461."""
    return float(s.replace(".", "").replace(",", "."))


def chart_text_ok(page, chart: str) -> None:
    """The chart that is shown at this width: its text at least 10 px high."""
    texts = page.locator(f"{chart} text")
    assert texts.count() > 0
    shown = [t for t in texts.all() if t.is_visible()]
    assert shown
    for t in shown[:12]:
        assert t.bounding_box()["height"] >= 10, t.inner_text()


def skip_link_ok(page) -> None:
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.querySelector('a[href], button, input, select, textarea')")
    skip.focus()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    skip.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def visible_chart(page, card: str) -> str:
    """The selector of the chart in `card` that this width shows (wide on a laptop, narrow on a phone)."""
    for kind in ("wide", "narrow"):
        sel = f"{card} svg.chart.{kind}"
        if page.locator(sel).count() and page.locator(sel).first.is_visible():
            return sel
    raise AssertionError(f"no chart shown in {card}")


def test_fixture_has_seed_004(server):
    from pipeline.store import open_store

    with open_store(server["db"]) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM documents WHERE number = '2211/QĐ-UBND' AND source_path LIKE ?",
                        (f"%{SEED_004.name}",)) == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_program_list_and_page_show_approval_tasks_and_budget_by_source(server, browser, width):
    ctx, page, errors = at(browser, width)
    page.goto(server["url"] + "/")
    if width == 390:
        page.click("label.menu-button")
    page.click("header.top nav a:has-text('Chương trình')")
    page.wait_for_selector("#programs")
    fits(page, width)
    row = page.locator(f"#programs tbody tr:has(a[href='/programs/{KEY}'])")
    assert row.count() == 1
    text = row.inner_text()
    assert "2016–2020" in text
    assert "2211/QĐ-UBND" in text  # its approving decision, in the list
    assert "73.440.000.000 đồng" in text  # planned: the allocation, once (its components are not added again)
    link = row.locator(f"a[href='/programs/{KEY}']").first
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    shot(page, f"programs-{width}", full_page=False)
    skip_link_ok(page)

    link.click()
    page.wait_for_selector("#approval")
    fits(page, width)
    approval = page.locator("#approval")
    assert "2211/QĐ-UBND" in approval.inner_text() and "03/08/2016" in approval.inner_text()
    approval.locator("a:has-text('2211/QĐ-UBND')").click()  # the approving decision's page
    page.wait_for_selector("h1:has-text('2211/QĐ-UBND')")
    page.go_back()
    page.wait_for_selector("#budget")

    # budget by source: 6 tỷ national khuyến công, 38,09 tỷ counterpart funds, 29,35 tỷ local budget
    budget = page.locator("#budget table")
    lines = {r.split("\t")[0].split("\n")[0].strip(): r for r in budget.locator("tbody tr").all_inner_texts()}
    by_amount = {}
    for r in budget.locator("tbody tr").all():
        amount = re.search(r"([\d.]+) đồng", r.inner_text())
        if amount:
            by_amount[int(amount.group(1).replace(".", ""))] = r.inner_text()
    assert {6_000_000_000, 38_090_000_000, 29_350_000_000} <= set(by_amount), lines
    assert re.search(r"Trung ương|quốc gia|KCQG", by_amount[6_000_000_000], re.I)
    assert re.search(r"đối ứng", by_amount[38_090_000_000], re.I)
    assert re.search(r"địa phương|tỉnh", by_amount[29_350_000_000], re.I)
    assert not any(re.search(r"45\.461", r) for r in lines.values())  # production value: not a budget

    # the chart shown at this width says the same, legibly
    chart = visible_chart(page, "#budget")
    titles = page.locator(f"{chart} rect title").all_text_contents()
    values = {tỷ(m.group(1)) for t in titles if (m := re.search(r": ([\d.,]+) tỷ đồng", t))}
    assert {6.0, 38.09, 29.35} <= values, titles
    assert all(v < 45461 for v in values)
    chart_text_ok(page, chart)
    fits(page, width)
    page.locator(chart).scroll_into_view_if_needed()
    shot(page, f"program-budget-{width}", full_page=False)

    # tasks by agency: Sở Công Thương leads the program, Sở Tài chính funds it
    tasks = page.locator("#tasks")
    tasks.scroll_into_view_if_needed()
    agencies = tasks.locator("table tbody tr").all_inner_texts()
    assert len(agencies) >= 5
    assert any(a.startswith("Sở Công Thương") for a in agencies)
    assert any(a.startswith("Sở Tài chính") for a in agencies)
    assert tasks.locator("ul li").count() >= len(agencies)
    assert "Sở Công Thương" in tasks.locator("ul li").first.inner_text()
    fits(page, width)
    shot(page, f"program-tasks-{width}", full_page=False)
    skip_link_ok(page)
    ctx.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_budget_chart_has_no_statistic(server, browser, width):
    """Seed 004's production value (45.461 tỷ đồng) and its sales (about 782 tỷ đồng) are statistics: no
    bar of the budget chart holds them, whether on its own or added into a source's total."""
    from pipeline.store import open_store

    with open_store(server["db"]) as s:
        stats = [r["amount_vnd"] / 1e9 for r in s.query(
            "SELECT b.amount_vnd FROM budgets b JOIN documents d ON d.id = b.document_id "
            "WHERE d.number = '2211/QĐ-UBND' AND b.kind = 'statistic'")]
    assert 45461.0 in stats  # the record knows it as a statistic
    ctx, page, errors = at(browser, width)
    page.goto(server["url"] + "/thong-ke")
    card = "section.card:has(h2:has-text('Kinh phí'))"
    assert page.locator(card).count() == 1
    chart = visible_chart(page, card)
    text = " ".join(page.locator(f"{chart} text").all_text_contents())
    titles = page.locator(f"{chart} rect title").all_text_contents()
    assert titles  # allocations and actuals are drawn
    assert "45.461" not in text + " ".join(titles)
    assert not re.search(r"giá trị sản xuất|doanh thu|kim ngạch|thống kê", text + " ".join(titles), re.I)
    segments = [tỷ(m.group(1)) for t in titles if (m := re.search(r": ([\d.,]+) tỷ đồng$", t.strip()))]
    assert len(segments) == len(titles)
    smallest_statistic = min(stats)
    assert all(v < smallest_statistic for v in segments), (segments, stats)
    # every bar is labelled as planned or spent
    labels = [t for t in page.locator(f"{chart} text.cl title").all_text_contents()]
    assert labels and all(re.search(r"Kế hoạch|Thực hiện|Chưa rõ kế hoạch/thực hiện", t) for t in labels), labels
    chart_text_ok(page, chart)
    fits(page, width)
    page.locator(card).scroll_into_view_if_needed()
    shot(page, f"dashboard-budget-{width}", full_page=False)
    ctx.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_upload_jobs_and_password_pages_fit(server, browser, width, tmp_path):
    ctx, page, errors = at(browser, width)
    sign_in(page, server["url"])
    page.goto(server["url"] + "/tai-len")
    fits(page, width)
    skip_link_ok(page)
    local = tmp_path / f"van-ban-tai-len-co-ten-tep-rat-dai-de-thu-do-rong-man-hinh-dien-thoai-{width}.txt"
    shutil.copy(SEED_004, local)
    page.set_input_files("#files", str(local))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-list li.ok, #upload-list li.err", timeout=120_000)
    fits(page, width)
    shot(page, f"upload-{width}", full_page=False)

    page.goto(server["url"] + "/tai-len/viec")
    row = page.locator("table.jobs tbody tr", has_text=local.name)
    assert row.count() == 1
    fits(page, width)
    skip_link_ok(page)
    if width == 390:  # each job a card: its status is on screen, not to the right
        badge = row.locator(".badge").bounding_box()
        assert badge["x"] >= 0 and badge["x"] + badge["width"] <= width
    shot(page, f"jobs-{width}", full_page=False)

    page.goto(server["url"] + "/doi-mat-khau")
    assert page.locator("h1").inner_text() == "Đổi mật khẩu"
    fits(page, width)
    skip_link_ok(page)
    for name in ("old", "new", "again"):
        box = page.locator(f"input[name={name}]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.fill("input[name=old]", PASSWORD)
    page.fill("input[name=new]", PASSWORD + "-x")
    page.fill("input[name=again]", PASSWORD + "-y")  # a mismatch: refused, nothing changes
    before = len(errors)
    page.click("main form button[type=submit]")
    page.wait_for_selector(".flash.error")
    assert all("status of 400" in e for e in errors[before:])  # the refused form comes back as 400
    del errors[before:]
    fits(page, width)
    shot(page, f"password-{width}", full_page=False)
    assert page.locator(f"header.top a.who:text('{USER}')").count() == 1
    ctx.close()
    assert not errors, errors
