"""Worker processes die with their import: `vanban import --workers 2` killed
with -9 or SIGTERM while its workers wait (the import blocked reading a FIFO
mid-batch) leaves no process behind, and a re-run completes the database as an
uninterrupted import would have written it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store import DEV, DEV_FEW, SEEDS, snapshot

from pipeline.cli import main as cli
from pipeline.store import open_store

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, pgid) of every process, from /proc."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":
                out[int(d)] = (int(fields[1]), int(fields[2]))
    return out


def _family(pid: int) -> set[int]:
    """The descendants of `pid` and the members of its process group (its session leader's)."""
    procs = _processes()
    found, grew = {p for p, (_, pgid) in procs.items() if pgid == pid and p != pid}, True
    while grew:
        kids = {p for p, (ppid, _) in procs.items() if ppid in found | {pid} and p != pid} - found
        found |= kids
        grew = bool(kids)
    return found


def _count(db: Path) -> int:
    try:
        with open_store(str(db), readonly=True) as s:
            return s.scalar("SELECT COUNT(*) AS n FROM documents") or 0
    except Exception:
        return 0


def _batch(tmp_path: Path) -> tuple[Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, docs / p.name)
    for n in DEV_FEW:
        shutil.copy(DEV / n, docs / n)
    fifo = tmp_path / "zz_blocks.txt"  # named last: the importer blocks hashing it, its workers idle
    os.mkfifo(fifo)
    return docs, fifo


def _start_and_block(docs: Path, fifo: Path, db: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-c", "from pipeline.cli import main; main()", "import", str(docs), str(fifo),
           "--db", str(db), "--workers", "2", "-q"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _count(db) < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    time.sleep(1.0)  # the window's extractions finish: the workers wait for work, the importer on the FIFO
    assert proc.poll() is None, proc.stderr.read().decode()
    return proc


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = pids & set(_processes())
        if not alive:
            return set()
        time.sleep(0.1)
    return pids & set(_processes())


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """The uninterrupted import of the same batch (in this process, as the re-runs are)."""
    tmp = tmp_path_factory.mktemp("ref")
    docs, fifo = _batch(tmp)
    fifo.unlink()
    db = tmp / "ref.db"
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", str(db), "--workers", "0", "-q"])
    assert r.exit_code == 0, r.output
    with open_store(str(db), readonly=True) as s:
        return {"docs": docs, "snapshot": snapshot(s)}


def _rerun_matches(reference: dict, docs: Path, db: Path) -> None:
    r = CliRunner().invoke(cli, ["import", str(docs), "--db", str(db), "--workers", "0", "-q"])
    assert r.exit_code == 0, r.output
    with open_store(str(db), readonly=True) as s:
        snap = snapshot(s)
    # the same rows, by file name (the batches sit in different temp dirs)
    rename = lambda v: Path(v).name if isinstance(v, str) and v.startswith("/") else v  # noqa: E731
    norm = lambda sn: {k: sorted(tuple(rename(x) for x in row) for row in rows) for k, rows in sn.items()}  # noqa: E731
    assert norm(snap) == norm(reference["snapshot"])


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_workers_exit_with_their_import_and_a_rerun_completes(sig, tmp_path, reference):
    docs, fifo = _batch(tmp_path)
    db = tmp_path / "v.db"
    proc = _start_and_block(docs, fifo, db)
    workers = _family(proc.pid)
    try:
        assert len(workers) >= 2, "the import should have two worker processes"
        written = _count(db)
        assert 1 <= written < 16
        os.kill(proc.pid, sig)
        proc.wait(10)
        left = _gone_within(workers | _family(proc.pid), 5)
        assert not left, f"processes left after {sig.name}: {sorted(left)}"
        if sig == signal.SIGTERM:
            assert proc.returncode == 128 + signal.SIGTERM
            with open_store(str(db), readonly=True) as s:
                assert s.scalar("SELECT status FROM import_runs") == "interrupted"
    finally:
        for p in _family(proc.pid) | {proc.pid}:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
    fifo.unlink()
    _rerun_matches(reference, docs, db)
