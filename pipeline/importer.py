"""Bulk import: files → extraction in worker processes → one transaction per
document in the main process (the only writer).

Safe to kill at any moment and run again: a document is written whole or not
at all, files already stored with the same content hash and extractor version
are skipped before extraction, so a re-run finishes the rest and an unchanged
archive writes nothing. A worker that dies (killed, out of memory) breaks the
pool; the pool is restarted and the unfinished files are tried again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import storable_path
from pipeline.ingest import IngestError, find_files
from pipeline.run import EXTRACTOR_VERSION, process
from pipeline.store import Store, StoreError, now
from pipeline.store.writer import ExtractedDoc, log, write_document

MAX_POOL_CRASHES = 3  # a file whose worker died this many times is recorded as failed


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

    @property
    def extracted(self) -> int:
        return self.added + self.updated

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
                        pages=d.pages, text=d.text, warnings=list(d.warnings), extraction=res.extraction)
    if spool is None:
        return "ok", item
    fd, name = tempfile.mkstemp(suffix=".pickle", dir=spool)
    with os.fdopen(fd, "wb") as f:
        pickle.dump(item, f, protocol=pickle.HIGHEST_PROTOCOL)
    return "spooled", name


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


class Importer:
    def __init__(self, store: Store, *, workers: int = 1, extract: Callable = process,
                 extractor_version: str = EXTRACTOR_VERSION, retry_failed: bool = False,
                 progress: bool = False, on_document: Callable[[ImportSummary], None] | None = None):
        if store.readonly:
            raise StoreError(f"database {store.url} was opened read-only")
        self.store = store
        self.workers = max(0, workers)
        self.extract = extract
        self.version = extractor_version
        self.retry_failed = retry_failed
        self.on_document = on_document
        self.summary = ImportSummary()
        self._progress = progress
        self._bar = None
        self._seen_hashes: set[str] = set()

    # -- bookkeeping
    def _run_id(self) -> int:
        """The run row is created on the first write, so a no-op import writes nothing."""
        if self.summary.run_id is None:
            with self.store.transaction():
                self.store.execute("UPDATE import_runs SET status = 'interrupted' WHERE status = 'running'")
                self.summary.run_id = self.store.insert(
                    "INSERT INTO import_runs (started_at, extractor_version, workers) VALUES (?, ?, ?)",
                    (now(), self.version, self.workers))
        return self.summary.run_id

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
    def _plan(self, path: str) -> _Job | None:
        """None when the file needs no extraction (and its outcome is already counted)."""
        s, store = self.summary, self.store
        try:
            h = file_hash(path)
        except OSError as e:
            self._fail(path, None, f"cannot read file: {e.strerror or e}")
            return None
        real, path = path, storable_path(path)  # the name the database and the reports know it by
        if h in self._seen_hashes:
            s.duplicates += 1
            self._tick()
            return None
        self._seen_hashes.add(h)
        row = store.one("SELECT id, source_path, extractor_version FROM documents WHERE content_hash = ?", (h,))
        if row is not None and row["source_path"] != path:
            if os.path.exists(row["source_path"]) or store.one(
                    "SELECT 1 AS x FROM documents WHERE source_path = ?", (path,)):
                s.duplicates += 1  # the same bytes are stored from another file
                self._tick()
                return None
            self._run_id()
            with store.transaction():  # the file was moved or renamed: follow it, no re-extraction
                store.execute("UPDATE documents SET source_path = ? WHERE id = ?", (path, row["id"]))
                log(store, self.summary.run_id, path, h, row["extractor_version"], "moved", None, row["id"])
            s.moved += 1
            if row["extractor_version"] == self.version:
                self._tick()
                return None
        elif row is not None and row["extractor_version"] == self.version:
            s.unchanged += 1
            self._tick()
            return None
        if row is None and not self.retry_failed and store.one(
                "SELECT 1 AS x FROM import_log WHERE source_path = ? AND content_hash = ? AND extractor_version = ? "
                "AND outcome = 'failed'", (path, h, self.version)):
            s.failed_before += 1
            self._tick()
            return None
        return _Job(real, h)

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
        run_id = self._run_id()
        store = self.store
        try:
            with store.transaction():
                other = store.one("SELECT id FROM documents WHERE content_hash = ? AND source_path <> ?",
                                  (item.content_hash, item.source_path))
                if other is not None:  # became a duplicate while it was being extracted
                    self.summary.duplicates += 1
                    outcome = None
                else:
                    row = store.one("SELECT id FROM documents WHERE source_path = ?", (item.source_path,))
                    _, outcome = write_document(store, item, self.version, row["id"] if row else None, run_id)
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
        self._tick()

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
        files, errors = discover(paths)
        self.summary.files = len(files)
        for path, reason in errors:
            self.summary.failures.append((path, reason))
        if self._progress:
            import sys

            from tqdm import tqdm
            self._bar = tqdm(total=len(files), unit="doc", desc="import", file=sys.stderr, dynamic_ncols=True)
        try:
            todo = (str(f) for f in files)
            if self.workers == 0:
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
            raise
        if self._bar is not None:
            self._bar.close()
        self._finish()
        self.summary.seconds = time.perf_counter() - t0
        return self.summary

    def _parallel(self, paths: Iterable[str]) -> None:
        window = self.workers * 4  # bounded: memory stays flat on a 100k-file archive
        source = iter(paths)
        retry: deque[_Job] = deque()
        inflight: dict[Future, _Job] = {}
        pool: ProcessPoolExecutor | None = None
        spool = tempfile.TemporaryDirectory(prefix="vanban-import-")

        def next_job() -> _Job | None:
            if retry:
                return retry.popleft()
            for path in source:
                job = self._plan(path)
                if job is not None:
                    return job
            return None

        try:
            while True:
                if pool is None:
                    pool = ProcessPoolExecutor(self.workers, initializer=_worker_init)
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
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            spool.cleanup()

    def _crashed(self, job: _Job, retry: deque[_Job]) -> None:
        job.crashes += 1
        if job.crashes >= MAX_POOL_CRASHES:
            self._fail(job.path, job.content_hash, "worker process died while extracting this file")
        else:
            retry.append(job)


def import_paths(store: Store, paths: Iterable[str | Path], **options) -> ImportSummary:
    """Import files and directories into an open store; see `Importer` for the options."""
    return Importer(store, **options).run(paths)
