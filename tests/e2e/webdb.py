"""A test database for the web tests: the seed documents through the real
pipeline, plus two crafted documents whose records are set by hand so the
pages' mechanics (escaping, links, replaced marks, task urgency) are tested
whatever the extractors currently find."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.importer import import_paths
from pipeline.ingest import load
from pipeline.records import Budget, Deadline, Extraction, Field, Header, Reference, Task
from pipeline.run import Result, process
from pipeline.segment import segment
from pipeline.store import open_store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpus" / "docs" / "seeds"
TODAY = date(2020, 7, 1)  # the crafted tasks are due 2020-06-30 (overdue) and 2020-07-03 (within 3 days)

OLD_TEXT = """ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM
Số: 15/2019/QĐ-UBND
QUYẾT ĐỊNH
Về chương trình <b>thử</b> & kiểm tra <script>alert("xss")</script>
Điều 1. Giao Sở Công Thương chủ trì xây dựng kế hoạch khuyến công <img src=x onerror=alert(1)>, hoàn thành trước ngày 30/6/2020.
Điều 2. Sở Tài chính bố trí kinh phí 2,5 tỷ đồng từ ngân sách tỉnh, xong trước ngày 03/7/2020.
Điều 3. Sở Xây dựng rà soát quy hoạch.
"""

NEW_TEXT = """ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM
Số: 20/2020/QĐ-UBND
QUYẾT ĐỊNH
Thay thế Quyết định số 15/2019/QĐ-UBND về chương trình thử.
Điều 1. Quyết định này thay thế Quyết định số 15/2019/QĐ-UBND ngày 02 tháng 5 năm 2019.
"""


def _span(text: str, part: str) -> tuple[int, int]:
    i = text.index(part)
    return i, i + len(part)


def _header(number: str, subject: str, issued: str) -> Header:
    h = Header()
    h.doc_type = Field("Quyết định")
    h.number = Field(number)
    h.issue_date = Field(issued)
    h.issuer = Field("Ủy ban nhân dân tỉnh Thử Nghiệm")
    h.subject = Field(subject)
    return h


def _old(text: str) -> Extraction:
    ex = Extraction(header=_header("15/2019/QĐ-UBND", 'Về chương trình <b>thử</b> & kiểm tra <script>alert("xss")</script>',
                                   "2019-05-02"))
    d1 = Deadline("trước ngày 30/6/2020", *_span(text, "trước ngày 30/6/2020"), date="2020-06-30")
    d2 = Deadline("trước ngày 03/7/2020", *_span(text, "trước ngày 03/7/2020"), date="2020-07-03")
    s1 = _span(text, "Giao Sở Công Thương chủ trì")[0]
    s2 = _span(text, "Sở Tài chính bố trí")[0]
    s3, e3 = _span(text, "Sở Xây dựng rà soát quy hoạch.")
    ex.deadlines = [d1, d2]
    ex.tasks = [
        Task(text[s1:d1.end + 1], s1, d1.end + 1, ["Sở Công Thương"], ["Sở Công Thương"],
             action="xây dựng kế hoạch khuyến công <img src=x onerror=alert(1)>", deadline=d1),
        Task(text[s2:d2.end + 1], s2, d2.end + 1, ["Sở Tài chính"], ["Sở Tài chính"], action="bố trí kinh phí",
             deadline=d2),
        Task(text[s3:e3], s3, e3, ["Sở Xây dựng"], ["Sở Xây dựng"], action="rà soát quy hoạch"),
    ]
    ex.budgets = [Budget("2,5 tỷ đồng", *_span(text, "2,5 tỷ đồng"), amount_vnd=2_500_000_000,
                         source="ngân sách tỉnh", purpose="kinh phí")]
    return ex


def _new(text: str) -> Extraction:
    ex = Extraction(header=_header("20/2020/QĐ-UBND", "Thay thế Quyết định số 15/2019/QĐ-UBND về chương trình thử",
                                   "2020-06-01"))
    part = "Quyết định số 15/2019/QĐ-UBND ngày 02 tháng 5 năm 2019"
    ex.references = [Reference(part, *_span(text, part), doc_type="Quyết định", number="15/2019/QĐ-UBND",
                               date="2019-05-02", relation="thay thế")]
    return ex


CRAFTED = {"crafted_old.txt": (OLD_TEXT, _old), "crafted_new.txt": (NEW_TEXT, _new)}


def _extract(path: str) -> Result:
    """The real pipeline for real documents; the hand-set records for the crafted ones."""
    name = Path(path).name
    if name not in CRAFTED:
        return process(path)
    doc = load(path)
    return Result(doc, segment(doc), CRAFTED[name][1](doc.text))


def pg_schema_url(pg_url: str, name: str) -> str:
    """A fresh, empty schema of the PostgreSQL test database, selected through the URL."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    return pg_url + ("&" if "?" in pg_url else "?") + f"options=-csearch_path%3D{name}"


def build_db(tmp: Path, *, seeds: str = "*", crafted: bool = True, db: str | None = None) -> str:
    """A new database (SQLite under `tmp` unless `db` names one) with the seeds matching the glob
    `seeds`; returns its location."""
    db = db or str(tmp / "web.db")
    files: list[Path] = []
    if crafted:
        cdir = tmp / "crafted"
        cdir.mkdir(parents=True, exist_ok=True)
        for name, (text, _) in CRAFTED.items():
            (cdir / name).write_text(text, "utf-8")
            files.append(cdir / name)
    if seeds:
        files += sorted(SEEDS.glob(f"{seeds}.txt"))
    with open_store(db, create=True) as store:
        summary = import_paths(store, files, workers=0, extract=_extract)
    assert summary.failed == 0, summary.failures
    return db
