"""Two importers writing one PostgreSQL database at once (issue 14, item 7).

Both import the same gold documents (one in reverse order), so they race on
every shared row: the same document at the same path, and the bodies
("Sở Công Thương", "UBND tỉnh …") that many documents name. No file may be
logged as failed, every document is stored once, and each body once.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from test_store import DEV, GOLD_BY_FILE, PG_URL, gold_extract, pg_schema_url

from pipeline.importer import Importer
from pipeline.store import open_store

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="VANBAN_TEST_PG_URL not set")]




def _run(url: str, paths: list[Path], barrier: threading.Barrier, out: dict, key: str) -> None:
    store = open_store(url, create=True)
    try:
        barrier.wait()
        out[key] = Importer(store, workers=0, extract=gold_extract).run(paths)
    except BaseException as e:  # reported by the test, not lost in the thread
        out[key] = e
    finally:
        store.close()


@pytest.mark.parametrize("attempt", range(3))
def test_two_importers_at_once_fail_no_file(tmp_path, attempt):
    src = tmp_path / "docs"
    src.mkdir()
    names = sorted(n for n in GOLD_BY_FILE if (DEV / n).exists())
    for n in names:
        shutil.copy(DEV / n, src / n)
    files = sorted(src.iterdir())
    url = pg_schema_url(f"race_{attempt}_{tmp_path.name[-8:].lower()}")
    open_store(url, create=True).close()  # schema first: the race under test is the writing
    barrier, out = threading.Barrier(2), {}
    threads = [threading.Thread(target=_run, args=(url, order, barrier, out, k))
               for k, order in (("a", files), ("b", files[::-1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    a, b = out["a"], out["b"]
    assert not isinstance(a, BaseException), a
    assert not isinstance(b, BaseException), b
    assert a.failures == [] and b.failures == [], (a.failures, b.failures)

    store = open_store(url)
    docs = store.query("SELECT source_path FROM documents")
    assert sorted(Path(r["source_path"]).name for r in docs) == [f.name for f in files]
    assert a.added + b.added == len(files)
    assert store.scalar("SELECT COUNT(*) AS n FROM import_log WHERE outcome = 'failed'") == 0
    # one row per body, up to accents' and capitals' spelling, whichever importer met it first
    dup = store.query("SELECT name_key, COUNT(*) AS n FROM bodies GROUP BY name_key HAVING COUNT(*) > 1")
    assert dup == []
    # every task of every document kept its bodies
    want = sum(len(t["assignees"]) + len(t["coordinators"]) for n in names for t in GOLD_BY_FILE[n]["tasks"])
    assert store.scalar("SELECT COUNT(*) AS n FROM task_bodies") == want
    store.close()


def test_body_inserted_by_an_open_transaction_is_reused_not_a_failure(tmp_path):
    """ensure_body on its own (no writer lock): the second insert waits for the first and takes its row."""
    from pipeline.store.bodies import ensure_body

    url = pg_schema_url(f"race_body_{tmp_path.name[-8:].lower()}")
    first, second = open_store(url, create=True), open_store(url)
    out: dict = {}
    with first.transaction():
        mine = ensure_body(first, "Sở Công Thương")

        def other() -> None:
            try:
                with second.transaction():
                    out["id"] = ensure_body(second, "Sở Công Thương", "SỞ CÔNG THƯƠNG")
            except BaseException as e:
                out["id"] = e

        t = threading.Thread(target=other)
        t.start()
        t.join(0.5)
        assert t.is_alive()  # waiting on the row the first transaction has not committed yet
    t.join(30)
    assert out["id"] == mine
    assert first.query("SELECT name FROM bodies") == [{"name": "Sở Công Thương"}]
    first.close()
    second.close()
