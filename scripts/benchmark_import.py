#!/usr/bin/env python3
"""Import throughput and search latency on a replicated corpus (a benchmark, not a test).

    python scripts/benchmark_import.py                 # 10,000 documents, 1 and 2 workers, SQLite
    python scripts/benchmark_import.py -n 1000 --workers 1 2 4
    python scripts/benchmark_import.py -n 1000 --pg-url postgresql://postgres@127.0.0.1:5432/bench
    python scripts/benchmark_import.py -n 300 --dask --rounds 2   # + a Dask LocalCluster, runs interleaved

The corpus's text documents are copied round-robin into a temp dir until there
are N files; each copy gets its number appended as zero-width characters, which
normalisation drops, so every copy has its own content hash and is extracted
in full like its original; the store then merges copies of one text as
near-duplicates of one document (the "duplicate" count), after extraction. Each import runs in a fresh
process (clean peak-memory numbers) into a fresh database. Prints a table and,
with --json, writes the numbers.

CPU accounting: next to the wall-clock rate each run prints the CPU seconds of
the importing process (planning, writing) and of its workers (extraction;
for Dask, read from the workers themselves), the load average before it, and
the speed-up the CPU figures allow: with W workers the slower of the writer
(main CPU) and the extractors (worker CPU / W) bounds the rate. On a machine
shared with other work the wall-clock ratio falls short of that bound; the
CPU figures say whether the importer or the machine is the limit.
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


def one_import(src: str, url: str, workers: int, executor: str = "local") -> dict:
    """Runs in its own process: one import, its time, CPU and peak memory."""
    from pipeline.importer import import_paths
    from pipeline.store import open_store

    cluster = client = None
    opts: dict = {}
    startup = 0.0
    if executor == "dask":
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=40)
        client = Client(cluster)
        client.run(lambda: __import__("pipeline.run"))  # workers start up before the clock starts, like a pool's
        startup = time.perf_counter() - t0
        opts = {"executor": "dask", "scheduler": cluster.scheduler_address}
        dask_cpu0 = sum(client.run(time.process_time).values())
    load = os.getloadavg()[0]
    cpu0, kids0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open_store(url, create=True) as store:
        t0 = time.perf_counter()
        s = import_paths(store, [src], workers=workers, progress=sys.stderr.isatty(), **opts)
        secs = time.perf_counter() - t0
    main_cpu = time.process_time() - cpu0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = kids.ru_utime + kids.ru_stime - kids0.ru_utime - kids0.ru_stime
    if client is not None:
        worker_cpu = sum(client.run(time.process_time).values()) - dask_cpu0
        client.close()
        cluster.close()
    slots = max(1, workers)
    bound = max(main_cpu, worker_cpu / slots) if workers else main_cpu
    return {
        "executor": executor, "cluster_startup_s": round(startup, 2), "load_before": round(load, 2),
        "main_cpu_s": round(main_cpu, 2), "worker_cpu_s": round(worker_cpu, 2),
        "cpu_bound_docs_per_s": round(s.added / bound, 2) if bound else None,
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
    ap.add_argument("--dask", action="store_true",
                    help="also a Dask LocalCluster of the largest --workers count (pip install 'vanban[dask]')")
    ap.add_argument("--rounds", type=int, default=1, help="repeat the runs, interleaved (default 1)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--one", nargs=4, metavar=("SRC", "URL", "WORKERS", "EXECUTOR"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one_import(a.one[0], a.one[1], int(a.one[2]), a.one[3])))
        return
    sources = sorted(p for d in a.corpus for p in Path(d).rglob("*.txt"))
    tmp = Path(tempfile.mkdtemp(prefix="vanban-bench-"))
    try:
        src = tmp / "docs"
        src.mkdir()
        replicate(sources, a.n, src)
        results = []
        runs = [(w, "local") for w in a.workers] + ([(max(a.workers), "dask")] if a.dask else [])
        for rnd in range(a.rounds):
            for w, ex in runs:
                url = a.pg_url or str(tmp / f"bench-{ex}-{w}-{rnd}.db")
                if a.pg_url:
                    reset_pg(a.pg_url)
                out = subprocess.run([sys.executable, __file__, "--one", str(src), url, str(w), ex], check=True,
                                     stdout=subprocess.PIPE, text=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                r["round"] = rnd
                label = f"dask LocalCluster {w}" if ex == "dask" else f"workers={w}"
                print(f"{label}: {r['documents']} docs ({r['failed']} failed, {r['duplicates']} duplicate, "
                      f"{r['unchanged']} unchanged) in {r['seconds']}s = {r['docs_per_s']} docs/s; "
                      f"CPU main {r['main_cpu_s']}s, workers {r['worker_cpu_s']}s -> CPU bound "
                      f"{r['cpu_bound_docs_per_s']} docs/s; load before {r['load_before']}"
                      + (f"; cluster start-up {r['cluster_startup_s']}s (not counted)" if ex == "dask" else "")
                      + f"; peak RSS main {r['peak_rss_main_mib']} MiB, worker {r['peak_rss_worker_mib']} MiB; "
                      f"database {r['db_bytes'] / 2**20:.1f} MiB", flush=True)
                results.append(r)
        by = {}
        for r in results:
            by.setdefault((r["executor"], r["workers"]), []).append(r)
        rate = {k: statistics.mean(x["docs_per_s"] for x in v) for k, v in by.items()}
        cpu_rate = {k: statistics.mean(x["cpu_bound_docs_per_s"] or 0 for x in v) for k, v in by.items()}
        base = ("local", min(a.workers))
        for k in rate:
            if k != base and rate[base]:
                by_cpu = f"{cpu_rate[k] / cpu_rate[base]:.2f}x" if cpu_rate[base] else "?"
                print(f"{k[0]} {k[1]} against local {base[1]}: {rate[k] / rate[base]:.2f}x wall-clock, "
                      f"{by_cpu} by CPU accounting")
        lat = search_latency(a.pg_url or str(tmp / f"bench-local-{a.workers[-1]}-{a.rounds - 1}.db"))
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
