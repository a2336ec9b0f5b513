"""CPU cost of the container check (pipeline/ingest/limits.py) against reading the same .docx files.

    python scripts/benchmark_limits.py [--rounds 5]

Interleaves, per round and per corpus .docx: `check_package` alone, then
`read_docx` (which runs the check, then python-docx). Prints CPU time per file
for each and the share of reading the check takes; then the time the check
needs to refuse the bombs of tests/hostile_files.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files as hf  # noqa: E402

from pipeline.ingest import IngestError  # noqa: E402
from pipeline.ingest.docx import read_docx  # noqa: E402
from pipeline.ingest.limits import check_package  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    files = [p.read_bytes() for p in sorted((ROOT / "corpus" / "files").glob("*.docx"))]
    check = read = 0.0
    for _ in range(args.rounds):
        for data in files:
            t = time.process_time()
            check_package(data, ".docx")
            check += time.process_time() - t
            t = time.process_time()
            read_docx(data)
            read += time.process_time() - t
    n = args.rounds * len(files)
    print(f"{len(files)} corpus .docx x {args.rounds} rounds: check {1000 * check / n:.1f} ms/file, "
          f"read (check included) {1000 * read / n:.1f} ms/file, check = {100 * check / read:.0f}% of reading")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        bombs = {
            "1.15 GB-XML .docx bomb": hf.docx_bomb(d / "a.docx", 1_150_000_000),
            "95 MiB-XML .docx (ratio 289)": hf.docx_bomb(d / "b.docx", 100 * 10**6),
            "510 000-element .docx": hf.docx(d / "c.docx", "".join(hf.paragraph(f"Đoạn {i}") for i in range(170_000))),
            "nesting 5000 deep": hf.deep_docx(d / "d.docx", 5000),
        }
        for name, path in bombs.items():
            data = path.read_bytes()
            t = time.process_time()
            try:
                check_package(data, ".docx")
                outcome = "passed"
            except IngestError as e:
                outcome = e.reason
            print(f"{name} ({len(data) / 2**20:.1f} MiB file): {1000 * (time.process_time() - t):.0f} ms CPU, "
                  f"{outcome}")


if __name__ == "__main__":
    main()
