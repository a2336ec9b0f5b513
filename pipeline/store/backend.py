"""The two database backends behind one small interface.

SQL is written once with `?` placeholders; the PostgreSQL backend rewrites
them. Rows come back as dicts. `transaction()` is the unit of atomicity: the
importer writes each document in one, so a kill at any moment leaves either the
whole document or none of it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.store.errors import NeedsMigration, StoreError
from pipeline.store.migrations import LATEST, MIGRATIONS
from pipeline.store.url import DbUrl, parse_db_url


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """An open database: `query`, `one`, `execute`, `insert` and `transaction`."""

    dialect: str
    url: DbUrl
    readonly: bool = False

    # -- subclass hooks
    def _execute(self, sql: str, params: Sequence[Any]) -> Any: raise NotImplementedError
    def _rows(self, cur) -> list[dict]: raise NotImplementedError
    @contextmanager
    def transaction(self) -> Iterator[None]: raise NotImplementedError  # noqa: E704
    def close(self) -> None: raise NotImplementedError  # noqa: E704
    def table_names(self) -> set[str]: raise NotImplementedError  # noqa: E704

    # -- common API
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cur = self._execute(sql, params)
        return cur.rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict]:
        return self._rows(self._execute(sql, params))

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return next(iter(row.values())) if row else None

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """INSERT ... RETURNING id → the new id."""
        return self.query(sql + " RETURNING id", params)[0]["id"]

    def lock_writes(self) -> None:
        """Inside a transaction: wait until no other writer of documents holds the lock, then hold it
        to the end of the transaction. Two importers on one database then write one document at a time
        (extraction stays parallel), so neither can insert a row the other has just inserted, nor
        deadlock on the rows both touch. SQLite's `BEGIN IMMEDIATE` already does this."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema
    def schema_version(self) -> int:
        if "schema_version" not in self.table_names():
            return 0
        return int(self.scalar("SELECT MAX(version) AS v FROM schema_version") or 0)

    def check_version(self) -> int:
        v = self.schema_version()
        if v > LATEST:
            raise StoreError(
                f"database {self.url} has schema version {v}, newer than this vanban understands ({LATEST}); "
                "upgrade vanban to use it (nothing was written)")
        return v

    def migrate(self, upto: int | None = None) -> int:
        """Apply the pending migrations (up to `upto`), each in its own transaction."""
        v = self.check_version()
        if v == 0 and self.table_names() - {"sqlite_sequence"}:
            raise StoreError(f"{self.url} already holds tables that are not a vanban database (nothing was written)")
        for m in MIGRATIONS:
            if m.version <= v or (upto is not None and m.version > upto):
                continue
            if self.readonly:
                raise NeedsMigration(f"database {self.url} needs migration to schema version {LATEST} "
                                 "but was opened read-only; run `vanban import` once to upgrade it")
            with self.transaction():
                if self.dialect == "postgres":  # two imports starting at once: one migrates, the other waits
                    self.execute("SELECT pg_advisory_xact_lock(7261845)")
                    if self.schema_version() >= m.version:
                        v = m.version
                        continue
                if m.version == 1:
                    self.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                 "applied_at TEXT NOT NULL)")
                for stmt in m.statements(self.dialect):
                    self.execute(stmt)
                if m.python is not None:
                    m.python(self)
                self.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                             (m.version, m.name, now()))
            v = m.version
        return v


class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, url: DbUrl, readonly: bool = False):
        self.url = url
        self.readonly = readonly
        path = url.target
        try:
            if readonly:
                uri = f"file:{Path(path).resolve()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
                self.conn.execute("PRAGMA busy_timeout = 30000")
                if path:
                    self.conn.execute("PRAGMA journal_mode = WAL")
                    self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"cannot open database {path}: {e}") from None
        self.conn.row_factory = sqlite3.Row
        self._depth = 0

    def _execute(self, sql: str, params: Sequence[Any]):
        try:
            return self.conn.execute(sql, tuple(params))
        except sqlite3.OperationalError as e:
            if "readonly" in str(e) or "read-only" in str(e):
                raise StoreError(f"database {self.url} is read-only: {e}") from None
            raise

    def _rows(self, cur) -> list[dict]:
        return [dict(r) for r in cur.fetchall()]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._execute("BEGIN IMMEDIATE", ())
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    def table_names(self) -> set[str]:
        return {r["name"] for r in self.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}

    def close(self) -> None:
        self.conn.close()


class PostgresStore(Store):
    dialect = "postgres"

    def __init__(self, url: DbUrl, readonly: bool = False):
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise StoreError("PostgreSQL support needs psycopg: pip install 'vanban[postgres]'") from None
        self.url = url
        self.readonly = readonly
        try:
            self.conn = psycopg.connect(url.target, autocommit=True, row_factory=dict_row, connect_timeout=10)
        except psycopg.Error as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise StoreError(f"cannot connect to {url}: {msg}") from None
        except Exception as e:  # libpq rejects a malformed conninfo with ProgrammingError/ValueError
            raise StoreError(f"cannot connect to {url}: {e}") from None
        if readonly:
            self.conn.execute("SET default_transaction_read_only = on")
        self._tx = None

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _execute(self, sql: str, params: Sequence[Any]):
        import psycopg

        try:
            return self.conn.execute(self._sql(sql), tuple(params))
        except psycopg.errors.ReadOnlySqlTransaction as e:
            raise StoreError(f"database {self.url} is read-only: {e}") from None
        except psycopg.errors.InsufficientPrivilege as e:
            raise StoreError(f"no permission to write {self.url}: {e}") from None

    def _rows(self, cur) -> list[dict]:
        return list(cur.fetchall()) if cur.description else []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    def lock_writes(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(7261846)")  # 7261845 is the migrations' lock

    def table_names(self) -> set[str]:
        return {r["table_name"] for r in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}

    def close(self) -> None:
        self.conn.close()


def _check_sqlite_target(url: DbUrl, create: bool, readonly: bool) -> None:
    if not url.target:
        return
    p = Path(url.target)
    if p.exists():
        if p.is_dir():
            raise StoreError(f"database path {p} is a directory")
        with open(p, "rb") as f:
            head = f.read(16)
        if head and head != b"SQLite format 3\x00":
            raise StoreError(f"{p} is not an SQLite database")
        # no write bit at all counts as read-only even for root, who os.access lets write anything
        if not readonly and (not os.access(p, os.W_OK) or not p.stat().st_mode & 0o222):
            raise StoreError(f"database {p} is read-only (no write permission); nothing was written")
        if not readonly and not os.access(p.parent if str(p.parent) else Path("."), os.W_OK):
            raise StoreError(f"directory {p.parent} of database {p} is not writable (SQLite needs it for its journal)")
        return
    if not create:
        raise StoreError(f"no database at {p}; create one with `vanban import PATH... --db {p}`")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise StoreError(f"cannot create database {p}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise StoreError(f"cannot create database {p}: directory {parent} is not writable")


def open_store(db: str | None = None, *, create: bool = False, readonly: bool = False,
               upto: int | None = None) -> Store:
    """Open (and migrate) the database named by a path or URL.

    `create`: make a new database if there is none (the import). `readonly`:
    queries; never writes, refuses a database that would need migrating.
    Raises `StoreError` with a clear message and writes nothing on bad input.
    """
    url = parse_db_url(db)
    if url.dialect == "sqlite":
        _check_sqlite_target(url, create, readonly)
        store: Store = SQLiteStore(url, readonly=readonly)
    else:
        store = PostgresStore(url, readonly=readonly)
    try:
        store.check_version()
        if store.schema_version() == 0 and not create:
            raise StoreError(f"{url} is not a vanban database yet; run `vanban import PATH... --db {db}` first")
        store.migrate(upto)
    except BaseException:
        store.close()
        raise
    return store
