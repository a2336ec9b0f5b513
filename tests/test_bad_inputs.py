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
