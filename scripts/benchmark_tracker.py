"""Server time of the task tracker page (issue 13 target: < 300 ms at 50 rows on the sample archive).

    python3 scripts/benchmark_tracker.py                 # imports corpus/docs + corpus/files into a temporary DB
    python3 scripts/benchmark_tracker.py --db vanban.db  # an existing archive

Each URL is requested through the Flask app in this process (no network), after one warm-up request;
prints the median and worst of --rounds requests, the page size and the row count.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

URLS = ["/nhiem-vu?n=50", "/nhiem-vu?n=50&page=10", "/nhiem-vu?n=50&sort=agency", "/nhiem-vu?agency=SCT&n=50",
        "/nhiem-vu?period=overdue&n=50", "/nhiem-vu?q=khuyen+cong&n=50", "/nhiem-vu/xuat.csv",
        "/nhiem-vu/xuat.xlsx"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db")
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vanban-tracker-"))
    db = a.db
    if not db:
        db = str(tmp / "sample.db")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline.cli", "import", "--db", db, "-q", "-j", "1",
                        str(ROOT / "corpus/docs"), str(ROOT / "corpus/files")], check=True, cwd=ROOT)
        print(f"imported the sample archive in {time.perf_counter() - t:.1f} s")
    from pipeline.store import open_store
    from pipeline.web import create_app

    with open_store(db) as s:
        print(f"{s.scalar('SELECT COUNT(*) FROM documents')} documents, {s.scalar('SELECT COUNT(*) FROM tasks')} tasks")
    app = create_app(db, import_dir=tmp / "imports", secret_key="benchmark")
    client = app.test_client()
    print(f"{'url':42} {'median ms':>9} {'max ms':>7} {'kB':>6} rows")
    for url in URLS:
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        times = []
        for _ in range(a.rounds):
            t = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        body = resp.get_data()
        rows = body.count(b'data-task="') if b"<html" in body[:200] else "-"
        print(f"{url:42} {statistics.median(times):9.1f} {max(times):7.1f} {len(body) / 1024:6.0f} {rows}")


if __name__ == "__main__":
    main()
