"""Programs as entities (issue 12): recognised in the seeds, linked across documents, shown in the CLI and web."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractors.programs import program_key
from pipeline.cli import main as cli_main
from pipeline.importer import import_paths
from pipeline.programs import attach, budget_table, detach, merge, program, programs, split, tasks_by_agency
from pipeline.run import process
from pipeline.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "docs" / "seeds"
AG = "ct-khuyen-cong-an-giang-2016-2020"


def _seed(n: str) -> Path:
    return next(SEEDS.glob(f"{n}_*"))


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("programs") / "p.db")
    with open_store(path, create=True) as s:
        import_paths(s, [str(SEEDS)], workers=0)
    return path


def _ids(store) -> dict[str, int]:
    return {Path(r["source_path"]).name[:3]: r["id"] for r in store.query("SELECT id, source_path FROM documents")}


def test_one_key_across_case_and_line_breaks():
    progs = {p.key: p for p in process(_seed("004")).extraction.programs}
    p = progs[AG]
    assert p.role == "approves" and (p.year_from, p.year_to, p.scope) == (2016, 2020, "An Giang")
    printed = {m.text for m in p.mentions}
    # the all-caps subject, the article and the annex heading are one program
    assert "CHƯƠNG TRÌNH KHUYẾN CÔNG TỈNH AN GIANG GIAI ĐOẠN 2016\n– 2020".replace("\n", " ") in printed
    assert sum("2016" in t and "2020" in t for t in printed) >= 3
    assert program_key("Chương trình", "Khuyến công", "An Giang", 2016, 2020) == AG
    # the previous period is its own program, reported on, with its result against plan
    old = progs["ct-khuyen-cong-an-giang-2013-2015"]
    assert old.role == "reports"
    assert [(i.unit, i.actual, i.planned, i.percent, i.percent_ok) for i in old.indicators] == [("lớp", 85, 18, 472, True)]
    assert p.goals and any("300 doanh nghiệp" in g for g in p.goals)


def test_abbreviations_and_cited_approval():
    keys = {p.key: p for p in process(_seed("003")).extraction.programs}
    assert "ct-khuyen-cong-quoc-gia" in keys and "ct-khuyen-cong-dia-phuong" in keys  # KCQG, KCĐP
    assert {m.text for m in keys["ct-khuyen-cong-quoc-gia"].mentions} == {"KCQG"}
    nat = {p.key: p for p in process(_seed("002")).extraction.programs}["ct-khuyen-cong-quoc-gia-den-2020"]
    assert nat.role == "implements" and nat.approved_by == "1288/QĐ-TTg"  # the cited decision approves it


def test_seed_004_program_record(db):
    with open_store(db) as s:
        rec = program(s, AG, today="2017-01-01")
    assert rec.approving is not None and rec.approving.number == "2211/QĐ-UBND"
    agencies = dict(tasks_by_agency(rec))
    assert agencies["Sở Công Thương"]["open"] >= 4 and "Sở Tài chính" in agencies and "Sở Nội vụ" in agencies
    by_source = {r["source"]: r["allocation_vnd"] for r in budget_table(rec)}
    assert by_source == {"Trung ương (KCQG)": 6_000_000_000, "Vốn đối ứng": 38_090_000_000,
                         "Ngân sách địa phương": 29_350_000_000}
    with open_store(db) as s:
        summary = {p.key: p for p in programs(s, today="2017-01-01")}[AG]
    assert summary.planned_vnd == 73_440_000_000 and summary.period == "2016–2020"
    # the production value of the goals (45.461 tỷ) is no budget line of any program
    assert all(b.amount_vnd != 45_461_000_000_000 for b in rec.budget)


def test_previous_period_plan_and_actual(db):
    with open_store(db) as s:
        rec = program(s, "ct-khuyen-cong-an-giang-2013-2015")
    rows = {r["source"]: (r["allocation_vnd"], r["actual_vnd"]) for r in budget_table(rec)}
    assert rows["Trung ương (KCQG)"] == (10_335_000_000, 800_000_000)
    assert rows["Ngân sách địa phương"] == (13_863_000_000, 11_305_000_000)
    assert rows["Nguồn khác"] == (114_331_000_000, 32_887_000_000)
    assert sum(b.amount_vnd for b in rec.budget if b.kind == "allocation" and b.part != "component") == 138_529_000_000


def test_seeds_000_001_002_link_to_khuyen_cong(db):
    with open_store(db) as s:
        ids = _ids(s)
        linked = {r["document_id"]: r for r in s.query(
            "SELECT pd.document_id, p.key, p.topic, pd.role FROM program_documents pd JOIN programs p ON p.id = pd.program_id "
            "WHERE p.topic = 'khuyến công'")}
        keys = {(r["document_id"], r["key"]) for r in s.query(
            "SELECT pd.document_id, p.key FROM program_documents pd JOIN programs p ON p.id = pd.program_id")}
        roles = {(r["document_id"], r["key"]): r["role"] for r in s.query(
            "SELECT pd.document_id, p.key, pd.role FROM program_documents pd JOIN programs p ON p.id = pd.program_id")}
    for n in ("000", "001", "002", "003"):
        assert ids[n] in linked, n
    assert (ids["002"], "ct-khuyen-cong-quoc-gia-den-2020") in keys
    assert roles[(ids["000"], "ct-khuyen-cong-quang-nam")] == "concludes"  # "Thông báo kết luận …"
    assert roles[(ids["001"], "ct-khuyen-cong")] == "implements"  # "thực hiện tốt các đề án khuyến công"


def test_merge_split_attach_detach_survive_reimport(tmp_path):
    path = str(tmp_path / "m.db")
    with open_store(path, create=True) as s:
        import_paths(s, [str(_seed("002")), str(_seed("003")), str(_seed("004"))], workers=0)
        ids = _ids(s)
        merge(s, "ct-khuyen-cong-quoc-gia-den-2020", "ct-khuyen-cong-quoc-gia", by="lan")
        attach(s, AG, str(ids["003"]), role="reports", by="lan")
        detach(s, "ct-khuyen-cong-quoc-gia-den-2020", str(ids["004"]), by="lan")
        split(s, "ct-khuyen-cong", "ct-khuyen-cong-mien-trung", [str(ids["003"])], name="Khuyến công miền Trung")

        def state():
            rows = s.query("SELECT p.key, pd.document_id, pd.role, pd.source FROM program_documents pd "
                           "JOIN programs p ON p.id = pd.program_id")
            return {(r["key"], r["document_id"]): (r["role"], r["source"]) for r in rows}

        before = state()
        assert not any(k == "ct-khuyen-cong-quoc-gia" for k, _ in before)
        assert before[("ct-khuyen-cong-quoc-gia-den-2020", ids["003"])][1] == "extracted"  # KCQG merged in
        assert before[(AG, ids["003"])] == ("reports", "manual")
        assert ("ct-khuyen-cong-quoc-gia-den-2020", ids["004"]) not in before
        assert ("ct-khuyen-cong-mien-trung", ids["003"]) in before and ("ct-khuyen-cong", ids["003"]) not in before
        # re-extract everything (a new extractor version): the staff's corrections hold
        import_paths(s, [str(_seed("002")), str(_seed("003")), str(_seed("004"))], workers=0, extractor_version="re-1")
        assert s.scalar("SELECT COUNT(*) AS n FROM documents WHERE extractor_version = 're-1'") == 3
        assert state() == before


def test_cli_verbs(db, tmp_path):
    r = CliRunner().invoke(cli_main, ["programs", "--db", db])
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if x.startswith(AG))
    assert "2016–2020" in line and "73,44 tỷ" in line
    r = CliRunner().invoke(cli_main, ["program", "an giang 2016", "--db", db])
    assert r.exit_code == 0, r.output
    assert "approved by: #" in r.output and "Quyết định 2211/QĐ-UBND" in r.output
    assert "Sở Công Thương" in r.output and "Vốn đối ứng" in r.output and "38,09 tỷ" in r.output
    r = CliRunner().invoke(cli_main, ["program", AG, "--db", db, "--format", "json"])
    rec = json.loads(r.output)
    assert rec["approving"]["number"] == "2211/QĐ-UBND" and rec["period"] == "2016–2020"
    out = tmp_path / "p.xlsx"
    r = CliRunner().invoke(cli_main, ["program", AG, "--db", db, "--export", str(out)])
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["program", "documents", "tasks", "budget", "budget_lines", "indicators"]
    assert {row[0] for row in wb["budget"].iter_rows(min_row=2, values_only=True)} >= {"Vốn đối ứng", "Trung ương (KCQG)"}
    r = CliRunner().invoke(cli_main, ["program", "no-such-program", "--db", db])
    assert r.exit_code != 0 and "no program" in r.output


def test_web_pages(db, tmp_path):
    from pipeline.web import create_app

    c = create_app(db, import_dir=tmp_path / "imports", TODAY=date(2017, 1, 1), TESTING=True).test_client()
    r = c.get("/programs")
    assert r.status_code == 200 and f"/programs/{AG}" in r.text
    r = c.get(f"/programs/{AG}")
    assert r.status_code == 200
    assert "2211/QĐ-UBND" in r.text and "Sở Tài chính" in r.text and "<svg" in r.text
    assert "Vốn đối ứng · 2016–2020" in r.text
    assert c.get("/programs/no-such-program").status_code == 404
    # the dashboard's budget chart: allocations and actuals by source, never a production value
    r = c.get("/thong-ke")
    assert r.status_code == 200 and "— Kế hoạch" in r.text and "— Thực hiện" in r.text
    app = c.application
    with app.test_request_context("/thong-ke"):
        stats = app.extensions["vanban"].budget_stats()
    total = sum(v for _, per in stats for v in per.values())
    assert 0 < total < 45_461_000_000_000  # seed 004's 45.461 tỷ production value is not in it
