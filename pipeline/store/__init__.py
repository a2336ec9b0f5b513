"""The program database: schema, migrations and the SQLite/PostgreSQL backends.

`open_store(db)` takes a path or URL (`vanban.db`, `sqlite:///x.db`,
`postgresql://...`). Writing goes through `pipeline.store.writer`, reading
through `pipeline.queries`.
"""

from pipeline.store.backend import Store, now, open_store
from pipeline.store.errors import NeedsMigration, StoreError
from pipeline.store.migrations import LATEST as SCHEMA_VERSION
from pipeline.store.url import DEFAULT_DB, parse_db_url

__all__ = ["DEFAULT_DB", "SCHEMA_VERSION", "NeedsMigration", "Store", "StoreError", "now", "open_store", "parse_db_url"]
