"""CPU time of the task extractor alone, and a snapshot of what it extracts.

Every distinct text of the corpus (files under `corpus/`, the same text read
once) is loaded and segmented outside the clock, and the extractors that run
before tasks fill its `Extraction`. Then `tasks.extract` is timed in CPU time
(`time.process_time`) over the whole set, `--repeat` times; the classifier's
sentence cache is emptied before each pass so no pass reads another's scores.
With `--dump FILE` the tasks of every document are written as JSON, to
compare two versions of the extractor record for record (`--compare FILE`).

    python scripts/benchmark_tasks.py [PATHS...] [--repeat N] [--dump F] [--compare F]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors import deadlines, header, references, task_classifier, tasks  # noqa: E402
from pipeline.ingest import find_files, load  # noqa: E402
from pipeline.records import Extraction  # noqa: E402
from pipeline.segment import segment  # noqa: E402


def prepare(paths: list[str]):
    files, _ = find_files(paths)
    seen: set[str] = set()
    out = []
    for f in sorted(files):
        try:
            doc = load(f)
        except Exception:  # unreadable files are not what is measured here
            continue
        key = hashlib.sha1(doc.text.encode()).hexdigest()
        if not doc.text.strip() or key in seen:
            continue
        seen.add(key)
        seg = segment(doc)
        ex = Extraction()
        ex.header = header.extract(doc, seg, ex)
        ex.references = references.extract(doc, seg, ex)
        ex.deadlines = deadlines.extract(doc, seg, ex)
        out.append((str(Path(f).relative_to(ROOT)) if Path(f).is_absolute() else str(f), doc, seg, ex))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "corpus")])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dump")
    ap.add_argument("--compare")
    args = ap.parse_args()
    corpus = prepare(args.paths)
    mb = sum(len(d.text.encode()) for _, d, _, _ in corpus) / 1e6
    times = []
    result = {}
    for _ in range(args.repeat):
        task_classifier._cache.clear()
        t0 = time.process_time()
        for name, doc, seg, ex in corpus:
            result[name] = tasks.extract(doc, seg, ex)
        times.append(time.process_time() - t0)
    t = statistics.median(times)
    n = sum(len(v) for v in result.values())
    print(f"documents {len(corpus)} ({mb:.2f} MB), tasks {n}; CPU s per pass {[round(x, 2) for x in times]}")
    print(f"tasks: {len(corpus) / t:.1f} docs/s, {mb / t:.3f} MB/s (median CPU {t:.2f} s)")
    snap = {k: [asdict(x) for x in v] for k, v in result.items()}
    if args.dump:
        Path(args.dump).write_text(json.dumps(snap, ensure_ascii=False, indent=1, default=str), "utf-8")
    if args.compare:
        old = json.loads(Path(args.compare).read_text("utf-8"))
        new = json.loads(json.dumps(snap, ensure_ascii=False, default=str))
        diff = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
        print(f"documents whose tasks differ from {args.compare}: {len(diff)}")
        for k in diff[:20]:
            print("  ", k, len(old.get(k) or []), "->", len(new.get(k) or []))


if __name__ == "__main__":
    main()
