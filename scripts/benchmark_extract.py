"""CPU cost of the whole pipeline, stage by stage, on distinct documents; and the start-up of `vanban extract`.

One pass reads every text file once, as `vanban extract` does (`pipeline.run.process`: load, that is
read/decode + normalise + layout + offset maps, then segment and each extractor in pipeline order, then
the JSON record as `vanban extract` writes it), timing each stage with `time.process_time`. Documents are
distinct (a text whose bytes were already seen is dropped), so no cache serves a repeat. Each pass runs in a fresh process, so its
figures include the first use of every pattern; the median of `--repeat` passes is printed per stage,
as CPU seconds, MB/s (of file bytes) and docs/s.

The start-up figure is `vanban extract FILE` of one small file in a fresh process: wall time, CPU
(user + system) and peak RSS, the median of `--startup-runs` after one warm-up run (which leaves the
bytecode and the compiled patterns cached, as any second run of an installed vanban finds them).

    python scripts/benchmark_extract.py [PATHS...] [--repeat N] [--startup-file F] [--startup-runs N]
    python scripts/benchmark_extract.py --against /path/to/other/checkout   # interleaved before/after

`--against DIR` runs the same passes and start-ups with the checkout in DIR (which must hold this
script too), alternating with this one, and prints both with the speed-up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_EXT = {".txt", ".text", ".md"}
DEFAULT_PATHS = ["corpus/docs", "corpus/gold/dev-b/docs"]
DEFAULT_STARTUP_FILE = "corpus/docs/dev/006_sct_CV-UBND-KT-giao-SCT-tham-muu-uy-quyen-truoc-15-9-2025.txt"
# Stages in the order they run; indented ones are parts of the stage above them.
STAGES = ["load", "  read/decode", "  normalise", "  layout", "  offset maps", "segment", "header", "references",
          "deadlines", "tasks", "budgets", "  money", "record json", "total"]


def corpus_files(paths: list[str]) -> tuple[list[Path], int]:
    """Text files under `paths`, each distinct text once (by its bytes); and how many repeats were dropped."""
    files: list[Path] = []
    for s in paths:
        p = Path(s)
        found = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        files += [f.resolve() for f in found if f.suffix.lower() in TEXT_EXT]
    seen: set[str] = set()
    out = []
    for f in files:
        h = hashlib.sha256(f.read_bytes()).hexdigest()
        if h not in seen:
            seen.add(h)
            out.append(f)
    return out, len(files) - len(out)


def one_pass(files: list[Path]) -> dict:
    """Run the pipeline once over `files` in this process; CPU seconds per stage."""
    sys.path.insert(0, str(ROOT))
    import pipeline.ingest as ingest
    import pipeline.run as run
    from pipeline.document import OffsetMap

    cpu = time.process_time
    spent = dict.fromkeys(s.strip() for s in STAGES)
    for k in spent:
        spent[k] = 0.0

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = cpu()
            try:
                return fn(*a, **kw)
            finally:
                spent[name] += cpu() - t
        return wrapper

    # an older checkout (for --against) may lack a stage: what it has is timed, the rest stays at 0
    if hasattr(ingest, "_reader"):
        reader = ingest._reader
        ingest._reader = lambda *a: timed("read/decode", reader(*a))
    for name, attr in (("normalise", "normalise"), ("layout", "delayout")):
        if hasattr(ingest, attr):
            setattr(ingest, attr, timed(name, getattr(ingest, attr)))
    if hasattr(OffsetMap, "then"):
        OffsetMap.then = timed("offset maps", OffsetMap.then)
    run.segment = timed("segment", run.segment)
    for name in ("header", "references", "deadlines", "tasks", "budgets"):
        mod = getattr(run, name)
        mod.extract = timed(name, mod.extract)
    import extractors.budgets as budgets
    if hasattr(budgets, "find_amounts"):
        budgets.find_amounts = timed("money", budgets.find_amounts)
    run.load = timed("load", run.load)
    try:  # the records' JSON as `vanban extract` writes it in this checkout
        from pipeline.jsonout import dumps as write_json
    except ImportError:
        def write_json(rec):
            return json.dumps(rec, ensure_ascii=False, indent=1)

    n = size = chars = 0
    for f in files:
        t = cpu()
        res = run.process(f)
        t1 = cpu()
        write_json(res.to_json())
        t2 = cpu()
        spent["record json"] += t2 - t1
        spent["total"] += t2 - t
        n, size, chars = n + 1, size + f.stat().st_size, chars + len(res.document.text)
    return {"docs": n, "bytes": size, "chars": chars, "cpu": spent}


def startup(tree: Path, file: str, pycache: str) -> dict:
    """`vanban extract FILE` in a fresh process with the checkout `tree`: wall s, CPU s, peak RSS MiB.

    Bytecode is cached (in `pycache`, outside the checkout) as an installed package has it, even where
    PYTHONDONTWRITEBYTECODE is set."""
    env = dict(os.environ, PYTHONPATH=str(tree), VANBAN_OCR="0", PYTHONPYCACHEPREFIX=pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "from pipeline.cli import main; main()", "extract", file],
                            cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"vanban extract {file} failed in {tree} (exit {proc.returncode})")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024}


def child_pass(tree: Path, files: list[Path]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), VANBAN_OCR="0")
    out = subprocess.run([sys.executable, str(tree / "scripts" / "benchmark_extract.py"), "--pass", *map(str, files)],
                         cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", help=f"files or folders of text files (default: {' '.join(DEFAULT_PATHS)})")
    ap.add_argument("--repeat", type=int, default=3, help="passes, each in a fresh process (median printed)")
    ap.add_argument("--startup-file", default=DEFAULT_STARTUP_FILE)
    ap.add_argument("--startup-runs", type=int, default=5, help="0 skips the start-up figure")
    ap.add_argument("--against", type=Path, help="another checkout to run alternately with this one")
    ap.add_argument("--pass", dest="one", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:  # a child: one pass over the files named, figures as JSON
        print(json.dumps(one_pass([Path(p) for p in args.paths])))
        return
    os.chdir(ROOT)
    files, repeats = corpus_files(args.paths or DEFAULT_PATHS)
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    passes: dict[Path, list[dict]] = {t: [] for t in trees}
    starts: dict[Path, list[dict]] = {t: [] for t in trees}
    for _ in range(args.repeat):
        for t in trees:
            passes[t].append(child_pass(t, files))
    if args.startup_runs:
        startup_file = str(Path(args.startup_file).resolve())
        with tempfile.TemporaryDirectory() as pycache:
            for t in trees:
                startup(t, startup_file, pycache)  # warm-up: file cache, bytecode, compiled patterns
            for _ in range(args.startup_runs):
                for t in trees:
                    starts[t].append(startup(t, startup_file, pycache))

    first = passes[ROOT][0]
    mb = first["bytes"] / 1e6
    print(f"{first['docs']} distinct documents ({repeats} repeats dropped), {mb:.2f} MB of files, "
          f"{first['chars'] / 1e6:.2f} M characters; median CPU of {args.repeat} passes, each in a fresh process")
    med = {t: {s: statistics.median(p["cpu"][s.strip()] for p in passes[t]) for s in STAGES} for t in trees}
    head = f"{'stage':<16}{'CPU s':>8}{'MB/s':>8}{'docs/s':>9}{'share':>7}"
    if args.against:
        head += f"{'against s':>11}{'MB/s':>8}{'speed-up':>10}"
    print(head)
    for s in STAGES:
        v = med[ROOT][s]
        row = (f"{s:<16}{v:>8.3f}{mb / v if v else float('inf'):>8.2f}"
               f"{first['docs'] / v if v else float('inf'):>9.1f}{v / med[ROOT]['total']:>7.1%}")
        if args.against:
            w = med[trees[1]][s]
            row += f"{w:>11.3f}{mb / w if w else float('inf'):>8.2f}{w / v if v else float('inf'):>9.2f}x"
        print(row)
    if args.startup_runs:
        for t in trees:
            r = starts[t]
            label = "this checkout" if t == ROOT else str(t)
            print(f"start-up, vanban extract {Path(args.startup_file).name} ({label}): "
                  f"wall {statistics.median(x['wall'] for x in r):.3f} s, CPU {statistics.median(x['cpu'] for x in r):.3f} s, "
                  f"peak RSS {statistics.median(x['rss'] for x in r):.0f} MiB (median of {args.startup_runs})")


if __name__ == "__main__":
    main()
