"""Search latency at 2k / 20k / 100k documents (issue 15).

Builds SQLite archives of distinct, realistic documents from the bundled corpus
(each copy with its own number, year, date, province and a different cut of
its paragraphs, plus a stretch of another document; references and keys
copied with it), inserted with the store's own tables and triggers in bulk
(no extraction), then times a fixed query set through `pipeline.queries.search_page`
(ranking, count and snippets of the first page included):

    python scripts/benchmark_search.py                      # 2k, 20k, 100k under /tmp/vanban-bench
    python scripts/benchmark_search.py --sizes 2000,20000 --reuse
    VANBAN_TEST_PG_URL=postgresql://… python scripts/benchmark_search.py --pg   # + PostgreSQL at 20k

Prints p50 / p95 / max in milliseconds, per query kind, CPU time of this process
(SQLite runs in it) and wall time; PostgreSQL figures are wall time, and the
server's own time (execution of every statement of a search, and planning with
pg_stat_statements.track_planning on) when the server has pg_stat_statements
loaded (shared_preload_libraries): that one moves less when the client is busy. The PostgreSQL copy is vacuumed and
analysed once written, as autovacuum leaves a live database; `--reuse` keeps it
(schema bench_search) between runs when it holds the same documents, and brings
it up to the latest schema:

    python scripts/benchmark_search.py --pg --sizes '' --reuse   # PostgreSQL alone
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.legal_keys import number_key  # noqa: E402
from pipeline.queries import search_page  # noqa: E402
from pipeline.store import open_store  # noqa: E402
from pipeline.store.bodies import body_key  # noqa: E402
from pipeline.store.keys import document_keys  # noqa: E402
from pipeline.store.searchtext import furniture_spans, index_text  # noqa: E402

SEARCH_SCHEMA = 9  # the schema version whose search index pipeline.queries reads (filters as tokens)

PROVINCES = ["An Giang", "Lào Cai", "Bình Dương", "Phú Yên", "Nghệ An", "Thanh Hóa", "Quảng Ninh", "Hải Phòng",
             "Đà Nẵng", "Cần Thơ", "Lâm Đồng", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Bắc Ninh", "Thái Nguyên",
             "Hà Tĩnh", "Quảng Trị", "Tây Ninh", "Đồng Nai", "Vĩnh Long", "Cà Mau", "Sơn La", "Điện Biên",
             "Lạng Sơn", "Tuyên Quang", "Cao Bằng", "Lai Châu", "Ninh Bình", "Hưng Yên", "Quảng Ngãi", "Đồng Tháp"]

QUERIES = {
    "word": ["khoang san", "kiem tra", "cong nghiep", "moi truong", "ngan sach", "an toan", "dau tu",
             "vat lieu no", "khuyen cong", "bao cao ket qua", "cum cong nghiep", "thu tuong chinh phu"],
    "phrase": ['"khuyen cong"', '"cum cong nghiep"', '"vat lieu no cong nghiep"', '"bao ve moi truong"',
               '"quan ly nha nuoc"', '"an toan thuc pham"', '"chuyen doi so"', '"ke hoach kiem tra"'],
    "number": ["nghi dinh 45", "nd 45/2012", "45/2012/nđ-cp", "2211/QĐ-UBND", "quyet dinh 1050", "chi thi 38",
               "luat dau tu cong", "nghi dinh 139"],
    "filtered": [("kiem tra", {"year": 2016}), ("khoang san", {"issuer": "UBND tỉnh Lào Cai"}),
                 ("khuyen cong", {"doc_type": "Quyết định"}), ("cong nghiep", {"doc_type": "Công văn", "year": 2020}),
                 ("ngan sach", {"issuer": "Sở Công Thương"}), ('"bao ve moi truong"', {"year": 2024})],
}


def seed_documents(work: Path) -> list[dict]:
    """The corpus texts imported once through the real pipeline (cached as seed.db)."""
    seed = work / "seed.db"
    if not seed.exists():
        from pipeline.importer import import_paths

        print("importing the corpus texts once into", seed, "(extraction; a few minutes)", flush=True)
        tmp = work / "seed.tmp.db"
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        with open_store(str(tmp), create=True) as s:
            import_paths(s, [ROOT / "corpus" / "docs"], workers=os.cpu_count() or 1, progress=False)
        tmp.rename(seed)
    s = sqlite3.connect(f"file:{seed}?mode=ro", uri=True)  # any schema version: only rows are read
    s.row_factory = sqlite3.Row
    docs = [dict(r) for r in s.execute("SELECT * FROM documents WHERE length(text) > 500 ORDER BY id")]
    refs = [dict(r) for r in s.execute("SELECT * FROM doc_references ORDER BY document_id, seq")]
    s.close()
    by_doc: dict[int, list[dict]] = {}
    for r in refs:
        by_doc.setdefault(r["document_id"], []).append(r)
    for d in docs:
        d["refs"] = by_doc.get(d["id"], [])
        d["lines"] = d["text"].split("\n")
        # the indexed copy line by line, computed once per template (furniture found in the whole text,
        # blanked line by line): a copy's index is the join of its lines'
        blanked = list(d["text"])
        for a, b in furniture_spans(d["text"]):
            blanked[a:b] = [c if c == "\n" else " " for c in blanked[a:b]]
        d["line_words"] = [index_text(ln) for ln in "".join(blanked).split("\n")]
    return docs


DOC_COLUMNS = ["source_path", "content_hash", "format", "status", "extractor_version", "doc_key", "doc_type", "number",
               "issue_date", "issue_year", "issue_place", "issuer", "issuer_parent", "subject", "effective_date",
               "signer_name", "signer_position", "signer_authority", "recipients", "header_json", "warnings", "pages",
               "text", "type_key", "issuer_key", "search_title", "search_body", "imported_at", "updated_at"]
REF_COLUMNS = ["document_id", "seq", "cited_key", "relation", "pinpoint", "doc_type", "number", "cited_date", "issuer",
               "title", "text", "start_offset", "end_offset", "confidence"]


def _swap_places(s: str | None, old: list[str], new: str) -> str | None:
    if not s:
        return s
    for o in old:
        s = s.replace(o, new).replace(o.upper(), new.upper())
    return s


def _swap_words(s: str, old: list[str], new: str) -> str:
    for o in old:
        s = f" {s} ".replace(f" {o} ", f" {new} ")[1:-1]
    return s


def make_document(i: int, seeds: list[dict]) -> tuple[dict, list[dict]]:
    """Copy i of a seed: its own number, year, date and province, a different cut of its lines and a
    stretch of another document. Its indexed body is put together from the seeds' indexed lines
    (index_body runs once per seed, not once per copy)."""
    rng = random.Random(i)
    src = seeds[i % len(seeds)]
    other = seeds[rng.randrange(len(seeds))]
    year = rng.randint(2008, 2026)
    province = rng.choice(PROVINCES)
    places = src.setdefault("places", [p for p in PROVINCES if p in src["text"] or p.upper() in src["text"]])
    keep = [j for j, ln in enumerate(src["lines"]) if rng.random() < 0.8 or len(ln) < 40]
    lines = [src["lines"][j] for j in keep]
    words = [src["line_words"][j] for j in keep]
    at = rng.randrange(len(lines) + 1)
    start = rng.randrange(max(1, len(other["lines"]) - 20))
    stop = start + rng.randint(5, 20)
    lines[at:at] = other["lines"][start:stop]
    words[at:at] = other["line_words"][start:stop]
    number = src["number"]
    new_number = None
    if number:
        serial = str(rng.randint(1, 9999))
        parts = number.split("/")
        parts[0] = serial
        if len(parts) > 2 and parts[1].isdigit():
            parts[1] = str(year)
        new_number = "/".join(parts)
    text = _swap_places("\n".join(lines), places, province)
    body = _swap_words(" ".join(w for w in words if w), [index_text(p) for p in places], index_text(province))
    if number and new_number:
        text = text.replace(number, new_number)
        body = _swap_words(body, [index_text(number)], index_text(new_number))
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    issuer = _swap_places(src["issuer"], places, province)
    subject = _swap_places(src["subject"], places, province)
    title = " ".join(x for x in (src["doc_type"], new_number, subject) if x)
    now = "2026-01-01T00:00:00+00:00"
    doc = {**{c: src[c] for c in DOC_COLUMNS if c in src},
           "source_path": f"/bench/{i:06d}.txt", "content_hash": hashlib.sha1(f"{i}:{text}".encode()).hexdigest(),
           "doc_key": document_keys(new_number, src["doc_type"])[0], "number": new_number, "issue_date": date,
           "issue_year": year, "issuer": issuer, "subject": subject, "text": text,
           "issuer_key": body_key(issuer) if issuer else None, "search_title": index_text(title),
           "search_body": body, "imported_at": now, "updated_at": now}
    refs = []
    for r in src["refs"]:
        r = dict(r)
        if r["number"] and rng.random() < 0.5:  # half the citations point elsewhere
            parts = r["number"].split("/")
            parts[0] = str(rng.randint(1, 400))
            r["number"] = "/".join(parts)
            r["cited_key"] = _number_key(r["number"]) or r["cited_key"]
        refs.append(r)
    return doc, refs


@functools.lru_cache(maxsize=1 << 16)
def _number_key(number: str) -> str | None:
    return number_key(number)


def build(path: Path, n: int, seeds: list[dict]) -> None:
    """n copies in one transaction, journal off, the full-text index built once at the end
    (its insert trigger set aside meanwhile and put back)."""
    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    open_store(str(tmp), create=True).close()
    c = sqlite3.connect(str(tmp), isolation_level=None)
    c.execute("PRAGMA journal_mode = OFF")
    c.execute("PRAGMA synchronous = OFF")
    c.execute("PRAGMA cache_size = -400000")
    triggers = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'documents' "
                         "AND name LIKE 'documents%fts_ai'").fetchall()
    c.execute("BEGIN")
    for name, _ in triggers:
        c.execute(f"DROP TRIGGER {name}")
    doc_sql = f"INSERT INTO documents ({', '.join(DOC_COLUMNS)}) VALUES ({', '.join('?' * len(DOC_COLUMNS))})"
    ref_sql = f"INSERT INTO doc_references ({', '.join(REF_COLUMNS)}) VALUES ({', '.join('?' * len(REF_COLUMNS))})"
    keys_sql = "INSERT OR IGNORE INTO document_keys (document_id, key, alias) VALUES (?, ?, ?)"
    keys_of = functools.lru_cache(maxsize=1 << 16)(document_keys)
    for i in range(n):
        doc, refs = make_document(i, seeds)
        doc_id = c.execute(doc_sql, [doc[k] for k in DOC_COLUMNS]).lastrowid
        own, aliases = keys_of(doc["number"], doc["doc_type"])
        c.executemany(keys_sql, [(doc_id, k, 0 if j == 0 and own else 1)
                                 for j, k in enumerate(dict.fromkeys(([own] if own else []) + aliases))])
        c.executemany(ref_sql, [[doc_id if k == "document_id" else r[k] for k in REF_COLUMNS] for r in refs])
        if (i + 1) % 1000 == 0 or i + 1 == n:
            print(f"\r  {path.name}: {i + 1}/{n} documents, {time.perf_counter() - t0:.0f}s", end="", flush=True)
    print(f"\r  {path.name}: {n} documents written, {time.perf_counter() - t0:.0f}s; full-text index …", end="",
          flush=True)
    for name, sql in triggers:
        fts = name.removesuffix("_ai")
        c.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        c.execute(sql)
    c.execute("COMMIT")
    for name, _ in triggers:
        fts = name.removesuffix("_ai")
        c.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
    c.execute("ANALYZE")
    c.close()
    tmp.rename(path)
    print(f"\r  {path.name}: {n} documents in {time.perf_counter() - t0:.0f}s wall, "
          f"{time.process_time() - c0:.0f}s CPU, {path.stat().st_size / 2**20:.0f} MiB", flush=True)


def copy_to_postgres(sqlite_path: Path, url: str, reuse: bool = False) -> str:
    """The same documents in a fresh schema of the test PostgreSQL database (with `reuse`, the schema
    already there when it holds as many documents, migrated to the latest schema), vacuumed and analysed."""
    import psycopg

    schema = "bench_search"
    pg_url = url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    src = open_store(str(sqlite_path), readonly=True, upto=SEARCH_SCHEMA)
    if reuse:
        with psycopg.connect(url, autocommit=True) as conn:
            have = conn.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                                "AND table_name = 'documents'", (schema,)).fetchone()
            n = conn.execute(f'SELECT COUNT(*) FROM "{schema}".documents').fetchone()[0] if have else -1
        if n == src.scalar("SELECT COUNT(*) AS n FROM documents"):
            src.close()
            t0 = time.perf_counter()
            open_store(pg_url).close()  # later migrations, if any
            print(f"  postgres: reusing schema {schema} ({n} documents, migrated in "
                  f"{time.perf_counter() - t0:.0f}s)", flush=True)
            return pg_url
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    t0 = time.perf_counter()
    dst = open_store(pg_url, create=True)
    cols = ", ".join(["id", *DOC_COLUMNS])
    with dst.conn.cursor() as cur:
        with cur.copy(f"COPY documents ({cols}) FROM STDIN") as cp:
            for r in src.conn.execute(f"SELECT {cols} FROM documents ORDER BY id"):
                cp.write_row(tuple(r))
        rcols = ", ".join(REF_COLUMNS)
        with cur.copy(f"COPY doc_references ({rcols}) FROM STDIN") as cp:
            for r in src.conn.execute(f"SELECT {rcols} FROM doc_references"):
                cp.write_row(tuple(r))
        with cur.copy("COPY document_keys (document_id, key, alias) FROM STDIN") as cp:
            for r in src.conn.execute("SELECT document_id, key, alias FROM document_keys"):
                cp.write_row(tuple(r))
    dst.execute("VACUUM ANALYZE")  # as autovacuum leaves it: GIN pending lists merged, visibility map set
    src.close()
    dst.close()
    print(f"  postgres: {n_docs(pg_url)} documents copied in {time.perf_counter() - t0:.0f}s", flush=True)
    return pg_url


def n_docs(db: str) -> int:
    with open_store(db, readonly=True) as s:
        return int(s.scalar("SELECT COUNT(*) AS n FROM documents"))


def server_clock(store):
    """A function returning the PostgreSQL server's execution (+ planning, when tracked) milliseconds so far,
    from pg_stat_statements (None when the server does not keep it)."""
    row = store.one("SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                    "WHERE e.extname = 'pg_stat_statements'")
    if row is None:
        return None
    view = f'"{row["schema"]}".pg_stat_statements'
    try:
        store.query(f"SELECT 1 FROM {view} LIMIT 1")
    except Exception:  # the extension is created but the library is not preloaded
        return None
    sql = (f"SELECT COALESCE(SUM(total_exec_time + total_plan_time), 0) AS ms FROM {view} "
           f"WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
           f"AND query NOT LIKE '%pg_stat_statements%'")
    return lambda: float(store.scalar(sql))


def run_queries(db: str, rounds: int, server: bool = False) -> dict[str, tuple[list[float], list[float]]]:
    """Per kind, (CPU, wall) milliseconds of each search; with `server` (PostgreSQL), (server, wall)
    where the server's figures are kept, else (wall, wall)."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    with open_store(db, readonly=True, upto=SEARCH_SCHEMA) as s:
        clock = server_clock(s) if server else None
        for kind, qs in QUERIES.items():
            cpu, wall = [], []
            for _ in range(rounds):
                for q in qs:
                    text, filters = (q if isinstance(q, tuple) else (q, {}))
                    s0 = clock() if clock else 0.0
                    c0, w0 = time.process_time(), time.perf_counter()
                    page = search_page(s, text, limit=20, **filters)
                    w = (time.perf_counter() - w0) * 1000
                    cpu.append(clock() - s0 if clock else w if server else (time.process_time() - c0) * 1000)
                    wall.append(w)
                    assert page.total >= len(page.hits)
            out[kind] = (cpu, wall)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(label: str, res: dict[str, tuple[list[float], list[float]]], wall_only: bool = False,
           first: str = "cpu") -> None:
    everything_cpu = [x for c, _ in res.values() for x in c]
    everything_wall = [x for _, w in res.values() for x in w]
    for kind, (cpu, wall) in [*res.items(), ("all", (everything_cpu, everything_wall))]:
        w = f"wall p50 {statistics.median(wall):6.1f}  p95 {pct(wall, 95):6.1f}  max {max(wall):6.1f}"
        c = "" if wall_only else \
            f"{first} p50 {statistics.median(cpu):6.1f}  p95 {pct(cpu, 95):6.1f}  max {max(cpu):6.1f}   "
        print(f"{label:>16} {kind:>8}: {c}{w}  ms ({len(cpu)} queries)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2000,20000,100000")
    ap.add_argument("--dir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "vanban-bench"))
    ap.add_argument("--reuse", action="store_true", help="use the databases already built in --dir")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pg", action="store_true", help="also PostgreSQL at 20k (VANBAN_TEST_PG_URL)")
    args = ap.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    seeds = None
    for n in sizes:
        path = work / f"search-{n}.db"
        if not (args.reuse and path.exists()):
            seeds = seeds or seed_documents(work)
            path.unlink(missing_ok=True)
            build(path, n, seeds)
        # an older build is brought up to the search index this code reads (later migrations, which search
        # does not read, are left alone: one of them hashes every text, hours at 100k documents)
        open_store(str(path), upto=SEARCH_SCHEMA).close()
        report(f"sqlite {n // 1000}k", run_queries(str(path), args.rounds))
    if args.pg:
        url = os.environ.get("VANBAN_TEST_PG_URL")
        if not url:
            sys.exit("--pg needs VANBAN_TEST_PG_URL (eval \"$(bash scripts/start_test_postgres.sh)\")")
        path = work / "search-20000.db"
        if not path.exists():
            seeds = seeds or seed_documents(work)
            build(path, 20000, seeds)
        pg = copy_to_postgres(path, url, args.reuse)
        res = run_queries(pg, args.rounds, server=True)
        with open_store(pg, readonly=True) as s:
            kept = server_clock(s) is not None
        if not kept:
            print("  (no pg_stat_statements on the server: wall time only)")
        report("postgres 20k", res, wall_only=not kept, first="server")
    print(json.dumps({"queries": {k: len(v) for k, v in QUERIES.items()}}))


if __name__ == "__main__":
    main()
