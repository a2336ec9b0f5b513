"""A bounded load test of the web application on loopback.

Starts `vanban serve` (waitress, the production server) on a temporary database
of the bundled samples (or `--db`, or takes `--url` of a running server on this
machine), then for each number of concurrent clients (default 1 and 16) sends a
fixed number of requests, half search pages (`/?q=...`, some with filters) and
half document pages (`/van-ban/ID`), each client on its own keep-alive
connection. Prints p50/p95 latency per page kind, throughput, and the server's
CPU seconds per request (from /proc) and how many cores it kept busy, this
client's own CPU per request, and the machine's load average (other programs
on a shared machine take cores too), for each server configuration named by
`--processes` (e.g. `1,2`: one process, then two, to see what the GIL costs).

Bounded: `--requests` per level (default 400), `--max-seconds` per level
(default 90), loopback addresses only.

    python3 scripts/load_web.py                     # samples of corpus/docs, 1 and 16 clients
    python3 scripts/load_web.py --db vanban.db --processes 1,2 --clients 1,4,16
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
QUERIES = ["khuyen cong", "ke hoach", "nghi dinh", "quyet dinh ubnd", "ngan sach tinh", "so cong thuong",
           "chuong trinh", "bao cao ket qua", "thong tu", "phong chong"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_db(tmp: Path, samples: list[str]) -> str:
    db = str(tmp / "load.db")
    t = time.monotonic()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "import", *samples, "--db", db], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"imported {', '.join(samples)} into a temporary database in {time.monotonic() - t:.0f} s", flush=True)
    return db


class Server:
    def __init__(self, db: str, processes: int, threads: int, tmp: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, VANBAN_DB=db)
        env.pop("VANBAN_SECRET_KEY", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "serve", "--port", str(self.port), "--processes", str(processes),
             "--threads", str(threads), "--import-dir", str(tmp / "imports")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                get(self.url + "/api/search?limit=1")
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit("server did not start: " + self.proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.3)
        raise SystemExit("server did not answer within 60 s")

    def pids(self) -> list[int]:
        """The server and its processes (the preforked children, not the import workers)."""
        out = [self.proc.pid]
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    out.append(int(p.name))
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def get(url: str) -> bytes:
    u = urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.request("GET", u.path + (f"?{u.query}" if u.query else ""))
    r = c.getresponse()
    body = r.read()
    c.close()
    if r.status != 200:
        raise OSError(f"{url}: {r.status}")
    return body


def workload(base: str) -> list[tuple[str, str]]:
    """Search pages and document pages, alternating."""
    found = json.loads(get(base + "/api/search?limit=100"))
    ids = [r["id"] for r in found["results"]]
    years = sorted({(r["issue_date"] or "")[:4] for r in found["results"] if r["issue_date"]})
    if not ids:
        raise SystemExit("the database has no documents")
    searches = [f"/?q={quote(q)}" for q in QUERIES]
    searches += [f"/?q={quote(q)}&year={y}" for q, y in zip(QUERIES, years[-3:], strict=False)]
    searches += [f"/?q={quote(QUERIES[0])}&page=2"]
    items = []
    for i in range(max(len(searches), len(ids))):
        items.append(("search", searches[i % len(searches)]))
        items.append(("document", f"/van-ban/{ids[i % len(ids)]}"))
    return items


def run_level(base: str, items: list[tuple[str, str]], clients: int, total: int, max_seconds: float):
    u = urlsplit(base)
    lock = threading.Lock()
    results: list[tuple[str, float]] = []
    errors: list[str] = []
    counter = iter(range(total))
    deadline = time.monotonic() + max_seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            kind, path = items[(i + k * 7) % len(items)]
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except (OSError, http.client.HTTPException) as e:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                r = e
            dt = time.perf_counter() - t
            with lock:
                if ok:
                    results.append((kind, dt))
                else:
                    errors.append(f"{path}: {getattr(r, 'status', r)}")
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, time.perf_counter() - t0


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running server on this machine (loopback only) instead of starting one")
    ap.add_argument("--db", help="database to serve (default: a temporary one with --samples imported)")
    ap.add_argument("--samples", default="corpus/docs", help="comma-separated paths to import (default corpus/docs)")
    ap.add_argument("--clients", default="1,16", help="concurrent clients per level (default 1,16)")
    ap.add_argument("--requests", type=int, default=400, help="requests per level (default 400, at most 20000)")
    ap.add_argument("--max-seconds", type=float, default=90, help="time limit per level (default 90, at most 600)")
    ap.add_argument("--processes", default="2", help="server processes, comma-separated configurations (default 2)")
    ap.add_argument("--threads", type=int, default=8, help="threads per server process (default 8)")
    ap.add_argument("--json", help="write the figures to this file")
    a = ap.parse_args()
    total = max(1, min(a.requests, 20000))
    max_seconds = max(1.0, min(a.max_seconds, 600.0))
    levels = [max(1, min(int(c), 64)) for c in a.clients.split(",")]
    report = []

    if a.url:
        host = urlsplit(a.url).hostname
        if host not in LOOPBACK:
            raise SystemExit(f"refusing {a.url}: only loopback addresses ({', '.join(sorted(LOOPBACK))})")
        configs = [("given", None)]
    else:
        configs = [(p, int(p)) for p in a.processes.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="vanban-load-"))
    try:
        db = None if a.url else (a.db or build_db(tmp, a.samples.split(",")))
        for label, processes in configs:
            server = None if a.url else Server(db, processes, a.threads, tmp)
            base = a.url.rstrip("/") if a.url else server.url
            try:
                items = workload(base)
                run_level(base, items, 2, min(40, total), max_seconds)  # warm-up: templates, caches
                print(f"\nserver: {base} ({'running' if a.url else f'{processes} process(es) x {a.threads} threads'}),"
                      f" {os.cpu_count()} CPU cores on this machine")
                print("clients  requests  errors  req/s   search p50/p95 ms   document p50/p95 ms   "
                      "server CPU ms/req (cores busy)  client CPU ms/req  load avg")
                base_rate = None
                for clients in levels:
                    cpu0 = cpu_seconds(server.pids()) if server else 0.0
                    mine0 = time.process_time()
                    res, errs, wall = run_level(base, items, clients, total, max_seconds)
                    cpu = (cpu_seconds(server.pids()) - cpu0) if server else float("nan")
                    mine = time.process_time() - mine0
                    s = [dt * 1000 for k, dt in res if k == "search"]
                    d = [dt * 1000 for k, dt in res if k == "document"]
                    rate = len(res) / wall if wall else 0.0
                    base_rate = base_rate or rate
                    row = {"server": label, "clients": clients, "requests": len(res), "errors": len(errs),
                           "seconds": round(wall, 2), "req_per_s": round(rate, 1),
                           "search_p50_ms": round(pct(s, 50), 1), "search_p95_ms": round(pct(s, 95), 1),
                           "document_p50_ms": round(pct(d, 50), 1), "document_p95_ms": round(pct(d, 95), 1),
                           "mean_ms": round(statistics.fmean([dt * 1000 for _, dt in res]), 1) if res else None,
                           "server_cpu_ms_per_req": round(cpu * 1000 / max(1, len(res)), 1) if server else None,
                           "server_cores_busy": round(cpu / wall, 2) if server and wall else None,
                           "client_cpu_ms_per_req": round(mine * 1000 / max(1, len(res)), 2),
                           "load_average": round(os.getloadavg()[0], 1),
                           "speedup_vs_first_level": round(rate / base_rate, 2) if base_rate else None}
                    report.append(row)
                    print(f"{clients:>7}  {len(res):>8}  {len(errs):>6}  {rate:>5.1f}   "
                          f"{row['search_p50_ms']:>7.1f} / {row['search_p95_ms']:<8.1f}  "
                          f"{row['document_p50_ms']:>8.1f} / {row['document_p95_ms']:<8.1f}  "
                          f"{row['server_cpu_ms_per_req'] if server else '-':>10} ({row['server_cores_busy']})"
                          f"  {row['client_cpu_ms_per_req']:>10}  {row['load_average']:>8}"
                          f"   ({row['speedup_vs_first_level']:.2f}x the first level)", flush=True)
                    for e in errs[:3]:
                        print("   error:", re.sub(r"\s+", " ", e)[:200])
            finally:
                if server:
                    server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
