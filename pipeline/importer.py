"""Bulk import: files → extraction in worker processes → one transaction per
document in the main process (the only writer).

Safe to kill at any moment and run again: a document is written whole or not
at all, files already stored with the same content hash and extractor version
are skipped before extraction, so a re-run finishes the rest and an unchanged
archive writes nothing. Files of one document (the same bytes, the same
number/type/issuer/date, near-identical text) become one document with several
source files (`pipeline.store.dedup`); a file stored with scanned pages unread
(needs_ocr) is read again once Tesseract runs, or with `ocr_pending`. A worker that dies (killed, out of memory) breaks the
pool; the pool is restarted and the unfinished files are tried again.

Workers die with their parent: on Linux the kernel kills them when the import
process dies (PR_SET_PDEATHSIG), elsewhere a thread in each worker sees its
parent change and exits; SIGTERM of the import terminates the pool, marks the
run interrupted and exits (status 143).

`executor="dask"` runs extraction (and OCR, page by page) on a Dask
distributed cluster instead: file bytes go to the workers, records come back,
and this process stays the only writer, so resuming and skipping work as
with the local pool. On PostgreSQL each run holds an advisory lock for its
life: a new import marks "interrupted" only runs whose importer is gone.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pipeline.document import storable_path
from pipeline.ingest import IngestError, find_files
from pipeline.run import EXTRACTOR_VERSION, process
from pipeline.store import Store, StoreError, now
from pipeline.store.writer import ExtractedDoc, TextIndex, attach_copy, log, move_file, write_document

MAX_POOL_CRASHES = 3  # a file whose worker died this many times is recorded as failed
# the arguments of a live run's PostgreSQL advisory lock: (the schema's hash, run
# id), so that runs of different schemas in one database stay apart
_RUN_LOCK = "hashtext(current_schema()), CAST(? AS integer)"


@dataclass
class ImportSummary:
    files: int = 0
    added: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    failed_before: int = 0  # same file and extractor version failed in an earlier run; not retried
    pool_restarts: int = 0
    run_id: int | None = None
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    document_ids: set[int] = field(default_factory=set)  # the documents this run's files belong to
    needs_ocr: int = 0  # of those, documents whose text waits for OCR
    ocr_missing: str | None = None  # why OCR cannot run here, when a document needs it

    @property
    def extracted(self) -> int:
        return self.added + self.updated

    @property
    def documents(self) -> int:
        return len(self.document_ids)

    def documents_line(self) -> str:
        """Files as documents: several files of one document count once."""
        line = (f"{self.files} files, {self.documents} documents, {self.duplicates} "
                f"duplicate{'' if self.duplicates == 1 else 's'} of a stored document")
        if self.needs_ocr:
            line += (f"; {self.needs_ocr} document{' needs' if self.needs_ocr == 1 else 's need'} OCR"
                     + (f" ({self.ocr_missing}; install tesseract-ocr-vie, then `vanban import --ocr-pending`)"
                        if self.ocr_missing else " (`vanban import --ocr-pending` tries again)"))
        return line

    def line(self) -> str:
        rate = self.extracted / self.seconds if self.seconds else 0.0
        return (f"{self.files} files: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.moved} moved, {self.duplicates} duplicate, {self.failed} failed"
                + (f", {self.failed_before} failed before (--retry-failed)" if self.failed_before else "")
                + f" in {self.seconds:.1f}s ({rate:.1f} docs/s)")


@dataclass
class _Job:
    path: str
    content_hash: str
    crashes: int = 0
    size: int | None = None


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to import: named files as given, directories searched recursively."""
    found, bad = find_files(paths)
    files: list[Path] = list(found)
    errors = [(storable_path(p), reason) for p, reason in bad]
    seen: set[Path] = set()
    unique = []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(r)
    return unique, errors


def file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def extract_job(path: str, extract: Callable = process, spool: str | None = None) -> tuple[str, ExtractedDoc | str]:
    """Run in a worker: extraction with every failure turned into a reason.

    With `spool` (a directory) the record goes to a file there and only its name
    comes back through the pool's pipe: a message that small is written
    atomically, so a worker killed mid-send cannot leave half a message that
    hangs the pool (CPython's ProcessPoolExecutor waits for the rest forever).
    """
    try:
        res = extract(path)
    except IngestError as e:
        return "failed", e.reason[:400]
    except Exception as e:  # an extractor bug must not stop the batch
        return "failed", f"extraction failed: {type(e).__name__}: {e}"[:400]
    d = res.document
    item = ExtractedDoc(source_path=storable_path(path), content_hash=d.content_hash, format=d.format, status=d.status,
                        pages=d.pages, text=d.text, warnings=list(d.warnings), extraction=res.extraction,
                        index=TextIndex.of(d.text))
    if spool is None:
        return "ok", item
    fd, name = tempfile.mkstemp(suffix=".pickle", dir=spool)
    with os.fdopen(fd, "wb") as f:
        pickle.dump(item, f, protocol=pickle.HIGHEST_PROTOCOL)
    return "spooled", name


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Exit when the process `parent` is gone (killed -9 included)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # died before the signal was armed
        os._exit(1)

    def watch() -> None:  # where prctl is missing, and as a second guard
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="vanban-parent-watch", daemon=True).start()


class _ClusterPages:
    """OCR pages of a document sent to the cluster as their own tasks, from
    inside a task: the task leaves the worker's thread pool while it waits, so
    the pages can run on this worker too."""

    def __init__(self) -> None:
        from distributed import get_client
        self.client = get_client()
        self.seceded = False

    def __call__(self, fn, *args):
        return _SecedingFuture(self.client.submit(fn, *args, pure=False, priority=10,
                                                  key=f"vanban-ocr-page-{time.monotonic_ns()}"), self)

    def secede(self) -> None:
        if not self.seceded:
            from distributed import secede
            secede()
            self.seceded = True

    def rejoin(self) -> None:
        if self.seceded:
            from distributed import rejoin
            rejoin()
            self.seceded = False


class _SecedingFuture:
    def __init__(self, fut, pages: _ClusterPages):
        self.fut, self.pages = fut, pages

    def done(self) -> bool:
        return self.fut.done()

    def result(self):
        if not self.fut.done():
            self.pages.secede()
        return self.fut.result()

    def cancel(self) -> None:
        self.fut.cancel()


def dask_extract_job(name: str, data: bytes, extract: Callable = process,
                     ocr_slots: int = 1) -> tuple[str, ExtractedDoc | str]:
    """Run on a Dask worker: the file's bytes written under its own name in a
    temp dir (its extension picks the reader), extracted there; scanned pages
    go back to the cluster as tasks of their own."""
    from pipeline.ingest import ocr as ocr_mod

    with tempfile.TemporaryDirectory(prefix="vanban-dask-") as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        pages = _ClusterPages()
        try:
            with ocr_mod.use_submitter(pages, ocr_slots):
                return extract_job(path, extract)
        finally:
            pages.rejoin()


def _worker_init(parent: int | None = None, ocr_workers: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    if parent is not None:
        _die_with_parent(parent)
    if ocr_workers and "VANBAN_OCR_WORKERS" not in os.environ:
        os.environ["VANBAN_OCR_WORKERS"] = str(ocr_workers)  # this worker's share of the cores


class Terminated(SystemExit):
    """SIGTERM received: the import stops as after Ctrl-C (exit status 143)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its workers killed, not waited for."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        try:
            p.kill()
        except (OSError, AttributeError, ValueError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.join(2)
        except (OSError, AttributeError, ValueError, AssertionError):
            pass


class Importer:
    def __init__(self, store: Store, *, workers: int = 1, extract: Callable = process,
                 extractor_version: str = EXTRACTOR_VERSION, retry_failed: bool = False,
                 progress: bool = False, on_document: Callable[[ImportSummary], None] | None = None,
                 executor: str = "local", scheduler: str | None = None, ocr_pending: bool = False):
        if store.readonly:
            raise StoreError(f"database {store.url} was opened read-only")
        if executor not in ("local", "dask"):
            raise ValueError(f"unknown executor {executor!r} (local or dask)")
        self.store = store
        self.workers = max(0, workers)
        self.executor = executor
        self.scheduler = scheduler
        self.extract = extract
        self.version = extractor_version
        self.retry_failed = retry_failed
        self.on_document = on_document
        self.summary = ImportSummary()
        self._progress = progress
        self._bar = None
        self.ocr_pending = ocr_pending
        self._seen_hashes: set[str] = set()
        self._hash_doc: dict[str, int] = {}  # bytes seen in this run -> their document
        self._pending_copies: dict[str, list[tuple[str, int | None]]] = {}  # same bytes, first not yet written

    # -- bookkeeping
    def _run_id(self) -> int:
        """The run row is created on the first write, so a no-op import writes nothing.

        Runs left 'running' by an importer that is gone are marked 'interrupted'.
        On PostgreSQL a run's importer holds the advisory lock (schema, run id)
        on its connection until it finishes or dies: a run whose lock can be
        taken has no importer left; one whose lock is held is another live
        import, left alone. (SQLite: one writer at a time, every leftover is dead.)
        """
        if self.summary.run_id is None:
            store = self.store
            with store.transaction():
                if store.dialect == "postgres":
                    for r in store.query("SELECT id FROM import_runs WHERE status = 'running'"):
                        if store.scalar(f"SELECT pg_try_advisory_lock({_RUN_LOCK}) AS ok", (r["id"],)):
                            store.execute("UPDATE import_runs SET status = 'interrupted' WHERE id = ?", (r["id"],))
                            store.execute(f"SELECT pg_advisory_unlock({_RUN_LOCK})", (r["id"],))
                else:
                    store.execute("UPDATE import_runs SET status = 'interrupted' WHERE status = 'running'")
                self.summary.run_id = store.insert(
                    "INSERT INTO import_runs (started_at, extractor_version, workers) VALUES (?, ?, ?)",
                    (now(), self.version, self.workers))
                if store.dialect == "postgres":  # session lock: kept after this transaction commits
                    store.execute(f"SELECT pg_advisory_lock({_RUN_LOCK})", (self.summary.run_id,))
        return self.summary.run_id

    def _release_run(self) -> None:
        if self.summary.run_id is not None and self.store.dialect == "postgres":
            try:
                self.store.execute(f"SELECT pg_advisory_unlock({_RUN_LOCK})", (self.summary.run_id,))
            except Exception:  # the connection is what failed: its locks went with it
                pass

    def _tick(self, path: str | None = None, reason: str | None = None) -> None:
        if reason is not None:
            self.summary.failed += 1
            self.summary.failures.append((path or "", reason))
        if self._bar is not None:
            s = self.summary
            self._bar.set_postfix(added=s.added, updated=s.updated, unchanged=s.unchanged, failed=s.failed,
                                  refresh=False)
            self._bar.update(1)
        if self.on_document:
            self.on_document(self.summary)

    def _fail(self, path: str, content_hash: str | None, reason: str) -> None:
        path = storable_path(path)
        run_id = self._run_id()
        with self.store.transaction():
            log(self.store, run_id, path, content_hash, self.version, "failed", reason)
        self._tick(path, reason)

    # -- planning: what needs extracting
    def _redo_ocr(self, row: dict) -> bool:
        """A stored file whose scanned pages were never OCR'd: read again with --ocr-pending, or when it was
        stored for want of Tesseract and Tesseract runs now."""
        if row["status"] != "needs_ocr":
            return False
        if self.ocr_pending:
            return True
        if not row["ocr_missing"]:
            return False  # OCR failed on a page: tried again only when asked
        from pipeline.ingest import ocr as ocr_mod
        return ocr_mod.available() is None

    def _copy(self, doc_id: int, path: str, h: str, size: int | None) -> None:
        run_id = self._run_id()
        with self.store.transaction():
            attach_copy(self.store, doc_id, path, h, size, run_id)

    def _next_job(self, source: Iterator, retry: deque) -> _Job | None:
        """A file given back for another try first, then the next path that needs reading."""
        if retry:
            return retry.popleft()
        for path in source:
            job = self._plan(path)
            if job is not None:
                return job
        return None

    def _plan(self, path: str) -> _Job | None:
        """None when the file needs no extraction (and its outcome is already counted)."""
        s, store = self.summary, self.store
        try:
            h = file_hash(path)
            size = os.path.getsize(path)
        except OSError as e:
            self._fail(path, None, f"cannot read file: {e.strerror or e}")
            return None
        real, path = path, storable_path(path)  # the name the database and the reports know it by
        if h in self._seen_hashes:  # the same bytes earlier in this run: a copy, read once
            s.duplicates += 1
            if h in self._hash_doc:
                self._copy(self._hash_doc[h], path, h, size)
                s.document_ids.add(self._hash_doc[h])
            else:
                self._pending_copies.setdefault(h, []).append((path, size))
            self._tick()
            return None
        self._seen_hashes.add(h)
        rows = store.query("SELECT source_path, document_id, extractor_version, status, ocr_missing "
                           "FROM document_files WHERE content_hash = ? ORDER BY id", (h,))
        own = next((r for r in rows if r["source_path"] == path), None)
        if own is not None:
            self._hash_doc[h] = own["document_id"]
            if own["extractor_version"] == self.version and not self._redo_ocr(own):
                s.unchanged += 1
                s.document_ids.add(own["document_id"])
                self._tick()
                return None
            return _Job(real, h, size=size)
        if rows and not store.one("SELECT 1 AS x FROM document_files WHERE source_path = ?", (path,)):
            other = next((r for r in rows if os.path.exists(r["source_path"])), None)
            if other is not None:  # the same bytes are stored from another file: listed, not read again
                self._hash_doc[h] = other["document_id"]
                self._copy(other["document_id"], path, h, size)
                s.duplicates += 1
                s.document_ids.add(other["document_id"])
                self._tick()
                return None
            gone = rows[0]  # the file was moved or renamed: follow it, no re-extraction
            self._run_id()
            with store.transaction():
                move_file(store, gone["source_path"], path)
                log(store, self.summary.run_id, path, h, gone["extractor_version"], "moved", None, gone["document_id"])
            s.moved += 1
            self._hash_doc[h] = gone["document_id"]
            if gone["extractor_version"] == self.version and not self._redo_ocr(gone):
                s.document_ids.add(gone["document_id"])
                self._tick()
                return None
            return _Job(real, h, size=size)
        if not rows and not self.retry_failed and store.one(
                "SELECT 1 AS x FROM import_log WHERE source_path = ? AND content_hash = ? AND extractor_version = ? "
                "AND outcome = 'failed'", (path, h, self.version)):
            s.failed_before += 1
            self._tick()
            return None
        return _Job(real, h, size=size)

    # -- writing: main process only
    def _write(self, job: _Job, status: str, payload: ExtractedDoc | str) -> None:
        if status == "spooled":
            with open(payload, "rb") as f:
                payload = pickle.load(f)
            os.unlink(f.name)
        elif status != "ok":
            self._fail(job.path, job.content_hash, str(payload))
            return
        item = payload
        item.size = job.size
        run_id = self._run_id()
        store = self.store
        try:
            with store.transaction():
                doc_id, outcome = write_document(store, item, self.version, None, run_id)
                for path, size in self._pending_copies.pop(item.content_hash, []):
                    attach_copy(store, doc_id, path, item.content_hash, size, run_id)
        except StoreError:
            raise
        except Exception as e:
            if type(e).__name__ == "OperationalError":  # locked, disk full, connection lost: not this file's fault
                raise StoreError(f"database error while writing {job.path}: {e}; run the import again") from e
            # a record the database refuses (constraint, value out of range): log it, keep going
            self._fail(job.path, job.content_hash, f"cannot store: {type(e).__name__}: {e}")
            return
        if outcome == "added":
            self.summary.added += 1
        elif outcome == "updated":
            self.summary.updated += 1
        elif outcome == "unchanged":  # another importer stored this very file meanwhile
            self.summary.unchanged += 1
        elif outcome == "duplicate":
            self.summary.duplicates += 1
        self._hash_doc[item.content_hash] = doc_id
        self.summary.document_ids.add(doc_id)
        self._tick()

    def _count_ocr(self) -> None:
        s, ids = self.summary, sorted(self.summary.document_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            s.needs_ocr += self.store.scalar(f"SELECT COUNT(*) AS n FROM documents WHERE status = 'needs_ocr' AND id IN "
                                             f"({', '.join('?' * len(chunk))})", chunk) or 0
        if s.needs_ocr:
            from pipeline.ingest import ocr as ocr_mod
            s.ocr_missing = ocr_mod.available()

    def _finish(self) -> None:
        s = self.summary
        if s.run_id is not None:
            with self.store.transaction():
                self.store.execute(
                    "UPDATE import_runs SET finished_at = ?, status = 'done', added = ?, updated = ?, unchanged = ?, "
                    "failed = ? WHERE id = ?", (now(), s.added, s.updated, s.unchanged, s.failed, s.run_id))

    # -- the loop
    def run(self, paths: Iterable[str | Path]) -> ImportSummary:
        t0 = time.perf_counter()
        paths = list(paths)
        if self.ocr_pending:
            from pipeline.ingest import ocr as ocr_mod
            why = ocr_mod.available()
            if why:
                raise StoreError(f"cannot OCR the pending documents: {why} (apt install tesseract-ocr tesseract-ocr-vie)")
            paths += [r["source_path"] for r in self.store.query(
                "SELECT source_path FROM document_files WHERE status = 'needs_ocr' ORDER BY id")
                if os.path.exists(r["source_path"])]
        files, errors = discover(paths)
        self.summary.files = len(files)
        for path, reason in errors:
            self.summary.failures.append((path, reason))
        if self._progress:
            import sys

            from tqdm import tqdm
            self._bar = tqdm(total=len(files), unit="doc", desc="import", file=sys.stderr, dynamic_ncols=True)
        old_term = None
        if threading.current_thread() is threading.main_thread():
            old_term = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            todo = (str(f) for f in files)
            if self.executor == "dask":
                self._dask(todo)
            elif self.workers == 0:
                for path in todo:
                    job = self._plan(path)
                    if job is not None:
                        self._write(job, *extract_job(job.path, self.extract))
            else:
                self._parallel(todo)
        except BaseException:
            if self._bar is not None:
                self._bar.close()
            if self.summary.run_id is not None:
                try:
                    with self.store.transaction():
                        self.store.execute("UPDATE import_runs SET status = 'interrupted', finished_at = ? "
                                           "WHERE id = ?", (now(), self.summary.run_id))
                except Exception:  # the database itself is what failed; the next run marks it
                    pass
                self._release_run()
            raise
        finally:
            if old_term is not None:
                signal.signal(signal.SIGTERM, old_term)
        if self._bar is not None:
            self._bar.close()
        try:
            self._finish()
        finally:
            self._release_run()
        self._count_ocr()
        self.summary.seconds = time.perf_counter() - t0
        return self.summary

    def _parallel(self, paths: Iterable[str]) -> None:
        window = self.workers * 4  # bounded: memory stays flat on a 100k-file archive
        source = iter(paths)
        retry: deque[_Job] = deque()
        inflight: dict[Future, _Job] = {}
        pool: ProcessPoolExecutor | None = None
        spool = tempfile.TemporaryDirectory(prefix="vanban-import-")

        next_job = partial(self._next_job, source, retry)

        try:
            while True:
                if pool is None:
                    pool = ProcessPoolExecutor(self.workers, initializer=_worker_init,
                                               initargs=(os.getpid(), max(1, (os.cpu_count() or 1) // self.workers)))
                broken = False
                while len(inflight) < window:
                    job = next_job()
                    if job is None:
                        break
                    try:
                        inflight[pool.submit(extract_job, job.path, self.extract, spool.name)] = job
                    except BrokenProcessPool:
                        retry.appendleft(job)
                        broken = True
                        break
                if not inflight and not broken:
                    break
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED) if inflight else (set(), set())
                for fut in done:
                    job = inflight.pop(fut)
                    try:
                        status, payload = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        self._crashed(job, retry)
                        continue
                    self._write(job, status, payload)
                if broken:
                    for fut, job in list(inflight.items()):  # all of them fail with the pool; keep finished work
                        try:
                            status, payload = fut.result()
                        except BrokenProcessPool:
                            self._crashed(job, retry)
                            continue
                        self._write(job, status, payload)
                    inflight.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = None
                    self.summary.pool_restarts += 1
            pool.shutdown(wait=True)  # reap the workers (their memory shows in RUSAGE_CHILDREN)
            pool = None
        finally:
            if pool is not None:  # interrupted (Ctrl-C, SIGTERM, a database error): stop the workers now
                _kill_pool(pool)
            spool.cleanup()

    # -- Dask: the cluster extracts, this process writes
    def _dask_client(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise StoreError("the Dask executor needs dask.distributed: pip install 'vanban[dask]'") from None
        if self.scheduler:
            return Client(self.scheduler, timeout="30s"), None
        cluster = LocalCluster(n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=40)
        return Client(cluster), cluster

    def _dask(self, paths: Iterable[str]) -> None:
        from distributed import as_completed

        client, cluster = self._dask_client()
        try:
            slots = max(1, sum(client.nthreads().values()))
            window = slots * 4
            source = iter(paths)
            retry: deque[_Job] = deque()
            inflight: dict = {}
            done = as_completed()

            next_job = partial(self._next_job, source, retry)

            while True:
                while len(inflight) < window:
                    job = next_job()
                    if job is None:
                        break
                    try:
                        with open(job.path, "rb") as f:
                            data = f.read()
                    except OSError as e:
                        self._fail(job.path, job.content_hash, f"cannot read file: {e.strerror or e}")
                        continue
                    fut = client.submit(dask_extract_job, Path(job.path).name, data, self.extract, slots,
                                        pure=False, key=f"vanban-extract-{job.content_hash[:16]}-{time.monotonic_ns()}")
                    inflight[fut] = job
                    done.add(fut)
                if not inflight:
                    break
                fut = next(done)
                job = inflight.pop(fut)
                try:
                    status, payload = fut.result()
                except ImportError as e:  # the workers' Python has no vanban: no file can succeed
                    raise StoreError(f"the Dask workers cannot run vanban ({e}): install it on every worker, "
                                     "the same version as here") from None
                except Exception as e:  # KilledWorker (a worker died on it), lost connection ...
                    job.crashes += 1
                    if job.crashes >= MAX_POOL_CRASHES:
                        self._fail(job.path, job.content_hash, f"Dask worker failed on this file: {type(e).__name__}")
                    else:
                        retry.append(job)
                    continue
                finally:
                    fut.release()
                if status == "ok":
                    payload.source_path = storable_path(job.path)  # the worker saw a temp copy
                self._write(job, status, payload)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _crashed(self, job: _Job, retry: deque[_Job]) -> None:
        job.crashes += 1
        if job.crashes >= MAX_POOL_CRASHES:
            self._fail(job.path, job.content_hash, "worker process died while extracting this file")
        else:
            retry.append(job)


def import_paths(store: Store, paths: Iterable[str | Path], **options) -> ImportSummary:
    """Import files and directories into an open store; see `Importer` for the options."""
    return Importer(store, **options).run(paths)
