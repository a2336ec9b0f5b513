"""The program database: schema and migrations, bad input, search, bases, cites,
tasks, manual edits and export. Every test runs on SQLite and, when
VANBAN_TEST_PG_URL is set (scripts/start_test_postgres.sh), on PostgreSQL.

Records come from the hand-checked gold files (`gold_extract`), so these tests
check the store, not the extractors; tests/test_import.py also runs the real
pipeline.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main as cli
from pipeline.importer import import_paths
from pipeline.ingest import load
from pipeline.queries import (
    QueryError,
    bases,
    cites,
    export_table,
    find_document,
    search,
    set_task_status,
    task,
    tasks,
)
from pipeline.records import Budget, Deadline, Extraction, Field, Header, Reference, Signer, Task
from pipeline.run import Result
from pipeline.segment import segment
from pipeline.store import SCHEMA_VERSION, NeedsMigration, StoreError, open_store, parse_db_url
from pipeline.store.writer import correct_field

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = CORPUS / "docs" / "seeds"
DEV = CORPUS / "docs" / "dev"
GOLD = CORPUS / "gold" / "dev"
DEV_FEW = [
    "006_sct_CV-UBND-KT-giao-SCT-tham-muu-uy-quyen-truoc-15-9-2025.txt",
    "020_sct_KH-1105-DKT-ke-hoach-kiem-tra.txt",
    "021_sct_QD-1050-kiem-tra-VLNCN-2026.txt",
    "022_sct_TB-1894-ket-qua-sau-kiem-tra-VLNCN-ban-ky.txt",
]
GOLD_BY_FILE = {g["source_file"]: g for g in (json.loads(p.read_text("utf-8")) for p in GOLD.glob("*.json"))}
PG_URL = os.environ.get("VANBAN_TEST_PG_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="VANBAN_TEST_PG_URL not set")])]


# ---------------------------------------------------------------- shared helpers (also used by test_import.py)

def _span(text: str, s: str | None) -> tuple[int, int]:
    i = text.find(s) if s else -1
    return (i, i + len(s)) if i >= 0 else (0, 0)


def gold_extraction(doc_text: str, g: dict) -> Extraction:
    def f(v):
        return Field(v, *_span(doc_text, v)) if v else Field(None)

    def dl(d):
        return Deadline(d["text"], *_span(doc_text, d["text"]), date=d["date"], recurrence=d["recurrence"]) if d else None

    sig = g.get("signer") or {}
    header = Header(doc_type=f(g["doc_type"]), number=f(g["number"]), issue_date=Field(g["issue_date"]),
                    issue_place=f(g["issue_place"]), issuer=f(g["issuer"]), issuer_parent=f(g["issuer_parent"]),
                    subject=f(g["subject"]), effective_date=Field(g["effective_date"]),
                    signer=Signer(f(sig.get("name")), f(sig.get("position")), f(sig.get("authority"))),
                    recipients=[f(r) for r in g["recipients"]])
    return Extraction(
        header=header,
        references=[Reference(r["text"], *_span(doc_text, r["text"]), doc_type=r["doc_type"], number=r["number"],
                              date=r["date"], issuer=r["issuer"], title=r["title"], relation=r["relation"])
                    for r in g["references"]],
        tasks=[Task(t["text"], *_span(doc_text, t["text"]), assignees=t["assignees"], assignees_printed=t["assignees"],
                    coordinators=t["coordinators"], coordinators_printed=t["coordinators"], action=t["action"],
                    deadline=dl(t["deadline"])) for t in g["tasks"]],
        deadlines=[dl(d) for d in g["deadlines"]],
        budgets=[Budget(b["text"], *_span(doc_text, b["text"]), amount_vnd=b["amount_vnd"], source=b["source"],
                        purpose=b["purpose"]) for b in g["budgets"]],
    )


def gold_extract(path) -> Result:
    """The pipeline's `process` with the gold records standing in for the extractors."""
    doc = load(path)
    return Result(doc, segment(doc), gold_extraction(doc.text, GOLD_BY_FILE[Path(path).name]))


def gold_extract_reworded(path) -> Result:
    """A 'new extractor version': every task worded a little differently."""
    res = gold_extract(path)
    for t in res.extraction.tasks:
        t.text = t.text.rstrip(" .;") + " (đọc lại)"
    return res


def pg_schema_url(name: str) -> str:
    """A fresh, empty schema of the test database, selected through the URL."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    return PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{name}"


def fresh_db(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return str(tmp_path / f"vanban-{uuid.uuid4().hex[:6]}.db")
    return pg_schema_url(f"t_{uuid.uuid4().hex[:10]}")


def copy_docs(dest: Path, names=None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, dest / p.name)
    for n in (DEV_FEW if names is None else names):
        shutil.copy(DEV / n, dest / n)
    return dest


def snapshot(store, with_log: bool = False) -> dict:
    """Everything the database says, without surrogate ids and timestamps, for comparing two databases."""
    q = store.query
    out = {
        "documents": sorted(tuple(r.values()) for r in q(
            "SELECT source_path, content_hash, extractor_version, doc_key, doc_type, number, issue_date, issuer, "
            "issuer_parent, subject, signer_name, recipients, text, search_title FROM documents")),
        "references": sorted(tuple(r.values()) for r in q(
            "SELECT d.source_path, r.seq, r.cited_key, c.source_path AS cited, r.relation, r.number, r.text "
            "FROM doc_references r JOIN documents d ON d.id = r.document_id "
            "LEFT JOIN documents c ON c.id = r.cited_document_id")),
        "tasks": sorted(tuple(r.values()) for r in q(
            "SELECT d.source_path, t.task_key, t.seq, t.text, t.action, t.due_date, t.status, t.extracted "
            "FROM tasks t JOIN documents d ON d.id = t.document_id")),
        "task_bodies": sorted(tuple(r.values()) for r in q(
            "SELECT d.source_path, t.task_key, tb.role, tb.seq, b.name, tb.printed FROM task_bodies tb "
            "JOIN tasks t ON t.id = tb.task_id JOIN documents d ON d.id = t.document_id JOIN bodies b ON b.id = tb.body_id")),
        "bodies": sorted(tuple(r.values()) for r in q(
            "SELECT b.name, b.level, p.name AS parent FROM bodies b LEFT JOIN bodies p ON p.id = b.parent_id")),
        "deadlines": sorted(tuple(r.values()) for r in q(
            "SELECT d.source_path, x.seq, x.text, x.due_date FROM deadlines x JOIN documents d ON d.id = x.document_id")),
        "budgets": sorted(tuple(r.values()) for r in q(
            "SELECT d.source_path, x.seq, x.text, x.amount_vnd FROM budgets x JOIN documents d ON d.id = x.document_id")),
    }
    if with_log:
        out["import_log"] = q("SELECT COUNT(*) AS n FROM import_log")[0]["n"]
        out["import_runs"] = q("SELECT COUNT(*) AS n FROM import_runs")[0]["n"]
        out["history"] = q("SELECT COUNT(*) AS n FROM task_status_history")[0]["n"]
    return out


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, tmp_path) -> str:
    return fresh_db(backend, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request, tmp_path_factory):
    """Seeds + a few dev documents imported once per backend with the gold records."""
    tmp = tmp_path_factory.mktemp("loaded")
    docs = copy_docs(tmp / "docs")
    url = fresh_db(request.param, tmp)
    store = open_store(url, create=True)
    summary = import_paths(store, [docs], workers=0, extract=gold_extract, extractor_version="gold")
    assert summary.added == 9 and summary.failed == 0
    yield store, url, docs
    store.close()


def ids_by_name(store) -> dict[str, int]:
    return {Path(r["source_path"]).name[:3]: r["id"] for r in store.query("SELECT id, source_path FROM documents")}


# ---------------------------------------------------------------- schema, migrations, bad input

def test_new_database_is_at_latest_schema_and_reopens_without_migrating(db_url):
    with open_store(db_url, create=True) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert {"documents", "doc_references", "tasks", "task_status_history", "bodies", "body_aliases",
                "deadlines", "budgets", "corrections", "import_log", "import_runs"} <= s.table_names()
    with open_store(db_url, readonly=True) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM schema_version") == SCHEMA_VERSION


def test_older_database_is_migrated_in_place_keeping_its_data(backend, tmp_path):
    url = fresh_db(backend, tmp_path)
    with open_store(url, create=True, upto=1) as s:  # a database made by the first release
        assert s.schema_version() == 1 and "document_keys" not in s.table_names()
        s.execute("INSERT INTO documents (source_path, content_hash, extractor_version, doc_key, number, text, "
                  "search_title, search_body, imported_at, updated_at) VALUES ('/a.txt', 'h', 'v', "
                  "'2211/QĐ-UBND', '2211/QĐ-UBND', 'x', 'x', 'x', 't', 't')")
    with pytest.raises(NeedsMigration, match="opened read-only"):
        open_store(url, readonly=True)
    r = CliRunner().invoke(cli, ["bases", "2211/QĐ-UBND", "--db", url])  # a query upgrades it first
    assert r.exit_code == 0 and "no references" in r.output, r.output
    with open_store(url) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.query("SELECT key, alias FROM document_keys") == [{"key": "2211/QĐ-UBND", "alias": 0}]
        assert find_document(s, "2211/qđ-ubnd").number == "2211/QĐ-UBND"
        assert [h.document.number for h in search(s, "x")] == ["2211/QĐ-UBND"]  # index rebuilt over old rows


def test_newer_schema_version_is_refused_and_nothing_written(db_url, tmp_path):
    with open_store(db_url, create=True) as s:
        s.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', 'x')",
                  (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer than this vanban"):
        open_store(db_url, create=True)
    res = CliRunner().invoke(cli, ["import", str(SEEDS), "--db", db_url, "-q"])
    assert res.exit_code == 1 and f"schema version {SCHEMA_VERSION + 1}" in res.output and "upgrade vanban" in res.output
    with _raw_count(db_url) as n:
        assert n == 0


class _raw_count:
    """Document count read without going through open_store's version check."""

    def __init__(self, url: str):
        self.url = url

    def __enter__(self) -> int:
        u = parse_db_url(self.url)
        if u.dialect == "sqlite":
            with sqlite3.connect(u.target) as c:
                return c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        import psycopg
        with psycopg.connect(u.target) as c:
            return c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def __exit__(self, *exc):
        return False


def test_database_in_missing_directory_is_a_clear_error(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "v.db"
    res = CliRunner().invoke(cli, ["import", str(SEEDS), "--db", str(target), "-q"])
    assert res.exit_code == 1
    assert "directory" in res.output and "does not exist" in res.output
    assert not (tmp_path / "no").exists()


def test_read_only_database_is_a_clear_error_and_unchanged(tmp_path):
    db = tmp_path / "v.db"
    with open_store(str(db), create=True):
        pass
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    db.chmod(0o444)
    try:
        res = CliRunner().invoke(cli, ["import", str(SEEDS), "--db", str(db), "-q"])
        assert res.exit_code == 1 and "read-only" in res.output
        res = CliRunner().invoke(cli, ["task", "1", "--status", "done", "--db", str(db)])
        assert res.exit_code == 1 and "read-only" in res.output
    finally:
        db.chmod(0o644)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("url, message", [
    ("mysql://u@h/db", "unsupported database URL scheme 'mysql'"),
    ("postgresql://", "no host"),
    ("postgresql://localhost:notaport/db", "malformed database URL"),
    ("postgresql://localhost:5432", "no database name"),
    ("sqlite://relative.db", "three slashes"),
    ("sqlite:///", "no file path"),
    ("postgres:localhost/db", "malformed database URL"),
])
def test_malformed_url_is_a_clear_error_and_creates_nothing(url, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match=message):
        parse_db_url(url)
    res = CliRunner().invoke(cli, ["import", str(SEEDS), "--db", url, "-q"])
    assert res.exit_code == 1 and message in res.output
    assert list(tmp_path.iterdir()) == []


def test_queries_never_create_a_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["search", "khuyen cong"])
    assert res.exit_code == 1 and "no database at vanban.db" in res.output
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    f = tmp_path / "notes.db"
    f.write_text("Kế hoạch triển khai", "utf-8")
    res = CliRunner().invoke(cli, ["import", str(SEEDS), "--db", str(f), "-q"])
    assert res.exit_code == 1 and "not an SQLite database" in res.output
    assert f.read_text("utf-8") == "Kế hoạch triển khai"


# ---------------------------------------------------------------- search

def test_search_ignores_diacritics_and_case_and_snips_in_original_spelling(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    hits = search(store, "nghi dinh 45 khuyen cong")
    assert ids["004"] in [h.document.id for h in hits[:3]]
    h = next(h for h in hits if h.document.id == ids["004"])
    assert "[Nghị] [định] số [45]/2012/NĐ-CP" in h.snippet and "[khuyến] [công]" in h.snippet
    assert [h.document.id for h in search(store, "NGHỊ ĐỊNH 45 KHUYẾN CÔNG")] == [h.document.id for h in hits]


def test_search_ranks_the_khuyen_cong_seeds_first(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    top = [h.document.id for h in search(store, "khuyen cong")][:5]
    assert sorted(top) == sorted(ids[k] for k in ("000", "001", "002", "003", "004"))


def test_search_filters_by_type_issuer_and_year(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    assert [h.document.id for h in search(store, "khuyen cong", doc_type="Quyết định", year=2016)] == [ids["004"]]
    assert [h.document.id for h in search(store, "khuyen cong", issuer="UBND tỉnh An Giang")] == [ids["004"]]
    lao_cai = {h.document.id for h in search(store, "kiem tra", issuer="Sở Công Thương tỉnh Lào Cai")}
    assert lao_cai == {ids["021"], ids["022"]}
    assert search(store, "khuyen cong", year=1999) == []
    with pytest.raises(QueryError):
        search(store, " ;; ")


def test_sqlite_file_is_searchable_by_plain_sqlite_tools(loaded):
    store, url, _ = loaded
    if store.dialect != "sqlite":
        pytest.skip("SQLite file check")
    with sqlite3.connect(url) as c:  # no vanban code: what Datasette or the sqlite3 shell see
        rows = c.execute("SELECT d.number FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid "
                         "WHERE documents_fts MATCH 'nghi dinh 45 khuyen cong' ORDER BY rank").fetchall()
        assert ("2211/QĐ-UBND",) in rows
        # Datasette's own test for "this table has a search index" (datasette.utils.detect_fts_sql)
        assert c.execute("SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE "
                         "'%VIRTUAL TABLE%USING FTS%content=\"documents\"%'").fetchall() == [("documents_fts",)]
        # remove_diacritics also folds an accented query; only đ has no decomposition
        assert c.execute("SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'khuyến công'").fetchone()[0] >= 5


# ---------------------------------------------------------------- bases and cites

def test_bases_lists_legal_bases_first_and_finds_a_document_by_number_path_or_id(loaded):
    store, _, docs = loaded
    b = bases(store, "2211/QĐ-UBND")
    assert b.document.subject.startswith("Phê duyệt Chương trình khuyến công tỉnh An Giang")
    assert b.references[0].relation == "căn cứ"
    assert {r.number for r in b.legal_bases} >= {"45/2012/NĐ-CP", "1288/QĐ-TTg", "43/2015/QĐ-UBND"}
    assert find_document(store, str(docs / "004_9789b1cfca0ebaa2.txt")).id == b.document.id
    assert find_document(store, b.document.id).number == "2211/QĐ-UBND"
    assert find_document(store, "2211/qđ-ubnd").id == b.document.id
    with pytest.raises(QueryError, match="no document"):
        bases(store, "9999/QĐ-XYZ")


def test_cites_groups_citing_documents_by_relation(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    c = cites(store, "45/2012/NĐ-CP")
    assert {x.document.id for x in c.citations} == {ids["002"], ids["003"], ids["004"]}
    assert ids["004"] in [x.document.id for x in c.by_relation["căn cứ"]]
    assert c.cited is None  # the decree itself is not in the database
    c = cites(store, "1050/QĐ-SCT")
    assert c.cited is not None and c.cited.id == ids["021"]
    assert {x.document.id for x in c.by_relation["thực hiện"]} == {ids["020"], ids["022"]}


def test_cites_names_the_documents_that_replace_one(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    c = cites(store, "1666/QĐ-UBND")
    assert [d.id for d in c.replaced_by] == [ids["004"]]
    assert list(c.by_relation) == ["thay thế"]


def test_references_resolve_when_the_cited_document_arrives_later(backend, tmp_path):
    docs = copy_docs(tmp_path / "docs", names=DEV_FEW)
    late = docs / DEV_FEW[2]  # 021: Quyết định 1050/QĐ-SCT, cited by 020 and 022
    held = late.rename(tmp_path / late.name)
    with open_store(fresh_db(backend, tmp_path), create=True) as s:
        import_paths(s, [docs], workers=0, extract=gold_extract, extractor_version="gold")
        c = cites(s, "1050/QĐ-SCT")
        assert c.cited is None and len(c.citations) == 2
        assert all(r.cited_document is None for r in bases(s, "1894/TB-SCT").references if r.number == "1050/QĐ-SCT")
        import_paths(s, [held], workers=0, extract=gold_extract, extractor_version="gold")
        c = cites(s, "1050/QĐ-SCT")
        assert c.cited is not None and c.cited.number == "1050/QĐ-SCT"
        linked = [r for r in bases(s, "1894/TB-SCT").references if r.number == "1050/QĐ-SCT"]
        assert linked and all(r.cited_document.id == c.cited.id for r in linked)
        # a corrected number moves the links with it
        correct_field(s, c.cited.id, "number", "1051/QĐ-SCT", "tester")
        assert cites(s, "1050/QĐ-SCT").cited is None
        assert all(r.cited_document is None for r in bases(s, "1894/TB-SCT").references if r.number == "1050/QĐ-SCT")


# ---------------------------------------------------------------- tasks

def test_tasks_of_a_body_sorted_by_due_date_overdue_marked(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    ts = tasks(store, assignee="Sở Công Thương", today="2025-10-01")
    docs = {t.document.id for t in ts}
    assert {ids["000"], ids["004"], ids["006"]} <= docs
    assert ts[0].due_date == "2025-09-15" and ts[0].overdue and ts[0].document.id == ids["006"]
    assert "trước ngày 15/9/2025" in ts[0].deadline_text
    assert all(t.due_date is None for t in ts[1:])
    assert not tasks(store, assignee="Sở Công Thương", today="2025-09-01")[0].overdue
    # accents, case and abbreviations do not matter
    assert [t.id for t in tasks(store, assignee="so cong thuong", today="2025-10-01")] == [t.id for t in ts]
    assert [t.id for t in tasks(store, assignee="Sở CT", today="2025-10-01")] == [t.id for t in ts]


def test_tasks_filters(loaded):
    store, _, _ = loaded
    ids = ids_by_name(store)
    from_004 = tasks(store, from_doc="2211/QĐ-UBND")
    assert len(from_004) == len(GOLD_BY_FILE["004_9789b1cfca0ebaa2.txt"]["tasks"])
    assert {t.document.id for t in from_004} == {ids["004"]}
    assert [t.due_date for t in tasks(store, due_before="2011-01-01")] == ["2010-10-31"]
    assert [t.due_date for t in tasks(store, due_before="01/01/2011")] == ["2010-10-31"]
    overdue = tasks(store, overdue=True, today="2020-01-01")
    assert [t.due_date for t in overdue] == ["2010-10-31"]
    with pytest.raises(QueryError, match="unknown status"):
        tasks(store, status="finished")
    with pytest.raises(QueryError, match="cannot read date"):
        tasks(store, due_before="next week")


def test_task_status_change_records_who_what_when(backend, tmp_path):
    with open_store(fresh_db(backend, tmp_path), create=True) as s:
        import_paths(s, [DEV / DEV_FEW[0]], workers=0, extract=gold_extract, extractor_version="gold")
        t = tasks(s)[0]
        assert t.status == "open"
        set_task_status(s, t.id, "in_progress", note="đã giao chuyên viên", by="Nguyễn Văn A")
        done = set_task_status(s, t.id, "done", by="Trần Thị B")
        assert done.status == "done" and not tasks(s, overdue=True, today="2030-01-01")
        assert [(h.old_status, h.new_status, h.changed_by, h.note) for h in done.history] == [
            ("open", "in_progress", "Nguyễn Văn A", "đã giao chuyên viên"), ("in_progress", "done", "Trần Thị B", None)]
        assert all(h.changed_at[:4].isdigit() for h in done.history)
        with pytest.raises(QueryError, match="unknown status"):
            set_task_status(s, t.id, "finished")
        with pytest.raises(QueryError, match="no task"):
            set_task_status(s, 99999, "done")
        assert task(s, t.id).status == "done"


def test_task_cli_changes_status_and_shows_history(backend, tmp_path):
    url = fresh_db(backend, tmp_path)
    with open_store(url, create=True) as s:
        import_paths(s, [DEV / DEV_FEW[0]], workers=0, extract=gold_extract, extractor_version="gold")
        tid = tasks(s)[0].id
    r = CliRunner().invoke(cli, ["task", str(tid), "--status", "done", "--note", "xong", "--by", "Lan", "--db", url])
    assert r.exit_code == 0, r.output
    assert "[done]" in r.output and "Lan" in r.output and "xong" in r.output
    r = CliRunner().invoke(cli, ["task", str(tid), "--db", url, "--format", "json"])
    data = json.loads(r.output)
    assert data["status"] == "done" and data["history"][0]["changed_by"] == "Lan"
    r = CliRunner().invoke(cli, ["task", "424242", "--status", "done", "--db", url])
    assert r.exit_code == 1 and "no task 424242" in r.output


# ---------------------------------------------------------------- corrections and export

def test_corrected_field_is_applied_and_searchable(backend, tmp_path):
    with open_store(fresh_db(backend, tmp_path), create=True) as s:
        import_paths(s, [SEEDS / "004_9789b1cfca0ebaa2.txt"], workers=0, extract=gold_extract,
                     extractor_version="gold")
        d = find_document(s, "2211/QĐ-UBND")
        correct_field(s, d.id, "subject", "Chương trình khuyến công An Giang (bản sửa tay)", "Lan")
        assert find_document(s, d.id).subject == "Chương trình khuyến công An Giang (bản sửa tay)"
        assert [h.document.id for h in search(s, "ban sua tay")] == [d.id]
        with pytest.raises(ValueError, match="cannot correct"):
            correct_field(s, d.id, "text", "x", "Lan")
        url = s.url.target if s.dialect == "sqlite" else str(s.url)
    r = CliRunner().invoke(cli, ["correct", "2211/QĐ-UBND", "issue_place", "tỉnh An Giang", "--by", "Lan", "--db", url])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["correct", "2211/QĐ-UBND", "text", "x", "--db", url])
    assert r.exit_code == 2 and "one of: doc_type, number" in r.output
    with open_store(url, readonly=True) as s:
        assert s.query("SELECT field, value, corrected_by FROM corrections ORDER BY field") == [
            {"field": "issue_place", "value": "tỉnh An Giang", "corrected_by": "Lan"},
            {"field": "subject", "value": "Chương trình khuyến công An Giang (bản sửa tay)", "corrected_by": "Lan"}]


@pytest.mark.parametrize("table", ["documents", "tasks", "references", "budgets"])
def test_export_tables_as_csv_json_and_xlsx(loaded, table, tmp_path):
    store, url, _ = loaded
    t = export_table(store, table)
    assert t.rows, table
    r = CliRunner().invoke(cli, ["export", "--table", table, "--format", "json", "--db", url])
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.output)) == len(t.rows)
    out = tmp_path / f"{table}.csv"
    r = CliRunner().invoke(cli, ["export", "--table", table, "--format", "csv", "--out", str(out), "--db", url])
    assert r.exit_code == 0, r.output
    text = out.read_text("utf-8-sig")
    assert text.splitlines()[0].split(",")[:2] == t.columns[:2]
    xlsx = tmp_path / f"{table}.xlsx"
    r = CliRunner().invoke(cli, ["export", "--table", table, "--format", "xlsx", "--out", str(xlsx), "--db", url])
    assert r.exit_code == 0, r.output
    from openpyxl import load_workbook
    ws = load_workbook(xlsx, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == t.columns and len(rows) == len(t.rows) + 1
    if table == "budgets":
        assert 73440000000 in [r[t.columns.index("amount_vnd")] for r in rows[1:]]


def test_export_xlsx_needs_an_output_file(loaded):
    _, url, _ = loaded
    r = CliRunner().invoke(cli, ["export", "--table", "tasks", "--format", "xlsx", "--db", url])
    assert r.exit_code == 2 and "--out" in r.output


def test_query_commands_in_every_format(loaded):
    _, url, _ = loaded
    run = CliRunner().invoke
    r = run(cli, ["search", "khuyen", "cong", "--db", url, "--format", "json"])
    assert r.exit_code == 0 and len(json.loads(r.output)["hits"]) >= 5
    r = run(cli, ["search", "khuyen cong", "--db", url, "--format", "csv", "--type", "Quyết định"])
    assert r.output.splitlines()[0] == "id,score,document,subject,snippet" and "2211/QĐ-UBND" in r.output
    r = run(cli, ["bases", "2211/QĐ-UBND", "--db", url])
    assert r.exit_code == 0 and "căn cứ" in r.output and "45/2012/NĐ-CP" in r.output
    r = run(cli, ["cites", "1666/QĐ-UBND", "--db", url])
    assert "replaced or repealed by" in r.output and "2211/QĐ-UBND" in r.output
    r = run(cli, ["tasks", "--assignee", "Sở Công Thương", "--db", url, "--format", "csv"])
    assert r.output.splitlines()[0].startswith("id,due,status,assignees,action,document")
    r = run(cli, ["tasks", "--from", "nonexistent-doc", "--db", url])
    assert r.exit_code == 1 and "no document 'nonexistent-doc'" in r.output
