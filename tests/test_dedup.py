"""One record per document: files that are the same document (same bytes, same
number/type/issuer/date, near-identical text) are stored as one document with
several source files; the best text gives its records; people's work survives
the twin's arrival and re-imports. Real corpus files through the real pipeline.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store import BACKENDS, DEV, fresh_db

from pipeline.cli import main as cli
from pipeline.importer import import_paths
from pipeline.queries import find_document, set_task_status, source_file, source_files, task, tasks, text_origin
from pipeline.store import open_store
from pipeline.store.dedup import THRESHOLD, bands, jaccard, shingles
from pipeline.store.writer import correct_field

FILES = DEV.parents[1] / "files"
TXT_009 = DEV / "009_sct_CV-597-HC-QLHC-CucHoaChat.txt"
DOCX_009 = FILES / "009_sct_CV-597-HC-QLHC-CucHoaChat.docx"
TXT_006 = DEV / "006_sct_CV-UBND-KT-giao-SCT-tham-muu-uy-quyen-truoc-15-9-2025.txt"  # no number: text decides
DOCX_006 = FILES / "006_sct_CV-UBND-KT-giao-SCT-tham-muu-uy-quyen-truoc-15-9-2025.docx"
TXT_030 = DEV / "030_congbao_quyet-dinh-so-798-qd-ttg-469485.txt"
PDF_030 = FILES / "030_congbao_quyet-dinh-so-798-qd-ttg-469485.pdf"


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _copy(dest: Path, *files: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, dest / f.name)
    return dest


def _import(url, paths, **kw):
    kw.setdefault("workers", 0)
    with open_store(url, create=True) as s:
        return import_paths(s, paths, **kw)


def _files(s, doc_id):
    return {Path(r["source_path"]).name: r for r in s.query(
        "SELECT * FROM document_files WHERE document_id = ? ORDER BY source_path", (doc_id,))}


def test_twins_are_one_document_with_all_their_files(backend, tmp_path):
    docs = _copy(tmp_path / "a", TXT_009, TXT_006, TXT_030, DEV / "020_sct_KH-1105-DKT-ke-hoach-kiem-tra.txt")
    files = _copy(tmp_path / "b", DOCX_009, DOCX_006, PDF_030)
    url = fresh_db(backend, tmp_path)
    res = _import(url, [docs, files])
    assert (res.files, res.documents, res.duplicates, res.failed) == (7, 4, 3, 0)
    assert res.documents_line() == "7 files, 4 documents, 3 duplicates of a stored document"
    with open_store(url, readonly=True) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM documents") == 4
        d009, d030 = find_document(s, "597/HC-QLHC"), find_document(s, "798/QĐ-TTg")
        f009 = _files(s, d009.id)
        # the .docx gives the text over its .txt copy, the PDF's text layer over the site's text
        assert {n: r["role"] for n, r in f009.items()} == {DOCX_009.name: "primary", TXT_009.name: "copy"}
        assert {n: r["role"] for n, r in _files(s, d030.id).items()} == {PDF_030.name: "primary", TXT_030.name: "copy"}
        assert d009.source_path.endswith(".docx")
        listed = source_files(s, d009.id)  # what the document page lists and serves
        assert [(f.name, f.role, f.format) for f in listed] == [(DOCX_009.name, "primary", "docx"),
                                                                 (TXT_009.name, "copy", "txt")]
        assert source_file(s, listed[1].id).size_bytes == TXT_009.stat().st_size
        assert not text_origin(s, d009.id).from_ocr
        for f, r in ((DOCX_009, f009[DOCX_009.name]), (TXT_009, f009[TXT_009.name])):
            data = f.read_bytes()
            assert (r["size_bytes"], r["content_hash"]) == (len(data), hashlib.sha256(data).hexdigest())
            assert r["format"] == f.suffix[1:]
        # the twin without a number is found by its text
        d006 = s.one("SELECT document_id FROM document_files WHERE source_path LIKE ?", ("%006_sct%.docx",))
        assert s.scalar("SELECT COUNT(*) AS n FROM document_files WHERE document_id = ?", (d006["document_id"],)) == 2
        # records once: no task text twice within the twins
        assert s.scalar("SELECT COUNT(*) AS n FROM (SELECT text FROM tasks GROUP BY text, due_date "
                        "HAVING COUNT(*) > 1) x") == 0
        assert s.scalar("SELECT COUNT(*) AS n FROM tasks WHERE document_id = ?", (d030.id,)) == 5
    again = _import(url, [docs, files])
    assert (again.unchanged, again.added, again.duplicates, again.documents, again.run_id) == (7, 0, 0, 4, None)


def test_the_same_winner_whatever_the_order(tmp_path):
    docs = _copy(tmp_path / "a", TXT_009)
    files = _copy(tmp_path / "b", DOCX_009)
    one, two = str(tmp_path / "1.db"), str(tmp_path / "2.db")
    _import(one, [docs, files])
    _import(two, [files, docs])
    for url in (one, two):
        with open_store(url, readonly=True) as s:
            assert s.scalar("SELECT format FROM documents") == "docx"
            assert s.scalar("SELECT COUNT(*) AS n FROM document_files") == 2


def test_the_original_arriving_later_keeps_status_notes_and_corrections(backend, tmp_path):
    docs = _copy(tmp_path / "a", TXT_009)
    url = fresh_db(backend, tmp_path)
    _import(url, [docs])
    with open_store(url) as s:
        d = find_document(s, "597/HC-QLHC")
        t = tasks(s, from_doc="597/HC-QLHC")[0]
        set_task_status(s, t.id, "done", note="đã trả lời Cục Hải quan", by="Lan")
        correct_field(s, d.id, "issue_place", "Thủ đô Hà Nội", "Lan")
        n_tasks = s.scalar("SELECT COUNT(*) AS n FROM tasks")
    files = _copy(tmp_path / "b", DOCX_009)
    res = _import(url, [files])
    assert (res.added, res.duplicates, res.documents) == (0, 1, 1)
    with open_store(url, readonly=True) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM documents") == 1
        assert s.scalar("SELECT format FROM documents") == "docx"  # the original now gives the text
        kept = task(s, t.id)
        assert kept.status == "done" and [h.note for h in kept.history] == ["đã trả lời Cục Hải quan"]
        assert s.scalar("SELECT COUNT(*) AS n FROM tasks") == n_tasks
        assert s.scalar("SELECT issue_place FROM documents WHERE id = ?", (d.id,)) == "Thủ đô Hà Nội"
    # both files read again by a new extractor version: still one document, nothing people did lost
    res = _import(url, [docs, files], extractor_version="next")
    assert (res.updated, res.added, res.duplicates, res.documents) == (2, 0, 0, 1)  # two stored files read again
    with open_store(url, readonly=True) as s:
        assert s.scalar("SELECT COUNT(*) AS n FROM documents") == 1
        assert task(s, t.id).status == "done"
        assert s.scalar("SELECT COUNT(*) AS n FROM tasks") == n_tasks
        assert s.scalar("SELECT issue_place FROM documents") == "Thủ đô Hà Nội"
        assert s.scalar("SELECT COUNT(*) AS n FROM document_files WHERE extractor_version = 'next'") == 2


def test_same_number_type_issuer_and_date_is_the_same_document(tmp_path):
    """A partial copy (the first 40 % of CT 07/2012/CT-TTg: too little text in common) still joins by its header;
    two letters sharing whole paragraphs of boilerplate (016, 017 of Sở NN&MT) stay two documents."""
    src = DEV / "008_sct_CT-07-2012-TTg-chan-chinh-KKT-KCN-CCN.txt"
    docs = _copy(tmp_path / "a", src, DEV / "016_sct_CV-6795-SNNMT-KS-17-7-2026-nghia-vu-sau-cap-phep-mo-Quy-Xa.txt",
                 DEV / "017_sct_CV-6987-SNNMT-KS-23-7-2026-nghia-vu-sau-cap-phep-mo-dat-hiem.txt")
    text = src.read_text("utf-8")
    part = tmp_path / "part" / "ct07-trich.txt"
    part.parent.mkdir()
    part.write_text(text[: len(text) * 2 // 5], "utf-8")
    assert jaccard(shingles(text), shingles(part.read_text("utf-8"))) < 0.6
    url = str(tmp_path / "v.db")
    res = _import(url, [docs, part])
    assert (res.files, res.documents, res.duplicates) == (4, 3, 1)
    with open_store(url, readonly=True) as s:
        d = find_document(s, "07/CT-TTg")
        assert set(_files(s, d.id)) == {src.name, part.name}
        assert d.source_path.endswith(src.name)  # the longer text of the two


def test_near_identical_texts_share_a_band_and_pass_the_threshold():
    from pipeline.ingest import load

    a, b = TXT_030.read_text("utf-8"), load(PDF_030, ocr=False).text
    sa, sb = shingles(a), shingles(b)
    assert jaccard(sa, sb) >= THRESHOLD
    assert set(bands(sa)) & set(bands(sb))
    assert bands({1, 2, 3}) == []  # too short to compare by text


def test_import_cli_says_files_documents_and_duplicates(tmp_path):
    docs = _copy(tmp_path / "a", TXT_009, DOCX_009)
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", str(tmp_path / "v.db"), "--workers", "0", "-q"])
    assert r.exit_code == 0, r.output
    assert "2 files: 1 added" in r.output and "1 duplicate," in r.output
    assert "2 files, 1 documents, 1 duplicate of a stored document" in r.output


def test_migration_lists_the_files_of_documents_stored_before(tmp_path):
    url = str(tmp_path / "old.db")
    with open_store(url, create=True, upto=9) as s, s.transaction():
        s.execute("INSERT INTO documents (source_path, content_hash, format, status, extractor_version, text, warnings, "
                  "search_title, search_body, imported_at, updated_at) VALUES (?, ?, 'pdf', 'ok', '0.1.0', ?, ?, '', '', "
                  "'2026-01-01', '2026-01-01')",
                  (str(PDF_030), hashlib.sha256(PDF_030.read_bytes()).hexdigest(), TXT_030.read_text("utf-8"),
                   '["OCR (Tesseract vie) on page(s) 1, 2"]'))
    with open_store(url) as s:
        assert s.schema_version() >= 10
        f = s.one("SELECT * FROM document_files")
        assert (f["role"], f["size_bytes"], f["ocr_pages"]) == ("primary", PDF_030.stat().st_size, 2)
        assert s.scalar("SELECT COUNT(*) AS n FROM document_bands") == 16
        assert s.scalar("SELECT ocr_pages FROM documents") == 2


def test_web_upload_of_a_twin_joins_its_document(tmp_path):
    pytest.importorskip("flask")
    from pipeline.web.importing import import_one

    up = tmp_path / "uploads"
    up.mkdir()
    txt, docx, again = (Path(shutil.copy(f, up / f"{i}-{f.name}")) for i, f in enumerate((TXT_009, DOCX_009, TXT_009)))
    with open_store(str(tmp_path / "v.db"), create=True) as s:
        first = import_one(s, txt)
        assert first.message == "Đã nhập"
        twin = import_one(s, docx)
        assert (twin.doc_id, twin.message) == (first.doc_id, "Đã nhập: thêm một tệp của văn bản đã có")
        same = import_one(s, again)  # the same bytes once more: one copy kept
        assert (same.doc_id, same.message) == (first.doc_id, "Văn bản này đã có trong cơ sở dữ liệu")
        assert not again.exists()
        assert [f.name for f in source_files(s, first.doc_id)] == [docx.name, txt.name]
