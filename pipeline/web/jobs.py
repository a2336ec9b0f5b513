"""Uploaded files are imported in the background, one at a time, never inside the request.

An upload request only checks and saves the file and records a job (`web_jobs`:
queued → running → done | failed, with a message and the document it became);
the page and `/api/jobs/<id>` show that status. A thread of the server process
claims queued jobs (an UPDATE that only one claimer wins, so several server
processes share one queue) and runs each in a child process of its own: a file
that needs minutes of OCR holds no request, and one that takes too much memory
or time is killed (address-space limit, timeout) without touching the server.
Jobs left "running" by a server that died are queued again once their time is up.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipeline.store import Store, now, open_store

STATUSES = {"queued": "Đang chờ nhập", "running": "Đang nhập", "done": "Đã nhập", "failed": "Không nhập được"}
PENDING = ("queued", "running")


@dataclass
class Job:
    id: int
    file_name: str
    status: str
    message: str | None
    document_id: int | None
    submitted_by: str | None
    submitted_at: str
    finished_at: str | None

    @property
    def pending(self) -> bool:
        return self.status in PENDING

    @property
    def status_text(self) -> str:
        return STATUSES.get(self.status, self.status)


def _job(row: dict) -> Job:
    return Job(row["id"], row["file_name"], row["status"], row["message"], row["document_id"], row["submitted_by"],
               row["submitted_at"], row["finished_at"])


def add_job(store: Store, file_name: str, path: str, user: str | None) -> int:
    return store.insert("INSERT INTO web_jobs (file_name, path, submitted_by, submitted_at, status) "
                        "VALUES (?, ?, ?, ?, 'queued')", (file_name, path, user, now()))


def get_job(store: Store, job_id: int) -> Job | None:
    row = store.one("SELECT * FROM web_jobs WHERE id = ?", (job_id,))
    return _job(row) if row else None


def recent_jobs(store: Store, limit: int = 50) -> list[Job]:
    return [_job(r) for r in store.query("SELECT * FROM web_jobs ORDER BY id DESC LIMIT ?", (limit,))]


def _child(db: str | None, path: str, memory_limit: int | None, conn) -> None:
    """In the child process: import one file, send back (document id, message)."""
    try:
        if memory_limit:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        _die_with_parent()
        from pathlib import Path

        from pipeline.web.importing import import_one

        with open_store(db) as store:
            res = import_one(store, Path(path))
        conn.send((res.doc_id, res.message))
    except MemoryError:
        conn.send((None, "Tệp cần quá nhiều bộ nhớ để đọc"))
    except BaseException as e:  # noqa: BLE001 - the reason goes to the job, the child ends anyway
        conn.send((None, f"Lỗi khi nhập: {type(e).__name__}: {e}"[:500]))
    finally:
        conn.close()


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent goes (the server killed with -9)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class JobRunner:
    """The background importer of one server process (started on the first upload)."""

    def __init__(self, db: str | None, *, timeout: float = 600.0, memory_limit: int | None = 3 * 2**30,
                 poll: float = 5.0):
        self.db, self.timeout, self.memory_limit, self.poll = db, timeout, memory_limit, poll
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipeline.web.importing"])  # each job's process starts with the pipeline loaded

    def wake(self) -> None:
        """A job was queued: start the worker thread if this process has none, and let it look now."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._loop, name="vanban-import-jobs", daemon=True)
                self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        while True:
            try:
                while self.run_next():
                    pass
            except Exception:  # noqa: BLE001 - a database hiccup must not end the worker for good
                pass
            self._wake.wait(self.poll)
            self._wake.clear()

    def run_next(self) -> bool:
        """Claim and run the oldest queued job; False when there was none."""
        with open_store(self.db) as store:
            stale = (datetime.now(UTC) - timedelta(seconds=self.timeout + 60)).replace(microsecond=0).isoformat()
            store.execute("UPDATE web_jobs SET status = 'queued' WHERE status = 'running' AND started_at < ?", (stale,))
            row = store.one("SELECT * FROM web_jobs WHERE status = 'queued' ORDER BY id LIMIT 1")
            if row is None:
                return False
            if store.execute("UPDATE web_jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
                             (now(), row["id"])) != 1:
                return True  # another server process took it
        doc_id, message = self._import(row["path"])
        with open_store(self.db) as store:
            store.execute("UPDATE web_jobs SET status = ?, message = ?, document_id = ?, finished_at = ? WHERE id = ?",
                          ("done" if doc_id else "failed", message, doc_id, now(), row["id"]))
        return True

    def _import(self, path: str) -> tuple[int | None, str]:
        ctx = multiprocessing.get_context("forkserver")
        recv, send = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_child, args=(self.db, path, self.memory_limit, send), daemon=True)
        p.start()
        send.close()
        try:
            if recv.poll(self.timeout):
                try:
                    return recv.recv()
                except EOFError:
                    pass
            else:
                p.kill()
                return None, f"Quá thời gian nhập ({int(self.timeout)} giây)"
        finally:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join()
            recv.close()
        return None, f"Tiến trình nhập dừng bất thường (mã {p.exitcode})"
