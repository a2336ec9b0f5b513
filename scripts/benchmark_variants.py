"""Extraction quality across layouts: every variant of pipeline/variants.py over the gold sets.

    python3 scripts/benchmark_variants.py [--sets corpus/gold/dev corpus/gold/dev-b] [--variants all]
                                          [--ocr-pages N] [--limit N] [--json FILE]

Prints, per gold set, one row per variant (plain, markdown, flattened,
no_diacritics_header, pdftotext, ocr) with the headline figures and their
difference from the plain text. The ocr variant is the slow one (Tesseract at
about 0.3 pages/s on a 2-core machine): `--variants default` leaves it out,
`--ocr-pages N` caps the pages read per document.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import variants  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=[str(ROOT / "corpus/gold/dev"), str(ROOT / "corpus/gold/dev-b")])
    ap.add_argument("--variants", default="all", help="'all' (default), 'default' (no ocr) or a comma list")
    ap.add_argument("--ocr-pages", type=int, default=None, help="OCR at most N pages a document")
    ap.add_argument("--limit", type=int, default=None, help="first N gold records of each set")
    ap.add_argument("--json", dest="json_out", help="write every set's rows here")
    ap.add_argument("-v", "--verbose", action="store_true", help="also each header field")
    args = ap.parse_args()

    names = variants.parse_names(args.variants)
    out = {}
    for gold_dir in args.sets:
        docs, missing = variants.find_gold(gold_dir, limit=args.limit)
        for m in missing:
            print(m, file=sys.stderr)
        print(f"\n== {gold_dir}: {len(docs)} documents", flush=True)
        t0 = time.perf_counter()
        rows = variants.run_variants(docs, names, ocr_pages=args.ocr_pages,
                                     on_row=lambda r: print(f"   {r.name}: {r.skipped or f'{r.seconds:.1f} s'}",
                                                            file=sys.stderr, flush=True))
        print(variants.format_table(rows, fields=args.verbose))
        print(f"({time.perf_counter() - t0:.0f} s)")
        out[gold_dir] = variants.to_json(rows, gold_dir)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
