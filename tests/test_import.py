"""Bulk import: parallel extraction, one transaction per document, re-runs that
skip what is stored, survival of a killed worker or a SIGKILLed import,
re-extraction that keeps what people changed, and the failure log. Runs on
SQLite and (VANBAN_TEST_PG_URL) PostgreSQL; the last tests run the real
pipeline through the CLI.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store import (
    BACKENDS,
    DEV_FEW,
    GOLD_BY_FILE,
    SEEDS,
    copy_docs,
    fresh_db,
    gold_extract,
    gold_extract_reworded,
    snapshot,
)

from pipeline.cli import main as cli
from pipeline.importer import Importer, import_paths
from pipeline.queries import cites, find_document, search, set_task_status, task, tasks
from pipeline.store import open_store, parse_db_url
from pipeline.store.writer import correct_field


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _import(url, paths, **kw):
    kw.setdefault("workers", 0)
    kw.setdefault("extract", gold_extract)
    kw.setdefault("extractor_version", "gold")
    with open_store(url, create=True) as s:
        return import_paths(s, paths, **kw)


# ---------------------------------------------------------------- re-runs

def test_parallel_import_then_unchanged_reimport_writes_nothing(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs")
    url = fresh_db(backend, tmp_path)
    first = _import(url, [docs], workers=2)
    assert (first.added, first.failed, first.files) == (9, 0, 9)
    with open_store(url, readonly=True) as s:
        before = snapshot(s, with_log=True)
    file_hash = hashlib.sha256(Path(url).read_bytes()).hexdigest() if backend == "sqlite" else None
    again = _import(url, [docs], workers=2)
    assert (again.added, again.updated, again.unchanged, again.run_id) == (0, 0, 9, None)
    with open_store(url, readonly=True) as s:
        assert snapshot(s, with_log=True) == before
    if file_hash:
        assert hashlib.sha256(Path(url).read_bytes()).hexdigest() == file_hash


def test_parallel_and_serial_imports_give_the_same_database(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs")
    a, b = fresh_db(backend, tmp_path), fresh_db(backend, tmp_path)
    _import(a, [docs], workers=2)
    _import(b, [docs], workers=0)
    with open_store(a, readonly=True) as sa, open_store(b, readonly=True) as sb:
        assert snapshot(sa) == snapshot(sb)


def test_moved_duplicated_and_changed_files(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs", names=[])
    url = fresh_db(backend, tmp_path)
    _import(url, [docs])
    with open_store(url, readonly=True) as s:
        doc_id = find_document(s, "2211/QĐ-UBND").id
    # moved: followed without re-extraction
    (docs / "004_9789b1cfca0ebaa2.txt").rename(docs / "moved.txt")
    (docs / "sub").mkdir()
    (docs / "moved.txt").rename(docs / "sub" / "004_9789b1cfca0ebaa2.txt")
    res = _import(url, [docs])
    assert (res.moved, res.added, res.updated, res.unchanged) == (1, 0, 0, 4)
    # duplicated: the same bytes at a second path stay one document
    (docs / "copy").mkdir()
    (docs / "copy" / "000_caf423fad9b79039.txt").write_bytes((docs / "000_caf423fad9b79039.txt").read_bytes())
    res = _import(url, [docs])
    assert (res.duplicates, res.added) == (1, 0)
    # changed at the same path: re-extracted in place, same id
    f = docs / "sub" / "004_9789b1cfca0ebaa2.txt"
    f.write_bytes(f.read_bytes() + "\nBản sao lưu trữ.\n".encode())
    res = _import(url, [docs])
    assert (res.updated, res.added) == (1, 0)
    with open_store(url, readonly=True) as s:
        d = find_document(s, "2211/QĐ-UBND")
        assert d.id == doc_id and d.source_path == str(f.resolve())
        assert s.scalar("SELECT COUNT(*) AS n FROM documents") == 5
        assert [h.document.id for h in search(s, "ban sao luu tru")] == [doc_id]


# ---------------------------------------------------------------- failures

def test_failures_are_logged_summarised_and_not_retried_unless_asked(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs", names=[])
    (docs / "empty.txt").write_bytes(b"")
    (docs / "broken.docx").write_bytes(os.urandom(2048))
    (docs / "unknown.txt").write_text("Không có bản ghi vàng cho tệp này.", "utf-8")  # gold_extract raises KeyError
    url = fresh_db(backend, tmp_path)
    res = _import(url, [docs, tmp_path / "missing-dir"])
    assert (res.added, res.failed) == (5, 3)
    reasons = dict((Path(p).name, r) for p, r in res.failures)
    assert reasons["empty.txt"] == "empty file"
    assert reasons["broken.docx"] and not reasons["broken.docx"].startswith("extraction failed")  # ingest's reason
    assert reasons["unknown.txt"].startswith("extraction failed: KeyError")
    assert reasons["missing-dir"] == "file does not exist"
    with open_store(url, readonly=True) as s:
        log = {Path(r["source_path"]).name: r for r in s.query("SELECT * FROM import_log WHERE outcome = 'failed'")}
        assert set(log) == {"empty.txt", "broken.docx", "unknown.txt"}
        assert log["empty.txt"]["error"] == "empty file"
        assert s.scalar("SELECT COUNT(*) AS n FROM import_log WHERE outcome = 'added'") == 5
    again = _import(url, [docs])
    assert (again.failed, again.failed_before, again.unchanged) == (0, 3, 5)
    retried = _import(url, [docs], retry_failed=True)
    assert retried.failed == 3


def gold_extract_unstorable(path):
    """Seed 004 with a budget no database integer holds: refused after the document row is written."""
    res = gold_extract(path)
    if Path(path).name.startswith("004_"):
        res.extraction.budgets[-1].amount_vnd = 10**30
    return res


def test_a_document_the_database_refuses_leaves_nothing_half_written(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs", names=[])
    url = fresh_db(backend, tmp_path)
    res = _import(url, [docs], extract=gold_extract_unstorable)
    assert (res.added, res.failed) == (4, 1)
    assert res.failures[0][1].startswith("cannot store:")
    with open_store(url, readonly=True) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM documents WHERE source_path LIKE ?", ("%004_%",)) == 0
        for table in ("doc_references", "tasks", "deadlines", "budgets"):  # none of 004's records either
            assert s.scalar(f"SELECT COUNT(*) AS n FROM {table} x JOIN documents d ON d.id = x.document_id "
                            "WHERE d.number = '2211/QĐ-UBND'") == 0
        assert s.scalar("SELECT COUNT(*) AS n FROM budgets") == sum(  # the other seeds' budgets are all there
            len(GOLD_BY_FILE[p.name]["budgets"]) for p in SEEDS.glob("*.txt") if not p.name.startswith("004_"))
        assert s.scalar("SELECT COUNT(*) AS n FROM import_log WHERE outcome = 'failed'") == 1


def test_import_cli_reports_failures_and_exit_status(tmp_path):
    docs = copy_docs(tmp_path / "docs", names=[])
    (docs / "empty.txt").write_bytes(b"")
    db = tmp_path / "v.db"
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", str(db), "--workers", "0", "-q"])
    assert r.exit_code == 0
    assert "6 files: 5 added" in r.output and "1 failed" in r.output and "empty.txt: empty file" in r.output
    r = CliRunner().invoke(cli, ["import", str(docs / "empty.txt"), "--db", str(db), "-q", "--retry-failed"])
    assert r.exit_code == 1


# ---------------------------------------------------------------- interruption

def test_killed_worker_process_is_survived_with_the_same_result(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs")
    for p in list(docs.glob("00*.txt")):  # more files than the pool's window, so work remains after the kill
        (docs / "more").mkdir(exist_ok=True)
        (docs / "more" / p.name).write_bytes(p.read_bytes() + b"\n")
    url, ref = fresh_db(backend, tmp_path), fresh_db(backend, tmp_path)
    killed: list[int] = []

    def kill_a_worker(summary):
        if not killed and summary.added == 1:
            child = multiprocessing.active_children()[0]
            os.kill(child.pid, signal.SIGKILL)
            killed.append(child.pid)

    with open_store(url, create=True) as s:
        res = Importer(s, workers=2, extract=gold_extract, extractor_version="gold",
                       on_document=kill_a_worker).run([docs])
    assert killed and res.pool_restarts >= 1
    # the copies differ by a newline: the same documents, each listed with its two files
    assert (res.added, res.failed, res.duplicates, res.documents) == (9, 0, 6, 9)
    _import(ref, [docs], workers=2)
    with open_store(url, readonly=True) as a, open_store(ref, readonly=True) as b:
        assert snapshot(a) == snapshot(b)


def _count(url: str) -> int:
    """Files stored (the copies join their documents)."""
    try:
        with open_store(url, readonly=True) as s:
            return s.scalar("SELECT COUNT(*) AS n FROM document_files") or 0
    except Exception:
        return 0


def test_sigkilled_import_then_rerun_gives_the_same_database(backend, tmp_path):
    """The import process (and its workers) SIGKILLed while documents are being written; a re-run completes it."""
    docs = copy_docs(tmp_path / "docs", names=DEV_FEW[:2])
    for p in sorted(SEEDS.glob("*.txt")):  # 12 files
        (docs / "copies").mkdir(exist_ok=True)
        (docs / "copies" / p.name).write_bytes(p.read_bytes() + b"\n")
    fifo = tmp_path / "zz_blocks.txt"  # named last: the importer blocks reading it, mid-run
    os.mkfifo(fifo)
    url = fresh_db(backend, tmp_path)
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from test_store import gold_extract; "
              "from pipeline.importer import import_paths; from pipeline.store import open_store; "
              "import_paths(open_store(sys.argv[2], create=True), sys.argv[3:], workers=1, extract=gold_extract, "
              "extractor_version='gold')")
    cmd = [sys.executable, "-c", script, str(Path(__file__).parent), url, str(docs), str(fifo)]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while _count(url) < 12 - 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)  # wait until all but the pool's window of 4 are written
        time.sleep(0.3)
        assert proc.poll() is None, proc.stderr.read().decode()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    written = _count(url)
    assert 1 <= written < 12, "the import should have been killed mid-run"
    fifo.unlink()
    res = _import(url, [docs], workers=2)
    assert (res.added + res.duplicates, res.unchanged, res.failed) == (12 - written, written, 0)
    assert res.documents == 7  # seeds and their copies are one document each
    with open_store(url, readonly=True) as s:
        after = snapshot(s)
        assert s.scalar("SELECT COUNT(*) AS n FROM import_runs WHERE status = 'interrupted'") == 1
    ref = fresh_db(backend, tmp_path)
    _import(ref, [docs])
    with open_store(ref, readonly=True) as s:
        assert snapshot(s) == after
    if parse_db_url(url).dialect == "sqlite":
        import sqlite3
        with sqlite3.connect(url) as c:
            assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# ---------------------------------------------------------------- re-extraction keeps manual work

def test_new_extractor_version_reextracts_but_keeps_task_status_and_corrections(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs", names=[DEV_FEW[0]])
    url = fresh_db(backend, tmp_path)
    _import(url, [docs], extractor_version="1")
    with open_store(url) as s:
        t = tasks(s, assignee="Sở Công Thương", from_doc="2211/QĐ-UBND")[0]
        set_task_status(s, t.id, "done", note="đã báo cáo UBND tỉnh", by="Lan")
        d = find_document(s, "2211/QĐ-UBND")
        correct_field(s, d.id, "issue_place", "tỉnh An Giang", "Lan", note="ghi đủ")
        n_tasks = len(tasks(s))
    same = _import(url, [docs], extractor_version="1")
    assert same.unchanged == 6 and same.updated == 0
    res = _import(url, [docs], extractor_version="2", extract=gold_extract_reworded, workers=2)
    assert (res.updated, res.added, res.unchanged) == (6, 0, 0)
    with open_store(url, readonly=True) as s:
        kept = task(s, t.id)
        assert kept.status == "done" and kept.text.endswith("(đọc lại)")
        assert [(h.new_status, h.changed_by, h.note) for h in kept.history] == [("done", "Lan", "đã báo cáo UBND tỉnh")]
        assert len(tasks(s)) == n_tasks
        assert s.scalar("SELECT issue_place FROM documents WHERE id = ?", (d.id,)) == "tỉnh An Giang"
        assert s.scalar("SELECT COUNT(*) AS n FROM documents WHERE extractor_version = '2'") == 6
        assert cites(s, "45/2012/NĐ-CP").citations  # children rewritten, not lost


# ---------------------------------------------------------------- the real pipeline, through the CLI

@pytest.fixture(scope="module", params=BACKENDS)
def real_db(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("real")
    docs = copy_docs(tmp / "docs")
    url = fresh_db(request.param, tmp)
    # in this process (--workers 0): extractor start-up is paid once per test session
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", url, "--workers", "0", "-q"])
    assert r.exit_code == 0, r.output
    return url


def test_real_import_search_ranks_the_seeds_first(real_db):
    with open_store(real_db, readonly=True) as s:
        seeds = {str(r["id"]) for r in s.query("SELECT id, source_path FROM documents")
                 if Path(r["source_path"]).name[:4] in {"000_", "001_", "002_", "003_", "004_"}}
    assert len(seeds) == 5
    r = CliRunner().invoke(cli, ["search", "khuyen cong", "--db", real_db, "--format", "csv"])
    assert r.exit_code == 0, r.output
    top5 = {row.split(",")[0] for row in r.output.splitlines()[1:6]}
    assert top5 == seeds


def test_real_import_tasks_of_so_cong_thuong(real_db):
    r = CliRunner().invoke(cli, ["tasks", "--assignee", "Sở Công Thương", "--db", real_db, "--format", "json"])
    assert r.exit_code == 0, r.output
    import json
    rows = json.loads(r.output)
    files = {Path(t["document"]["source_path"]).name[:3] for t in rows}
    assert {"000", "004"} <= files
    assert all("due_date" in t and "deadline_text" in t for t in rows)
    dated = [t["due_date"] for t in rows if t["due_date"]]
    assert dated == sorted(dated) and rows[: len(dated)] == [t for t in rows if t["due_date"]]
    table = CliRunner().invoke(cli, ["tasks", "--assignee", "Sở Công Thương", "--db", real_db]).output
    assert table.splitlines()[0].split()[:3] == ["id", "due", "status"]


def test_real_import_cites_45_2012_lists_the_seeds_resting_on_it(real_db):
    with open_store(real_db, readonly=True) as s:
        if not s.scalar("SELECT COUNT(*) AS n FROM doc_references"):
            pytest.skip("the reference extractor finds no references yet")
    r = CliRunner().invoke(cli, ["cites", "45/2012/NĐ-CP", "--db", real_db, "--format", "json"])
    assert r.exit_code == 0, r.output
    import json
    data = json.loads(r.output)
    names = {Path(c["document"]["source_path"]).name[:3] for c in data["citations"]}
    assert {"002", "003", "004"} <= names
    based = {Path(c["document"]["source_path"]).name[:3] for c in data["citations"] if c["relation"] == "căn cứ"}
    assert "004" in based


# ---------------------------------------------------------------- two importers on one PostgreSQL

@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("VANBAN_TEST_PG_URL"), reason="VANBAN_TEST_PG_URL not set")
def test_a_second_importer_leaves_the_first_ones_live_run_alone(tmp_path):
    """Importer A is mid-run (blocked inside its second extraction) while B imports
    other files into the same PostgreSQL: B marks only the run whose importer is
    gone (a 'running' row nobody holds) as interrupted, not A's."""
    import threading

    url = fresh_db("postgres", tmp_path)
    a_docs = copy_docs(tmp_path / "a", names=[])
    b_docs = copy_docs(tmp_path / "b", names=DEV_FEW[1:3])
    for p in b_docs.glob("00*.txt"):
        p.unlink()
    with open_store(url, create=True) as s, s.transaction():
        dead = s.insert("INSERT INTO import_runs (started_at, extractor_version, workers) VALUES (?, ?, ?)",
                        ("2026-01-01T00:00:00", "gold", 1))  # an importer killed long ago
    first_written, release = threading.Event(), threading.Event()
    calls = []

    def slow(path):
        calls.append(path)
        if len(calls) == 2:
            first_written.set()
            assert release.wait(60)
        return gold_extract(path)

    out = {}

    def run_a():
        with open_store(url) as s:
            out["a"] = Importer(s, workers=0, extract=slow, extractor_version="gold").run([a_docs])

    t = threading.Thread(target=run_a)
    t.start()
    try:
        assert first_written.wait(60)
        res_b = _import(url, [b_docs])
        assert res_b.added == 2
        with open_store(url, readonly=True) as s:
            status = {r["id"]: r["status"] for r in s.query("SELECT id, status FROM import_runs")}
        a_run = max(set(status) - {dead, res_b.run_id})
        assert status == {dead: "interrupted", a_run: "running", res_b.run_id: "done"}
    finally:
        release.set()
        t.join(60)
    assert out["a"].added == 5
    with open_store(url, readonly=True) as s:
        assert s.scalar("SELECT status FROM import_runs WHERE id = ?", (a_run,)) == "done"
        assert s.scalar("SELECT COUNT(*) AS n FROM documents") == 7
