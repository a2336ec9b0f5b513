#!/usr/bin/env python3
"""Import throughput and search latency on a replicated corpus (a benchmark, not a test).

    python scripts/benchmark_import.py                 # 10,000 documents, 1 and 2 workers, SQLite
    python scripts/benchmark_import.py -n 1000 --workers 1 2 4
    python scripts/benchmark_import.py -n 1000 --pg-url postgresql://postgres@127.0.0.1:5432/bench

The corpus's text documents are copied round-robin into a temp dir until there
are N files; each copy gets its number appended as zero-width characters, which
normalisation drops, so every copy has its own content hash (no duplicate is
skipped) but extracts exactly like its original. Each import runs in a fresh
process (clean peak-memory numbers) into a fresh database. Prints a table and,
with --json, writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "khuyen cong", "nghi dinh 45 khuyen cong", "ke hoach kiem tra", "khoang san", "vat lieu no cong nghiep",
    "so cong thuong", "ngan sach dia phuong", "cum cong nghiep", "thu tuong chinh phu", "bao cao ket qua",
    "giay phep khai thac", "an toan hoa chat", "uy ban nhan dan tinh", "chuong trinh khuyen cong quoc gia",
    "quyet dinh phe duyet", "thong tu", "kinh phi", "tiet kiem nang luong", "xuat khau", "dat hiem",
]
ZW = ("\u200b", "\u200c")  # dropped by pipeline.normalise


def replicate(sources: list[Path], n: int, dest: Path) -> None:
    for i in range(n):
        src = sources[i % len(sources)]
        tag = "".join(ZW[int(b)] for b in format(i, "b")) + "\u200d"
        (dest / f"{i:06d}_{src.name}").write_bytes(src.read_bytes() + tag.encode("utf-8"))


def db_size(url: str) -> int:
    from pipeline.store import parse_db_url

    u = parse_db_url(url)
    if u.dialect == "sqlite":
        return sum(p.stat().st_size for p in Path(u.target).parent.glob(Path(u.target).name + "*"))
    import psycopg
    with psycopg.connect(u.target) as c:
        return c.execute("SELECT pg_database_size(current_database())").fetchone()[0]


def reset_pg(url: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")


def one_import(src: str, url: str, workers: int) -> dict:
    """Runs in its own process: one import, its time and peak memory."""
    from pipeline.importer import import_paths
    from pipeline.store import open_store

    with open_store(url, create=True) as store:
        t0 = time.perf_counter()
        s = import_paths(store, [src], workers=workers, progress=sys.stderr.isatty())
        secs = time.perf_counter() - t0
    return {
        "workers": workers, "documents": s.added, "failed": s.failed, "unchanged": s.unchanged,
        "duplicates": s.duplicates, "failed_before": s.failed_before, "pool_restarts": s.pool_restarts,
        "failures": s.failures[:5], "seconds": round(secs, 2),
        "docs_per_s": round(s.added / secs, 2),
        "peak_rss_main_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "db_bytes": db_size(url),
    }


def search_latency(url: str, rounds: int = 5) -> dict:
    from pipeline.queries import search, tasks
    from pipeline.store import open_store

    times: list[float] = []
    with open_store(url, readonly=True) as store:
        for q in QUERIES:  # warm the cache once
            search(store, q)
        for _ in range(rounds):
            for q in QUERIES:
                t0 = time.perf_counter()
                search(store, q, limit=20)
                times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        n_tasks = len(tasks(store, assignee="Sở Công Thương"))
        tasks_ms = (time.perf_counter() - t0) * 1000
    times.sort()
    return {"queries": len(times), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 2), "max_ms": round(times[-1], 2),
            "tasks_assignee_ms": round(tasks_ms, 1), "tasks_assignee_rows": n_tasks}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000, help="documents to import (default 10000)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--corpus", nargs="+", default=[str(ROOT / "corpus/docs/seeds"), str(ROOT / "corpus/docs/dev")])
    ap.add_argument("--pg-url", help="benchmark PostgreSQL instead of SQLite (its public schema is wiped)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--one", nargs=3, metavar=("SRC", "URL", "WORKERS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one_import(a.one[0], a.one[1], int(a.one[2]))))
        return
    sources = sorted(p for d in a.corpus for p in Path(d).rglob("*.txt"))
    tmp = Path(tempfile.mkdtemp(prefix="vanban-bench-"))
    try:
        src = tmp / "docs"
        src.mkdir()
        replicate(sources, a.n, src)
        results = []
        for w in a.workers:
            url = a.pg_url or str(tmp / f"bench-{w}.db")
            if a.pg_url:
                reset_pg(a.pg_url)
            out = subprocess.run([sys.executable, __file__, "--one", str(src), url, str(w)], check=True,
                                 stdout=subprocess.PIPE, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"workers={w}: {r['documents']} docs ({r['failed']} failed, {r['duplicates']} duplicate, "
                  f"{r['unchanged']} unchanged) in {r['seconds']}s = {r['docs_per_s']} docs/s; "
                  f"peak RSS main {r['peak_rss_main_mib']} MiB, worker {r['peak_rss_worker_mib']} MiB; "
                  f"database {r['db_bytes'] / 2**20:.1f} MiB", flush=True)
            results.append(r)
        lat = search_latency(a.pg_url or str(tmp / f"bench-{a.workers[-1]}.db"))
        print(f"search over {results[-1]['documents']} docs: p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms, "
              f"max {lat['max_ms']} ms ({lat['queries']} queries); tasks --assignee: {lat['tasks_assignee_ms']} ms "
              f"for {lat['tasks_assignee_rows']} rows")
        report = {"n": a.n, "sources": len(sources), "backend": "postgres" if a.pg_url else "sqlite",
                  "cpus": os.cpu_count(), "imports": results, "search": lat}
        if a.json:
            Path(a.json).write_text(json.dumps(report, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
