"""The task tracker (pipeline.tracker): agencies as staff name them, statuses crossed with time, Vietnam dates,
periods, extensions, closing reports, and the CLI's list and export of exactly the filtered tasks."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e.webdb import TODAY, build_db  # noqa: E402

from pipeline import tracker  # noqa: E402
from pipeline.cli import main as cli_main  # noqa: E402
from pipeline.queries import QueryError  # noqa: E402
from pipeline.store import open_store  # noqa: E402

# names the extractors printed as assignees in corpus/docs + corpus/files (vanban import of the sample archive)
PRINTED = [(1, "Sở Công Thương", 50), (2, "Sở Công Thương tỉnh Lào Cai", 2), (3, "Sở Công Thương tỉnh Quảng Ngãi", 4),
           (4, "Giám đốc Sở Công Thương", 12), (5, "Bùi Việt Cường - Thành viên", 1),
           (6, "Đỗ Mạnh Cường - Phó Trưởng đoàn", 1), (7, "Ban Quản lý các Khu công nghiệp", 6),
           (8, "Ban Quản lý các khu công nghiệp chấp", 1), (9, "Trung tâm Quản lý chất lượng", 1),
           (10, "Trung tâm QLCL", 1), (11, "Công an tỉnh", 22), (12, "Công an tỉnh Lào Cai", 1),
           (13, "Bộ Khoa học và Công nghệ", 51), (14, "Bộ Khoa học", 1), (15, "Giám đốc", 1), (16, "Trưởng đoàn", 1),
           (17, "Ủy ban nhân dân cấp xã", 65), (18, "Ủy ban nhân dân Ủy ban nhân dân cấp xã", 2),
           (19, "Ủy ban nhân dân tỉnh Khánh Hòa", 3), (20, "Ủy ban nhân dân tỉnh", 1), (21, "Các Bộ trưởng", 2),
           (22, "Tổng Thư ký Quốc hội - Chủ nhiệm Văn phòng Quốc hội", 1), (23, "Quốc hội", 1)]


def test_agencies_merge_variants_and_drop_people_and_fragments():
    groups = {a.name: a for a in tracker._agencies(tuple(PRINTED))}
    assert sorted(groups["Sở Công Thương"].body_ids) == [1, 2, 3, 4]  # place variants and the director's unit
    assert groups["Sở Công Thương"].tasks == 68
    assert groups["Ban Quản lý các Khu công nghiệp"].body_ids == [7, 8]  # a word cut after the name
    assert groups["Trung tâm Quản lý chất lượng"].body_ids == [9, 10]  # the acronym
    assert groups["Công an tỉnh"].body_ids == [11, 12]
    assert groups["Bộ Khoa học và Công nghệ"].body_ids == [13, 14]  # cut before "và"
    assert groups["Ủy ban nhân dân cấp xã"].body_ids == [17, 18]  # the head printed twice
    assert groups["Ủy ban nhân dân tỉnh Khánh Hòa"].body_ids == [19]  # a province's committee stays apart
    assert groups["Quốc hội"].body_ids == [22, 23]
    every = {i for a in groups.values() for i in a.body_ids}
    assert not every & {5, 6, 15, 16, 21}  # people and bare titles are never agencies
    assert len(groups) == 9


def test_typed_abbreviations_resolve():
    assert tracker.typed_name("SCT") == "Sở Công Thương"
    assert tracker.typed_name("sở ct") == "Sở Công Thương"
    assert tracker.typed_name("UBND cấp xã") == "Ủy ban nhân dân cấp xã"
    assert tracker.typed_name("STC") == "Sở Tài chính"


def test_timeliness_crossed_with_time():
    t = date(2026, 3, 10)
    assert tracker.timeliness("open", "2026-04-01", None, t) == ("not_due", 0)
    assert tracker.timeliness("in_progress", "2026-04-01", None, t) == ("on_track", 0)
    assert tracker.timeliness("open", "2026-03-12", None, t) == ("soon", 0)
    assert tracker.timeliness("blocked", "2026-03-01", None, t) == ("overdue", 9)
    assert tracker.timeliness_label("overdue", 9) == "Quá hạn 9 ngày"
    assert tracker.timeliness("done", "2026-03-01", date(2026, 3, 1), t) == ("done_on_time", 0)
    assert tracker.timeliness("done", "2026-03-01", date(2026, 3, 4), t) == ("done_late", 3)
    assert tracker.timeliness("open", None, None, t) == ("no_deadline", 0)
    assert tracker.timeliness("cancelled", "2026-03-01", None, t) == ("cancelled", 0)


def test_vietnam_time_and_periods():
    assert tracker.vn_time("2026-11-23T18:50:00+00:00") == "24/11/2026 01:50"  # past midnight in Hà Nội
    assert tracker.vn_date("2026-11-23T18:50:00+00:00") == date(2026, 11, 24)
    t = date(2026, 2, 18)  # a Wednesday
    assert tracker.period_range("week", t) == ("2026-02-16", "2026-02-22")
    assert tracker.period_range("month", t) == ("2026-02-01", "2026-02-28")
    assert tracker.period_range("quarter", date(2026, 11, 5)) == ("2026-10-01", "2026-12-31")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("tracker"), seeds="004_*")


def _id(store, words):
    return store.scalar("SELECT id FROM tasks WHERE action LIKE ?", (f"%{words}%",))


def test_list_filters_sorts_pages(db):
    with open_store(db) as s:
        everything = tracker.task_list(s, per_page=None, today=TODAY)
        assert everything.total == s.scalar("SELECT COUNT(*) FROM tasks") and everything.total > 10
        p1 = tracker.task_list(s, per_page=5, page=1, today=TODAY)
        p2 = tracker.task_list(s, per_page=5, page=2, today=TODAY)
        assert [r.id for r in p1.rows] + [r.id for r in p2.rows] == everything.ids[:10]
        assert p1.pages == -(-everything.total // 5)
        dues = [r.due_date for r in everything.rows if r.due_date]
        assert dues == sorted(dues)
        late = tracker.task_list(s, tracker.TrackerFilter(period="overdue"), today=TODAY)
        assert {r.timeliness for r in late.rows} == {"overdue"}
        assert _id(s, "xây dựng kế hoạch") in late.ids
        sct = tracker.task_list(s, tracker.TrackerFilter(agency="SCT"), today=TODAY, per_page=None)
        assert sct.total > 0 and all(any("Công Thương" in a for a in r.assignees) for r in sct.rows)
        assert [a.name for a in sct.agencies] == ["Sở Công Thương"]
        words = tracker.task_list(s, tracker.TrackerFilter(text="bo tri kinh phi"), today=TODAY)
        assert _id(s, "bố trí kinh phí") in words.ids and words.total < everything.total
        assert all(all(w in tracker.fold(" ".join([r.text, r.action, *r.assignees, *r.coordinators])).split()
                       for w in ("bo", "tri", "kinh", "phi")) for r in words.rows)
        rng = tracker.task_list(s, tracker.TrackerFilter(due_from="01/07/2020", due_to="2020-07-31"), today=TODAY)
        assert rng.ids == [_id(s, "bố trí kinh phí")]
        assert tracker.task_list(s, tracker.TrackerFilter(period="none"), today=TODAY).total == \
            s.scalar("SELECT COUNT(*) FROM tasks WHERE due_date IS NULL")
        with pytest.raises(QueryError):
            tracker.task_list(s, tracker.TrackerFilter(period="fortnight"))


def test_extension_and_closing_report(db):
    with open_store(db) as s:
        tid = _id(s, "bố trí kinh phí")
        with pytest.raises(QueryError):
            tracker.extend(s, tid, "2020-08-01", "")  # a reason is required
        with pytest.raises(QueryError):
            tracker.extend(s, tid, "2020-06-01", "sớm hơn")  # must be later
        r = tracker.extend(s, tid, "15/08/2020", "chờ dự toán bổ sung", by="Lan")
        assert (r.due_date, r.due_original, r.extensions) == ("2020-08-15", "2020-07-03", 1)
        r = tracker.extend(s, tid, "2020-09-30", "chờ HĐND phê duyệt", by="Lan")
        assert [(e.old_due, e.new_due) for e in tracker.extensions(s, tid)] == [("2020-07-03", "2020-08-15"),
                                                                                ("2020-08-15", "2020-09-30")]
        assert tracker.task_list(s, tracker.TrackerFilter(period="month"), today=date(2020, 9, 2)).ids.count(tid) == 1
        with pytest.raises(QueryError):
            tracker.set_status(s, tid, "done", by="Lan")  # closing needs a report note
        r = tracker.set_status(s, tid, "done", note="Đã bố trí", report_ref="12/BC-STC", by="Lan")
        assert r.status == "done" and r.timeliness in ("done_late", "done_on_time")
        h = tracker.history(s, [tid])[tid]
        assert h[0].text.startswith("Gia hạn 03/07/2020 → 15/08/2020") and h[-1].report_ref == "12/BC-STC"


def test_cli_tasks_and_export_the_same_filtered_rows(db, tmp_path):
    run = CliRunner()
    out = run.invoke(cli_main, ["tasks", "--db", db, "--assignee", "SCT", "--format", "json"])
    assert out.exit_code == 0, out.output
    listed = [t["id"] for t in json.loads(out.output)]
    assert listed
    x = tmp_path / "sct.csv"
    out = run.invoke(cli_main, ["export", "--db", db, "--table", "tasks", "--assignee", "SCT", "--out", str(x)])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(x.read_text("utf-8-sig"))))
    assert [int(r["Mã"]) for r in rows] == listed
    out = run.invoke(cli_main, ["tasks", "--db", db, "--period", "none", "--format", "csv"])
    assert out.exit_code == 0 and "id" in out.output.splitlines()[0]
    with open_store(db) as s:
        tid = s.scalar("SELECT id FROM tasks WHERE status = 'open' ORDER BY id")
    out = run.invoke(cli_main, ["task", str(tid), "--db", db, "--status", "done", "--by", "lan"])
    assert out.exit_code != 0 and "report note" in out.output
    out = run.invoke(cli_main, ["task", str(tid), "--db", db, "--extend", "2031-01-31", "--note", "chờ số liệu",
                                "--by", "lan"])
    assert out.exit_code == 0, out.output
    assert "2031-01-31" in out.output


AG = "ct-khuyen-cong-an-giang-2016-2020"  # approved by QĐ 2211/QĐ-UBND (seed 004)


def test_program_filter_lists_the_tasks_of_the_documents_acting_on_it(db, tmp_path):
    from pipeline.programs import attach, detach, program
    from pipeline.web import create_app

    with open_store(db) as s:
        qd = s.scalar("SELECT id FROM documents WHERE number = '2211/QĐ-UBND'")
        want = [r["id"] for r in s.query("SELECT id FROM tasks WHERE document_id = ? ORDER BY id", (qd,))]
        assert want and s.scalar("SELECT COUNT(*) FROM tasks") > len(want)  # the crafted documents' tasks are not its
        p = tracker.task_list(s, tracker.TrackerFilter(program=AG), per_page=None, today=TODAY)
        assert sorted(p.ids) == want and p.program == AG
        assert set(p.ids) == {t.id for t in program(s, AG).tasks}  # the program page's tasks, no more, no less
        # typed as `vanban program` reads a key: words of its name
        assert tracker.task_list(s, tracker.TrackerFilter(program="khuyen cong an giang 2016"), per_page=None,
                                 today=TODAY).ids == p.ids
        # with another filter
        sct = tracker.task_list(s, tracker.TrackerFilter(program=AG, agency="SCT"), per_page=None, today=TODAY)
        assert 0 < sct.total < p.total and set(sct.ids) <= set(p.ids)
        # a program 2211 only mentions is not given its tasks
        assert tracker.task_list(s, tracker.TrackerFilter(program="ct-chong-bien-doi-khi-hau"), today=TODAY).total == 0
        with pytest.raises(QueryError, match="no program 'ct-khong-co'"):
            tracker.task_list(s, tracker.TrackerFilter(program="ct-khong-co"), today=TODAY)
        with pytest.raises(QueryError, match="2 match"):  # a prefix of two programs' keys
            tracker.task_list(s, tracker.TrackerFilter(program="ct-khuyen-cong-an-giang"), today=TODAY)

    run = CliRunner()
    out = run.invoke(cli_main, ["tasks", "--db", db, "--program", AG, "--format", "json"])
    assert out.exit_code == 0, out.output
    listed = [t["id"] for t in json.loads(out.output)]
    assert listed == p.ids
    x = tmp_path / "ag.csv"
    out = run.invoke(cli_main, ["export", "--db", db, "--table", "tasks", "--program", AG, "--out", str(x)])
    assert out.exit_code == 0, out.output
    assert [int(r["Mã"]) for r in csv.DictReader(io.StringIO(x.read_text("utf-8-sig")))] == listed
    for cmd in (["tasks"], ["export", "--table", "tasks"]):
        out = run.invoke(cli_main, [*cmd, "--db", db, "--program", "ct-khong-co"])
        assert out.exit_code != 0 and "no program 'ct-khong-co'" in out.output

    c = create_app(db, import_dir=tmp_path / "imports", TODAY=TODAY, TESTING=True).test_client()
    html = c.get(f"/nhiem-vu?program={AG}&n=100").get_data(as_text=True)
    assert re.findall(r'id="row-(\d+)"', html) == [str(i) for i in listed]
    assert f'<option value="{AG}" selected>' in html
    r = c.get(f"/nhiem-vu/xuat.csv?program={AG}")
    assert r.status_code == 200 and r.headers["X-Total-Count"] == str(len(listed))
    html = c.get("/nhiem-vu?program=ct-khong-co").get_data(as_text=True)
    assert not re.findall(r'id="row-(\d+)"', html) and "no program &#39;ct-khong-co&#39;" in html
    assert c.get("/nhiem-vu/xuat.csv?program=ct-khong-co").status_code == 400

    # a document attached to the program by hand gives it its tasks; detached, it takes them back
    with open_store(db) as s:
        old = s.scalar("SELECT id FROM documents WHERE number = '15/2019/QĐ-UBND'")
        attach(s, AG, str(old), by="test")
        more = tracker.task_list(s, tracker.TrackerFilter(program=AG), per_page=None, today=TODAY).ids
        assert set(more) - set(listed) == {r["id"] for r in s.query("SELECT id FROM tasks WHERE document_id = ?", (old,))}
        detach(s, AG, str(old), by="test")
        assert tracker.task_list(s, tracker.TrackerFilter(program=AG), per_page=None, today=TODAY).ids == listed
