"""Bad inputs: each is a one-line IngestError naming the file, and a batch goes on."""

import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.ingest import MAX_TEXT_BYTES, IngestError, find_files, load

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
GOOD_TXT = CORPUS / "docs" / "dev" / "009_sct_CV-597-HC-QLHC-CucHoaChat.txt"
GOOD_PDF = next((CORPUS / "files").glob("026_*.pdf"))


def _fail(path) -> str:
    with pytest.raises(IngestError) as e:
        load(path)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"{path}: ")
    return e.value.reason


def test_missing_file(tmp_path):
    assert _fail(tmp_path / "khong-co.pdf") == "file does not exist"


def test_empty_file(tmp_path):
    f = tmp_path / "rong.txt"
    f.write_bytes(b"")
    assert _fail(f) == "empty file"


def test_truncated_pdf(tmp_path):
    f = tmp_path / "cut.pdf"
    f.write_bytes(GOOD_PDF.read_bytes()[:20_000])
    assert _fail(f).startswith("damaged or truncated PDF")


def test_random_bytes_named_docx(tmp_path):
    f = tmp_path / "random.docx"
    f.write_bytes(os.urandom(4096))
    assert _fail(f).startswith("not a valid .docx file")


def test_zip_that_is_not_a_docx(tmp_path):
    import zipfile

    f = tmp_path / "archive.docx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("readme.txt", "không phải văn bản Word")
    assert _fail(f).startswith("not a valid .docx file")


def test_binary_named_txt(tmp_path):
    f = tmp_path / "anh.txt"
    f.write_bytes(bytes(range(256)) * 64)
    assert _fail(f) == "binary or unknown text encoding"


def test_directory_without_documents(tmp_path):
    (tmp_path / "notes.xyz").write_text("x")
    files, errors = find_files([tmp_path])
    assert files == [] and errors == [(tmp_path, "directory has no documents")]


def test_50_mb_text_file_fails_fast_with_its_reason(tmp_path):
    f = tmp_path / "export.txt"
    block = GOOD_TXT.read_bytes()
    with f.open("wb") as out:
        for _ in range(50 * 2**20 // len(block) + 1):
            out.write(block)
    assert f.stat().st_size > MAX_TEXT_BYTES
    tracemalloc.start()
    t = time.perf_counter()
    reason = _fail(f)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reason.startswith("text file too large to process (50 MiB > 16 MiB)")
    assert elapsed < 1 and peak < 2**20  # only the head is read to tell the format


def test_large_text_under_the_limit_loads(tmp_path):
    f = tmp_path / "many.txt"
    f.write_bytes(GOOD_TXT.read_bytes() * 40)  # ~300 KB of real text
    doc = load(f)
    assert doc.text.count("Số: 597/HC-QLHC") == 40


def test_extract_batch_with_bad_files_processes_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("VANBAN_OCR", "0")
    good = tmp_path / GOOD_TXT.name
    good.write_bytes(GOOD_TXT.read_bytes())
    (tmp_path / "rong.txt").write_bytes(b"")
    (tmp_path / "random.docx").write_bytes(os.urandom(2048))
    (tmp_path / "cut.pdf").write_bytes(GOOD_PDF.read_bytes()[:5000])
    result = CliRunner().invoke(main, ["extract", str(tmp_path), str(tmp_path / "missing.pdf"), "--format", "gold"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    records = json.loads(out[out.index("["):])
    assert len(records) == 1 and records[0]["number"] == "597/HC-QLHC"
    err = result.stderr
    assert "4 file(s) could not be read" in err and "1 read, 4 failed" in err
    assert f"{tmp_path / 'rong.txt'}: empty file" in err
    assert f"{tmp_path / 'random.docx'}: not a valid .docx file" in err
    assert f"{tmp_path / 'cut.pdf'}: damaged or truncated PDF" in err
    assert f"{tmp_path / 'missing.pdf'}: file does not exist" in err


def test_symlink_loop_and_broken_link_have_reasons(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(GOOD_TXT.read_bytes())
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    os.symlink("gone.txt", tmp_path / "broken.txt")
    files, errors = find_files([tmp_path, tmp_path / "a.txt"])
    assert files == [good]
    assert errors == [(tmp_path / "a.txt", "symbolic link loop"), (tmp_path / "b.txt", "symbolic link loop"),
                      (tmp_path / "broken.txt", "broken symbolic link (to gone.txt, which does not exist)"),
                      (tmp_path / "a.txt", "symbolic link loop")]
