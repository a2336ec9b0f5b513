"""`vanban eval` end to end on one real gold record."""

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_eval_scores_seed_004_and_writes_json(tmp_path):
    gold_dir = tmp_path / "gold" / "dev"
    gold_dir.mkdir(parents=True)
    shutil.copy(next((CORPUS / "gold" / "dev").glob("seed_004_*.json")), gold_dir)
    out = tmp_path / "metrics.json"
    # the gold records are found recursively; the documents come from --docs
    res = CliRunner().invoke(main, ["eval", str(tmp_path / "gold"), "--docs", str(CORPUS / "docs"),
                                    "--json", str(out), "-v"])
    assert res.exit_code == 0, res.output
    metrics = json.loads(out.read_text("utf-8"))
    assert metrics["documents"] == 1
    assert metrics["header"]["number"]["accuracy"] == 1.0
    assert metrics["lists"]["budgets"]["gold"] == 15
    assert metrics["lists"]["references"]["f1"] >= 0.9
    assert "doc_type" in res.output and "references" in res.output


def test_eval_without_documents_fails_clearly(tmp_path):
    gold_dir = tmp_path / "g"
    gold_dir.mkdir()
    (gold_dir / "x.json").write_text(json.dumps({"doc_id": "x", "source_file": "missing.txt"}), "utf-8")
    res = CliRunner().invoke(main, ["eval", str(gold_dir), "--docs", str(tmp_path)])
    assert res.exit_code != 0
    assert "no gold record had its document" in res.output
