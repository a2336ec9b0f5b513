"""`vanban import --executor dask`: a LocalCluster of two worker processes
reads, OCRs and extracts; the client writes. Same rows as the local path,
re-runs skip what is stored, a scan's pages are OCR'd as tasks of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_store import DEV, SEEDS, snapshot

from pipeline.importer import import_paths
from pipeline.store import open_store

distributed = pytest.importorskip("distributed")

FILES = Path(__file__).resolve().parent.parent / "corpus" / "files"
FEW = ["000_caf423fad9b79039.txt", "004_9789b1cfca0ebaa2.txt"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as c:
        yield c


def _subset(dest: Path) -> Path:
    """Two seeds, a dev text, a DOCX and a text-layer PDF."""
    dest.mkdir()
    for n in FEW:
        shutil.copy(SEEDS / n, dest / n)
    shutil.copy(DEV / "020_sct_KH-1105-DKT-ke-hoach-kiem-tra.txt", dest)
    shutil.copy(next(FILES.glob("002_*.docx")), dest)
    shutil.copy(next(FILES.glob("026_*.pdf")), dest)
    return dest


def test_dask_import_gives_the_same_database_as_the_local_path_and_resumes(cluster, tmp_path):
    docs = _subset(tmp_path / "docs")
    local, viadask = str(tmp_path / "local.db"), str(tmp_path / "dask.db")
    with open_store(local, create=True) as s:
        ref = import_paths(s, [docs], workers=0)
    assert (ref.added, ref.failed) == (5, 0)
    with open_store(viadask, create=True) as s:
        res = import_paths(s, [docs], executor="dask", scheduler=cluster.scheduler_address)
    assert (res.added, res.failed, res.files) == (5, 0, 5)
    with open_store(local, readonly=True) as a, open_store(viadask, readonly=True) as b:
        snap = snapshot(b)
        assert snap == snapshot(a)
        assert len(snap["documents"]) == 5 and snap["tasks"] and snap["references"] and snap["budgets"]
        assert {Path(r[0]).parent for r in snap["documents"]} == {docs.resolve()}  # not the workers' temp copies
    # idempotent: nothing to do; resumable: a new file is the only one extracted
    with open_store(viadask) as s:
        again = import_paths(s, [docs], executor="dask", scheduler=cluster.scheduler_address)
    assert (again.added, again.unchanged, again.run_id) == (0, 5, None)
    shutil.copy(SEEDS / "001_371b00d775da7c1b.txt", docs)
    with open_store(viadask) as s:
        more = import_paths(s, [docs], executor="dask", scheduler=cluster.scheduler_address)
    assert (more.added, more.unchanged) == (1, 5)


def test_dask_import_cli_with_a_local_cluster(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main as cli

    docs = tmp_path / "docs"
    docs.mkdir()
    for n in FEW:
        shutil.copy(SEEDS / n, docs / n)
    db = tmp_path / "v.db"
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", str(db), "--executor", "dask", "--workers", "2", "-q"])
    assert r.exit_code == 0, r.output
    assert "2 files: 2 added" in r.output
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", str(db), "--executor", "local", "--scheduler", "x"])
    assert r.exit_code == 2 and "--scheduler needs --executor dask" in r.output


@pytest.mark.ocr
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Tesseract")
def test_scanned_pages_are_ocrd_as_cluster_tasks_with_the_local_text(cluster, tmp_path):
    from pipeline.ingest import load
    from pipeline.ingest import ocr as ocr_mod

    if ocr_mod.available():
        pytest.skip(ocr_mod.available())
    docs = tmp_path / "docs"
    docs.mkdir()
    scan = shutil.copy(next(FILES.glob("029_*.pdf")), docs)  # two scanned pages
    db = str(tmp_path / "scan.db")
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        with open_store(db, create=True) as s:
            res = import_paths(s, [docs], executor="dask", scheduler=cluster.scheduler_address)
    assert (res.added, res.failed) == (1, 0)
    ocr_tasks = [t for t in stream.data if str(t["key"]).startswith("vanban-ocr-page-")]
    assert len(ocr_tasks) == 2
    with open_store(db, readonly=True) as s:
        text = s.scalar("SELECT text FROM documents")
    assert text == load(scan, ocr=True).text and text.startswith("BỘ CÔNG THƯƠNG")
