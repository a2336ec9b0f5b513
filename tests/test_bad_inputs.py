"""Bad input in a batch: a clear reason or a repaired read, never a crash, the good files kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main as cli
from pipeline.ingest import load
from pipeline.store import open_store

SEED = Path(__file__).resolve().parents[1] / "corpus" / "docs" / "seeds" / "001_371b00d775da7c1b.txt"


def test_file_name_that_is_not_utf8_is_imported_and_reported(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    odd = os.path.join(os.fsencode(src), b"latin1_\xff\xfe_name.txt")
    with open(odd, "wb") as f:
        f.write(SEED.read_bytes())
    (src / "good.txt").write_text("Số: 15/UBND-VP\nCông văn về việc thử nghiệm nhập liệu\n" * 3, "utf-8")
    db = f"sqlite:///{tmp_path / 'v.db'}"
    r = CliRunner().invoke(cli, ["import", str(src), "--db", db, "--workers", "0"])
    assert r.exit_code == 0, r.output
    assert "2 added" in r.output
    store = open_store(db)
    paths = sorted(row["source_path"] for row in store.query("SELECT source_path FROM documents"))
    assert paths[1].endswith("latin1_\\xff\\xfe_name.txt")
    r = CliRunner().invoke(cli, ["import", str(src), "--db", db, "--workers", "0"])
    assert "2 unchanged" in r.output  # the re-run knows it by the same name


def test_stray_byte_in_utf8_text_is_replaced_and_reported(tmp_path):
    data = SEED.read_bytes()
    cut = data.index("Căn cứ".encode()) if "Căn cứ".encode() in data else len(data) // 2
    f = tmp_path / "stray.txt"
    f.write_bytes(data[:cut] + b"\xff" + data[cut:] + "ữ".encode()[:1])  # a stray byte, then cut mid-character
    doc = load(f)
    assert doc.encoding == "utf-8"
    assert doc.text.count("\ufffd") == 2
    assert doc.warnings == [f"2 undecodable byte(s) replaced by U+FFFD (first at byte {cut})"]
    assert doc.text.replace("\ufffd", "")[:200] == load(SEED).text[:200]


def test_extract_out_names_never_collide(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "x.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "a" / "x.md").write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["extract", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "gold",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["x.md.json", "x.txt-2.json", "x.txt.json"]
    assert json.loads((out / "x.txt-2.json").read_text("utf-8"))["doc_type"]


# -- the whole bad-input suite in one `vanban import`: every class generated here, nothing big committed

DEV = SEED.parents[1] / "dev"
FILES = SEED.parents[2] / "files"
SMALL_TEXTS = ["006_sct_CV-UBND-KT-giao-SCT-tham-muu-uy-quyen-truoc-15-9-2025.txt", "072_vbpl_doc_000702.txt",
               "054_vbpl_doc_000639.txt", "073_vbpl_doc_000706.txt", "053_vbpl_doc_000683.txt",
               "074_vbpl_doc_000180.txt"]
GOOD_DOCX = FILES / "009_sct_CV-597-HC-QLHC-CucHoaChat.docx"
GOOD_PDF = FILES / "029_sct_CV-813-CucHoaChat.pdf"

# Run `vanban import` in a fresh interpreter and report the peak RSS of the largest process under it (the
# import and its workers: Linux counts every waited-for descendant in RUSAGE_CHILDREN).
_MEASURE = """
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True)
print(json.dumps({"rc": p.returncode, "out": p.stdout.decode("utf-8", "replace"),
                  "err": p.stderr.decode("utf-8", "replace"),
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _bad_batch(root: Path) -> tuple[Path, list[Path], dict[str, str], dict[str, str], int]:
    """A directory of good files between bad ones, one of each class, and the files named beside it.
    Returns (dir, extra paths, {bad file: reason prefix in import_log}, {bad link: reason in the output},
    number of good files)."""
    import hostile_files as hf

    src = root / "in"
    src.mkdir()
    texts = [DEV / n for n in SMALL_TEXTS]
    # good files, some under odd names
    (src / "good.txt").write_bytes(texts[0].read_bytes())
    (src / "good.docx").write_bytes(GOOD_DOCX.read_bytes())
    (src / "good.pdf").write_bytes(GOOD_PDF.read_bytes())
    (src / "tên có  dấu cách.txt").write_bytes(texts[1].read_bytes())
    (src / "-gạch đầu.txt").write_bytes(texts[2].read_bytes())
    (src / "xuống\ndòng.txt").write_bytes(texts[3].read_bytes())
    (src / "to\u0302\u0301 hợp NFD.txt").write_bytes(texts[4].read_bytes())
    with open(os.path.join(os.fsencode(src), b"latin1_\xe9\xff.txt"), "wb") as f:
        f.write(texts[5].read_bytes())
    data = SEED.read_bytes()
    (src / "stray.txt").write_bytes(data[:300] + b"\xff" + data[300:])
    good = 9
    bad: dict[str, str] = {}

    def put(name: str, content: bytes, reason: str) -> None:
        (src / name).write_bytes(content)
        bad[name] = reason

    put("empty.txt", b"", "empty file")
    put("truncated.docx", GOOD_DOCX.read_bytes()[:4000], "not a valid .docx file (damaged ZIP")
    put("truncated.pdf", GOOD_PDF.read_bytes()[:20_000], "damaged or truncated PDF")
    put("encrypted.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "EncryptedPackage".encode("utf-16-le")
        + bytes(3000), "encrypted (password-protected) Office file")
    put("fake.docx", os.urandom(4096), "not a valid .docx file")
    put("binary.txt", bytes(range(256)) * 64, "binary or unknown text encoding")
    with open(src / "huge.txt", "wb") as f:
        f.truncate(300 * 2**20)  # sparse: no disk used
    bad["huge.txt"] = "file too large (300 MiB > 200 MiB)"
    with open(src / "export.txt", "wb") as f:
        f.truncate(20 * 2**20)
    bad["export.txt"] = "text file too large to process (20 MiB > 16 MiB)"
    hf.docx_bomb(src / "bomb.docx", 1_150_000_000)  # the campaign's: 1.15 GB of XML
    bad["bomb.docx"] = "ZIP package unpacks to more than 200 MiB (zip bomb?)"
    hf.docx_bomb(src / "ratio.docx", 100 * 10**6)
    bad["ratio.docx"] = "ZIP member word/document.xml compressed"
    hf.odt_bomb(src / "bomb.odt", 500 * 2**20)
    bad["bomb.odt"] = "ZIP package unpacks to more than 200 MiB (zip bomb?)"
    hf.deep_docx(src / "deep.docx", 5000)
    bad["deep.docx"] = "XML nested too deep in word/document.xml (more than 100 levels)"
    hf.docx(src / "paras.docx", "".join(hf.paragraph(f"Đoạn {i}") for i in range(170_000)))
    bad["paras.docx"] = "too many XML elements (more than 500,000 in the package)"
    hf.docx(src / "export.docx", "".join(hf.paragraph(os.urandom(4200).hex()) for _ in range(2100)))
    bad["export.docx"] = "text too large to process (more than 16 Mi characters)"
    pdf = bytearray(GOOD_PDF.read_bytes())
    at = pdf.rfind(b"startxref")
    xref = int(pdf[at + 10:].split()[0])
    pdf[xref:xref + 200] = b"#" * 200  # the cross-reference table overwritten
    (src / "broken_xref.pdf").write_bytes(bytes(pdf))  # a reader may repair it: stored or refused, never a crash
    os.symlink("loop_b.txt", src / "loop_a.txt")
    os.symlink("loop_a.txt", src / "loop_b.txt")
    printed = {"loop_a.txt": "symbolic link loop", "loop_b.txt": "symbolic link loop"}
    if os.geteuid() != 0:  # root reads any file
        put("unreadable.txt", SEED.read_bytes(), "cannot read file: Permission denied")
        os.chmod(src / "unreadable.txt", 0)
    xlsx = hf.xlsx_bomb(root / "bomb.xlsx", 500 * 2**20)  # not a supported extension: only read when named
    bad["bomb.xlsx"] = "ZIP package unpacks to more than 200 MiB (zip bomb?)"
    return src, [xlsx], bad, printed, good


def test_bad_input_batch_gives_reasons_keeps_good_files_in_bounded_memory(tmp_path):
    import subprocess
    import sys

    src, extra, bad, printed, good = _bad_batch(tmp_path)
    db = tmp_path / "v.db"
    env = {**os.environ, "VANBAN_OCR": "0"}
    cmd = [sys.executable, "-m", "pipeline.cli", "import", str(src), *map(str, extra), "--db", str(db),
           "--workers", "2", "--quiet"]
    r = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, env=env, timeout=600)
    res = json.loads(r.stdout)
    out = res["out"] + res["err"]
    assert "Traceback" not in out and "Error:" not in res["err"].splitlines()[0], out
    assert res["rc"] == 0, out
    assert res["maxrss_kb"] < 2**20, f"peak RSS {res['maxrss_kb'] // 1024} MiB"

    store = open_store(f"sqlite:///{db}")
    stored = {Path(r["source_path"]).name for r in store.query("SELECT source_path FROM documents")}
    assert {"good.txt", "good.docx", "good.pdf", "stray.txt", "tên có  dấu cách.txt", "-gạch đầu.txt",
            "xuống\ndòng.txt", "to\u0302\u0301 hợp NFD.txt", "latin1_\\xe9\\xff.txt"} <= stored
    failed = {Path(r["source_path"]).name: r["error"] for r in store.query(
        "SELECT source_path, error FROM import_log WHERE outcome = 'failed'")}
    for name, reason in bad.items():
        assert name in failed, (name, out)
        assert failed[name].startswith(reason), (name, failed[name])
    for reason in failed.values():
        assert reason and "\n" not in reason and "Traceback" not in reason
    assert set(failed) - set(bad) <= {"broken_xref.pdf"}  # refused with its reason, or repaired and stored
    assert ("broken_xref.pdf" in failed) != ("broken_xref.pdf" in stored)
    for name, reason in printed.items():
        assert f"{src / name}: {reason}" in res["err"]
    assert f"{len(stored)} added" in res["err"] and len(stored) >= good
