"""`--db` values: a path, sqlite:///path or postgresql://..., parsed and checked
before anything is opened, so a typo never creates a stray database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.store.errors import StoreError

DEFAULT_DB = "vanban.db"


@dataclass(frozen=True)
class DbUrl:
    dialect: str  # "sqlite" | "postgres"
    target: str  # a file path for sqlite ("" for in-memory), the libpq URL for postgres

    def __str__(self) -> str:
        return self.target if self.dialect == "sqlite" else _hide_password(self.target)


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def parse_db_url(value: str | None) -> DbUrl:
    """A path or URL → `DbUrl`; raises `StoreError` for anything malformed."""
    value = (value or DEFAULT_DB).strip()
    if not value:
        raise StoreError("empty database location")
    if "://" not in value:
        if value.startswith(("postgres:", "postgresql:", "sqlite:")):
            raise StoreError(f"malformed database URL {value!r}: expected sqlite:///PATH or postgresql://HOST/DB")
        return DbUrl("sqlite", value)
    scheme, rest = value.split("://", 1)
    scheme = scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////abs/path.db, sqlite:///:memory:
        if not rest.startswith("/"):
            raise StoreError(f"malformed database URL {value!r}: write sqlite:///PATH (three slashes)")
        path = rest[1:]
        if not path:
            raise StoreError(f"malformed database URL {value!r}: no file path after sqlite:///")
        return DbUrl("sqlite", "" if path == ":memory:" else path)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        url = "postgresql://" + rest
        try:
            parts = urlsplit(url)
            _ = parts.port  # raises ValueError on a non-numeric port
        except ValueError as e:
            raise StoreError(f"malformed database URL {_hide_password(value)!r}: {e}") from None
        if not parts.hostname and "host=" not in (parts.query or ""):
            raise StoreError(f"malformed database URL {_hide_password(value)!r}: no host")
        if not parts.path.strip("/"):
            raise StoreError(f"malformed database URL {_hide_password(value)!r}: no database name")
        return DbUrl("postgres", url)
    raise StoreError(f"unsupported database URL scheme {scheme!r} in {_hide_password(value)!r}: "
                     "use a file path, sqlite:///PATH or postgresql://USER@HOST:PORT/DB")


def sqlite_path(url: DbUrl) -> Path | None:
    return Path(url.target) if url.dialect == "sqlite" and url.target else None
